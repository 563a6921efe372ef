"""Console users: creation, authentication with lockout, roles."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select

from bot.storage import tables as t
from bot.storage.db import Database
from bot.web.passwords import hash_password, needs_rehash, password_problem, verify_password

__all__ = ["LOCK_AFTER_FAILURES", "LOCK_MINUTES", "LoginResult", "Role", "UserError",
           "add_user", "authenticate", "user_by_id"]

LOCK_AFTER_FAILURES = 5
LOCK_MINUTES = 15
# Verified when the user name is unknown, so that the answer takes as long as for a real one.
_DUMMY_HASH = hash_password("no such user, no such password")


class Role(StrEnum):
    """What a console user may do: staff answer tickets, editors edit the knowledge base,
    admins do both and see everything."""

    STAFF = "staff"
    EDITOR = "editor"
    ADMIN = "admin"


class UserError(ValueError):
    """A user could not be created (the message says why, in German)."""


@dataclass(frozen=True, slots=True)
class LoginResult:
    """The outcome of a login attempt: the user, or why not."""

    user: t.User | None
    locked_until: dt.datetime | None = None


async def add_user(db: Database, username: str, password: str, role: Role | str, *,
                   display_name: str | None = None,
                   languages: list[str] | None = None) -> t.User:
    """Create a console user (raises :class:`UserError` on a bad name, role or password)."""
    username = username.strip().lower()
    if not username or len(username) > 64 or not username.replace(".", "").replace(
            "-", "").replace("_", "").isalnum():
        raise UserError("Der Benutzername darf nur Buchstaben, Ziffern, '.', '-' und '_' "
                        "enthalten.")
    try:
        role = Role(role)
    except ValueError as exc:
        raise UserError(f"Unbekannte Rolle {role!r}: staff, editor oder admin.") from exc
    problem = password_problem(password)
    if problem:
        raise UserError(problem)
    async with db.writing(), db.sessions() as session, session.begin():
        if await session.scalar(select(t.User).where(t.User.username == username)):
            raise UserError(f"Den Benutzer {username!r} gibt es schon.")
        user = t.User(username=username, display_name=(display_name or username)[:128],
                      password_hash=hash_password(password), role=role.value,
                      languages=list(languages or []), active=True, failed_logins=0)
        session.add(user)
    return user


async def user_by_id(db: Database, user_id: int) -> t.User | None:
    """The active user with ``user_id``, or None."""
    async with db.sessions() as session:
        user = await session.get(t.User, user_id)
        return user if user is not None and user.active else None


async def authenticate(db: Database, username: str, password: str,
                       now: dt.datetime | None = None) -> LoginResult:
    """Check a login; counts failures and locks the account for a while after several."""
    now = now or dt.datetime.now(tz=dt.UTC)
    async with db.writing(), db.sessions() as session, session.begin():
        user = await session.scalar(select(t.User).where(
            t.User.username == username.strip().lower()))
        if user is None or not user.active:
            verify_password(_DUMMY_HASH, password)
            return LoginResult(None)
        locked_until = t.as_utc(user.locked_until) if user.locked_until else None
        if locked_until is not None and locked_until > now:
            return LoginResult(None, locked_until)
        if not verify_password(user.password_hash, password):
            user.failed_logins += 1
            if user.failed_logins >= LOCK_AFTER_FAILURES:
                user.failed_logins = 0
                user.locked_until = now + dt.timedelta(minutes=LOCK_MINUTES)
                return LoginResult(None, user.locked_until)
            return LoginResult(None)
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        user.failed_logins = 0
        user.locked_until = None
        user.last_login_at = now
        return LoginResult(user)
