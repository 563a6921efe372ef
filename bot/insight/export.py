"""CSV exports of the dashboard figures (text; the web layer sends it as UTF-8).

Rows are written by the :mod:`csv` module (comma separated, RFC 4180 line ends, a header
row). Only aggregated figures are exported.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence

from bot.insight.figures import DashboardFigures, TicketFigures

__all__ = ["DAILY_HEADER", "TICKET_HEADER", "daily_csv", "ticket_summary_csv"]

DAILY_HEADER = ("day", "language", "city", "decision_group", "count")
TICKET_HEADER = ("figure", "value")


def _write(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def daily_csv(figures: DashboardFigures) -> str:
    """One row per local day, language, city and decision group that had questions."""
    return _write(DAILY_HEADER, ((row.day.isoformat(), row.language, row.city, row.group,
                                  row.count) for row in figures.daily))


def _seconds(duration: dt.timedelta | None) -> str:
    return "" if duration is None else str(round(duration.total_seconds()))


def ticket_summary_csv(tickets: TicketFigures | DashboardFigures) -> str:
    """The ticket figures, one per row; times to the first reply in whole seconds (empty
    without replies), then the opened tickets per language and per city."""
    if isinstance(tickets, DashboardFigures):
        tickets = tickets.tickets
    rows: list[tuple[str, object]] = [
        ("opened", tickets.opened),
        ("closed", tickets.closed),
        ("withdrawn", tickets.withdrawn),
        ("replied", tickets.replied),
        ("waiting", tickets.waiting),
        ("median_first_reply_seconds", _seconds(tickets.median_first_reply)),
        ("p90_first_reply_seconds", _seconds(tickets.p90_first_reply)),
    ]
    rows += [(f"opened_language_{c.key}", c.count) for c in tickets.opened_by_language]
    rows += [(f"opened_city_{c.key}", c.count) for c in tickets.opened_by_city]
    return _write(TICKET_HEADER, rows)
