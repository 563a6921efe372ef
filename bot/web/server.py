"""``wegweiser serve``: the web application (and, with a token, the Telegram bot) in one
process, until Ctrl-C or SIGTERM. ``wegweiser users add``: create console users."""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import logging
import secrets
import sys

import uvicorn
from sqlalchemy import func, select

from bot.config import Settings
from bot.runtime import LiveRuntime, build_runtime
from bot.storage import tables as t
from bot.storage.db import Database
from bot.web.app import build_context, create_app
from bot.web.users import Role, UserError, add_user

__all__ = ["add_user_command", "serve"]

logger = logging.getLogger(__name__)
DEMO_USER = "demo"


async def _ensure_demo_account(db: Database) -> str | None:
    """On first start (no users yet), create an admin ``demo`` with a random password."""
    async with db.sessions() as session:
        if (await session.scalar(select(func.count()).select_from(t.User))) or 0:
            return None
    password = secrets.token_urlsafe(12)
    await add_user(db, DEMO_USER, password, Role.ADMIN, display_name="Demo (Admin)")
    return password


async def _serve(settings: Settings) -> None:
    runtime = build_runtime(settings)
    live = LiveRuntime(settings, runtime)
    db = await Database.open(settings.database)
    context = build_context(settings, live, db)
    if settings.telegram_token is not None and settings.staff_chat_id is not None:
        from bot.channels.telegram.app import TelegramBot

        wake_web = context.service.on_outbox
        context.telegram = TelegramBot(
            context.service, settings.telegram_token.get_secret_value(),
            settings.staff_chat_id, api_url=settings.telegram_api_url,
            webhook_secret=settings.webhook_secret.get_secret_value()
            if settings.webhook_secret else None)
        wake_dispatcher = context.service.on_outbox  # the bot took over the callback

        def wake_both() -> None:
            wake_dispatcher()
            wake_web()

        context.service.on_outbox = wake_both
    telegram = context.telegram
    app = create_app(context)
    password = await _ensure_demo_account(db)
    base = f"http://{settings.web_host}:{settings.web_port}"
    print(f"Wegweiser web chat:   {base}/chat", file=sys.stderr)
    print(f"Staff and editors:    {base}/console", file=sys.stderr)
    if password:
        print(f"Demo account (admin): user '{DEMO_USER}', password '{password}' "
              "(shown once; create real accounts with `wegweiser users add`)", file=sys.stderr)
    if not settings.web_secure_cookies:
        logger.warning("console cookies are not marked Secure: use this only behind HTTPS "
                       "termination you trust or for local tests")
    server = uvicorn.Server(uvicorn.Config(app, host=settings.web_host, port=settings.web_port,
                                           log_level="warning", access_log=False,
                                           proxy_headers=True))
    try:
        if telegram is not None:
            await telegram.start(polling=settings.webhook_url is None)
        await server.serve()
    finally:
        if telegram is not None:
            await telegram.stop()
        await db.close()


def serve(settings: Settings) -> int:
    """Run the web application in the foreground; returns the exit status."""
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(settings))
    return 0


def add_user_command(settings: Settings, username: str, role: str, display_name: str | None,
                     languages: list[str]) -> int:
    """Create a console user; the password is asked for (twice) on the terminal, or read
    from standard input when it is not a terminal."""
    if sys.stdin.isatty():
        password = getpass.getpass("Passwort: ")
        if getpass.getpass("Passwort wiederholen: ") != password:
            print("wegweiser: die Passwörter stimmen nicht überein", file=sys.stderr)
            return 1
    else:
        password = sys.stdin.readline().rstrip("\n")

    async def create() -> None:
        db = await Database.open(settings.database)
        try:
            await add_user(db, username, password, role, display_name=display_name,
                           languages=languages)
        finally:
            await db.close()

    try:
        asyncio.run(create())
    except UserError as exc:
        print(f"wegweiser: {exc}", file=sys.stderr)
        return 1
    print(f"Benutzer {username!r} ({role}) angelegt.")
    return 0
