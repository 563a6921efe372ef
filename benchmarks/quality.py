"""Answer quality of the hybrid matcher against three baselines, measured in one run.

For each evaluation file (default: the development set) every matcher ranks the knowledge
base's entries for every message (same city filter, same knowledge base):

* ``hybrid``      the assistant's fused lexical + semantic score;
* ``rapidfuzz``   the best rapidfuzz ``token_set_ratio`` between the message and any
                  phrasing (the best of rapidfuzz's scorers here: ``WRatio``, ``ratio``,
                  ``token_sort_ratio`` and ``partial_token_sort_ratio`` all ranked worse);
* ``bm25``        BM25 (bm25s) over each entry's phrasings, title and answer, all languages;
* ``embeddings``  the assistant's semantic score alone (multilingual-e5-small).

Reported per matcher: top-1 accuracy on ``answer`` lines, and the share of ``answer`` lines
answered correctly at the threshold where at most 5 % of ``handoff`` lines would be answered
(the threshold is chosen on the same file, which flatters every matcher equally). The full
pipeline's pass rates (guards and decision policy included) come from ``wegweiser eval``.

Run: ``python -m benchmarks.quality [FILE.jsonl ...]``
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np
from rapidfuzz import fuzz, process

from bot.answering.assistant import Assistant
from bot.answering.normalise import clean_text, matching_key, tokens
from bot.answering.retrieval import fused_scores, semantic_scores
from bot.config import load_settings
from bot.evaluation import Case, load_cases
from bot.runtime import build_runtime

DEV = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "eval" / "dev.jsonl"
MAX_OUT_OF_SCOPE_ANSWERED = 0.05
Scorer = Callable[[Case], np.ndarray]


@dataclass(frozen=True, slots=True)
class Ranked:
    """One message's best entry under one matcher."""

    case: Case
    best_id: str
    best_score: float


def _phrasings(assistant: Assistant) -> tuple[list[str], np.ndarray]:
    texts, owners = [], []
    for number, entry in enumerate(assistant.index.entries):
        for version in entry.translations.values():
            for text in version.questions or (version.answer,):
                texts.append(matching_key(text))
                owners.append(number)
    return texts, np.array(owners)


def make_scorers(assistant: Assistant) -> dict[str, Scorer]:
    """Build the four matchers over the assistant's knowledge base."""
    index = assistant.index
    settings = assistant.settings
    size = index.size
    phrasings, owners = _phrasings(assistant)
    corpus = [
        [word for v in entry.translations.values()
         for word in tokens(" ".join([*v.questions, v.title, v.answer]))]
        for entry in index.entries
    ]
    bm25 = bm25s.BM25()
    bm25.index([c or ["_"] for c in corpus], show_progress=False)

    def language_of(case: Case) -> str:
        return assistant.identifier.detect(clean_text(case.text)).language

    def vector(case: Case) -> np.ndarray:
        return assistant.embed_query(clean_text(case.text)[:2000])

    def hybrid(case: Case) -> np.ndarray:
        languages = tuple(dict.fromkeys((language_of(case), "de", "en")))
        key = matching_key(clean_text(case.text)[:2000])
        fused, _, _ = fused_scores(index.space, vector(case), key.split(), languages, settings)
        return fused

    def rapid(case: Case) -> np.ndarray:
        key = matching_key(clean_text(case.text)[:2000])
        scores = process.cdist([key], phrasings, scorer=fuzz.token_set_ratio)[0]
        best = np.zeros(size, dtype=np.float32)
        np.maximum.at(best, owners, scores.astype(np.float32))
        return best / 100.0

    def bm25_scores(case: Case) -> np.ndarray:
        words = tokens(clean_text(case.text)[:2000]) or ["_"]
        return np.asarray(bm25.get_scores(words), dtype=np.float32)

    def embeddings(case: Case) -> np.ndarray:
        return semantic_scores(index.space, vector(case), settings)

    return {"hybrid": hybrid, "rapidfuzz": rapid, "bm25": bm25_scores, "embeddings": embeddings}


def rank(assistant: Assistant, cases: list[Case], scorer: Scorer) -> list[Ranked]:
    """Return each case's best entry (within the case's city) under ``scorer``."""
    ranked = []
    for case in cases:
        scores = scorer(case)
        if case.city:
            scores = np.where(assistant.index.city_mask(case.city), scores, -np.inf)
        best = int(np.argmax(scores))
        ranked.append(Ranked(case, assistant.index.entries[best].id, float(scores[best])))
    return ranked


def measure(ranked: list[Ranked]) -> tuple[float, float, float]:
    """Return (top-1 accuracy, accuracy at <=5 % out-of-scope answered, that threshold)."""
    answers = [r for r in ranked if r.case.expect == "answer"]
    out_of_scope = sorted((r.best_score for r in ranked if r.case.expect == "handoff"),
                          reverse=True)
    top1 = sum(r.best_id in r.case.entries for r in answers) / len(answers)
    allowed = int(MAX_OUT_OF_SCOPE_ANSWERED * len(out_of_scope))
    threshold = out_of_scope[allowed] if out_of_scope else -np.inf
    at_threshold = sum(r.best_id in r.case.entries and r.best_score > threshold
                       for r in answers) / len(answers)
    return top1, at_threshold, float(threshold)


def main(argv: list[str] | None = None) -> int:
    """Print the comparison table for each evaluation file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", type=Path, default=[DEV])
    args = parser.parse_args(argv)
    assistant = build_runtime(load_settings(), progress=None).assistant
    scorers = make_scorers(assistant)
    for path in args.files:
        cases = load_cases(path)
        print(f"\n{path.name}: {sum(c.expect == 'answer' for c in cases)} answer lines, "
              f"{sum(c.expect == 'handoff' for c in cases)} handoff lines")
        print(f"{'matcher':<12}{'top-1':>8}{'at <=5% OOS':>14}{'threshold':>11}")
        for name, scorer in scorers.items():
            top1, at_threshold, threshold = measure(rank(assistant, cases, scorer))
            print(f"{name:<12}{100 * top1:>7.1f}%{100 * at_threshold:>13.1f}%{threshold:>11.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
