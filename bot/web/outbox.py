"""Delivery of outbox messages to web chats.

The conversation service writes every message for a web chat to the outbox, as for
Telegram. The browser receives pending messages as server-sent events and acknowledges what
it has shown; only acknowledged messages count as delivered, so a message written while the
page was closed arrives when the person comes back with the same browser.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from typing import Any

from sqlalchemy import select, update

from bot.storage import tables as t
from bot.storage.db import Database

CHANNEL = "web"


class WebOutbox:
    """Pending web-chat messages, and a signal that new ones were written."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._changed = asyncio.Condition()

    def notify(self) -> None:
        """Called by the conversation service after it wrote to the outbox."""
        asyncio.get_running_loop().create_task(self._notify_all())

    async def _notify_all(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait(self, seconds: float) -> None:
        """Wait until something is written, at most ``seconds`` (other processes write too)."""
        async with self._changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), seconds)

    async def pending(self, chat_id: str, after: int = 0) -> list[dict[str, Any]]:
        """Messages for ``chat_id`` not yet acknowledged, with id greater than ``after``."""
        async with self.db.sessions() as session:
            rows = await session.scalars(
                select(t.OutboxMessage).where(
                    t.OutboxMessage.channel == CHANNEL, t.OutboxMessage.chat_id == chat_id,
                    t.OutboxMessage.status == "pending", t.OutboxMessage.id > after)
                .order_by(t.OutboxMessage.id).limit(100))
            return [{"id": row.id, **row.payload} for row in rows]

    async def acknowledge(self, chat_id: str, up_to: int) -> None:
        """The browser has shown every message up to id ``up_to``."""
        async with self.db.writing(), self.db.sessions() as session, session.begin():
            await session.execute(
                update(t.OutboxMessage).where(
                    t.OutboxMessage.channel == CHANNEL, t.OutboxMessage.chat_id == chat_id,
                    t.OutboxMessage.status == "pending", t.OutboxMessage.id <= up_to)
                .values(status="sent", sent_at=dt.datetime.now(tz=dt.UTC)))
