"""CSV exports: they parse back with the csv module to exactly the figures."""

from __future__ import annotations

import csv
import datetime as dt
import io

from bot.insight.export import daily_csv, ticket_summary_csv
from bot.insight.figures import dashboard_figures
from bot.storage.db import Database
from tests.insight.rows import SINCE, UNTIL, seed
from tests.insight.sample import figures, tickets


def read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_daily_csv() -> None:
    text = daily_csv(figures())
    assert read(text) == [
        ["day", "language", "city", "decision_group", "count"],
        ["2026-03-28", "ar", "krefeld", "answered", "1"],
        ["2026-03-28", "de", 'Essen, "Nord"', "clarified", "2"],
        ["2026-03-29", "uk", "Düsseldorf", "handed_off", "3"],
        ["2026-03-30", "unknown", "unknown", "other", "1"],
    ]
    # quoted where needed, and the text survives UTF-8
    assert '"Essen, ""Nord"""' in text
    assert text.encode("utf-8").decode("utf-8") == text
    assert text.endswith("\r\n")


def test_daily_csv_without_questions_has_the_header_only() -> None:
    assert read(daily_csv(figures(daily=()))) == [
        ["day", "language", "city", "decision_group", "count"]]


def test_ticket_summary_csv() -> None:
    expected = [
        ["figure", "value"],
        ["opened", "7"],
        ["closed", "3"],
        ["withdrawn", "1"],
        ["replied", "4"],
        ["waiting", "2"],
        ["median_first_reply_seconds", "9000"],
        ["p90_first_reply_seconds", "28440"],
        ["opened_language_de", "4"],
        ["opened_language_ar", "3"],
        ["opened_city_krefeld", "5"],
        ["opened_city_essen", "2"],
    ]
    assert read(ticket_summary_csv(tickets())) == expected
    assert read(ticket_summary_csv(figures())) == expected


def test_ticket_summary_without_replies_leaves_the_times_empty() -> None:
    rows = read(ticket_summary_csv(tickets(replied=0, median_first_reply=None,
                                           p90_first_reply=None, opened_by_language=(),
                                           opened_by_city=())))
    assert rows[-2:] == [["median_first_reply_seconds", ""], ["p90_first_reply_seconds", ""]]


async def test_exports_of_database_figures(database: Database) -> None:
    await seed(database)
    figures_ = await dashboard_figures(database, since=SINCE, until=UNTIL, city="essen")

    assert read(daily_csv(figures_))[1:] == [
        ["2026-03-28", "de", "essen", "clarified", "1"],
        ["2026-03-28", "unknown", "essen", "other", "1"],
        ["2026-03-29", "ar", "essen", "handed_off", "1"],
    ]
    summary = dict(read(ticket_summary_csv(figures_))[1:])
    assert summary["opened"] == "2"  # t2 and t6
    assert summary["withdrawn"] == "1"
    assert summary["median_first_reply_seconds"] == str(int(dt.timedelta(hours=2)
                                                           .total_seconds()))
