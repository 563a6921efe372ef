"""Fixtures for web tests: the app served for real, and Debian's Chromium through Playwright.

Browser tests need Chromium (``apt-get install chromium``). Where it is missing they are
skipped, except when ``WEGWEISER_REQUIRE_BROWSER=1`` (set by ``.ci/run``): then they fail.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from bot.config import load_settings
from bot.runtime import Runtime
from tests.conftest import REPOSITORY, _fresh_postgres_database
from tests.web.server import RunningWebApp

ARTIFACTS = REPOSITORY / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(params=["sqlite"])
def web_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The database of the served app (SQLite unless a test asks for PostgreSQL too); each
    test gets a fresh one, so users, tickets and figures never carry over."""
    if request.param == "postgresql":
        base: str = request.getfixturevalue("postgres_url")
        with ThreadPoolExecutor(1) as thread:  # Playwright's event loop may run in this one
            return thread.submit(lambda: asyncio.run(
                _fresh_postgres_database(base, request.node.name))).result()
    return f"sqlite+aiosqlite:///{tmp_path / 'web.db'}"


@pytest.fixture
def web_app(tmp_path: Path, real_runtime: Runtime, real_data_dir: Path,
            web_database_url: str) -> Iterator[RunningWebApp]:
    """The web application over a copy of the real knowledge base and the real model."""
    knowledge = tmp_path / "knowledge"
    shutil.copytree(REPOSITORY / "knowledge", knowledge)
    settings = load_settings(knowledge_dir=knowledge, data_dir=real_data_dir,
                             database_url=web_database_url, rate_limit_per_minute=1000)
    app = RunningWebApp(settings, real_runtime, web_database_url).start()
    try:
        yield app
    finally:
        app.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright."""
    if CHROMIUM is None:
        if os.environ.get("WEGWEISER_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required (apt-get install chromium) but was not found")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=["--no-sandbox", "--disable-gpu"])
        try:
            yield browser
        finally:
            browser.close()


def _new_page(browser: Any, width: int, height: int) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context (own storage) on a phone-sized screen."""
    yield from _new_page(browser, 360, 740)


@pytest.fixture
def desk(browser: Any) -> Iterator[Any]:
    """A second, desk-sized browser context (a member of staff)."""
    yield from _new_page(browser, 1280, 900)


def artefact(name: str) -> Path:
    """Where a test saves a screenshot (kept as a CI artefact)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name
