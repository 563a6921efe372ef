"""Hybrid retrieval: fuzzy lexical and semantic scores per entry, fused into one confidence.

Lexical: every word of the message is matched, exactly or fuzzily (rapidfuzz), against the
words of the entries' question phrasings and titles in the message's language and in
German and English; an entry scores the IDF-weighted share of the message's words it
covers. Unknown words count against every entry, so a message about something the
knowledge base never mentions scores low everywhere.

Semantic: the message's e5 vector against every question phrasing (all languages) and every
answer; an entry scores its best phrasing, or its best answer plus a small offset (answers
are long passages and score lower than question-to-question pairs).

Fusion: a weighted sum of the two, mapped through a logistic function to a 0..1 confidence.
The weights and the logistic's centre and slope are settings (see :class:`MatchSettings`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from bot.answering.embedder import Vectors
from bot.answering.index import FloatArray, IntArray, KnowledgeIndex, LexicalIndex, SearchSpace
from bot.answering.settings import MatchSettings
from bot.kb.model import Entry

__all__ = ["Candidate", "Retrieval", "retrieve"]

MAX_QUERY_TOKENS = 40
FUZZY_MIN_LENGTH = 4
FUZZY_CUTOFF = 82.0


@dataclass(frozen=True, slots=True)
class Candidate:
    """An entry with its scores for one message."""

    entry: Entry
    confidence: float
    fused: float
    semantic: float
    lexical: float


@dataclass(frozen=True, slots=True)
class Retrieval:
    """Ranked candidates and the side signals the decision policy reads.

    Attributes:
        candidates: the best entries, highest confidence first.
        not_covered: fused score of the closest known not-covered theme (-inf if none),
            on the same scale as the candidates' ``fused``.
        guard_similarity: per guard section (``emergency.examples`` ...), the mean of the
            three highest similarities to its examples.
        not_covered_theme: the name of that theme.
    """

    candidates: tuple[Candidate, ...]
    not_covered: float
    guard_similarity: dict[str, float]
    not_covered_theme: str = ""

    @property
    def best(self) -> Candidate | None:
        """The top candidate, if any."""
        return self.candidates[0] if self.candidates else None


def _per_entry_max(values: FloatArray, owners: IntArray, size: int) -> FloatArray:
    best = np.full(size, -1.0, dtype=np.float32)
    if len(values):
        np.maximum.at(best, owners, values)
    return best


def _top_mean(similarities: FloatArray, k: int = 3) -> float:
    if not len(similarities):
        return 0.0
    k = min(k, len(similarities))
    return float(np.mean(np.partition(similarities, -k)[-k:]))


def _token_weights(index: LexicalIndex, words: list[str]) -> list[dict[int, float]]:
    """For each message word, the vocabulary positions it matches and how well (0..1)."""
    matches: list[dict[int, float]] = [{} for _ in words]
    fuzzy_words: list[int] = []
    for n, word in enumerate(words):
        exact = index.position.get(word)
        if exact is not None:
            matches[n][exact] = 1.0
        elif len(word) >= FUZZY_MIN_LENGTH:
            fuzzy_words.append(n)
    if fuzzy_words and index.vocabulary:
        scores = process.cdist(
            [words[n] for n in fuzzy_words],
            index.vocabulary,
            scorer=fuzz.ratio,
            score_cutoff=FUZZY_CUTOFF,
            dtype=np.uint8,
        )
        for row, n in enumerate(fuzzy_words):
            for position in np.flatnonzero(scores[row]):
                matches[n][int(position)] = (float(scores[row, position]) / 100.0) ** 3
    return matches


def lexical_scores(
    index: SearchSpace, words: list[str], languages: tuple[str, ...]
) -> FloatArray:
    """Return, per item, the IDF-weighted share of ``words`` its phrasings cover (0..1)."""
    size = index.size
    if not words or not size:
        return np.zeros(size, dtype=np.float32)
    words = list(dict.fromkeys(words))[:MAX_QUERY_TOKENS]
    covered = np.zeros((len(words), size), dtype=np.float32)
    reference = np.full(len(words), index.max_idf, dtype=np.float32)
    for language in languages:
        lexical = index.lexical.get(language)
        if lexical is None:
            continue
        for n, matched in enumerate(_token_weights(lexical, words)):
            for position, weight in matched.items():
                idf = float(lexical.idf[position])
                if weight == 1.0:
                    reference[n] = min(reference[n], idf)
                owners = lexical.entries[position]
                covered[n, owners] = np.maximum(covered[n, owners], weight * idf)
    # A word that matches an entry better than its own reference weight counts fully.
    covered = np.minimum(covered, reference[:, None])
    total = float(reference.sum())
    sums: FloatArray = covered.sum(axis=0).astype(np.float32)
    return sums / np.float32(total) if total else sums


def _per_entry_top_mean(values: FloatArray, owners: IntArray, size: int, k: int) -> FloatArray:
    """Mean of each owner's ``k`` highest values (of all it has, if fewer); -1 if none."""
    if not len(values):
        return np.full(size, -1.0, dtype=np.float32)
    order = np.lexsort((values, owners))
    ranked = values[order]
    counts = np.bincount(owners, minlength=size)
    ends = np.cumsum(counts)
    total = np.zeros(size, dtype=np.float32)
    for j in range(k):
        present = counts > j
        total[present] += ranked[ends[present] - 1 - j]
    taken = np.minimum(counts, k)
    return np.where(taken > 0, total / np.maximum(taken, 1), -1.0).astype(np.float32)


