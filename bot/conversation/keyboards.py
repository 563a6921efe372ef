"""Buttons the conversation offers, and the callback data they carry.

Callback data is short text ``verb:argument`` (Telegram allows 64 bytes); anything else a
client sends back is treated as an expired or forged button.
"""

from __future__ import annotations

from bot.answering import messages as core_texts
from bot.conversation import texts
from bot.conversation.model import Button
from bot.i18n import Translator
from bot.kb.model import CATEGORIES, Entry
from bot.languages import LANGUAGES

__all__ = [
    "after_answer",
    "categories",
    "choices",
    "cities",
    "consent",
    "delete_confirm",
    "entries",
    "languages",
    "parse",
]

Rows = tuple[tuple[Button, ...], ...]
VERBS = frozenset({"lang", "city", "fb", "ask", "pick", "consent", "del", "cat", "entry"})


def parse(data: str) -> tuple[str, str] | None:
    """Split callback data into (verb, argument); None when it is not ours."""
    verb, _, argument = data.partition(":")
    if verb not in VERBS or len(data) > 64:
        return None
    return verb, argument


def languages() -> Rows:
    """The ten languages, each named in its own script, two per row."""
    buttons = [Button(lang.native_name, f"lang:{code}") for code, lang in LANGUAGES.items()]
    return tuple(tuple(buttons[i:i + 2]) for i in range(0, len(buttons), 2))


def cities(names: tuple[str, ...]) -> Rows:
    """One button per city the deployment serves."""
    return (tuple(Button(name.capitalize(), f"city:{name}") for name in names),)


def after_answer(tr: Translator, entry_id: str | None) -> Rows:
    """Feedback buttons (for an answer) and the way to a person."""
    rows: list[tuple[Button, ...]] = []
    if entry_id:
        rows.append((Button("👍 " + tr.gettext(texts.BUTTON_HELPFUL), f"fb:1:{entry_id}"),
                     Button("👎 " + tr.gettext(texts.BUTTON_NOT_HELPFUL), f"fb:0:{entry_id}")))
    rows.append((Button("🙋 " + tr.gettext(texts.BUTTON_ASK_PERSON), "ask:"),))
    return tuple(rows)


def choices(tr: Translator, options: list[tuple[str, str]]) -> Rows:
    """Clarify choices (entry id, title), then "none of these"."""
    rows = [(Button(title[:60], f"pick:{entry_id}"),) for entry_id, title in options]
    rows.append((Button(tr.gettext(texts.BUTTON_NONE_OF_THESE), "ask:"),))
    return tuple(rows)


def consent(tr: Translator) -> Rows:
    """Yes / no to passing the question to staff."""
    return ((Button(tr.gettext(texts.BUTTON_YES_FORWARD), "consent:yes"),),
            (Button(tr.gettext(texts.BUTTON_NO), "consent:no"),))


def delete_confirm(tr: Translator) -> Rows:
    """Yes / no to erasing the person's data."""
    return ((Button(tr.gettext(texts.BUTTON_YES_DELETE), "del:yes"),),
            (Button(tr.gettext(texts.BUTTON_NO), "del:no"),))


def categories(tr: Translator, present: set[str]) -> Rows:
    """The knowledge base's categories that have entries for the person's city."""
    return tuple((Button(tr.gettext(core_texts.CATEGORY_NAMES[c]), f"cat:{c}"),)
                 for c in CATEGORIES if c in present)


def entries(tr: Translator, found: list[tuple[Entry, str]]) -> Rows:
    """One button per entry (with its title in the person's language), then "back"."""
    rows = [(Button(title[:60], f"entry:{entry.id}"),) for entry, title in found]
    rows.append((Button(tr.gettext(texts.BUTTON_BACK), "cat:"),))
    return tuple(rows)
