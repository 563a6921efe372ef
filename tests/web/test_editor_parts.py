"""The editor workspace's pure parts: form reading, problem placement, word diffs, preview."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from starlette.datastructures import FormData

from bot.conversation.model import LEFT_TO_RIGHT_ISOLATE, POP_ISOLATE
from bot.i18n import translator
from bot.kb.editing import FieldProblem, KnowledgeEditor
from bot.kb.loader import load_knowledge
from bot.kb.model import Contact, Source
from bot.kb.problems import Severity
from bot.web.check_messages import in_german
from bot.web.editor_forms import NewEntryForm, TranslationForm, file_version, problems_by_field
from bot.web.preview import preview_reply, with_version
from bot.web.word_diff import diff_lines, word_diff
from tests.conftest import FIXTURES


def _problem(field: str | None, severity: Severity = Severity.ERROR) -> FieldProblem:
    return FieldProblem(severity, "m", 3, field)


def test_translation_form_reads_lines_ticks_and_cuts_over_long_input() -> None:
    form = TranslationForm.parse(FormData([
        ("title", "  Sport  "), ("answer", "x" * 10_000),
        ("questions", "Wo?\r\n\r\n  Wann?  \n"), ("minor", "1"), ("version", "abc")]))
    assert form.title == "Sport"
    assert len(form.answer) == 6000
    assert form.questions == ("Wo?", "Wann?")
    assert form.minor
    assert not form.reviewed
    assert form.version == "abc"


def test_new_entry_form_keeps_every_repeated_origin_and_refuses_unknown_choices() -> None:
    form = NewEntryForm.parse(FormData([
        ("id", " Krefeld-Neu "), ("city", "berlin"), ("category", "school"),
        ("origin", "erste Frage"), ("origin", "zweite\ndritte"), ("suggestion", "12"),
        ("phone", "0211 1\n0211 2")]))
    assert form.id == "krefeld-neu"
    assert form.origin == ("erste Frage", "zweite", "dritte")
    assert form.suggestion == 12
    assert form.contact.phone == ("0211 1", "0211 2")
    assert set(form.refusals()) == {"city"}
    assert NewEntryForm.parse(FormData([("suggestion", "x1")])).suggestion is None


def test_problems_are_placed_next_to_the_fields_of_the_edited_language() -> None:
    grouped = problems_by_field([
        _problem("translations.ar.answer"), _problem("translations.ar.questions.2"),
        _problem("translations.en.answer"), _problem(None), _problem("sources.0.file"),
        _problem("needs_review"), _problem("id")], "ar")
    assert {name: len(found) for name, found in grouped.items()} == {
        "answer": 1, "questions": 1, "general": 2, "source": 1, "review_note": 1, "id": 1}


def test_file_version_changes_with_the_text(tmp_path: Path) -> None:
    path = tmp_path / "entry.yaml"
    path.write_text("a: 1\n")
    first = file_version(path)
    path.write_text("a: 2\n")
    assert file_version(path) != first
    assert file_version(tmp_path / "missing.yaml") == ""


@given(st.text(max_size=60), st.text(max_size=60))
def test_word_diff_rebuilds_both_texts(old: str, new: str) -> None:
    pieces = word_diff(old, new)
    assert "".join(p.text for p in pieces if p.kind != "removed") == new
    assert "".join(p.text for p in pieces if p.kind != "added") == old


def test_word_diff_marks_only_the_changed_words() -> None:
    pieces = word_diff("Kommen Sie am Montag.", "Kommen Sie am Dienstag.")
    assert [(p.kind, p.text) for p in pieces if p.kind != "same"] == [
        ("removed", "Montag."), ("added", "Dienstag.")]


def test_diff_lines_are_marked_by_kind() -> None:
    kinds = [line.kind for line in diff_lines("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-alt\n+neu\n same")]
    assert kinds == ["file", "file", "hunk", "removed", "added", "context"]


def test_preview_shows_the_edited_text_with_buttons_and_isolated_contact_in_arabic() -> None:
    knowledge = load_knowledge(FIXTURES / "kb_small").knowledge
    entry = next(e for e in knowledge.entries if e.contact.phone)
    edited = with_version(entry, "ar", title="رياضة", answer="نص جديد للتجربة",
                          questions=("أين الرياضة؟",))
    preview = preview_reply(edited, "ar", knowledge=knowledge, make_translator=translator)
    assert preview.rtl
    assert preview.question == "أين الرياضة؟"
    styles = [section.style for section in preview.reply.sections]
    assert "contact" in styles
    assert any(s.text == "نص جديد للتجربة" for s in preview.reply.sections)
    contact = next(s.text for s in preview.reply.sections if s.style == "contact")
    assert f"{LEFT_TO_RIGHT_ISOLATE}{entry.contact.phone[0]}{POP_ISOLATE}" in contact
    assert preview.reply.buttons  # feedback and "ask a person", as in the chat
    german = preview_reply(entry, "de", knowledge=knowledge, make_translator=translator)
    assert LEFT_TO_RIGHT_ISOLATE not in "".join(s.text for s in german.reply.sections)


def test_preview_of_a_missing_translation_shows_the_fallback_a_person_gets() -> None:
    knowledge = load_knowledge(FIXTURES / "kb_small").knowledge
    entry = knowledge.entries[0]
    emptied = with_version(entry, "uk", title="", answer="", questions=())
    preview = preview_reply(emptied, "uk", knowledge=knowledge, make_translator=translator)
    assert preview.reply.sections[0].style == "lead"  # "this answer is in English/German"


def test_preview_without_any_answer_says_so_instead_of_failing() -> None:
    knowledge = load_knowledge(FIXTURES / "kb_small").knowledge
    entry = knowledge.entries[0]
    empty = dataclasses.replace(entry, translations={})
    preview = preview_reply(with_version(empty, "de", title="Neu", answer="", questions=()),
                            "de", knowledge=knowledge, make_translator=translator)
    assert preview.reply is None


def test_check_messages_an_editor_can_cause_are_shown_in_german(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / "kb_small", knowledge)
    editor = KnowledgeEditor(knowledge)
    messages = set()
    for language, answer, questions, title in (
            ("de", "", ("Wo?",), "Sport"),                             # empty, one question
            ("en", "word " * 120, ("Where?", "Where?"), ""),          # long, twice, no title
            ("ar", "نص عربي ينتهي بكلمة KI.", ("أين؟", "متى؟"), "رياضة")):  # RTL line end
        result = editor.save_translation("sport", language, title=title, answer=answer,
                                         questions=questions, dry_run=True)
        messages |= {p.message for p in result.problems}
    result = editor.create_entry(
        "Bad Id", city="krefeld", category="school", audience="residents", title="T",
        answer="A", questions=["Q1", "Q2"], sources=[], dry_run=True)
    messages |= {p.message for p in result.problems}
    result = editor.create_entry(
        "sport", city="krefeld", category="school", audience="residents", title="T",
        answer="A", questions=["Q1", "Q2"], sources=[], dry_run=True)
    messages |= {p.message for p in result.problems}
    result = editor.create_entry(
        "neu", city="krefeld", category="school", audience="residents", title="T", answer="A",
        questions=["Q1", "Q2"], sources=[Source("gone.txt", "")], needs_review=True,
        contact=Contact(phone=("call me",), email=("nobody",), web=("not a site",)),
        dry_run=True)
    messages |= {p.message for p in result.problems}
    assert len(messages) >= 14
    untranslated = sorted(m for m in messages if in_german(m) == m)
    assert untranslated == []
    assert in_german("something new") == "something new"
    assert "Arabisch" in in_german("the answer of the 'ar' version is empty")
