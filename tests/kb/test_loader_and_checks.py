"""Loading the knowledge folder and the editor checks, with path:line messages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.kb.checks import check_entries
from bot.kb.loader import load_knowledge
from bot.kb.problems import Severity

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TODAY = dt.date(2026, 11, 21)


def messages_for(folder: Path) -> list[str]:
    result = load_knowledge(folder)
    problems = list(result.problems) + check_entries(
        result.knowledge.entries, today=TODAY, sources=folder / "sources"
    )
    return [p.render() for p in sorted(problems)]


def test_small_knowledge_base_loads_every_entry_with_its_fields() -> None:
    result = load_knowledge(FIXTURES / "kb_small")
    knowledge = result.knowledge
    assert {e.id for e in knowledge.entries} == {"sport", "school", "essen-contact",
                                                  "no-legal-advice"}
    sport = knowledge.get("sport")
    assert sport is not None
    assert sport.contact.phone == ("02151/86-2502",)
    assert sport.translations["ar"].questions[1] == "كرة القدم لابني"
    assert sport.last_checked == dt.date(2026, 1, 15)
    assert knowledge.not_covered[0].questions["en"] == ("How do I find a flat?",
                                                        "cheap apartment to rent")
    assert result.errors == ()


def test_broken_entry_problems_name_file_line_and_what_to_do() -> None:
    lines = "\n".join(messages_for(FIXTURES / "kb_broken"))
    assert "broken-entry.yaml:5: error: unknown field 'colour'" in lines
    assert "broken-entry.yaml:9: error: 'last_checked' is 2999-01-01, a date in the future" in lines
    assert "broken-entry.yaml:11: error: 'call us' does not look like a phone number" in lines
    assert "broken-entry.yaml:12: error: 'info-at-krefeld.de' does not look like an e-mail" in lines
    assert "broken-entry.yaml:17: error: the answer of the 'de' version is empty" in lines
    assert "broken-entry.yaml:22: error: status of the 'en' version must be 'draft'" in lines
    assert "broken-entry.yaml:7: error: source file '999_missing.txt' is not in" in lines


def test_duplicate_ids_wrong_folder_and_old_checks_are_reported() -> None:
    lines = "\n".join(messages_for(FIXTURES / "kb_broken"))
    assert "old-entry.yaml:1: error: the id 'broken-entry' is already used by" in lines
    assert "old-entry.yaml:1: error: the file name must be the id" in lines
    assert "old-entry.yaml:2: error: city is 'essen' but the file is in the folder" in lines


def test_invalid_yaml_is_reported_with_its_line_and_does_not_stop_loading() -> None:
    result = load_knowledge(FIXTURES / "kb_broken")
    syntax = [p for p in result.problems if "not valid YAML" in p.message]
    assert len(syntax) == 1
    assert syntax[0].path.endswith("not-yaml.yaml")
    assert syntax[0].line == 5
    assert {e.id for e in result.knowledge.entries} == {"broken-entry"}


def test_stale_entries_and_missing_languages_are_warnings_not_errors(tmp_path: Path) -> None:
    folder = tmp_path / "kb" / "nrw"
    folder.mkdir(parents=True)
    (folder / "old.yaml").write_text(
        "id: old\ncity: nrw\naudience: residents\ncategory: about\n"
        "sources: [{file: a.txt, section: x}]\nlast_checked: 2024-01-01\n"
        "translations:\n  de: {status: draft, title: Alt, answer: Alt., questions: [a, b]}\n",
        encoding="utf-8",
    )
    result = load_knowledge(tmp_path / "kb")
    problems = check_entries(result.knowledge.entries, today=TODAY, sources=None)
    assert all(p.severity is Severity.WARNING for p in problems)
    rendered = "\n".join(p.render() for p in problems)
    assert "not checked since 2024-01-01 (over 12 months)" in rendered
    assert "no Arabic (ar) version yet" in rendered


def test_entry_without_question_phrasings_still_loads(tmp_path: Path) -> None:
    folder = tmp_path / "nrw"
    folder.mkdir()
    (folder / "bare.yaml").write_text(
        "id: bare\ncity: nrw\naudience: residents\ncategory: about\nsources: []\n"
        "last_checked: 2026-01-01\ntranslations:\n  en: {answer: Only an answer.}\n",
        encoding="utf-8",
    )
    result = load_knowledge(tmp_path)
    assert [e.id for e in result.knowledge.entries] == ["bare"]
    assert result.knowledge.entries[0].translations["en"].questions == ()


def test_question_that_yaml_reads_as_a_mapping_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "nrw"
    folder.mkdir()
    (folder / "colon.yaml").write_text(
        "id: colon\ncity: nrw\naudience: residents\ncategory: about\nsources: []\n"
        "last_checked: 2026-01-01\ntranslations:\n  de:\n    answer: Antwort.\n"
        "    questions:\n      - Frage: was ist das?\n      - Zweite Frage\n",
        encoding="utf-8",
    )
    result = load_knowledge(tmp_path)
    rendered = [p.render() for p in result.problems]
    assert any(":11: error: question 1 of the 'de' version is not plain text" in r
               for r in rendered), rendered


def test_right_to_left_line_ending_in_latin_punctuation_is_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "nrw"
    folder.mkdir()
    (folder / "rtl.yaml").write_text(
        "id: rtl\ncity: nrw\naudience: residents\ncategory: about\nsources: []\n"
        "last_checked: 2026-01-01\ntranslations:\n"
        "  de: {answer: Gehen Sie zum Gesundheitsamt., questions: [a, b]}\n"
        "  ar: {answer: اذهبوا إلى Gesundheitsamt., questions: [a, b]}\n",
        encoding="utf-8",
    )
    result = load_knowledge(tmp_path)
    problems = check_entries(result.knowledge.entries, today=TODAY, sources=None)
    rtl = [p for p in problems if "right to left" in p.message]
    assert len(rtl) == 1
    assert rtl[0].severity is Severity.WARNING
    assert "'ar'" in rtl[0].message
