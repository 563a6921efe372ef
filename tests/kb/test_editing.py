"""The editors' workspace library: translation status, validated atomic edits, revisions, undo.

Every test works on a copy of the repository's knowledge folder in tmp_path.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import SessionTransaction

from bot.kb.checks import check_entries
from bot.kb.editing import (
    KnowledgeEditError,
    KnowledgeEditor,
    StaleFileError,
    atomic_write_text,
    language_status,
    master_hash,
    text_hash,
)
from bot.kb.loader import load_knowledge, parse_entry_text
from bot.kb.model import Contact, Source
from bot.kb.problems import Severity
from bot.kb.revisions import KnowledgeWorkspace, RevisionLog, UndoRefused
from bot.languages import SUPPORTED
from bot.storage.db import Database

REPOSITORY = Path(__file__).resolve().parent.parent.parent
TODAY = dt.date(2026, 11, 22)
ENTRY = "krefeld-ki-contact"
ENTRY_FILE = Path("krefeld") / f"{ENTRY}.yaml"
SEED = "001_edee17211123c4ee.txt"
TRANSLATIONS = [code for code in SUPPORTED if code != "de"]


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    """A copy of the repository's knowledge folder."""
    folder = tmp_path / "knowledge"
    shutil.copytree(REPOSITORY / "knowledge", folder)
    return folder


@pytest.fixture
def editor(kb: Path) -> KnowledgeEditor:
    return KnowledgeEditor(kb, today=lambda: TODAY)


@pytest.fixture
def workspace(kb: Path, editor: KnowledgeEditor, database: Database) -> KnowledgeWorkspace:
    return KnowledgeWorkspace(kb, database, editor=editor, log=RevisionLog(database, kb))


def problems_of(folder: Path) -> list[str]:
    """What ``kb check`` (without confusables) reports for the folder."""
    result = load_knowledge(folder)
    found = list(result.problems) + check_entries(
        result.knowledge.entries, today=TODAY, sources=folder / "sources")
    return sorted(p.render() for p in found)


def changed_lines(before: str, after: str) -> list[str]:
    """The changed lines, in file order; a replaced line as its old and new line."""
    old, new = before.splitlines(), after.splitlines()
    lines: list[str] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace" and i2 - i1 == j2 - j1:
            for removed, added in zip(old[i1:i2], new[j1:j2], strict=True):
                if removed != added:
                    lines += [f"-{removed}", f"+{added}"]
        elif tag != "equal":
            lines += [f"-{line}" for line in old[i1:i2]] + [f"+{line}" for line in new[j1:j2]]
    return lines


def german(editor: KnowledgeEditor) -> tuple[str, str, list[str]]:
    version = editor.entry(ENTRY).translations["de"]
    return version.title, version.answer, list(version.questions)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.startswith("."))


# --- hashes and statuses -----------------------------------------------------------------


def test_repository_translations_all_follow_the_current_german_text(editor: KnowledgeEditor,
                                                                    kb: Path) -> None:
    rows = editor.overview()
    assert len(rows) == len(load_knowledge(kb).knowledge.entries) > 30
    row = next(r for r in rows if r.id == ENTRY)
    assert (row.city, row.category, row.title) == ("krefeld", "contact", "Kontakt zum KI Krefeld")
    assert row.path == "krefeld/krefeld-ki-contact.yaml"
    assert row.needs_review is True
    assert set(row.statuses) == set(SUPPORTED)
    assert all(status in ("draft", "reviewed") for r in rows for status in r.statuses.values())
    entry = editor.entry(ENTRY)
    assert {v.based_on for c, v in entry.translations.items() if c != "de"} == {master_hash(entry)}


def test_master_hash_is_short_stable_and_ignores_re_wrapping() -> None:
    first = text_hash("Sport für Kinder", "Das KI hat\nSportprojekte.")
    assert len(first) == 12
    assert int(first, 16) >= 0
    assert first == text_hash(" Sport für Kinder", "Das KI hat Sportprojekte.  ")
    assert first != text_hash("Sport für Kinder", "Das KI hat Sportprojekte!")
    assert first != text_hash("Sport für Kinder Das KI", "hat Sportprojekte.")


