"""The whole pipeline on the small fixture knowledge base, with the fake embedder."""

from __future__ import annotations

from bot.answering.assistant import Assistant
from bot.answering.outcome import Decision, Incoming, Notice


def ask(assistant: Assistant, text: str, city: str | None = "krefeld", **kw: str) -> object:
    return assistant.answer(Incoming(text=text, city=city, **kw))


def test_german_question_gets_the_entry_with_contact_and_source(
    small_assistant: Assistant,
) -> None:
    outcome = small_assistant.answer(Incoming("Gibt es Sport für Kinder?", city="krefeld"))
    assert outcome.decision is Decision.ANSWER
    assert outcome.entry_id == "sport"
    assert outcome.language == "de"
    text = outcome.reply.as_text()
    assert "Sportprojekte" in text
    assert "Telefon: 02151/86-2502" in text
    assert "Quelle: seed.txt" in text or "seed.txt" in text
    assert outcome.candidates[0] == "sport"


def test_arabic_question_gets_the_arabic_answer_right_to_left(
    small_assistant: Assistant,
) -> None:
    outcome = small_assistant.answer(Incoming("هل توجد رياضة للأطفال؟", city="krefeld"))
    assert outcome.entry_id == "sport"
    assert outcome.language == "ar"
    assert outcome.reply.rtl
    assert "مشاريع رياضية" in outcome.reply.body


def test_missing_translation_falls_back_to_english_with_a_note(
    small_assistant: Assistant,
) -> None:
    outcome = small_assistant.answer(
        Incoming("Wie finde ich eine Schule für mein Kind?", city="krefeld",
                 forced_language="ar"))
    assert outcome.entry_id == "school"
    assert Notice.FALLBACK_LANGUAGE in outcome.notices
    assert outcome.reply.body.startswith("The KI advises")
    assert outcome.reply.lead  # the localised note comes first
    assert outcome.language == "ar"


def test_entries_of_the_other_city_are_never_offered(small_assistant: Assistant) -> None:
    outcome = small_assistant.answer(Incoming("Telefonnummer KI Essen", city="krefeld"))
    assert "essen-contact" not in outcome.candidates
    essen = small_assistant.answer(Incoming("Telefonnummer KI Essen", city="essen"))
    assert essen.entry_id == "essen-contact"
    assert Notice.NEEDS_REVIEW in essen.notices


def test_emergency_gets_the_numbers_first_in_the_person_s_language(
    small_assistant: Assistant,
) -> None:
    outcome = small_assistant.answer(Incoming("Hilfe, mein Mann schlägt mich gerade!"))
    assert outcome.decision is Decision.EMERGENCY
    assert Notice.EMERGENCY_NUMBERS in outcome.notices
    first = outcome.reply.as_text().split("\n\n")[0]
    assert "110" in first
    assert "112" in first
    assert "116 016" in first
    assert outcome.candidates  # retrieval ran too


def test_legal_question_is_referred_with_the_no_legal_advice_notice(
    small_assistant: Assistant,
) -> None:
    outcome = small_assistant.answer(
        Incoming("Mein Vermieter behält die Kaution. Soll ich ihn verklagen?"))
    assert outcome.decision is Decision.LEGAL_REFERRAL
    assert Notice.NO_LEGAL_ADVICE in outcome.notices
    assert "keine Rechtsberatung" in outcome.reply.as_text()


def test_question_about_legal_advice_itself_is_answered_by_the_entry(
    small_assistant: Assistant,
) -> None:
    outcome = small_assistant.answer(Incoming("Gibt es bei Ihnen Rechtsberatung?"))
    assert outcome.decision is Decision.ANSWER
    assert outcome.entry_id == "no-legal-advice"
    assert Notice.NO_LEGAL_ADVICE in outcome.notices


def test_asking_for_a_person_is_handed_off(small_assistant: Assistant) -> None:
    outcome = small_assistant.answer(Incoming("Ich möchte mit einem Menschen sprechen"))
    assert outcome.decision is Decision.HANDOFF
    assert outcome.reason == "human_requested"


def test_message_in_an_unsupported_language_lists_the_languages_in_english_and_german(
    small_assistant: Assistant,
) -> None:
    outcome = small_assistant.answer(
        Incoming("Bonjour, je voudrais savoir où je peux inscrire mon enfant à l'école."))
    assert outcome.decision is Decision.HANDOFF
    text = outcome.reply.as_text()
    assert "العربية" in text
    assert "Українська" in text
    assert "Sorry" in text
    assert "Deutsch" in text


def test_emoji_only_message_asks_for_words(small_assistant: Assistant) -> None:
    outcome = small_assistant.answer(Incoming("😀👍", previous_language="uk"))
    assert outcome.decision is Decision.CLARIFY
    assert outcome.language == "uk"
    assert outcome.reply.body
    assert outcome.candidates == ()


def test_short_message_keeps_the_previous_language(small_assistant: Assistant) -> None:
    outcome = small_assistant.answer(Incoming("ok", previous_language="pl"))
    assert outcome.language == "pl"
