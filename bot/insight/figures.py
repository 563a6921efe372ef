"""The dashboard's figures: aggregated counts from the question log, feedback and tickets.

Only aggregates leave this module (no chat ids, no texts). Days are calendar days in
Europe/Berlin: a question at 23:30 UTC on 21 November counts for 22 November (00:30 local).
Counting happens in SQL (``GROUP BY``) on both SQLite and PostgreSQL; the local day of a
timestamp is found without date functions (which the two databases do not share): Python
computes the UTC instant of each local midnight in the range, and a ``CASE`` ladder of plain
comparisons gives each row the index of its day. Timestamps are stored in UTC (the service
writes :func:`bot.storage.tables.utcnow`); SQLite returns them without a zone, read as UTC.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Integer, and_, case, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage import tables as t
from bot.storage.db import Database
from handoff.tickets import ACTIVE, TicketStatus

__all__ = [
    "ANSWERED",
    "CLARIFIED",
    "DECISION_GROUPS",
    "HANDED_OFF",
    "LOCAL_ZONE",
    "OTHER",
    "REFERRED",
    "TOP_ENTRIES",
    "UNKNOWN",
    "Count",
    "DailyCount",
    "DashboardFigures",
    "EntryFigures",
    "FeedbackFigures",
    "Series",
    "TicketFigures",
    "dashboard_figures",
    "day_bounds",
    "decision_group",
    "local_day",
]

LOCAL_ZONE = ZoneInfo("Europe/Berlin")
UNKNOWN = "unknown"  # stands for a missing language or city
TOP_ENTRIES = 10
MAX_DAYS_PER_QUERY = 366  # keeps the CASE ladder (one bound value per day) small

ANSWERED = "answered"
CLARIFIED = "clarified"
HANDED_OFF = "handed_off"
REFERRED = "referred"
OTHER = "other"
DECISION_GROUPS = (ANSWERED, CLARIFIED, HANDED_OFF, REFERRED, OTHER)
_GROUP_OF: Mapping[str, str] = {
    "answer": ANSWERED,
    "clarify": CLARIFIED,
    "handoff": HANDED_OFF,
    "legal_referral": REFERRED,
    "emergency": REFERRED,
}
_ANSWER_DECISIONS = tuple(d for d, group in _GROUP_OF.items() if group == ANSWERED)
_WAITING_STATUSES = tuple(sorted(status.value for status in ACTIVE))


def decision_group(decision: str) -> str:
    """The dashboard group of a logged decision; unknown decisions are :data:`OTHER`."""
    return _GROUP_OF.get(decision, OTHER)


@dataclass(frozen=True, slots=True)
class Count:
    """A number of something named by ``key`` (a decision group, a language, ...)."""

    key: str
    count: int


@dataclass(frozen=True, slots=True)
class DailyCount:
    """Questions on one local day in one language and city with one decision group."""

    day: dt.date
    language: str
    city: str
    group: str
    count: int


@dataclass(frozen=True, slots=True)
class Series:
    """Questions per day for one language or city; ``values`` align with the figures' days."""

    label: str
    values: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass(frozen=True, slots=True)
class EntryFigures:
    """How often a knowledge entry answered a question, and the feedback it got."""

    entry_id: str
    answers: int
    helpful: int
    not_helpful: int

    @property
    def helpful_ratio(self) -> float | None:
        """Share of helpful votes, ``None`` without feedback."""
        return _ratio(self.helpful, self.not_helpful)


@dataclass(frozen=True, slots=True)
class FeedbackFigures:
    """Feedback votes given in the period."""

    helpful: int
    not_helpful: int

    @property
    def total(self) -> int:
        return self.helpful + self.not_helpful

    @property
    def helpful_ratio(self) -> float | None:
        """Share of helpful votes, ``None`` without feedback."""
        return _ratio(self.helpful, self.not_helpful)


