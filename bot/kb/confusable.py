"""Find confusable entries: question phrasings of two different entries that are near-duplicates.

Two checks, because each misses what the other sees:

* lexical: the same words in (almost) the same order, after folding (rapidfuzz
  ``token_sort_ratio``), within one language;
* semantic: the same meaning in any language (e5 vectors, cosine similarity).

A pair found here means a person asking that question may get the other entry: make the
phrasings more specific, or merge the entries.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from bot.answering.embedder import Vectors
from bot.answering.normalise import matching_key
from bot.kb.model import Entry

__all__ = ["ConfusablePair", "Phrasing", "find_confusables"]

LEXICAL_THRESHOLD = 92.0
SEMANTIC_THRESHOLD = 0.965
CHUNK = 2048


@dataclass(frozen=True, slots=True)
class Phrasing:
    """One question phrasing and where it is."""

    entry_id: str
    language: str
    index: int
    text: str


@dataclass(frozen=True, slots=True)
class ConfusablePair:
    """Two phrasings of different entries that are too alike."""

    first: Phrasing
    second: Phrasing
    kind: str  # "lexical" or "semantic"
    similarity: float


def phrasings_of(entries: Sequence[Entry]) -> list[Phrasing]:
    """List every question phrasing of ``entries``."""
    return [
        Phrasing(entry.id, code, n, question)
        for entry in entries
        for code, version in entry.translations.items()
        for n, question in enumerate(version.questions)
    ]


def _lexical(phrasings: list[Phrasing]) -> list[ConfusablePair]:
    pairs: list[ConfusablePair] = []
    by_language: dict[str, list[Phrasing]] = {}
    for phrasing in phrasings:
        by_language.setdefault(phrasing.language, []).append(phrasing)
    for group in by_language.values():
        keys = [matching_key(p.text) for p in group]
        scores = process.cdist(keys, keys, scorer=fuzz.token_sort_ratio,
                               score_cutoff=LEXICAL_THRESHOLD, dtype=np.uint8)
        for i, j in zip(*np.nonzero(np.triu(scores, k=1)), strict=True):
            a, b = group[int(i)], group[int(j)]
            if a.entry_id != b.entry_id:
                pairs.append(ConfusablePair(a, b, "lexical", float(scores[i, j]) / 100))
    return pairs


def _semantic(phrasings: list[Phrasing], vectors: Vectors) -> list[ConfusablePair]:
    pairs: list[ConfusablePair] = []
    owners = np.array([p.entry_id for p in phrasings])
    for start in range(0, len(phrasings), CHUNK):
        block = vectors[start : start + CHUNK] @ vectors.T
        rows, cols = np.nonzero(block >= SEMANTIC_THRESHOLD)
        for row, col in zip(rows.tolist(), cols.tolist(), strict=True):
            i = start + row
            if col <= i or owners[i] == owners[col]:
                continue
            pairs.append(ConfusablePair(phrasings[i], phrasings[col], "semantic",
                                        float(block[row, col])))
    return pairs


def find_confusables(
    entries: Sequence[Entry],
    embed: Callable[[Sequence[str]], Vectors] | None,
) -> list[ConfusablePair]:
    """Return near-duplicate phrasings across different entries, most similar first.

    Args:
        entries: the loaded entries.
        embed: embeds question phrasings (``query:``); None skips the semantic check.
    """
    phrasings = phrasings_of(entries)
    pairs = _lexical(phrasings)
    if embed is not None and phrasings:
        lexical_seen = {(p.first, p.second) for p in pairs}
        pairs += [
            p for p in _semantic(phrasings, embed([p.text for p in phrasings]))
            if (p.first, p.second) not in lexical_seen
        ]
    return sorted(pairs, key=lambda p: p.similarity, reverse=True)
