"""The dashboard's charts as self-contained SVG (pygal), each with its figures as a table.

The SVG has no XML declaration (it is inlined into HTML), no scripts and no external
references: pygal's tooltip script from a CDN is switched off and its inline configuration
script and comments (with links) are removed, so the page's Content-Security-Policy needs
no exceptions. Charts are drawn for a small view box (readable on a 360 px phone) and
scale with their container (``viewBox``, no fixed size). The colours (Okabe-Ito, darkened
where needed) are told apart with the common colour-vision deficiencies and have at least
3:1 contrast on the white background; screen readers get the ``<title>`` and the web layer
shows :attr:`Chart.header` and :attr:`Chart.rows` as a table next to the chart.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pygal
from pygal.style import Style

from bot.insight.figures import DECISION_GROUPS, DashboardFigures, Series

__all__ = [
    "BACKGROUND",
    "DECISION_LABELS",
    "FOREGROUND",
    "PALETTE",
    "Chart",
    "decisions_chart",
    "questions_per_day_chart",
    "top_entries_chart",
]

BACKGROUND = "#FFFFFF"
FOREGROUND = "#1A1A1A"
# Okabe-Ito blue, vermillion, bluish green, reddish purple, orange darkened to ochre, then
# indigo and grey for "more": each at least 3:1 against white, and different in lightness.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8F5B00", "#332288", "#666666")
WIDTH = 400
HEIGHT = 320
LABEL_CHARS = 18  # entry labels beside the bars are cut (in full in the table)

# The KI team works in German; the web layer may pass its own labels.
DECISION_LABELS: Mapping[str, str] = {
    "answered": "beantwortet",
    "clarified": "Rückfrage",
    "handed_off": "ans KI-Team",
    "referred": "verwiesen",
    "other": "sonstige",
}
MORE = "weitere"
NO_DATA = "Keine Daten"

STYLE = Style(
    background=BACKGROUND,
    plot_background=BACKGROUND,
    foreground=FOREGROUND,
    foreground_strong="#000000",
    foreground_subtle="#595959",
    opacity="1",
    opacity_hover="1",
    transition="0ms",
    colors=PALETTE,
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
    title_font_size=16,
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=13,
    value_font_size=12,
    value_label_font_size=12,
    tooltip_font_size=13,
    no_data_font_size=20,
)

_SCRIPT = re.compile(r"<script\b[^>]*?(?:/>|>.*?</script>)", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Chart:
    """An SVG chart and the same figures as a table (header and rows) for the web layer."""

    title: str
    svg: str
    header: tuple[str, ...]
    rows: tuple[tuple[str | int, ...], ...]


def _config(title: str, width: int, height: int, **options: Any) -> dict[str, Any]:
    return {
        "title": title,
        "style": STYLE,
        "width": width,
        "height": height,
        "explicit_size": False,
        "disable_xml_declaration": True,
        "js": [],
        "no_data_text": NO_DATA,
        "value_formatter": _integer,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 3,
        "truncate_legend": 14,
        "margin": 8,
        **options,
    }


def _integer(value: float | None) -> str:
    return "" if value is None else str(round(value))


def _ticks(largest: int) -> list[int]:
    """Whole-number axis labels from 0 past ``largest``, about five steps of 1, 2 or 5 x 10^n."""
    if largest <= 0:
        return [0, 1]
    rough = largest / 5
    power = 10 ** math.floor(math.log10(rough)) if rough >= 1 else 1
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    top = math.ceil(largest / step) * step
    return list(range(0, top + 1, step))


def _y_labels(largest: int, has_series: bool) -> dict[str, Any]:
    """Whole-number value labels (pygal fails on them for a chart without series)."""
    return {"y_labels": _ticks(largest)} if has_series else {}


def _headroom(largest: int) -> int:
    """Room for a printed value past the largest bar."""
    return math.ceil(largest * 1.15)


def _svg(chart: Any, title: str) -> str:
    """Render and make self-contained: no scripts, no comments, an accessible name."""
    svg = str(chart.render(is_unicode=True))
    svg = _COMMENT.sub("", _SCRIPT.sub("", svg))
    title_id = f"title-{uuid.uuid4().hex[:12]}"
    svg = svg.replace("<title>", f'<title id="{title_id}">', 1)
    return svg.replace("<svg ", f'<svg role="img" aria-labelledby="{title_id}" ', 1)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _lump(series: Sequence[Series], max_series: int) -> list[Series]:
    """At most ``max_series`` series: the largest, the rest summed up as "weitere"."""
    if len(series) <= max_series:
        return list(series)
    kept = list(series[:max_series - 1])
    rest = series[max_series - 1:]
    summed = tuple(sum(values) for values in zip(*(s.values for s in rest), strict=True))
    return [*kept, Series(MORE, summed)]


def questions_per_day_chart(figures: DashboardFigures, *,
                            by: Literal["language", "city"] = "language",
                            title: str | None = None, max_series: int = 6,
                            width: int = WIDTH, height: int = HEIGHT) -> Chart:
    """Stacked bars: questions per day, one colour per language (or city)."""
    if max_series < 1:
        raise ValueError("max_series must be at least 1")
    if title is None:
        title = "Fragen pro Tag nach " + ("Sprache" if by == "language" else "Stadt")
    series = _lump(figures.by_language if by == "language" else figures.by_city, max_series)
    days = figures.days
    totals = [sum(s.values[n] for s in series) for n in range(len(days))]
    every = max(1, math.ceil(len(days) / 8))
    # pygal reserves series // columns legend rows, not the rounded-up count
    # (Kozea/pygal#511): make room for the last, partly filled row ourselves.
    columns = 3
    short_rows = math.ceil(len(series) / columns) - len(series) // columns
    chart = pygal.StackedBar(**_config(
        title, width, height,
        legend_at_bottom_columns=columns,
        margin_bottom=8 + short_rows * 1.5 * 13,
        x_label_rotation=45 if len(days) > 5 else 0,
        x_labels_major_every=every,
        show_minor_x_labels=every == 1,
        **_y_labels(max(totals, default=0), bool(series)),
    ))
    chart.x_labels = [f"{day.day:02d}.{day.month:02d}." for day in days]
    for one in series:
        chart.add(one.label, list(one.values))
    header = ("Tag", *(s.label for s in series), "gesamt")
    rows: tuple[tuple[str | int, ...], ...] = tuple(
        (day.isoformat(), *(s.values[n] for s in series), totals[n])
        for n, day in enumerate(days))
    return Chart(title, _svg(chart, title), header, rows)


def decisions_chart(figures: DashboardFigures, *, title: str = "Was mit den Fragen geschah",
                    labels: Mapping[str, str] = DECISION_LABELS,
                    width: int = WIDTH, height: int = HEIGHT) -> Chart:
    """Bars: questions per decision group (answered, clarified, handed off, ...)."""
    counts = {group.key: group.count for group in figures.decision_groups}
    names = [labels.get(group, group) for group in DECISION_GROUPS]
    values = [counts.get(group, 0) for group in DECISION_GROUPS]
    chart = pygal.Bar(**_config(
        title, width, height,
        show_legend=False,
        print_values=True,
        print_values_position="top",
        print_zeroes=True,
        x_label_rotation=30,
        truncate_label=-1,
        **_y_labels(_headroom(max(values)), True),
    ))
    chart.x_labels = names
    chart.add("Fragen", values)
    rows = tuple((name, value) for name, value in zip(names, values, strict=True))
    return Chart(title, _svg(chart, title), ("Entscheidung", "Fragen"), rows)


def top_entries_chart(figures: DashboardFigures, *, title: str = "Meistgenutzte Einträge",
                      labels: Mapping[str, str] | None = None,
                      width: int = WIDTH, height: int = HEIGHT) -> Chart:
    """Horizontal bars: answers per entry, the most used on top.

    ``labels`` maps entry ids to titles for display; the table keeps the ids too, with the
    feedback the entries got.
    """
    entries = figures.top_entries
    names = [(labels or {}).get(e.entry_id, e.entry_id) for e in entries]
    chart = pygal.HorizontalBar(**_config(
        title, width, max(height, 80 + 26 * len(entries)),
        show_legend=False,
        print_values=True,
        print_values_position="top",
        **_y_labels(_headroom(max((e.answers for e in entries), default=0)), bool(entries)),
        # Values stand after the end of their bar (pygal centres them on it).
        classes=["pygal-chart", "values-after-bars"],
        css=[*pygal.Config().css, "inline:.values-after-bars .text-overlay text.value"
                                "{text-anchor:start}"],
    ))
    # pygal draws the first label at the bottom: reverse so the most used is on top.
    chart.x_labels = [_shorten(name, LABEL_CHARS) for name in reversed(names)]
    chart.add("Antworten", [e.answers for e in reversed(entries)])
    header = ("Eintrag", "ID", "Antworten", "hilfreich", "nicht hilfreich")
    rows = tuple((name, e.entry_id, e.answers, e.helpful, e.not_helpful)
                 for name, e in zip(names, entries, strict=True))
    return Chart(title, _svg(chart, title), header, rows)
