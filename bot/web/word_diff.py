"""Word-level differences between two texts, for showing translators what changed in German,
and unified-diff lines marked for display."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

__all__ = ["DiffLine", "Piece", "diff_lines", "word_diff"]

_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of text that is the same in both (``same``), only old (``removed``) or only new
    (``added``)."""

    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class DiffLine:
    """One line of a unified diff with its kind: ``added``, ``removed``, ``hunk``, ``file`` or
    ``context``."""

    kind: str
    text: str


def word_diff(old: str, new: str) -> list[Piece]:
    """The pieces that turn ``old`` into ``new``, compared word by word (white space kept)."""
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    pieces: list[Piece] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(Piece("same", "".join(after[b_start:b_end])))
            continue
        if a_end > a_start:
            pieces.append(Piece("removed", "".join(before[a_start:a_end])))
        if b_end > b_start:
            pieces.append(Piece("added", "".join(after[b_start:b_end])))
    return pieces


def diff_lines(diff: str) -> list[DiffLine]:
    """Split a unified diff into lines marked for display."""
    lines = []
    for line in diff.splitlines():
        if line.startswith(("+++", "---")):
            kind = "file"
        elif line.startswith("@@"):
            kind = "hunk"
        elif line.startswith("+"):
            kind = "added"
        elif line.startswith("-"):
            kind = "removed"
        else:
            kind = "context"
        lines.append(DiffLine(kind, line))
    return lines
