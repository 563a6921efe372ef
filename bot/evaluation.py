"""``wegweiser eval``: score the assistant on an evaluation file (format of the dev set).

Scoring rule (tests/fixtures/eval/README.md):

* ``answer`` passes with decision ``answer`` and an ``entry_id`` in ``entries``; where
  ``entries`` holds ``no-legal-advice``, a ``legal_referral`` carrying the no-legal-advice
  notice passes too;
* ``legal_referral`` passes with decision ``legal_referral`` (or ``answer`` with entry
  ``no-legal-advice``) and the no-legal-advice notice;
* ``emergency`` passes with decision ``emergency``;
* ``handoff`` passes with decision ``handoff``; a ``clarify`` is counted apart.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from bot.answering.assistant import Assistant
from bot.answering.compose import NO_LEGAL_ADVICE_ENTRY
from bot.answering.outcome import Decision, Incoming, Notice, Outcome
from bot.config import Settings

__all__ = ["Case", "Scored", "load_cases", "report", "run", "score_case", "summary"]

EXPECTS = ("answer", "handoff", "legal_referral", "emergency")


@dataclass(frozen=True, slots=True)
class Case:
    """One line of an evaluation file."""

    id: str
    city: str | None
    lang: str
    text: str
    expect: str
    entries: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Scored:
    """A case with the assistant's outcome and the verdict of the scoring rule."""

    case: Case
    outcome: Outcome
    passed: bool
    language_match: bool


def load_cases(path: Path) -> list[Case]:
    """Read an evaluation file (JSON lines)."""
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row: dict[str, Any] = json.loads(line)
        cases.append(Case(str(row["id"]), row.get("city"), row["lang"], row["text"],
                          row["expect"], tuple(row.get("entries") or ())))
    return cases


def score_case(case: Case, outcome: Outcome) -> bool:
    """Apply the scoring rule to one outcome."""
    decision = outcome.decision
    carries_notice = Notice.NO_LEGAL_ADVICE in outcome.notices
    if case.expect == "answer":
        if decision is Decision.ANSWER and outcome.entry_id in case.entries:
            return True
        return (NO_LEGAL_ADVICE_ENTRY in case.entries and decision is Decision.LEGAL_REFERRAL
                and carries_notice)
    if case.expect == "legal_referral":
        referral = decision is Decision.LEGAL_REFERRAL or (
            decision is Decision.ANSWER and outcome.entry_id == NO_LEGAL_ADVICE_ENTRY)
        return referral and carries_notice
    if case.expect == "emergency":
        return decision is Decision.EMERGENCY
    return decision is Decision.HANDOFF


def evaluate(assistant: Assistant, cases: Iterable[Case]) -> list[Scored]:
    """Run every case through the assistant and score it."""
    scored = []
    for case in cases:
        outcome = assistant.answer(Incoming(text=case.text, city=case.city))
        scored.append(Scored(case, outcome, score_case(case, outcome),
                             outcome.language == case.lang))
    return scored


def _rate(passed: int, total: int) -> str:
    return f"{passed:>3}/{total:<3} {100 * passed / total:5.1f} %" if total else "   -"


def summary(scored: list[Scored]) -> dict[str, float]:
    """Return the headline figures the project's targets are stated in (0..1)."""
    def share(items: list[Scored], predicate: Any) -> float:
        return sum(1 for s in items if predicate(s)) / len(items) if items else 0.0

    answer = [s for s in scored if s.case.expect == "answer"]
    handoff = [s for s in scored if s.case.expect == "handoff"]
    guarded = [s for s in scored if s.case.expect in ("legal_referral", "emergency")]
    return {
        "overall": share(scored, lambda s: s.passed),
        "answer_correct": share(answer, lambda s: s.passed),
        "out_of_scope_answered": share(handoff, lambda s: s.outcome.decision is Decision.ANSWER),
        "out_of_scope_clarified": share(handoff,
                                        lambda s: s.outcome.decision is Decision.CLARIFY),
        "legal_and_emergency": share(guarded, lambda s: s.passed),
        "reply_language": share(scored, lambda s: s.language_match),
    }


def report(scored: list[Scored], out: TextIO, max_failures: int = 50) -> None:
    """Print the tables per expectation and language, the headline figures and failures."""
    print(f"{'expect':<16}{'passed':>16}{'clarify':>9}", file=out)
    for expect in EXPECTS:
        rows = [s for s in scored if s.case.expect == expect]
        clarified = sum(1 for s in rows if s.outcome.decision is Decision.CLARIFY)
        print(f"{expect:<16}{_rate(sum(s.passed for s in rows), len(rows)):>16}{clarified:>9}",
              file=out)
    print(f"{'all':<16}{_rate(sum(s.passed for s in scored), len(scored)):>16}", file=out)
    print(file=out)
    print(f"{'lang':<6}{'passed':>16}{'reply language':>20}", file=out)
    by_language: dict[str, list[Scored]] = defaultdict(list)
    for s in scored:
        by_language[s.case.lang].append(s)
    for lang, rows in sorted(by_language.items()):
        print(f"{lang:<6}{_rate(sum(s.passed for s in rows), len(rows)):>16}"
              f"{_rate(sum(s.language_match for s in rows), len(rows)):>20}", file=out)
    print(file=out)
    figures = summary(scored)
    print("answer questions answered with a correct entry: "
          f"{100 * figures['answer_correct']:.1f} %  (target >= 90 %)", file=out)
    print("out-of-scope questions answered instead of handed off: "
          f"{100 * figures['out_of_scope_answered']:.1f} %  (target <= 5 %; clarified: "
          f"{100 * figures['out_of_scope_clarified']:.1f} %)", file=out)
    print("legal and emergency questions handled as such: "
          f"{100 * figures['legal_and_emergency']:.1f} %  (target 100 %)", file=out)
    print(f"replies in the question's language: {100 * figures['reply_language']:.1f} %  "
          "(target >= 97 %)", file=out)
    failures = [s for s in scored if not s.passed or not s.language_match]
    if failures:
        print(f"\nfailures ({len(failures)}):", file=out)
    for s in failures[:max_failures]:
        got = s.outcome.decision.value + (f" {s.outcome.entry_id}" if s.outcome.entry_id else "")
        want = s.case.expect + (f" {'/'.join(s.case.entries)}" if s.case.entries else "")
        lang = "" if s.language_match else f" [replied in {s.outcome.language}]"
        print(f"  {s.case.id} {s.case.lang} want {want}; got {got} "
              f"(score {s.outcome.score:.2f}, top {', '.join(s.outcome.candidates)}){lang}",
              file=out)
        print(f"      {s.case.text[:110]}", file=out)


def run(settings: Settings, path: Path, *, max_failures: int = 50,
        out: TextIO | None = None) -> int:
    """Score the assistant built from ``settings`` on the file at ``path``."""
    from bot.runtime import build_runtime

    assistant = build_runtime(settings).assistant
    report(evaluate(assistant, load_cases(path)), out or sys.stdout, max_failures)
    return 0
