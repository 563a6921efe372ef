"""The conversation service: every channel's person and staff events, in one place.

Each event is handled in one database transaction: the conversation's state, the ticket and
its messages, and every message to send (written to the outbox) are committed together, so
a crash loses nothing and a redelivered update is processed once. Channels deliver the
outbox afterwards (see the channel's dispatcher).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import deque
from collections.abc import Callable

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.answering import messages as core_texts
from bot.answering.assistant import Assistant
from bot.answering.compose import compose, entry_version
from bot.answering.decide import Verdict
from bot.answering.outcome import Decision, Incoming, Outcome
from bot.config import Settings
from bot.conversation import keyboards, texts
from bot.conversation.model import (
    Button,
    EventKind,
    Outgoing,
    PersonEvent,
    Section,
    StaffEvent,
    StaffEventKind,
    from_reply,
)
from bot.i18n import Translator, translator
from bot.languages import LANGUAGES, SUPPORTED
from bot.storage import tables as t
from bot.storage.db import Database
from handoff import staff_texts
from handoff.routing import staff_for
from handoff.tickets import ACTIVE, InvalidTransition, Ticket, TicketStatus, transition

__all__ = ["STAFF_CHANNEL", "ConversationService"]

logger = logging.getLogger(__name__)
STAFF_CHANNEL = "telegram"
RATE_WINDOW = dt.timedelta(minutes=1)
SENT_OUTBOX_KEPT = dt.timedelta(days=1)
PROCESSED_UPDATES_KEPT = dt.timedelta(days=2)
ATTACHMENT_KINDS = {EventKind.VOICE: "voice", EventKind.PHOTO: "photo",
                    EventKind.DOCUMENT: "document"}


class _RateLimiter:
    """At most ``limit`` messages per person per minute (in memory, per process)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._seen: dict[tuple[str, str], deque[dt.datetime]] = {}
        self._warned: set[tuple[str, str]] = set()

    def check(self, key: tuple[str, str], now: dt.datetime) -> str:
        """Return ``ok``, ``warn`` (first message over the limit) or ``drop``."""
        seen = self._seen.setdefault(key, deque())
        while seen and now - seen[0] > RATE_WINDOW:
            seen.popleft()
        if len(seen) < self.limit:
            seen.append(now)
            self._warned.discard(key)
            return "ok"
        if key in self._warned:
            return "drop"
        self._warned.add(key)
        return "warn"


