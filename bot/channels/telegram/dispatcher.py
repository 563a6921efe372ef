"""Deliver the outbox through the Telegram Bot API, in order, retrying until it works.

A row is marked sent only after Telegram confirmed it. Per chat, messages leave in the order
they were written: while a chat's oldest message waits for a retry, the later ones wait too.
Temporary failures (network, 5xx, 429 with ``retry_after``) are retried with a growing delay;
permanent ones (the person blocked the bot, the chat is gone) are marked failed and, for
replies from staff, reported in the ticket's topic.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot.channels.telegram.render import RenderedPart, render
from bot.conversation.model import Outgoing, Section
from bot.storage import tables as t
from bot.storage.db import Database
from handoff import staff_texts

__all__ = ["TelegramDispatcher"]

logger = logging.getLogger(__name__)
BATCH = 200
MAX_BACKOFF_SECONDS = 300
NO_TOPICS = 0  # staff_thread_id when the staff group has topics switched off


class _Permanent(Exception):
    """Delivery is impossible; the reason is shown to staff."""


def _markup(part: RenderedPart) -> InlineKeyboardMarkup | None:
    if not part.buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)
                                  for label, data in row] for row in part.buttons])


class TelegramDispatcher:
    """Sends pending outbox rows of the ``telegram`` channel."""

    def __init__(self, db: Database, bot: Bot, staff_chat_id: int | None, *,
                 now: Callable[[], dt.datetime] = t.utcnow) -> None:
        self.db = db
        self.bot = bot
        self.staff_chat_id = staff_chat_id
        self.now = now
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Ask the loop to look at the outbox now (called after a transaction)."""
        self._wake.set()

    async def run(self, stop: asyncio.Event, idle_seconds: float = 1.0) -> None:
        """Deliver until ``stop`` is set, waking on :meth:`wake` or every ``idle_seconds``."""
        while not stop.is_set():
            try:
                sent = await self.flush()
            except Exception:  # the loop must survive a database hiccup
                logger.exception("outbox delivery pass failed")
                sent = 0
            if sent:
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=idle_seconds)

    async def flush(self) -> int:
        """One pass over the outbox; returns how many rows were delivered."""
        async with self.db.sessions() as session:
            rows = list(await session.scalars(
                select(t.OutboxMessage).where(t.OutboxMessage.channel == "telegram",
                                              t.OutboxMessage.status == "pending")
                .order_by(t.OutboxMessage.id).limit(BATCH)))
            busy: set[str] = set()
            delivered = 0
            now = self.now()
            for row in rows:
                if row.chat_id in busy:
                    continue
                busy.add(row.chat_id)
                due = row.next_attempt_at
                if due.tzinfo is None:
                    due = due.replace(tzinfo=dt.UTC)
                if due > now:
                    continue
                delivered += await self._deliver(session, row)
                async with self.db.writing():
                    await session.commit()
            return delivered

    async def _deliver(self, session: AsyncSession, row: t.OutboxMessage) -> int:
        try:
            external = await self._send(session, row)
        except RetryAfter as exc:
            self._retry(row, float(exc.retry_after if isinstance(exc.retry_after, int | float)
                                   else exc.retry_after.total_seconds()), str(exc))
            return 0
        except (Forbidden, ChatMigrated, _Permanent) as exc:
            self._fail(session, row, str(exc))
            return 0
        except BadRequest as exc:
            self._fail(session, row, str(exc))
            return 0
        except NetworkError as exc:  # also TimedOut and 5xx answers
            self._retry(row, min(MAX_BACKOFF_SECONDS, 2.0 ** row.attempts), str(exc))
            return 0
        row.status = "sent"
        row.sent_at = self.now()
        row.external_id = external
        row.attempts += 1
        return 1

    def _retry(self, row: t.OutboxMessage, seconds: float, error: str) -> None:
        row.attempts += 1
        row.last_error = error[:500]
        row.next_attempt_at = self.now() + dt.timedelta(seconds=max(0.5, seconds))
        logger.warning("outbox %s: retry in %.1f s (%s)", row.id, seconds, error)

    def _fail(self, session: AsyncSession, row: t.OutboxMessage, error: str) -> None:
        row.attempts += 1
        row.status = "failed"
        row.last_error = error[:500]
        logger.warning("outbox %s: delivery impossible (%s)", row.id, error)
        if not row.to_staff and row.ticket_id is not None and self.staff_chat_id is not None:
            message = Outgoing((Section("body", staff_texts.delivery_failed(error)),))
            session.add(t.OutboxMessage(channel="telegram", chat_id=str(self.staff_chat_id),
                                        kind="message", payload=message.to_payload(),
                                        ticket_id=row.ticket_id, to_staff=True))

    async def _thread(self, session: AsyncSession, row: t.OutboxMessage) -> dict[str, Any]:
        """Where in the staff group a ticket's message goes (its topic, or a reply)."""
        if not row.to_staff or row.ticket_id is None:
            return {}
        ticket = await session.get(t.Ticket, row.ticket_id)
        if ticket is None or ticket.staff_thread_id is None:
            return {}
        if ticket.staff_thread_id != NO_TOPICS:
            return {"message_thread_id": ticket.staff_thread_id}
        if ticket.staff_message_id:
            return {"reply_parameters": ReplyParameters(
                message_id=ticket.staff_message_id, allow_sending_without_reply=True)}
        return {}

    async def _send(self, session: AsyncSession, row: t.OutboxMessage) -> str | None:
        message = Outgoing.from_payload(row.payload)
        if row.kind == "create_topic":
            return await self._create_topic(session, row, message.plain())
        where = await self._thread(session, row)
        if row.kind == "copy":
            copied = await self.bot.copy_message(
                chat_id=int(row.chat_id), from_chat_id=int(message.extra["from_chat_id"]),
                message_id=int(message.extra["message_id"]), **where)
            return str(copied.message_id)
        last: Message | None = None
        for part in render(message):
            last = await self.bot.send_message(chat_id=int(row.chat_id), text=part.text,
                                               parse_mode=ParseMode.HTML,
                                               reply_markup=_markup(part), **where)
        if last is not None and message.extra.get("card") and row.ticket_id is not None:
            ticket = await session.get(t.Ticket, row.ticket_id)
            if ticket is not None:
                ticket.staff_message_id = last.message_id
        return str(last.message_id) if last is not None else None

    async def _create_topic(self, session: AsyncSession, row: t.OutboxMessage,
                            name: str) -> str | None:
        ticket = await session.get(t.Ticket, row.ticket_id) if row.ticket_id else None
        try:
            topic = await self.bot.create_forum_topic(chat_id=int(row.chat_id), name=name[:128])
        except BadRequest as exc:
            logger.info("staff group has no topics (%s): tickets become reply threads", exc)
            if ticket is not None:
                ticket.staff_thread_id = NO_TOPICS
            return None
        if ticket is not None:
            ticket.staff_thread_id = topic.message_thread_id
        return str(topic.message_thread_id)
