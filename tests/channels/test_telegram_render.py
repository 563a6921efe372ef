"""Rendering for Telegram: everything escaped, valid HTML in every part, 4,096 at most."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.telegram.render import MAX_LENGTH, render, split_text
from bot.conversation.model import Button, Outgoing, Section

ALLOWED = {"b", "i", "blockquote"}


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        assert tag in ALLOWED, tag
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack, f"closing {tag} without opening"
        assert self.stack.pop() == tag

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def visible_text(html_text: str) -> str:
    checker = _Checker()
    checker.feed(html_text)
    checker.close()
    assert checker.stack == [], "unclosed tags"
    return "".join(checker.text)


def test_person_text_with_markup_is_escaped_not_interpreted() -> None:
    message = Outgoing((Section("quote", "<script>alert(1)</script> & <b>fett</b>"),))
    [part] = render(message)
    assert "<script>" not in part.text
    assert visible_text(part.text) == "<script>alert(1)</script> & <b>fett</b>"


def test_long_message_is_split_at_word_boundaries_and_buttons_go_last() -> None:
    words = " ".join(f"Wort{n}" for n in range(3000))
    message = Outgoing((Section("lead", "Achtung"), Section("body", words)),
                       buttons=((Button("OK", "ask:"),),))
    parts = render(message)
    assert len(parts) >= 5
    assert all(len(p.text) <= MAX_LENGTH for p in parts)
    assert [bool(p.buttons) for p in parts] == [False] * (len(parts) - 1) + [True]
    rejoined = " ".join(visible_text(p.text) for p in parts)
    assert re.findall(r"Wort\d+", rejoined) == [f"Wort{n}" for n in range(3000)]


@given(st.lists(st.tuples(st.sampled_from(["lead", "body", "source", "quote", "label"]),
                          st.text(min_size=1, max_size=3000)), min_size=1, max_size=4))
@settings(max_examples=60, deadline=None)
def test_any_message_renders_to_valid_parts_within_the_limit(
    sections: list[tuple[str, str]],
) -> None:
    message = Outgoing(tuple(Section(style, text) for style, text in sections))
    for part in render(message):
        assert 0 < len(part.text) <= MAX_LENGTH
        visible_text(part.text)


def test_split_text_keeps_every_character_of_a_huge_word() -> None:
    pieces = split_text("x" * 10_000, 4096)
    assert "".join(pieces) == "x" * 10_000
    assert all(len(p) <= 4096 for p in pieces)
