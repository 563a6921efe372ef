"""Thin Telegram handlers: turn an update into a person or staff event, hand it on.

Private chats are people; the configured staff group is KI staff; every other group the bot
is added to is ignored.
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.conversation.model import EventKind, PersonEvent, StaffEvent, StaffEventKind
from bot.conversation.service import ConversationService

__all__ = ["TelegramHandlers"]

logger = logging.getLogger(__name__)
CHANNEL = "telegram"
STAFF_COMMANDS = {"note": StaffEventKind.NOTE, "close": StaffEventKind.CLOSE,
                  "faq": StaffEventKind.FAQ}


def _command(text: str) -> tuple[str, str]:
    """Split ``/cmd@bot args`` into (``cmd``, ``args``)."""
    head, _, args = text.partition(" ")
    return head[1:].split("@", 1)[0].lower(), args.strip()


def _person_kind(message: Message) -> tuple[EventKind, str, str | None]:
    """The event kind, the text (or caption) and the attachment reference of a message."""
    if message.text is not None:
        kind = EventKind.COMMAND if message.text.startswith("/") else EventKind.TEXT
        return kind, message.text, None
    reference = str(message.message_id)
    caption = message.caption or ""
    if message.voice is not None or message.audio is not None or message.video_note is not None:
        return EventKind.VOICE, caption, reference
    if message.photo:
        return EventKind.PHOTO, caption, reference
    if message.document is not None:
        return EventKind.DOCUMENT, caption, reference
    if message.sticker is not None:
        return EventKind.STICKER, "", None
    return EventKind.OTHER, caption, None


class TelegramHandlers:
    """The callbacks registered with python-telegram-bot."""

    def __init__(self, service: ConversationService, staff_chat_id: int | None) -> None:
        self.service = service
        self.staff_chat_id = staff_chat_id

    async def on_message(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """A message or an edited message in any chat."""
        message = update.effective_message
        chat = update.effective_chat
        user = update.effective_user
        if message is None or chat is None or user is None or user.is_bot:
            return
        if chat.type == "private":
            await self._from_person(update, message)
        elif chat.id == self.staff_chat_id:
            await self._from_staff(update, message)

    async def _from_person(self, update: Update, message: Message) -> None:
        user = update.effective_user
        assert user is not None  # noqa: S101 - checked by the caller
        kind, text, reference = _person_kind(message)
        command = ""
        if update.edited_message is not None:
            kind = EventKind.EDITED
        elif kind is EventKind.COMMAND:
            command, text = _command(text)
        await self.service.handle_person(PersonEvent(
            channel=CHANNEL, chat_id=str(message.chat_id), kind=kind, text=text,
            command=command, language_hint=user.language_code,
            display_name=user.full_name + (f" (@{user.username})" if user.username else ""),
            attachment_ref=reference, update_id=update.update_id))

    async def _from_staff(self, update: Update, message: Message) -> None:
        user = update.effective_user
        if user is None or message.text is None or update.edited_message is not None:
            return
        thread = message.message_thread_id if message.is_topic_message else None
        reply_to = message.reply_to_message.message_id if message.reply_to_message else None
        kind, text = StaffEventKind.REPLY, message.text
        if text.startswith("/"):
            command, text = _command(text)
            if command not in STAFF_COMMANDS:
                return
            kind = STAFF_COMMANDS[command]
        if thread is None and reply_to is None:
            return  # the general chat of the staff group is for the team, not for tickets
        await self.service.handle_staff(StaffEvent(
            channel=CHANNEL, staff_id=str(user.id), staff_name=user.full_name, kind=kind,
            text=text, thread_id=thread, reply_to_message_id=reply_to,
            update_id=update.update_id))

    async def on_callback(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """A button was pressed."""
        query = update.callback_query
        if query is None:
            return
        await query.answer()
        message = query.message
        chat_id = message.chat.id if message is not None else None
        data = query.data or ""
        if chat_id is not None and chat_id == self.staff_chat_id:
            verb, _, argument = data.partition(":")
            if verb in ("claim", "close") and argument.isdigit():
                kind = StaffEventKind.CLAIM if verb == "claim" else StaffEventKind.CLOSE
                await self.service.handle_staff(StaffEvent(
                    channel=CHANNEL, staff_id=str(query.from_user.id),
                    staff_name=query.from_user.full_name, kind=kind, ticket_id=int(argument),
                    update_id=update.update_id))
            return
        if message is None or message.chat.type != "private":
            return
        await self.service.handle_person(PersonEvent(
            channel=CHANNEL, chat_id=str(chat_id), kind=EventKind.CALLBACK, data=data,
            language_hint=query.from_user.language_code,
            display_name=query.from_user.full_name
            + (f" (@{query.from_user.username})" if query.from_user.username else ""),
            update_id=update.update_id))
