"""Knowledge-base values: entries, their translations, sources and contact fields.

These are plain frozen values built by :mod:`bot.kb.loader`; the answering core reads
them and never changes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

__all__ = [
    "AUDIENCES",
    "CATEGORIES",
    "CITIES",
    "STATUSES",
    "Contact",
    "Entry",
    "KnowledgeBase",
    "NotCoveredTheme",
    "Source",
    "Translation",
]

CITIES = ("krefeld", "essen", "nrw")
AUDIENCES = ("residents", "professionals")
CATEGORIES = (
    "about",
    "contact",
    "school",
    "language",
    "family",
    "community",
    "counselling",
    "professionals",
)
STATUSES = ("draft", "reviewed")


@dataclass(frozen=True, slots=True)
class Source:
    """Where a fact comes from: a seed document and the section in it."""

    file: str
    section: str


@dataclass(frozen=True, slots=True)
class Contact:
    """Structured contact fields, rendered the same way in every channel."""

    phone: tuple[str, ...] = ()
    fax: tuple[str, ...] = ()
    email: tuple[str, ...] = ()
    web: tuple[str, ...] = ()
    address: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        """Return True when no field is filled."""
        return not (self.phone or self.fax or self.email or self.web or self.address)


@dataclass(frozen=True, slots=True)
class Translation:
    """One language version of an entry.

    ``based_on`` is, for a translation (not German), the :func:`bot.kb.editing.master_hash`
    of the German title and answer it was written or reviewed against; when the German text
    changes later, the translation is outdated. None: not recorded.
    """

    language: str
    status: str
    title: str
    answer: str
    questions: tuple[str, ...]
    based_on: str | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """A curated knowledge-base entry with all its language versions."""

    id: str
    city: str
    audience: str
    category: str
    sources: tuple[Source, ...]
    last_checked: dt.date | None
    translations: Mapping[str, Translation]
    needs_review: bool = False
    review_note: str = ""
    legal_adjacent: bool = False
    contact: Contact = field(default_factory=Contact)
    path: Path | None = None

    def translation(self, language: str) -> Translation | None:
        """Return the version in ``language`` if it has an answer, else None."""
        found = self.translations.get(language)
        return found if found is not None and found.answer.strip() else None

    def applies_to(self, city: str | None) -> bool:
        """Return True when the entry is valid for ``city`` (None means any city)."""
        return city is None or self.city in (city, "nrw")


@dataclass(frozen=True, slots=True)
class NotCoveredTheme:
    """Questions editors know the knowledge base does not answer (handed to staff)."""

    theme: str
    note: str
    questions: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    """All entries of a knowledge folder, in a stable order."""

    entries: tuple[Entry, ...]
    not_covered: tuple[NotCoveredTheme, ...] = ()
    by_id: Mapping[str, Entry] = field(default_factory=lambda: MappingProxyType({}))
    source_titles: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def of(
        cls,
        entries: tuple[Entry, ...],
        not_covered: tuple[NotCoveredTheme, ...] = (),
        source_titles: Mapping[str, str] | None = None,
    ) -> KnowledgeBase:
        """Build a knowledge base, indexing entries by id (the first of a duplicate wins)."""
        by_id: dict[str, Entry] = {}
        for entry in entries:
            by_id.setdefault(entry.id, entry)
        return cls(
            tuple(by_id.values()),
            not_covered,
            MappingProxyType(by_id),
            MappingProxyType(dict(source_titles or {})),
        )

    def source_title(self, file: str) -> str:
        """Return the readable title of a source file (the file name if none is known)."""
        return self.source_titles.get(file, file)

    def get(self, entry_id: str) -> Entry | None:
        """Return the entry with ``entry_id``, or None."""
        return self.by_id.get(entry_id)

    def languages(self) -> tuple[str, ...]:
        """Return every language code that some entry has an answer in."""
        seen: dict[str, None] = {}
        for entry in self.entries:
            for code, version in entry.translations.items():
                if version.answer.strip():
                    seen.setdefault(code, None)
        return tuple(seen)
