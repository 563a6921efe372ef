"""The fake Bot API (tests/telegram_server.py) driven by the real python-telegram-bot."""

from __future__ import annotations

import datetime as dtm
import html
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonCommands,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import (
    BadRequest,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.telegram_server import FakeBotApi

TOKEN = "123:TEST"  # noqa: S105 - the fake server's token
USER = 4242
STAFF_GROUP = -1001234


@pytest.fixture(autouse=True)
def _timedelta_periods(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22 warns (an error here) when it builds RetryAfter with int periods unless opted in.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN) as server:
        yield server
        assert server.server_errors == []


def keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("Ja", callback_data="yes"),
                                  InlineKeyboardButton("Nein", callback_data="no")]])


# -- a bare telegram.Bot --------------------------------------------------------------------


async def test_get_me_and_send_html(api: FakeBotApi) -> None:
    async with Bot(TOKEN, base_url=api.base_url) as bot:
        me = await bot.get_me()
        message = await bot.send_message(
            USER, "<b>Hallo</b> &amp; <a href=\"https://example.org/?a=1&amp;b=2\">mehr</a>",
            parse_mode=ParseMode.HTML, reply_markup=keyboard())
        second = await bot.send_message(USER, "Noch was")

    assert (me.id, me.is_bot, me.username) == (123, True, "wegweiser_test_bot")
    assert me.can_join_groups is True
    assert me.supports_inline_queries is False
    assert message.text == "Hallo & mehr"
    assert message.chat.id == USER
    assert message.from_user is not None
    assert message.from_user.id == 123
    assert [(e.type, e.offset, e.length) for e in message.entities] == [
        ("bold", 0, 5), ("text_link", 8, 4)]
    assert message.entities[1].url == "https://example.org/?a=1&b=2"
    assert message.reply_markup == keyboard()
    assert second.message_id == message.message_id + 1
    assert abs(message.date.timestamp() - time.time()) < 5

    record = api.sent_to(USER)[0]
    assert record["method"] == "sendMessage"
    assert record["text"].startswith("<b>Hallo</b> &amp;")
    assert record["plain_text"] == "Hallo & mehr"
    assert record["parse_mode"] == "HTML"
    assert record["reply_markup"] == {"inline_keyboard": [[
        {"text": "Ja", "callback_data": "yes"}, {"text": "Nein", "callback_data": "no"}]]}
    assert record["message_id"] == message.message_id
    assert api.texts_to(USER) == ["Hallo & mehr", "Noch was"]
    assert [call["chat_id"] for call in api.calls("sendMessage")] == [USER, USER]
    assert len(api.calls("getMe")) == 2  # Bot.initialize() and get_me()


@pytest.mark.parametrize(("text", "error"), [
    ("<b>fett", 'Can\'t find end tag corresponding to start tag "b"'),
    ("<b>fett</i>", 'Unmatched end tag at byte offset 7, expected "</b>", found "</i>"'),
    ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
    ("<p>Absatz</p>", 'Unsupported start tag "p" at byte offset 0'),
    ("<br/>", 'Unsupported start tag "br/" at byte offset 0'),
    ("Ende</b>", "Unexpected end tag at byte offset 4"),
    ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler"'),
])
async def test_bad_html_is_a_bad_request(api: FakeBotApi, text: str, error: str) -> None:
    async with Bot(TOKEN, base_url=api.base_url) as bot:
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities") as caught:
            await bot.send_message(USER, text, parse_mode=ParseMode.HTML)
    assert error.lower() in caught.value.message.lower()  # PTB lower-cases all but the first
    assert api.sent == []
    assert api.requests[-1]["status"] == 400


async def test_text_limits(api: FakeBotApi) -> None:
    async with Bot(TOKEN, base_url=api.base_url) as bot:
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await bot.send_message(USER, "x" * 4097)
        with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
            await bot.send_message(USER, "  \n ")
        with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
            await bot.send_message(USER, "<b> </b>", parse_mode=ParseMode.HTML)
        with pytest.raises(BadRequest, match=r"(?i)reserved and must be escaped"):
            await bot.send_message(USER, "Fertig.", parse_mode=ParseMode.MARKDOWN_V2)
        with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
            await bot.send_message(USER, "x", reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("zu lang", callback_data="x" * 65)]]))
        # 4096 characters after entity parsing are fine, however long the markup is
        long = await bot.send_message(USER, "<b>" + "&lt;" * 4096 + "</b>",
                                      parse_mode=ParseMode.HTML)
        escaped = await bot.send_message(USER, "Fertig\\. *fett*", parse_mode="MarkdownV2")
    assert long.text == "<" * 4096
    assert escaped.text == "Fertig. fett"
    assert escaped.entities[0].type == "bold"


