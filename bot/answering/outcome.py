"""The values that cross from the core to the channels: the incoming message, the decision,
the reply.

Channels turn their platform's message into an :class:`Incoming` and render the
:class:`Reply` of the :class:`Outcome`; "no match" is the ``handoff`` decision, not an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["Choice", "Decision", "Incoming", "Notice", "Outcome", "Reply"]


class Decision(StrEnum):
    """What the assistant does with a message."""

    ANSWER = "answer"
    CLARIFY = "clarify"
    HANDOFF = "handoff"
    LEGAL_REFERRAL = "legal_referral"
    EMERGENCY = "emergency"


class Notice(StrEnum):
    """Notices a reply carries; channels may style them."""

    NO_LEGAL_ADVICE = "no_legal_advice"
    FALLBACK_LANGUAGE = "fallback_language"
    EMERGENCY_NUMBERS = "emergency_numbers"
    NEEDS_REVIEW = "needs_review"
    UNSUPPORTED_LANGUAGE = "unsupported_language"
    TRUNCATED = "truncated"


@dataclass(frozen=True, slots=True)
class Incoming:
    """A message as any channel hands it to the core.

    Attributes:
        text: the text as received (cleaned by the core, never changed for display).
        city: the person's city, if known.
        previous_language: the language the person used before, if any.
        language_hint: the channel's hint (e.g. the Telegram app's language).
        forced_language: a language the person chose explicitly (``/lang``); skips detection.
    """

    text: str
    city: str | None = None
    previous_language: str | None = None
    language_hint: str | None = None
    forced_language: str | None = None


@dataclass(frozen=True, slots=True)
class Choice:
    """An entry offered in a clarify question."""

    entry_id: str
    title: str


@dataclass(frozen=True, slots=True)
class Reply:
    """What the person sees, in parts, so every channel can lay it out its own way.

    ``lead`` comes first (emergency numbers, legal notice, fallback note), then ``body``,
    ``contact`` lines, the ``source`` line and ``footer`` notes.
    """

    language: str
    rtl: bool
    body: str
    lead: tuple[str, ...] = ()
    contact: tuple[tuple[str, str], ...] = ()
    source: str = ""
    footer: tuple[str, ...] = ()
    choices: tuple[Choice, ...] = ()

    def as_text(self) -> str:
        """Render as plain text (terminal, JSON lines, logs of tests)."""
        parts: list[str] = [*self.lead, self.body]
        if self.choices:
            parts.append("\n".join(f"{n}. {c.title}" for n, c in enumerate(self.choices, 1)))
        if self.contact:
            parts.append("\n".join(f"{label}: {value}" for label, value in self.contact))
        if self.source:
            parts.append(self.source)
        parts.extend(self.footer)
        return "\n\n".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class Outcome:
    """The core's full result for one message.

    Attributes:
        decision: what to do.
        reply: what to say.
        language: the reply's language (ISO 639-1).
        entry_id: the answered entry, else None.
        candidates: retrieval's top entry ids, best first (filled for every decision).
        score: the top candidate's confidence, 0..1.
        notices: the notices the reply carries.
        reason: a short machine-readable why (``guard:emergency``, ``not_covered`` ...).
        cleaned_text: the message as the core read it (for staff and transcripts).
        candidate_titles_de: German titles of the candidates (a topic hint for staff).
    """

    decision: Decision
    reply: Reply
    language: str
    entry_id: str | None
    candidates: tuple[str, ...]
    score: float
    notices: tuple[Notice, ...] = ()
    reason: str = ""
    cleaned_text: str = ""
    candidate_titles_de: tuple[str, ...] = field(default=())
