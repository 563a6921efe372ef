"""The decision policy, on hand-made retrieval results (no model, no knowledge files)."""

from __future__ import annotations

import datetime as dt
import math
from types import MappingProxyType

from bot.answering.decide import decide
from bot.answering.guards import GuardHit, GuardKind
from bot.answering.outcome import Decision
from bot.answering.retrieval import Candidate, Retrieval
from bot.answering.settings import MatchSettings
from bot.kb.model import Entry, Translation

SETTINGS = MatchSettings()


def entry(entry_id: str) -> Entry:
    version = Translation("de", "draft", entry_id, f"Antwort {entry_id}", ("Frage?",))
    return Entry(entry_id, "nrw", "residents", "about", (), dt.date(2026, 1, 1),
                 MappingProxyType({"de": version}))


def candidate(entry_id: str, fused: float, semantic: float = 0.9) -> Candidate:
    confidence = 1 / (1 + 2.718281828 ** (-SETTINGS.slope * (fused - SETTINGS.centre)))
    return Candidate(entry(entry_id), confidence, fused, semantic, 0.5)


def retrieval(*candidates: Candidate, not_covered: float = -math.inf,
              guards: dict[str, float] | None = None) -> Retrieval:
    return Retrieval(tuple(candidates), not_covered, guards or {})


def decide_on(result: Retrieval, *hits: GuardHit, unsupported: str | None = None,
              has_content: bool = True) -> Decision:
    return decide(has_content=has_content, guard_hits=hits, unsupported_language=unsupported,
                  retrieval=result, settings=SETTINGS).decision


def test_clear_leader_is_answered() -> None:
    verdict = decide(has_content=True, guard_hits=(), unsupported_language=None,
                     retrieval=retrieval(candidate("a", 0.7), candidate("b", 0.5)),
                     settings=SETTINGS)
    assert verdict.decision is Decision.ANSWER
    assert verdict.entry is not None
    assert verdict.entry.id == "a"


def test_close_candidates_are_offered_as_choices() -> None:
    verdict = decide(has_content=True, guard_hits=(), unsupported_language=None,
                     retrieval=retrieval(candidate("a", 0.600), candidate("b", 0.597),
                                         candidate("c", 0.595), candidate("d", 0.2)),
                     settings=SETTINGS)
    assert verdict.decision is Decision.CLARIFY
    assert [e.id for e in verdict.choices] == ["a", "b", "c"]


def test_nothing_fitting_is_handed_off() -> None:
    assert decide_on(retrieval(candidate("a", 0.1), candidate("b", 0.05))) is Decision.HANDOFF


def test_known_not_covered_question_beats_a_plausible_entry() -> None:
    result = retrieval(candidate("a", 0.6, semantic=0.91), not_covered=0.95)
    assert decide_on(result) is Decision.HANDOFF


def test_emergency_guard_wins_over_everything() -> None:
    hits = (GuardHit(GuardKind.LEGAL, "x"), GuardHit(GuardKind.EMERGENCY, "y"))
    assert decide_on(retrieval(candidate("a", 0.9)), *hits) is Decision.EMERGENCY


def test_legal_guard_wins_over_a_good_entry() -> None:
    hit = GuardHit(GuardKind.LEGAL, "verklagen")
    assert decide_on(retrieval(candidate("a", 0.9)), hit) is Decision.LEGAL_REFERRAL


def test_semantic_emergency_needs_to_beat_contrasts_and_entries() -> None:
    close = {"emergency.examples": 0.95, "emergency.contrast": 0.90}
    assert decide_on(retrieval(candidate("a", 0.3, semantic=0.85), guards=close)) is (
        Decision.EMERGENCY)
    contrast_closer = {"emergency.examples": 0.95, "emergency.contrast": 0.96}
    assert decide_on(retrieval(candidate("a", 0.3, semantic=0.85), guards=contrast_closer)) is (
        Decision.HANDOFF)
    entry_closer = {"emergency.examples": 0.95, "emergency.contrast": 0.80}
    assert decide_on(retrieval(candidate("a", 0.8, semantic=0.97), guards=entry_closer)) is (
        Decision.ANSWER)


def test_request_for_a_person_is_handed_off() -> None:
    hit = GuardHit(GuardKind.HUMAN, "mit einem menschen")
    assert decide_on(retrieval(candidate("a", 0.9)), hit) is Decision.HANDOFF


def test_unsupported_language_is_handed_off_not_answered() -> None:
    assert decide_on(retrieval(candidate("a", 0.9)), unsupported="fr") is Decision.HANDOFF


def test_message_without_content_asks_for_a_question() -> None:
    assert decide_on(retrieval(), has_content=False) is Decision.CLARIFY


def test_empty_knowledge_base_hands_off() -> None:
    assert decide_on(retrieval()) is Decision.HANDOFF


def test_explicit_legal_phrase_beats_the_semantic_emergency_net() -> None:
    close = {"emergency.examples": 0.95, "emergency.contrast": 0.80}
    hit = GuardHit(GuardKind.LEGAL, "vermieter + darf")
    assert decide_on(retrieval(candidate("a", 0.3, semantic=0.85), guards=close), hit) is (
        Decision.LEGAL_REFERRAL)
