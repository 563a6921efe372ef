"""The editor workspace's forms: reading what an editor submitted, and placing the problems
``kb check`` finds next to the fields they concern."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.kb.editing import MASTER_LANGUAGE, FieldProblem
from bot.kb.model import AUDIENCES, CATEGORIES, CITIES, Contact, Source

__all__ = [
    "ENTRY_FIELDS",
    "MAX_ANSWER_CHARS",
    "TRANSLATION_FIELDS",
    "NewEntryForm",
    "TranslationForm",
    "file_version",
    "problems_by_field",
]

MAX_TITLE_CHARS = 200
MAX_ANSWER_CHARS = 6000
MAX_QUESTIONS = 60
MAX_LINE_CHARS = 400
TRANSLATION_FIELDS = ("title", "answer", "questions")
ENTRY_FIELDS = ("id", "city", "category", "audience", "source", "contact", "review_note",
                *TRANSLATION_FIELDS)
GENERAL = "general"


def _text(form: Mapping[str, Any], name: str, limit: int) -> str:
    value = form.get(name)
    return str(value)[:limit] if value is not None else ""


def _lines(form: Mapping[str, Any], name: str, *, limit: int = MAX_QUESTIONS) -> tuple[str, ...]:
    """Non-empty lines of a textarea (one item per line), each cut to a sane length."""
    raw = _text(form, name, limit * (MAX_LINE_CHARS + 1))
    lines = (line.strip()[:MAX_LINE_CHARS] for line in raw.splitlines())
    return tuple(line for line in lines if line)[:limit]


def _every_line(form: Mapping[str, Any], name: str, *, limit: int = 20) -> tuple[str, ...]:
    """The lines of every field called ``name`` (a form may repeat a hidden field)."""
    getlist = getattr(form, "getlist", None)
    values = getlist(name) if callable(getlist) else [form.get(name)]
    lines: list[str] = []
    for value in values:
        if value is not None:
            lines.extend(line.strip()[:MAX_LINE_CHARS] for line in str(value).splitlines())
    return tuple(line for line in lines if line)[:limit]


def _ticked(form: Mapping[str, Any], name: str) -> bool:
    return form.get(name) in ("1", "on", "true")


def file_version(path: Path) -> str:
    """A short fingerprint of an entry file's text: a form carries the version it was
    opened on, so a save over someone else's newer change is noticed."""
    try:
        data = path.read_bytes()
    except OSError:
        return ""
    return hashlib.sha256(data).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class TranslationForm:
    """One language version as submitted from the edit form."""

    title: str = ""
    answer: str = ""
    questions: tuple[str, ...] = ()
    minor: bool = False
    reviewed: bool = False
    version: str = ""

    @classmethod
    def parse(cls, form: Mapping[str, Any]) -> TranslationForm:
        """Read the form fields (absent fields are empty, over-long ones cut)."""
        return cls(title=_text(form, "title", MAX_TITLE_CHARS).strip(),
                   answer=_text(form, "answer", MAX_ANSWER_CHARS).strip(),
                   questions=_lines(form, "questions"),
                   minor=_ticked(form, "minor"),
                   reviewed=_ticked(form, "reviewed"),
                   version=_text(form, "version", 64))


@dataclass(frozen=True, slots=True)
class NewEntryForm:
    """A new entry (its German master version) as submitted from the form."""

    id: str = ""
    city: str = ""
    category: str = ""
    audience: str = "residents"
    title: str = ""
    answer: str = ""
    questions: tuple[str, ...] = ()
    source_file: str = ""
    source_section: str = ""
    needs_review: bool = True
    review_note: str = ""
    legal_adjacent: bool = False
    phone: tuple[str, ...] = ()
    email: tuple[str, ...] = ()
    web: tuple[str, ...] = ()
    address: tuple[str, ...] = ()
    suggestion: int | None = None
    origin: tuple[str, ...] = field(default=())

    @classmethod
    def parse(cls, form: Mapping[str, Any]) -> NewEntryForm:
        """Read the form fields; unknown choices are kept so the checks can name them."""
        suggestion = _text(form, "suggestion", 12)
        return cls(
            id=_text(form, "id", 80).strip().lower(),
            city=_text(form, "city", 20),
            category=_text(form, "category", 40),
            audience=_text(form, "audience", 40) or "residents",
            title=_text(form, "title", MAX_TITLE_CHARS).strip(),
            answer=_text(form, "answer", MAX_ANSWER_CHARS).strip(),
            questions=_lines(form, "questions"),
            source_file=_text(form, "source_file", 200),
            source_section=_text(form, "source_section", MAX_LINE_CHARS).strip(),
            needs_review=_ticked(form, "needs_review"),
            review_note=_text(form, "review_note", MAX_LINE_CHARS).strip(),
            legal_adjacent=_ticked(form, "legal_adjacent"),
            phone=_lines(form, "phone", limit=5),
            email=_lines(form, "email", limit=5),
            web=_lines(form, "web", limit=5),
            address=_lines(form, "address", limit=5),
            suggestion=int(suggestion) if suggestion.isdigit() else None,
            origin=_every_line(form, "origin"),
        )

    @property
    def sources(self) -> tuple[Source, ...]:
        """The cited source (the form has one; editors add more in the file)."""
        if not self.source_file and not self.source_section:
            return ()
        return (Source(self.source_file, self.source_section),)

    @property
    def contact(self) -> Contact:
        """The contact block."""
        return Contact(phone=self.phone, email=self.email, web=self.web, address=self.address)

    def refusals(self) -> dict[str, str]:
        """Choices the form offers that were not among the offered ones."""
        found = {}
        if self.city not in CITIES:
            found["city"] = "Bitte wählen Sie eine Stadt."
        if self.category not in CATEGORIES:
            found["category"] = "Bitte wählen Sie einen Themenbereich."
        if self.audience not in AUDIENCES:
            found["audience"] = "Bitte wählen Sie, für wen der Eintrag ist."
        return found


def _form_field(dotted: str | None, language: str) -> str:
    if not dotted:
        return GENERAL
    parts = dotted.split(".")
    if parts[0] == "translations":
        if len(parts) >= 3 and parts[1] == language and parts[2] in TRANSLATION_FIELDS:
            return parts[2]
        return GENERAL
    if parts[0] == "sources":
        return "source"
    if parts[0] in ("id", "city", "category", "audience", "contact"):
        return parts[0]
    if parts[0] in ("needs_review", "review_note"):
        return "review_note"
    return GENERAL


def problems_by_field(problems: Sequence[FieldProblem], language: str = MASTER_LANGUAGE,
                      ) -> dict[str, list[FieldProblem]]:
    """Group problems by the form field they belong to (``general`` for the rest)."""
    grouped: dict[str, list[FieldProblem]] = {}
    for problem in problems:
        grouped.setdefault(_form_field(problem.field, language), []).append(problem)
    return grouped