@dataclass(frozen=True, slots=True)
class TicketFigures:
    """Tickets in the period.

    Attributes:
        opened: tickets created in the period.
        closed: tickets closed by staff in the period (whenever they were opened).
        withdrawn: tickets withdrawn in the period (the person deleted their data).
        replied: tickets opened in the period that got a first staff reply.
        waiting: tickets opened in the period, still open and without a staff reply.
        median_first_reply, p90_first_reply: time from creation to the first staff reply
            of the ``replied`` tickets (linear interpolation between ranks); ``None`` if
            none was replied to.
        opened_by_language, opened_by_city: ``opened`` split up, largest first.
    """

    opened: int
    closed: int
    withdrawn: int
    replied: int
    waiting: int
    median_first_reply: dt.timedelta | None
    p90_first_reply: dt.timedelta | None
    opened_by_language: tuple[Count, ...]
    opened_by_city: tuple[Count, ...]


@dataclass(frozen=True, slots=True)
class DashboardFigures:
    """Everything the dashboard shows for the local days ``since`` to ``until`` (inclusive).

    Attributes:
        days: every day of the period, in order (days without questions included).
        daily: questions per day, language, city and decision group (non-zero rows only),
            sorted by day, language, city and group order.
        by_language, by_city: questions per day, one series each, largest total first.
        decision_groups: totals of every group in :data:`DECISION_GROUPS` order (zeros
            included).
        decisions: totals per logged decision value, largest first.
        top_entries: the entries that answered most questions (at most ten) with their
            feedback in the period.
        feedback: all feedback votes in the period.
        tickets: the ticket figures.
    """

    since: dt.date
    until: dt.date
    city: str | None
    days: tuple[dt.date, ...]
    daily: tuple[DailyCount, ...]
    by_language: tuple[Series, ...]
    by_city: tuple[Series, ...]
    decision_groups: tuple[Count, ...]
    decisions: tuple[Count, ...]
    top_entries: tuple[EntryFigures, ...]
    feedback: FeedbackFigures
    tickets: TicketFigures

    @property
    def total_questions(self) -> int:
        return sum(group.count for group in self.decision_groups)


def _ratio(helpful: int, not_helpful: int) -> float | None:
    total = helpful + not_helpful
    return helpful / total if total else None


def local_day(moment: dt.datetime) -> dt.date:
    """The Europe/Berlin calendar day of ``moment`` (a naive value is taken as UTC)."""
    return t.as_utc(moment).astimezone(LOCAL_ZONE).date()


