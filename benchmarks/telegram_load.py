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


async def _push_and_wait(api: FakeBotApi, messages: list[tuple[int, str]],
                         rate: float | None) -> tuple[float, list[float]]:
    """Push ``messages`` (all at once, or ``rate`` per second); return (seconds, latencies)."""
    since = time.time()
    pushed: dict[int, list[float]] = {}
    started = time.perf_counter()
    for number, (chat, text) in enumerate(messages):
        if rate:
            delay = started + number / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
        pushed.setdefault(chat, []).append(time.time())
        api.user_message(chat, text, language_code="de")
    deadline = time.perf_counter() + 600
    while time.perf_counter() < deadline and len(api.reply_times(since=since)) < len(messages):  # noqa: ASYNC110 - polls another thread's record
        await asyncio.sleep(0.05)
    elapsed = time.perf_counter() - started
    sent: dict[int, list[float]] = {}
    for chat, moment in api.reply_times(since=since):
        sent.setdefault(chat, []).append(moment)
    latencies = [(reply - asked) * 1000 for chat, asks in pushed.items()
                 for asked, reply in zip(asks, sorted(sent.get(chat, [])), strict=False)]
    return elapsed, latencies


async def run_load(database_url: str, people: int, per_person: int,
                   rate: float) -> dict[str, Any]:
    """Run the burst and the paced load on the database at ``database_url``."""
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
            burst = [(100_000 + p, questions[(p * per_person + r) % len(questions)])
                     for r in range(per_person) for p in range(people)]
            burst_seconds, burst_latencies = await _push_and_wait(api, burst, None)
            paced = [(200_000 + p, questions[(p * 7 + 3) % len(questions)])
                     for p in range(int(rate * 15))]
            _, paced_latencies = await _push_and_wait(api, paced, rate)
        finally:
            await bot.stop()
    await db.close()
    return {
        "messages": len(burst),
        "replied": len(burst_latencies),
        "per_second": len(burst_latencies) / burst_seconds if burst_seconds else 0.0,
        "burst_p50_ms": statistics.median(burst_latencies),
        "rate": rate,
        "paced_p50_ms": statistics.median(paced_latencies),
        "paced_p99_ms": _percentile(paced_latencies, 0.99),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the load test on SQLite and on PostgreSQL and print a table."""
    parser = argparse.ArgumentParser(description="Telegram load benchmark")
    parser.add_argument("--people", type=int, default=150)
    parser.add_argument("--messages", type=int, default=2, help="questions per person")
    parser.add_argument("--rate", type=float, default=20.0,
                        help="messages per second offered in the paced run")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'load.db'}"
        rows.append(("SQLite", asyncio.run(run_load(url, args.people, args.messages,
                                                    args.rate))))
    with postgres_cluster() as url:
        rows.append(("PostgreSQL", asyncio.run(run_load(url, args.people, args.messages,
                                                        args.rate))))
    print(f"{'database':<12}{'burst':>7}{'replied':>9}{'msg/s':>8}{'p50 ms':>9}"
          f"{'paced at':>10}{'p50 ms':>9}{'p99 ms':>9}")
    for name, row in rows:
        print(f"{name:<12}{row['messages']:>7}{row['replied']:>9}{row['per_second']:>8.1f}"
              f"{row['burst_p50_ms']:>9.0f}{row['rate']:>8.0f}/s{row['paced_p50_ms']:>9.0f}"
              f"{row['paced_p99_ms']:>9.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
