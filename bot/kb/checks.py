"""Content checks on loaded entries: languages, contact formats, dates, sources, length.

Structural problems (unknown fields, wrong types) are found while loading; these checks
look at what an entry says. Each returns editor-friendly :class:`Problem` values.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from bot.kb.loader import display_path
from bot.kb.model import Entry
from bot.kb.problems import Problem, Severity
from bot.kb.yaml_lines import LocatedYaml, YamlSyntaxError, load_located
from bot.languages import LANGUAGES, SUPPORTED

__all__ = ["MAX_ANSWER_WORDS", "STALE_AFTER_DAYS", "check_entries"]

STALE_AFTER_DAYS = 365
MAX_ANSWER_WORDS = 90
MIN_QUESTIONS = 2
_PHONE = re.compile(r"^\+?\d[\d /()\-]{4,}\d$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_WEB = re.compile(r"^(https?://)?(www\.)?[\w-]+(\.[\w-]+)+(/\S*)?$")
# In right-to-left text, a line that ends with a Latin word and Latin punctuation is shown
# with the punctuation on the wrong side.
_RTL_BAD_LINE_END = re.compile(r"[A-Za-z0-9)\]][.:!?,;]\s*$")


def _digits(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


class _EntryChecker:
    """Checks one entry; knows the lines of its file to point at the right place."""

    def __init__(self, entry: Entry, shown_as: str, today: dt.date, sources: Path | None) -> None:
        self.entry = entry
        self.shown_as = shown_as
        self.today = today
        self.sources = sources
        self.located = self._locate()

    def _locate(self) -> LocatedYaml | None:
        if self.entry.path is None:
            return None
        try:
            return load_located(self.entry.path.read_text(encoding="utf-8"))
        except (OSError, YamlSyntaxError):
            return None

    def problem(self, severity: Severity, message: str, *at: str | int) -> Problem:
        line = self.located.line_of(*at) if self.located else 1
        return Problem(self.shown_as, line, severity, message)

    def run(self) -> Iterator[Problem]:
        yield from self.languages()
        yield from self.contact()
        yield from self.dates()
        yield from self.source_files()

    def languages(self) -> Iterator[Problem]:
        entry = self.entry
        if "de" not in entry.translations:
            yield self.problem(Severity.ERROR, "the German version (de) is missing: it is the "
                               "master text the translations follow", "translations")
        for code in SUPPORTED:
            if code not in entry.translations:
                name = LANGUAGES[code].english_name
                yield self.problem(Severity.WARNING, f"no {name} ({code}) version yet: people "
                                   "writing in it get the English or German text", "translations")
        for code, version in entry.translations.items():
            at = ("translations", code)
            if not version.answer:
                yield self.problem(Severity.ERROR, f"the answer of the '{code}' version is empty",
                                   *at, "answer")
            elif len(version.answer.split()) > MAX_ANSWER_WORDS:
                yield self.problem(Severity.WARNING, f"the '{code}' answer has "
                                   f"{len(version.answer.split())} words; keep chat answers to "
                                   "about 80 words", *at, "answer")
            if code in LANGUAGES and LANGUAGES[code].rtl:
                for line in version.answer.splitlines():
                    if _RTL_BAD_LINE_END.search(line):
                        yield self.problem(Severity.WARNING, f"a '{code}' answer line ends with a "
                                           "Latin word and Latin punctuation; right to left it "
                                           "shows on the wrong side: end the line with "
                                           f"{LANGUAGES[code].native_name} words",
                                           *at, "answer")
                        break
            if not version.title:
                yield self.problem(Severity.WARNING, f"the '{code}' version has no 'title' "
                                   "(shown on buttons)", *at)
            if len(version.questions) < MIN_QUESTIONS:
                yield self.problem(Severity.WARNING, f"the '{code}' version has "
                                   f"{len(version.questions)} question phrasings; write at least "
                                   f"{MIN_QUESTIONS} so the assistant finds the entry", *at)
            seen: set[str] = set()
            for index, question in enumerate(version.questions):
                folded = question.casefold()
                if folded in seen:
                    yield self.problem(Severity.WARNING, f"this '{code}' question is written twice",
                                       *at, "questions", index)
                seen.add(folded)

    def contact(self) -> Iterator[Problem]:
        contact = self.entry.contact
        for index, phone in enumerate((*contact.phone, *contact.fax)):
            field = "phone" if index < len(contact.phone) else "fax"
            if not _PHONE.match(phone) or _digits(phone) < 6:
                yield self.problem(Severity.ERROR, f"'{phone}' does not look like a phone number "
                                   "(digits, spaces, / and - only, e.g. 02151/86-2502)",
                                   "contact", field)
        for email in contact.email:
            if not _EMAIL.match(email):
                yield self.problem(Severity.ERROR, f"'{email}' does not look like an e-mail "
                                   "address (name@example.de)", "contact", "email")
        for web in contact.web:
            if not _WEB.match(web):
                yield self.problem(Severity.ERROR, f"'{web}' does not look like a web address "
                                   "(www.example.de)", "contact", "web")

    def dates(self) -> Iterator[Problem]:
        checked = self.entry.last_checked
        if checked is None:
            return
        if checked > self.today:
            yield self.problem(Severity.ERROR, f"'last_checked' is {checked.isoformat()}, a date "
                               "in the future", "last_checked")
        elif (self.today - checked).days > STALE_AFTER_DAYS:
            yield self.problem(Severity.WARNING, f"not checked since {checked.isoformat()} (over "
                               "12 months): compare the entry with its sources again",
                               "last_checked")

    def source_files(self) -> Iterator[Problem]:
        if self.sources is None:
            return
        for index, source in enumerate(self.entry.sources):
            if not (self.sources / source.file).is_file():
                yield self.problem(Severity.ERROR, f"source file '{source.file}' is not in "
                                   f"{self.sources}", "sources", index, "file")


def check_entries(
    entries: Iterable[Entry],
    *,
    today: dt.date,
    sources: Path | None,
    shown_as: dict[str, str] | None = None,
) -> list[Problem]:
    """Run the content checks on ``entries``.

    Args:
        entries: the loaded entries.
        today: the date "future" and "over 12 months" are measured from.
        sources: the folder holding the seed documents; None skips the file check.
        shown_as: entry id -> path to print; defaults to the entry's own path.
    """
    problems: list[Problem] = []
    for entry in entries:
        name = (shown_as or {}).get(entry.id) or (
            display_path(entry.path) if entry.path else entry.id
        )
        problems.extend(_EntryChecker(entry, name, today, sources).run())
    return problems
