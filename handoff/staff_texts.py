"""What the staff group sees (in German: the KI team works in German).

Everything a person wrote is passed as plain text; channels escape it when they render.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.languages import LANGUAGES

__all__ = [
    "attachment_line",
    "delivery_failed",
    "reminder",
    "ticket_card",
    "topic_name",
]

CLAIM = "Übernehmen"
CLOSE = "Schließen"
CLAIMED = "{name} hat die Anfrage übernommen."
CLOSED = "Anfrage geschlossen von {name}. Die Person wurde informiert."
NOTE_SAVED = "Interne Notiz gespeichert (wird nicht gesendet)."
FAQ_SAVED = "Als Vorschlag für einen neuen Wissensbank-Eintrag gespeichert."
FAQ_NEEDS_REPLY = "Für /faq braucht es zuerst eine Antwort an die Person."
WITHDRAWN = "Die Person hat ihre Daten gelöscht und die Anfrage zurückgezogen."
PERSON_WROTE = "Nachricht der Person:"
NOT_ACTIVE = "Diese Anfrage ist nicht mehr offen."


def language_label(code: str) -> str:
    """German name and code, e.g. ``Arabisch (ar)``."""
    known = LANGUAGES.get(code)
    return f"{known.german_name} ({code})" if known else code


def topic_name(ticket_id: int, language: str, city: str | None) -> str:
    """The forum topic's name: short, no personal data."""
    return f"#{ticket_id} · {language_label(language)} · {(city or '-').capitalize()}"


def ticket_card(ticket_id: int, language: str, city: str | None, person_name: str | None,
                text: str, candidate_titles: Sequence[str], mentions: Sequence[str]) -> str:
    """The first message of a ticket for staff."""
    lines = [
        f"Neue Anfrage #{ticket_id}",
        f"Stadt: {(city or 'unbekannt').capitalize()}",
        f"Sprache: {language_label(language)}",
        f"Von: {person_name or 'unbekannt'}",
        "",
        "Nachricht:",
        text or "(keine Textnachricht)",
    ]
    if candidate_titles:
        lines += ["", "Der Assistent hat erwogen: " + "; ".join(candidate_titles)]
    if mentions:
        lines += ["", "Liest die Sprache: " + ", ".join(mentions)]
    lines += ["", "Antworten Sie in diesem Thema: Ihre Nachricht geht an die Person. "
              "/note TEXT = interne Notiz, /close = schließen, /faq = als FAQ-Vorschlag merken."]
    return "\n".join(lines)


def attachment_line(kind: str) -> str:
    """A note that the person sent a voice message, photo or file."""
    names = {"voice": "eine Sprachnachricht", "photo": "ein Foto", "document": "eine Datei"}
    return f"Die Person hat {names.get(kind, 'eine Datei')} geschickt (siehe unten)."


def reminder(ticket_id: int, minutes: int, mentions: Sequence[str]) -> str:
    """A reminder for an unclaimed ticket."""
    who = (" " + ", ".join(mentions)) if mentions else ""
    return f"Erinnerung: Anfrage #{ticket_id} wartet seit über {minutes} Minuten.{who}"


def delivery_failed(reason: str) -> str:
    """A note that a reply could not be delivered to the person."""
    return f"Zustellung an die Person fehlgeschlagen: {reason}"
