"""``wegweiser run``: the Telegram bot with long polling, until Ctrl-C or SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from bot.channels.telegram.app import TelegramBot
from bot.config import ConfigError, Settings, require_telegram
from bot.conversation.service import ConversationService
from bot.runtime import build_runtime
from bot.storage.db import Database

__all__ = ["run", "serve"]

logger = logging.getLogger(__name__)


async def serve(settings: Settings, stop: asyncio.Event) -> None:
    """Start the bot and run until ``stop`` is set."""
    token, staff_chat_id = require_telegram(settings)
    runtime = build_runtime(settings)
    db = await Database.open(settings.database)
    service = ConversationService(db, lambda: runtime.assistant, settings)
    bot = TelegramBot(
        service, token, staff_chat_id, api_url=settings.telegram_api_url,
        webhook_secret=settings.webhook_secret.get_secret_value()
        if settings.webhook_secret else None,
    )
    try:
        await bot.start(polling=True)
        logger.info("Wegweiser is running on Telegram (database: %s)",
                    "SQLite" if db.is_sqlite else "PostgreSQL")
        await stop.wait()
    finally:
        await bot.stop()
        await db.close()


def run(settings: Settings) -> int:
    """Run the bot in the foreground; returns the exit status."""
    try:
        require_telegram(settings)
    except ConfigError as exc:
        print(f"wegweiser: {exc}", file=sys.stderr)
        return 2

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve(settings, stop)

    asyncio.run(main())
    return 0
