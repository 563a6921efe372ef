"""One measured process: build the assistant, answer questions, report times and memory.

Run by :mod:`benchmarks.performance` in a fresh interpreter, so start time and peak RSS are
those of a real ``wegweiser`` process. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

from bot.answering.outcome import Incoming
from bot.config import load_settings
from bot.runtime import build_runtime


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    """Measure one configuration and print the figures as JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--knowledge", type=Path, required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    runtime = build_runtime(load_settings(knowledge_dir=args.knowledge, data_dir=args.data),
                            progress=None)
    start_seconds = time.perf_counter() - started
    questions = json.loads(args.questions.read_text(encoding="utf-8"))
    assistant = runtime.assistant
    assistant.answer(Incoming(questions[0]))  # first call pays one-off costs
    latencies = []
    for _ in range(args.rounds):
        for question in questions:
            begin = time.perf_counter()
            assistant.answer(Incoming(question, city="krefeld"))
            latencies.append((time.perf_counter() - begin) * 1000)
    print(json.dumps({
        "entries": assistant.index.size,
        "start_seconds": start_seconds,
        "embedded": runtime.embedded,
        "questions": len(latencies),
        "p50_ms": statistics.median(latencies),
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": max(latencies),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
