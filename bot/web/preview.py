"""What a person would see for an entry that is being edited: the reply the assistant composes.

The preview is built by the same code as a real answer (:func:`bot.answering.compose.compose`
and :func:`bot.conversation.model.from_reply`), so fallbacks, the source line, the contact
block, the review and no-legal-advice notes and the buttons appear exactly as in the chat.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from types import MappingProxyType

from bot.answering.compose import TranslatorFactory, compose
from bot.answering.decide import Verdict
from bot.answering.outcome import Decision
from bot.conversation import keyboards
from bot.conversation.model import Outgoing, from_reply
from bot.kb.model import Entry, KnowledgeBase, Translation
from bot.languages import LANGUAGES

__all__ = ["Preview", "preview_reply", "with_version"]


@dataclass(frozen=True, slots=True)
class Preview:
    """A question as a person might ask it and the reply they would get, in ``language``."""

    language: str
    rtl: bool
    question: str
    reply: Outgoing | None  # None: no language version has an answer yet


def with_version(entry: Entry, language: str, *, title: str, answer: str,
                 questions: Sequence[str], status: str = "draft") -> Entry:
    """Return ``entry`` with its ``language`` version replaced by the given texts."""
    old = entry.translations.get(language)
    version = Translation(language=language, status=status, title=title, answer=answer,
                          questions=tuple(questions),
                          based_on=old.based_on if old is not None else None)
    translations = dict(entry.translations)
    translations[language] = version
    return dataclasses.replace(entry, translations=MappingProxyType(translations))


def preview_reply(entry: Entry, language: str, *, knowledge: KnowledgeBase,
                  make_translator: TranslatorFactory) -> Preview:
    """The reply a person writing in ``language`` gets when the assistant answers with
    ``entry`` (with the first of the entry's questions in that language as the question)."""
    message = None
    if any(version.answer.strip() for version in entry.translations.values()):
        reply, _ = compose(Verdict(Decision.ANSWER, "preview", entry=entry),
                           knowledge=knowledge, language=language,
                           make_translator=make_translator)
        message = from_reply(reply, keyboards.after_answer(make_translator(language), entry.id))
    version = entry.translations.get(language)
    question = version.questions[0] if version is not None and version.questions else ""
    known = LANGUAGES.get(language)
    return Preview(language=language, rtl=known.rtl if known is not None else False,
                   question=question, reply=message)