def day_bounds(since: dt.date, until: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants of local midnight at the start of ``since`` and after ``until``."""
    return _midnight(since), _midnight(until + dt.timedelta(days=1))


def _midnight(day: dt.date) -> dt.datetime:
    # Berlin changes the clock at 02:00/03:00, so local midnight always exists exactly once.
    return dt.datetime.combine(day, dt.time(), tzinfo=LOCAL_ZONE).astimezone(dt.UTC)


def _days(since: dt.date, until: dt.date) -> list[dt.date]:
    return [since + dt.timedelta(days=n) for n in range((until - since).days + 1)]


def _chunks(days: Sequence[dt.date], size: int) -> Iterator[Sequence[dt.date]]:
    for start in range(0, len(days), size):
        yield days[start:start + size]


def _day_index(column: Any, starts: Sequence[dt.datetime]) -> ColumnElement[int]:
    """Index ``i`` of the day with ``starts[i] <= column < starts[i + 1]`` (``starts`` has one
    more element than there are days; rows outside are filtered by the caller)."""
    ladder = [(column < starts[i + 1], literal_column(str(i), Integer))
              for i in range(len(starts) - 1)]
    return case(*ladder)


def _label(value: str | None) -> str:
    return value if value else UNKNOWN


def _percentile(ordered: Sequence[float], share: float) -> float:
    """Linear interpolation between closest ranks (numpy's default) of sorted values."""
    position = share * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _series(days: Sequence[dt.date], counts: Mapping[tuple[str, dt.date], int]
            ) -> tuple[Series, ...]:
    labels = {label for label, _ in counts}
    series = [Series(label, tuple(counts.get((label, day), 0) for day in days))
              for label in labels]
    series.sort(key=lambda s: (-s.total, s.label))
    return tuple(series)


async def dashboard_figures(db: Database, *, since: dt.date, until: dt.date,
                            city: str | None = None) -> DashboardFigures:
    """Aggregate the figures of the local days ``since`` to ``until`` (both included).

    With ``city``, only questions and tickets of that city count, and feedback given in a
    conversation of that city (feedback of deleted conversations then drops out).
    """
    if until < since:
        raise ValueError(f"until ({until}) is before since ({since})")
    days = _days(since, until)
    start, end = day_bounds(since, until)
    async with db.sessions() as session:
        raw = await _question_counts(session, days, city)
        top = await _top_entries(session, start, end, city)
        feedback = await _feedback(session, start, end, city, [entry for entry, _ in top])
        tickets = await _tickets(session, start, end, city)

    daily: dict[tuple[dt.date, str, str, str], int] = defaultdict(int)
    by_language: dict[tuple[str, dt.date], int] = defaultdict(int)
    by_city: dict[tuple[str, dt.date], int] = defaultdict(int)
    groups: dict[str, int] = dict.fromkeys(DECISION_GROUPS, 0)
    decisions: dict[str, int] = defaultdict(int)
    for (day, language, row_city, decision), count in raw.items():
        group = decision_group(decision)
        daily[day, language, row_city, group] += count
        by_language[language, day] += count
        by_city[row_city, day] += count
        groups[group] += count
        decisions[decision] += count

    order = {group: n for n, group in enumerate(DECISION_GROUPS)}
    daily_rows = sorted((DailyCount(day, language, row_city, group, count)
                         for (day, language, row_city, group), count in daily.items()),
                        key=lambda r: (r.day, r.language, r.city, order[r.group]))
    votes = feedback.get(None, (0, 0))
    return DashboardFigures(
        since=since,
        until=until,
        city=city,
        days=tuple(days),
        daily=tuple(daily_rows),
        by_language=_series(days, by_language),
        by_city=_series(days, by_city),
        decision_groups=tuple(Count(group, groups[group]) for group in DECISION_GROUPS),
        decisions=tuple(Count(key, count) for key, count
                        in sorted(decisions.items(), key=lambda kv: (-kv[1], kv[0]))),
        top_entries=tuple(EntryFigures(entry, answers, *feedback.get(entry, (0, 0)))
                          for entry, answers in top),
        feedback=FeedbackFigures(*votes),
        tickets=tickets,
    )


async def _question_counts(session: AsyncSession, days: Sequence[dt.date], city: str | None
                           ) -> dict[tuple[dt.date, str, str, str], int]:
    """Questions per (local day, language, city, decision), counted by the database."""
    log = t.QuestionLog
    counts: dict[tuple[dt.date, str, str, str], int] = defaultdict(int)
    for chunk in _chunks(days, MAX_DAYS_PER_QUERY):
        starts = [_midnight(day) for day in chunk] + [_midnight(chunk[-1] + dt.timedelta(1))]
        rows = (select(_day_index(log.asked_at, starts).label("day"), log.language, log.city,
                       log.decision)
                .where(log.asked_at >= starts[0], log.asked_at < starts[-1]))
        if city is not None:
            rows = rows.where(log.city == city)
        sub = rows.subquery()
        query = (select(sub.c.day, sub.c.language, sub.c.city, sub.c.decision,
                        func.count().label("n"))
                 .group_by(sub.c.day, sub.c.language, sub.c.city, sub.c.decision))
        for index, language, row_city, decision, n in (await session.execute(query)).all():
            key = (chunk[int(index)], _label(language), _label(row_city), decision)
            counts[key] += int(n)
    return counts


async def _top_entries(session: AsyncSession, start: dt.datetime, end: dt.datetime,
                       city: str | None) -> list[tuple[str, int]]:
    log = t.QuestionLog
    answers = func.count().label("answers")
    query = (select(log.entry_id, answers)
             .where(log.asked_at >= start, log.asked_at < end,
                    log.decision.in_(_ANSWER_DECISIONS), log.entry_id.is_not(None))
             .group_by(log.entry_id)
             .order_by(answers.desc(), log.entry_id)
             .limit(TOP_ENTRIES))
    if city is not None:
        query = query.where(log.city == city)
    return [(str(entry), int(n)) for entry, n in (await session.execute(query)).all()]


async def _feedback(session: AsyncSession, start: dt.datetime, end: dt.datetime,
                    city: str | None, entries: Sequence[str]
                    ) -> dict[str | None, tuple[int, int]]:
    """(helpful, not helpful) votes: key ``None`` for all, and per entry of ``entries``."""
    fb = t.Feedback

    def votes(*columns: Any) -> Any:
        query = (select(*columns, fb.helpful, func.count())
                 .where(fb.created_at >= start, fb.created_at < end)
                 .group_by(*columns, fb.helpful))
        if city is not None:
            query = (query.join(t.Conversation, t.Conversation.id == fb.conversation_id)
                     .where(t.Conversation.city == city))
        return query

    found: dict[str | None, list[int]] = defaultdict(lambda: [0, 0])
    for helpful, n in (await session.execute(votes())).all():
        found[None][0 if helpful else 1] += int(n)
    if entries:
        query = votes(fb.entry_id).where(fb.entry_id.in_(entries))
        for entry, helpful, n in (await session.execute(query)).all():
            found[str(entry)][0 if helpful else 1] += int(n)
    return {key: (pair[0], pair[1]) for key, pair in found.items()}


async def _tickets(session: AsyncSession, start: dt.datetime, end: dt.datetime,
                   city: str | None) -> TicketFigures:
    ticket = t.Ticket
    in_city = [ticket.city == city] if city is not None else []
    created = and_(ticket.created_at >= start, ticket.created_at < end, *in_city)

    waiting = func.sum(case((and_(ticket.first_reply_at.is_(None),
                                  ticket.status.in_(_WAITING_STATUSES)), 1), else_=0))
    opened_query = (select(ticket.language, ticket.city, func.count(), waiting)
                    .where(created).group_by(ticket.language, ticket.city))
    opened = waiting_total = 0
    languages: dict[str, int] = defaultdict(int)
    cities: dict[str, int] = defaultdict(int)
    for language, row_city, n, still_waiting in (await session.execute(opened_query)).all():
        opened += int(n)
        waiting_total += int(still_waiting or 0)
        languages[_label(language)] += int(n)
        cities[_label(row_city)] += int(n)

    ended_query = (select(ticket.status, func.count())
                   .where(ticket.closed_at >= start, ticket.closed_at < end, *in_city,
                          ticket.status.in_((TicketStatus.CLOSED.value,
                                             TicketStatus.WITHDRAWN.value)))
                   .group_by(ticket.status))
    ended = {str(status): int(n) for status, n in (await session.execute(ended_query)).all()}

    replied_query = (select(ticket.created_at, ticket.first_reply_at)
                     .where(created, ticket.first_reply_at.is_not(None)))
    waits = sorted((t.as_utc(replied) - t.as_utc(opened_at)).total_seconds()
                   for opened_at, replied in (await session.execute(replied_query)).all()
                   if replied is not None)

    def counts(found: Mapping[str, int]) -> tuple[Count, ...]:
        return tuple(Count(key, n) for key, n
                     in sorted(found.items(), key=lambda kv: (-kv[1], kv[0])))

    return TicketFigures(
        opened=opened,
        closed=ended.get(TicketStatus.CLOSED.value, 0),
        withdrawn=ended.get(TicketStatus.WITHDRAWN.value, 0),
        replied=len(waits),
        waiting=waiting_total,
        median_first_reply=dt.timedelta(seconds=_percentile(waits, 0.5)) if waits else None,
        p90_first_reply=dt.timedelta(seconds=_percentile(waits, 0.9)) if waits else None,
        opened_by_language=counts(languages),
        opened_by_city=counts(cities),
    )
