"""Matching and decision thresholds, with documented defaults.

The defaults were chosen from measurements (``benchmarks/quality.py`` and
``wegweiser eval``) on the starter knowledge base; the closing note of each change that
moves them says why. Every value can be overridden from the environment
(``WEGWEISER_MATCH_<NAME>``, see :mod:`bot.config`).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MatchSettings"]


@dataclass(frozen=True, slots=True)
class MatchSettings:
    """Weights, calibration and decision thresholds.

    Attributes:
        semantic_floor: e5 cosine similarity treated as "no relation" (e5 similarities of
            unrelated texts sit around 0.7-0.8; the scale starts here).
        semantic_weight: weight of the rescaled semantic score in the fused score.
        lexical_weight: weight of the lexical coverage (0..1) in the fused score.
        answer_offset: added to answer-passage similarity (passages score lower than
            question-to-question pairs for the same fit).
        centre: fused score that maps to confidence 0.5.
        slope: steepness of the logistic mapping from fused score to confidence.
        answer_threshold: minimum confidence to answer.
        clarify_threshold: minimum confidence for an entry to be offered as a choice.
        clarify_margin: the top entry must lead the next one by this much confidence to be
            answered directly; otherwise the close ones are offered (clarify).
        not_covered_margin: hand off when a known not-covered question is at least this
            much more similar (cosine) than the best entry's best phrasing.
        emergency_similarity: semantic emergency check: top-3 mean similarity to emergency
            examples that counts as an emergency when it also beats the contrasts.
        legal_similarity: the same for requests for legal advice.
        guard_margin: how much the guard examples must beat the contrasts and the best
            entry for the semantic check to fire.
    """

    semantic_floor: float = 0.78
    semantic_weight: float = 0.75
    lexical_weight: float = 0.25
    answer_offset: float = 0.03
    centre: float = 0.45
    slope: float = 10.0
    answer_threshold: float = 0.55
    clarify_threshold: float = 0.35
    clarify_margin: float = 0.06
    not_covered_margin: float = 0.0
    emergency_similarity: float = 0.90
    legal_similarity: float = 0.90
    guard_margin: float = 0.02
