"""The guard phrase language: whole words, prefixes, suffixes and gaps."""

from __future__ import annotations

import pytest

from bot.answering.normalise import matching_key
from bot.answering.phrase_patterns import PhraseSet, compile_phrase


def fires(phrase: str, text: str) -> bool:
    return compile_phrase(phrase).search(matching_key(text)) is not None


def test_words_match_whole_not_inside_other_words() -> None:
    assert fires("feuer", "Es ist Feuer im Haus")
    assert not fires("feuer", "Feuerwerk an Silvester")


def test_trailing_star_matches_word_endings() -> None:
    assert fires("umbring*", "er will mich umbringen")


def test_leading_star_matches_arabic_clitics() -> None:
    assert fires("*حريق", "والحريق في البناية")


def test_gap_allows_a_few_words_between() -> None:
    assert fires("schlägt ... mich", "mein Mann schlägt heute wieder mich")
    assert not fires("schlägt ... mich", "er schlägt den Ball sehr weit weg und dann mich")


def test_phrases_match_spelling_variants() -> None:
    assert fires("Ausländerbehörde", "termin bei der auslaenderbehoerde")


@pytest.mark.parametrize("bad", ["", "...", "... hilfe", "hilfe ...", "*"])
def test_malformed_phrases_are_rejected(bad: str) -> None:
    with pytest.raises(ValueError, match="pattern"):
        compile_phrase(bad)


def test_phrase_set_reports_which_phrase_fired() -> None:
    phrases = PhraseSet.of(["kill myself", "suicide", "kill myself"])
    assert phrases.phrases == ("kill myself", "suicide")
    assert phrases.first_match(matching_key("I want to kill myself")) == "kill myself"
    assert phrases.first_match(matching_key("killing time")) is None
