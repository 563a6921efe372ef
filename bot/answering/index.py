"""The search index over a knowledge base: vectors and a fuzzy token index, built once.

The index is an immutable value. Building it needs an embedding function (usually the
on-disk cache in front of the model); answering with it needs none but the query's vector.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from bot.answering.embedder import Vectors
from bot.answering.guards import GuardData
from bot.answering.language import Vocabulary
from bot.answering.normalise import tokens
from bot.kb.model import Entry, KnowledgeBase

__all__ = ["EmbedFunction", "KnowledgeIndex", "LexicalIndex", "build_index"]

EmbedFunction = Callable[[Sequence[str], Literal["query", "passage"]], Vectors]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]
MAX_ANSWER_CHARS = 1500


@dataclass(frozen=True, slots=True)
class LexicalIndex:
    """Token postings per language: which entries use a word in their phrasings and title.

    Attributes:
        vocabulary: the distinct folded tokens, in a fixed order.
        entries: for each token, the entry numbers that use it.
        idf: for each token, its inverse document frequency over entries.
    """

    vocabulary: tuple[str, ...]
    entries: tuple[IntArray, ...]
    idf: FloatArray
    position: dict[str, int]

    @classmethod
    def build(cls, texts_by_entry: Sequence[Sequence[str]]) -> LexicalIndex:
        """Index ``texts_by_entry[i]``, the texts of entry number ``i``."""
        postings: dict[str, set[int]] = {}
        for number, texts in enumerate(texts_by_entry):
            for text in texts:
                for word in tokens(text):
                    postings.setdefault(word, set()).add(number)
        vocabulary = tuple(sorted(postings))
        total = max(1, len(texts_by_entry))
        idf = np.array(
            [math.log(1 + total / len(postings[w])) for w in vocabulary], dtype=np.float32
        )
        return cls(
            vocabulary,
            tuple(np.array(sorted(postings[w]), dtype=np.int64) for w in vocabulary),
            idf,
            {w: i for i, w in enumerate(vocabulary)},
        )


@dataclass(frozen=True, slots=True)
class KnowledgeIndex:
    """Everything retrieval needs, precomputed from a knowledge base.

    Vectors of question phrasings (all languages) and of answers are stacked in matrices,
    with a parallel array saying which entry each row belongs to.
    """

    knowledge: KnowledgeBase
    entries: tuple[Entry, ...]
    question_vectors: Vectors
    question_entry: IntArray
    answer_vectors: Vectors
    answer_entry: IntArray
    lexical: dict[str, LexicalIndex]
    not_covered_vectors: Vectors
    guard_vectors: dict[str, Vectors]
    vocabulary: Vocabulary
    max_idf: float
    city_masks: dict[str, npt.NDArray[np.bool_]]

    @property
    def size(self) -> int:
        """The number of entries."""
        return len(self.entries)

    def city_mask(self, city: str) -> npt.NDArray[np.bool_]:
        """Return which entries apply to ``city`` (its own and the ``nrw`` ones)."""
        mask = self.city_masks.get(city)
        if mask is None:
            mask = np.array([e.applies_to(city) for e in self.entries], dtype=bool)
        return mask


def _answer_passage(entry: Entry, language: str) -> str:
    version = entry.translations[language]
    text = f"{version.title}. {version.answer}" if version.title else version.answer
    return text[:MAX_ANSWER_CHARS]


def build_index(
    knowledge: KnowledgeBase,
    embed: EmbedFunction,
    guard_examples: Sequence[GuardData] = (),
    extra_vocabulary: dict[str, list[str]] | None = None,
) -> KnowledgeIndex:
    """Embed and index ``knowledge``.

    Args:
        knowledge: the loaded knowledge base.
        embed: returns vectors for texts; ``"query"`` for questions, ``"passage"`` for answers.
        guard_examples: guard data whose ``examples`` and ``contrast`` sections are embedded
            for the semantic guard check.
        extra_vocabulary: more texts per language for language detection (interface texts).
    """
    entries = knowledge.entries
    question_texts: list[str] = []
    question_entry: list[int] = []
    answer_texts: list[str] = []
    answer_entry: list[int] = []
    lexical_texts: dict[str, list[list[str]]] = {}
    vocabulary_texts = {k: list(v) for k, v in (extra_vocabulary or {}).items()}
    for number, entry in enumerate(entries):
        for language, version in entry.translations.items():
            for question in version.questions:
                question_texts.append(question)
                question_entry.append(number)
            if version.answer:
                answer_texts.append(_answer_passage(entry, language))
                answer_entry.append(number)
            per_language = lexical_texts.setdefault(language, [[] for _ in entries])
            per_language[number].extend(version.questions)
            per_language[number].append(version.title)
            if not version.questions:
                per_language[number].append(version.answer)
            vocabulary_texts.setdefault(language, []).extend(
                [*version.questions, version.title, version.answer]
            )
    not_covered = [
        question
        for theme in knowledge.not_covered
        for questions in theme.questions.values()
        for question in questions
    ]
    guard_vectors: dict[str, Vectors] = {}
    for data in guard_examples:
        for section in ("examples", "contrast"):
            texts = list(data.phrases(section))
            guard_vectors[f"{data.name}.{section}"] = embed(texts, "query")
    lexical = {lang: LexicalIndex.build(texts) for lang, texts in lexical_texts.items()}
    max_idf = max((float(ix.idf.max()) for ix in lexical.values() if len(ix.idf)), default=1.0)
    return KnowledgeIndex(
        knowledge=knowledge,
        entries=entries,
        question_vectors=embed(question_texts, "query"),
        question_entry=np.array(question_entry, dtype=np.int64),
        answer_vectors=embed(answer_texts, "passage"),
        answer_entry=np.array(answer_entry, dtype=np.int64),
        lexical=lexical,
        not_covered_vectors=embed(not_covered, "query"),
        guard_vectors=guard_vectors,
        vocabulary=Vocabulary(vocabulary_texts),
        max_idf=max_idf,
        city_masks={
            city: np.array([e.applies_to(city) for e in entries], dtype=bool)
            for city in {e.city for e in entries} | {"krefeld", "essen"}
        },
    )
