"""The gettext catalogues: complete in all ten languages, none empty or fuzzy, none stale."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.languages import SUPPORTED

REPOSITORY = Path(__file__).resolve().parent.parent
TRANSLATIONS = REPOSITORY / "translations"
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def source_messages() -> set[str]:
    """Extract the marked messages from the code, as `pybabel extract` does."""
    found = extract_from_dir(
        str(REPOSITORY / "bot"),
        method_map=[("**.py", "python")],
        keywords={"N_": None},
    )
    return {message for _, _, message, _, _ in found if isinstance(message, str)}


def catalogue_ids(path: Path) -> dict[str, object]:
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    return {m.id: m for m in catalogue if m.id}


def test_template_is_up_to_date_with_the_code() -> None:
    template = set(catalogue_ids(TRANSLATIONS / "messages.pot"))
    code = source_messages()
    assert code - template == set(), "run pybabel extract (see translations/babel.cfg)"
    assert template - code == set(), "the template has messages the code no longer uses"


@pytest.mark.parametrize("language", SUPPORTED)
def test_catalogue_is_complete_without_empty_or_fuzzy_entries(language: str) -> None:
    messages = catalogue_ids(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po")
    missing = source_messages() - set(messages)
    assert not missing, f"{language}: untranslated messages: {sorted(missing)[:3]}"
    for msgid, message in messages.items():
        assert message.string, f"{language}: empty translation of {msgid[:60]!r}"  # type: ignore[attr-defined]
        assert not message.fuzzy, f"{language}: fuzzy translation of {msgid[:60]!r}"  # type: ignore[attr-defined]


@pytest.mark.parametrize("language", SUPPORTED)
def test_translations_keep_every_placeholder(language: str) -> None:
    messages = catalogue_ids(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po")
    for msgid, message in messages.items():
        wanted = sorted(PLACEHOLDER.findall(msgid))
        assert sorted(PLACEHOLDER.findall(message.string)) == wanted, (  # type: ignore[attr-defined]
            f"{language}: placeholders differ in {msgid[:60]!r}")


@pytest.mark.parametrize("language", SUPPORTED)
def test_emergency_numbers_are_in_every_language(language: str) -> None:
    from bot.answering import messages
    from bot.i18n import translator

    text = translator(language).gettext(messages.EMERGENCY)
    for number in ("110", "112", "116 016", "0800 111 0 111"):
        assert number in text, f"{language}: {number} missing from the emergency text"
