"""Drive the Telegram bot with many simulated people at once, through the local Bot API server.

The real bot runs as in production (python-telegram-bot long polling, conversation service,
outbox dispatcher) with the real knowledge base and embedding model, on SQLite and on
PostgreSQL. Each simulated person sends a few questions (texts of the evaluation sets, so
most are different); the benchmark measures

* messages handled per second: questions sent / time from the first update to the last reply;
* latency: from an update being available on the server to its reply being sent, p50 / p99.

Telegram's own flood limits (about 30 messages per second) are switched off here, to measure
the bot's capacity rather than Telegram's.

Run: ``python -m benchmarks.telegram_load [--people 150] [--messages 2]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.channels.telegram.app import TelegramBot
from bot.config import load_settings
from bot.conversation.service import ConversationService
from bot.runtime import build_runtime
from bot.storage.db import Database
from tests.postgres import postgres_cluster
from tests.telegram_server import FakeBotApi

REPOSITORY = Path(__file__).resolve().parent.parent
STAFF_CHAT = -1009999


def _questions() -> list[str]:
    texts = []
    for path in sorted((REPOSITORY / "tests" / "fixtures" / "eval").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    return texts


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def run_load(database_url: str, people: int, per_person: int) -> dict[str, Any]:
    """Run one load test on the database at ``database_url``."""
    settings = load_settings(database_url=database_url, staff_chat_id=STAFF_CHAT,
                             rate_limit_per_minute=1000)
    runtime = build_runtime(settings, progress=None)
    db = await Database.open(database_url)
    questions = _questions()
    with FakeBotApi() as api:
        api.set_chat(STAFF_CHAT, type="supergroup", title="KI Team", is_forum=True)
        service = ConversationService(db, lambda: runtime.assistant, settings)
        bot = TelegramBot(service, api.token, STAFF_CHAT, api_url=api.base_url, poll_timeout=1,
                          flood_control=False)
        await bot.start(polling=True)
        try:
            pushed: dict[int, list[float]] = {}
            started = time.perf_counter()
            wall_started = time.time()
            for round_number in range(per_person):
                for person in range(people):
                    chat = 100_000 + person
                    text = questions[(person * per_person + round_number) % len(questions)]
                    pushed.setdefault(chat, []).append(time.time())
                    api.user_message(chat, text, language_code="de")
            total = people * per_person
            deadline = time.perf_counter() + 600
            while time.perf_counter() < deadline:
                if len(api.reply_times(since=wall_started)) >= total:
                    break
                await asyncio.sleep(0.2)
            elapsed = time.perf_counter() - started
        finally:
            await bot.stop()
        sent: dict[int, list[float]] = {}
        for chat, moment in api.reply_times(since=wall_started):
            sent.setdefault(chat, []).append(moment)
    await db.close()
    latencies = [(reply - asked) * 1000
                 for chat, asks in pushed.items()
                 for asked, reply in zip(asks, sorted(sent.get(chat, [])), strict=False)]
    return {
        "messages": people * per_person,
        "replied": len(latencies),
        "seconds": elapsed,
        "per_second": len(latencies) / elapsed if elapsed else 0.0,
        "p50_ms": statistics.median(latencies) if latencies else float("nan"),
        "p99_ms": _percentile(latencies, 0.99) if latencies else float("nan"),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the load test on SQLite and on PostgreSQL and print a table."""
    parser = argparse.ArgumentParser(description="Telegram load benchmark")
    parser.add_argument("--people", type=int, default=150)
    parser.add_argument("--messages", type=int, default=2, help="questions per person")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'load.db'}"
        rows.append(("SQLite", asyncio.run(run_load(url, args.people, args.messages))))
    with postgres_cluster() as url:
        rows.append(("PostgreSQL", asyncio.run(run_load(url, args.people, args.messages))))
    print(f"{'database':<12}{'messages':>9}{'replied':>9}{'msg/s':>8}{'p50 ms':>9}{'p99 ms':>9}")
    for name, row in rows:
        print(f"{name:<12}{row['messages']:>9}{row['replied']:>9}{row['per_second']:>8.1f}"
              f"{row['p50_ms']:>9.0f}{row['p99_ms']:>9.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
