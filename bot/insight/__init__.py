"""The library behind the KI team's insight dashboard: aggregated figures, groups of
handed-off questions, SVG charts and CSV exports (the web routes live elsewhere).

Charts import pygal; import :mod:`bot.insight.charts` directly to use them.
"""

from bot.insight.clusters import Cluster, handed_off_questions, unmatched_clusters
from bot.insight.export import daily_csv, ticket_summary_csv
from bot.insight.figures import (
    Count,
    DailyCount,
    DashboardFigures,
    EntryFigures,
    FeedbackFigures,
    Series,
    TicketFigures,
    dashboard_figures,
    decision_group,
)

__all__ = [
    "Cluster",
    "Count",
    "DailyCount",
    "DashboardFigures",
    "EntryFigures",
    "FeedbackFigures",
    "Series",
    "TicketFigures",
    "daily_csv",
    "dashboard_figures",
    "decision_group",
    "handed_off_questions",
    "ticket_summary_csv",
    "unmatched_clusters",
]
