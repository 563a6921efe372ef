"""The search index over a knowledge base: vectors and a fuzzy token index, built once.

The index is an immutable value. Building it needs an embedding function (usually the
on-disk cache in front of the model); answering with it needs none but the query's vector.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from bot.answering.embedder import Vectors
from bot.answering.guards import GuardData
from bot.answering.language import Vocabulary
from bot.answering.normalise import tokens
from bot.kb.model import Entry, KnowledgeBase, NotCoveredTheme, Translation

__all__ = ["EmbedFunction", "KnowledgeIndex", "LexicalIndex", "SearchSpace", "build_index"]

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
class SearchSpace:
    """Vectors and lexical postings of a list of searchable items (entries, or themes).

    Vectors of question phrasings (all languages) and of answers are stacked in matrices,
    with a parallel array saying which item each row belongs to.
    """

    size: int
    question_vectors: Vectors
    question_entry: IntArray
    answer_vectors: Vectors
    answer_entry: IntArray
    lexical: dict[str, LexicalIndex]
    max_idf: float


@dataclass(frozen=True, slots=True)
class KnowledgeIndex:
    """Everything retrieval needs, precomputed from a knowledge base.

    Attributes:
        entries: the entries, in the order of ``space``.
        space: the entries' vectors and postings.
        themes: the not-covered themes' questions, searched the same way.
        theme_names: the themes' names, in the order of ``themes``.
        guard_vectors: vectors of guard examples and contrasts, by ``guard.section``.
        vocabulary: words unique to one language, for language detection.
    """

    knowledge: KnowledgeBase
    entries: tuple[Entry, ...]
    space: SearchSpace
    themes: SearchSpace
    theme_names: tuple[str, ...]
    guard_vectors: dict[str, Vectors]
    vocabulary: Vocabulary
    city_masks: dict[str, npt.NDArray[np.bool_]]

    @property
    def size(self) -> int:
        """The number of entries."""
        return len(self.entries)

    @property
    def dim(self) -> int:
        """The dimension of the vectors."""
        return int(self.space.question_vectors.shape[1])

    def city_mask(self, city: str) -> npt.NDArray[np.bool_]:
        """Return which entries apply to ``city`` (its own and the ``nrw`` ones)."""
        mask = self.city_masks.get(city)
        if mask is None:
            mask = np.array([e.applies_to(city) for e in self.entries], dtype=bool)
        return mask


def _answer_passage(version: Translation) -> str:
    text = f"{version.title}. {version.answer}" if version.title else version.answer
    return text[:MAX_ANSWER_CHARS]


def build_space(items: Sequence[Mapping[str, Translation]], embed: EmbedFunction) -> SearchSpace:
    """Embed and index items, each given as its language versions.

    An item's lexical texts are its question phrasings and title; an item without
    phrasings is found through its answer text.
    """
    question_texts: list[str] = []
    question_entry: list[int] = []
    answer_texts: list[str] = []
    answer_entry: list[int] = []
    lexical_texts: dict[str, list[list[str]]] = {}
    for number, versions in enumerate(items):
        for language, version in versions.items():
            question_texts.extend(version.questions)
            question_entry.extend([number] * len(version.questions))
            if version.answer:
                answer_texts.append(_answer_passage(version))
                answer_entry.append(number)
            per_language = lexical_texts.get(language)
            if per_language is None:
                per_language = lexical_texts[language] = [[] for _ in items]
            per_language[number].extend(version.questions)
            per_language[number].append(version.title)
            if not version.questions:
                per_language[number].append(version.answer)
    lexical = {lang: LexicalIndex.build(texts) for lang, texts in lexical_texts.items()}
    max_idf = max((float(ix.idf.max()) for ix in lexical.values() if len(ix.idf)), default=1.0)
    return SearchSpace(
        size=len(items),
        question_vectors=embed(question_texts, "query"),
        question_entry=np.array(question_entry, dtype=np.int64),
        answer_vectors=embed(answer_texts, "passage"),
        answer_entry=np.array(answer_entry, dtype=np.int64),
        lexical=lexical,
        max_idf=max_idf,
    )


def _theme_versions(theme: NotCoveredTheme) -> dict[str, Translation]:
    return {
        language: Translation(language, "draft", theme.theme, "", questions)
        for language, questions in theme.questions.items()
    }


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
    vocabulary_texts = {k: list(v) for k, v in (extra_vocabulary or {}).items()}
    for entry in entries:
        for language, version in entry.translations.items():
            vocabulary_texts.setdefault(language, []).extend(
                [*version.questions, version.title, version.answer]
            )
    guard_vectors: dict[str, Vectors] = {}
    for data in guard_examples:
        for section in ("examples", "contrast"):
            guard_vectors[f"{data.name}.{section}"] = embed(list(data.phrases(section)), "query")
    return KnowledgeIndex(
        knowledge=knowledge,
        entries=entries,
        space=build_space([e.translations for e in entries], embed),
        themes=build_space([_theme_versions(t) for t in knowledge.not_covered], embed),
        theme_names=tuple(t.theme for t in knowledge.not_covered),
        guard_vectors=guard_vectors,
        vocabulary=Vocabulary(vocabulary_texts),
        city_masks={
            city: np.array([e.applies_to(city) for e in entries], dtype=bool)
            for city in {e.city for e in entries} | {"krefeld", "essen"}
        },
    )
