"""The web chat: the page, the embeddable widget script and the chat API.

The browser keeps a random chat token (in its own storage, sent in a header, never in a URL)
and its copy of the conversation; the server keeps what the conversation service keeps for
any channel. Replies travel through the outbox and reach the page as server-sent events.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from bot.conversation.model import EventKind, PersonEvent
from bot.i18n import translator
from bot.languages import LANGUAGES, SUPPORTED
from bot.web import texts
from bot.web.chat_identity import HEADER, chat_id_for, new_token
from bot.web.context import WebContext
from bot.web.outbox import CHANNEL

__all__ = ["MAX_MESSAGE_CHARS", "chat_routes"]

MAX_MESSAGE_CHARS = 2000
KEEP_ALIVE_SECONDS = 15.0


def _page_language(request: Request) -> str:
    asked = request.query_params.get("lang", "")
    if asked in SUPPORTED:
        return asked
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().split("-")[0].lower()
        if code in SUPPORTED:
            return code
    return "de"


def _page_city(context: WebContext, request: Request) -> str | None:
    cities = context.settings.cities
    asked = request.query_params.get("city", "")
    if len(cities) == 1:
        return cities[0]
    return asked if asked in cities else None


async def chat_page(request: Request) -> Response:
    """The chat page (also what the widget shows in its frame)."""
    context: WebContext = request.app.state.context
    language = _page_language(request)
    city = _page_city(context, request)
    tr = translator(language)
    known = LANGUAGES[language]
    subheading = (tr.gettext(texts.SUBHEADING).format(city=city.capitalize()) if city
                  else tr.gettext(texts.SUBHEADING_ANY))
    config = {"language": language, "city": city, "maxChars": MAX_MESSAGE_CHARS,
              "texts": {"you": tr.gettext(texts.YOU), "assistant": tr.gettext(texts.ASSISTANT),
                        "connectionLost": tr.gettext(texts.CONNECTION_LOST),
                        "sendingFailed": tr.gettext(texts.SENDING_FAILED),
                        "tooLong": tr.gettext(texts.TOO_LONG).format(count=MAX_MESSAGE_CHARS)}}
    return context.templates.TemplateResponse(request, "chat.html", {
        "language": known, "languages": [LANGUAGES[code] for code in SUPPORTED],
        "city": city, "t": tr.gettext, "texts": texts, "subheading": subheading,
        "config": json.dumps(config, ensure_ascii=False).replace("</", "<\\/"),
        "embedded": request.query_params.get("embedded") == "1",
    }, headers={"Cache-Control": "no-store"})


async def widget_script(request: Request) -> Response:
    """The script a city puts on its website: a button that opens the chat in a frame."""
    context: WebContext = request.app.state.context
    return context.templates.TemplateResponse(
        request, "widget.js", {}, media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=3600",
                 "Access-Control-Allow-Origin": "*"})


def _chat_id(request: Request) -> str | None:
    context: WebContext = request.app.state.context
    return chat_id_for(request.headers.get(HEADER, ""), context.secret)


async def _json_body(request: Request) -> dict[str, Any] | None:
    try:
        body = await request.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _error(status: int, code: str) -> JSONResponse:
    return JSONResponse({"error": code}, status_code=status)


async def start(request: Request) -> Response:
    """Begin (or resume) a conversation: returns the chat token to keep."""
    context: WebContext = request.app.state.context
    body = await _json_body(request) or {}
    token = str(body.get("token") or "")
    chat_id = chat_id_for(token, context.secret) if token else None
    resumed = chat_id is not None
    if chat_id is None:
        token = new_token()
        chat_id = chat_id_for(token, context.secret) or ""
    language = str(body.get("language") or "")
    city = str(body.get("city") or "")
    if not resumed:
        await context.service.handle_person(PersonEvent(
            channel=CHANNEL, chat_id=chat_id, kind=EventKind.COMMAND, command="start",
            language_hint=language if language in SUPPORTED else None,
            city_hint=city or None))
    return JSONResponse({"token": token, "resumed": resumed},
                        headers={"Cache-Control": "no-store"})


async def send(request: Request) -> Response:
    """A person's message, command or button press."""
    context: WebContext = request.app.state.context
    chat_id = _chat_id(request)
    if chat_id is None:
        return _error(401, "no_chat")
    body = await _json_body(request)
    if body is None:
        return _error(400, "bad_request")
    language = str(body.get("language") or "") or None
    city = str(body.get("city") or "") or None
    if "button" in body:
        event = PersonEvent(channel=CHANNEL, chat_id=chat_id, kind=EventKind.CALLBACK,
                            data=str(body["button"])[:64], language_hint=language,
                            city_hint=city)
    else:
        text = str(body.get("text") or "")
        if len(text) > MAX_MESSAGE_CHARS:
            return _error(413, "too_long")
        command = text.strip()[1:].split(maxsplit=1)[0].split("@")[0].lower() \
            if text.strip().startswith("/") and len(text.strip()) > 1 else ""
        if command:
            event = PersonEvent(channel=CHANNEL, chat_id=chat_id, kind=EventKind.COMMAND,
                                command=command[:32],
                                text=text, language_hint=language, city_hint=city)
        else:
            event = PersonEvent(channel=CHANNEL, chat_id=chat_id, kind=EventKind.TEXT,
                                text=text, language_hint=language, city_hint=city)
    await context.service.handle_person(event)
    return JSONResponse({"ok": True})


async def events(request: Request) -> Response:
    """Pending messages for this chat, as server-sent events (until the page goes away)."""
    context: WebContext = request.app.state.context
    chat_id = _chat_id(request)
    if chat_id is None:
        return _error(401, "no_chat")

    async def stream() -> AsyncIterator[str]:
        cursor = 0
        quiet = 0.0
        yield "retry: 2000\n\n"
        while not await request.is_disconnected():
            messages = await context.outbox.pending(chat_id, cursor)
            for message in messages:
                cursor = message["id"]
                yield (f"id: {message['id']}\nevent: message\n"
                       f"data: {json.dumps(message, ensure_ascii=False)}\n\n")
            if messages:
                quiet = 0.0
                continue
            await context.outbox.wait(1.0)
            quiet += 1.0
            if quiet >= KEEP_ALIVE_SECONDS:
                quiet = 0.0
                yield ": keep-alive\n\n"

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


async def acknowledge(request: Request) -> Response:
    """The page has shown every message up to ``up_to``."""
    context: WebContext = request.app.state.context
    chat_id = _chat_id(request)
    if chat_id is None:
        return _error(401, "no_chat")
    body = await _json_body(request) or {}
    try:
        up_to = int(body.get("up_to", 0))
    except (TypeError, ValueError):
        return _error(400, "bad_request")
    await context.outbox.acknowledge(chat_id, up_to)
    return JSONResponse({"ok": True})


def chat_routes() -> list[Route]:
    """Routes of the web chat."""
    return [
        Route("/", chat_page, name="home"),
        Route("/chat", chat_page, name="chat"),
        Route("/widget.js", widget_script, name="widget"),
        Route("/chat/api/start", start, methods=["POST"]),
        Route("/chat/api/send", send, methods=["POST"]),
        Route("/chat/api/events", events),
        Route("/chat/api/ack", acknowledge, methods=["POST"]),
    ]
