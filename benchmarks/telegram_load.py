"""Drive the Telegram bot with many simulated people at once, through the local Bot API server.

The real bot runs as in production (python-telegram-bot long polling, conversation service,
outbox dispatcher) with the real knowledge base and embedding model, on SQLite and on
PostgreSQL. The local Bot API server and the simulated people run in a process of their own,
as Telegram and its users are not inside the bot's process in production either.

Each simulated person behaves like a person in a chat: sends an update, waits for the bot's
reply, then sends the next one. Two kinds of traffic are measured:

* ``distinct``: every update is a question no one asked before (texts of the evaluation sets,
  each once): the worst case, as every update needs the embedding model;
* ``typical``: a session per person: a question, "helpful" on the answer, a second question.
  Questions are drawn from the evaluation texts with a Zipf-like popularity (a few questions
  are asked by many people, as with any FAQ), so repeated questions reuse the query cache.

For each it reports updates handled per second in a burst (everyone starts at once) and the
time from an update being available on the server to the bot's reply being sent, p50 / p99,
both in the burst and with updates offered at a steady rate. Telegram's own flood limits
(about 30 messages per second) are switched off, to measure the bot's capacity rather than
Telegram's.

Run: ``python -m benchmarks.telegram_load [--people 150] [--rate 100]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parent.parent
STAFF_CHAT = -1009999
HELPFUL = "\x00helpful"  # a step that presses the "helpful" button on the last answer


def _questions() -> list[str]:
    texts: list[str] = []
    for path in sorted((REPOSITORY / "tests" / "fixtures" / "eval").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                text = json.loads(line)["text"]
                if text not in texts:
                    texts.append(text)
    return texts


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def distinct_sessions(people: int, first_chat: int) -> list[tuple[int, list[str]]]:
    """Each person asks two questions, none asked before by anyone."""
    questions = _questions()
    random.Random(7).shuffle(questions)
    per_person = 2
    people = min(people, len(questions) // per_person)
    return [(first_chat + p, questions[p * per_person:(p + 1) * per_person])
            for p in range(people)]


def typical_sessions(people: int, first_chat: int, seed: int) -> list[tuple[int, list[str]]]:
    """Question, "helpful", question; questions drawn with Zipf-like popularity."""
    questions = _questions()
    chooser = random.Random(seed)
    chooser.shuffle(questions)
    weights = [1 / (rank + 1) for rank in range(len(questions))]
    sessions = []
    for p in range(people):
        first, second = chooser.choices(questions, weights, k=2)
        sessions.append((first_chat + p, [first, HELPFUL, second]))
    return sessions


# --- the server side: the local Bot API server and the simulated people, in their own process


@dataclass
class _Person:
    chat: int
    steps: list[str]
    next_step: int = 0
    asked_at: float | None = None
    last_reply_markup: Any = None
    latencies: list[float] = field(default_factory=list)


def _push_step(api: Any, person: _Person) -> bool:
    """Send the person's next update; False when the session is over."""
    while person.next_step < len(person.steps):
        step = person.steps[person.next_step]
        person.next_step += 1
        if step == HELPFUL:
            data = _helpful_button(person.last_reply_markup)
            if data is None:  # no feedback buttons on that reply (e.g. a clarify question)
                continue
            person.asked_at = time.time()
            api.callback(person.chat, data)
        else:
            person.asked_at = time.time()
            api.user_message(person.chat, step, language_code="de")
        return True
    return False


def _helpful_button(markup: Any) -> str | None:
    if isinstance(markup, str):
        markup = json.loads(markup)
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            if str(button.get("callback_data", "")).startswith("fb:1:"):
                return str(button["callback_data"])
    return None


def _drive(api: Any, sessions: list[tuple[int, list[str]]], rate: float | None) -> dict[str, Any]:
    """Run the sessions (all at once, or starting at ``rate`` updates per second)."""
    people = [_Person(chat, steps) for chat, steps in sessions]
    by_chat = {person.chat: person for person in people}
    steps_per_session = statistics.mean(len(steps) for _, steps in sessions)
    position = len(api.requests_from(0))
    started = time.perf_counter()
    cpu_started = time.process_time()
    waiting = list(reversed(people))
    active = 0
    pushed = 0
    deadline = started + 600
    while (waiting or active) and time.perf_counter() < deadline:
        now = time.perf_counter()
        while waiting and (rate is None
                           or now - started >= (len(people) - len(waiting))
                           * steps_per_session / rate):
            person = waiting.pop()
            if _push_step(api, person):
                active += 1
                pushed += 1
        new = api.requests_from(position)
        position += len(new)
        for request in new:
            params = request["params"]
            if request["method"] != "sendMessage" or request["status"] != 200:
                continue
            person = by_chat.get(int(params.get("chat_id", 0)))
            if person is None or person.asked_at is None:
                continue
            person.latencies.append((request["time"] - person.asked_at) * 1000)
            person.asked_at = None
            person.last_reply_markup = params.get("reply_markup")
            if _push_step(api, person):
                pushed += 1
            else:
                active -= 1
        time.sleep(0.002)
    elapsed = time.perf_counter() - started
    latencies = [value for person in people for value in person.latencies]
    return {"updates": pushed, "replied": len(latencies), "seconds": elapsed,
            "latencies": latencies, "server_cpu": time.process_time() - cpu_started}


