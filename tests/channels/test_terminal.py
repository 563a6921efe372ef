"""The terminal conversation: commands, numbered choices, and the same core as every channel."""

from __future__ import annotations

import io

from bot.answering.assistant import Assistant
from bot.channels.terminal import ChatSession, converse
from tests.fakes import verify_dialog


def test_greeting_says_what_it_is_no_legal_advice_and_how_to_reach_a_person(
    small_assistant: Assistant,
) -> None:
    greeting = ChatSession(small_assistant, "krefeld", "de").greeting()
    assert "Wegweiser" in greeting
    assert "keine Rechtsberatung" in greeting
    assert "Team" in greeting


def test_conversation_answers_and_follows_language_and_city_commands(
    small_assistant: Assistant,
) -> None:
    session = ChatSession(small_assistant, "krefeld", None)
    verify_dialog(session, [
        ("Gibt es Sport für Kinder?", "Sportprojekte"),
        ("/lang en", "English"),
        ("Is there sport for children?", "sports projects"),
        ("/city essen", "Essen"),
        ("Telefonnummer KI Essen", "KI Essen"),
        ("/city berlin", "krefeld, essen"),
        ("/lang xx", "de, en, ar"),
    ])


def test_numbered_choice_answers_the_chosen_entry(small_assistant: Assistant) -> None:
    session = ChatSession(small_assistant, "krefeld", "de")
    session.state = session.state.__class__(city="krefeld", language="de",
                                            chosen_language="de", choices=("school", "sport"))
    reply = session.handle("2")
    assert reply is not None
    assert "Sportprojekte" in reply
    assert session.state.choices == ()


def test_quit_ends_and_end_of_input_ends(small_assistant: Assistant) -> None:
    out = io.StringIO()
    status = converse(ChatSession(small_assistant, None, "en"),
                      io.StringIO("Is there sport for children?\n\n/quit\nnever read\n"), out)
    assert status == 0
    text = out.getvalue()
    assert "Wegweiser" in text
    assert "sports projects" in text
    assert "never read" not in text