def test_loader_reads_based_on_and_rejects_a_number(tmp_path: Path) -> None:
    text = (REPOSITORY / "tests/fixtures/kb_small/krefeld/sport.yaml").read_text(encoding="utf-8")
    stamped = text.replace("  en:\n    status: draft\n",
                           '  en:\n    status: draft\n    based_on: "0a1b2c3d4e5f"\n')
    entry, problems = parse_entry_text(stamped, tmp_path / "krefeld" / "sport.yaml", "sport")
    assert entry is not None
    assert problems == []
    assert entry.translations["en"].based_on == "0a1b2c3d4e5f"
    assert entry.translations["ar"].based_on is None
    assert language_status(entry, "en") == "outdated"
    assert language_status(entry, "ar") == "draft"  # no based_on: cannot be outdated
    assert language_status(entry, "de") == "reviewed"
    assert language_status(entry, "tr") == "missing"
    numeric = stamped.replace('"0a1b2c3d4e5f"', "123456789012")
    _, problems = parse_entry_text(numeric, tmp_path / "krefeld" / "sport.yaml", "sport")
    assert [(p.line, p.severity) for p in problems] == [(22, Severity.ERROR)]
    assert "'based_on' of the 'en' version" in problems[0].message


def test_a_german_change_makes_every_translation_outdated(editor: KnowledgeEditor,
                                                          kb: Path) -> None:
    before = (kb / ENTRY_FILE).read_text(encoding="utf-8")
    title, answer, questions = german(editor)
    result = editor.save_translation(ENTRY, "de", title=title,
                                     answer=answer + "\nDas KI hat neue Sprechzeiten.",
                                     questions=questions, minor=False, mark_reviewed=True)
    assert result.written
    assert result.ok
    entry = editor.entry(ENTRY)
    assert language_status(entry, "de") == "reviewed"
    assert {language_status(entry, code) for code in TRANSLATIONS} == {"outdated"}
    assert changed_lines(before, result.after) == [
        "-    status: draft",
        "+    status: reviewed",
        "+      Das KI hat neue Sprechzeiten.",
    ]
    row = next(r for r in editor.overview() if r.id == ENTRY)
    assert row.statuses["en"] == "outdated"


def test_a_minor_german_change_keeps_current_translations_current(editor: KnowledgeEditor,
                                                                  kb: Path) -> None:
    title, answer, questions = german(editor)
    editor.save_translation(ENTRY, "de", title=title, answer=answer + " Neu.",
                            questions=questions, minor=False, mark_reviewed=False)
    en = editor.entry(ENTRY).translations["en"]
    # Only the English text is brought up to date; the others stay outdated.
    editor.save_translation(ENTRY, "en", title=en.title, answer=en.answer,
                            questions=list(en.questions), minor=False, mark_reviewed=True)
    old = master_hash(editor.entry(ENTRY))
    before = (kb / ENTRY_FILE).read_text(encoding="utf-8")
    result = editor.save_translation(ENTRY, "de", title=title, answer=answer + " Neu!",
                                     questions=questions, minor=True, mark_reviewed=False)
    assert result.written
    entry = editor.entry(ENTRY)
    new = master_hash(entry)
    assert new != old
    assert language_status(entry, "en") == "reviewed"
    assert entry.translations["en"].based_on == new
    assert {language_status(entry, code) for code in TRANSLATIONS if code != "en"} == {"outdated"}
    assert changed_lines(before, result.after) == [
        "-      Bitte rufen Sie an oder schreiben Sie eine E-Mail, bevor Sie hingehen. Dann "
        "wissen Sie, wo das KI ist, und können nach einem Termin fragen. Neu.",
        "+      Bitte rufen Sie an oder schreiben Sie eine E-Mail, bevor Sie hingehen. Dann "
        "wissen Sie, wo das KI ist, und können nach einem Termin fragen. Neu!",
        f'-    based_on: "{old}"',
        f'+    based_on: "{new}"',
    ]


