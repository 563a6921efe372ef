"""Tickets and their state machine.

A ticket is a person's question that KI staff answer. Its life:

    open --claim--> claimed --reply--> answered --close--> closed
      |                |                  |  ^                ^
      |                +------reply-------+  +--reply--+      |
      +------------------reply--------------> answered        |
      any open state --close--> closed; --withdraw--> withdrawn (the person deleted their data)

Transitions are pure functions on frozen values; stores persist the result.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum

__all__ = ["ACTIVE", "InvalidTransition", "Ticket", "TicketStatus", "transition"]


class TicketStatus(StrEnum):
    """Where a ticket stands."""

    OPEN = "open"
    CLAIMED = "claimed"
    ANSWERED = "answered"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


ACTIVE = frozenset({TicketStatus.OPEN, TicketStatus.CLAIMED, TicketStatus.ANSWERED})


class InvalidTransition(ValueError):
    """The action is not possible in the ticket's current status."""


@dataclass(frozen=True, slots=True)
class Ticket:
    """A handed-off question (the stored fields the state machine needs)."""

    id: int
    status: TicketStatus
    claimed_by: str | None = None
    claimed_at: dt.datetime | None = None
    first_reply_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None

    @property
    def active(self) -> bool:
        """True while staff can still act on the ticket."""
        return self.status in ACTIVE


_ALLOWED: dict[str, frozenset[TicketStatus]] = {
    "claim": frozenset({TicketStatus.OPEN, TicketStatus.CLAIMED, TicketStatus.ANSWERED}),
    "reply": ACTIVE,
    "close": ACTIVE,
    "withdraw": ACTIVE,
}


def transition(ticket: Ticket, action: str, *, staff_id: str | None, now: dt.datetime) -> Ticket:
    """Return the ticket after ``action`` (claim, reply, close, withdraw).

    Raises:
        InvalidTransition: when the action is not possible in the current status.
    """
    if action not in _ALLOWED:
        raise InvalidTransition(f"unknown action {action!r}")
    if ticket.status not in _ALLOWED[action]:
        raise InvalidTransition(f"cannot {action} a {ticket.status.value} ticket")
    if action == "claim":
        status = TicketStatus.CLAIMED if ticket.status is TicketStatus.OPEN else ticket.status
        return replace(ticket, status=status, claimed_by=staff_id, claimed_at=now)
    if action == "reply":
        return replace(
            ticket,
            status=TicketStatus.ANSWERED,
            claimed_by=ticket.claimed_by or staff_id,
            claimed_at=ticket.claimed_at or now,
            first_reply_at=ticket.first_reply_at or now,
        )
    if action == "close":
        return replace(ticket, status=TicketStatus.CLOSED, closed_at=now)
    return replace(ticket, status=TicketStatus.WITHDRAWN, closed_at=now)
