"""The web chat and the staff console in a real browser (Debian's Chromium via Playwright)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.web.users import LOCK_AFTER_FAILURES, add_user
from tests.web.conftest import artefact
from tests.web.server import RunningWebApp

pytestmark = pytest.mark.browser

STAFF_PASSWORD = "richtig-geheim-123"  # noqa: S105 - a test account


def _serious(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}x)"
            for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]


def _open_chat(page: Any, app: RunningWebApp, language: str) -> None:
    page.goto(f"{app.base_url}/chat?lang={language}&city=krefeld")
    page.locator(".msg.bot").first.wait_for()  # the greeting


def _ask(page: Any, text: str) -> Any:
    before = page.locator(".msg.bot").count()
    page.get_by_role("textbox").fill(text)
    page.keyboard.press("Enter")
    reply = page.locator(".msg.bot").nth(before)
    reply.wait_for()
    return reply


def _staff(app: RunningWebApp, username: str = "amira", role: str = "staff") -> None:
    app.call(add_user(app.context.db, username, STAFF_PASSWORD, role,  # type: ignore[union-attr]
                      display_name=username.capitalize()))


def _log_in(desk: Any, app: RunningWebApp, username: str, password: str = STAFF_PASSWORD) -> None:
    desk.goto(f"{app.base_url}/console/login")
    desk.get_by_label("Benutzername").fill(username)
    desk.get_by_label("Passwort").fill(password)
    desk.get_by_role("button", name="Anmelden").click()


def test_arabic_dialogue_right_to_left(page: Any, web_app: RunningWebApp) -> None:
    _open_chat(page, web_app, "ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    reply = _ask(page, "أين يقع مركز الاندماج في كريفيلد وكيف أتواصل معه؟")
    assert reply.get_attribute("dir") == "rtl"
    assert reply.get_attribute("lang") == "ar"
    text = reply.inner_text()
    assert "02151" in text  # the KI Krefeld's phone number from the entry's contact block
    assert re.search(r"[\u0600-\u06FF]{3}", text)
    # always visible: no legal advice, and emergency numbers
    assert page.locator(".notice.legal").is_visible()
    assert page.locator("a[href='tel:112']").is_visible()
    assert page.locator("a[href='tel:110']").is_visible()
    # a 360-px phone screen: nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # the bubble sits at the right edge (mirrored layout)
    box = reply.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] > 300
    page.screenshot(path=str(artefact("chat-arabic.png")), full_page=True)
    # coming back with the same browser shows the conversation again
    page.reload()
    page.locator(".msg.bot", has_text="02151").first.wait_for()


def test_keyboard_only_question_and_feedback(page: Any, web_app: RunningWebApp) -> None:
    _open_chat(page, web_app, "de")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "message":
            break
    else:
        pytest.fail("the message field cannot be reached with the Tab key")
    page.keyboard.type("Wie erreiche ich das Integrationszentrum in Krefeld?")
    page.keyboard.press("Enter")
    helpful = page.locator(".msg.bot .buttons button").first
    helpful.wait_for()
    helpful.focus()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible
    page.keyboard.press("Enter")
    page.locator(".msg.bot", has_text="Danke").wait_for()


@pytest.mark.parametrize("language", ["ar", "de"])
def test_chat_page_has_no_serious_accessibility_violations(
        page: Any, web_app: RunningWebApp, language: str) -> None:
    _open_chat(page, web_app, language)
    _ask(page, "Wo ist das KI Krefeld?" if language == "de" else "أين مركز الاندماج؟")
    assert _serious(page) == []


@pytest.mark.parametrize("web_database_url", ["sqlite", "postgresql"], indirect=True)
def test_handoff_answered_from_the_console_appears_in_the_chat(
        page: Any, desk: Any, web_app: RunningWebApp) -> None:
    _open_chat(page, web_app, "de")
    dialogs: list[str] = []
    desk.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Eine Person fragen").click()
    page.locator(".msg.bot").nth(1).wait_for()
    question = "Kann mir jemand beim Formular helfen? <script>alert('xss')</script> **fett**"
    page.get_by_role("textbox").fill(question)
    page.keyboard.press("Enter")
    page.get_by_role("button", name=re.compile("Ja")).click()
    page.locator(".msg.bot", has_text="Antwort").last.wait_for()

    _staff(web_app)
    _log_in(desk, web_app, "amira")
    desk.get_by_role("heading", name="Posteingang").wait_for()
    cell = desk.locator("td.question").first
    assert "<script>alert('xss')</script>" in cell.inner_text()  # shown as text
    assert desk.locator("td.question script").count() == 0
    assert _serious(desk) == []
    desk.screenshot(path=str(artefact("console-inbox.png")), full_page=True)
    desk.locator("tbody a").first.click()
    desk.get_by_role("button", name="Übernehmen").click()
    desk.get_by_label(re.compile("Antwort an die Person")).fill(
        "Gerne! Kommen Sie am Montag um 10 Uhr ins KI, Raum 3.")
    desk.get_by_role("button", name="Antwort senden").click()
    desk.get_by_text("Antwort wird zugestellt.").wait_for()
    assert "<script>alert('xss')</script>" in desk.locator(".thread").inner_text()
    desk.screenshot(path=str(artefact("console-ticket.png")), full_page=True)

    page.locator(".msg.bot.relay", has_text="Montag um 10 Uhr").wait_for()
    while_open = _ask(page, "Danke, bis Montag!")  # goes to staff, not to the matcher
    assert "KI" in while_open.inner_text()
    desk.reload()
    assert "Danke, bis Montag!" in desk.locator(".thread").inner_text()
    desk.get_by_role("button", name="Anliegen schließen").click()
    page.locator(".msg.bot").last.wait_for()
    page.wait_for_function("() => [...document.querySelectorAll('.msg.bot')]"
                           ".some(m => m.innerText.includes('wieder'))")
    assert dialogs == []


def test_console_rejects_forms_without_csrf_token(desk: Any, web_app: RunningWebApp) -> None:
    _staff(web_app)
    _log_in(desk, web_app, "amira")
    desk.get_by_role("heading", name="Posteingang").wait_for()
    forged = desk.request.post(f"{web_app.base_url}/console/tickets/1/action",
                               form={"action": "close"})
    assert forged.status == 403
    login_without_token = desk.request.post(f"{web_app.base_url}/console/login",
                                            form={"username": "amira",
                                                  "password": STAFF_PASSWORD})
    assert login_without_token.status == 403


def test_login_lockout_after_repeated_failures(desk: Any, web_app: RunningWebApp) -> None:
    _staff(web_app)
    for _ in range(LOCK_AFTER_FAILURES - 1):
        _log_in(desk, web_app, "amira", "falsch-falsch")
        desk.get_by_text("Benutzername oder Passwort ist falsch.").wait_for()
    _log_in(desk, web_app, "amira", "falsch-falsch")
    desk.get_by_text(re.compile("gesperrt")).wait_for()
    _log_in(desk, web_app, "amira")  # even the right password is refused while locked
    desk.get_by_text(re.compile("gesperrt")).wait_for()
    assert "Posteingang" not in desk.content()


def test_staff_cannot_open_the_editor_area_and_guests_are_sent_to_login(
        desk: Any, web_app: RunningWebApp) -> None:
    desk.goto(f"{web_app.base_url}/console/tickets")
    assert desk.url.endswith("/console/login")
    _staff(web_app)
    _log_in(desk, web_app, "amira")
    desk.get_by_role("heading", name="Posteingang").wait_for()
    assert _serious(desk) == []
    assert desk.get_by_role("link", name="Redaktion").count() == 0
    refused = desk.goto(f"{web_app.base_url}/console/knowledge")
    assert refused is not None
    assert refused.status == 403
