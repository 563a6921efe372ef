"""Console sessions: who is logged in, CSRF tokens, and role checks for routes."""

from __future__ import annotations

import functools
import hmac
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from bot.storage import tables as t
from bot.web.context import WebContext
from bot.web.users import Role, user_by_id

__all__ = ["SESSION_HOURS", "check_csrf", "csrf_token", "current_user", "log_in", "log_out",
           "requires"]

SESSION_HOURS = 10
Endpoint = Callable[[Request], Awaitable[Response]]
ALLOWED: dict[str, frozenset[Role]] = {
    "tickets": frozenset({Role.STAFF, Role.ADMIN}),
    "knowledge": frozenset({Role.EDITOR, Role.ADMIN}),
    "insight": frozenset({Role.STAFF, Role.EDITOR, Role.ADMIN}),
}


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use); every console form carries it."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, form: Any) -> bool:
    """True if the submitted form carries this session's CSRF token."""
    expected = request.session.get("csrf")
    given = form.get("csrf") if form is not None else None
    return (isinstance(expected, str) and isinstance(given, str)
            and hmac.compare_digest(expected.encode(), given.encode()))


def log_in(request: Request, user: t.User) -> None:
    """Start a fresh session for ``user`` (a new CSRF token, no earlier session data)."""
    request.session.clear()
    request.session.update({"uid": user.id, "since": int(time.time()),
                            "csrf": secrets.token_urlsafe(32)})


def log_out(request: Request) -> None:
    """End the session."""
    request.session.clear()


async def current_user(request: Request) -> t.User | None:
    """The logged-in, active user, or None (also when the session has expired)."""
    uid, since = request.session.get("uid"), request.session.get("since")
    if not isinstance(uid, int) or not isinstance(since, int):
        return None
    if time.time() - since > SESSION_HOURS * 3600:
        request.session.clear()
        return None
    context: WebContext = request.app.state.context
    return await user_by_id(context.db, uid)


def requires(area: str) -> Callable[[Endpoint], Endpoint]:
    """Let only logged-in users whose role may work in ``area`` reach the route; POSTs
    must also carry the CSRF token."""
    roles = ALLOWED[area]

    def decorate(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def guarded(request: Request) -> Response:
            user = await current_user(request)
            if user is None:
                return RedirectResponse(request.url_for("login"), status_code=303)
            if Role(user.role) not in roles:
                return PlainTextResponse("Für diesen Bereich fehlt Ihnen die Berechtigung.",
                                         status_code=403)
            if request.method == "POST":
                form = await request.form()
                if not check_csrf(request, form):
                    return PlainTextResponse(
                        "Das Formular ist abgelaufen. Bitte kopieren Sie Ihren Text, laden Sie "
                        "die Seite neu und fügen Sie ihn wieder ein.",
                        status_code=403)
            request.state.user = user
            return await endpoint(request)

        return guarded

    return decorate
