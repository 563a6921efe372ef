"""The conversation service on a real database (SQLite and PostgreSQL): nothing is lost."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bot.conversation.model import EventKind, Outgoing, PersonEvent, StaffEvent, StaffEventKind
from bot.conversation.service import ConversationService
from bot.storage import tables as t
from bot.storage.db import Database
from tests.conftest import STAFF_CHAT, Clock

CHAT = "4711"


def person(kind: EventKind = EventKind.TEXT, *, text: str = "", command: str = "",
           data: str = "", update_id: int | None = None, **extra: Any) -> PersonEvent:
    return PersonEvent(channel="telegram", chat_id=CHAT, kind=kind, text=text, command=command,
                       data=data, language_hint=extra.pop("hint", "de"),
                       display_name="Samir (@samir)", update_id=update_id, **extra)


def staff(kind: StaffEventKind, text: str = "", **extra: Any) -> StaffEvent:
    return StaffEvent(channel="telegram", staff_id="7", staff_name="Amira Beispiel", kind=kind,
                      text=text, **extra)


async def outbox(db: Database, *, to_staff: bool | None = None) -> list[t.OutboxMessage]:
    async with db.sessions() as session:
        query = select(t.OutboxMessage).order_by(t.OutboxMessage.id)
        if to_staff is not None:
            query = query.where(t.OutboxMessage.to_staff.is_(to_staff))
        return list(await session.scalars(query))


def texts_of(rows: list[t.OutboxMessage]) -> list[str]:
    return [Outgoing.from_payload(r.payload).plain() for r in rows]


def buttons_of(row: t.OutboxMessage) -> list[str]:
    return [b.data for line in Outgoing.from_payload(row.payload).buttons for b in line]


async def count(db: Database, table: type[t.Base]) -> int:
    async with db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def open_ticket(service: ConversationService,
                      question: str = "Wo finde ich eine Wohnung?") -> None:
    await service.handle_person(person(text=question))
    await service.handle_person(person(EventKind.CALLBACK, data="consent:yes"))


async def test_question_is_answered_with_feedback_and_person_buttons(
    database: Database, service_factory: Any,
) -> None:
    service = service_factory(database)
    await service.handle_person(person(text="Gibt es Sport für Kinder?"))
    rows = await outbox(database)
    assert len(rows) == 1
    assert "Sportprojekte" in texts_of(rows)[0]
    assert buttons_of(rows[0]) == ["fb:1:sport", "fb:0:sport", "ask:"]


async def test_handoff_needs_consent_then_reaches_the_staff_group(
    database: Database, service_factory: Any,
) -> None:
    service = service_factory(database)
    await service.handle_person(person(text="Wo finde ich eine Wohnung?"))
    offer = (await outbox(database))[-1]
    assert buttons_of(offer) == ["consent:yes", "consent:no"]
    assert await count(database, t.Ticket) == 0

    await service.handle_person(person(EventKind.CALLBACK, data="consent:yes"))
    staff_rows = await outbox(database, to_staff=True)
    assert [r.kind for r in staff_rows] == ["create_topic", "message"]
    assert all(r.chat_id == str(STAFF_CHAT) for r in staff_rows)
    card = texts_of(staff_rows)[1]
    assert "Wo finde ich eine Wohnung?" in card
    assert "Sprache: Deutsch (de)" in card
    assert "@amira" in card
    assert buttons_of(staff_rows[1]) == ["claim:1", "close:1"]
    confirmation = texts_of(await outbox(database, to_staff=False))[-1]
    assert "KI-Team" in confirmation


async def test_follow_ups_go_to_staff_not_to_the_matcher_until_closed(
    database: Database, service_factory: Any,
) -> None:
    service = service_factory(database)
    await open_ticket(service)
    before = len(await outbox(database, to_staff=False))
    await service.handle_person(person(text="Gibt es Sport für Kinder?"))
    await service.handle_person(person(text="Und noch eine Frage"))
    person_rows = (await outbox(database, to_staff=False))[before:]
    assert len(person_rows) == 1, "one short acknowledgement, no answer from the matcher"
    assert "Sportprojekte" not in texts_of(person_rows)[0]
    relayed = texts_of(await outbox(database, to_staff=True))
    assert any("Gibt es Sport für Kinder?" in r for r in relayed)
    assert any("Und noch eine Frage" in r for r in relayed)

    await service.handle_staff(staff(StaffEventKind.CLOSE, ticket_id=1))
    closed = texts_of(await outbox(database, to_staff=False))[-1]
    assert "geschlossen" in closed
    await service.handle_person(person(text="Gibt es Sport für Kinder?"))
    assert "Sportprojekte" in texts_of(await outbox(database, to_staff=False))[-1]


async def test_staff_reply_is_relayed_as_ki_team_and_notes_never_reach_the_person(
    database: Database, service_factory: Any,
) -> None:
    service = service_factory(database)
    await open_ticket(service)
    async with database.sessions() as session, session.begin():
        ticket = await session.get(t.Ticket, 1)
        assert ticket is not None
        ticket.staff_thread_id = 99
    await service.handle_staff(staff(StaffEventKind.NOTE, "intern: Vermieterin anrufen",
                                     thread_id=99))
    await service.handle_staff(staff(StaffEventKind.REPLY, "Bitte rufen Sie uns an.",
                                     thread_id=99))
    to_person = texts_of(await outbox(database, to_staff=False))
    assert not any("intern" in text for text in to_person)
    assert to_person[-1].startswith("KI-Team")
    assert "Bitte rufen Sie uns an." in to_person[-1]
    assert "Amira" not in to_person[-1]
    async with database.sessions() as session:
        ticket = await session.get(t.Ticket, 1)
        assert ticket is not None
        assert ticket.status == "answered"
        assert ticket.first_reply_at is not None


async def test_staff_names_are_shown_when_configured(database: Database,
                                                     service_factory: Any) -> None:
    service = service_factory(database, show_staff_names=True)
    await open_ticket(service)
    await service.handle_staff(staff(StaffEventKind.REPLY, "Hallo!", ticket_id=1))
    assert "Amira Beispiel" in texts_of(await outbox(database, to_staff=False))[-1]


async def test_claim_close_and_faq_suggestion_are_recorded(database: Database,
                                                           service_factory: Any) -> None:
    service = service_factory(database)
    await open_ticket(service)
    await service.handle_staff(staff(StaffEventKind.CLAIM, ticket_id=1))
    await service.handle_staff(staff(StaffEventKind.FAQ, ticket_id=1))
    await service.handle_staff(staff(StaffEventKind.REPLY, "Beim Wohnungsamt.", ticket_id=1))
    await service.handle_staff(staff(StaffEventKind.FAQ, ticket_id=1))
    await service.handle_staff(staff(StaffEventKind.CLOSE, ticket_id=1))
    await service.handle_staff(staff(StaffEventKind.REPLY, "zu spät", ticket_id=1))
    staff_texts = texts_of(await outbox(database, to_staff=True))
    assert any("übernommen" in s for s in staff_texts)
    assert any("zuerst eine Antwort" in s for s in staff_texts)
    assert any("nicht mehr offen" in s for s in staff_texts)
    async with database.sessions() as session:
        suggestion = await session.scalar(select(t.FaqSuggestion))
        assert suggestion is not None
        assert suggestion.question == "Wo finde ich eine Wohnung?"
        assert suggestion.answer == "Beim Wohnungsamt."
    assert await count(database, t.StaffAction) == 6


async def test_update_delivered_twice_is_processed_once(database: Database,
                                                        service_factory: Any) -> None:
    service = service_factory(database)
    await service.handle_person(person(text="Gibt es Sport für Kinder?", update_id=500))
    await service.handle_person(person(text="Gibt es Sport für Kinder?", update_id=500))
    assert len(await outbox(database)) == 1


async def test_delete_erases_everything_and_tells_staff_the_person_withdrew(
    database: Database, service_factory: Any,
) -> None:
    service = service_factory(database)
    await open_ticket(service)
    await service.handle_person(person(EventKind.CALLBACK, data="fb:1:sport"))
    await service.handle_person(person(EventKind.COMMAND, command="delete"))
    await service.handle_person(person(EventKind.CALLBACK, data="del:yes"))
    assert await count(database, t.Conversation) == 0
    assert await count(database, t.TicketMessage) == 0
    assert await count(database, t.Feedback) == 0
    async with database.sessions() as session:
        ticket = await session.get(t.Ticket, 1)
        assert ticket is not None
        assert ticket.status == "withdrawn"
        assert ticket.person_name is None
    assert "zurückgezogen" in texts_of(await outbox(database, to_staff=True))[-1]
    done = texts_of(await outbox(database, to_staff=False))[-1]
    assert "1" in done


async def test_voice_message_is_offered_to_staff_and_forwarded(database: Database,
                                                               service_factory: Any) -> None:
    service = service_factory(database)
    await service.handle_person(person(EventKind.VOICE, attachment_ref="321"))
    assert buttons_of((await outbox(database))[-1]) == ["consent:yes", "consent:no"]
    await service.handle_person(person(EventKind.CALLBACK, data="consent:yes"))
    staff_rows = await outbox(database, to_staff=True)
    copy = [r for r in staff_rows if r.kind == "copy"]
    assert len(copy) == 1
    assert Outgoing.from_payload(copy[0].payload).extra == {"from_chat_id": CHAT,
                                                            "message_id": "321"}


async def test_sticker_gets_a_polite_reply_in_the_person_s_language(
    database: Database, service_factory: Any,
) -> None:
    service = service_factory(database)
    await service.handle_person(person(EventKind.STICKER, hint="uk"))
    text = texts_of(await outbox(database))[-1]
    assert text
    assert "text" not in text.lower()


async def test_forged_callback_data_is_answered_politely(database: Database,
                                                         service_factory: Any) -> None:
    service = service_factory(database)
    for forged in ("pick:../../etc/passwd", "xx:1", "fb:maybe", "del", "lang:zz", "x" * 300):
        await service.handle_person(person(EventKind.CALLBACK, data=forged))
    assert await count(database, t.Ticket) == 0
    assert len(await outbox(database)) >= 4


async def test_person_writing_too_fast_is_told_once_then_ignored(
    database: Database, service_factory: Any,
) -> None:
    service = service_factory(database, rate_limit_per_minute=3)
    for n in range(6):
        await service.handle_person(person(text=f"Hallo {n}"))
    texts = texts_of(await outbox(database))
    assert len(texts) == 4
    assert "schnell" in texts[-1]


async def test_unclaimed_ticket_is_reminded_once(database: Database, service_factory: Any,
                                                 clock: Clock) -> None:
    service = service_factory(database, reminder_minutes=30)
    await open_ticket(service)
    assert await service.remind() == 0
    clock.advance(minutes=31)
    assert await service.remind() == 1
    assert await service.remind() == 0
    assert "Erinnerung" in texts_of(await outbox(database, to_staff=True))[-1]


async def test_texts_of_closed_tickets_are_deleted_after_the_retention_period(
    database: Database, service_factory: Any, clock: Clock,
) -> None:
    service = service_factory(database, retention_days=90)
    await open_ticket(service)
    await service.handle_staff(staff(StaffEventKind.CLOSE, ticket_id=1))
    clock.advance(days=89)
    assert await service.apply_retention() == 0
    clock.advance(days=2)
    assert await service.apply_retention() == 1
    async with database.sessions() as session:
        texts = list(await session.scalars(select(t.TicketMessage.text)))
        ticket = await session.get(t.Ticket, 1)
    assert texts == [None]
    assert ticket is not None
    assert ticket.person_name is None


async def test_delivered_outbox_messages_and_old_update_ids_are_cleaned_up(
    database: Database, service_factory: Any, clock: Clock,
) -> None:
    service = service_factory(database)
    await service.handle_person(person(text="Gibt es Sport für Kinder?", update_id=1))
    async with database.sessions() as session, session.begin():
        for row in await session.scalars(select(t.OutboxMessage)):
            row.status = "sent"
            row.sent_at = clock()
    await service.apply_retention()
    assert len(await outbox(database)) == 1, "kept for a day"
    clock.advance(days=3)
    await service.apply_retention()
    assert await outbox(database) == []
    assert await count(database, t.ProcessedUpdate) == 0
