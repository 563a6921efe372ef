"""Matching and decision thresholds, with documented defaults.

The defaults were chosen from measurements (``benchmarks/quality.py`` and
``wegweiser eval``) on the starter knowledge base; the closing note of each change that
moves them says why. Every value can be overridden from the environment
(``WEGWEISER_MATCH__<NAME>``, two underscores, e.g.
``WEGWEISER_MATCH__ANSWER_THRESHOLD=0.6``; see :mod:`bot.config`).
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
        top_k: how many of an entry's most similar phrasings are averaged.
        centre: fused score that maps to confidence 0.5.
        slope: steepness of the logistic mapping from fused score to confidence.
        answer_threshold: minimum confidence to answer.
        clarify_threshold: minimum confidence for an entry to be offered as a choice.
        clarify_margin: the top entry must lead the next one by this much fused score to
            be answered directly; otherwise the close ones are offered (clarify).
        not_covered_margin: hand off when a known not-covered theme's fused score is at
            least the best entry's fused score plus this (negative: hand off even when the
            theme is slightly behind).
        emergency_similarity: semantic emergency check: top-3 mean similarity to emergency
            examples that counts as an emergency when it also beats the contrasts.
        legal_similarity: the same for requests for legal advice.
        guard_margin: how much the guard examples must beat the contrasts for the
            semantic check to fire (they must also be at least as close as the best entry).
    """

    semantic_floor: float = 0.82
    semantic_weight: float = 0.7
    lexical_weight: float = 0.3
    answer_offset: float = 0.03
    top_k: int = 3
    centre: float = 0.36
    slope: float = 12.0
    answer_threshold: float = 0.5
    clarify_threshold: float = 0.35
    clarify_margin: float = 0.01
    not_covered_margin: float = -0.05
    emergency_similarity: float = 0.90
    legal_similarity: float = 0.88
    guard_margin: float = 0.02