def test_a_minor_change_of_the_questions_only_changes_no_status(editor: KnowledgeEditor) -> None:
    title, answer, questions = german(editor)
    editor.save_translation(ENTRY, "de", title=title, answer=answer,
                            questions=[*questions, "Wo finde ich das KI?"], minor=False)
    entry = editor.entry(ENTRY)
    assert entry.translations["de"].questions[-1] == "Wo finde ich das KI?"
    assert {language_status(entry, code) for code in TRANSLATIONS} == {"draft"}


def test_saving_and_reviewing_a_translation_records_the_german_version(
    editor: KnowledgeEditor, kb: Path,
) -> None:
    title, answer, questions = german(editor)
    editor.save_translation(ENTRY, "de", title=title, answer=answer + " Neu.",
                            questions=questions)
    assert language_status(editor.entry(ENTRY), "tr") == "outdated"
    result = editor.mark_reviewed(ENTRY, "tr")
    entry = editor.entry(ENTRY)
    assert result.written
    assert language_status(entry, "tr") == "reviewed"
    assert entry.translations["tr"].based_on == master_hash(entry)
    ar = entry.translations["ar"]
    saved = editor.save_translation(
        ENTRY, "ar", title=ar.title, answer=ar.answer + "\r\nسطر جديد.  ",
        questions=[*ar.questions, "  ", "وين المركز؟\t"], mark_reviewed=False)
    entry = editor.entry(ENTRY)
    assert saved.summary == "ar: saved as draft"
    assert language_status(entry, "ar") == "draft"
    assert entry.translations["ar"].answer == ar.answer + "\nسطر جديد."
    assert entry.translations["ar"].questions[-1] == "وين المركز؟"
    assert '      - "وين المركز؟"\n' in saved.after
    assert "      سطر جديد.\n" in saved.after


def test_adding_a_missing_language_puts_it_in_the_usual_order(editor: KnowledgeEditor,
                                                              kb: Path) -> None:
    path = kb / "krefeld" / "sport.yaml"
    path.write_text((REPOSITORY / "tests/fixtures/kb_small/krefeld/sport.yaml")
                    .read_text(encoding="utf-8"), encoding="utf-8")
    (kb / "sources" / "seed.txt").write_text("Sport vor Ort\n", encoding="utf-8")
    result = editor.save_translation("sport", "tr", title="Çocuklar için spor",
                                     answer="KI yeni gelen çocuklar için spor projeleri yürütür.",
                                     questions=["Çocuklar için spor var mı?", "oğlum futbol"])
    assert result.written, result.problems
    entry = editor.entry("sport")
    assert list(entry.translations) == ["de", "en", "ar", "tr"]
    assert language_status(entry, "tr") == "draft"
    assert result.after.endswith(
        "  tr:\n"
        "    status: draft\n"
        f'    based_on: "{master_hash(entry)}"\n'
        '    title: "Çocuklar için spor"\n'
        "    answer: |-\n"
        "      KI yeni gelen çocuklar için spor projeleri yürütür.\n"
        "    questions:\n"
        '      - "Çocuklar için spor var mı?"\n'
        '      - "oğlum futbol"\n'
    )


# --- validation and writing --------------------------------------------------------------


def test_an_empty_answer_is_refused_and_nothing_is_written(editor: KnowledgeEditor,
                                                           kb: Path) -> None:
    before = (kb / ENTRY_FILE).read_bytes()
    en = editor.entry(ENTRY).translations["en"]
    result = editor.save_translation(ENTRY, "en", title=en.title, answer="   \n ",
                                     questions=list(en.questions))
    assert not result.ok
    assert not result.written
    assert [(p.field, p.message) for p in result.errors] == [
        ("translations.en.answer", "the answer of the 'en' version is empty")]
    assert (kb / ENTRY_FILE).read_bytes() == before
    assert leftovers(kb) == []
    with pytest.raises(KnowledgeEditError, match="not written: the answer of the 'en'"):
        editor.write(result)
    assert (kb / ENTRY_FILE).read_bytes() == before


