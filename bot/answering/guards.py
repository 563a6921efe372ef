"""Guards that run before retrieval: emergency, legal advice, and "let me talk to a person".

The phrase lists live in ``guard_data/*.yaml`` (one file per guard, all ten languages).
Every language's phrases are checked on every message, because people mix languages and
write German office words ("Ausländerbehörde", "Duldung") inside Arabic or Turkish text.

* Emergency fires on any emergency phrase.
* Legal fires on a ``strong`` phrase ("verklagen", "appeal against"), or on a legal
  ``subject`` (residence permit, deposit, dismissal ...) together with an ``advice`` cue
  (can I, may I, what should I do ...). A question that only *names* a legal topic ("what
  does the Fachbereich Migration do?") is left to retrieval.
* Human fires on a request to talk to a person.

The examples and contrasts in the same files feed the tests and the semantic check in
:mod:`bot.answering.guard_similarity`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from typing import Any

import yaml

from bot.answering.phrase_patterns import PhraseSet

__all__ = ["GuardData", "GuardHit", "GuardKind", "Guards", "load_guard_data"]


class GuardKind(StrEnum):
    """Which guard fired."""

    EMERGENCY = "emergency"
    LEGAL = "legal"
    HUMAN = "human"


@dataclass(frozen=True, slots=True)
class GuardHit:
    """A guard that fired and the phrase(s) that made it fire (for logs and tests)."""

    kind: GuardKind
    reason: str


@dataclass(frozen=True, slots=True)
class GuardData:
    """The phrase lists and examples of one guard, by section and language."""

    name: str
    sections: Mapping[str, Mapping[str, tuple[str, ...]]]

    def phrases(self, section: str) -> tuple[str, ...]:
        """Return all phrases of ``section`` across languages."""
        by_language = self.sections.get(section, {})
        return tuple(p for phrases in by_language.values() for p in phrases)

    def by_language(self, section: str) -> Mapping[str, tuple[str, ...]]:
        """Return ``section`` keyed by language code."""
        return self.sections.get(section, {})


def _as_sections(raw: Any) -> dict[str, dict[str, tuple[str, ...]]]:
    sections: dict[str, dict[str, tuple[str, ...]]] = {}
    if not isinstance(raw, dict):
        return sections
    for section, languages in raw.items():
        if not isinstance(languages, dict):
            continue
        sections[str(section)] = {
            str(code): tuple(str(p) for p in phrases or [] if str(p).strip())
            for code, phrases in languages.items()
        }
    return sections


def load_guard_data(name: str) -> GuardData:
    """Read ``guard_data/<name>.yaml`` shipped with the package."""
    text = resources.files("bot.answering").joinpath("guard_data", f"{name}.yaml").read_text(
        encoding="utf-8"
    )
    return GuardData(name, _as_sections(yaml.safe_load(text)))


@dataclass(frozen=True, slots=True)
class Guards:
    """The compiled lexical guards."""

    emergency: PhraseSet
    legal_strong: PhraseSet
    legal_subjects: PhraseSet
    legal_advice: PhraseSet
    human: PhraseSet

    @classmethod
    def from_data(cls, emergency: GuardData, legal: GuardData, human: GuardData) -> Guards:
        """Compile the phrase lists of the three guards."""
        return cls(
            emergency=PhraseSet.of(emergency.phrases("patterns")),
            legal_strong=PhraseSet.of(legal.phrases("strong")),
            legal_subjects=PhraseSet.of(legal.phrases("subjects")),
            legal_advice=PhraseSet.of(legal.phrases("advice")),
            human=PhraseSet.of(human.phrases("patterns")),
        )

    @classmethod
    def bundled(cls) -> Guards:
        """Compile the guards shipped in ``guard_data/``."""
        return cls.from_data(*(load_guard_data(n) for n in ("emergency", "legal", "human")))

    def emergency_hit(self, key: str) -> GuardHit | None:
        """Return a hit when the matching key ``key`` signals immediate danger."""
        phrase = self.emergency.first_match(key)
        return GuardHit(GuardKind.EMERGENCY, phrase) if phrase else None

    def legal_hit(self, key: str) -> GuardHit | None:
        """Return a hit when ``key`` asks for individual legal advice."""
        strong = self.legal_strong.first_match(key)
        if strong:
            return GuardHit(GuardKind.LEGAL, strong)
        subject = self.legal_subjects.first_match(key)
        if subject:
            advice = self.legal_advice.first_match(key)
            if advice:
                return GuardHit(GuardKind.LEGAL, f"{subject} + {advice}")
        return None

    def human_hit(self, key: str) -> GuardHit | None:
        """Return a hit when ``key`` asks to talk to a person."""
        phrase = self.human.first_match(key)
        return GuardHit(GuardKind.HUMAN, phrase) if phrase else None
