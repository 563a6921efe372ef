"""The console's insight dashboard: aggregated figures, charts, recurring open questions, CSV.

Every figure is an aggregate from :mod:`bot.insight` (no names, no chat ids). The only texts
on the page are the representative questions of groups of similar handed-off questions;
the template escapes them and they are shortened here.

Charts are embedded as ``<img src="data:image/svg+xml;base64,...">``, not as inline
``<svg>``: pygal styles its SVG with an inline ``<style>`` element (colours, fills, fonts),
which the console's Content-Security-Policy (``style-src 'self'``) blocks in an inline SVG;
Chromium then paints every chart as a black rectangle. An SVG image is a document of its
own, so its style sheet applies, it can never run scripts, and ``img-src`` already allows
``data:``: the policy needs no exception and the figures need no second request. The image
has an ``alt`` text and each chart is followed by its figures as a table.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import numpy.typing as npt
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.answering.compose import entry_version
from bot.insight.charts import Chart, decisions_chart, questions_per_day_chart, top_entries_chart
from bot.insight.clusters import Cluster, handed_off_questions, unmatched_clusters
from bot.insight.export import daily_csv, ticket_summary_csv
from bot.insight.figures import (
    ANSWERED,
    CLARIFIED,
    HANDED_OFF,
    UNKNOWN,
    DashboardFigures,
    Series,
    dashboard_figures,
    local_day,
)
from bot.languages import LANGUAGES
from bot.web.console import render, web_context
from bot.web.context import WebContext
from bot.web.question_vectors import VECTORS
from bot.web.staff_session import requires

__all__ = ["dashboard_routes", "german_duration", "german_number",
           "german_percent"]

PERIODS = (7, 30, 90)  # days, today included
DEFAULT_PERIOD = 30
MAX_CLUSTER_QUESTIONS = 500  # the newest handed-off questions that are grouped
MAX_CLUSTERS = 10
QUESTION_CHARS = 200
EXPORTS: dict[str, Callable[[DashboardFigures], str]] = {
    "daily": daily_csv, "tickets": ticket_summary_csv}
SHARES = ((ANSWERED, "beantwortet"), (CLARIFIED, "mit Rückfrage"),
          (HANDED_OFF, "an das KI-Team übergeben"))
_VIEW_BOX = re.compile(r'viewBox="0 0 (\d+) (\d+)"')


def german_number(value: int) -> str:
    """``12345`` as ``12.345``."""
    return f"{value:,}".replace(",", ".")


def german_percent(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a rounded percentage (``62 %``); a dash without a whole."""
    return f"{round(100 * part / whole)}\u00a0%" if whole else "–"


def german_duration(duration: dt.timedelta | None) -> str:
    """A waiting time to the minute: ``12 min``, ``3 h 5 min``, ``2 Tage 4 h``."""
    if duration is None:
        return "–"
    minutes = round(duration.total_seconds() / 60)
    if minutes < 1:
        return "unter 1 min"
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        parts = [f"{days} Tag" if days == 1 else f"{days} Tage"]
        return " ".join([*parts, f"{hours} h"] if hours else parts)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


def _language_name(code: str) -> str:
    if code == UNKNOWN:
        return "unbekannt"
    return LANGUAGES[code].german_name if code in LANGUAGES else code


def _city_name(city: str) -> str:
    return "unbekannt" if city == UNKNOWN else city.capitalize()


