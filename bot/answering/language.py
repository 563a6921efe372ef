"""Language detection for the ten supported languages, robust on short and mixed messages.

Messages are short, mix German office words into other languages ("Fachbereich Migration
в Крефельде") and often lack diacritics. Detection therefore works in steps:

1. The dominant script decides the candidate group (Latin: de en tr pl ro; Cyrillic:
   ru uk bg; Arabic: ar fa). A message mostly in another script (Chinese, Tigrinya, Greek,
   ...) is in an unsupported language.
2. Lingua scores only the words written in that script, so German names inside a Russian
   sentence do not outvote the Russian words.
3. A vocabulary vote adds evidence from words that occur in only one language of the
   knowledge base and the interface texts ("of", "pls" -> English), which settles short
   questions Lingua cannot.
4. When the evidence is weak, the person's previous language, then the channel's hint wins.

A separate detector with common unsupported languages (French, Spanish, Albanian, ...)
flags a message as unsupported only when it is long enough and clearly not one of ours.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from bot.answering.normalise import clean_text, tokens
from bot.languages import SUPPORTED

__all__ = ["Detection", "LanguageIdentifier", "Vocabulary"]

_GROUPS: dict[str, tuple[str, ...]] = {
    "LATIN": ("de", "en", "tr", "pl", "ro"),
    "CYRILLIC": ("ru", "uk", "bg"),
    "ARABIC": ("ar", "fa"),
}
# Unsupported languages people in NRW may write in, by script, for the "not supported" reply.
_OTHERS: dict[str, tuple[Language, ...]] = {
    "LATIN": (
        Language.FRENCH, Language.SPANISH, Language.ITALIAN, Language.PORTUGUESE,
        Language.DUTCH, Language.ALBANIAN, Language.CROATIAN, Language.BOSNIAN,
        Language.SOMALI, Language.VIETNAMESE, Language.HUNGARIAN, Language.AZERBAIJANI,
        Language.SWAHILI, Language.INDONESIAN, Language.CZECH,
    ),
    "CYRILLIC": (Language.SERBIAN, Language.MACEDONIAN, Language.KAZAKH, Language.BELARUSIAN),
    "ARABIC": (Language.URDU,),
}
_BY_CODE = {code: Language.from_iso_code_639_1(IsoCode639_1.from_str(code)) for code in SUPPORTED}
MIN_WORDS_FOR_UNSUPPORTED = 3
UNSUPPORTED_CONFIDENCE = 0.95
OWN_WORDS_SHARE = 0.3
RELIABLE_MARGIN = 0.25
# A tie-breaker for Latin messages with no evidence at all ("ok", "hello"): the two
# languages most people in Germany can read.
_PRIOR = {"en": 0.02, "de": 0.01}


@dataclass(frozen=True, slots=True)
class Detection:
    """The outcome of detection.

    Attributes:
        language: the supported language to reply in.
        confidence: 0..1, how sure the detection from the text alone is.
        source: ``text``, ``previous``, ``hint`` or ``default``: what decided.
        unsupported: ISO code (or script name) of an unsupported language the message is in.
    """

    language: str
    confidence: float
    source: str
    unsupported: str | None = None


class Vocabulary:
    """Words that occur in exactly one supported language of a text collection."""

    def __init__(self, texts_by_language: Mapping[str, Iterable[str]]) -> None:
        seen_in: dict[str, set[str]] = {}
        for code, texts in texts_by_language.items():
            for text in texts:
                for word in tokens(text):
                    if len(word) > 1 and not word.isdigit():
                        seen_in.setdefault(word, set()).add(code)
        self._owner = {w: next(iter(c)) for w, c in seen_in.items() if len(c) == 1}

    def vote(self, words: Iterable[str]) -> Counter[str]:
        """Count, per language, the words that only that language uses."""
        return Counter(self._owner[w] for w in words if w in self._owner)

    def __len__(self) -> int:
        return len(self._owner)


def _script(char: str) -> str | None:
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else None


def _script_counts(text: str) -> Counter[str]:
    return Counter(s for s in (_script(ch) for ch in text) if s)


def _words_in_script(text: str, script: str) -> str:
    kept = [w for w in text.split() if any(_script(ch) == script for ch in w)]
    return " ".join(kept)


class LanguageIdentifier:
    """Detects the language of a message among the ten supported ones.

    Args:
        vocabulary: words unique to one language (from the knowledge base and catalogues).
    """

    def __init__(self, vocabulary: Vocabulary | None = None) -> None:
        self._vocabulary = vocabulary or Vocabulary({})
        self._groups: dict[str, LanguageDetector] = {
            script: LanguageDetectorBuilder.from_languages(*(_BY_CODE[c] for c in codes))
            .with_low_accuracy_mode()
            .with_preloaded_language_models()
            .build()
            for script, codes in _GROUPS.items()
        }
        self._wide: dict[str, LanguageDetector] = {
            script: LanguageDetectorBuilder.from_languages(
                *(_BY_CODE[c] for c in _GROUPS[script]), *_OTHERS[script]
            )
            .with_low_accuracy_mode()
            .with_preloaded_language_models()
            .build()
            for script in _GROUPS
        }

    def detect(
        self, text: str, *, previous: str | None = None, hint: str | None = None
    ) -> Detection:
        """Detect the reply language of ``text``.

        Args:
            text: the message as received.
            previous: the language the person wrote in before, if any.
            hint: the channel's hint (e.g. the Telegram app's language), if any.
        """
        fallback = self._fallback(previous, hint)
        cleaned = clean_text(text)
        scripts = _script_counts(cleaned)
        letters = sum(scripts.values())
        if letters == 0:
            return fallback
        script, count = scripts.most_common(1)[0]
        for candidate in ("CYRILLIC", "ARABIC"):
            if scripts[candidate] >= 0.25 * letters:
                script, count = candidate, scripts[candidate]
                break
        if script not in _GROUPS:
            if count >= 2:
                return Detection(fallback.language, 0.0, fallback.source, script.lower())
            return fallback
        words = tokens(cleaned)
        scores = self._scores(_words_in_script(cleaned, script), script, words)
        ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
        best, best_score = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        margin = best_score - second
        if margin < RELIABLE_MARGIN and fallback.source != "default":
            same_group = fallback.language in _GROUPS[script]
            if same_group and scores.get(fallback.language, 0.0) >= best_score - RELIABLE_MARGIN:
                return Detection(fallback.language, margin, fallback.source)
        unsupported = self._unsupported(cleaned, script, words)
        return Detection(best, min(1.0, margin), "text", unsupported)

    def _scores(self, script_text: str, script: str, words: list[str]) -> dict[str, float]:
        codes = _GROUPS[script]
        if len(codes) == 1:
            return {codes[0]: 1.0}
        lingua_scores = {
            value.language.iso_code_639_1.name.lower(): value.value
            for value in self._groups[script].compute_language_confidence_values(script_text)
        }
        votes = self._vocabulary.vote(words)
        total_votes = sum(votes[c] for c in codes)
        scores: dict[str, float] = {}
        for code in codes:
            vocab_share = votes[code] / total_votes if total_votes else 0.0
            # Lingua is weak on a few words; the vocabulary is weak on unseen words.
            lingua_weight = min(1.0, len(words) / 6)
            scores[code] = (
                lingua_weight * lingua_scores.get(code, 0.0) + vocab_share + _PRIOR.get(code, 0.0)
            )
        return scores

    def _unsupported(self, text: str, script: str, words: list[str]) -> str | None:
        if len(words) < MIN_WORDS_FOR_UNSUPPORTED:
            return None
        # Words only one of our languages uses make the message ours, unless they are few.
        if sum(self._vocabulary.vote(words).values()) >= OWN_WORDS_SHARE * len(words):
            return None
        values = self._wide[script].compute_language_confidence_values(text)
        if not values:
            return None
        top = values[0]
        code = top.language.iso_code_639_1.name.lower()
        if code in SUPPORTED or top.value < UNSUPPORTED_CONFIDENCE:
            return None
        return code

    @staticmethod
    def _fallback(previous: str | None, hint: str | None) -> Detection:
        if previous in SUPPORTED:
            return Detection(previous, 0.0, "previous")
        base_hint = (hint or "").replace("_", "-").split("-", 1)[0].lower()
        if base_hint in SUPPORTED:
            return Detection(base_hint, 0.0, "hint")
        return Detection("de", 0.0, "default")
