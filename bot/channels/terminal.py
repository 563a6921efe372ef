"""``wegweiser chat``: a conversation in the terminal with the same core as every channel.

Clarify choices are numbered; type the number to pick one. ``/lang xx`` and ``/city NAME``
change the conversation's language and city; ``/quit`` (or Ctrl-D) ends.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from typing import TextIO

from bot.answering import messages
from bot.answering.assistant import Assistant
from bot.answering.compose import compose
from bot.answering.decide import Verdict
from bot.answering.outcome import Decision, Incoming, Outcome
from bot.config import Settings
from bot.i18n import translator
from bot.languages import LANGUAGES, SUPPORTED
from bot.runtime import build_runtime

__all__ = ["ChatSession", "converse", "run"]

CITIES = ("krefeld", "essen")


@dataclass(frozen=True, slots=True)
class ChatState:
    """What the terminal conversation remembers between messages."""

    city: str | None = None
    language: str | None = None
    chosen_language: str | None = None
    choices: tuple[str, ...] = ()


class ChatSession:
    """One terminal conversation: turns typed lines into replies (testable without a tty)."""

    def __init__(self, assistant: Assistant, city: str | None, language: str | None) -> None:
        self.assistant = assistant
        chosen = language if language in SUPPORTED else None
        self.state = ChatState(city=city, language=chosen, chosen_language=chosen)

    def greeting(self) -> str:
        """The opening text: who the assistant is, no legal advice, how to reach a person."""
        tr = translator(self.state.language or "de")
        return "\n\n".join((tr.gettext(messages.GREETING), tr.gettext(messages.CHAT_WELCOME)))

    def handle(self, line: str) -> str | None:
        """Return the reply to one typed line, or None to end the conversation."""
        text = line.strip()
        if text in ("/quit", "/exit"):
            return None
        if text.startswith("/lang"):
            return self._set_language(text.removeprefix("/lang").strip())
        if text.startswith("/city"):
            return self._set_city(text.removeprefix("/city").strip())
        if text.isdigit() and self.state.choices:
            return self._pick(int(text))
        outcome = self.assistant.answer(Incoming(
            text=line,
            city=self.state.city,
            previous_language=self.state.language,
            forced_language=self.state.chosen_language,
        ))
        return self._render(outcome)

    def _render(self, outcome: Outcome) -> str:
        choices = tuple(c.entry_id for c in outcome.reply.choices)
        self.state = replace(self.state, language=outcome.language, choices=choices)
        text = outcome.reply.as_text()
        tr = translator(outcome.language)
        if choices:
            text += "\n\n" + tr.gettext(messages.CLARIFY_PICK_HINT)
        if outcome.decision is Decision.HANDOFF:
            text += "\n\n" + tr.gettext(messages.CHAT_HANDOFF_DEMO)
        return text

    def _pick(self, number: int) -> str:
        language = self.state.language or "de"
        if not 1 <= number <= len(self.state.choices):
            return translator(language).gettext(messages.CLARIFY_PICK_HINT)
        entry = self.assistant.index.knowledge.get(self.state.choices[number - 1])
        if entry is None:  # the knowledge base changed under us
            return translator(language).gettext(messages.CLARIFY_EMPTY)
        reply, _ = compose(Verdict(Decision.ANSWER, "chosen", entry=entry),
                           knowledge=self.assistant.index.knowledge, language=language,
                           make_translator=self.assistant.make_translator)
        self.state = replace(self.state, choices=())
        return reply.as_text()

    def _set_language(self, code: str) -> str:
        tr = translator(self.state.language or "de")
        code = code.lower()
        if code not in SUPPORTED:
            return tr.gettext(messages.CHAT_UNKNOWN_LANGUAGE).format(languages=", ".join(SUPPORTED))
        self.state = replace(self.state, language=code, chosen_language=code)
        return translator(code).gettext(messages.CHAT_LANGUAGE_SET).format(
            language=LANGUAGES[code].native_name)

    def _set_city(self, name: str) -> str:
        tr = translator(self.state.language or "de")
        city = name.casefold()
        if city not in CITIES:
            return tr.gettext(messages.CHAT_UNKNOWN_CITY).format(cities=", ".join(CITIES))
        self.state = replace(self.state, city=city)
        return tr.gettext(messages.CHAT_CITY_SET).format(city=city.capitalize())


def _print_reply(text: str, rtl: bool, out: TextIO) -> None:
    # Terminals lay out right-to-left text themselves; mark the paragraph direction only.
    out.write(("\u200f" if rtl else "") + text + "\n\n")
    out.flush()


def run(settings: Settings, *, city: str | None, language: str | None,
        stdin: TextIO | None = None, out: TextIO | None = None) -> int:
    """Build the assistant and run the conversation until ``/quit`` or end of input."""
    session = ChatSession(build_runtime(settings).assistant, city, language)
    return converse(session, stdin or sys.stdin, out or sys.stdout)


def converse(session: ChatSession, stdin: TextIO, out: TextIO) -> int:
    """Read lines from ``stdin`` and print replies until ``/quit`` or end of input."""
    _print_reply(session.greeting(), False, out)
    while True:
        if stdin.isatty():
            out.write("> ")
            out.flush()
        line = stdin.readline()
        if not line:
            return 0
        if not line.strip():
            continue
        reply = session.handle(line)
        if reply is None:
            return 0
        rtl = LANGUAGES[session.state.language].rtl if session.state.language else False
        _print_reply(reply, rtl, out)

