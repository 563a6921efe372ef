"""The web application: web chat, staff console, editor workspace, dashboard, operations."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from bot.config import Settings
from bot.conversation.service import ConversationService
from bot.kb.revisions import KnowledgeWorkspace
from bot.runtime import LiveRuntime
from bot.storage.db import Database
from bot.web.chat import chat_routes
from bot.web.check_messages import in_german
from bot.web.console import console_routes, render
from bot.web.context import WebContext
from bot.web.dashboard import dashboard_routes
from bot.web.editor import editor_routes
from bot.web.login_guard import LoginGuard
from bot.web.ops import REQUESTS, ops_routes
from bot.web.outbox import WebOutbox

__all__ = ["build_context", "create_app", "web_secret"]

logger = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
KNOWLEDGE_POLL_SECONDS = 10.0
RETENTION_SECONDS = 3600.0


def web_secret(settings: Settings) -> bytes:
    """The key that signs console sessions and derives web chat ids: from the settings, or
    made once and kept in the data folder (readable by the owner only)."""
    if settings.web_secret is not None:
        return settings.web_secret.get_secret_value().encode()
    path = settings.data_dir / "web-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def build_context(settings: Settings, live: LiveRuntime, db: Database) -> WebContext:
    """Everything the routes share; the conversation service notifies the web outbox."""
    outbox = WebOutbox(db)
    service = ConversationService(db, lambda: live.assistant, settings,
                                  on_outbox=outbox.notify)
    environment = Environment(loader=FileSystemLoader(HERE / "templates"),
                              autoescape=select_autoescape(["html"]), undefined=StrictUndefined)
    environment.filters["german"] = in_german  # kb check's messages in the console
    return WebContext(settings=settings, live=live, db=db, service=service, outbox=outbox,
                      templates=Jinja2Templates(env=environment), secret=web_secret(settings),
                      login_guard=LoginGuard(),
                      workspace=KnowledgeWorkspace(settings.knowledge_dir, db))


async def _every(seconds: float, job: Callable[[], Awaitable[object]]) -> None:
    while True:
        await asyncio.sleep(seconds)
        try:
            await job()
        except Exception:
            logger.exception("periodic job failed")


class _Headers:
    """Security headers on every response, and request counts for the metrics."""

    def __init__(self, app: Callable[..., Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, object], receive: Callable[..., Awaitable[object]],
                       send: Callable[..., Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        embeddable = path in ("/", "/chat")

        async def send_with_headers(message: dict[str, object]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))  # type: ignore[call-overload]
                frame = "*" if embeddable else "'self'"
                headers += [
                    (b"content-security-policy",
                     f"default-src 'self'; img-src 'self' data:; style-src 'self'; "
                     f"script-src 'self'; object-src 'none'; base-uri 'none'; "
                     f"frame-ancestors {frame}".encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                ]
                message["headers"] = headers
                route = path.split("/")[1] if path.count("/") else path
                REQUESTS.labels(route or "home", str(message.get("status"))).inc()
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _not_found(request: Request, _exc: Exception) -> Response:
    """A page in the console's language and layout for unknown console addresses."""
    if request.url.path.startswith("/console"):
        return render(request, "console/not_found.html", {}, status_code=404)
    return PlainTextResponse("Nicht gefunden · Not found", status_code=404)


def create_app(context: WebContext, *, background_jobs: bool = True) -> Starlette:
    """The ASGI application over ``context``."""
    routes: list[BaseRoute] = [
        *chat_routes(), *console_routes(), *ops_routes(),
        *dashboard_routes(), *editor_routes(),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        tasks = []
        if background_jobs:
            tasks.append(asyncio.create_task(_every(KNOWLEDGE_POLL_SECONDS,
                                                    context.live.reload)))
            if context.telegram is None:  # the Telegram bot runs these jobs itself
                tasks.append(asyncio.create_task(_every(RETENTION_SECONDS,
                                                        context.service.apply_retention)))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={404: _not_found},
                    middleware=[
        Middleware(_Headers),
        Middleware(SessionMiddleware, secret_key=context.secret.decode(),
                   session_cookie="wegweiser_console", max_age=12 * 3600, same_site="strict",
                   https_only=context.settings.web_secure_cookies, path="/console"),
    ])
    app.state.context = context
    app.state.route_names = frozenset(getattr(route, "name", "") for route in app.routes)
    return app