def semantic_scores(
    index: SearchSpace, query: Vectors, settings: MatchSettings
) -> FloatArray:
    """Return, per item, the mean of its best question similarities (``settings.top_k``),
    or its best answer similarity plus an offset, whichever is higher.

    Averaging the few best phrasings rewards an entry that several phrasings support over
    one that a single phrasing resembles by chance.
    """
    size = index.size
    question = _per_entry_top_mean(
        index.question_vectors @ query, index.question_entry, size, settings.top_k
    )
    answer = _per_entry_max(index.answer_vectors @ query, index.answer_entry, size)
    answer = np.where(answer > -1.0, answer + settings.answer_offset, -1.0)
    return np.maximum(question, answer).astype(np.float32)


def fuse(semantic: FloatArray, lexical: FloatArray, settings: MatchSettings) -> FloatArray:
    """Combine the two scores into one fused score (about 0..1, unbounded below)."""
    scaled = (semantic - settings.semantic_floor) / (1.0 - settings.semantic_floor)
    fused: FloatArray = (
        settings.semantic_weight * scaled + settings.lexical_weight * lexical
    ).astype(np.float32)
    return fused


def calibrate(fused: FloatArray, settings: MatchSettings) -> FloatArray:
    """Map fused scores to a 0..1 confidence (logistic, centred on ``settings.centre``)."""
    confidence: FloatArray = (
        1.0 / (1.0 + np.exp(-settings.slope * (fused - settings.centre)))
    ).astype(np.float32)
    return confidence


def fused_scores(
    space: SearchSpace,
    query: Vectors,
    words: list[str],
    languages: tuple[str, ...],
    settings: MatchSettings,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return (fused, semantic, lexical) scores of every item of ``space``."""
    semantic = semantic_scores(space, query, settings)
    lexical = lexical_scores(space, words, languages)
    return fuse(semantic, lexical, settings), semantic, lexical


def retrieve(
    index: KnowledgeIndex,
    query: Vectors,
    words: list[str],
    language: str,
    city: str | None,
    settings: MatchSettings,
    limit: int = 5,
) -> Retrieval:
    """Rank the entries valid for ``city`` against one message.

    Args:
        index: the knowledge index.
        query: the message's vector (``query:`` prefix).
        words: the message's matching-key tokens.
        language: the detected language; its phrasings count lexically with de and en.
        city: the person's city, or None for all entries.
        settings: weights and calibration.
        limit: how many candidates to return.
    """
    guard_similarity = {
        name: _top_mean(vectors @ query) for name, vectors in index.guard_vectors.items()
    }
    languages = tuple(dict.fromkeys((language, "de", "en")))
    not_covered, theme = -math.inf, ""
    if index.themes.size:
        theme_scores, _, _ = fused_scores(index.themes, query, words, languages, settings)
        best_theme = int(np.argmax(theme_scores))
        not_covered, theme = float(theme_scores[best_theme]), index.theme_names[best_theme]
    if not index.size:
        return Retrieval((), not_covered, guard_similarity, theme)
    fused, semantic, lexical = fused_scores(index.space, query, words, languages, settings)
    ranking = fused if city is None else np.where(index.city_mask(city), fused, -np.inf)
    order = np.argsort(-ranking, kind="stable")[:limit]
    confidence = calibrate(fused, settings)
    candidates = tuple(
        Candidate(index.entries[i], float(confidence[i]), float(fused[i]), float(semantic[i]),
                  float(lexical[i]))
        for i in order
        if math.isfinite(float(ranking[i]))
    )
    return Retrieval(candidates, not_covered, guard_similarity, theme)
