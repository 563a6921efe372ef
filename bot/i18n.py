"""Interface texts from gettext catalogues in ``translations/``, chosen per message.

The locale travels with each conversation: code asks :func:`translator` for the person's
language and calls ``gettext`` on the result; nothing is installed process-wide. Catalogues
are read from the ``.po`` files with Babel, so editing a translation needs no compile step.
Fallback: exact code, Babel-normalised code, base language, then the source text (English).
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.pofile import read_po

__all__ = ["N_", "TRANSLATIONS_DIR", "Translator", "translator"]

logger = logging.getLogger(__name__)

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
DOMAIN = "messages"


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now."""
    return message


class Translator:
    """Translates interface texts into one language; missing texts stay in English."""

    def __init__(self, language: str, messages: dict[str, str]) -> None:
        self.language = language
        self._messages = messages

    def gettext(self, message: str) -> str:
        """Return the translation of ``message``, or ``message`` itself."""
        return self._messages.get(message) or message

    def has(self, message: str) -> bool:
        """Return True when the catalogue has a non-empty translation of ``message``."""
        return bool(self._messages.get(message))


def _catalogue_path(code: str, folder: Path) -> Path:
    return folder / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def _candidates(code: str) -> list[str]:
    codes = [code]
    try:
        locale = Locale.parse(code.replace("_", "-"), sep="-")
        codes += [str(locale), locale.language]
    except (ValueError, UnknownLocaleError):
        codes.append(code.replace("-", "_").split("_", 1)[0])
    return list(dict.fromkeys(c for c in codes if c))


@functools.lru_cache(maxsize=64)
def _load(code: str, folder: Path) -> dict[str, str]:
    path = _catalogue_path(code, folder)
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=code)
    messages: dict[str, str] = {}
    for message in catalogue:
        msgid, msgstr = message.id, message.string
        usable = isinstance(msgid, str) and isinstance(msgstr, str) and not message.fuzzy
        if usable and msgid and msgstr:
            messages[str(msgid)] = str(msgstr)
    return messages


def translator(language: str, folder: Path = TRANSLATIONS_DIR) -> Translator:
    """Return the translator for ``language`` (with Babel's locale fallback)."""
    for code in _candidates(language):
        messages = _load(code, folder)
        if messages:
            return Translator(code, messages)
    return Translator(language, {})
