"""``wegweiser ask``: one question, or a stream of JSON lines for scripts and evaluations.

The JSON-lines contract: each input line ``{"id": ..., "text": ..., "city": ...}`` (city
optional) yields exactly one output line, in order, flushed at once, with exactly the keys
``id decision entry_id candidates language reply notices score``. A malformed line yields
``{"id": ..., "decision": "error", "message": ...}`` (with the same keys, empty) and the run
goes on.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any, TextIO

from bot.answering.assistant import Assistant
from bot.answering.outcome import Incoming, Notice, Outcome
from bot.config import Settings
from bot.runtime import build_runtime

__all__ = ["outcome_record", "run_jsonl", "run_one"]

logger = logging.getLogger(__name__)
CITIES = ("krefeld", "essen", "nrw")
CONTRACT_NOTICES = (Notice.NO_LEGAL_ADVICE, Notice.FALLBACK_LANGUAGE, Notice.EMERGENCY_NUMBERS)


def outcome_record(request_id: Any, outcome: Outcome) -> dict[str, Any]:
    """Return the contract's JSON object for one outcome."""
    return {
        "id": request_id,
        "decision": outcome.decision.value,
        "entry_id": outcome.entry_id,
        "candidates": list(outcome.candidates),
        "language": outcome.language,
        "reply": outcome.reply.as_text(),
        "notices": [n.value for n in outcome.notices if n in CONTRACT_NOTICES],
        "score": outcome.score,
    }


def _error_record(request_id: Any, message: str) -> dict[str, Any]:
    return {
        "id": request_id,
        "decision": "error",
        "entry_id": None,
        "candidates": [],
        "language": None,
        "reply": "",
        "notices": [],
        "score": 0.0,
        "message": message,
    }


def _parse_line(line: str, default_city: str | None) -> tuple[Any, Incoming | None, str]:
    """Return (id, incoming or None, error message)."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, None, f"not valid JSON: {exc.msg} (column {exc.colno})"
    if not isinstance(data, dict):
        return None, None, "each line must be a JSON object"
    request_id = data.get("id")
    text = data.get("text")
    if not isinstance(text, str):
        return request_id, None, "'text' must be a string"
    city = data.get("city", default_city)
    if city is not None and city not in CITIES:
        return request_id, None, f"'city' must be one of {', '.join(CITIES)} or absent"
    return request_id, Incoming(text=text, city=None if city == "nrw" else city), ""


def answer_lines(assistant: Assistant, stdin: TextIO, stdout: TextIO,
                 city: str | None) -> int:
    """Answer every line of ``stdin``; returns how many lines were errors."""
    errors = 0
    for raw in stdin:
        line = raw.strip()
        if not line:
            continue
        request_id, incoming, problem = _parse_line(line, city)
        if incoming is None:
            record = _error_record(request_id, problem)
            errors += 1
        else:
            try:
                record = outcome_record(request_id, assistant.answer(incoming))
            except Exception as exc:  # one bad line must not end the run
                logger.exception("failed to answer line %r", request_id)
                record = _error_record(request_id, f"internal error: {type(exc).__name__}")
                errors += 1
        stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        stdout.flush()
    return errors


def run_jsonl(settings: Settings, *, city: str | None, stdin: TextIO, stdout: TextIO) -> int:
    """Run the JSON-lines batch; exit status 0 even when some lines were malformed."""
    assistant = build_runtime(settings).assistant
    answer_lines(assistant, stdin, stdout, city)
    return 0


def run_one(settings: Settings, text: str, *, city: str | None, as_json: bool) -> int:
    """Answer one question from the command line."""
    assistant = build_runtime(settings).assistant
    outcome = assistant.answer(Incoming(text=text, city=city))
    if as_json:
        print(json.dumps(outcome_record(None, outcome), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(outcome.reply.as_text() + "\n")
    return 0
