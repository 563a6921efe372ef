"""Groups of similar handed-off questions, and loading those questions from the database."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pytest

from bot.insight.clusters import Cluster, handed_off_questions, unmatched_clusters
from bot.storage import tables as t
from bot.storage.db import Database
from tests.fakes import FakeEmbedder

BERLIN = ZoneInfo("Europe/Berlin")


def lookup(vectors: Mapping[str, Sequence[float]]):  # type: ignore[no-untyped-def]
    """An embed function returning hand-made vectors, counting its calls."""
    calls: list[int] = []

    def embed(texts: Sequence[str]) -> npt.NDArray[np.float64]:
        calls.append(len(texts))
        return np.array([vectors[text] for text in texts], dtype=np.float64)

    embed.calls = calls  # type: ignore[attr-defined]
    return embed


def angle(degrees: float, length: float = 1.0) -> list[float]:
    """A vector in the plane (not normalised when ``length`` is not 1)."""
    return [length * math.cos(math.radians(degrees)), length * math.sin(math.radians(degrees)),
            0.0]


def test_fake_embedder_groups_questions_sharing_words() -> None:
    texts = [
        (12, "Ich suche eine Wohnung in Krefeld"),
        (20, "Kita Platz anmelden"),
        (10, "Wo finde ich eine Wohnung in Krefeld?"),
        (11, "Wohnung finden in Krefeld"),
        (21, "Wie kann ich einen Kita Platz anmelden?"),
        (30, "Führerschein umschreiben lassen"),
        (40, "Deutschkurs für Frauen"),
    ]
    clusters = unmatched_clusters(texts, FakeEmbedder().embed_queries, threshold=0.78)

    assert clusters == [
        Cluster(size=3, member_ids=(10, 11, 12), representative_id=12,
                representative="Ich suche eine Wohnung in Krefeld"),
        # two members are equally close to their centroid: the smaller id represents them
        Cluster(size=2, member_ids=(20, 21), representative_id=20,
                representative="Kita Platz anmelden"),
    ]


def test_the_question_most_alike_to_others_starts_a_group() -> None:
    """A chain 0-20-40 degrees with a threshold of 25 degrees: the middle one joins both
    ends (grouping in input order would split off the last one)."""
    embed = lookup({"a": angle(0), "b": angle(20, 3.0), "c": angle(40, 0.5),
                    "d": angle(90), "e": angle(100), "z": [0.0, 0.0, 0.0]})
    texts = [(1, "a"), (2, "b"), (3, "c"), (4, "d"), (5, "e"), (6, "z")]
    threshold = math.cos(math.radians(25))

    clusters = unmatched_clusters(texts, embed, threshold=threshold)

    assert clusters == [Cluster(3, (1, 2, 3), 2, "b"), Cluster(2, (4, 5), 4, "d")]
    singles = unmatched_clusters(texts, embed, threshold=threshold, min_size=1)
    assert [c.member_ids for c in singles] == [(1, 2, 3), (4, 5), (6,)]
    assert unmatched_clusters(texts, embed, threshold=threshold, min_size=3) == clusters[:1]


def test_the_result_does_not_depend_on_the_input_order() -> None:
    vectors = {f"q{n}": angle(n * 7.0) for n in range(20)}
    texts = [(n, f"q{n}") for n in range(20)]
    embed = lookup(vectors)
    expected = unmatched_clusters(texts, embed, threshold=math.cos(math.radians(10)))
    assert sum(c.size for c in expected) >= 10
    for shuffled in (texts[::-1], texts[7:] + texts[:7], texts[1::2] + texts[::2]):
        assert unmatched_clusters(shuffled, embed,
                                  threshold=math.cos(math.radians(10))) == expected


def test_groups_are_sorted_by_size_then_by_their_first_id() -> None:
    embed = lookup({"x1": angle(0), "x2": angle(1), "y1": angle(90), "y2": angle(91),
                    "y3": angle(92), "w1": [0.0, 0.0, 1.0], "w2": [0.0, 0.01, 1.0]})
    texts = [(9, "x1"), (8, "x2"), (1, "y1"), (2, "y2"), (3, "y3"), (5, "w1"), (4, "w2")]

    clusters = unmatched_clusters(texts, embed, threshold=0.99)

    assert [c.member_ids for c in clusters] == [(1, 2, 3), (4, 5), (8, 9)]
    assert clusters[0].representative == "y2"


def test_no_texts_embed_nothing() -> None:
    embed = lookup({})
    assert unmatched_clusters([], embed) == []
    assert embed.calls == []  # type: ignore[attr-defined]


def test_a_wrong_number_of_vectors_is_refused() -> None:
    def embed(texts: Sequence[str]) -> npt.NDArray[np.float64]:
        return np.ones((1, 3))

    with pytest.raises(ValueError, match="shape"):
        unmatched_clusters([(1, "a"), (2, "b")], embed)
    with pytest.raises(ValueError, match="min_size"):
        unmatched_clusters([(1, "a")], embed, min_size=0)


def utc(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=BERLIN).astimezone(dt.UTC)


async def seed_tickets(db: Database) -> dict[str, int]:
    async with db.sessions() as session:
        tickets = {
            "before": t.Ticket(created_at=utc(27, 23, 50), language="de", city="krefeld",
                               channel="telegram"),
            "plain": t.Ticket(created_at=utc(28, 0, 5), language="de", city="krefeld",
                              channel="telegram"),
            "deleted": t.Ticket(created_at=utc(28, 9), language="ar", city="essen",
                                channel="web", texts_deleted_at=utc(29, 9)),
            "photo_first": t.Ticket(created_at=utc(28, 10), language="uk", city="krefeld",
                                    channel="telegram"),
            "blank_first": t.Ticket(created_at=utc(28, 11), language="de", city="krefeld",
                                    channel="telegram"),
            "no_messages": t.Ticket(created_at=utc(28, 12), language="de", city="krefeld",
                                    channel="telegram"),
            "later": t.Ticket(created_at=utc(29, 8), language="fa", city="essen",
                              channel="web"),
        }
        session.add_all(tickets.values())
        await session.flush()
        ids = {name: ticket.id for name, ticket in tickets.items()}

        def message(name: str, author: str, text: str | None, when: dt.datetime,
                    **extra: str) -> t.TicketMessage:
            return t.TicketMessage(ticket_id=ids[name], author=author, text=text,
                                   created_at=when, **extra)

        session.add_all([
            message("before", "person", "Zu früh gefragt", utc(27, 23, 50)),
            # written in this order: the later message has the smaller id
            message("plain", "person", "Und wann?", utc(28, 2)),
            message("plain", "staff", "Hier die Adresse", utc(28, 1)),
            message("plain", "note", "intern", utc(28, 0, 4)),
            message("plain", "person", "Wo finde ich eine Wohnung?", utc(28, 0, 5)),
            message("deleted", "person", None, utc(28, 9)),
            message("photo_first", "person", None, utc(28, 10), attachment_kind="photo"),
            message("photo_first", "person", "Was steht in diesem Brief?", utc(28, 10, 1)),
            message("blank_first", "system", "Anfrage erstellt", utc(28, 11)),
            message("blank_first", "person", "   ", utc(28, 11)),
            message("blank_first", "person", "Kita-Platz gesucht", utc(28, 11, 2)),
            message("later", "person", "Sprachkurs für Frauen?", utc(29, 8)),
        ])
        await session.commit()
    return ids


async def test_handed_off_questions_are_first_person_texts(database: Database) -> None:
    ids = await seed_tickets(database)

    questions = await handed_off_questions(database, dt.date(2026, 3, 28))

    assert questions == [
        (ids["plain"], "Wo finde ich eine Wohnung?"),
        (ids["photo_first"], "Was steht in diesem Brief?"),
        (ids["blank_first"], "Kita-Platz gesucht"),
        (ids["later"], "Sprachkurs für Frauen?"),
    ]


async def test_handed_off_questions_since_an_instant_and_in_a_city(database: Database
                                                                   ) -> None:
    ids = await seed_tickets(database)

    since_ten = await handed_off_questions(database, utc(28, 10))
    assert [ticket for ticket, _ in since_ten] == [ids["photo_first"], ids["blank_first"],
                                                    ids["later"]]
    in_essen = await handed_off_questions(database, dt.date(2026, 3, 1), city="essen")
    assert in_essen == [(ids["later"], "Sprachkurs für Frauen?")]
    with pytest.raises(ValueError, match="timezone"):
        await handed_off_questions(database, dt.datetime(2026, 3, 28))  # noqa: DTZ001


async def test_loaded_questions_can_be_clustered(database: Database) -> None:
    ids = await seed_tickets(database)
    async with database.sessions() as session:
        extra = t.Ticket(created_at=utc(29, 9), language="de", city="krefeld",
                         channel="telegram")
        session.add(extra)
        await session.flush()
        session.add(t.TicketMessage(ticket_id=extra.id, author="person",
                                    text="Ich suche eine Wohnung", created_at=utc(29, 9)))
        await session.commit()
        extra_id = extra.id

    questions = await handed_off_questions(database, dt.date(2026, 3, 28))
    clusters = unmatched_clusters(questions, FakeEmbedder().embed_queries, threshold=0.75)

    assert [c.member_ids for c in clusters] == [(ids["plain"], extra_id)]