def test_a_duplicate_question_is_a_warning_at_its_field_as_in_kb_check(
    editor: KnowledgeEditor,
) -> None:
    en = editor.entry(ENTRY).translations["en"]
    result = editor.save_translation(ENTRY, "en", title=en.title, answer=en.answer,
                                     questions=[*en.questions, en.questions[1].upper()],
                                     dry_run=True)
    assert result.ok
    assert not result.written
    index = len(en.questions)
    assert [(p.severity, p.field, p.message) for p in result.warnings] == [
        (Severity.WARNING, f"translations.en.questions.{index}",
         "this 'en' question is written twice")]


def test_create_entry_problems_are_shown_at_their_fields(editor: KnowledgeEditor,
                                                        kb: Path) -> None:
    result = editor.create_entry(
        "krefeld-new-topic", city="krefeld", category="family", audience="everyone",
        title="Neues Thema", answer="Das KI hilft.", questions=["neues thema", "Was ist neu?"],
        sources=[Source("999_missing.txt", "Abschnitt")], last_checked=dt.date(2027, 1, 1),
        contact=Contact(email=("info-at-krefeld.de",)))
    assert not result.written
    assert {(p.field, p.message.split(" (")[0]) for p in result.errors} == {
        ("audience", "'audience' must be one of residents, professionals"),
        ("sources.0", "source file '999_missing.txt' is not in " + str(kb / "sources")),
        ("last_checked", "'last_checked' is 2027-01-01, a date in the future"),
        ("contact.email", "'info-at-krefeld.de' does not look like an e-mail address"),
    }
    assert not (kb / "krefeld" / "krefeld-new-topic.yaml").exists()
    assert leftovers(kb) == []


@pytest.mark.parametrize(("entry_id", "city", "field", "message"), [
    ("krefeld-sport", "krefeld", "id", "the id 'krefeld-sport' is already used by krefeld/"),
    ("krefeld-sport", "essen", "id", "the id 'krefeld-sport' is already used by krefeld/"),
    ("Krefeld_Neu", "krefeld", "id", "the id may only use lower-case letters"),
    ("../../evil", "krefeld", "id", "the id may only use lower-case letters"),
    ("krefeld-neu", "duisburg", "city", "'city' must be one of krefeld, essen, nrw"),
])
def test_create_entry_refuses_a_used_or_malformed_id(
    editor: KnowledgeEditor, kb: Path, entry_id: str, city: str, field: str, message: str,
) -> None:
    before = sorted(str(p.relative_to(kb)) for p in kb.rglob("*"))
    result = editor.create_entry(entry_id, city=city, category="family", audience="residents",
                                 title="T", answer="A.", questions=["a", "b"],
                                 sources=[Source(SEED, "Kontaktblock")])
    assert not result.written
    assert [(p.field, p.message[:len(message)]) for p in result.errors] == [(field, message)]
    assert sorted(str(p.relative_to(kb)) for p in kb.rglob("*")) == before


def test_create_entry_writes_a_german_draft_that_loads_cleanly(editor: KnowledgeEditor,
                                                              kb: Path) -> None:
    before = problems_of(kb)
    result = editor.create_entry(
        "krefeld-new-topic", city="krefeld", category="community", audience="residents",
        title="Neues Thema: Treffpunkt", answer="Das KI lädt ein.\n\nRufen Sie das KI an.",
        questions=["treffpunkt krefeld", 'Wo ist der "Treffpunkt"?'],
        sources=[Source(SEED, "Kontaktblock")], contact=Contact(phone=("02151/86-2502",),
                                                                email=("vielfalt@krefeld.de",)))
    assert result.written, result.problems
    path = kb / "krefeld" / "krefeld-new-topic.yaml"
    assert path.read_text(encoding="utf-8") == result.after == (
        "id: krefeld-new-topic\n"
        "city: krefeld\n"
        "audience: residents\n"
        "category: community\n"
        "sources:\n"
        f"  - file: {SEED}\n"
        '    section: "Kontaktblock"\n'
        "last_checked: 2026-11-22\n"
        "needs_review: false\n"
        "legal_adjacent: false\n"
        "contact:\n"
        '  phone: "02151/86-2502"\n'
        "  email: vielfalt@krefeld.de\n"
        "translations:\n"
        "  de:\n"
        "    status: draft\n"
        '    title: "Neues Thema: Treffpunkt"\n'
        "    answer: |-\n"
        "      Das KI lädt ein.\n"
        "\n"
        "      Rufen Sie das KI an.\n"
        "    questions:\n"
        '      - "treffpunkt krefeld"\n'
        '      - "Wo ist der \\"Treffpunkt\\"?"\n'
    )
    assert result.before is None
    entry = editor.entry("krefeld-new-topic")
    assert entry.translations["de"].questions[1] == 'Wo ist der "Treffpunkt"?'
    assert {language_status(entry, code) for code in TRANSLATIONS} == {"missing"}
    # The new entry only adds warnings for its missing languages.
    new = [line for line in problems_of(kb) if line not in before]
    assert new
    assert all("krefeld-new-topic.yaml" in line and ": warning: no " in line
                       for line in new)
    assert len(new) == len(TRANSLATIONS)


