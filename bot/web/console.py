"""The staff console: login, the ticket inbox and work on one ticket.

Tickets from Telegram and from the web chat are one store; staff actions go through the
conversation service exactly as actions in the Telegram staff group do, so replies reach the
person through their own channel with the outbox's guarantees.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.answering.compose import entry_version
from bot.conversation.model import StaffEvent, StaffEventKind
from bot.languages import LANGUAGES
from bot.storage import tables as t
from bot.web.context import WebContext
from bot.web.staff_session import check_csrf, csrf_token, current_user, log_in, log_out, requires
from bot.web.users import Role, authenticate
from handoff.tickets import ACTIVE, TicketStatus

__all__ = ["CONSOLE_CHANNEL", "console_routes", "render", "web_context"]

CONSOLE_CHANNEL = "console"
AGES = {"": None, "1h": dt.timedelta(hours=1), "1d": dt.timedelta(days=1),
        "7d": dt.timedelta(days=7)}
STATUS_NAMES = {"open": "offen", "claimed": "übernommen", "answered": "beantwortet",
                "closed": "geschlossen", "withdrawn": "zurückgezogen"}
ACTIONS = {"claim": StaffEventKind.CLAIM, "reply": StaffEventKind.REPLY,
           "note": StaffEventKind.NOTE, "close": StaffEventKind.CLOSE,
           "faq": StaffEventKind.FAQ}
MAX_REPLY_CHARS = 4000


def web_context(request: Request) -> WebContext:
    """What the web application's routes share."""
    context: WebContext = request.app.state.context
    return context


def render(request: Request, template: str, values: dict[str, Any],
           status_code: int = 200) -> Response:
    """A console page: ``values`` plus the user, CSRF token, languages and navigation."""
    values = {"user": getattr(request.state, "user", None), "csrf": csrf_token(request),
              "languages": LANGUAGES, "status_names": STATUS_NAMES, "Role": Role,
              "route_names": request.app.state.route_names, "berlin": _berlin(), **values}
    return web_context(request).templates.TemplateResponse(
        request, template, values, status_code=status_code,
        headers={"Cache-Control": "no-store"})


def _client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def login(request: Request) -> Response:
    """The login form, and checking it."""
    context = web_context(request)
    if request.method == "GET":
        if await current_user(request) is not None:
            return RedirectResponse(request.url_for("console_home"), status_code=303)
        return render(request, "console/login.html", {"error": None, "username": ""})
    form = await request.form()
    username = str(form.get("username") or "")[:64]
    if not check_csrf(request, form):
        return render(request, "console/login.html", {
            "error": "Das Formular ist abgelaufen. Bitte versuchen Sie es noch einmal.",
            "username": username}, status_code=403)
    address = _client_address(request)
    if not context.login_guard.allowed(address):
        return render(request, "console/login.html", {
            "error": "Zu viele Fehlversuche von diesem Gerät. Bitte warten Sie einige Minuten.",
            "username": username}, status_code=429)
    result = await authenticate(context.db, username, str(form.get("password") or ""))
    if result.user is None:
        context.login_guard.failed(address)
        if result.locked_until is not None:
            local = result.locked_until.astimezone(_berlin())
            error = (f"Dieses Konto ist nach mehreren Fehlversuchen bis {local:%H:%M} Uhr "
                     "gesperrt.")
        else:
            error = "Benutzername oder Passwort ist falsch."
        return render(request, "console/login.html", {"error": error, "username": username},
                       status_code=401 if result.locked_until is None else 423)
    context.login_guard.succeeded(address)
    log_in(request, result.user)
    return RedirectResponse(request.url_for("console_home"), status_code=303)


async def logout(request: Request) -> Response:
    """End the session (POST with the CSRF token)."""
    form = await request.form()
    if check_csrf(request, form):
        log_out(request)
    return RedirectResponse(request.url_for("login"), status_code=303)


async def console_home(request: Request) -> Response:
    """Where a user lands after login: the area their role works in."""
    user = await current_user(request)
    if user is None:
        return RedirectResponse(request.url_for("login"), status_code=303)
    target = "knowledge_list" if user.role == Role.EDITOR else "inbox"
    return RedirectResponse(request.url_for(target), status_code=303)


def _berlin() -> dt.tzinfo:
    return ZoneInfo("Europe/Berlin")


