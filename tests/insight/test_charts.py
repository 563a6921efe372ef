"""The SVG charts: self-contained, inlinable, accessible, with the figures as a table."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from bot.insight.charts import (
    BACKGROUND,
    FOREGROUND,
    PALETTE,
    Chart,
    decisions_chart,
    questions_per_day_chart,
    top_entries_chart,
)
from bot.insight.figures import Count, Series
from tests.insight.sample import figures

SVG = "{http://www.w3.org/2000/svg}"
NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def all_charts() -> list[Chart]:
    sample = figures()
    return [questions_per_day_chart(sample), questions_per_day_chart(sample, by="city"),
            decisions_chart(sample), top_entries_chart(sample)]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, parsed to check it is well-formed


@pytest.mark.parametrize("chart", all_charts(), ids=lambda c: c.title)
def test_charts_are_self_contained_inline_svg(chart: Chart) -> None:
    svg = chart.svg
    assert svg.startswith("<svg")
    assert "<?xml" not in svg
    assert "<script" not in svg
    assert "<!--" not in svg
    assert "xml-stylesheet" not in svg
    assert set(re.findall(r"https?://[^\s\"'<>)]+", svg)) <= NAMESPACES
    assert "@import" not in svg
    assert all(ref.startswith("#") for ref in re.findall(r'href="([^"]*)"', svg))
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    # scales with its container: a view box, no fixed size
    assert root.get("viewBox", "").startswith("0 0 400 ")
    assert root.get("width") is None
    assert root.get("height") is None


@pytest.mark.parametrize("chart", all_charts(), ids=lambda c: c.title)
def test_charts_have_an_accessible_name(chart: Chart) -> None:
    root = parse(chart.svg)
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.text == chart.title
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == title.get("id")
    assert f'<title id="{title.get("id")}">{chart.title}</title>' in chart.svg


def test_titles_are_escaped() -> None:
    chart = decisions_chart(figures(), title="Fragen & Antworten <neu>")
    assert "Fragen &amp; Antworten &lt;neu&gt;" in chart.svg
    title = parse(chart.svg).find(f"{SVG}title")
    assert title is not None
    assert title.text == "Fragen & Antworten <neu>"


def test_two_charts_on_one_page_have_different_ids() -> None:
    first, second = (parse(decisions_chart(figures()).svg) for _ in range(2))
    assert first.get("id") != second.get("id")
    assert first.get("aria-labelledby") != second.get("aria-labelledby")


def test_questions_per_day_table() -> None:
    chart = questions_per_day_chart(figures())
    assert chart.title == "Fragen pro Tag nach Sprache"
    assert chart.header == ("Tag", "de", "ar", "uk", "gesamt")
    assert chart.rows == (
        ("2026-03-28", 1, 2, 3, 6),
        ("2026-03-29", 0, 0, 0, 0),
        ("2026-03-30", 0, 2, 4, 6),
    )
    for label in ("28.03.", "29.03.", "30.03.", ">de<", ">uk<"):
        assert label in chart.svg


def test_many_languages_are_summed_up() -> None:
    chart = questions_per_day_chart(figures(languages=8), max_series=4)
    assert chart.header == ("Tag", "de", "ar", "uk", "weitere", "gesamt")
    # tr, fa, ru, en, ti: (4, 0, 6) + (5, 0, 8) + (6, 0, 10) + (7, 0, 12) + (8, 0, 14)
    assert chart.rows[0] == ("2026-03-28", 1, 2, 3, 30, 36)
    assert chart.rows[2] == ("2026-03-30", 0, 2, 4, 50, 56)
    assert ">weitere<" in chart.svg


def test_questions_per_day_by_city() -> None:
    chart = questions_per_day_chart(figures(), by="city", title="Nach Stadt")
    assert chart.header == ("Tag", "krefeld", "essen", "gesamt")
    assert chart.rows[1] == ("2026-03-29", 2, 1, 3)


def test_decisions_table() -> None:
    chart = decisions_chart(figures())
    assert chart.header == ("Entscheidung", "Fragen")
    assert chart.rows == (("beantwortet", 40), ("Rückfrage", 7), ("ans KI-Team", 5),
                          ("verwiesen", 2), ("sonstige", 0))
    assert "ans KI-Team" in chart.svg
    relabelled = decisions_chart(figures(), labels={"answered": "answered"})
    assert relabelled.rows[0] == ("answered", 40)
    assert relabelled.rows[1] == ("clarified", 7)


def test_top_entries_table_and_shortened_labels() -> None:
    chart = top_entries_chart(figures(), labels={"kita-anmeldung": "Kita anmelden"})
    assert chart.header == ("Eintrag", "ID", "Antworten", "hilfreich", "nicht hilfreich")
    assert chart.rows == (
        ("Kita anmelden", "kita-anmeldung", 12, 4, 1),
        ("wohnberechtigungsschein-beantragen", "wohnberechtigungsschein-beantragen", 9, 0, 2),
    )
    assert ">Kita anmelden<" in chart.svg
    assert ">wohnberechtigungs…<" in chart.svg


def test_empty_figures_still_render() -> None:
    empty = figures(languages=0, by_city=(), top_entries=())
    for chart in (questions_per_day_chart(empty), top_entries_chart(empty)):
        parse(chart.svg)
        assert "Keine Daten" in chart.svg
    assert top_entries_chart(empty).rows == ()
    assert questions_per_day_chart(empty).rows[0] == ("2026-03-28", 0)


def contrast(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two #RRGGBB colours."""
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
                  for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_colours_have_enough_contrast_and_are_used() -> None:
    assert contrast(FOREGROUND, BACKGROUND) >= 4.5
    assert len(set(PALETTE)) == len(PALETTE) >= 6
    for colour in PALETTE:
        assert contrast(colour, BACKGROUND) >= 3, colour
    svg = questions_per_day_chart(figures()).svg.lower()
    assert all(colour.lower() in svg for colour in PALETTE[:3])


def test_no_questions_at_all() -> None:
    zero = figures(decision_groups=tuple(Count(c.key, 0) for c in figures().decision_groups))
    chart = decisions_chart(zero)
    assert [count for _, count in chart.rows] == [0, 0, 0, 0, 0]
    parse(chart.svg)
    flat = questions_per_day_chart(figures(by_language=(Series("de", (0, 0, 0)),)))
    assert flat.rows == (("2026-03-28", 0, 0), ("2026-03-29", 0, 0), ("2026-03-30", 0, 0))
    parse(flat.svg)
