"""Full dialogues through the real python-telegram-bot against the local Bot API server.

The bot runs as in production (long polling, outbox dispatcher, staff group with topics) on a
real database; only Telegram itself is replaced by tests/telegram_server.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.answering import messages as core_texts
from bot.answering.assistant import Assistant
from bot.channels.telegram.app import TelegramBot
from bot.conversation.service import ConversationService
from bot.i18n import translator
from bot.storage import tables as t
from bot.storage.db import Database
from tests.conftest import STAFF_CHAT, make_settings
from tests.telegram_server import FakeBotApi

PERSON = 5001
STAFF_USER = 7


@dataclass
class Stack:
    api: FakeBotApi
    bot: TelegramBot
    db: Database
    service: ConversationService


async def start_stack(api: FakeBotApi, db: Database, assistant: Assistant, tmp_path: Path,
                      **overrides: Any) -> Stack:
    settings = make_settings(tmp_path, db.url, telegram_api_url=api.base_url,
                             telegram_token=api.token, **overrides)
    service = ConversationService(db, lambda: assistant, settings)
    bot = TelegramBot(service, api.token, STAFF_CHAT, api_url=api.base_url, poll_timeout=1)
    await bot.start(polling=True)
    return Stack(api, bot, db, service)


@pytest.fixture
async def stack(database: Database, small_assistant: Assistant,
                tmp_path: Path) -> AsyncIterator[Stack]:
    with FakeBotApi() as api:
        api.set_chat(STAFF_CHAT, type="supergroup", title="KI Team", is_forum=True)
        running = await start_stack(api, database, small_assistant, tmp_path)
        try:
            yield running
        finally:
            await running.bot.stop()


def texts(api: FakeBotApi, chat: int) -> list[str]:
    return api.texts_to(chat)


async def wait_text(api: FakeBotApi, chat: int, needle: str, within: float = 15) -> None:
    await api.wait_for(lambda a: any(needle in text for text in a.texts_to(chat)),
                       timeout=within)


def buttons(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b.get("callback_data", "") for row in markup.get("inline_keyboard", []) for b in row]


async def test_arabic_question_is_answered_in_arabic_with_buttons(stack: Stack) -> None:
    api = stack.api
    api.user_message(PERSON, "هل توجد رياضة للأطفال؟", language_code="ar")
    await wait_text(api, PERSON, "مشاريع رياضية")
    answer = api.sent_to(PERSON)[-1]
    assert answer["parse_mode"] == "HTML"
    assert buttons(answer) == ["fb:1:sport", "fb:0:sport", "ask:"]


async def test_commands_are_registered_in_every_language(stack: Stack) -> None:
    for code in ("de", "ar", "uk", "fa"):
        commands = {c["command"] for c in stack.api.commands_for(code)}
        assert {"start", "human", "delete", "privacy", "topics"} <= commands


async def test_start_greets_in_the_app_language_and_offers_languages(stack: Stack) -> None:
    api = stack.api
    api.user_message(PERSON, "/start", language_code="tr")
    await wait_text(api, PERSON, translator("tr").gettext(core_texts.GREETING)[:60])
    await api.wait_for(lambda a: any(buttons(m) and buttons(m)[0] == "city:krefeld"
                                     for m in a.sent_to(PERSON)))


async def test_handoff_with_consent_staff_reply_and_close(stack: Stack) -> None:
    api = stack.api
    api.user_message(PERSON, "Wo finde ich eine Wohnung?", first_name="Samir")
    await api.wait_for(lambda a: any("consent:yes" in buttons(m) for m in a.sent_to(PERSON)))
    api.callback(PERSON, "consent:yes", first_name="Samir")
    await wait_text(api, PERSON, "KI-Team")
    await api.wait_for(lambda a: len(a.topics) == 1)
    topic = api.topics[0]["message_thread_id"]
    await api.wait_for(lambda a: any("Wo finde ich eine Wohnung?" in m["text"]
                                     for m in a.sent_to(STAFF_CHAT, thread_id=topic)))
    card = next(m for m in api.sent_to(STAFF_CHAT, thread_id=topic) if "Neue Anfrage" in m["text"])
    assert buttons(card) == ["claim:1", "close:1"]
    assert "Samir" in card["text"]

    api.user_message(PERSON, "Ich habe noch eine Frage dazu")
    await api.wait_for(lambda a: any("noch eine Frage" in m["text"]
                                     for m in a.sent_to(STAFF_CHAT, thread_id=topic)))

    api.group_message(STAFF_CHAT, "/note Vermieterin anrufen", user_id=STAFF_USER,
                      thread_id=topic)
    api.group_message(STAFF_CHAT, "Bitte rufen Sie das Wohnungsamt an.", user_id=STAFF_USER,
                      thread_id=topic, first_name="Amira")
    await wait_text(api, PERSON, "Wohnungsamt")
    assert not any("Vermieterin" in text for text in texts(api, PERSON))
    assert not any("Amira" in text for text in texts(api, PERSON))

    api.group_message(STAFF_CHAT, "/close", user_id=STAFF_USER, thread_id=topic)
    await wait_text(api, PERSON, "geschlossen")
    api.user_message(PERSON, "Gibt es Sport für Kinder?")
    await wait_text(api, PERSON, "Sportprojekte")


async def test_staff_buttons_claim_the_ticket(stack: Stack) -> None:
    api = stack.api
    api.user_message(PERSON, "Wo finde ich eine Wohnung?")
    await api.wait_for(lambda a: any("consent:yes" in buttons(m) for m in a.sent_to(PERSON)))
    api.callback(PERSON, "consent:yes")
    await api.wait_for(lambda a: any("Neue Anfrage" in m["text"] for m in a.sent_to(STAFF_CHAT)))
    card = next(m for m in api.sent_to(STAFF_CHAT) if "Neue Anfrage" in m["text"])
    api.callback(STAFF_CHAT, "claim:1", message_id=card["message_id"], user=STAFF_USER)
    await wait_text(api, STAFF_CHAT, "übernommen")


async def test_voice_message_is_handed_off_and_forwarded_to_staff(stack: Stack) -> None:
    api = stack.api
    api.user_voice(PERSON)
    await api.wait_for(lambda a: any("consent:yes" in buttons(m) for m in a.sent_to(PERSON)))
    api.callback(PERSON, "consent:yes")
    await wait_text(api, STAFF_CHAT, "Sprachnachricht")
    await api.wait_for(lambda a: bool(a.calls("copyMessage")))


async def test_delete_erases_the_person_and_staff_see_the_withdrawal(stack: Stack) -> None:
    api = stack.api
    api.user_message(PERSON, "Wo finde ich eine Wohnung?")
    await api.wait_for(lambda a: any("consent:yes" in buttons(m) for m in a.sent_to(PERSON)))
    api.callback(PERSON, "consent:yes")
    await api.wait_for(lambda a: len(a.topics) == 1)
    api.user_message(PERSON, "/delete")
    await api.wait_for(lambda a: any("del:yes" in buttons(m) for m in a.sent_to(PERSON)))
    api.callback(PERSON, "del:yes")
    await wait_text(api, PERSON, "gelöscht")
    await wait_text(api, STAFF_CHAT, "zurückgezogen")
    async with stack.db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(t.Conversation)) == 0
        assert await session.scalar(select(func.count()).select_from(t.TicketMessage)) == 0


async def test_update_delivered_twice_is_answered_once(stack: Stack) -> None:
    api = stack.api
    update_id = api.user_message(PERSON, "Gibt es Sport für Kinder?")
    await wait_text(api, PERSON, "Sportprojekte")
    api.push_duplicate(update_id)
    api.user_message(PERSON, "/help")
    await wait_text(api, PERSON, "/topics")
    assert sum("Sportprojekte" in text for text in texts(api, PERSON)) == 1


async def test_telegram_outage_loses_nothing(stack: Stack) -> None:
    api = stack.api
    api.fail("sendMessage", status=500, times=3)
    api.user_message(PERSON, "Gibt es Sport für Kinder?")
    api.user_message(PERSON, "/help")
    await wait_text(api, PERSON, "/topics", within=30)
    sent = texts(api, PERSON)
    assert any("Sportprojekte" in s for s in sent)
    assert next(i for i, s in enumerate(sent) if "Sportprojekte" in s) < \
        next(i for i, s in enumerate(sent) if "/topics" in s), "order is kept"


async def test_flood_control_429_is_retried_after_the_given_time(stack: Stack) -> None:
    api = stack.api
    api.fail("sendMessage", status=429, times=2, retry_after=1)
    api.user_message(PERSON, "Gibt es Sport für Kinder?")
    await wait_text(api, PERSON, "Sportprojekte", within=30)


async def test_blocked_person_is_reported_in_the_ticket_topic(stack: Stack) -> None:
    api = stack.api
    api.user_message(PERSON, "Wo finde ich eine Wohnung?")
    await api.wait_for(lambda a: any("consent:yes" in buttons(m) for m in a.sent_to(PERSON)))
    api.callback(PERSON, "consent:yes")
    await api.wait_for(lambda a: len(a.topics) == 1)
    topic = api.topics[0]["message_thread_id"]
    await wait_text(api, PERSON, "KI-Team")
    api.block(PERSON)
    api.group_message(STAFF_CHAT, "Antwort", user_id=STAFF_USER, thread_id=topic)
    await api.wait_for(lambda a: any("fehlgeschlagen" in m["text"]
                                     for m in a.sent_to(STAFF_CHAT, thread_id=topic)))


async def test_messages_in_other_groups_are_ignored(stack: Stack) -> None:
    api = stack.api
    other = -100777
    api.set_chat(other, type="supergroup", title="Somewhere else")
    api.group_message(other, "Gibt es Sport für Kinder?", user_id=99)
    api.user_message(PERSON, "/help")
    await wait_text(api, PERSON, "/topics")
    assert api.sent_to(other) == []


async def test_restart_in_the_middle_of_a_handoff_keeps_the_ticket(
    database: Database, small_assistant: Assistant, tmp_path: Path,
) -> None:
    with FakeBotApi() as api:
        api.set_chat(STAFF_CHAT, type="supergroup", title="KI Team", is_forum=True)
        first = await start_stack(api, database, small_assistant, tmp_path)
        api.user_message(PERSON, "Wo finde ich eine Wohnung?")
        await api.wait_for(lambda a: any("consent:yes" in buttons(m) for m in a.sent_to(PERSON)))
        api.callback(PERSON, "consent:yes")
        await api.wait_for(lambda a: len(a.topics) == 1)
        await first.bot.stop()

        api.down(True)  # Telegram is unreachable while the bot restarts
        starting = asyncio.create_task(start_stack(api, database, small_assistant, tmp_path))
        await asyncio.sleep(1.5)
        api.down(False)
        second = await starting
        try:
            topic = api.topics[0]["message_thread_id"]
            api.group_message(STAFF_CHAT, "Wir melden uns morgen.", user_id=STAFF_USER,
                              thread_id=topic)
            await wait_text(api, PERSON, "morgen", within=30)
        finally:
            await second.bot.stop()


async def test_commands_with_odd_arguments_and_bot_names_work(stack: Stack) -> None:
    api = stack.api
    api.user_message(PERSON, "/help@wegweiser_test_bot please   now")
    await wait_text(api, PERSON, "/topics")
    api.user_message(PERSON, "/whatever --x=1")
    await wait_text(api, PERSON, "/help")
    api.user_message(PERSON, "/topics extra")
    await api.wait_for(lambda a: any(b.startswith("cat:") for m in a.sent_to(PERSON)
                                     for b in buttons(m)))


async def test_webhook_updates_need_the_secret_token(database: Database,
                                                     small_assistant: Assistant,
                                                     tmp_path: Path) -> None:
    with FakeBotApi() as api:
        settings = make_settings(tmp_path, database.url)
        service = ConversationService(database, lambda: small_assistant, settings)
        bot = TelegramBot(service, api.token, STAFF_CHAT, api_url=api.base_url,
                          webhook_secret="s3cret")  # noqa: S106 - a test secret
        await bot.start(polling=False)
        try:
            body = {"update_id": 900, "message": {
                "message_id": 1, "date": 0, "text": "Gibt es Sport für Kinder?",
                "chat": {"id": PERSON, "type": "private"},
                "from": {"id": PERSON, "is_bot": False, "first_name": "Web"}}}
            assert not await bot.process_webhook(body, "wrong")
            assert await bot.process_webhook(body, "s3cret")
            await wait_text(api, PERSON, "Sportprojekte")
        finally:
            await bot.stop()


async def test_staff_group_without_topics_uses_reply_threads(database: Database,
                                                             small_assistant: Assistant,
                                                             tmp_path: Path) -> None:
    with FakeBotApi() as api:
        api.set_chat(STAFF_CHAT, type="supergroup", title="KI Team", is_forum=False)
        running = await start_stack(api, database, small_assistant, tmp_path)
        try:
            api.user_message(PERSON, "Wo finde ich eine Wohnung?")
            await api.wait_for(lambda a: any("consent:yes" in buttons(m)
                                             for m in a.sent_to(PERSON)))
            api.callback(PERSON, "consent:yes")
            await api.wait_for(lambda a: any("Neue Anfrage" in m["text"]
                                             for m in a.sent_to(STAFF_CHAT)))
            card = next(m for m in api.sent_to(STAFF_CHAT) if "Neue Anfrage" in m["text"])
            api.group_message(STAFF_CHAT, "Rufen Sie bitte an.", user_id=STAFF_USER,
                              reply_to_message_id=card["message_id"])
            await wait_text(api, PERSON, "Rufen Sie bitte an.")
        finally:
            await running.bot.stop()