async def test_faults(api: FakeBotApi) -> None:
    api.fail("sendMessage", status=429, retry_after=3)
    api.fail("sendMessage", status=500, times=2)
    api.block(USER + 1)
    async with Bot(TOKEN, base_url=api.base_url) as bot:
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(USER, "a")
        assert caught.value.retry_after == dtm.timedelta(seconds=3)
        for _ in range(2):
            with pytest.raises(NetworkError, match=r"(?i)Internal Server Error"):
                await bot.send_message(USER, "b")
        assert (await bot.send_message(USER, "c")).text == "c"

        with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
            await bot.send_message(USER + 1, "d")
        with pytest.raises(Forbidden):
            await bot.send_chat_action(USER + 1, ChatAction.TYPING)
        api.unblock(USER + 1)
        await bot.send_message(USER + 1, "e")

        api.down(True)
        with pytest.raises(NetworkError, match=r"(?i)Bad Gateway"):
            await bot.get_me()
        api.down(False)
        await bot.get_me()

    response = next(request["response"] for request in api.requests
                    if request["method"] == "sendMessage")
    assert response == {"ok": False, "error_code": 429,
                        "description": "Too Many Requests: retry after 3",
                        "parameters": {"retry_after": 3}}
    assert api.texts_to(USER) == ["c"]
    assert len(api.calls("sendMessage")) == 6  # failed calls are recorded too


async def test_token_and_unknown_method(api: FakeBotApi) -> None:
    async with Bot(TOKEN, base_url=api.base_url) as bot:
        with pytest.raises(EndPointNotFound):
            await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": USER})
    with pytest.raises(InvalidToken):
        async with Bot("999:WRONG", base_url=api.base_url):
            pass
    assert api.requests[-1]["response"] == {"ok": False, "error_code": 401,
                                            "description": "Unauthorized"}


async def test_edit_delete_and_chat_methods(api: FakeBotApi) -> None:
    async with Bot(TOKEN, base_url=api.base_url) as bot:
        message = await bot.send_message(USER, "Frage?", reply_markup=keyboard())
        edited = await bot.edit_message_text("<i>Antwort</i>", chat_id=USER,
                                             message_id=message.message_id,
                                             parse_mode=ParseMode.HTML)
        assert isinstance(edited, Message)
        assert edited.text == "Antwort"
        assert edited.reply_markup is None  # editing the text without markup drops it
        assert edited.edit_date is not None
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await bot.edit_message_text("<i>Antwort</i>", chat_id=USER,
                                        message_id=message.message_id,
                                        parse_mode=ParseMode.HTML)
        with_markup = await bot.edit_message_reply_markup(USER, message.message_id,
                                                          reply_markup=keyboard())
        assert isinstance(with_markup, Message)
        assert with_markup.reply_markup == keyboard()
        with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
            await bot.edit_message_text("x", chat_id=USER, message_id=999)
        reply = await bot.send_message(
            USER, "Antwort", reply_parameters=ReplyParameters(message.message_id))
        assert reply.reply_to_message is not None
        assert reply.reply_to_message.message_id == message.message_id
        with pytest.raises(BadRequest, match=r"(?i)message to be replied not found"):
            await bot.send_message(USER, "x", reply_parameters=ReplyParameters(999))

        assert await bot.send_chat_action(USER, ChatAction.TYPING)
        assert await bot.delete_message(USER, message.message_id)
        with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
            await bot.delete_message(USER, message.message_id)

        assert await bot.set_my_commands([BotCommand("start", "Beginnen")], language_code="de")
        assert await bot.set_my_commands([BotCommand("help", "Help")],
                                         scope=BotCommandScopeAllPrivateChats())
        with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
            await bot.set_my_commands([BotCommand("Start-Now", "x")])
        assert await bot.get_my_commands(language_code="de") == (BotCommand("start", "Beginnen"),)
        assert await bot.get_my_commands() == ()
        assert await bot.set_chat_menu_button(USER, MenuButtonCommands())

        chat = await bot.get_chat(USER)
        assert chat.type == "private"
        member = await bot.get_chat_member(STAFF_GROUP, 123)
        assert member.status == "administrator"
        webhook = await bot.get_webhook_info()
        assert webhook.url == ""
        assert await bot.delete_webhook()
        assert await bot.close()
        assert await bot.log_out()

    assert [record["method"] for record in api.sent] == [
        "sendMessage", "editMessageText", "editMessageReplyMarkup", "sendMessage"]
    assert api.sent[1]["text"] == "<i>Antwort</i>"
    assert api.sent[3]["reply_to_message_id"] == message.message_id
    assert api.deleted == [(USER, message.message_id)]
    assert api.commands == [
        {"commands": [{"command": "start", "description": "Beginnen"}],
         "scope": {"type": "default"}, "language_code": "de"},
        {"commands": [{"command": "help", "description": "Help"}],
         "scope": {"type": "all_private_chats"}, "language_code": ""}]
    assert api.commands_for("de") == [{"command": "start", "description": "Beginnen"}]
    assert api.menu_buttons == {USER: {"type": "commands"}}
    assert api.calls("sendChatAction")[0]["action"] == "typing"
    assert api.message(USER, message.message_id) is None


