"""Login throttling: too many failures from one address are refused for a while.

Account lockout (several failures for one user name) is kept in the database with the user;
this guard limits guessing across many user names from one address, in memory.
"""

from __future__ import annotations

import time
from collections import deque

MAX_FAILURES_PER_ADDRESS = 20
WINDOW_SECONDS = 600.0


class LoginGuard:
    """Counts failed logins per client address in a sliding window."""

    def __init__(self, max_failures: int = MAX_FAILURES_PER_ADDRESS,
                 window: float = WINDOW_SECONDS) -> None:
        self.max_failures = max_failures
        self.window = window
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, address: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(address, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def allowed(self, address: str) -> bool:
        """True if a login attempt from ``address`` may be checked now."""
        return len(self._recent(address, time.monotonic())) < self.max_failures

    def failed(self, address: str) -> None:
        """Record a failed attempt."""
        self._recent(address, time.monotonic()).append(time.monotonic())
        if len(self._failures) > 100_000:  # bounded memory under a spray of addresses
            self._failures.clear()

    def succeeded(self, address: str) -> None:
        """Forget the failures of an address after a successful login."""
        self._failures.pop(address, None)
