"""Hand-made dashboard figures for the chart and export tests."""

from __future__ import annotations

import datetime as dt

from bot.insight.figures import (
    DECISION_GROUPS,
    Count,
    DailyCount,
    DashboardFigures,
    EntryFigures,
    FeedbackFigures,
    Series,
    TicketFigures,
)

DAYS = (dt.date(2026, 3, 28), dt.date(2026, 3, 29), dt.date(2026, 3, 30))


def tickets(**changes: object) -> TicketFigures:
    values: dict[str, object] = {
        "opened": 7, "closed": 3, "withdrawn": 1, "replied": 4, "waiting": 2,
        "median_first_reply": dt.timedelta(hours=2, minutes=30),
        "p90_first_reply": dt.timedelta(hours=7, minutes=54, seconds=0.4),
        "opened_by_language": (Count("de", 4), Count("ar", 3)),
        "opened_by_city": (Count("krefeld", 5), Count("essen", 2)),
    }
    values.update(changes)
    return TicketFigures(**values)  # type: ignore[arg-type]


def figures(languages: int = 3, **changes: object) -> DashboardFigures:
    names = ["de", "ar", "uk", "tr", "fa", "ru", "en", "ti"][:languages]
    values: dict[str, object] = {
        "since": DAYS[0],
        "until": DAYS[-1],
        "city": None,
        "days": DAYS,
        "daily": (
            DailyCount(DAYS[0], "ar", "krefeld", "answered", 1),
            DailyCount(DAYS[0], "de", 'Essen, "Nord"', "clarified", 2),
            DailyCount(DAYS[1], "uk", "Düsseldorf", "handed_off", 3),
            DailyCount(DAYS[2], "unknown", "unknown", "other", 1),
        ),
        "by_language": tuple(Series(name, (n + 1, 0, 2 * n)) for n, name in enumerate(names)),
        "by_city": (Series("krefeld", (1, 2, 3)), Series("essen", (0, 1, 0))),
        "decision_groups": tuple(Count(group, n) for group, n
                                 in zip(DECISION_GROUPS, (40, 7, 5, 2, 0), strict=True)),
        "decisions": (Count("answer", 40),),
        "top_entries": (EntryFigures("kita-anmeldung", 12, 4, 1),
                        EntryFigures("wohnberechtigungsschein-beantragen", 9, 0, 2)),
        "feedback": FeedbackFigures(4, 3),
        "tickets": tickets(),
    }
    values.update(changes)
    return DashboardFigures(**values)  # type: ignore[arg-type]
