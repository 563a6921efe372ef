"""The insight dashboard in a real browser: figures from real conversations, charts, CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest

from bot.conversation.model import EventKind, PersonEvent
from bot.storage import tables as t
from bot.web.dashboard import german_duration
from bot.web.question_vectors import QuestionVectors
from tests.fakes import FakeEmbedder
from tests.web.conftest import artefact
from tests.web.server import RunningWebApp
from tests.web.test_browser import _log_in, _serious, _staff

# (city, language hint, question): asked through the conversation service, today
QUESTIONS = [
    ("krefeld", "de", "Wo ist das Integrationszentrum in Krefeld?"),
    ("krefeld", "ar", "أين يقع مركز الاندماج في كريفيلد وكيف أتواصل معه؟"),
    ("essen", "de", "Wie erreiche ich das Kommunale Integrationszentrum in Essen?"),
]
DRIVING_LICENCE = [
    "Wo kann ich meinen ausländischen Führerschein umschreiben lassen?",
    "Wo lasse ich meinen ausländischen Führerschein umschreiben?",
    "Wie kann ich meinen ausländischen Führerschein umschreiben lassen?",
]
LIBRARY = "Wann öffnet die <b>Stadtbibliothek</b> am Samstag?"
# (first message, minutes to the first staff reply)
TICKETS = [(DRIVING_LICENCE[0], 12), (DRIVING_LICENCE[1], 30), (DRIVING_LICENCE[2], 185),
           (LIBRARY, None), (LIBRARY, None),
           ("Mein Nachbar ist nachts sehr laut, was kann ich tun?", None)]


async def _seed(app: RunningWebApp) -> None:
    """Three questions today through the service, one 20 days ago (Essen, Turkish), and
    six handed-off questions in Krefeld, three of them replied to by staff."""
    context = app.context
    assert context is not None
    for n, (city, language, text) in enumerate(QUESTIONS):
        await context.service.handle_person(PersonEvent(
            channel="web", chat_id=f"dashboard-{n}", kind=EventKind.TEXT, text=text,
            language_hint=language, city_hint=city))
    now = dt.datetime.now(tz=dt.UTC)
    async with context.db.sessions() as session:
        session.add(t.QuestionLog(asked_at=now - dt.timedelta(days=20), channel="telegram",
                                  language="tr", city="essen", decision="handoff"))
        for text, minutes in TICKETS:
            opened = now - dt.timedelta(hours=4)
            ticket = t.Ticket(created_at=opened, status="open", language="de", city="krefeld",
                              channel="web")
            if minutes is not None:
                ticket.first_reply_at = opened + dt.timedelta(minutes=minutes)
                ticket.status = "answered"
            session.add(ticket)
            await session.flush()
            session.add(t.TicketMessage(ticket_id=ticket.id, author="person", text=text,
                                        created_at=opened))
        await session.commit()


def _open_dashboard(desk: Any, app: RunningWebApp, query: str = "") -> None:
    desk.goto(f"{app.base_url}/console/dashboard{query}")
    desk.get_by_role("heading", name="Auswertung", exact=True).wait_for()


def _figure(desk: Any, name: str) -> str:
    text: str = desk.locator(f"[data-figure='{name}']").inner_text()
    return text


def _csv(desk: Any, app: RunningWebApp, url: str) -> tuple[Any, list[list[str]]]:
    response = desk.request.get(url if url.startswith("http") else f"{app.base_url}{url}")
    return response, list(csv.reader(io.StringIO(response.text())))


def test_german_durations() -> None:
    assert german_duration(None) == "–"
    assert german_duration(dt.timedelta(seconds=20)) == "unter 1 min"
    assert german_duration(dt.timedelta(minutes=12, seconds=10)) == "12 min"
    assert german_duration(dt.timedelta(hours=3, minutes=5)) == "3 h 5 min"
    assert german_duration(dt.timedelta(hours=2)) == "2 h"
    assert german_duration(dt.timedelta(days=1, hours=4, minutes=10)) == "1 Tag 4 h"
    assert german_duration(dt.timedelta(days=3)) == "3 Tage"


def test_question_vectors_are_kept_for_a_while_and_embedded_in_batches() -> None:
    """Check that a second visit embeds only new questions, and that vectors expire."""
    now = [0.0]
    vectors = QuestionVectors(size=100, seconds=60, clock=lambda: now[0])
    embedder = FakeEmbedder()
    texts = [f"Frage Nummer {n}" for n in range(40)]
    first = vectors.embed(embedder, texts)
    assert first.shape == (40, embedder.dim)
    assert (embedder.calls, embedder.texts_embedded) == (2, 40)  # batches of 32
    again = vectors.embed(embedder, [*texts[::-1], "Eine neue Frage"])
    assert embedder.texts_embedded == 41
    assert (again[0] == first[-1]).all()
    now[0] = 61
    vectors.embed(embedder, texts[:1])
    assert embedder.texts_embedded == 42
    assert len(vectors) == 1  # the rest expired
    assert vectors.embed(embedder, []).shape == (0, embedder.dim)


@pytest.mark.browser
def test_dashboard_shows_the_figures_charts_and_recurring_questions(
        desk: Any, web_app: RunningWebApp) -> None:
    blocked: list[str] = []
    desk.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    web_app.call(_seed(web_app))
    _staff(web_app, "jonas")
    _log_in(desk, web_app, "jonas")
    desk.get_by_role("heading", name="Posteingang").wait_for()
    desk.get_by_role("link", name="Auswertung").click()
    desk.get_by_role("heading", name="Auswertung", exact=True).wait_for()

    assert _figure(desk, "questions") == "4"  # three today, one 20 days ago
    assert _figure(desk, "tickets").startswith("6")
    assert _figure(desk, "median").startswith("30 min")
    assert _figure(desk, "p90").startswith("2 h 34 min")  # 30 + 0.8 x 155 minutes

    # four charts, drawn with their own styles (a blocked style sheet paints them black)
    images = desk.locator("figure.chart img")
    assert images.count() == 4
    for n in range(4):
        image = images.nth(n)
        assert image.is_visible()
        assert image.get_attribute("alt")
        assert image.evaluate("i => i.complete && i.naturalWidth > 0")
        corner = image.evaluate("""i => { const c = document.createElement('canvas');
            c.width = i.naturalWidth; c.height = i.naturalHeight;
            const g = c.getContext('2d'); g.drawImage(i, 0, 0);
            return Array.from(g.getImageData(2, 2, 1, 1).data); }""")
        assert corner == [255, 255, 255, 255]
    languages = desk.locator("#chart-per-language table")
    assert "Arabisch" in languages.locator("thead").text_content()
    assert "Deutsch" in languages.locator("thead").text_content()
    assert languages.locator("caption").text_content() == "Fragen pro Tag nach Sprache"

    groups = desk.locator("table.clusters tbody tr")
    assert groups.count() == 2
    assert groups.nth(0).locator("td").first.inner_text() == "3"
    assert "Führerschein" in groups.nth(0).inner_text()
    assert groups.nth(1).locator("td.question").inner_text() == LIBRARY  # shown as text
    assert desk.locator("table.clusters b").count() == 0

    desk.screenshot(path=str(artefact("console-dashboard.png")), full_page=True)
    for summary in desk.locator("details summary").all():
        summary.click()  # so that the scan sees the tables too
    assert _serious(desk) == []

    desk.set_viewport_size({"width": 360, "height": 740})
    assert desk.evaluate("document.documentElement.scrollWidth") <= 360
    assert images.first.bounding_box()["width"] <= 360
    desk.screenshot(path=str(artefact("console-dashboard-phone.png")), full_page=True)
    assert blocked == []


@pytest.mark.browser
@pytest.mark.parametrize("web_database_url", ["sqlite", "postgresql"], indirect=True)
def test_csv_exports_and_the_filter_follow_period_and_city(
        desk: Any, web_app: RunningWebApp) -> None:
    web_app.call(_seed(web_app))
    _staff(web_app, "lena", role="editor")
    _log_in(desk, web_app, "lena")
    _open_dashboard(desk, web_app)
    assert _figure(desk, "questions") == "4"

    desk.get_by_label("Zeitraum", exact=True).select_option("7")
    desk.get_by_role("button", name="Anzeigen").click()
    desk.wait_for_url("**period=7**")
    assert _figure(desk, "questions") == "3"  # the one 20 days ago is left out
    desk.get_by_label("Stadt", exact=True).select_option("essen")
    desk.get_by_role("button", name="Anzeigen").click()
    desk.wait_for_url("**city=essen**")
    assert _figure(desk, "questions") == "1"
    assert _figure(desk, "tickets").startswith("0")  # the tickets are Krefeld's
    assert desk.locator("#chart-per-city").count() == 0  # one city: no chart per city
    assert desk.get_by_label("Zeitraum", exact=True).input_value() == "7"

    link = desk.get_by_role("link", name="Fragen pro Tag, Sprache, Stadt und Entscheidung (CSV)")
    href = link.get_attribute("href")
    assert href.endswith("/console/dashboard/daily.csv?period=7&city=essen")
    response, rows = _csv(desk, web_app, href)
    assert response.status == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="wegweiser-daily-')
    assert disposition.endswith('-essen.csv"')
    assert rows[0] == ["day", "language", "city", "decision_group", "count"]
    assert [(row[1], row[2], row[4]) for row in rows[1:]] == [("de", "essen", "1")]

    _, rows = _csv(desk, web_app, "/console/dashboard/daily.csv?period=30")
    assert sum(int(row[4]) for row in rows[1:]) == 4
    assert {row[1] for row in rows[1:]} >= {"ar", "tr"}
    assert {row[2] for row in rows[1:]} == {"krefeld", "essen"}

    response, rows = _csv(desk, web_app, "/console/dashboard/tickets.csv?city=krefeld")
    figures = dict(rows[1:])
    assert rows[0] == ["figure", "value"]
    assert figures["opened"] == "6"
    assert figures["replied"] == "3"
    assert figures["median_first_reply_seconds"] == "1800"
    assert figures["opened_city_krefeld"] == "6"
    assert "-krefeld.csv" in response.headers["content-disposition"]

    assert desk.request.get(f"{web_app.base_url}/console/dashboard/secrets.csv").status == 404


@pytest.mark.browser
def test_guests_are_sent_to_login(desk: Any, web_app: RunningWebApp) -> None:
    desk.goto(f"{web_app.base_url}/console/dashboard?period=7")
    assert desk.url.endswith("/console/login")
    export = desk.request.get(f"{web_app.base_url}/console/dashboard/daily.csv",
                              max_redirects=0)
    assert export.status == 303
    assert export.headers["location"].endswith("/console/login")
