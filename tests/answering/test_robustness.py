"""Bad input never crashes: any text gets a decision and a non-empty reply."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answering.assistant import MAX_MESSAGE_CHARS, Assistant
from bot.answering.outcome import Decision, Incoming, Notice
from bot.config import load_settings
from bot.languages import SUPPORTED
from bot.runtime import build_runtime
from tests.conftest import FAKE_MATCH
from tests.fakes import FakeEmbedder

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    data = tmp_path_factory.mktemp("data")
    config = load_settings(knowledge_dir=FIXTURES / "kb_small", data_dir=data, match=FAKE_MATCH)
    return build_runtime(config, embedder=FakeEmbedder(), progress=None).assistant


def check_sane(assistant: Assistant, text: str, **kw: str | None) -> None:
    outcome = assistant.answer(Incoming(text=text, **kw))  # type: ignore[arg-type]
    assert outcome.decision in set(Decision)
    assert outcome.language in SUPPORTED
    assert outcome.reply.as_text().strip()
    assert 0.0 <= outcome.score <= 1.0
    assert len(outcome.candidates) <= 3


@given(st.text(max_size=300))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_unicode_text_gets_a_reply(assistant: Assistant, text: str) -> None:
    check_sane(assistant, text)


@given(st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "So"]),
               max_size=200))
@settings(max_examples=80, deadline=None)
def test_control_format_and_symbol_characters_get_a_reply(assistant: Assistant,
                                                           text: str) -> None:
    check_sane(assistant, text)


@given(st.sampled_from(["krefeld", "essen", None]), st.sampled_from([*SUPPORTED, "xx", None]),
       st.text(max_size=80))
@settings(max_examples=80, deadline=None)
def test_any_city_and_language_hint_is_handled(assistant: Assistant, city: str | None,
                                               hint: str | None, text: str) -> None:
    check_sane(assistant, text, city=city, language_hint=hint, previous_language=hint)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t  ",
        "😀😀😀",
        "\x00\x01\x02\x1b[31m",
        "\u202eenilno kcab llac esaelp\u202c",
        "<script>alert('x')</script> <b>Schule?</b>",
        "**Sport** _für_ [Kinder](javascript:alert(1)) `code`",
        "?" * 5000,
        "Schule " * 4000,
    ],
)
def test_awkward_messages_get_a_polite_reply(assistant: Assistant, text: str) -> None:
    check_sane(assistant, text)


def test_huge_message_is_read_up_to_the_limit_and_says_so(assistant: Assistant) -> None:
    text = "Gibt es Sport für Kinder? " + "bla " * 5000
    assert len(text) > 20_000
    outcome = assistant.answer(Incoming(text))
    assert Notice.TRUNCATED in outcome.notices
    assert len(outcome.cleaned_text) > MAX_MESSAGE_CHARS  # the original is kept for staff


def test_markup_in_a_message_is_never_echoed_as_markup(assistant: Assistant) -> None:
    outcome = assistant.answer(Incoming("<script>alert(1)</script>"))
    assert "<script>" not in outcome.reply.as_text()
