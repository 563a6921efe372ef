"""A small pattern language for guard phrases, written by people, matched on matching keys.

A pattern is a phrase as a person would write it, in any script:

* words are matched whole, after the same folding as the message (:func:`matching_key`),
  so ``Ausländerbehörde`` also matches ``auslaenderbehoerde``;
* ``word*`` matches any word that starts with ``word`` (``umbring*`` matches ``umbringen``);
* ``*word`` matches any word that ends with ``word`` (Arabic clitics: ``*حریق`` matches
  ``والحریق``), and ``*word*`` any word containing it;
* ``...`` between two words allows up to four other words in between
  (``schlägt ... mich``).

Patterns never contain regular-expression syntax, so editors cannot break the matcher.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.answering.normalise import matching_key

__all__ = ["PhraseSet", "compile_phrase"]

_GAP = r"(?:\s+\S+){0,4}?"


def _word_regex(word: str) -> str:
    leading, trailing = word.startswith("*"), word.endswith("*")
    core = matching_key(word.strip("*"))
    if not core:
        raise ValueError(f"pattern word {word!r} has no letters")
    parts = [re.escape(part) for part in core.split()]
    body = r"\s+".join(parts)
    return (r"\w*" if leading else "") + body + (r"\w*" if trailing else "")


def compile_phrase(phrase: str) -> re.Pattern[str]:
    """Compile one human-written phrase into a regular expression over matching keys."""
    pieces: list[str] = []
    for word in phrase.split():
        if word == "...":
            if not pieces or pieces[-1] == _GAP:
                raise ValueError(f"pattern {phrase!r}: '...' must stand between two words")
            pieces.append(_GAP)
            continue
        if pieces:
            pieces.append(r"\s+")
        pieces.append(_word_regex(word))
    if not pieces or pieces[-1] == _GAP:
        raise ValueError(f"pattern {phrase!r} is empty or ends with '...'")
    return re.compile(r"(?<!\w)" + "".join(pieces) + r"(?!\w)")


def required_text(phrase: str) -> str:
    """The longest piece of text any match of ``phrase`` must contain (its longest word,
    folded like a matching key, without wildcards)."""
    cores = [matching_key(word.strip("*")) for word in phrase.split() if word != "..."]
    return max(cores, key=len)


@dataclass(frozen=True, slots=True)
class PhraseSet:
    """A set of compiled phrases; ``first_match`` says which phrase fired.

    Every match of a phrase contains its longest word, so a message is only searched with
    the patterns whose longest word occurs in it: a plain substring test per phrase instead
    of a regular-expression search (thousands of phrases cost well under a millisecond).
    """

    phrases: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    required: tuple[str, ...]

    @classmethod
    def of(cls, phrases: Iterable[str]) -> PhraseSet:
        """Compile ``phrases`` (duplicates are kept once)."""
        unique = tuple(dict.fromkeys(p.strip() for p in phrases if p and p.strip()))
        patterns = tuple(compile_phrase(p) for p in unique)
        return cls(unique, patterns, tuple(required_text(p) for p in unique))

    def first_match(self, key: str) -> str | None:
        """Return the first phrase that occurs in the matching key ``key``, else None."""
        for phrase, pattern, required in zip(self.phrases, self.patterns, self.required,
                                             strict=True):
            if required in key and pattern.search(key):
                return phrase
        return None

    def __bool__(self) -> bool:
        return bool(self.phrases)
