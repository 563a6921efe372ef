"""Database engine, sessions and migrations.

SQLite (a file under the data folder, through aiosqlite) is the default; PostgreSQL (through
asyncpg) is used when ``WEGWEISER_DATABASE_URL`` names it. The schema is managed by Alembic and
brought up to date on start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

__all__ = ["Database", "async_url", "migrate"]

logger = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def async_url(url: str) -> str:
    """Return ``url`` with the async driver (``postgresql://`` -> ``postgresql+asyncpg://``)."""
    parsed = make_url(url)
    driver = parsed.drivername
    if driver in ("postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    elif driver == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    return parsed.render_as_string(hide_password=False)


def _alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(url: str) -> None:
    """Bring the schema at ``url`` up to date (blocking; runs its own event loop)."""
    command.upgrade(_alembic_config(async_url(url)), "head")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class Database:
    """The engine and a session factory for one database URL."""

    def __init__(self, url: str) -> None:
        self.url = async_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        options: dict[str, Any] = {"pool_pre_ping": True}
        if not self.is_sqlite:
            options.update(pool_size=10, max_overflow=10)
        self.engine: AsyncEngine = create_async_engine(self.url, **options)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._write_lock = asyncio.Lock()

    @contextlib.asynccontextmanager
    async def writing(self) -> AsyncIterator[None]:
        """Hold while writing. SQLite allows one writer at a time: writers in this process
        queue here instead of failing with "database is locked"; PostgreSQL needs no queue."""
        if not self.is_sqlite:
            yield
            return
        async with self._write_lock:
            yield

    @classmethod
    async def open(cls, url: str) -> Database:
        """Migrate the schema to the newest version, then connect."""
        if url.startswith("sqlite") and ":///" in url:
            path = make_url(url).database
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(migrate, url)
        return cls(url)

    async def close(self) -> None:
        """Release every connection."""
        await self.engine.dispose()