def _serve(connection: Connection) -> None:
    from tests.telegram_server import FakeBotApi

    with FakeBotApi(keep_alive=True) as api:
        api.set_chat(STAFF_CHAT, type="supergroup", title="KI Team", is_forum=True)
        connection.send((api.token, api.base_url))
        while (command := connection.recv()) is not None:
            sessions, rate = command
            connection.send(_drive(api, sessions, rate))


@contextmanager
def server_process() -> Iterator[Connection]:
    """Start the local Bot API server with its simulated people in a separate process."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(target=_serve, args=(theirs,), daemon=True)
    process.start()
    try:
        yield ours
    finally:
        ours.send(None)
        process.join(timeout=10)
        if process.is_alive():
            process.kill()


# --- the bot side


async def run_load(database_url: str, people: int, rate: float) -> dict[str, dict[str, Any]]:
    """Run both kinds of traffic, in a burst and paced, against a bot on ``database_url``."""
    from bot.channels.telegram.app import TelegramBot
    from bot.config import load_settings
    from bot.conversation.service import ConversationService
    from bot.runtime import build_runtime
    from bot.storage.db import Database

    settings = load_settings(database_url=database_url, staff_chat_id=STAFF_CHAT,
                             rate_limit_per_minute=1000)
    runtime = build_runtime(settings, progress=None)
    db = await Database.open(database_url)
    results: dict[str, dict[str, Any]] = {}
    with server_process() as server:
        token, base_url = server.recv()
        service = ConversationService(db, lambda: runtime.assistant, settings)
        bot = TelegramBot(service, token, STAFF_CHAT, api_url=base_url, poll_timeout=1,
                          flood_control=False)
        await bot.start(polling=True)
        loop = asyncio.get_running_loop()

        async def drive(sessions: list[tuple[int, list[str]]],
                        offered: float | None) -> dict[str, Any]:
            cpu_started = time.process_time()
            server.send((sessions, offered))
            result: dict[str, Any] = await loop.run_in_executor(None, server.recv)
            result["bot_cpu"] = time.process_time() - cpu_started
            return result

        try:
            for kind in ("distinct", "typical"):
                # every run starts with an empty query cache, as after a restart
                clear_cache = getattr(runtime.assistant.embed_query, "cache_clear", None)
                if callable(clear_cache):
                    clear_cache()
                if kind == "distinct":
                    burst = distinct_sessions(people, 100_000)
                    paced = distinct_sessions(people, 200_000)
                else:
                    burst = typical_sessions(people, 300_000, seed=1)
                    paced = typical_sessions(int(rate * 20 / 3), 400_000, seed=2)
                burst_run = await drive(burst, None)
                if callable(clear_cache):
                    clear_cache()
                paced_rate = min(rate, 0.8 * burst_run["replied"] / burst_run["seconds"]) \
                    if kind == "distinct" else rate
                paced_run = await drive(paced, paced_rate)
                results[kind] = {
                    "updates": burst_run["updates"], "replied": burst_run["replied"],
                    "per_second": burst_run["replied"] / burst_run["seconds"],
                    "burst_p50_ms": statistics.median(burst_run["latencies"]),
                    "burst_p99_ms": _percentile(burst_run["latencies"], 0.99),
                    "rate": paced_run["updates"] / paced_run["seconds"],
                    "paced_p50_ms": statistics.median(paced_run["latencies"]),
                    "paced_p99_ms": _percentile(paced_run["latencies"], 0.99),
                    "bot_cpu_ms": 1000 * burst_run["bot_cpu"] / burst_run["replied"],
                    "server_cpu_ms": 1000 * burst_run["server_cpu"] / burst_run["replied"],
                }
        finally:
            await bot.stop()
    await db.close()
    return results


def main(argv: list[str] | None = None) -> int:
    """Run the load test on SQLite and on PostgreSQL and print a table."""
    parser = argparse.ArgumentParser(description="Telegram load benchmark")
    parser.add_argument("--people", type=int, default=150,
                        help="simulated people starting at once in the burst")
    parser.add_argument("--rate", type=float, default=100.0,
                        help="updates per second offered in the paced run of typical traffic "
                             "(distinct questions are paced at 80 %% of their burst capacity)")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args(argv)
    from tests.postgres import postgres_cluster

    rows = []
    if args.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{Path(tmp) / 'load.db'}"
            rows.append(("SQLite", asyncio.run(run_load(url, args.people, args.rate))))
    if args.only in (None, "postgresql"):
        with postgres_cluster() as url:
            rows.append(("PostgreSQL", asyncio.run(run_load(url, args.people, args.rate))))
    print(f"{'database':<12}{'traffic':<10}{'updates':>8}{'replied':>8}{'upd/s':>7}"
          f"{'p50 ms':>8}{'p99 ms':>8}{'paced at':>11}{'p50 ms':>8}{'p99 ms':>8}"
          f"{'bot CPU':>9}{'harness CPU':>13}")
    for name, results in rows:
        for kind, row in results.items():
            print(f"{name:<12}{kind:<10}{row['updates']:>8}{row['replied']:>8}"
                  f"{row['per_second']:>7.1f}{row['burst_p50_ms']:>8.0f}{row['burst_p99_ms']:>8.0f}"
                  f"{row['rate']:>9.1f}/s{row['paced_p50_ms']:>8.0f}{row['paced_p99_ms']:>8.0f}"
                  f"{row['bot_cpu_ms']:>7.1f}ms{row['server_cpu_ms']:>11.1f}ms")
    print("CPU: processor time per update in the burst, of the bot's process and of the local "
          "Bot API server with the simulated people (2 cores in all).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
