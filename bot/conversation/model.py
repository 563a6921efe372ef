"""Values that cross between channels and the conversation service.

A channel turns a platform update into a :class:`PersonEvent` or a :class:`StaffEvent`; the
service answers with :class:`Outgoing` messages written to the outbox. Outgoing messages are
neutral (sections of plain text with a style, and buttons); each channel renders them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.answering.outcome import Reply

__all__ = ["Button", "EventKind", "Outgoing", "PersonEvent", "Section", "StaffEvent",
           "StaffEventKind", "from_reply"]


class EventKind(StrEnum):
    """What a person sent."""

    TEXT = "text"
    COMMAND = "command"
    CALLBACK = "callback"
    VOICE = "voice"
    PHOTO = "photo"
    DOCUMENT = "document"
    STICKER = "sticker"
    OTHER = "other"
    EDITED = "edited"


@dataclass(frozen=True, slots=True)
class PersonEvent:
    """Something a person did in a private chat with the assistant."""

    channel: str
    chat_id: str
    kind: EventKind
    text: str = ""
    command: str = ""
    data: str = ""
    language_hint: str | None = None
    display_name: str | None = None
    attachment_ref: str | None = None
    update_id: int | None = None
    city_hint: str | None = None  # e.g. the city of the website a web chat is embedded in


class StaffEventKind(StrEnum):
    """What a staff member did in the staff group."""

    REPLY = "reply"
    NOTE = "note"
    CLOSE = "close"
    CLAIM = "claim"
    FAQ = "faq"


@dataclass(frozen=True, slots=True)
class StaffEvent:
    """A staff member's action on a ticket (the ticket is found by id or by thread)."""

    channel: str
    staff_id: str
    staff_name: str
    kind: StaffEventKind
    text: str = ""
    ticket_id: int | None = None
    thread_id: int | None = None
    reply_to_message_id: int | None = None
    update_id: int | None = None


@dataclass(frozen=True, slots=True)
class Button:
    """A button: what it says, and what pressing it sends back (``data``)."""

    label: str
    data: str


@dataclass(frozen=True, slots=True)
class Section:
    """A paragraph with a style: lead, body, contact, source, note, quote, label."""

    style: str
    text: str


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A neutral message to a person or to staff."""

    sections: tuple[Section, ...]
    buttons: tuple[tuple[Button, ...], ...] = ()
    language: str = "de"
    rtl: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def text(cls, text: str, *, language: str = "de", rtl: bool = False,
             buttons: tuple[tuple[Button, ...], ...] = ()) -> Outgoing:
        """A message of one body paragraph."""
        return cls((Section("body", text),), buttons, language, rtl)

    def plain(self) -> str:
        """All sections as plain text, paragraphs separated by blank lines."""
        return "\n\n".join(s.text for s in self.sections if s.text)

    def to_payload(self) -> dict[str, Any]:
        """A JSON-ready dict for the outbox."""
        return {
            "sections": [[s.style, s.text] for s in self.sections],
            "buttons": [[[b.label, b.data] for b in row] for row in self.buttons],
            "language": self.language,
            "rtl": self.rtl,
            "extra": self.extra,
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Outgoing:
        """Rebuild a message stored by :meth:`to_payload`."""
        return cls(
            tuple(Section(str(style), str(text)) for style, text in payload.get("sections", [])),
            tuple(tuple(Button(str(label), str(data)) for label, data in row)
                  for row in payload.get("buttons", [])),
            str(payload.get("language", "de")),
            bool(payload.get("rtl", False)),
            dict(payload.get("extra") or {}),
        )


LEFT_TO_RIGHT_ISOLATE = "\u2066"
POP_ISOLATE = "\u2069"


def from_reply(reply: Reply, buttons: tuple[tuple[Button, ...], ...] = ()) -> Outgoing:
    """Turn the core's reply into a neutral message (choices become buttons elsewhere)."""
    sections: list[Section] = [Section("lead", text) for text in reply.lead]
    if reply.body:
        sections.append(Section("body", reply.body))
    if reply.contact:
        # Phone numbers, addresses and links read left to right even in Arabic or Persian:
        # isolated, the bidi algorithm cannot reorder their parts ("02151/86-2502").
        values = ((label, f"{LEFT_TO_RIGHT_ISOLATE}{value}{POP_ISOLATE}" if reply.rtl else value)
                  for label, value in reply.contact)
        sections.append(Section("contact", "\n".join(f"{label}: {value}"
                                                     for label, value in values)))
    if reply.source:
        sections.append(Section("source", reply.source))
    sections.extend(Section("note", text) for text in reply.footer)
    return Outgoing(tuple(sections), buttons, reply.language, reply.rtl)
