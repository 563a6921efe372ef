"""Render neutral messages as Telegram HTML, split to Telegram's 4,096-character limit.

Every text is escaped (a ``<script>`` a person wrote, or an ``&`` in an entry, stays text);
the only tags are the ones added here, and each part of a split message is valid on its own.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from bot.conversation.model import Outgoing

__all__ = ["MAX_LENGTH", "RenderedPart", "render", "split_text"]

MAX_LENGTH = 4096
_STYLES = {"lead": ("<b>", "</b>"), "label": ("<b>", "</b>"), "source": ("<i>", "</i>"),
           "quote": ("<blockquote>", "</blockquote>")}


@dataclass(frozen=True, slots=True)
class RenderedPart:
    """One Telegram message: HTML text and, on the last part, the buttons."""

    text: str
    buttons: tuple[tuple[tuple[str, str], ...], ...] = ()


def split_text(text: str, limit: int) -> list[str]:
    """Split plain text into pieces of at most ``limit`` characters, at line or word breaks."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut < limit // 2:
            cut = rest.rfind(" ", 0, limit)
        if cut < limit // 2:
            cut = limit  # one very long word: cut it
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def _section_html(style: str, text: str, limit: int) -> list[str]:
    opening, closing = _STYLES.get(style, ("", ""))
    room = limit - len(opening) - len(closing)
    # Escaping can only lengthen text; split the raw text with room to spare.
    chunks = split_text(text, max(200, room // 2)) if len(html.escape(text)) > room else [text]
    return [f"{opening}{html.escape(chunk, quote=False)}{closing}" for chunk in chunks]


def render(message: Outgoing, limit: int = MAX_LENGTH) -> list[RenderedPart]:
    """Return the Telegram messages for ``message`` (usually one)."""
    blocks = [block for section in message.sections if section.text
              for block in _section_html(section.style, section.text, limit)]
    parts: list[str] = []
    current = ""
    for block in blocks:
        candidate = f"{current}\n\n{block}" if current else block
        if len(candidate) <= limit:
            current = candidate
        else:
            parts.append(current)
            current = block
    if current or not parts:
        parts.append(current or "…")
    buttons = tuple(tuple((b.label, b.data) for b in row) for row in message.buttons)
    return [RenderedPart(text, buttons if n == len(parts) - 1 else ())
            for n, text in enumerate(parts)]
