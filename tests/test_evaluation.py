"""The scoring rule of `wegweiser eval`, and the development set's figures as a regression check."""

from __future__ import annotations

import io
from pathlib import Path

from bot.answering.assistant import Assistant
from bot.answering.outcome import Decision, Notice, Outcome, Reply
from bot.evaluation import Case, evaluate, load_cases, report, score_case, summary

DEV = Path(__file__).resolve().parent / "fixtures" / "eval" / "dev.jsonl"


def outcome(decision: Decision, entry: str | None = None,
            notices: tuple[Notice, ...] = ()) -> Outcome:
    return Outcome(decision, Reply("de", False, "x"), "de", entry, (), 0.5, notices)


def case(expect: str, entries: tuple[str, ...] = ()) -> Case:
    return Case("t1", "krefeld", "de", "text", expect, entries)


def test_scoring_rule_follows_the_eval_readme() -> None:
    legal = (Notice.NO_LEGAL_ADVICE,)
    assert score_case(case("answer", ("a", "b")), outcome(Decision.ANSWER, "b"))
    assert not score_case(case("answer", ("a",)), outcome(Decision.CLARIFY))
    assert score_case(case("answer", ("no-legal-advice",)),
                      outcome(Decision.LEGAL_REFERRAL, notices=legal))
    assert not score_case(case("answer", ("no-legal-advice",)), outcome(Decision.LEGAL_REFERRAL))
    assert score_case(case("legal_referral"), outcome(Decision.ANSWER, "no-legal-advice", legal))
    assert not score_case(case("legal_referral"), outcome(Decision.LEGAL_REFERRAL))
    assert score_case(case("emergency"), outcome(Decision.EMERGENCY))
    assert score_case(case("handoff"), outcome(Decision.HANDOFF))
    assert not score_case(case("handoff"), outcome(Decision.CLARIFY))


def test_development_set_meets_the_quality_targets(real_assistant: Assistant) -> None:
    """Check the figures the project promises (a regression guard, not a tuning target)."""
    scored = evaluate(real_assistant, load_cases(DEV))
    figures = summary(scored)
    out = io.StringIO()
    report(scored, out)
    assert figures["answer_correct"] >= 0.90, out.getvalue()
    assert figures["out_of_scope_answered"] <= 0.05, out.getvalue()
    assert figures["legal_and_emergency"] == 1.0, out.getvalue()
    assert figures["reply_language"] >= 0.97, out.getvalue()