async def test_forum_topics(api: FakeBotApi) -> None:
    async with Bot(TOKEN, base_url=api.base_url) as bot:
        topic = await bot.create_forum_topic(STAFF_GROUP, "Anfrage #1")
        sent = await bot.send_message(STAFF_GROUP, "Neue Anfrage",
                                      message_thread_id=topic.message_thread_id)
        assert sent.message_thread_id == topic.message_thread_id
        assert sent.is_topic_message
        with pytest.raises(BadRequest, match=r"(?i)message thread not found"):
            await bot.send_message(STAFF_GROUP, "x", message_thread_id=999)
        assert await bot.edit_forum_topic(STAFF_GROUP, topic.message_thread_id, name="Erledigt")
        assert await bot.close_forum_topic(STAFF_GROUP, topic.message_thread_id)
        with pytest.raises(BadRequest, match=r"(?i)TOPIC_CLOSED"):
            await bot.send_message(STAFF_GROUP, "x", message_thread_id=topic.message_thread_id)
        with pytest.raises(BadRequest, match=r"(?i)TOPIC_NOT_MODIFIED"):
            await bot.close_forum_topic(STAFF_GROUP, topic.message_thread_id)
        assert await bot.reopen_forum_topic(STAFF_GROUP, topic.message_thread_id)
        with pytest.raises(BadRequest, match=r"(?i)the chat is not a forum"):
            await bot.create_forum_topic(USER, "privat")

    assert topic.name == "Anfrage #1"
    assert topic.icon_color == 7322096
    assert api.topics == [{"chat_id": STAFF_GROUP, "message_thread_id": topic.message_thread_id,
                           "name": "Erledigt", "icon_color": 7322096, "closed": False}]
    assert api.sent_to(STAFF_GROUP, thread_id=topic.message_thread_id)[0]["text"] == (
        "Neue Anfrage")


# -- raw HTTP: parameter encodings, long polling --------------------------------------------


