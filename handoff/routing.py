"""Which staff members to mention for a ticket: those who read its language and serve its city."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

__all__ = ["Profile", "staff_for"]


class Profile(Protocol):
    """What routing needs to know about a staff member."""

    @property
    def user_id(self) -> int: ...

    @property
    def name(self) -> str: ...

    @property
    def username(self) -> str | None: ...

    @property
    def languages(self) -> tuple[str, ...]: ...

    @property
    def cities(self) -> tuple[str, ...]: ...


def staff_for(profiles: Iterable[Profile], language: str, city: str | None) -> list[Profile]:
    """Return the staff who read ``language`` and work for ``city`` (no cities: all cities)."""
    return [
        p for p in profiles
        if language in p.languages and (not p.cities or city is None or city in p.cities)
    ]
