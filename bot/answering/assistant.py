"""The answering pipeline: normalise -> detect language -> guards -> retrieve -> decide -> reply.

:class:`Assistant` holds only immutable, prebuilt parts (index, detectors, guards); its
``answer`` method takes an :class:`Incoming` and returns an :class:`Outcome`, with no I/O.
The one computation it delegates is embedding the message, through ``embed_query``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from bot.answering.compose import TranslatorFactory, compose
from bot.answering.decide import decide
from bot.answering.embedder import Vectors
from bot.answering.guards import GuardHit, Guards
from bot.answering.index import KnowledgeIndex
from bot.answering.language import Detection, LanguageIdentifier
from bot.answering.normalise import clean_text, matching_key
from bot.answering.outcome import Incoming, Outcome
from bot.answering.retrieval import retrieve
from bot.answering.settings import MatchSettings
from bot.i18n import translator
from bot.kb.model import Entry
from bot.languages import SUPPORTED

__all__ = ["MAX_MESSAGE_CHARS", "Assistant"]

# Longer messages are read up to here (a chat question is rarely longer than a few
# hundred characters; a 20,000-character paste must not cost seconds).
MAX_MESSAGE_CHARS = 2000
TOP_CANDIDATES = 3


class Assistant:
    """Answers one message at a time from a prebuilt knowledge index."""

    def __init__(
        self,
        index: KnowledgeIndex,
        identifier: LanguageIdentifier,
        guards: Guards,
        embed_query: Callable[[str], Vectors],
        settings: MatchSettings | None = None,
        make_translator: TranslatorFactory = translator,
    ) -> None:
        self.index = index
        self.identifier = identifier
        self.guards = guards
        self.embed_query = embed_query
        self.settings = settings or MatchSettings()
        self.make_translator = make_translator

    def detect(self, incoming: Incoming, text: str) -> Detection:
        """Return the reply language for ``incoming`` (a chosen language wins)."""
        if incoming.forced_language in SUPPORTED:
            return Detection(incoming.forced_language, 1.0, "chosen")
        return self.identifier.detect(
            text, previous=incoming.previous_language, hint=incoming.language_hint
        )

    def guard_hits(self, key: str) -> tuple[GuardHit, ...]:
        """Return every lexical guard that fires on the matching key ``key``."""
        checks = (self.guards.emergency_hit, self.guards.legal_hit, self.guards.human_hit)
        return tuple(hit for hit in (check(key) for check in checks) if hit is not None)

    def answer(self, incoming: Incoming) -> Outcome:
        """Decide and compose the reply to one message."""
        cleaned = clean_text(incoming.text)
        truncated = len(cleaned) > MAX_MESSAGE_CHARS
        text = cleaned[:MAX_MESSAGE_CHARS]
        key = matching_key(text)
        has_content = any(ch.isalnum() for ch in text)
        detection = self.detect(incoming, text)
        language = detection.language
        vector = (
            self.embed_query(text)
            if has_content
            else np.zeros(self.index.dim, dtype=np.float32)
        )
        retrieval = retrieve(
            self.index, vector, key.split(), language, incoming.city, self.settings
        )
        verdict = decide(
            has_content=has_content,
            guard_hits=self.guard_hits(key) if has_content else (),
            unsupported_language=detection.unsupported,
            retrieval=retrieval,
            settings=self.settings,
        )
        reply, notices = compose(
            verdict,
            knowledge=self.index.knowledge,
            language=language,
            make_translator=self.make_translator,
            truncated=truncated,
        )
        top = retrieval.candidates[:TOP_CANDIDATES] if has_content else ()
        return Outcome(
            decision=verdict.decision,
            reply=reply,
            language=language,
            entry_id=verdict.entry.id if verdict.entry else None,
            candidates=tuple(c.entry.id for c in top),
            score=round(top[0].confidence, 4) if top else 0.0,
            notices=notices,
            reason=verdict.reason,
            cleaned_text=cleaned,
            candidate_titles_de=tuple(_german_title(c.entry) for c in top),
        )


def _german_title(entry: Entry) -> str:
    """The entry's German title (a topic hint for staff), else its id."""
    german = entry.translation("de")
    return german.title if german is not None and german.title else entry.id
