"""The `ask --jsonl` contract: one output line per input, in order, with exactly the keys."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from bot.answering.assistant import Assistant
from bot.channels.batch import answer_lines

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
KEYS = {"id", "decision", "entry_id", "candidates", "language", "reply", "notices", "score"}
DECISIONS = {"answer", "clarify", "handoff", "legal_referral", "emergency"}


def run_lines(assistant: Assistant, lines: list[str], city: str | None = None) -> list[dict]:
    out = io.StringIO()
    answer_lines(assistant, io.StringIO("\n".join(lines) + "\n"), out, city)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_every_line_gets_exactly_the_contract_keys_in_order(small_assistant: Assistant) -> None:
    lines = [
        json.dumps({"id": "a", "text": "Gibt es Sport für Kinder?", "city": "krefeld"}),
        json.dumps({"id": 7, "text": "هل توجد رياضة للأطفال؟"}),
        json.dumps({"id": "c", "text": "Soll ich meinen Vermieter verklagen?"}),
    ]
    records = run_lines(small_assistant, lines)
    assert [r["id"] for r in records] == ["a", 7, "c"]
    for record in records:
        assert set(record) == KEYS
        assert record["decision"] in DECISIONS
        assert isinstance(record["candidates"], list)
        assert len(record["candidates"]) <= 3
        assert 0.0 <= record["score"] <= 1.0
        assert record["reply"]
        assert set(record["notices"]) <= {"no_legal_advice", "fallback_language",
                                          "emergency_numbers"}
    assert records[0]["entry_id"] == "sport"
    assert records[1]["language"] == "ar"
    assert records[2]["decision"] == "legal_referral"
    assert records[2]["notices"] == ["no_legal_advice"]
    assert records[2]["candidates"], "candidates are filled when a guard decides too"


def test_malformed_lines_yield_an_error_line_and_the_run_goes_on(
    small_assistant: Assistant,
) -> None:
    lines = [
        "this is not json",
        json.dumps({"id": "no-text"}),
        json.dumps({"id": "bad-city", "text": "Hallo", "city": "berlin"}),
        json.dumps(["a", "list"]),
        json.dumps({"id": "ok", "text": "Gibt es Sport für Kinder?"}),
    ]
    records = run_lines(small_assistant, lines)
    assert [r["decision"] for r in records] == ["error"] * 4 + ["answer"]
    assert records[1]["id"] == "no-text"
    assert "text" in records[1]["message"]
    assert "city" in records[2]["message"]


def test_jsonl_command_answers_each_line_before_the_next_arrives(tmp_path: Path) -> None:
    """Check that output is flushed per line: the reply arrives while stdin is still open."""
    env = {**os.environ, "WEGWEISER_DATA_DIR": str(tmp_path),
           "WEGWEISER_KNOWLEDGE_DIR": str(FIXTURES / "kb_small")}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "ask", "--jsonl", "--city", "krefeld"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=env,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    try:
        process.stdin.write(json.dumps({"id": 1, "text": "Gibt es Sport für Kinder?"}) + "\n")
        process.stdin.flush()
        first = json.loads(process.stdout.readline())
        assert first["id"] == 1
        assert first["entry_id"] == "sport"
        process.stdin.write("{broken\n")
        process.stdin.flush()
        second = json.loads(process.stdout.readline())
        assert second["decision"] == "error"
    finally:
        process.stdin.close()
        process.wait(timeout=60)
        process.stdout.close()
        assert process.stderr is not None
        process.stderr.close()
    assert process.returncode == 0
