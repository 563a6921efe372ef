"""``wegweiser kb check`` and ``wegweiser kb stats``: the editors' view of the knowledge base."""

from __future__ import annotations

import datetime as dt
import functools
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any, TextIO

from bot.config import Settings
from bot.kb.checks import check_entries
from bot.kb.confusable import ConfusablePair, Phrasing, find_confusables
from bot.kb.editing import OUTDATED, language_status
from bot.kb.loader import display_path, load_knowledge
from bot.kb.model import Entry, KnowledgeBase
from bot.kb.problems import Problem, Severity
from bot.kb.yaml_lines import LocatedYaml, YamlSyntaxError, load_located
from bot.languages import LANGUAGES, SUPPORTED

__all__ = ["check", "stats"]


@functools.lru_cache(maxsize=256)
def _located(path: Path) -> LocatedYaml | None:
    """Parse an entry file once, however many confusable pairs point into it."""
    try:
        return load_located(path.read_text(encoding="utf-8"))
    except (OSError, YamlSyntaxError):
        return None


def _question_line(entry: Entry, phrasing: Phrasing) -> int:
    located = _located(entry.path) if entry.path is not None else None
    if located is None:
        return 1
    return located.line_of("translations", phrasing.language, "questions", phrasing.index)


def _confusable_problems(knowledge: KnowledgeBase, pairs: list[ConfusablePair],
                         shown: dict[str, str]) -> list[Problem]:
    problems = []
    for pair in pairs:
        first = knowledge.get(pair.first.entry_id)
        second = knowledge.get(pair.second.entry_id)
        if first is None or second is None:
            continue
        how = "almost the same words as" if pair.kind == "lexical" else "almost the same meaning as"
        other = f"{shown[second.id]}:{_question_line(second, pair.second)}"
        problems.append(Problem(
            shown[first.id], _question_line(first, pair.first), Severity.WARNING,
            f"confusable entries: the {pair.first.language} question \"{pair.first.text}\" has "
            f"{how} \"{pair.second.text}\" of '{second.id}' ({other}); people may get the "
            f"wrong entry: make one of them more specific",
        ))
    return problems


def check(settings: Settings, *, confusables: bool = True, out: TextIO | None = None) -> int:
    """Validate the knowledge folder; print ``path:line: message`` lines; 1 on errors."""
    out = out or sys.stdout
    folder = settings.knowledge_dir
    result = load_knowledge(folder)
    knowledge = result.knowledge
    shown = {e.id: display_path(e.path, folder) if e.path else e.id for e in knowledge.entries}
    sources = folder / "sources"
    problems = list(result.problems)
    problems += check_entries(knowledge.entries, today=dt.datetime.now(tz=dt.UTC).date(),
                              sources=sources if sources.is_dir() else None, shown_as=shown)
    if confusables:
        from bot.answering.embedder import E5Embedder
        from bot.embedding_cache import CachedEmbedder
        from bot.runtime import tqdm_progress

        cached = CachedEmbedder(E5Embedder(settings.embedding_threads), settings.cache_dir,
                                tqdm_progress)
        pairs = find_confusables(knowledge.entries, lambda texts: cached.embed(texts, "query"))
        cached.save()
        problems += _confusable_problems(knowledge, pairs, shown)
    for problem in sorted(problems):
        print(problem.render(), file=out)
    errors = sum(p.severity is Severity.ERROR for p in problems)
    warnings = len(problems) - errors
    print(f"{len(knowledge.entries)} entries checked: {errors} error(s), {warnings} warning(s).",
          file=out)
    return 1 if errors else 0


def stats(settings: Settings, *, as_json: bool = False, out: TextIO | None = None) -> int:
    """Print entries per city and language coverage (or JSON for scripts)."""
    out = out or sys.stdout
    knowledge = load_knowledge(settings.knowledge_dir).knowledge
    rows: list[dict[str, Any]] = [
        {
            "id": entry.id,
            "city": entry.city,
            "languages": {
                code: version.status
                for code, version in entry.translations.items()
                if version.answer
            },
            # translations written against an older German text (see bot.kb.editing)
            "outdated": [code for code in SUPPORTED
                         if language_status(entry, code) == OUTDATED],
        }
        for entry in knowledge.entries
    ]
    if as_json:
        json.dump({"entries": rows}, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    per_city = Counter(entry.city for entry in knowledge.entries)
    print(f"{len(rows)} entries: " + ", ".join(f"{c} {n}" for c, n in sorted(per_city.items())),
          file=out)
    print(f"{'language':<24}{'entries':>8}{'reviewed':>10}{'draft':>8}{'missing':>9}"
          f"{'outdated':>10}", file=out)
    codes = list(SUPPORTED) + sorted({c for r in rows for c in r["languages"]} - set(SUPPORTED))
    for code in codes:
        statuses = Counter(r["languages"].get(code, "missing") for r in rows)
        name = LANGUAGES[code].english_name if code in LANGUAGES else code
        present = len(rows) - statuses["missing"]
        outdated = sum(code in r["outdated"] for r in rows)
        print(f"{name + ' (' + code + ')':<24}{present:>8}{statuses['reviewed']:>10}"
              f"{statuses['draft']:>8}{statuses['missing']:>9}{outdated:>10}", file=out)
    print("outdated: the German text changed after the translation was written or reviewed "
          "(counted in reviewed/draft too)", file=out)
    return 0
