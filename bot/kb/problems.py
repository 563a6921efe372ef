"""Problems found in knowledge-base files, worded for editors."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Problem", "Severity"]


class Severity(StrEnum):
    """How serious a problem is: errors stop ``kb check``, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One problem at a place in a file, as ``path:line: message``."""

    path: str
    line: int
    severity: Severity
    message: str

    def render(self) -> str:
        """Return the editor-facing line, e.g. ``knowledge/x.yaml:4: error: ...``."""
        return f"{self.path}:{self.line}: {self.severity.value}: {self.message}"
