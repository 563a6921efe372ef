"""Rows around a period (28-29 March 2026, Berlin) written straight into the tables."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.storage import tables as t
from bot.storage.db import Database

BERLIN = ZoneInfo("Europe/Berlin")
SINCE = dt.date(2026, 3, 28)
UNTIL = dt.date(2026, 3, 29)  # Berlin switches to summer time at 02:00 on this day


def berlin(day: int, hour: int, minute: int = 0, second: int = 0, *, month: int = 3
           ) -> dt.datetime:
    """A local time in Berlin, as the service stores it: timezone-aware UTC."""
    local = dt.datetime(2026, month, day, hour, minute, second, tzinfo=BERLIN)
    return local.astimezone(dt.UTC)


# (local day, hour, minute, language, city, decision, entry)
QUESTIONS = [
    (27, 23, 59, "de", "krefeld", "answer", "wohnung"),  # day before: not counted
    (28, 0, 0, "de", "krefeld", "answer", "kita"),  # 23:00 UTC on the 27th
    (28, 10, 0, "ar", "krefeld", "answer", "kita"),
    (28, 23, 30, "de", "essen", "clarify", None),  # 22:30 UTC
    (28, 23, 45, None, "essen", "unsupported_language", None),
    (29, 0, 15, "ar", "essen", "handoff", None),  # 23:15 UTC on the 28th
    (29, 3, 30, "de", "krefeld", "legal_referral", None),  # summer time: 01:30 UTC
    (29, 12, 0, "de", "krefeld", "emergency", None),
    (29, 13, 0, "de", None, "answer", "kita"),
    (29, 14, 0, "uk", "krefeld", "answer", "sport"),
    (29, 15, 0, "de", "krefeld", "not_covered", None),
    (29, 23, 59, "de", "krefeld", "answer", "sport"),  # 21:59 UTC
    (30, 0, 0, "de", "krefeld", "answer", "wohnung"),  # 22:00 UTC on the 29th: not counted
]


async def seed(db: Database) -> dict[str, int]:
    """Questions, feedback and tickets around the period; returns the ticket ids by name."""
    async with db.sessions() as session:
        krefeld = t.Conversation(channel="telegram", chat_id="1", language="de", city="krefeld")
        essen = t.Conversation(channel="web", chat_id="2", language="ar", city="essen")
        session.add_all([krefeld, essen])
        await session.flush()
        for day, hour, minute, language, city, decision, entry in QUESTIONS:
            session.add(t.QuestionLog(asked_at=berlin(day, hour, minute), channel="telegram",
                                      language=language, city=city, decision=decision,
                                      entry_id=entry))
        for when, entry, helpful, conversation in [
            (berlin(28, 9), "kita", True, krefeld.id),
            (berlin(29, 10), "kita", True, essen.id),
            (berlin(29, 11), "kita", False, krefeld.id),
            (berlin(28, 12), "sport", False, krefeld.id),
            (berlin(29, 12), "wohnung", True, None),  # conversation deleted since
            (berlin(30, 0, 10), "kita", True, krefeld.id),  # after the period
        ]:
            session.add(t.Feedback(created_at=when, entry_id=entry, helpful=helpful,
                                   language="de", conversation_id=conversation))
        tickets = {
            # replied after 30 minutes, closed
            "t1": t.Ticket(created_at=berlin(28, 0, 10), first_reply_at=berlin(28, 0, 40),
                           closed_at=berlin(28, 12), status="closed", language="de",
                           city="krefeld", channel="telegram"),
            # replied after two hours
            "t2": t.Ticket(created_at=berlin(28, 10), first_reply_at=berlin(28, 12),
                           status="answered", language="ar", city="essen", channel="web"),
            # four hours on the clock, three hours in fact: the clock jumps at 02:00
            "t3": t.Ticket(created_at=berlin(29, 0, 5), first_reply_at=berlin(29, 4, 5),
                           closed_at=berlin(29, 20), status="closed", language="ar",
                           city="krefeld", channel="telegram"),
            "t4": t.Ticket(created_at=berlin(29, 9), status="open", language="de",
                           city="krefeld", channel="telegram"),
            "t5": t.Ticket(created_at=berlin(29, 10), claimed_at=berlin(29, 10, 5),
                           status="claimed", language="de", city="krefeld",
                           channel="telegram"),
            "t6": t.Ticket(created_at=berlin(29, 11), closed_at=berlin(29, 11, 30),
                           status="withdrawn", language="de", city="essen", channel="web"),
            # opened before the period, closed in it
            "t7": t.Ticket(created_at=berlin(27, 20), first_reply_at=berlin(27, 21),
                           closed_at=berlin(28, 8), status="closed", language="de",
                           city="krefeld", channel="telegram"),
            # opened after the period
            "t8": t.Ticket(created_at=berlin(30, 0, 30), status="open", language="fa",
                           city="essen", channel="web"),
            # replied after ten hours
            "t9": t.Ticket(created_at=berlin(29, 12), first_reply_at=berlin(29, 22),
                           status="answered", language="tr", city="krefeld",
                           channel="telegram"),
        }
        session.add_all(tickets.values())
        await session.commit()
    return {name: ticket.id for name, ticket in tickets.items()}
