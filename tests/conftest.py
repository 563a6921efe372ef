"""Shared fixtures: assistants (fake and real embedder) and real databases (SQLite, PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.answering.assistant import Assistant
from bot.config import MatchConfig, Settings, StaffProfile, load_settings
from bot.conversation.service import ConversationService
from bot.runtime import Runtime, build_runtime
from bot.storage.db import Database
from tests.fakes import FakeEmbedder
from tests.postgres import postgres_cluster

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REPOSITORY = Path(__file__).resolve().parent.parent


# The fake embedder's similarities are not e5's: unrelated texts sit lower, and the small
# knowledge base has only two phrasings per language, so the best phrasing alone decides.
FAKE_MATCH = MatchConfig(top_k=1)


@pytest.fixture
def small_settings(tmp_path: Path) -> Settings:
    """Settings for the small fixture knowledge base, with a throw-away data folder."""
    return load_settings(knowledge_dir=FIXTURES / "kb_small", data_dir=tmp_path / "data",
                         match=FAKE_MATCH)


@pytest.fixture
def small_assistant(small_settings: Settings) -> Assistant:
    """An assistant over the small fixture knowledge base with the fake embedder."""
    return build_runtime(small_settings, embedder=FakeEmbedder(), progress=None).assistant


@pytest.fixture(scope="session")
def real_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data folder (embedding cache) of the session's real assistant."""
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="session")
def real_runtime(real_data_dir: Path) -> Runtime:
    """The real assistant: the repository's knowledge base and multilingual-e5-small."""
    settings = load_settings(knowledge_dir=REPOSITORY / "knowledge", data_dir=real_data_dir)
    return build_runtime(settings, progress=None)


@pytest.fixture(scope="session")
def real_assistant(real_runtime: Runtime) -> Assistant:
    """The real assistant (built once per test session)."""
    return real_runtime.assistant


STAFF_CHAT = -1001234567890


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL server in a temporary directory, for the whole test session."""
    with postgres_cluster() as url:
        yield url


def make_settings(tmp_path: Path, database_url: str, **overrides: object) -> Settings:
    """Settings for service tests: small knowledge base, staff group, one staff profile."""
    values: dict[str, object] = {
        "knowledge_dir": FIXTURES / "kb_small",
        "data_dir": tmp_path / "data",
        "match": FAKE_MATCH,
        "database_url": database_url,
        "staff_chat_id": STAFF_CHAT,
        "staff_profiles": (StaffProfile(user_id=7, name="Amira", username="amira",
                                        languages=("ar", "de"), cities=("krefeld",)),),
        "rate_limit_per_minute": 30,
    }
    values.update(overrides)
    return load_settings(**values)


class Clock:
    """A clock tests can move forward."""

    def __init__(self) -> None:
        self.current = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += dt.timedelta(**delta)


@pytest.fixture(params=["sqlite", "postgresql"])
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated, empty database: a SQLite file, and a fresh PostgreSQL database."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
    else:
        base = request.getfixturevalue("postgres_url")
        url = await _fresh_postgres_database(base, request.node.name)
    db = await Database.open(url)
    yield db
    await db.close()


async def _fresh_postgres_database(base: str, name: str) -> str:
    import re

    import asyncpg

    database = "t_" + re.sub(r"[^a-z0-9]", "_", name.lower())[:50]
    connection = await asyncpg.connect(base.replace("postgresql://", "postgres://"))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{database}"')
        await connection.execute(f'CREATE DATABASE "{database}"')
    finally:
        await connection.close()
    return base.rsplit("/", 1)[0] + f"/{database}"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service_factory(tmp_path: Path, small_assistant: Assistant, clock: Clock):  # type: ignore[no-untyped-def]
    """Build a service on a given database with optional setting overrides."""
    def build(db: Database, **overrides: object) -> ConversationService:
        settings = make_settings(tmp_path, db.url, **overrides)
        return ConversationService(db, lambda: small_assistant, settings, now=clock)
    return build