def _shorten(text: str, limit: int = QUESTION_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


@dataclass(frozen=True, slots=True)
class Selection:
    """The period (the last ``period`` local days, today included) and the city (or all)."""

    period: int
    city: str | None
    since: dt.date
    until: dt.date

    @property
    def query(self) -> str:
        """The selection as a query string (for the CSV links)."""
        return urlencode({"period": self.period, "city": self.city or ""})


def _selection(request: Request, cities: Sequence[str]) -> Selection:
    raw = request.query_params.get("period", "")
    period = int(raw) if raw.isdigit() and int(raw) in PERIODS else DEFAULT_PERIOD
    city = request.query_params.get("city", "")
    until = local_day(dt.datetime.now(tz=dt.UTC))
    return Selection(period, city if city in cities else None,
                     until - dt.timedelta(days=period - 1), until)


@dataclass(frozen=True, slots=True)
class ChartView:
    """A chart as the template shows it: an image, its size, and its figures as a table."""

    key: str
    chart: Chart
    src: str
    width: int
    height: int
    rows: tuple[tuple[str | int, ...], ...]

    @property
    def alt(self) -> str:
        return f"Diagramm „{self.chart.title}“; die Zahlen stehen in der Tabelle darunter."


def _view(key: str, chart: Chart, rows: tuple[tuple[str | int, ...], ...] | None = None
          ) -> ChartView:
    size = _VIEW_BOX.search(chart.svg)
    width, height = (int(size[1]), int(size[2])) if size else (400, 320)
    src = "data:image/svg+xml;base64," + base64.b64encode(chart.svg.encode()).decode("ascii")
    return ChartView(key, chart, src, width, height, chart.rows if rows is None else rows)


def _german_days(rows: tuple[tuple[str | int, ...], ...]) -> tuple[tuple[str | int, ...], ...]:
    """Per-day rows with the day as ``28.03.2026`` instead of ISO."""
    return tuple((f"{dt.date.fromisoformat(str(day)):%d.%m.%Y}", *rest) for day, *rest in rows)


def _charts(figures: DashboardFigures, titles: dict[str, str]) -> list[ChartView]:
    named = dataclasses.replace(
        figures,
        by_language=tuple(Series(_language_name(s.label), s.values) for s in figures.by_language),
        by_city=tuple(Series(_city_name(s.label), s.values) for s in figures.by_city))
    per_language = questions_per_day_chart(named, by="language")
    views = [_view("per-language", per_language, _german_days(per_language.rows))]
    if figures.city is None:  # with one city, the chart per city would repeat the total
        per_city = questions_per_day_chart(named, by="city")
        views.append(_view("per-city", per_city, _german_days(per_city.rows)))
    views += [_view("decisions", decisions_chart(figures)),
              _view("entries", top_entries_chart(figures, labels=titles))]
    return views


def _entry_titles(context: WebContext, figures: DashboardFigures) -> dict[str, str]:
    knowledge = context.live.assistant.index.knowledge
    titles = {}
    for top in figures.top_entries:
        entry = knowledge.get(top.entry_id)
        if entry is not None:
            titles[top.entry_id] = entry_version(entry, "de")[0].title
    return titles




@dataclass(frozen=True, slots=True)
class ClusterView:
    size: int
    question: str


async def _clusters(context: WebContext, selection: Selection
                    ) -> tuple[list[ClusterView], int] | None:
    """The largest groups of similar handed-off questions and how many questions were
    grouped; None without an embedding model."""
    embedder = context.live.runtime.embedder
    if embedder is None:
        return None
    texts = await handed_off_questions(context.db, selection.since, city=selection.city)
    newest = texts[-MAX_CLUSTER_QUESTIONS:]  # by ticket id, the newest last

    def embed(batch: Sequence[str]) -> npt.NDArray[Any]:
        return VECTORS.embed(embedder, batch)

    found: list[Cluster] = await asyncio.to_thread(unmatched_clusters, newest, embed)
    return [ClusterView(c.size, _shorten(c.representative)) for c in found[:MAX_CLUSTERS]], len(
        newest)



@requires("insight")
async def dashboard(request: Request) -> Response:
    """Figures, charts and recurring open questions of the chosen period and city."""
    context = web_context(request)
    selection = _selection(request, context.settings.cities)
    figures = await dashboard_figures(context.db, since=selection.since, until=selection.until,
                                      city=selection.city)
    groups = {group.key: group.count for group in figures.decision_groups}
    total = figures.total_questions
    shares = [(label, german_percent(groups.get(key, 0), total),
               german_number(groups.get(key, 0))) for key, label in SHARES]
    clusters = await _clusters(context, selection)
    feedback = figures.feedback
    return render(request, "console/dashboard.html", {
        "selection": selection, "periods": PERIODS, "cities": context.settings.cities,
        "city_name": _city_name, "figures": figures, "total": german_number(total),
        "shares": shares, "helpful_share": german_percent(feedback.helpful, feedback.total),
        "number": german_number, "duration": german_duration,
        "charts": _charts(figures, _entry_titles(context, figures)),
        "clusters": None if clusters is None else clusters[0],
        "grouped": 0 if clusters is None else clusters[1],
        "max_grouped": MAX_CLUSTER_QUESTIONS})


@requires("insight")
async def dashboard_csv(request: Request) -> Response:
    """The daily figures or the ticket figures of the chosen period and city as CSV."""
    name = request.path_params["name"]
    export = EXPORTS.get(name)
    if export is None:
        return PlainTextResponse("Diesen Export gibt es nicht.", status_code=404)
    context = web_context(request)
    selection = _selection(request, context.settings.cities)
    figures = await dashboard_figures(context.db, since=selection.since, until=selection.until,
                                      city=selection.city)
    filename = (f"wegweiser-{name}-{selection.since.isoformat()}-{selection.until.isoformat()}"
                f"-{selection.city or 'alle'}.csv")
    return Response(export(figures), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store"})


def dashboard_routes() -> list[Route]:
    """Routes of the insight dashboard (every console role may see it)."""
    return [
        Route("/console/dashboard", dashboard, name="dashboard"),
        Route("/console/dashboard/{name}.csv", dashboard_csv, name="dashboard_csv"),
    ]