def test_parameter_encodings(api: FakeBotApi) -> None:
    markup = '{"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}'
    url = f"{api.base_url}{TOKEN}/sendMessage"
    with httpx.Client() as client:
        as_json = client.post(url, json={"chat_id": USER, "text": "json",
                                         "reply_markup": markup})
        as_form = client.post(url, data={"chat_id": str(USER), "text": "123",
                                         "reply_markup": markup})
        as_multipart = client.post(url, data={"chat_id": str(USER), "text": "multi"},
                                   files={"document": ("a.txt", b"hello", "text/plain")})
        as_get = client.get(url, params={"chat_id": str(USER), "text": "get"})
        wrong_token = client.post(f"{api.base_url}1:X/getMe")
        unknown = client.post(f"{api.base_url}{TOKEN}/fooBar")
        case_insensitive = client.get(f"{api.base_url}{TOKEN}/GETME")

    assert [response.status_code for response in (as_json, as_form, as_multipart, as_get)] == [
        200] * 4
    assert as_form.json()["result"]["text"] == "123"  # a digit text stays a string
    assert as_json.json()["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "A"
    assert [record["reply_markup"] for record in api.sent[:2]] == [
        {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}] * 2
    assert api.calls("sendMessage")[2]["document"]["content"] == b"hello"
    assert wrong_token.status_code == 401
    assert wrong_token.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert unknown.status_code == 404
    assert unknown.json()["ok"] is False
    assert case_insensitive.json()["result"]["username"] == "wegweiser_test_bot"


def test_get_updates_offset_and_long_poll(api: FakeBotApi) -> None:
    url = f"{api.base_url}{TOKEN}/getUpdates"
    first = api.user_message(USER, "eins")
    second = api.user_message(USER, "zwei")
    with httpx.Client() as client:
        both = client.post(url, json={"offset": 0}).json()["result"]
        again = client.post(url, json={"offset": first + 1}).json()["result"]
        assert api.pending_updates == 1
        started = time.monotonic()
        empty = client.post(url, json={"offset": second + 1, "timeout": 30}).json()["result"]
        waited = time.monotonic() - started
        assert api.pending_updates == 0

        api.push_duplicate(first)
        duplicate = client.post(url, json={"offset": second + 1}).json()["result"]

        api.fail("getUpdates", status=409, description="Conflict: terminated by other "
                                                       "getUpdates request")
        conflict = client.post(url, json={"offset": second + 1})

        def push_later() -> None:
            time.sleep(0.2)
            api.user_message(USER, "später")

        started = time.monotonic()
        pusher = threading.Thread(target=push_later)
        pusher.start()
        later = client.post(url, data={"offset": str(second + 1), "timeout": "1"}).json()
        pusher.join()
        woke_after = time.monotonic() - started

    assert [update["update_id"] for update in both] == [first, second]
    assert both[0]["message"]["text"] == "eins"
    assert both[0]["message"]["chat"] == {"id": USER, "type": "private", "first_name": "Test"}
    assert both[0]["message"]["from"]["language_code"] == "de"
    assert both[1]["message"]["message_id"] == both[0]["message"]["message_id"] + 1
    assert [update["update_id"] for update in again] == [second]
    assert empty == []
    assert 0.9 <= waited < 2.5  # the poll timeout is capped at one second
    assert [update["update_id"] for update in duplicate] == [first]
    assert conflict.status_code == 409
    assert [update["message"]["text"] for update in later["result"]] == ["später"]
    assert 0.15 <= woke_after < 0.9  # a waiting long poll returns as soon as an update comes
    assert api.delivered == [first, second, second, first, later["result"][0]["update_id"]]


def test_webhook_edits_and_members(api: FakeBotApi) -> None:
    base = f"{api.base_url}{TOKEN}"
    original = api.user_message(USER, "Frage", username="anna")
    api.set_member_status(STAFF_GROUP, 9, "left")
    with httpx.Client() as client:
        (first,) = client.post(f"{base}/getUpdates").json()["result"]
        edited = api.edited_message(USER, first["message"]["message_id"], "Frage, korrigiert")
        assert client.post(f"{base}/setWebhook", json={"url": "https://example.org/hook"}
                           ).json()["result"] is True
        conflict = client.post(f"{base}/getUpdates")
        info = client.post(f"{base}/getWebhookInfo").json()["result"]
        client.post(f"{base}/deleteWebhook")
        updates = client.post(f"{base}/getUpdates", json={"offset": original + 1}).json()
        member = client.post(f"{base}/getChatMember",
                             json={"chat_id": STAFF_GROUP, "user_id": 9}).json()["result"]
        chat = client.post(f"{base}/getChat", json={"chat_id": USER}).json()["result"]

    assert conflict.status_code == 409
    assert info["url"] == "https://example.org/hook"
    assert info["pending_update_count"] == 2
    (update,) = updates["result"]
    assert update["update_id"] == edited
    assert update["edited_message"]["text"] == "Frage, korrigiert"
    assert update["edited_message"]["message_id"] == first["message"]["message_id"]
    assert "edit_date" in update["edited_message"]
    assert member["status"] == "left"
    assert chat["username"] == "anna"


# -- a whole Application, polling --------------------------------------------------------------


async def test_application_receives_messages_and_callbacks(api: FakeBotApi) -> None:
    seen: list[tuple[str, int, str]] = []

    async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        seen.append(("start", update.update_id, update.effective_message.text or ""))
        await update.effective_message.reply_text("Willkommen!")

    async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        assert message.from_user is not None
        seen.append(("text", update.update_id, message.text or ""))
        await message.reply_text(
            f"<b>Sie fragten:</b> {html.escape(message.text or '')} "
            f"({message.from_user.language_code})",
            parse_mode=ParseMode.HTML, reply_markup=keyboard())

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        seen.append(("button", update.update_id, query.data or ""))
        await query.answer("Danke")
        await query.edit_message_text(f"Gewählt: {query.data}")

    async def on_media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        kind = "voice" if message.voice else "photo" if message.photo else "sticker"
        seen.append((kind, update.update_id, message.caption or ""))

    async def on_staff(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        seen.append(("staff", update.update_id, f"{message.message_thread_id}:{message.text}"))

    app = ApplicationBuilder().token(TOKEN).base_url(api.base_url).build()
    app.add_handler(CommandHandler("start", on_start))
    app.add_handler(MessageHandler(filters.ChatType.SUPERGROUP & filters.TEXT, on_staff))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
    app.add_handler(MessageHandler(filters.VOICE | filters.PHOTO | filters.Sticker.ALL,
                                   on_media))
    app.add_handler(CallbackQueryHandler(on_button))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        start_id = api.user_message(USER, "/start")
        await api.wait_for(lambda a: a.texts_to(USER) == ["Willkommen!"])

        text_id = api.user_message(USER, "Wo ist <das> Amt?", language_code="uk")
        await api.wait_for(lambda a: len(a.texts_to(USER)) == 2)
        answer = api.sent_to(USER)[-1]
        assert answer["plain_text"] == "Sie fragten: Wo ist <das> Amt? (uk)"
        assert answer["reply_markup"] == keyboard().to_dict()

        button_id = api.callback(USER, "yes", message_id=answer["message_id"])
        await api.wait_for(lambda a: a.sent[-1]["method"] == "editMessageText")
        assert api.sent[-1]["plain_text"] == "Gewählt: yes"
        assert next(iter(api.callback_answers.values()))["text"] == "Danke"
        stored = api.message(USER, answer["message_id"])
        assert stored is not None
        assert stored["text"] == "Gewählt: yes"

        voice_id = api.user_voice(USER)
        photo_id = api.user_photo(USER, caption="Bescheid")
        sticker_id = api.user_sticker(USER)
        thread = 77
        staff_id = api.group_message(STAFF_GROUP, "Erledigt", user_id=9, thread_id=thread)
        await api.wait_for(lambda a: len(seen) == 7)

        api.push_duplicate(text_id)
        await api.wait_for(lambda a: len(seen) == 8)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()

    assert seen == [
        ("start", start_id, "/start"),
        ("text", text_id, "Wo ist <das> Amt?"),
        ("button", button_id, "yes"),
        ("voice", voice_id, ""),
        ("photo", photo_id, "Bescheid"),
        ("sticker", sticker_id, ""),
        ("staff", staff_id, f"{thread}:Erledigt"),
        ("text", text_id, "Wo ist <das> Amt?"),  # the redelivered update, same id
    ]
    assert api.pending_updates == 0
    assert len(api.texts_to(USER)) == 3  # the duplicate was answered again


async def test_voice_file_download(api: FakeBotApi) -> None:
    api.user_voice(USER, content=b"OggS voice bytes")
    async with Bot(TOKEN, base_url=api.base_url, base_file_url=api.base_file_url) as bot:
        (update,) = await bot.get_updates(timeout=0)
        assert update.message is not None
        assert update.message.voice is not None
        file = await bot.get_file(update.message.voice.file_id)
        content = await file.download_as_bytearray()
        await bot.get_updates(offset=update.update_id + 1, timeout=0)
    assert bytes(content) == b"OggS voice bytes"
    assert api.pending_updates == 0


# -- waiting -------------------------------------------------------------------------------


async def test_wait_for_reports_what_was_sent(api: FakeBotApi) -> None:
    async with Bot(TOKEN, base_url=api.base_url) as bot:
        await bot.send_message(USER, "Etwas anderes")
    with pytest.raises(AssertionError, match="Etwas anderes"):
        await api.wait_for(lambda a: a.texts_to(USER) == ["Erwartet"], timeout=0.05)
    with pytest.raises(AssertionError, match="sendMessage chat=4242"):
        api.wait_for_sync(lambda a: False, timeout=0.05)
    found: Any = await api.wait_for(lambda a: a.texts_to(USER))
    assert found == ["Etwas anderes"]