def test_an_edit_keeps_everything_else_and_the_folder_still_checks_clean(
    editor: KnowledgeEditor, kb: Path,
) -> None:
    before_problems = problems_of(kb)
    before = (kb / ENTRY_FILE).read_text(encoding="utf-8")
    en = editor.entry(ENTRY).translations["en"]
    result = editor.save_translation(
        ENTRY, "en", title="Contact: KI Krefeld", answer=en.answer,
        questions=[*en.questions[:2], "how do I reach the KI?", *en.questions[3:]],
        mark_reviewed=True)
    text = (kb / ENTRY_FILE).read_text(encoding="utf-8")
    assert result.written
    assert text == result.after
    assert text.startswith("# How to reach the Kommunales Integrationszentrum Krefeld.\n"
                           "# The two seed documents give different addresses: see review_note.\n")
    assert changed_lines(before, text) == [
        "-    status: draft",
        "+    status: reviewed",
        "-    title: Contact the KI Krefeld",
        "+    title: 'Contact: KI Krefeld'",
        '-      - "What is the e-mail address of the integration centre in Krefeld?"',
        '+      - "how do I reach the KI?"',
    ]
    assert problems_of(kb) == before_problems
    assert leftovers(kb) == []


def test_a_file_changed_meanwhile_is_not_overwritten(editor: KnowledgeEditor, kb: Path) -> None:
    en = editor.entry(ENTRY).translations["en"]
    prepared = editor.save_translation(ENTRY, "en", title="New title", answer=en.answer,
                                       questions=list(en.questions), dry_run=True)
    assert not prepared.written
    assert (kb / ENTRY_FILE).read_text(encoding="utf-8") == prepared.before
    changed = prepared.before.replace("title: Contact the KI Krefeld", "title: Hand edit")
    (kb / ENTRY_FILE).write_text(changed, encoding="utf-8")
    with pytest.raises(StaleFileError, match="changed in the meantime"):
        editor.write(prepared)
    assert (kb / ENTRY_FILE).read_text(encoding="utf-8") == changed