@requires("tickets")
async def inbox(request: Request) -> Response:
    """Tickets, newest first, filtered by city, language, status and age."""
    context = web_context(request)
    filters = {key: request.query_params.get(key, "") for key in
               ("city", "language", "status", "age")}
    first_text = (select(t.TicketMessage.text).where(
        t.TicketMessage.ticket_id == t.Ticket.id, t.TicketMessage.author == "person")
        .order_by(t.TicketMessage.id).limit(1).scalar_subquery())
    query = select(t.Ticket, first_text).order_by(t.Ticket.id.desc()).limit(200)
    if filters["city"] in context.settings.cities:
        query = query.where(t.Ticket.city == filters["city"])
    if filters["language"] in LANGUAGES:
        query = query.where(t.Ticket.language == filters["language"])
    if filters["status"] == "active" or not filters["status"]:
        query = query.where(t.Ticket.status.in_([s.value for s in ACTIVE]))
    elif filters["status"] in STATUS_NAMES:
        query = query.where(t.Ticket.status == filters["status"])
    now = dt.datetime.now(tz=dt.UTC)
    age = AGES.get(filters["age"])
    if age is not None:
        query = query.where(t.Ticket.created_at <= now - age)
    async with context.db.sessions() as session:
        rows = (await session.execute(query)).all()
        counts = {status: count for status, count in (await session.execute(
            select(t.Ticket.status, func.count()).group_by(t.Ticket.status))).all()}
    tickets = [{"ticket": ticket, "text": text, "created": t.as_utc(ticket.created_at)}
               for ticket, text in rows]
    return render(request, "console/inbox.html", {
        "tickets": tickets, "filters": filters, "cities": context.settings.cities,
        "counts": counts, "now": now, "ages": AGES})


@requires("tickets")
async def ticket_page(request: Request) -> Response:
    """One ticket: the conversation so far, what the assistant proposed, the actions."""
    context = web_context(request)
    ticket_id = int(request.path_params["ticket_id"])
    async with context.db.sessions() as session:
        ticket = await session.get(t.Ticket, ticket_id)
        if ticket is None:
            return render(request, "console/missing.html", {"ticket_id": ticket_id},
                           status_code=404)
        messages = list(await session.scalars(select(t.TicketMessage).where(
            t.TicketMessage.ticket_id == ticket_id).order_by(t.TicketMessage.id)))
        actions = list(await session.scalars(select(t.StaffAction).where(
            t.StaffAction.ticket_id == ticket_id).order_by(t.StaffAction.id)))
    knowledge = context.live.assistant.index.knowledge
    proposals = []
    for entry_id in ticket.candidates or []:
        entry = knowledge.get(entry_id)
        if entry is not None:
            proposals.append({"id": entry_id, "title": entry_version(entry, "de")[0].title})
    return render(request, "console/ticket.html", {
        "ticket": ticket, "messages": messages, "actions": actions, "proposals": proposals,
        "active": TicketStatus(ticket.status) in ACTIVE, "max_reply": MAX_REPLY_CHARS,
        "notice": request.query_params.get("done", "")})


@requires("tickets")
async def ticket_action(request: Request) -> Response:
    """Claim, reply, note, close or propose as FAQ (through the conversation service)."""
    context = web_context(request)
    user = request.state.user
    ticket_id = int(request.path_params["ticket_id"])
    form = await request.form()
    action = str(form.get("action") or "")
    kind = ACTIONS.get(action)
    text = str(form.get("text") or "").strip()[:MAX_REPLY_CHARS]
    if kind is None or (kind in (StaffEventKind.REPLY, StaffEventKind.NOTE) and not text):
        return RedirectResponse(
            str(request.url_for("ticket", ticket_id=ticket_id)) + "?done=empty",
            status_code=303)
    await context.service.handle_staff(StaffEvent(
        channel=CONSOLE_CHANNEL, staff_id=f"console:{user.username}",
        staff_name=user.display_name, kind=kind, text=text, ticket_id=ticket_id))
    return RedirectResponse(
        str(request.url_for("ticket", ticket_id=ticket_id)) + f"?done={action}",
        status_code=303)


def console_routes() -> list[Route]:
    """Routes of the staff console."""
    return [
        Route("/console", console_home, name="console_home"),
        Route("/console/login", login, methods=["GET", "POST"], name="login"),
        Route("/console/logout", logout, methods=["POST"], name="logout"),
        Route("/console/tickets", inbox, name="inbox"),
        Route("/console/tickets/{ticket_id:int}", ticket_page, name="ticket"),
        Route("/console/tickets/{ticket_id:int}/action", ticket_action, methods=["POST"],
              name="ticket_action"),
    ]