class ConversationService:
    """Handles person and staff events for every channel.

    Args:
        db: the database.
        assistant: returns the current assistant (the knowledge base can be reloaded).
        settings: deployment settings (cities, staff chat, office hours, retention ...).
        now: the clock.
        on_outbox: called after a transaction wrote to the outbox (wakes the dispatcher).
    """

    def __init__(
        self,
        db: Database,
        assistant: Callable[[], Assistant],
        settings: Settings,
        *,
        now: Callable[[], dt.datetime] = t.utcnow,
        on_outbox: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        self.assistant = assistant
        self.settings = settings
        self.now = now
        self.on_outbox = on_outbox or (lambda: None)
        self._rate = _RateLimiter(settings.rate_limit_per_minute)
        # As many questions are answered at once as there are embedding instances.
        self._answer_slots = asyncio.Semaphore(settings.embedding_instances)
        self._chat_locks: dict[tuple[str, str], asyncio.Lock] = {}

    # ------------------------------------------------------------------ helpers

    async def _first_time(self, session: AsyncSession, channel: str,
                          update_id: int | None) -> bool:
        if update_id is None:
            return True
        session.add(t.ProcessedUpdate(channel=channel, update_id=update_id,
                                      processed_at=self.now()))
        try:
            await session.flush()
        except IntegrityError:
            return False
        return True

    async def _conversation(self, session: AsyncSession, event: PersonEvent) -> t.Conversation:
        found = await session.scalar(select(t.Conversation).where(
            t.Conversation.channel == event.channel, t.Conversation.chat_id == event.chat_id))
        if found is None:
            hint = (event.language_hint or "").split("-")[0].lower()
            found = t.Conversation(channel=event.channel, chat_id=event.chat_id,
                                   language=hint if hint in SUPPORTED else None,
                                   city=self._initial_city(event.city_hint))
            session.add(found)
            await session.flush()
        found.last_seen_at = self.now()
        return found

    def _initial_city(self, hint: str | None) -> str | None:
        if len(self.settings.cities) == 1:
            return self.settings.cities[0]
        return hint if hint in self.settings.cities else None

    @staticmethod
    def _tr(conversation: t.Conversation) -> Translator:
        return translator(conversation.language or "de")

    @staticmethod
    def _rtl(conversation: t.Conversation) -> bool:
        known = LANGUAGES.get(conversation.language or "de")
        return known.rtl if known else False

    def _say(self, session: AsyncSession, conversation: t.Conversation, text: str,
             buttons: tuple[tuple[Button, ...], ...] = ()) -> None:
        message = Outgoing.text(text, language=conversation.language or "de",
                                rtl=self._rtl(conversation), buttons=buttons)
        self._send(session, conversation.channel, conversation.chat_id, message)

    @staticmethod
    def _send(session: AsyncSession, channel: str, chat_id: str, message: Outgoing,
              *, ticket_id: int | None = None) -> None:
        session.add(t.OutboxMessage(channel=channel, chat_id=chat_id, kind="message",
                                    payload=message.to_payload(), ticket_id=ticket_id))

    def _to_staff(self, session: AsyncSession, ticket: t.Ticket, text: str, *,
                  buttons: tuple[tuple[Button, ...], ...] = (), kind: str = "message",
                  extra: dict[str, object] | None = None) -> None:
        if self.settings.staff_chat_id is None:
            # no Telegram staff group: staff work in the web console, which reads the tickets
            logger.debug("no staff chat configured; ticket %s message kept in the database",
                         ticket.id)
            return
        message = Outgoing((Section("body", text),), buttons, "de", False, dict(extra or {}))
        session.add(t.OutboxMessage(channel=STAFF_CHANNEL, chat_id=str(self.settings.staff_chat_id),
                                    kind=kind, payload=message.to_payload(), ticket_id=ticket.id,
                                    to_staff=True))

    async def _active_ticket(self, session: AsyncSession,
                             conversation: t.Conversation) -> t.Ticket | None:
        return await session.scalar(
            select(t.Ticket).where(t.Ticket.conversation_id == conversation.id,
                                   t.Ticket.status.in_([s.value for s in ACTIVE]))
            .order_by(t.Ticket.id.desc()).limit(1))

    # ------------------------------------------------------------------ person side

    async def handle_person(self, event: PersonEvent) -> None:
        """Handle one thing a person did; every reply goes to the outbox.

        Events of one chat are handled one after the other, in the order they arrive.
        """
        key = (event.channel, event.chat_id)
        lock = self._chat_locks.setdefault(key, asyncio.Lock())
        async with lock:
            await self._handle_person(event)
        if not lock.locked() and len(self._chat_locks) > 10_000:
            self._chat_locks.pop(key, None)

    async def _handle_person(self, event: PersonEvent) -> None:
        verdict = "ok"
        if event.kind is not EventKind.CALLBACK:
            verdict = self._rate.check((event.channel, event.chat_id), self.now())
        # The matcher runs before the write transaction, so a database that allows one
        # writer at a time (SQLite) is held only for the short write.
        prepared = await self._prepare(event) if verdict == "ok" else None
        async with self.db.writing(), self.db.sessions() as session, session.begin():
            if not await self._first_time(session, event.channel, event.update_id):
                logger.info("skipping update %s delivered twice", event.update_id)
                return
            conversation = await self._conversation(session, event)
            if verdict != "ok":
                if verdict == "warn":
                    self._say(session, conversation, self._tr(conversation).gettext(
                        texts.RATE_LIMITED))
                return
            await self._dispatch(session, conversation, event, prepared)
        self.on_outbox()

    async def _prepare(self, event: PersonEvent) -> Outcome | None:
        """Answer a text message in advance, unless it will go to staff instead."""
        if event.kind is not EventKind.TEXT:
            return None
        city = self._initial_city(event.city_hint)
        language: str | None = None
        async with self.db.sessions() as session:
            conversation = await session.scalar(select(t.Conversation).where(
                t.Conversation.channel == event.channel,
                t.Conversation.chat_id == event.chat_id))
            if conversation is not None:
                if conversation.state == "awaiting_question":
                    return None
                if await self._active_ticket(session, conversation) is not None:
                    return None
                city, language = conversation.city, conversation.language
        return await self._answer(Incoming(text=event.text, city=city,
                                           previous_language=language,
                                           language_hint=event.language_hint))

    async def _dispatch(self, session: AsyncSession, conversation: t.Conversation,
                        event: PersonEvent, prepared: Outcome | None = None) -> None:
        tr = self._tr(conversation)
        if event.kind is EventKind.COMMAND:
            await self._command(session, conversation, event)
        elif event.kind is EventKind.CALLBACK:
            await self._callback(session, conversation, event)
        elif event.kind is EventKind.EDITED:
            self._say(session, conversation, tr.gettext(texts.EDITED_MESSAGE))
        elif event.kind in ATTACHMENT_KINDS:
            await self._attachment(session, conversation, event)
        elif event.kind is EventKind.TEXT:
            await self._text(session, conversation, event, prepared)
        else:
            self._say(session, conversation, tr.gettext(core_texts.NOT_TEXT),
                      keyboards.after_answer(tr, None))

    async def _command(self, session: AsyncSession, conversation: t.Conversation,
                       event: PersonEvent) -> None:
        tr = self._tr(conversation)
        command = event.command
        if command == "start":
            greeting = "\n\n".join((tr.gettext(core_texts.GREETING),
                                    tr.gettext(core_texts.PRIVACY_SHORT)))
            self._say(session, conversation, greeting)
            if conversation.language is None:
                self._say(session, conversation, tr.gettext(texts.CHOOSE_LANGUAGE),
                          keyboards.languages())
            elif conversation.city is None:
                self._say(session, conversation, tr.gettext(texts.CHOOSE_CITY),
                          keyboards.cities(self.settings.cities))
        elif command == "language":
            self._say(session, conversation, tr.gettext(texts.CHOOSE_LANGUAGE),
                      keyboards.languages())
        elif command == "city":
            self._say(session, conversation, tr.gettext(texts.CHOOSE_CITY),
                      keyboards.cities(self.settings.cities))
        elif command == "topics":
            self._topics(session, conversation, "")
        elif command == "contact":
            self._contact(session, conversation)
        elif command == "human":
            await self._ask_person(session, conversation)
        elif command == "privacy":
            self._say(session, conversation,
                      tr.gettext(texts.PRIVACY).format(days=self.settings.retention_days))
        elif command == "delete":
            self._say(session, conversation, tr.gettext(texts.DELETE_CONFIRM),
                      keyboards.delete_confirm(tr))
        elif command == "help":
            self._say(session, conversation, tr.gettext(texts.HELP))
        else:
            self._say(session, conversation, tr.gettext(texts.UNKNOWN_COMMAND))

    async def _callback(self, session: AsyncSession, conversation: t.Conversation,
                        event: PersonEvent) -> None:
        tr = self._tr(conversation)
        parsed = keyboards.parse(event.data)
        if parsed is None:
            self._say(session, conversation, tr.gettext(texts.EXPIRED_BUTTON))
            return
        verb, argument = parsed
        if verb == "lang" and argument in SUPPORTED:
            conversation.language = argument
            tr = self._tr(conversation)
            self._say(session, conversation, tr.gettext(texts.LANGUAGE_SET))
            if conversation.city is None:
                self._say(session, conversation, tr.gettext(texts.CHOOSE_CITY),
                          keyboards.cities(self.settings.cities))
        elif verb == "city" and argument in self.settings.cities:
            conversation.city = argument
            self._say(session, conversation,
                      tr.gettext(texts.CITY_SET).format(city=argument.capitalize()))
        elif verb == "fb" and argument[:2] in ("1:", "0:"):
            helpful = argument.startswith("1")
            session.add(t.Feedback(conversation_id=conversation.id, entry_id=argument[2:130],
                                   helpful=helpful, language=conversation.language))
            self._say(session, conversation, tr.gettext(
                texts.FEEDBACK_THANKS if helpful else texts.FEEDBACK_SORRY),
                () if helpful else keyboards.after_answer(tr, None))
        elif verb == "ask":
            await self._ask_person(session, conversation)
        elif verb in ("pick", "entry"):
            self._answer_entry(session, conversation, argument)
        elif verb == "cat":
            self._topics(session, conversation, argument)
        elif verb == "consent":
            await self._consent(session, conversation, argument == "yes", event)
        elif verb == "del":
            if argument == "yes":
                await self._erase(session, conversation)
            else:
                self._say(session, conversation, tr.gettext(texts.DELETE_CANCELLED))
        else:
            self._say(session, conversation, tr.gettext(texts.EXPIRED_BUTTON))

    async def _answer(self, incoming: Incoming) -> Outcome:
        assistant = self.assistant()
        async with self._answer_slots:
            return await asyncio.to_thread(assistant.answer, incoming)

    async def _text(self, session: AsyncSession, conversation: t.Conversation,
                    event: PersonEvent, prepared: Outcome | None) -> None:
        # A prepared answer means no ticket was open (and only this chat opens tickets).
        ticket = None if prepared is not None else await self._active_ticket(session,
                                                                             conversation)
        if ticket is not None:
            await self._follow_up(session, conversation, ticket, event.text, None, None)
            return
        if conversation.state == "awaiting_question":
            tr = self._tr(conversation)
            conversation.state = "awaiting_consent"
            conversation.pending_text = event.text
            conversation.pending_attachment = None
            conversation.pending_candidates = []
            self._say(session, conversation, tr.gettext(texts.CONSENT_QUESTION),
                      keyboards.consent(tr))
            return
        outcome = prepared or await self._answer(Incoming(
            text=event.text, city=conversation.city, previous_language=conversation.language,
            language_hint=event.language_hint))
        conversation.language = outcome.language
        session.add(t.QuestionLog(  # for the dashboard: what was done, never the text
            asked_at=self.now(), channel=conversation.channel, language=outcome.language,
            city=conversation.city,
            decision=outcome.reason if outcome.reason == "unsupported_language"
            else outcome.decision.value,
            entry_id=outcome.entry_id))
        tr = self._tr(conversation)
        message = from_reply(outcome.reply)
        if outcome.decision is Decision.ANSWER:
            buttons = keyboards.after_answer(tr, outcome.entry_id)
        elif outcome.decision is Decision.CLARIFY and outcome.reply.choices:
            buttons = keyboards.choices(tr, [(c.entry_id, c.title)
                                             for c in outcome.reply.choices])
        elif outcome.decision is Decision.HANDOFF and outcome.reason != "unsupported_language":
            conversation.state = "awaiting_consent"
            conversation.pending_text = outcome.cleaned_text
            conversation.pending_attachment = None
            conversation.pending_candidates = list(outcome.candidates)
            buttons = keyboards.consent(tr)
            message = Outgoing((*message.sections, Section("note", tr.gettext(
                texts.CONSENT_QUESTION))), buttons, message.language, message.rtl)
        elif outcome.decision is Decision.CLARIFY:
            buttons = ()
        else:
            buttons = keyboards.after_answer(tr, None)
        message = Outgoing(message.sections, buttons, message.language, message.rtl)
        self._send(session, conversation.channel, conversation.chat_id, message)

    async def _attachment(self, session: AsyncSession, conversation: t.Conversation,
                          event: PersonEvent) -> None:
        kind = ATTACHMENT_KINDS[event.kind]
        ticket = await self._active_ticket(session, conversation)
        if ticket is not None:
            await self._follow_up(session, conversation, ticket, event.text, kind,
                                  event.attachment_ref)
            return
        tr = self._tr(conversation)
        conversation.state = "awaiting_consent"
        conversation.pending_text = event.text or None
        conversation.pending_attachment = f"{kind}:{event.attachment_ref or ''}"
        conversation.pending_candidates = []
        text = "\n\n".join((tr.gettext(core_texts.HANDOFF_ATTACHMENT),
                            tr.gettext(texts.CONSENT_QUESTION)))
        self._say(session, conversation, text, keyboards.consent(tr))

    async def _ask_person(self, session: AsyncSession, conversation: t.Conversation) -> None:
        tr = self._tr(conversation)
        if await self._active_ticket(session, conversation) is not None:
            self._say(session, conversation, tr.gettext(texts.TICKET_STILL_OPEN))
            return
        if conversation.pending_text or conversation.pending_attachment:
            conversation.state = "awaiting_consent"
            self._say(session, conversation, tr.gettext(texts.CONSENT_QUESTION),
                      keyboards.consent(tr))
        else:
            conversation.state = "awaiting_question"
            self._say(session, conversation, tr.gettext(texts.HUMAN_WRITE_QUESTION))

    async def _consent(self, session: AsyncSession, conversation: t.Conversation, agreed: bool,
                       event: PersonEvent) -> None:
        tr = self._tr(conversation)
        has_pending = bool(conversation.pending_text or conversation.pending_attachment)
        if not agreed:
            conversation.state = "idle"
            conversation.pending_text = conversation.pending_attachment = None
            self._say(session, conversation, tr.gettext(texts.HANDOFF_DECLINED))
            return
        if not has_pending:
            self._say(session, conversation, tr.gettext(texts.CONSENT_ASK_FIRST))
            return
        if await self._active_ticket(session, conversation) is not None:
            self._say(session, conversation, tr.gettext(texts.TICKET_STILL_OPEN))
            return
        await self._open_ticket(session, conversation, event.display_name)
        confirmation = tr.gettext(texts.HANDOFF_CONFIRMED)
        if self.settings.office_hours:
            confirmation += "\n\n" + tr.gettext(texts.HANDOFF_CONFIRMED_HOURS).format(
                hours=self.settings.office_hours)
        self._say(session, conversation, confirmation)

    async def _open_ticket(self, session: AsyncSession, conversation: t.Conversation,
                           person_name: str | None) -> t.Ticket:
        language = conversation.language or "de"
        ticket = t.Ticket(conversation_id=conversation.id, status=TicketStatus.OPEN.value,
                          channel=conversation.channel, city=conversation.city,
                          language=language, person_name=(person_name or "")[:128] or None,
                          candidates=list(conversation.pending_candidates or []),
                          created_at=self.now())
        session.add(ticket)
        await session.flush()
        kind, _, ref = (conversation.pending_attachment or "").partition(":")
        session.add(t.TicketMessage(ticket_id=ticket.id, author="person",
                                    text=conversation.pending_text,
                                    attachment_kind=kind or None, attachment_ref=ref or None))
        knowledge = self.assistant().index.knowledge
        titles = []
        for entry_id in ticket.candidates:
            entry = knowledge.get(entry_id)
            if entry is not None:
                titles.append(entry_version(entry, "de")[0].title or entry.id)
        mentions = [f"@{p.username}" if p.username else p.name
                    for p in staff_for(self.settings.staff_profiles, language, ticket.city)]
        self._to_staff(session, ticket, staff_texts.topic_name(ticket.id, language, ticket.city),
                       kind="create_topic")
        card = staff_texts.ticket_card(ticket.id, language, ticket.city, ticket.person_name,
                                       conversation.pending_text or "", titles, mentions)
        self._to_staff(session, ticket, card, buttons=(
            (Button(staff_texts.CLAIM, f"claim:{ticket.id}"),
             Button(staff_texts.CLOSE, f"close:{ticket.id}")),),
            extra={"card": True, "mention_ids": [p.user_id for p in staff_for(
                self.settings.staff_profiles, language, ticket.city)]})
        if kind:
            self._forward_attachment(session, conversation, ticket, kind, ref)
        conversation.state = "ticket"
        conversation.pending_text = conversation.pending_attachment = None
        conversation.pending_candidates = None
        return ticket

    def _forward_attachment(self, session: AsyncSession, conversation: t.Conversation,
                            ticket: t.Ticket, kind: str, ref: str) -> None:
        self._to_staff(session, ticket, staff_texts.attachment_line(kind))
        if ref:
            self._to_staff(session, ticket, "", kind="copy",
                           extra={"from_chat_id": conversation.chat_id, "message_id": ref})

    async def _follow_up(self, session: AsyncSession, conversation: t.Conversation,
                         ticket: t.Ticket, text: str, kind: str | None,
                         ref: str | None) -> None:
        session.add(t.TicketMessage(ticket_id=ticket.id, author="person", text=text or None,
                                    attachment_kind=kind, attachment_ref=ref))
        if text:
            self._to_staff(session, ticket, f"{staff_texts.PERSON_WROTE}\n{text}")
        if kind:
            self._forward_attachment(session, conversation, ticket, kind, ref or "")
        if conversation.state != "ticket_acknowledged":
            conversation.state = "ticket_acknowledged"
            self._say(session, conversation, self._tr(conversation).gettext(
                texts.TICKET_STILL_OPEN))

    def _answer_entry(self, session: AsyncSession, conversation: t.Conversation,
                      entry_id: str) -> None:
        assistant = self.assistant()
        entry = assistant.index.knowledge.get(entry_id)
        tr = self._tr(conversation)
        if entry is None or not entry.applies_to(conversation.city):
            self._say(session, conversation, tr.gettext(texts.EXPIRED_BUTTON))
            return
        reply, _ = compose(Verdict(Decision.ANSWER, "chosen", entry=entry),
                           knowledge=assistant.index.knowledge,
                           language=conversation.language or "de",
                           make_translator=assistant.make_translator)
        self._send(session, conversation.channel, conversation.chat_id,
                   from_reply(reply, keyboards.after_answer(tr, entry.id)))

    def _topics(self, session: AsyncSession, conversation: t.Conversation, category: str) -> None:
        tr = self._tr(conversation)
        language = conversation.language or "de"
        entries = [e for e in self.assistant().index.entries
                   if e.applies_to(conversation.city) and e.audience == "residents"]
        if not category:
            present = {e.category for e in entries}
            self._say(session, conversation, tr.gettext(texts.TOPICS_CHOOSE_CATEGORY),
                      keyboards.categories(tr, present))
            return
        found = [(e, entry_version(e, language)[0].title or e.id)
                 for e in entries if e.category == category]
        if not found:
            self._say(session, conversation, tr.gettext(texts.TOPICS_EMPTY))
            return
        self._say(session, conversation, tr.gettext(texts.TOPICS_CHOOSE_ENTRY),
                  keyboards.entries(tr, found))

    def _contact(self, session: AsyncSession, conversation: t.Conversation) -> None:
        entries = [e for e in self.assistant().index.entries
                   if e.category == "contact" and e.applies_to(conversation.city)]
        if conversation.city is None or not entries:
            tr = self._tr(conversation)
            self._say(session, conversation, tr.gettext(texts.CHOOSE_CITY),
                      keyboards.cities(self.settings.cities))
            return
        for entry in entries:
            self._answer_entry(session, conversation, entry.id)

    async def _erase(self, session: AsyncSession, conversation: t.Conversation) -> None:
        tr = self._tr(conversation)
        tickets = list(await session.scalars(
            select(t.Ticket).where(t.Ticket.conversation_id == conversation.id)))
        now = self.now()
        for ticket in tickets:
            if ticket.status in {s.value for s in ACTIVE}:
                ticket.status = TicketStatus.WITHDRAWN.value
                ticket.closed_at = now
                self._to_staff(session, ticket, staff_texts.WITHDRAWN)
            ticket.person_name = None
            ticket.conversation_id = None
            await session.execute(delete(t.TicketMessage).where(
                t.TicketMessage.ticket_id == ticket.id))
        await session.execute(delete(t.Feedback).where(
            t.Feedback.conversation_id == conversation.id))
        await session.execute(delete(t.OutboxMessage).where(
            t.OutboxMessage.channel == conversation.channel,
            t.OutboxMessage.chat_id == conversation.chat_id,
            t.OutboxMessage.status == "pending"))
        channel, chat_id = conversation.channel, conversation.chat_id
        language, rtl = conversation.language or "de", self._rtl(conversation)
        await session.delete(conversation)
        done = tr.gettext(texts.DELETE_DONE).format(tickets=len(tickets))
        self._send(session, channel, chat_id, Outgoing.text(done, language=language, rtl=rtl))

    # ------------------------------------------------------------------ staff side

    async def _ticket_for(self, session: AsyncSession, event: StaffEvent) -> t.Ticket | None:
        if event.ticket_id is not None:
            return await session.get(t.Ticket, event.ticket_id)
        if event.thread_id is not None:
            found = await session.scalar(select(t.Ticket).where(
                t.Ticket.staff_thread_id == event.thread_id).order_by(t.Ticket.id.desc()))
            if found is not None:
                return found
        if event.reply_to_message_id is not None:
            return await session.scalar(select(t.Ticket).where(
                t.Ticket.staff_message_id == event.reply_to_message_id))
        return None

    async def handle_staff(self, event: StaffEvent) -> None:
        """Handle a staff member's action on a ticket."""
        async with self.db.writing(), self.db.sessions() as session, session.begin():
            if not await self._first_time(session, event.channel, event.update_id):
                return
            ticket = await self._ticket_for(session, event)
            if ticket is None:
                return
            session.add(t.StaffAction(ticket_id=ticket.id, staff_id=event.staff_id,
                                      action=event.kind.value))
            await self._staff_action(session, ticket, event)
        self.on_outbox()

    async def _staff_action(self, session: AsyncSession, ticket: t.Ticket,
                            event: StaffEvent) -> None:
        now = self.now()
        state = Ticket(ticket.id, TicketStatus(ticket.status), ticket.claimed_by,
                       ticket.claimed_at, ticket.first_reply_at, ticket.closed_at)
        if event.kind is StaffEventKind.NOTE:
            session.add(t.TicketMessage(ticket_id=ticket.id, author="note",
                                        staff_id=event.staff_id, text=event.text))
            self._to_staff(session, ticket, staff_texts.NOTE_SAVED)
            return
        if event.kind is StaffEventKind.FAQ:
            await self._faq(session, ticket, event)
            return
        action = {StaffEventKind.REPLY: "reply", StaffEventKind.CLOSE: "close",
                  StaffEventKind.CLAIM: "claim"}[event.kind]
        try:
            after = transition(state, action, staff_id=event.staff_id, now=now)
        except InvalidTransition:
            self._to_staff(session, ticket, staff_texts.NOT_ACTIVE)
            return
        ticket.status = after.status.value
        ticket.claimed_by, ticket.claimed_at = after.claimed_by, after.claimed_at
        ticket.first_reply_at, ticket.closed_at = after.first_reply_at, after.closed_at
        conversation = (await session.get(t.Conversation, ticket.conversation_id)
                        if ticket.conversation_id else None)
        if action == "claim":
            self._to_staff(session, ticket, staff_texts.CLAIMED.format(name=event.staff_name))
        elif action == "reply":
            session.add(t.TicketMessage(ticket_id=ticket.id, author="staff",
                                        staff_id=event.staff_id, text=event.text))
            if conversation is not None:
                self._relay(session, conversation, ticket, event)
        else:
            self._to_staff(session, ticket, staff_texts.CLOSED.format(name=event.staff_name))
            if conversation is not None:
                conversation.state = "idle"
                self._say(session, conversation, self._tr(conversation).gettext(
                    texts.TICKET_CLOSED))

    def _relay(self, session: AsyncSession, conversation: t.Conversation, ticket: t.Ticket,
               event: StaffEvent) -> None:
        tr = self._tr(conversation)
        label = tr.gettext(texts.STAFF_REPLY_PREFIX)
        if self.settings.show_staff_names:
            label = f"{label} ({event.staff_name})"
        message = Outgoing((Section("label", label), Section("quote", event.text)),
                           language=conversation.language or "de", rtl=self._rtl(conversation),
                           extra={"relay": True})
        self._send(session, conversation.channel, conversation.chat_id, message,
                   ticket_id=ticket.id)

    async def _faq(self, session: AsyncSession, ticket: t.Ticket, event: StaffEvent) -> None:
        rows = list(await session.scalars(select(t.TicketMessage).where(
            t.TicketMessage.ticket_id == ticket.id).order_by(t.TicketMessage.id)))
        question = next((m.text for m in rows if m.author == "person" and m.text), None)
        answer = next((m.text for m in reversed(rows) if m.author == "staff" and m.text), None)
        if not question or not answer:
            self._to_staff(session, ticket, staff_texts.FAQ_NEEDS_REPLY)
            return
        session.add(t.FaqSuggestion(ticket_id=ticket.id, language=ticket.language,
                                    city=ticket.city, question=question, answer=answer,
                                    staff_id=event.staff_id))
        self._to_staff(session, ticket, staff_texts.FAQ_SAVED)

    # ------------------------------------------------------------------ periodic jobs

    async def remind(self) -> int:
        """Remind staff of open, unclaimed tickets older than the reminder delay."""
        delay = dt.timedelta(minutes=self.settings.reminder_minutes)
        async with self.db.writing(), self.db.sessions() as session, session.begin():
            due = list(await session.scalars(select(t.Ticket).where(
                t.Ticket.status == TicketStatus.OPEN.value, t.Ticket.reminded_at.is_(None),
                t.Ticket.created_at <= self.now() - delay)))
            for ticket in due:
                mentions = [f"@{p.username}" if p.username else p.name
                            for p in staff_for(self.settings.staff_profiles, ticket.language,
                                               ticket.city)]
                self._to_staff(session, ticket, staff_texts.reminder(
                    ticket.id, self.settings.reminder_minutes, mentions))
                ticket.reminded_at = self.now()
        if due:
            self.on_outbox()
        return len(due)

    async def apply_retention(self) -> int:
        """Delete what is no longer needed; returns how many tickets lost their texts.

        * message texts and the person's name of tickets closed longer ago than the
          retention period;
        * delivered outbox messages (their text was needed only until Telegram had it) after
          a day, undeliverable ones after the retention period;
        * the record of processed update ids after two days (Telegram redelivers within
          hours, not days).
        """
        now = self.now()
        cutoff = now - dt.timedelta(days=self.settings.retention_days)
        async with self.db.writing(), self.db.sessions() as session, session.begin():
            await session.execute(delete(t.OutboxMessage).where(
                t.OutboxMessage.status == "sent",
                t.OutboxMessage.sent_at <= now - SENT_OUTBOX_KEPT))
            await session.execute(delete(t.OutboxMessage).where(
                t.OutboxMessage.status == "failed", t.OutboxMessage.created_at <= cutoff))
            await session.execute(delete(t.ProcessedUpdate).where(
                t.ProcessedUpdate.processed_at <= now - PROCESSED_UPDATES_KEPT))
            ids = list(await session.scalars(select(t.Ticket.id).where(
                t.Ticket.status.in_([TicketStatus.CLOSED.value, TicketStatus.WITHDRAWN.value]),
                t.Ticket.closed_at <= cutoff, t.Ticket.texts_deleted_at.is_(None))))
            if ids:
                await session.execute(update(t.TicketMessage).where(
                    t.TicketMessage.ticket_id.in_(ids)).values(text=None, attachment_ref=None))
                await session.execute(update(t.Ticket).where(t.Ticket.id.in_(ids)).values(
                    person_name=None, texts_deleted_at=self.now()))
                await session.execute(delete(t.FaqSuggestion).where(
                    t.FaqSuggestion.ticket_id.in_(ids), t.FaqSuggestion.status == "done"))
        return len(ids)
