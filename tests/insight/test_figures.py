"""Dashboard figures on a real database (SQLite and PostgreSQL): exact aggregates, counted
by Europe/Berlin days across midnight and the switch to summer time (29 March 2026)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.insight.figures import (
    Count,
    DailyCount,
    EntryFigures,
    FeedbackFigures,
    Series,
    dashboard_figures,
    decision_group,
    local_day,
)
from bot.storage import tables as t
from bot.storage.db import Database
from tests.insight.rows import BERLIN, SINCE, UNTIL, berlin, seed


def test_the_boundary_rows_fall_on_another_utc_day() -> None:
    """The seed data really crosses midnight: UTC date and Berlin date differ."""
    assert berlin(28, 0, 0).date() == dt.date(2026, 3, 27)
    assert local_day(berlin(28, 0, 0)) == dt.date(2026, 3, 28)
    assert berlin(30, 0, 0).date() == dt.date(2026, 3, 29)
    assert local_day(berlin(30, 0, 0)) == dt.date(2026, 3, 30)
    assert local_day(berlin(29, 3, 30).replace(tzinfo=None)) == dt.date(2026, 3, 29)


async def test_questions_are_counted_per_berlin_day(database: Database) -> None:
    await seed(database)
    figures = await dashboard_figures(database, since=SINCE, until=UNTIL)
    d28, d29 = dt.date(2026, 3, 28), dt.date(2026, 3, 29)

    assert figures.days == (d28, d29)
    assert figures.daily == (
        DailyCount(d28, "ar", "krefeld", "answered", 1),
        DailyCount(d28, "de", "essen", "clarified", 1),
        DailyCount(d28, "de", "krefeld", "answered", 1),
        DailyCount(d28, "unknown", "essen", "other", 1),
        DailyCount(d29, "ar", "essen", "handed_off", 1),
        DailyCount(d29, "de", "krefeld", "answered", 1),
        DailyCount(d29, "de", "krefeld", "referred", 2),
        DailyCount(d29, "de", "krefeld", "other", 1),
        DailyCount(d29, "de", "unknown", "answered", 1),
        DailyCount(d29, "uk", "krefeld", "answered", 1),
    )
    assert figures.by_language == (
        Series("de", (2, 5)), Series("ar", (1, 1)), Series("uk", (0, 1)),
        Series("unknown", (1, 0)),
    )
    assert figures.by_city == (
        Series("krefeld", (2, 5)), Series("essen", (2, 1)), Series("unknown", (0, 1)),
    )
    assert figures.decision_groups == (
        Count("answered", 5), Count("clarified", 1), Count("handed_off", 1),
        Count("referred", 2), Count("other", 2),
    )
    assert figures.decisions == (
        Count("answer", 5), Count("clarify", 1), Count("emergency", 1), Count("handoff", 1),
        Count("legal_referral", 1), Count("not_covered", 1), Count("unsupported_language", 1),
    )
    assert figures.total_questions == 11


async def test_entries_and_feedback(database: Database) -> None:
    await seed(database)
    figures = await dashboard_figures(database, since=SINCE, until=UNTIL)

    assert figures.top_entries == (
        EntryFigures("kita", answers=3, helpful=2, not_helpful=1),
        EntryFigures("sport", answers=2, helpful=0, not_helpful=1),
    )
    assert figures.top_entries[0].helpful_ratio == pytest.approx(2 / 3)
    # "wohnung" answered only outside the period, but its feedback counts in the total
    assert figures.feedback == FeedbackFigures(helpful=3, not_helpful=2)
    assert figures.feedback.helpful_ratio == pytest.approx(0.6)


async def test_ticket_figures(database: Database) -> None:
    await seed(database)
    tickets = (await dashboard_figures(database, since=SINCE, until=UNTIL)).tickets

    assert (tickets.opened, tickets.closed, tickets.withdrawn) == (7, 3, 1)
    assert (tickets.replied, tickets.waiting) == (4, 2)
    # waits: 0.5 h, 2 h, 3 h, 10 h -> median 2.5 h; p90 at rank 2.7: 3 h + 0.7 * 7 h
    assert tickets.median_first_reply == dt.timedelta(hours=2, minutes=30)
    assert tickets.p90_first_reply == dt.timedelta(hours=7, minutes=54)
    assert tickets.opened_by_language == (Count("de", 4), Count("ar", 2), Count("tr", 1))
    assert tickets.opened_by_city == (Count("krefeld", 5), Count("essen", 2))


async def test_one_city(database: Database) -> None:
    await seed(database)
    figures = await dashboard_figures(database, since=SINCE, until=UNTIL, city="krefeld")

    assert figures.city == "krefeld"
    assert figures.by_city == (Series("krefeld", (2, 5)),)
    assert figures.by_language == (Series("de", (1, 4)), Series("ar", (1, 0)),
                                   Series("uk", (0, 1)))
    assert figures.decision_groups == (
        Count("answered", 4), Count("clarified", 0), Count("handed_off", 0),
        Count("referred", 2), Count("other", 1),
    )
    assert figures.top_entries == (
        EntryFigures("kita", answers=2, helpful=1, not_helpful=1),
        EntryFigures("sport", answers=2, helpful=0, not_helpful=1),
    )
    assert figures.feedback == FeedbackFigures(helpful=1, not_helpful=2)
    tickets = figures.tickets
    assert (tickets.opened, tickets.closed, tickets.withdrawn, tickets.replied,
            tickets.waiting) == (5, 3, 0, 3, 2)
    # waits: 0.5 h, 3 h, 10 h
    assert tickets.median_first_reply == dt.timedelta(hours=3)
    assert tickets.p90_first_reply == dt.timedelta(hours=8, minutes=36)


async def test_a_single_day(database: Database) -> None:
    await seed(database)
    figures = await dashboard_figures(database, since=UNTIL, until=UNTIL)

    assert figures.days == (UNTIL,)
    assert figures.by_language == (Series("de", (5,)), Series("ar", (1,)),
                                   Series("uk", (1,)))
    assert figures.total_questions == 7
    assert figures.tickets.opened == 5  # t3, t4, t5, t6, t9


async def test_an_empty_period(database: Database) -> None:
    await seed(database)
    figures = await dashboard_figures(database, since=dt.date(2026, 1, 1),
                                      until=dt.date(2026, 1, 3))

    assert len(figures.days) == 3
    assert figures.daily == ()
    assert figures.by_language == figures.by_city == ()
    assert [c.count for c in figures.decision_groups] == [0, 0, 0, 0, 0]
    assert figures.decisions == figures.top_entries == ()
    assert figures.feedback == FeedbackFigures(0, 0)
    assert figures.feedback.helpful_ratio is None
    assert figures.tickets.opened == figures.tickets.waiting == 0
    assert figures.tickets.median_first_reply is None
    assert figures.tickets.p90_first_reply is None


async def test_until_before_since_is_refused(database: Database) -> None:
    with pytest.raises(ValueError, match="before"):
        await dashboard_figures(database, since=UNTIL, until=SINCE)


async def test_top_entries_are_the_ten_most_used(database: Database) -> None:
    async with database.sessions() as session:
        for number in range(12):  # entry-00 answers once, entry-11 twelve times
            for _ in range(number + 1):
                session.add(t.QuestionLog(asked_at=berlin(28, 12), channel="web",
                                          language="de", city="essen", decision="answer",
                                          entry_id=f"entry-{number:02d}"))
        for entry in ("tie-b", "tie-a"):
            for _ in range(5):
                session.add(t.QuestionLog(asked_at=berlin(28, 12), channel="web",
                                          language="de", city="essen", decision="answer",
                                          entry_id=entry))
        # a clarify question names no answered entry
        session.add(t.QuestionLog(asked_at=berlin(28, 12), channel="web", language="de",
                                  city="essen", decision="clarify", entry_id="entry-00"))
        await session.commit()
    figures = await dashboard_figures(database, since=SINCE, until=SINCE)

    assert [(e.entry_id, e.answers) for e in figures.top_entries] == [
        ("entry-11", 12), ("entry-10", 11), ("entry-09", 10), ("entry-08", 9),
        ("entry-07", 8), ("entry-06", 7), ("entry-05", 6), ("entry-04", 5), ("tie-a", 5),
        ("tie-b", 5),
    ]


async def test_a_long_period_is_counted_in_parts(database: Database) -> None:
    """More than a year: the day ladder is split; rows next to the split count once."""
    moments = [
        dt.datetime(2025, 1, 1, 0, 0, tzinfo=BERLIN),  # first day
        dt.datetime(2026, 1, 1, 23, 30, tzinfo=BERLIN),  # day 366, the last of part one
        dt.datetime(2026, 1, 2, 0, 30, tzinfo=BERLIN),  # day 367, the first of part two
        dt.datetime(2026, 12, 31, 23, 59, tzinfo=BERLIN),  # last day
        dt.datetime(2027, 1, 1, 0, 0, tzinfo=BERLIN),  # after the period
    ]
    async with database.sessions() as session:
        for moment in moments:
            session.add(t.QuestionLog(asked_at=moment.astimezone(dt.UTC), channel="web",
                                      language="de", city="essen", decision="answer"))
        await session.commit()
    figures = await dashboard_figures(database, since=dt.date(2025, 1, 1),
                                      until=dt.date(2026, 12, 31))

    assert len(figures.days) == 730
    assert [(row.day, row.count) for row in figures.daily] == [
        (dt.date(2025, 1, 1), 1), (dt.date(2026, 1, 1), 1), (dt.date(2026, 1, 2), 1),
        (dt.date(2026, 12, 31), 1),
    ]
    assert figures.by_language[0].total == 4


def test_decision_groups() -> None:
    assert decision_group("answer") == "answered"
    assert decision_group("clarify") == "clarified"
    assert decision_group("handoff") == "handed_off"
    assert decision_group("legal_referral") == decision_group("emergency") == "referred"
    assert decision_group("unsupported_language") == "other"
    assert decision_group("something_new") == "other"
