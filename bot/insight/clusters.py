"""Groups of similar handed-off questions: what the knowledge base is missing.

The texts are the first message of each ticket (only while retention keeps them); the KI
team sees them already in the tickets, the dashboard shows which ones recur.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, select

from bot.insight.figures import LOCAL_ZONE
from bot.storage import tables as t
from bot.storage.db import Database

__all__ = ["Cluster", "handed_off_questions", "unmatched_clusters"]

_BLOCK = 1024  # rows of the similarity matrix computed at a time


@dataclass(frozen=True, slots=True)
class Cluster:
    """Similar questions: their ids (ascending) and the one closest to their centroid."""

    size: int
    member_ids: tuple[int, ...]
    representative_id: int
    representative: str


def unmatched_clusters(texts: Sequence[tuple[int, str]],
                       embed: Callable[[Sequence[str]], npt.NDArray[Any]], *,
                       threshold: float = 0.86, min_size: int = 2) -> list[Cluster]:
    """Group ``(id, text)`` pairs whose embeddings have a cosine similarity >= ``threshold``.

    Greedy and deterministic (independent of the input order): the question with the most
    similar, not yet grouped questions starts a group of itself and those questions (ties:
    the smallest id); repeat until every question is grouped. Groups smaller than
    ``min_size`` are dropped; the rest is sorted by size, then by their smallest id.
    ``embed`` is e.g. ``Embedder.embed_queries``; its vectors need not be normalised.
    """
    if min_size < 1:
        raise ValueError("min_size must be at least 1")
    items = sorted(texts)
    if not items:
        return []
    vectors = np.asarray(embed([text for _, text in items]), dtype=np.float64)
    if vectors.ndim != 2 or vectors.shape[0] != len(items):
        raise ValueError(f"embed returned shape {vectors.shape} for {len(items)} texts")
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)

    count = len(items)
    similar = np.zeros((count, count), dtype=bool)
    for begin in range(0, count, _BLOCK):
        similar[begin:begin + _BLOCK] = unit[begin:begin + _BLOCK] @ unit.T >= threshold
    np.fill_diagonal(similar, True)  # a zero vector still forms its own group

    free = np.ones(count, dtype=bool)
    free_neighbours = similar.sum(axis=1)
    found: list[Cluster] = []
    while free.any():
        seed = int(np.argmax(np.where(free, free_neighbours, -1)))  # first maximum
        members = np.flatnonzero(similar[seed] & free)
        free[members] = False
        free_neighbours -= similar[:, members].sum(axis=1)
        if len(members) < min_size:
            continue
        centroid = unit[members].mean(axis=0)
        # Rounded, so that rounding noise does not break ties (equally close: smallest id).
        closeness = np.round(unit[members] @ centroid, 9)
        closest = int(members[int(np.argmax(closeness))])
        found.append(Cluster(size=len(members),
                             member_ids=tuple(items[int(m)][0] for m in members),
                             representative_id=items[closest][0],
                             representative=items[closest][1]))
    found.sort(key=lambda c: (-c.size, c.member_ids[0]))
    return found


async def handed_off_questions(db: Database, since: dt.date | dt.datetime, *,
                               city: str | None = None) -> list[tuple[int, str]]:
    """``(ticket id, text)`` of the first person message with text of each ticket created
    since ``since`` (a local day in Europe/Berlin, or a timezone-aware instant), by ticket
    id. Tickets whose texts were deleted (retention) or that have no text are left out."""
    if isinstance(since, dt.datetime):
        if since.tzinfo is None:
            raise ValueError("since must be timezone-aware")
        start = since.astimezone(dt.UTC)
    else:
        start = dt.datetime.combine(since, dt.time(), tzinfo=LOCAL_ZONE).astimezone(dt.UTC)
    message, ticket = t.TicketMessage, t.Ticket
    rank = func.row_number().over(partition_by=message.ticket_id,
                                  order_by=(message.created_at, message.id))
    ranked = (select(message.ticket_id, message.text, rank.label("rank"))
              .join(ticket, ticket.id == message.ticket_id)
              .where(ticket.created_at >= start, message.author == "person",
                     message.text.is_not(None), func.trim(message.text) != ""))
    if city is not None:
        ranked = ranked.where(ticket.city == city)
    sub = ranked.subquery()
    query = select(sub.c.ticket_id, sub.c.text).where(sub.c.rank == 1).order_by(sub.c.ticket_id)
    async with db.sessions() as session:
        rows = (await session.execute(query)).all()
    return [(int(ticket_id), str(text)) for ticket_id, text in rows]
