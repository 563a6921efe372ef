"""Latency, throughput, start time and memory on the real and on synthetic knowledge bases.

For each knowledge base (the repository's, and synthetic ones of 1,000 and 10,000 entries):

* cold start: a fresh process with an empty embedding cache (everything is embedded);
* warm start: a fresh process with the cache from the cold run (nothing is embedded);
* per-question latency p50 / p99 in the warm process (the questions of the evaluation sets
  for the real knowledge base; titles and unanswerable questions for synthetic ones);
* peak RSS of the warm process;
* ``wegweiser ask --jsonl`` throughput: questions per second between the first and the
  last answer line (start-up excluded), in a separate process.

Targets (issue 2): p99 <= 50 ms (real) and <= 100 ms (10,000 entries), >= 20 questions/s
through ``--jsonl``, warm start <= 5 s, peak RSS <= 400 MB.

Run: ``python -m benchmarks.performance [--sizes 1000 10000] [--out FILE.json]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.synthetic_kb import write_synthetic

REPOSITORY = Path(__file__).resolve().parent.parent
EVAL = REPOSITORY / "tests" / "fixtures" / "eval"


def _worker(knowledge: Path, data: Path, questions: Path) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.worker", "--knowledge", str(knowledge),
         "--data", str(data), "--questions", str(questions)],
        cwd=REPOSITORY, capture_output=True, text=True, check=True,
    )
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def _throughput(knowledge: Path, data: Path, questions: list[str]) -> float:
    env = {**os.environ, "WEGWEISER_KNOWLEDGE_DIR": str(knowledge), "WEGWEISER_DATA_DIR": str(data)}
    lines = "".join(json.dumps({"id": n, "text": q}) + "\n" for n, q in enumerate(questions))
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "ask", "--jsonl", "--city", "krefeld"],
        cwd=REPOSITORY, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    stdin = process.stdin

    def feed() -> None:  # in a thread: the pipes would fill up and block each other
        stdin.write(lines)
        stdin.close()

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    first = process.stdout.readline()
    started = time.perf_counter()
    count = 1 if first else 0
    for _ in process.stdout:
        count += 1
    elapsed = time.perf_counter() - started
    process.wait()
    feeder.join()
    return (count - 1) / elapsed if elapsed > 0 and count > 1 else 0.0


def measure(name: str, knowledge: Path, questions: list[str], work: Path) -> dict[str, Any]:
    """Run the cold and warm processes and the throughput run for one knowledge base."""
    data = work / f"data-{name}"
    question_file = work / f"questions-{name}.json"
    question_file.write_text(json.dumps(questions, ensure_ascii=False), encoding="utf-8")
    cold = _worker(knowledge, data, question_file)
    warm = _worker(knowledge, data, question_file)
    return {
        "knowledge": name,
        "entries": warm["entries"],
        "cold_start_s": cold["start_seconds"],
        "embedded_cold": cold["embedded"],
        "warm_start_s": warm["start_seconds"],
        "embedded_warm": warm["embedded"],
        "p50_ms": warm["p50_ms"],
        "p99_ms": warm["p99_ms"],
        "questions": warm["questions"],
        "peak_rss_mb": warm["peak_rss_mb"],
        "jsonl_per_s": _throughput(knowledge, data, questions * 2),
    }


def _eval_questions() -> list[str]:
    texts = []
    for path in sorted(EVAL.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    return texts


def main(argv: list[str] | None = None) -> int:
    """Measure every configuration and print a table (and JSON to --out)."""
    parser = argparse.ArgumentParser(description="Wegweiser performance benchmark")
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--out", type=Path, default=REPOSITORY / "benchmarks" / "results"
                        / "performance.json")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="wegweiser-bench-") as tmp:
        work = Path(tmp)
        rows.append(measure("real", REPOSITORY / "knowledge", _eval_questions(), work))
        for size in args.sizes:
            folder = work / f"synthetic-{size}"
            questions = write_synthetic(size, folder)
            rows.append(measure(f"synthetic-{size}", folder, questions, work))
    header = (f"{'knowledge':<18}{'entries':>8}{'cold s':>8}{'warm s':>8}{'p50 ms':>8}"
              f"{'p99 ms':>8}{'RSS MB':>8}{'jsonl/s':>9}")
    print(header)
    for row in rows:
        print(f"{row['knowledge']:<18}{row['entries']:>8}{row['cold_start_s']:>8.1f}"
              f"{row['warm_start_s']:>8.2f}{row['p50_ms']:>8.1f}{row['p99_ms']:>8.1f}"
              f"{row['peak_rss_mb']:>8.0f}{row['jsonl_per_s']:>9.1f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
