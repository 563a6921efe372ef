"""The web application served for real (uvicorn in a background thread), for browser tests."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Coroutine
from concurrent.futures import Future
from typing import Any, TypeVar

import uvicorn

from bot.config import Settings
from bot.runtime import LiveRuntime, Runtime
from bot.storage.db import Database
from bot.web.app import build_context, create_app
from bot.web.context import WebContext

T = TypeVar("T")


class RunningWebApp:
    """``wegweiser serve`` in a thread: its base URL, and a way to run code in its loop."""

    def __init__(self, settings: Settings, runtime: Runtime, database_url: str) -> None:
        self.settings = settings
        self.runtime = runtime
        self.database_url = database_url
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._started = threading.Event()
        self._failure: BaseException | None = None
        self._server: uvicorn.Server | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.context: WebContext | None = None
        self._thread = threading.Thread(target=self._run, name="web-app", daemon=True)

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:
            self._failure = exc
            self._started.set()

    async def _serve(self) -> None:
        self.loop = asyncio.get_running_loop()
        db = await Database.open(self.database_url)
        live = LiveRuntime(self.settings, self.runtime)
        self.context = build_context(self.settings, live, db)
        app = create_app(self.context)
        self._server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        serving = asyncio.create_task(self._server.serve(sockets=[self._socket]))
        while not self._server.started and not serving.done():  # noqa: ASYNC110 - uvicorn flag
            await asyncio.sleep(0.02)
        self._started.set()
        try:
            await serving
        finally:
            await db.close()

    def start(self) -> RunningWebApp:
        self._thread.start()
        if not self._started.wait(60):
            raise RuntimeError("web app did not start")
        if self._failure is not None:
            raise RuntimeError("web app failed to start") from self._failure
        return self

    def call(self, coroutine: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        """Run ``coroutine`` in the app's event loop (e.g. to create a user) and wait."""
        assert self.loop is not None
        future: Future[T] = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        return future.result(timeout)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        self._thread.join(3)
        if self._server is not None and self._thread.is_alive():
            # An open page keeps its event stream: don't wait for it to be closed.
            self._server.force_exit = True
        self._thread.join(30)
        self._socket.close()
