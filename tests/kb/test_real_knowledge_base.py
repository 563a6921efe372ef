"""The repository's own knowledge base: complete, valid, and traceable to its sources.

An editor's broken entry fails CI here with the same readable message `kb check` prints.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from bot.kb.checks import check_entries
from bot.kb.loader import load_knowledge
from bot.kb.model import Entry
from bot.kb.problems import Severity
from bot.languages import SUPPORTED

REPOSITORY = Path(__file__).resolve().parent.parent.parent
KNOWLEDGE = REPOSITORY / "knowledge"
SOURCES = KNOWLEDGE / "sources"
TOPICS = REPOSITORY / "tests" / "fixtures" / "topics.yaml"
MIN_QUESTIONS = {"de": 4, "en": 3}
PHONE = re.compile(r"(?:\+49[\s/-]*|\b0)\d[\d\s/-]{5,}\d")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
WEB = re.compile(r"(?:https?://)?www\.[\w-]+(?:\.[\w-]+)+(?:/[\w./-]*)?")

LOADED = load_knowledge(KNOWLEDGE)
ENTRIES = LOADED.knowledge.entries


def digits(phone: str) -> str:
    """Compare phone numbers by their digits, +49 written as a leading 0."""
    only = re.sub(r"\D", "", phone)
    return "0" + only[2:] if phone.strip().startswith("+49") else only


def source_text(entry: Entry) -> str:
    return "\n".join((SOURCES / s.file).read_text(encoding="utf-8") for s in entry.sources)


def test_knowledge_base_has_no_errors() -> None:
    problems = list(LOADED.problems) + check_entries(
        ENTRIES, today=dt.datetime.now(tz=dt.UTC).date(), sources=SOURCES)
    errors = [p.render() for p in problems if p.severity is Severity.ERROR]
    assert not errors, "\n".join(errors)


def test_every_required_topic_is_an_entry_in_its_city() -> None:
    topics = yaml.safe_load(TOPICS.read_text(encoding="utf-8"))["topics"]
    by_id = {e.id: e for e in ENTRIES}
    missing = [t["id"] for t in topics if t["id"] not in by_id]
    assert not missing, f"topics without an entry: {missing}"
    for topic in topics:
        entry = by_id[topic["id"]]
        assert entry.city == topic["city"], topic["id"]
        assert entry.audience == topic["audience"], topic["id"]


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_entry_speaks_all_ten_languages_with_enough_phrasings(entry: Entry) -> None:
    for code in SUPPORTED:
        version = entry.translation(code)
        assert version is not None, f"{entry.id}: no {code} answer"
        assert version.title, f"{entry.id}: no {code} title"
        assert len(version.questions) >= MIN_QUESTIONS.get(code, 2), f"{entry.id}: {code}"


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_every_contact_detail_occurs_in_a_cited_source(entry: Entry) -> None:
    """Check that phone numbers, e-mail and web addresses are in the seed files the entry cites."""
    source = source_text(entry)
    source_digits = re.sub(r"\D", "", source)
    texts = [v.answer for v in entry.translations.values()]
    phones = [*entry.contact.phone, *entry.contact.fax]
    phones += [m.group(0) for t in texts for m in PHONE.finditer(t)]
    for phone in phones:
        number = digits(phone)
        assert number in source_digits or number.lstrip("0") in source_digits, (
            f"{entry.id}: phone {phone!r} is not in {[s.file for s in entry.sources]}")
    emails = [*entry.contact.email, *(m.group(0) for t in texts for m in EMAIL.finditer(t))]
    for email in emails:
        assert email.lower() in source.lower(), f"{entry.id}: e-mail {email!r} not in sources"
    webs = [*entry.contact.web, *(m.group(0) for t in texts for m in WEB.finditer(t))]
    for web in webs:
        bare = re.sub(r"^https?://", "", web).rstrip("/.").lower()
        assert bare in source.lower(), f"{entry.id}: web address {web!r} not in sources"


def test_conflicting_krefeld_address_is_not_silently_resolved() -> None:
    """Check that while the sources disagree, the entry names both and is flagged for editors."""
    contact = LOADED.knowledge.get("krefeld-ki-contact")
    assert contact is not None
    german = contact.translations["de"].answer
    if "Petersstraße" in german and "Konrad-Adenauer-Platz" in german:
        assert contact.needs_review
        assert "Petersstraße" in contact.review_note
        assert "Konrad-Adenauer-Platz" in contact.review_note
        assert not contact.contact.address, "the contact block must not silently pick one"
    else:
        assert contact.contact.address or "Petersstraße" in german or "Konrad" in german



def test_source_copies_match_what_entries_cite() -> None:
    cited = {s.file for e in ENTRIES for s in e.sources}
    assert cited <= {p.name for p in SOURCES.glob("*.txt")}