def test_a_failing_write_leaves_the_old_file_and_no_temporary_file(
    kb: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = kb / ENTRY_FILE
    before = path.read_bytes()

    def broken_fsync(descriptor: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_text(path, "id: half\n")
    assert path.read_bytes() == before
    assert leftovers(kb) == []
    monkeypatch.undo()
    path.chmod(0o640)
    atomic_write_text(path, "id: whole\n")
    assert path.read_bytes() == b"id: whole\n"
    assert path.stat().st_mode & 0o777 == 0o640
    assert leftovers(kb) == []


def test_editing_refuses_unknown_entries_and_languages(editor: KnowledgeEditor) -> None:
    with pytest.raises(KnowledgeEditError, match="there is no entry 'krefeld-nothing'"):
        editor.mark_reviewed("krefeld-nothing", "en")
    with pytest.raises(KnowledgeEditError, match="'fr' is not one of the languages"):
        editor.save_translation(ENTRY, "fr", title="t", answer="a", questions=[])
    with pytest.raises(KnowledgeEditError, match="is not an entry id"):
        editor.entry("../krefeld/krefeld-sport")


# --- revisions and undo ------------------------------------------------------------------


async def test_saved_edits_are_revisions_with_a_diff(workspace: KnowledgeWorkspace,
                                                     kb: Path) -> None:
    original = (kb / ENTRY_FILE).read_text(encoding="utf-8")
    en = workspace.entry(ENTRY).translations["en"]
    first = await workspace.save_translation(ENTRY, "en", author="anna", title="Contact KI",
                                             answer=en.answer, questions=list(en.questions))
    second = await workspace.mark_reviewed(ENTRY, "en", author="ben")
    refused = await workspace.save_translation(ENTRY, "en", author="anna", title="x",
                                               answer="", questions=["a", "b"])
    unchanged = await workspace.mark_reviewed(ENTRY, "en", author="ben")
    assert first.written
    assert second.written
    assert first.revision_id is not None
    assert second.revision_id is not None
    assert not refused.written
    assert refused.result.errors
    assert not unchanged.written
    assert not unchanged.result.changed
    history = await workspace.history(ENTRY)
    assert [r.id for r in history] == [second.revision_id, first.revision_id]
    newest, oldest = history
    assert (oldest.author, oldest.language, oldest.path) == ("anna", "en", ENTRY_FILE.as_posix())
    assert oldest.summary == "en: saved as draft"
    assert oldest.before == original
    assert oldest.after == newest.before == first.result.after
    assert newest.after == (kb / ENTRY_FILE).read_text(encoding="utf-8")
    assert newest.created_at.tzinfo is not None
    assert oldest.diff.splitlines()[:2] == [f"--- a/{ENTRY_FILE.as_posix()}",
                                            f"+++ b/{ENTRY_FILE.as_posix()}"]
    assert [line for line in oldest.diff.splitlines()[3:] if line[:1] in "+-"] == [
        "-    title: Contact the KI Krefeld", "+    title: Contact KI"]
    assert [line for line in newest.diff.splitlines()[3:] if line[:1] in "+-"] == [
        "-    status: draft", "+    status: reviewed"]
    assert await workspace.history("krefeld-sport") == []


async def test_undo_puts_the_old_text_back_and_is_recorded(workspace: KnowledgeWorkspace,
                                                           kb: Path) -> None:
    original = (kb / ENTRY_FILE).read_text(encoding="utf-8")
    title, answer, questions = german(workspace.editor)
    saved = await workspace.save_translation(ENTRY, "de", author="anna", title=title,
                                             answer=answer + " Neu.", questions=questions)
    assert saved.revision_id is not None
    assert language_status(workspace.entry(ENTRY), "en") == "outdated"
    undo = await workspace.undo(saved.revision_id, author="ben")
    assert (kb / ENTRY_FILE).read_text(encoding="utf-8") == original
    assert language_status(workspace.entry(ENTRY), "en") == "draft"
    assert (undo.undoes, undo.author, undo.before, undo.after) == (
        saved.revision_id, "ben", saved.result.after, original)
    assert undo.summary.startswith(f"undo of revision {saved.revision_id}: de: saved as draft")
    assert [r.id for r in await workspace.history(ENTRY)] == [undo.id, saved.revision_id]
    with pytest.raises(UndoRefused, match=f"already undone by revision {undo.id}"):
        await workspace.undo(saved.revision_id, author="ben")
    # Undoing the undo brings the change back.
    redo = await workspace.undo(undo.id, author="anna")
    assert (kb / ENTRY_FILE).read_text(encoding="utf-8") == saved.result.after == redo.after


async def test_undo_is_refused_while_a_later_change_exists(workspace: KnowledgeWorkspace,
                                                           kb: Path) -> None:
    en = workspace.entry(ENTRY).translations["en"]
    first = await workspace.save_translation(ENTRY, "en", author="anna", title="One",
                                             answer=en.answer, questions=list(en.questions))
    second = await workspace.save_translation(ENTRY, "en", author="ben", title="Two",
                                              answer=en.answer, questions=list(en.questions))
    assert first.revision_id is not None
    assert second.revision_id is not None
    current = (kb / ENTRY_FILE).read_text(encoding="utf-8")
    with pytest.raises(UndoRefused, match=f"changed after revision {first.revision_id}: "
                                          f"revision {second.revision_id} by ben .*Undo that"):
        await workspace.undo(first.revision_id, author="anna")
    assert (kb / ENTRY_FILE).read_text(encoding="utf-8") == current
    assert len(await workspace.history(ENTRY)) == 2
    await workspace.undo(second.revision_id, author="anna")
    await workspace.undo(first.revision_id, author="anna")
    assert "    title: Contact the KI Krefeld\n" in (kb / ENTRY_FILE).read_text(encoding="utf-8")
    # A change made by hand outside the workspace is not overwritten either.
    third = await workspace.save_translation(ENTRY, "en", author="anna", title="Three",
                                             answer=en.answer, questions=list(en.questions))
    assert third.revision_id is not None
    (kb / ENTRY_FILE).write_text(third.result.after + "# hand edit\n", encoding="utf-8")
    with pytest.raises(UndoRefused, match="changed outside the workspace"):
        await workspace.undo(third.revision_id, author="anna")
    with pytest.raises(UndoRefused, match="there is no revision 999"):
        await workspace.undo(999, author="anna")


async def test_undo_of_a_created_entry_deletes_its_file(workspace: KnowledgeWorkspace,
                                                        kb: Path) -> None:
    created = await workspace.create_entry(
        "essen-new-topic", author="anna", city="essen", category="about", audience="residents",
        title="Neu", answer="Das KI Essen hilft.", questions=["neu essen", "was ist neu"],
        sources=[Source("004_654bc31e4ccdb7d6.txt", "Kontaktblock")])
    assert created.revision_id is not None
    path = kb / "essen" / "essen-new-topic.yaml"
    assert path.read_text(encoding="utf-8") == created.result.after
    [revision] = await workspace.history("essen-new-topic")
    assert revision.before is None
    assert revision.diff.startswith("--- /dev/null\n+++ b/essen/essen-new-topic.yaml\n")
    undo = await workspace.undo(created.revision_id, author="ben")
    assert not path.exists()
    assert undo.after is None
    assert undo.diff.startswith("--- a/essen/essen-new-topic.yaml\n+++ /dev/null\n")
    redo = await workspace.undo(undo.id, author="anna")
    assert path.read_text(encoding="utf-8") == created.result.after == redo.after


async def test_a_failed_recording_puts_the_file_back(workspace: KnowledgeWorkspace, kb: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    before = (kb / ENTRY_FILE).read_text(encoding="utf-8")
    en = workspace.entry(ENTRY).translations["en"]
    with pytest.raises(KnowledgeEditError, match="needs an author"):
        await workspace.save_translation(ENTRY, "en", author="  ", title="New",
                                         answer=en.answer, questions=list(en.questions))
    too_long = "x" * 300
    saved = await workspace.save_translation(ENTRY, "en", author="anna", title="New",
                                             answer=en.answer, questions=list(en.questions),
                                             summary=too_long)
    assert saved.revision_id is not None
    [revision] = await workspace.history(ENTRY)
    assert len(revision.summary) == 256
    await workspace.undo(saved.revision_id, author="anna")
    assert (kb / ENTRY_FILE).read_text(encoding="utf-8") == before

    commit = SessionTransaction.commit

    def failing_commit(self: SessionTransaction, *args: Any, **kwargs: Any) -> Any:
        if self._parent is None:  # the outer transaction (a flush commits an inner one)
            raise RuntimeError("commit failed")
        return commit(self, *args, **kwargs)

    # The file is written inside the transaction; when the commit fails, it is put back.
    monkeypatch.setattr(SessionTransaction, "commit", failing_commit)
    with pytest.raises(RuntimeError, match="commit failed"):
        await workspace.save_translation(ENTRY, "en", author="anna", title="Lost",
                                         answer=en.answer, questions=list(en.questions))
    monkeypatch.undo()
    assert (kb / ENTRY_FILE).read_text(encoding="utf-8") == before
    assert len(await workspace.history(ENTRY)) == 2
    assert leftovers(kb) == []
