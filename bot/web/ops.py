"""Operations endpoints: health, Prometheus metrics, and the Telegram webhook."""

from __future__ import annotations

import logging

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import func, select, text
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.storage import tables as t
from bot.web.context import WebContext

__all__ = ["REGISTRY", "REQUESTS", "ops_routes"]

logger = logging.getLogger(__name__)

REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter("wegweiser_http_requests", "HTTP requests by route and status",
                   ["route", "status"], registry=REGISTRY)
TICKETS = Gauge("wegweiser_tickets", "Tickets by status", ["status"], registry=REGISTRY)
OUTBOX = Gauge("wegweiser_outbox_pending", "Outbox messages not yet delivered, by channel",
               ["channel"], registry=REGISTRY)
ENTRIES = Gauge("wegweiser_knowledge_entries", "Knowledge entries being served",
                registry=REGISTRY)
QUESTIONS = Gauge("wegweiser_questions_total_logged", "Questions in the question log",
                  ["decision"], registry=REGISTRY)


async def healthz(request: Request) -> Response:
    """200 when the database answers and the assistant is loaded, else 503."""
    context: WebContext = request.app.state.context
    try:
        async with context.db.sessions() as session:
            await session.execute(text("SELECT 1"))
    except Exception:
        logger.exception("health check: database unreachable")
        return JSONResponse({"status": "unhealthy", "database": "unreachable"},
                            status_code=503)
    return JSONResponse({"status": "ok", "entries": context.live.assistant.index.size,
                         "database": "sqlite" if context.db.is_sqlite else "postgresql"})


async def metrics(request: Request) -> Response:
    """Prometheus metrics (counts only, nothing about a person)."""
    context: WebContext = request.app.state.context
    async with context.db.sessions() as session:
        tickets = (await session.execute(select(t.Ticket.status, func.count())
                                         .group_by(t.Ticket.status))).all()
        outbox = (await session.execute(
            select(t.OutboxMessage.channel, func.count())
            .where(t.OutboxMessage.status == "pending")
            .group_by(t.OutboxMessage.channel))).all()
        questions = (await session.execute(select(t.QuestionLog.decision, func.count())
                                           .group_by(t.QuestionLog.decision))).all()
    for status, count in tickets:
        TICKETS.labels(status).set(count)
    for channel, count in outbox:
        OUTBOX.labels(channel).set(count)
    for decision, count in questions:
        QUESTIONS.labels(decision).set(count)
    ENTRIES.set(context.live.assistant.index.size)
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


async def telegram_webhook(request: Request) -> Response:
    """Updates from Telegram (webhook mode); the secret token header is checked."""
    context: WebContext = request.app.state.context
    if context.telegram is None:
        return JSONResponse({"error": "telegram not configured"}, status_code=404)
    try:
        body = await request.json()
    except ValueError:
        return JSONResponse({"error": "bad request"}, status_code=400)
    if not isinstance(body, dict):
        return JSONResponse({"error": "bad request"}, status_code=400)
    accepted = await context.telegram.process_webhook(
        body, request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
    return Response(status_code=200 if accepted else 403)


def ops_routes() -> list[Route]:
    """Routes for operations."""
    return [
        Route("/healthz", healthz),
        Route("/metrics", metrics),
        Route("/telegram/webhook", telegram_webhook, methods=["POST"]),
    ]
