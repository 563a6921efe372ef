"""The decision policy: from guard hits and retrieval scores to one explicit decision.

Order matters and is deliberate:

1. emergency (a person in danger gets the numbers, whatever else the message says);
2. legal advice (the assistant must not appear to assess a personal legal case);
3. a request for a person;
   (explicit phrases first; then the semantic net: close to emergency, then legal examples)
4. a message in a language the assistant does not speak;
5. a known not-covered question (housing, Jobcenter money ...) that beats every entry;
6. retrieval: answer when the best entry is confident and clearly ahead, clarify when a few
   entries are close, hand off when nothing fits.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.answering.guards import GuardHit, GuardKind
from bot.answering.outcome import Decision
from bot.answering.retrieval import Candidate, Retrieval
from bot.answering.settings import MatchSettings
from bot.kb.model import Entry

__all__ = ["Verdict", "decide", "semantic_guard"]

MAX_CHOICES = 3


@dataclass(frozen=True, slots=True)
class Verdict:
    """The decision with what it rests on."""

    decision: Decision
    reason: str
    entry: Entry | None = None
    choices: tuple[Entry, ...] = ()


def semantic_guard(retrieval: Retrieval, guard: str, threshold: float, margin: float) -> bool:
    """Return True when the message is close to ``guard``'s examples and not to its contrasts.

    The examples must beat the contrasts by ``margin`` and be at least as close as the best
    knowledge-base entry, so an ordinary question that happens to share words with an
    emergency ("health office") is not taken for one.
    """
    similarity = retrieval.guard_similarity.get(f"{guard}.examples", 0.0)
    contrast = retrieval.guard_similarity.get(f"{guard}.contrast", 0.0)
    best = retrieval.best
    best_entry = best.semantic if best is not None else 0.0
    return similarity >= threshold and similarity >= contrast + margin and similarity >= best_entry


def _close_to_best(candidates: tuple[Candidate, ...], settings: MatchSettings) -> tuple[Entry, ...]:
    """The candidates whose fused score is within ``clarify_margin`` of the best one."""
    best = candidates[0].fused
    close = [
        c.entry
        for c in candidates
        if c.confidence >= settings.clarify_threshold
        and best - c.fused < settings.clarify_margin
    ]
    return tuple(close[:MAX_CHOICES])


def decide(
    *,
    has_content: bool,
    guard_hits: tuple[GuardHit, ...],
    unsupported_language: str | None,
    retrieval: Retrieval,
    settings: MatchSettings,
) -> Verdict:
    """Choose what to do with one message (see the module docstring for the order)."""
    if not has_content:
        return Verdict(Decision.CLARIFY, "empty")
    kinds = {hit.kind for hit in guard_hits}
    if GuardKind.EMERGENCY in kinds:
        return Verdict(Decision.EMERGENCY, "guard:emergency")
    if GuardKind.LEGAL in kinds:
        return Verdict(Decision.LEGAL_REFERRAL, "guard:legal")
    if GuardKind.HUMAN in kinds:
        return Verdict(Decision.HANDOFF, "human_requested")
    if semantic_guard(retrieval, "emergency", settings.emergency_similarity,
                      settings.guard_margin):
        return Verdict(Decision.EMERGENCY, "guard:emergency:semantic")
    if semantic_guard(retrieval, "legal", settings.legal_similarity, settings.guard_margin):
        return Verdict(Decision.LEGAL_REFERRAL, "guard:legal:semantic")
    if unsupported_language:
        return Verdict(Decision.HANDOFF, "unsupported_language")
    best = retrieval.best
    if best is None:
        return Verdict(Decision.HANDOFF, "no_match")
    if retrieval.not_covered >= best.fused + settings.not_covered_margin:
        return Verdict(Decision.HANDOFF, "not_covered")
    if best.confidence < settings.clarify_threshold:
        return Verdict(Decision.HANDOFF, "no_match")
    close = _close_to_best(retrieval.candidates, settings)
    if len(close) >= 2:
        return Verdict(Decision.CLARIFY, "close_candidates", choices=close)
    if best.confidence >= settings.answer_threshold:
        return Verdict(Decision.ANSWER, "match", entry=best.entry)
    return Verdict(Decision.HANDOFF, "low_confidence")
