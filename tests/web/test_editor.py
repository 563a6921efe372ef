"""The editor workspace in a real browser: statuses, live checks, preview, saving, outdated
translations, undo, suggestions, and the chat answering with the new text without a restart."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from bot.answering.outcome import Decision, Incoming
from bot.storage import tables as t
from bot.web.users import add_user
from tests.web.conftest import artefact
from tests.web.server import RunningWebApp
from tests.web.test_browser import STAFF_PASSWORD, _ask, _log_in, _open_chat, _serious

pytestmark = pytest.mark.browser

ENTRY = "krefeld-sport"
QUESTION = "Was ist Sport vor Ort?"  # one of the entry's German questions
DRIVING_LICENCE = [
    "Wo kann ich meinen ausländischen Führerschein umschreiben lassen?",
    "Wo lasse ich meinen ausländischen Führerschein umschreiben?",
    "Wie kann ich meinen ausländischen Führerschein umschreiben lassen?",
]
NEW_SENTENCE = "Neu: Die Sportgruppen treffen sich jeden Dienstag in der Turnhalle."


def _editor(app: RunningWebApp, username: str = "jonas") -> None:
    app.call(add_user(app.context.db, username, STAFF_PASSWORD, "editor",  # type: ignore[union-attr]
                      display_name=username.capitalize()))


def _status_of(desk: Any, language: str) -> str:
    header = desk.get_by_role("rowheader", name=re.compile(language))
    row = desk.get_by_role("row").filter(has=header)
    return str(row.locator(".kb-status").inner_text()).strip()


def _answered_with(app: RunningWebApp, question: str) -> str | None:
    """The entry the running assistant answers ``question`` with (None: no answer)."""
    assistant = app.context.live.assistant  # type: ignore[union-attr]
    outcome = assistant.answer(Incoming(text=question, city="krefeld"))
    return outcome.entry_id if outcome.decision is Decision.ANSWER else None


@pytest.mark.parametrize("web_database_url", ["sqlite", "postgresql"], indirect=True)
def test_editor_changes_german_translations_turn_outdated_and_chat_answers_new_text(
        page: Any, desk: Any, web_app: RunningWebApp) -> None:
    _editor(web_app)
    _log_in(desk, web_app, "jonas")
    desk.get_by_role("heading", name=re.compile("Redaktion")).wait_for()  # editors land here
    assert _serious(desk) == []
    sport = desk.get_by_role("row").filter(has_text=ENTRY)
    assert sport.get_by_role("link", name="Arabisch: Entwurf").count() == 1

    sport.get_by_role("link", name=re.compile("Sport für Kinder")).click()
    assert _status_of(desk, "Arabisch") == "Entwurf"
    desk.get_by_role("link", name="Bearbeiten (Deutsch)").click()
    desk.wait_for_load_state("load")  # the live check listens once its script has run
    answer = desk.get_by_label(re.compile("^Antwort"))

    # Live checks: an empty answer is an error next to the field, before any save.
    answer.fill("")
    expect(desk.locator("#problems-answer .field-error")).to_have_count(1, timeout=15_000)
    expect(desk.locator("#check-summary")).to_contain_text("1 Fehler")
    expect(answer).to_have_attribute("aria-invalid", "true")
    old_answer = web_app.context.workspace.entry(ENTRY).translations["de"].answer  # type: ignore[union-attr]
    answer.fill(old_answer + "\n" + NEW_SENTENCE)
    expect(desk.locator("#problems-answer .field-error")).to_have_count(0, timeout=15_000)
    preview = desk.frame_locator("#preview")
    expect(preview.locator(".msg.bot")).to_contain_text(NEW_SENTENCE, timeout=15_000)
    assert _serious(desk) == []
    desk.screenshot(path=str(artefact("editor-edit.png")), full_page=True)

    desk.get_by_role("button", name="Speichern").click()
    desk.get_by_text(re.compile("Deutsch: gespeichert")).wait_for()
    assert _status_of(desk, "Deutsch") == "Entwurf"
    for language in ("Arabisch", "Englisch", "Ukrainisch", "Persisch"):
        assert _status_of(desk, language) == "veraltet", language
    history = desk.locator(".history li").first
    assert "jonas" in history.inner_text()
    history.get_by_text("Änderung ansehen").click()
    assert NEW_SENTENCE in history.locator("pre.diff .added").all_inner_texts()[-1]
    desk.screenshot(path=str(artefact("editor-entry.png")), full_page=True)

    # The Arabic translator sees what changed in German, and the preview right to left.
    desk.get_by_role("link", name="Bearbeiten (Arabisch)").click()
    expect(desk.locator(".word-diff ins")).to_contain_text("Dienstag")
    expect(desk.frame_locator("#preview").locator("html")).to_have_attribute("dir", "rtl")
    expect(desk.frame_locator("#preview").locator(".msg.bot")).to_have_attribute("dir", "rtl")
    assert _serious(desk) == []
    desk.screenshot(path=str(artefact("editor-arabic.png")), full_page=True)

    # The running chat answers with the new text: no restart.
    _open_chat(page, web_app, "de")
    reply = _ask(page, QUESTION)
    assert NEW_SENTENCE in reply.inner_text()

    # Confirming the Arabic translation (after seeing the German change) makes it current.
    desk.get_by_role("link", name="Zurück zum Eintrag").click()
    desk.get_by_role("link", name=re.compile(r"Änderungen .* prüfen \(Arabisch\)")).click()
    desk.get_by_label(re.compile("als „geprüft“ speichern")).check()
    desk.get_by_role("button", name="Speichern").click()
    desk.get_by_text(re.compile("Arabisch: gespeichert")).wait_for()
    assert _status_of(desk, "Arabisch") == "geprüft"
    assert _status_of(desk, "Englisch") == "veraltet"
    # A draft is confirmed from the entry page directly.
    desk.get_by_role("button", name="Als geprüft markieren (Deutsch)").click()
    desk.locator(".notice", has_text="Deutsch: als geprüft markiert").wait_for()
    assert _status_of(desk, "Deutsch") == "geprüft"


def test_minor_edit_keeps_translations_current_and_undo_restores_the_old_text(
        desk: Any, web_app: RunningWebApp) -> None:
    _editor(web_app)
    _log_in(desk, web_app, "jonas")
    desk.goto(f"{web_app.base_url}/console/knowledge/entries/{ENTRY}/de")
    title = desk.get_by_label(re.compile("^Titel"))
    title.fill("Sport für Kinder: „Sport vor Ort“")
    desk.get_by_label(re.compile("Kleine Korrektur")).check()
    desk.get_by_role("button", name="Speichern").click()
    desk.get_by_text(re.compile("Deutsch: gespeichert")).wait_for()
    assert _status_of(desk, "Arabisch") == "Entwurf"  # not outdated: a minor edit
    assert "kleine Korrektur" in desk.locator(".history li").first.inner_text()

    desk.get_by_role("button", name=re.compile("rückgängig machen")).click()
    desk.get_by_text("Die Änderung wurde rückgängig gemacht.").wait_for()
    restored = web_app.context.workspace.entry(ENTRY).translations["de"].title  # type: ignore[union-attr]
    assert restored == "Sport für Kinder: Sport vor Ort"
    assert "macht Änderung #1 rückgängig" in desk.locator(".history li").first.inner_text()
    assert desk.get_by_role("button", name=re.compile("rückgängig machen")).count() == 1
    # The undone revision cannot be undone twice; the refusal says why.
    token = desk.locator("input[name=csrf]").first.get_attribute("value")
    again = desk.request.post(f"{web_app.base_url}/console/knowledge/revisions/1/undo",
                              form={"csrf": token})
    assert again.status == 409
    assert "schon rückgängig gemacht" in again.text()


def test_save_over_a_newer_change_is_refused_and_keeps_the_text(
        desk: Any, web_app: RunningWebApp) -> None:
    _editor(web_app)
    _log_in(desk, web_app, "jonas")
    desk.goto(f"{web_app.base_url}/console/knowledge/entries/{ENTRY}/en")
    desk.get_by_label(re.compile("^Titel")).fill("Sport for children (mine)")
    web_app.call(web_app.context.workspace.mark_reviewed(ENTRY, "en", author="other"))  # type: ignore[union-attr]
    desk.get_by_role("button", name="Speichern").click()
    expect(desk.get_by_role("alert")).to_contain_text("während Sie ihn bearbeitet haben")
    expect(desk.get_by_label(re.compile("^Titel"))).to_have_value("Sport for children (mine)")
    desk.get_by_role("button", name="Speichern").click()  # the second save is deliberate
    desk.get_by_text(re.compile("Englisch: gespeichert")).wait_for()


def test_staff_suggestion_becomes_a_new_entry_the_assistant_answers_with(
        desk: Any, web_app: RunningWebApp) -> None:
    async def suggest() -> None:
        db = web_app.context.db  # type: ignore[union-attr]
        async with db.sessions() as session, session.begin():
            session.add(t.FaqSuggestion(
                language="de", city="krefeld", staff_id="console:amira",
                question="Gibt es im KI Krefeld ein Sprachcafé für Frauen?",
                answer="Ja, jeden Mittwoch um 15 Uhr im Raum 3 des KI."))
            for text in DRIVING_LICENCE:  # handed off: no entry answers them
                ticket = t.Ticket(status="open", language="de", city="krefeld", channel="web")
                session.add(ticket)
                await session.flush()
                session.add(t.TicketMessage(ticket_id=ticket.id, author="person", text=text))

    web_app.call(suggest())
    _editor(web_app)
    _log_in(desk, web_app, "jonas")
    desk.get_by_role("link", name="Vorschläge aus dem Posteingang").click()
    assert _serious(desk) == []
    desk.get_by_role("link", name=re.compile("Entwurf anlegen")).first.click()
    expect(desk.get_by_label(re.compile("^Antwort"))).to_have_value(
        "Ja, jeden Mittwoch um 15 Uhr im Raum 3 des KI.")
    desk.get_by_role("button", name="Entwurf anlegen").click()  # nothing chosen yet
    expect(desk.get_by_role("alert")).to_contain_text("Nicht angelegt")
    assert desk.locator(".field-error").count() >= 3  # id, topic, title ...
    desk.get_by_label(re.compile("^Kennung")).fill("krefeld-sprachcafe-frauen")
    desk.get_by_label("Stadt").select_option("krefeld")
    desk.get_by_label("Themenbereich").select_option("language")
    desk.get_by_label(re.compile("^Titel")).fill("Sprachcafé für Frauen")
    desk.get_by_label("Dokument", exact=True).select_option(index=1)
    desk.get_by_label(re.compile("Abschnitt")).fill("Sprachförderung")
    desk.get_by_label("Prüfhinweis für die Redaktion").fill("Termin mit dem Team bestätigen")
    desk.get_by_role("button", name="Entwurf anlegen").click()
    desk.get_by_text(re.compile("Eintrag angelegt")).wait_for()
    assert _status_of(desk, "Deutsch") == "Entwurf"
    assert _status_of(desk, "Arabisch") == "fehlt"
    question = "Gibt es im KI Krefeld ein Sprachcafé für Frauen?"
    assert _answered_with(web_app, question) == "krefeld-sprachcafe-frauen"
    desk.goto(f"{web_app.base_url}/console/knowledge/suggestions")
    assert desk.get_by_text("Keine offenen Vorschläge").count() == 1

    # The recurring handed-off question is one click from a prefilled draft.
    group = desk.locator(".suggestions li", has_text="3 ähnliche Fragen")
    group.get_by_role("button", name=re.compile("Entwurf anlegen")).click()
    desk.get_by_role("heading", name="Neuer Eintrag").wait_for()
    origin = desk.locator(".origin").inner_text()
    assert all(text in origin for text in DRIVING_LICENCE)
    questions = desk.get_by_label(re.compile("^Fragen, wie Menschen")).input_value()
    assert questions.splitlines() == DRIVING_LICENCE


def test_bad_requests_get_clear_answers_and_markup_stays_text(
        desk: Any, web_app: RunningWebApp) -> None:
    _editor(web_app)
    _log_in(desk, web_app, "jonas")
    base = f"{web_app.base_url}/console/knowledge/entries"
    for path in ("/no-such-entry", f"/{ENTRY}/xx", "/..%2F..%2Fetc%2Fpasswd/de", "/Krefeld_Sport"):
        response = desk.goto(base + path)
        assert response is not None
        assert response.status == 404, path
        assert desk.get_by_role("heading", name="Nicht gefunden").count() == 1, path
    forged = desk.request.post(f"{base}/{ENTRY}/de/check", form={"title": "x"})
    assert forged.status == 403

    desk.goto(f"{base}/{ENTRY}/en")
    desk.get_by_label(re.compile("^Titel")).fill("Sport <script>alert(1)</script> **bold**")
    desk.get_by_label(re.compile("^Antwort")).fill("word " * 3000)  # far too long
    desk.get_by_role("button", name="Speichern").click()
    desk.get_by_text(re.compile("Englisch: gespeichert")).wait_for()  # a warning, no error
    assert "<script>alert(1)</script>" in desk.locator("table").inner_text()
    assert desk.locator("script", has_text="alert(1)").count() == 0
    desk.get_by_role("link", name="Bearbeiten", exact=True).click()
    expect(desk.locator("#problems-answer .field-warning")).to_contain_text("Wörter")
    assert "<script>alert(1)</script>" in desk.get_by_label(re.compile("^Titel")).input_value()


def test_odd_query_values_and_problems_outside_the_form_are_shown_not_crashed(
        desk: Any, web_app: RunningWebApp) -> None:
    _editor(web_app)
    _log_in(desk, web_app, "jonas")
    base = f"{web_app.base_url}/console/knowledge"
    for path in (f"/entries/{ENTRY}?done=saved&hints=%C2%B2&lang=", "/new?suggestion=%C2%B2",
                 f"/new?suggestion={'9' * 5000}"):
        response = desk.goto(base + path)
        assert response is not None
        assert response.status == 200, path

    # A problem the language form cannot fix (a source file that is gone) is still shown.
    path = web_app.context.settings.knowledge_dir / "krefeld" / f"{ENTRY}.yaml"  # type: ignore[union-attr]
    path.write_text(path.read_text(encoding="utf-8").replace(
        "file: 000_f0237e21997493b0.txt", "file: gone.txt", 1), encoding="utf-8")
    desk.goto(f"{base}/entries/{ENTRY}/tr")
    expect(desk.locator("#problems-general .field-error")).to_contain_text("gone.txt")
    desk.get_by_role("button", name="Speichern").click()
    expect(desk.get_by_role("alert")).to_contain_text("Nicht gespeichert")
    expect(desk.locator("#problems-general .field-error")).to_contain_text("gone.txt")
