"""Load a knowledge folder: one YAML file per entry under ``<folder>/<city>/<id>.yaml``.

Loading is forgiving: an entry with problems is still loaded when it can be used at all
(it has an id and at least one answer), and every problem is reported with its line, so
``kb check`` can list them and ``ask`` can serve a folder that is not perfect.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from bot.kb.model import (
    AUDIENCES,
    CATEGORIES,
    CITIES,
    STATUSES,
    Contact,
    Entry,
    KnowledgeBase,
    NotCoveredTheme,
    Source,
    Translation,
)
from bot.kb.problems import Problem, Severity
from bot.kb.yaml_lines import LocatedYaml, YamlSyntaxError, load_located

__all__ = [
    "NOT_COVERED_FILE",
    "LoadResult",
    "display_path",
    "is_valid_id",
    "load_knowledge",
    "parse_entry_text",
]

NOT_COVERED_FILE = "not-covered.yaml"
SOURCE_TITLES_FILE = "sources.yaml"
ENTRY_FIELDS = {
    "id",
    "city",
    "audience",
    "category",
    "sources",
    "last_checked",
    "needs_review",
    "review_note",
    "legal_adjacent",
    "contact",
    "translations",
}
REQUIRED_FIELDS = ("id", "city", "audience", "category", "sources", "last_checked", "translations")
TRANSLATION_FIELDS = {"status", "based_on", "title", "answer", "questions"}
CONTACT_FIELDS = ("phone", "fax", "email", "web", "address")
SOURCE_FIELDS = {"file", "section"}
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")


@dataclass(frozen=True, slots=True)
class LoadResult:
    """The loaded knowledge base and every problem met while loading."""

    knowledge: KnowledgeBase
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        """Return only the problems of severity error."""
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)


class _Reporter:
    """Collects problems for one file."""

    def __init__(self, path: str, located: LocatedYaml | None = None) -> None:
        self.path = path
        self.located = located
        self.problems: list[Problem] = []

    def error(self, message: str, *at: str | int) -> None:
        self._add(Severity.ERROR, message, at)

    def warning(self, message: str, *at: str | int) -> None:
        self._add(Severity.WARNING, message, at)

    def _add(self, severity: Severity, message: str, at: tuple[str | int, ...]) -> None:
        line = self.located.line_of(*at) if self.located else 1
        self.problems.append(Problem(self.path, line, severity, message))


def _as_text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _as_tuple(value: Any) -> tuple[str, ...]:
    """Accept a string or a list of strings (contact fields may have several values)."""
    if isinstance(value, str):
        return (value.strip(),) if value.strip() else ()
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return ()


def is_valid_id(value: str) -> bool:
    """Return True when ``value`` is a well-formed entry id: lower-case letters, digits and
    single hyphens between them (the file is then ``<id>.yaml``)."""
    return _ID.fullmatch(value) is not None


def _parse_sources(raw: Any, report: _Reporter) -> tuple[Source, ...]:
    if not isinstance(raw, list) or not raw:
        report.error("'sources' must list at least one source (file and section)", "sources")
        return ()
    sources: list[Source] = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            report.error("each source needs 'file' and 'section'", "sources", index)
            continue
        for unknown in sorted(set(item) - SOURCE_FIELDS):
            report.error(f"unknown field '{unknown}' in a source", "sources", index, unknown)
        file, section = _as_text(item.get("file")), _as_text(item.get("section"))
        if not file:
            report.error("this source has no 'file'", "sources", index)
            continue
        if not section:
            report.warning("say which section of the source this is ('section')", "sources", index)
        sources.append(Source(file, section))
    return tuple(sources)


def _parse_contact(raw: Any, report: _Reporter) -> Contact:
    if raw is None:
        return Contact()
    if not isinstance(raw, dict):
        report.error("'contact' must list fields: phone, fax, email, web, address", "contact")
        return Contact()
    for unknown in sorted(set(raw) - set(CONTACT_FIELDS)):
        report.error(
            f"unknown contact field '{unknown}' (allowed: {', '.join(CONTACT_FIELDS)})",
            "contact",
            unknown,
        )
    values = {name: _as_tuple(raw.get(name)) for name in CONTACT_FIELDS}
    return Contact(**values)


def _parse_translation(code: str, raw: Any, report: _Reporter) -> Translation | None:
    if not isinstance(raw, dict):
        report.error(f"the '{code}' version needs status, title, answer and questions",
                     "translations", code)
        return None
    for unknown in sorted(set(raw) - TRANSLATION_FIELDS):
        report.error(f"unknown field '{unknown}' in the '{code}' version",
                     "translations", code, unknown)
    status = _as_text(raw.get("status")) or "draft"
    if status not in STATUSES:
        report.error(
            f"status of the '{code}' version must be 'draft' or 'reviewed', not '{status}'",
            "translations", code, "status",
        )
        status = "draft"
    questions_raw = raw.get("questions") or []
    if not isinstance(questions_raw, list):
        report.error(f"'questions' of the '{code}' version must be a list",
                     "translations", code, "questions")
        questions_raw = []
    for index, item in enumerate(questions_raw):
        if not isinstance(item, str):
            report.error(f"question {index + 1} of the '{code}' version is not plain text: put it "
                         "in quotes (a ': ' or '#' inside a question needs quotes)",
                         "translations", code, "questions", index)
    questions = tuple(q for q in (_as_text(item) for item in questions_raw) if q)
    return Translation(
        language=code,
        status=status,
        title=_as_text(raw.get("title")),
        answer=_as_text(raw.get("answer")),
        questions=questions,
        based_on=_parse_based_on(code, raw.get("based_on"), report),
    )


def _parse_based_on(code: str, raw: Any, report: _Reporter) -> str | None:
    """The version of the German master a translation follows (written by the editor)."""
    if raw is None:
        return None
    if not isinstance(raw, str) or not raw.strip():
        report.error(f"'based_on' of the '{code}' version must be the mark of the German text "
                     "it follows, in quotes (e.g. \"3f2a9c1b7e04\")",
                     "translations", code, "based_on")
        return None
    return raw.strip()


def _parse_date(raw: Any, report: _Reporter) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str):
        try:
            return dt.date.fromisoformat(raw.strip())
        except ValueError:
            pass
    report.error("'last_checked' must be a date like 2026-11-21", "last_checked")
    return None


def _parse_choice(raw: Any, field: str, allowed: tuple[str, ...], report: _Reporter) -> str:
    value = _as_text(raw)
    if value not in allowed:
        report.error(f"'{field}' must be one of {', '.join(allowed)} (found '{value}')", field)
    return value


def _parse_flag(raw: Any, field: str, report: _Reporter) -> bool:
    if raw is None:
        return False
    if not isinstance(raw, bool):
        report.error(f"'{field}' must be true or false", field)
        return False
    return raw


def _parse_entry(located: LocatedYaml, report: _Reporter, path: Path) -> Entry | None:
    data = located.data
    if not isinstance(data, dict):
        report.error("this file must describe one entry (id, city, translations, ...)")
        return None
    for unknown in sorted(set(data) - ENTRY_FIELDS):
        report.error(f"unknown field '{unknown}' (check the spelling)", unknown)
    for required in REQUIRED_FIELDS:
        if required not in data:
            report.error(f"required field '{required}' is missing")
    entry_id = _as_text(data.get("id"))
    if not entry_id:
        report.error("the entry has no 'id'", "id")
        return None
    if not _ID.match(entry_id):
        report.error("'id' may only use lower-case letters, digits and hyphens", "id")
    if path.stem != entry_id and path.name != NOT_COVERED_FILE:
        report.error(f"the file name must be the id: rename it to '{entry_id}.yaml'", "id")
    city = _parse_choice(data.get("city"), "city", CITIES, report)
    if city in CITIES and path.parent.name in CITIES and path.parent.name != city:
        report.error(f"city is '{city}' but the file is in the folder '{path.parent.name}'", "city")
    needs_review = _parse_flag(data.get("needs_review"), "needs_review", report)
    review_note = _as_text(data.get("review_note"))
    if needs_review and not review_note:
        report.error("'needs_review' is true: write a 'review_note' saying what to check",
                     "needs_review")
    raw_translations = data.get("translations")
    translations: dict[str, Translation] = {}
    if isinstance(raw_translations, dict):
        for code, raw in raw_translations.items():
            code_text = str(code)
            if not _LANGUAGE_CODE.match(code_text):
                report.error(f"'{code_text}' is not a two-letter language code", "translations",
                             code_text)
                continue
            version = _parse_translation(code_text, raw, report)
            if version is not None:
                translations[code_text] = version
    elif raw_translations is not None:
        report.error("'translations' must list the language versions (de, en, ...)",
                     "translations")
    if not any(v.answer for v in translations.values()):
        report.error("the entry has no answer in any language", "translations")
        return None
    return Entry(
        id=entry_id,
        city=city,
        audience=_parse_choice(data.get("audience"), "audience", AUDIENCES, report),
        category=_parse_choice(data.get("category"), "category", CATEGORIES, report),
        sources=_parse_sources(data.get("sources"), report),
        last_checked=_parse_date(data.get("last_checked"), report),
        translations=MappingProxyType(translations),
        needs_review=needs_review,
        review_note=review_note,
        legal_adjacent=_parse_flag(data.get("legal_adjacent"), "legal_adjacent", report),
        contact=_parse_contact(data.get("contact"), report),
        path=path,
    )


def parse_entry_text(text: str, path: Path, shown_as: str) -> tuple[Entry | None, list[Problem]]:
    """Parse the text of one entry file; ``shown_as`` is the path printed in problems."""
    try:
        located = load_located(text)
    except YamlSyntaxError as exc:
        return None, [Problem(shown_as, exc.line, Severity.ERROR,
                              f"this is not valid YAML: {exc}")]
    report = _Reporter(shown_as, located)
    entry = _parse_entry(located, report, path)
    return entry, report.problems


def _parse_not_covered(path: Path, shown_as: str) -> tuple[list[NotCoveredTheme], list[Problem]]:
    try:
        located = load_located(path.read_text(encoding="utf-8"))
    except YamlSyntaxError as exc:
        return [], [Problem(shown_as, exc.line, Severity.ERROR, f"this is not valid YAML: {exc}")]
    report = _Reporter(shown_as, located)
    data = located.data if isinstance(located.data, dict) else {}
    themes: list[NotCoveredTheme] = []
    for index, raw in enumerate(data.get("themes") or []):
        if not isinstance(raw, dict) or not _as_text(raw.get("theme")):
            report.error("each theme needs a name ('theme') and 'questions'", "themes", index)
            continue
        questions_raw = raw.get("questions")
        if not isinstance(questions_raw, dict):
            questions_raw = {}
        questions = {
            str(code): tuple(q for q in (_as_text(item) for item in items or []) if q)
            for code, items in questions_raw.items()
            if isinstance(items, list)
        }
        themes.append(NotCoveredTheme(_as_text(raw["theme"]), _as_text(raw.get("note")),
                                      MappingProxyType(questions)))
    return themes, report.problems


def _entry_files(folder: Path) -> Iterable[Path]:
    for path in sorted(folder.rglob("*.yaml")):
        relative = path.relative_to(folder)
        if relative.name == NOT_COVERED_FILE or relative.parts[0] == "sources":
            continue
        if any(part.startswith((".", "_")) for part in relative.parts):
            continue
        yield path


def load_knowledge(
    folder: Path,
    *,
    progress: Callable[[Iterable[Path]], Iterable[Path]] | None = None,
) -> LoadResult:
    """Load every entry file below ``folder`` and the optional not-covered list.

    Raises:
        FileNotFoundError: when ``folder`` is not a readable directory.
    """
    if not folder.is_dir():
        raise FileNotFoundError(f"knowledge folder not found: {folder}")
    entries: list[Entry] = []
    problems: list[Problem] = []
    files: Iterable[Path] = list(_entry_files(folder))
    if progress is not None:
        files = progress(files)
    first_seen: dict[str, str] = {}
    for path in files:
        shown_as = display_path(path, folder)
        entry, found = parse_entry_text(path.read_text(encoding="utf-8"), path, shown_as)
        problems.extend(found)
        if entry is None:
            continue
        if entry.id in first_seen:
            used_by = first_seen[entry.id]
            problems.append(Problem(shown_as, 1, Severity.ERROR,
                                    f"the id '{entry.id}' is already used by {used_by}"))
            continue
        first_seen[entry.id] = shown_as
        entries.append(entry)
    themes: list[NotCoveredTheme] = []
    not_covered = folder / NOT_COVERED_FILE
    if not_covered.is_file():
        themes, found = _parse_not_covered(not_covered, display_path(not_covered, folder))
        problems.extend(found)
    titles, found = _load_source_titles(folder)
    problems.extend(found)
    return LoadResult(KnowledgeBase.of(tuple(entries), tuple(themes), titles), tuple(problems))


def _load_source_titles(folder: Path) -> tuple[dict[str, str], list[Problem]]:
    path = folder / "sources" / SOURCE_TITLES_FILE
    if not path.is_file():
        return {}, []
    try:
        data = load_located(path.read_text(encoding="utf-8")).data
    except YamlSyntaxError as exc:
        return {}, [Problem(display_path(path, folder), exc.line, Severity.ERROR,
                            f"this is not valid YAML: {exc}")]
    if not isinstance(data, dict):
        return {}, []
    return {str(k): str(v) for k, v in data.items() if v}, []


def display_path(path: Path, folder: Path | None = None) -> str:
    """Return the path as an editor would type it: relative to the working directory if
    possible, else relative to the knowledge folder's parent, else as given."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        pass
    if folder is not None:
        try:
            return str(folder.name / path.relative_to(folder))
        except ValueError:
            pass
    return str(path)
