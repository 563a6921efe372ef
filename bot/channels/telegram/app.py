"""Build and run the Telegram bot: python-telegram-bot's Application, our handlers, the
outbox dispatcher and the periodic jobs (reminders, retention).

Long polling is used by ``wegweiser run``; :meth:`TelegramBot.process_webhook` handles an
update posted to a webhook (mounted by the web app), checking Telegram's secret token.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import BotCommand, Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    MessageHandler,
    filters,
)

from bot.channels.telegram.dispatcher import TelegramDispatcher
from bot.channels.telegram.handlers import TelegramHandlers
from bot.conversation import texts
from bot.conversation.service import ConversationService
from bot.i18n import translator
from bot.languages import SUPPORTED

__all__ = ["COMMANDS", "TelegramBot"]

logger = logging.getLogger(__name__)
COMMANDS = (
    ("start", texts.COMMAND_START),
    ("topics", texts.COMMAND_TOPICS),
    ("contact", texts.COMMAND_CONTACT),
    ("human", texts.COMMAND_HUMAN),
    ("language", texts.COMMAND_LANGUAGE),
    ("city", texts.COMMAND_CITY),
    ("privacy", texts.COMMAND_PRIVACY),
    ("delete", texts.COMMAND_DELETE),
    ("help", texts.COMMAND_HELP),
)
REMINDER_INTERVAL_SECONDS = 60.0
RETENTION_INTERVAL_SECONDS = 6 * 3600.0


class TelegramBot:
    """The running bot: application, dispatcher and jobs, started and stopped together."""

    def __init__(self, service: ConversationService, token: str, staff_chat_id: int | None, *,
                 api_url: str = "https://api.telegram.org/bot",
                 webhook_secret: str | None = None, poll_timeout: int = 30,
                 flood_control: bool = True) -> None:
        self.service = service
        self.staff_chat_id = staff_chat_id
        self.webhook_secret = webhook_secret
        self.poll_timeout = poll_timeout
        builder = ApplicationBuilder().token(token).base_url(api_url).concurrent_updates(64)
        if flood_control:  # Telegram's limits: about 30 messages/s, 20/min per group
            limiter: Any = AIORateLimiter(max_retries=3)  # PTB types it for one rate-limit arg
            builder = builder.rate_limiter(limiter)
        self.application: Application[Any, Any, Any, Any, Any, Any] = builder.build()
        handlers = TelegramHandlers(service, staff_chat_id)
        self.application.add_handler(CallbackQueryHandler(handlers.on_callback))
        self.application.add_handler(MessageHandler(filters.ALL, handlers.on_message))
        self.application.add_error_handler(self._on_error)
        self.dispatcher = TelegramDispatcher(service.db, self.application.bot, staff_chat_id)
        service.on_outbox = self.dispatcher.wake
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    @staticmethod
    async def _on_error(update: object, context: Any) -> None:
        logger.error("update %s failed: %s", getattr(update, "update_id", "?"), context.error,
                     exc_info=context.error)

    async def register_commands(self) -> None:
        """Describe the commands in every language (setMyCommands per language)."""
        bot = self.application.bot
        for code in (None, *SUPPORTED):
            tr = translator(code or "en")
            commands = [BotCommand(name, tr.gettext(text)[:256]) for name, text in COMMANDS]
            await bot.set_my_commands(commands, language_code=code)

    async def _every(self, seconds: float, job: Callable[[], Awaitable[int]]) -> None:
        while not self._stop.is_set():
            try:
                await job()
            except Exception:
                logger.exception("periodic job failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=seconds)

    async def _initialize(self) -> None:
        """Connect to Telegram, waiting (with growing pauses) while it is unreachable."""
        pause = 1.0
        while True:
            try:
                await self.application.initialize()
                await self.register_commands()
                return
            except (NetworkError, TelegramError) as exc:
                if isinstance(exc, InvalidToken):
                    raise
                logger.warning("Telegram is not reachable (%s); trying again in %.0f s",
                               exc, pause)
                await asyncio.sleep(pause)
                pause = min(30.0, pause * 2)

    async def start(self, *, polling: bool = True) -> None:
        """Start the application, the dispatcher, the jobs and (optionally) polling."""
        await self._initialize()
        await self.application.start()
        self._stop.clear()
        self._tasks = [
            asyncio.create_task(self.dispatcher.run(self._stop)),
            asyncio.create_task(self._every(REMINDER_INTERVAL_SECONDS, self.service.remind)),
            asyncio.create_task(self._every(RETENTION_INTERVAL_SECONDS,
                                            self.service.apply_retention)),
        ]
        if polling and self.application.updater is not None:
            await self.application.updater.start_polling(
                poll_interval=0.0, timeout=self.poll_timeout, drop_pending_updates=False,
                allowed_updates=["message", "edited_message", "callback_query"])

    async def stop(self) -> None:
        """Stop polling, let the dispatcher finish its pass, shut everything down."""
        if self.application.updater is not None and self.application.updater.running:
            await self.application.updater.stop()
        self._stop.set()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def process_webhook(self, body: dict[str, Any], secret: str | None) -> bool:
        """Queue an update posted to the webhook; False when the secret token is wrong."""
        expected = self.webhook_secret or ""
        if not hmac.compare_digest(expected.encode(), (secret or "").encode()):
            return False
        update = Update.de_json(body, self.application.bot)
        await self.application.update_queue.put(update)
        return True
