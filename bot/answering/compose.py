"""Compose the reply a person sees for a verdict, in their language.

Entry texts come from the knowledge base (with an English, then German fallback and a
note saying so); every interface sentence comes from the gettext catalogues.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

from babel.dates import format_date

from bot.answering import messages
from bot.answering.decide import Verdict
from bot.answering.outcome import Choice, Decision, Notice, Reply
from bot.i18n import Translator
from bot.kb.model import Entry, KnowledgeBase, Translation
from bot.languages import LANGUAGES, SUPPORTED

__all__ = ["NO_LEGAL_ADVICE_ENTRY", "compose", "entry_version"]

NO_LEGAL_ADVICE_ENTRY = "no-legal-advice"
FALLBACK_ORDER = ("en", "de")
TranslatorFactory = Callable[[str], Translator]


def entry_version(entry: Entry, language: str) -> tuple[Translation, bool]:
    """Return the entry's text in ``language``, or its English/German fallback.

    The flag is True when a fallback was used.
    """
    for code in (language, *FALLBACK_ORDER):
        version = entry.translation(code)
        if version is not None:
            return version, code != language
    version = next(v for v in entry.translations.values() if v.answer)
    return version, True


def _fallback_note(tr: Translator, used: str) -> str:
    return tr.gettext(messages.FALLBACK_GERMAN if used == "de" else messages.FALLBACK_ENGLISH)


def _format_date(day: dt.date, language: str) -> str:
    try:
        return format_date(day, format="long", locale=language)
    except (ValueError, LookupError):
        return day.isoformat()


def _contact_lines(entry: Entry, tr: Translator) -> tuple[tuple[str, str], ...]:
    contact = entry.contact
    fields = (
        (messages.CONTACT_PHONE, contact.phone),
        (messages.CONTACT_FAX, contact.fax),
        (messages.CONTACT_EMAIL, contact.email),
        (messages.CONTACT_WEB, contact.web),
        (messages.CONTACT_ADDRESS, contact.address),
    )
    return tuple((tr.gettext(label), value) for label, values in fields for value in values)


def _source_line(entry: Entry, knowledge: KnowledgeBase, tr: Translator, language: str) -> str:
    if not entry.sources:
        return ""
    titles = list(dict.fromkeys(knowledge.source_title(s.file) for s in entry.sources))
    date = _format_date(entry.last_checked, language) if entry.last_checked else "?"
    return tr.gettext(messages.SOURCE_LINE).format(source="; ".join(titles), date=date)


def _answer(verdict: Verdict, knowledge: KnowledgeBase, language: str, tr: Translator,
            rtl: bool) -> tuple[Reply, tuple[Notice, ...]]:
    entry = verdict.entry
    assert entry is not None  # noqa: S101 - an answer always names its entry
    version, fell_back = entry_version(entry, language)
    lead: list[str] = []
    footer: list[str] = []
    notices: list[Notice] = []
    if fell_back:
        lead.append(_fallback_note(tr, version.language))
        notices.append(Notice.FALLBACK_LANGUAGE)
    if entry.needs_review:
        footer.append(tr.gettext(messages.NEEDS_REVIEW))
        notices.append(Notice.NEEDS_REVIEW)
    if entry.legal_adjacent or entry.id == NO_LEGAL_ADVICE_ENTRY:
        footer.append(tr.gettext(messages.NO_LEGAL_ADVICE))
        notices.append(Notice.NO_LEGAL_ADVICE)
    footer.append(tr.gettext(messages.ASK_PERSON_HINT))
    reply = Reply(
        language=language,
        rtl=rtl,
        body=version.answer,
        lead=tuple(lead),
        contact=_contact_lines(entry, tr),
        source=_source_line(entry, knowledge, tr, language),
        footer=tuple(footer),
    )
    return reply, tuple(notices)


def _legal(knowledge: KnowledgeBase, language: str, tr: Translator,
           rtl: bool) -> tuple[Reply, tuple[Notice, ...]]:
    referral = knowledge.get(NO_LEGAL_ADVICE_ENTRY)
    notices = [Notice.NO_LEGAL_ADVICE]
    lead = [tr.gettext(messages.NO_LEGAL_ADVICE)]
    body = tr.gettext(messages.LEGAL_REFERRAL)
    source = ""
    if referral is not None:
        version, fell_back = entry_version(referral, language)
        if fell_back:
            lead.append(_fallback_note(tr, version.language))
            notices.append(Notice.FALLBACK_LANGUAGE)
        body = f"{body}\n\n{version.answer}"
        source = _source_line(referral, knowledge, tr, language)
    else:
        body = f"{body}\n\n{tr.gettext(messages.LEGAL_REFERRAL_GENERAL)}"
    reply = Reply(language=language, rtl=rtl, body=body, lead=tuple(lead), source=source,
                  footer=(tr.gettext(messages.ASK_PERSON_HINT),))
    return reply, tuple(notices)


def _choices(entries: tuple[Entry, ...], language: str) -> tuple[Choice, ...]:
    choices = []
    for entry in entries:
        version, _ = entry_version(entry, language)
        choices.append(Choice(entry.id, version.title or entry.id))
    return tuple(choices)


def _unsupported(make_translator: TranslatorFactory) -> str:
    names = ", ".join(LANGUAGES[code].native_name for code in SUPPORTED)
    texts = [make_translator(code).gettext(messages.UNSUPPORTED_LANGUAGE) for code in ("en", "de")]
    return "\n\n".join(dict.fromkeys(t.format(languages=names) for t in texts))


def compose(
    verdict: Verdict,
    *,
    knowledge: KnowledgeBase,
    language: str,
    make_translator: TranslatorFactory,
    truncated: bool = False,
) -> tuple[Reply, tuple[Notice, ...]]:
    """Build the reply for ``verdict`` in ``language``."""
    tr = make_translator(language)
    rtl = LANGUAGES[language].rtl if language in LANGUAGES else False
    notices: tuple[Notice, ...] = ()
    decision = verdict.decision
    if decision is Decision.EMERGENCY:
        reply = Reply(language=language, rtl=rtl, body=tr.gettext(messages.EMERGENCY_AFTER),
                      lead=(tr.gettext(messages.EMERGENCY),),
                      footer=(tr.gettext(messages.HANDOFF_HUMAN),))
        notices = (Notice.EMERGENCY_NUMBERS,)
    elif decision is Decision.LEGAL_REFERRAL:
        reply, notices = _legal(knowledge, language, tr, rtl)
    elif decision is Decision.ANSWER:
        reply, notices = _answer(verdict, knowledge, language, tr, rtl)
    elif decision is Decision.CLARIFY and verdict.choices:
        reply = Reply(language=language, rtl=rtl, body=tr.gettext(messages.CLARIFY),
                      choices=_choices(verdict.choices, language),
                      footer=(tr.gettext(messages.ASK_PERSON_HINT),))
    elif decision is Decision.CLARIFY:
        reply = Reply(language=language, rtl=rtl, body=tr.gettext(messages.CLARIFY_EMPTY))
    elif verdict.reason == "unsupported_language":
        reply = Reply(language=language, rtl=rtl, body=_unsupported(make_translator))
        notices = (Notice.UNSUPPORTED_LANGUAGE,)
    elif verdict.reason == "human_requested":
        reply = Reply(language=language, rtl=rtl, body=tr.gettext(messages.HANDOFF_HUMAN))
    else:
        reply = Reply(language=language, rtl=rtl, body=tr.gettext(messages.HANDOFF_OFFER))
    if truncated:
        reply = replace(reply, lead=(*reply.lead, tr.gettext(messages.TOO_LONG)))
        notices = (*notices, Notice.TRUNCATED)
    return reply, notices
