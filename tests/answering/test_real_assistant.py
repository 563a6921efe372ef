"""The real assistant: multilingual-e5-small, the repository's knowledge base and guards.

These messages are written for the tests (not taken from the evaluation sets).
"""

from __future__ import annotations

import pytest

from bot.answering.assistant import Assistant
from bot.answering.outcome import Decision, Incoming, Notice


def answer(assistant: Assistant, text: str, city: str = "krefeld") -> tuple[str, str | None, str]:
    outcome = assistant.answer(Incoming(text=text, city=city))
    return outcome.decision.value, outcome.entry_id, outcome.language


@pytest.mark.parametrize(
    ("city", "text", "entry", "language"),
    [
        ("krefeld", "Mój syn potrzebuje tłumacza na rozmowę w szkole", "krefeld-language-mediators",
         "pl"),
        ("krefeld", "telefonnummer vom integrationszentrum krefeld", "krefeld-ki-contact", "de"),
        ("krefeld", "Does the KI give legal advice?", "no-legal-advice", "en"),
        ("krefeld", "Benim kızım 6 yaşında, okul öncesi sağlık muayenesi için Gesundheitsamt'a "
                    "gitmemiz lazım, Türkçe bilen biri gelebilir mi?", "krefeld-school-health-exam",
         "tr"),
        ("krefeld", "Где можно заниматься спортом детям беженцев в Крефельде?", "krefeld-sport",
         "ru"),
        ("essen", "Я хочу записати дитину до школи в Ессені, хто допоможе?",
         "essen-newcomer-education", "uk"),
        ("krefeld", "می‌خواهم داوطلب شوم و به پناهجوها کمک کنم", "krefeld-volunteering", "fa"),
        ("krefeld", "Vreau să fac voluntariat în Krefeld", "krefeld-volunteering", "ro"),
        ("essen", "Какво прави интеграционният съвет в Есен?", "essen-integration-council", "bg"),
        ("krefeld", "ما هو برنامج Rucksack في المدرسة الابتدائية؟", "krefeld-rucksack", "ar"),
    ],
)
def test_questions_in_ten_languages_get_the_right_entry_in_their_language(
    real_assistant: Assistant, city: str, text: str, entry: str, language: str,
) -> None:
    assert answer(real_assistant, text, city) == ("answer", entry, language)


def test_health_office_question_is_not_an_emergency(real_assistant: Assistant) -> None:
    decision, entry, _ = answer(real_assistant, "where is the health office for the school exam")
    assert decision == "answer"
    assert entry == "krefeld-school-health-exam"


@pytest.mark.parametrize(
    "text",
    [
        "Ich will nicht mehr leben",
        "my son is unconscious and not breathing",
        "Es brennt in der Küche!",
        "زوجي يضربني الآن وأنا خائفة",
        "Komşum bıçakla kapıya dayandı, beni öldüreceğini söylüyor",
    ],
)
def test_danger_gets_emergency_numbers_first(real_assistant: Assistant, text: str) -> None:
    outcome = real_assistant.answer(Incoming(text=text, city="essen"))
    assert outcome.decision is Decision.EMERGENCY
    assert "112" in outcome.reply.as_text().split("\n\n")[0]


@pytest.mark.parametrize(
    "text",
    [
        "Mein Asylantrag wurde abgelehnt, was kann ich tun?",
        "Meine Aufenthaltserlaubnis läuft ab, darf ich trotzdem arbeiten?",
        "Mi-a expirat permisul de ședere. Ce trebuie să fac acum?",
        "Мой работодатель не платит зарплату уже два месяца, могу ли я подать в суд?",
    ],
)
def test_personal_legal_questions_are_referred_without_advice(real_assistant: Assistant,
                                                               text: str) -> None:
    outcome = real_assistant.answer(Incoming(text=text, city="krefeld"))
    assert outcome.decision is Decision.LEGAL_REFERRAL
    assert Notice.NO_LEGAL_ADVICE in outcome.notices


@pytest.mark.parametrize(
    "text",
    [
        "Wie wird das Wetter morgen?",
        "Ich habe meinen Pass verloren",
        "Wo finde ich eine günstige Wohnung in Krefeld?",
        "Ich möchte mit einem Menschen sprechen",
    ],
)
def test_questions_outside_the_knowledge_base_are_handed_to_staff(real_assistant: Assistant,
                                                                   text: str) -> None:
    assert real_assistant.answer(Incoming(text=text, city="krefeld")).decision is (
        Decision.HANDOFF)


def test_answer_names_its_source_and_date_and_contact(real_assistant: Assistant) -> None:
    outcome = real_assistant.answer(Incoming("Was ist das Rucksack-Programm?", city="krefeld"))
    assert outcome.entry_id == "krefeld-rucksack"
    text = outcome.reply.as_text()
    assert "Quelle:" in text
    assert "Wir leben Vielfalt" in text
    assert "02151/86-2502" in text


def test_krefeld_contact_answer_warns_to_call_before_visiting(real_assistant: Assistant) -> None:
    outcome = real_assistant.answer(Incoming("Adresse KI Krefeld?", city="krefeld"))
    assert outcome.entry_id == "krefeld-ki-contact"
    assert Notice.NEEDS_REVIEW in outcome.notices
