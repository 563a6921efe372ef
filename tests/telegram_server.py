"""A local fake of the Telegram Bot API, for tests that run the real python-telegram-bot.

``FakeBotApi`` is a small HTTP server (standard library only, in a background thread) that speaks
the part of the Bot API a bot uses. Point the real library at it and drive it from the test::

    with FakeBotApi(token="123:TEST") as api:
        app = ApplicationBuilder().token(api.token).base_url(api.base_url).build()
        ...
        api.user_message(42, "Hallo")
        await api.wait_for(lambda a: a.sent_to(42))

It records what the bot sent (``api.sent``, ``api.calls(...)``), queues updates for
``getUpdates`` long polling (``api.user_message(...)``, ``api.callback(...)``, ...), enforces the
Bot API limits that catch real bugs (HTML/MarkdownV2 entity parsing, 4096 characters, 64-byte
callback data, closed topics, "message is not modified", ...) with Telegram's error texts, and
injects faults (``api.fail``, ``api.block``, ``api.down``).
"""

from __future__ import annotations

import asyncio
import copy
import email.parser
import email.policy
import itertools
import json
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = ["BotApiError", "FakeBotApi", "parse_html", "parse_markdown_v2"]

JSONDict = dict[str, Any]

MAX_MESSAGE_LENGTH = 4096
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
TOPIC_ICON_COLORS = (7322096, 16766590, 13338331, 9367192, 16749490, 16478047)
CHAT_ACTIONS = frozenset({
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note",
    "upload_video_note",
})
UPDATE_TYPES = (
    "message", "edited_message", "channel_post", "edited_channel_post", "business_connection",
    "business_message", "edited_business_message", "deleted_business_messages",
    "message_reaction", "message_reaction_count", "inline_query", "chosen_inline_result",
    "callback_query", "shipping_query", "pre_checkout_query", "purchased_paid_media", "poll",
    "poll_answer", "my_chat_member", "chat_member", "chat_join_request", "chat_boost",
    "removed_chat_boost",
)
NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message")

# Form-encoded values are strings; these parameters stay strings, all others are JSON-decoded
# when they parse (PTB sends strings as they are and everything else JSON-encoded).
_STRING_PARAMS = frozenset({
    "text", "caption", "parse_mode", "data", "name", "url", "callback_query_id", "action",
    "language_code", "icon_custom_emoji_id", "description", "short_description", "secret_token",
    "inline_message_id", "title", "ip_address", "file_id", "emoji", "question",
    "business_connection_id", "message_effect_id", "sticker", "photo", "voice", "document",
    "audio", "video", "animation", "custom_title", "explanation", "address", "first_name",
    "last_name", "phone_number", "vcard", "query", "start_parameter", "payload", "currency",
    "provider_token", "invite_link", "username",
})
# Object-valued parameters that may arrive as JSON strings even inside a JSON body.
_JSON_PARAMS = frozenset({
    "reply_markup", "reply_parameters", "entities", "caption_entities", "link_preview_options",
    "allowed_updates", "commands", "scope", "menu_button", "media", "results", "permissions",
    "rights",
})


class BotApiError(Exception):
    """A Bot API error response: HTTP status, description and optional ``parameters``."""

    def __init__(self, status: int, description: str,
                 parameters: JSONDict | None = None) -> None:
        super().__init__(f"{status} {description}")
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> JSONDict:
        body: JSONDict = {"ok": False, "error_code": self.status,
                          "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad_request(detail: str) -> BotApiError:
    return BotApiError(400, f"Bad Request: {detail}")


# --------------------------------------------------------------------------------------------
# Entity parsing (modelled on tdlib's parse_html / parse_markdown_v2, with Telegram's messages)
# --------------------------------------------------------------------------------------------

HTML_TAGS = frozenset({
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
    "tg-spoiler", "span", "blockquote",
})
_HTML_ENTITY_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler", "code": "code", "pre": "pre", "a": "text_link",
    "blockquote": "blockquote",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class EntityParseError(Exception):
    """The text does not parse in its parse mode (Telegram: "can't parse entities: ...")."""


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_html_entity(text: str, start: int) -> tuple[str, int] | None:
    """The character of the HTML entity at ``text[start] == '&'`` and its length, if any."""
    end = text.find(";", start + 1, start + 12)
    if end == -1:
        return None
    body = text[start + 1:end]
    if body in _NAMED_ENTITIES:
        return _NAMED_ENTITIES[body], end - start + 1
    try:
        if body[:2] in ("#x", "#X"):
            code = int(body[2:], 16)
        elif body[:1] == "#" and body[1:].isdigit():
            code = int(body[1:])
        else:
            return None
        return chr(code), end - start + 1
    except (ValueError, OverflowError):
        return None


@dataclass
class _OpenTag:
    name: str
    offset: int  # UTF-16 offset in the parsed text
    argument: str
    expandable: bool = False


def parse_html(text: str) -> tuple[str, list[JSONDict]]:
    """Parse Telegram HTML into plain text and entities (UTF-16 offsets)."""
    out: list[str] = []
    length = 0  # UTF-16 length of the output so far
    stack: list[_OpenTag] = []
    entities: list[JSONDict] = []
    n = len(text)
    i = 0
    while i < n:
        char = text[i]
        if char == "&":
            decoded = _decode_html_entity(text, i)
            piece, step = decoded if decoded else ("&", 1)
            out.append(piece)
            length += _utf16_len(piece)
            i += step
            continue
        if char != "<":
            out.append(char)
            length += _utf16_len(char)
            i += 1
            continue
        begin = i
        i += 1
        if i >= n or text[i] != "/":
            while i < n and not text[i].isspace() and text[i] != ">":
                i += 1
            if i >= n:
                raise EntityParseError(
                    f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
            tag = text[begin + 1:i].lower()
            if tag not in HTML_TAGS:
                raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset '
                                       f"{_byte_offset(text, begin)}")
            argument = ""
            expandable = False
            while text[i] != ">":
                while i < n and text[i].isspace():
                    i += 1
                if i >= n:
                    raise EntityParseError(
                        f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
                if text[i] == ">":
                    break
                name_start = i
                while i < n and not text[i].isspace() and text[i] not in "=>":
                    i += 1
                attribute = text[name_start:i].lower()
                if not attribute:
                    raise EntityParseError(f'Empty attribute name in the tag "{tag}" at byte '
                                           f"offset {_byte_offset(text, begin)}")
                while i < n and text[i].isspace():
                    i += 1
                if i >= n:
                    raise EntityParseError(
                        f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
                if text[i] != "=":
                    if tag == "blockquote" and attribute == "expandable":
                        expandable = True
                    continue
                i += 1
                while i < n and text[i].isspace():
                    i += 1
                if i >= n:
                    raise EntityParseError(
                        f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
                value_chars: list[str] = []
                if text[i] not in "'\"":
                    token_start = i
                    while i < n and (text[i].isalnum() or text[i] in ".-"):
                        i += 1
                    value_chars.append(text[token_start:i].lower())
                    if i >= n or not (text[i].isspace() or text[i] == ">"):
                        raise EntityParseError(
                            f"Unexpected end of name token at byte offset "
                            f"{_byte_offset(text, token_start)}")
                else:
                    quote = text[i]
                    i += 1
                    while i < n and text[i] != quote:
                        if text[i] == "&" and (decoded := _decode_html_entity(text, i)):
                            value_chars.append(decoded[0])
                            i += decoded[1]
                        else:
                            value_chars.append(text[i])
                            i += 1
                    if i < n:
                        i += 1
                if i >= n:
                    raise EntityParseError(
                        f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
                value = "".join(value_chars)
                if ((tag == "a" and attribute == "href")
                        or (tag == "code" and attribute == "class"
                        and value.startswith("language-"))
                        or (tag == "span" and attribute == "class")):
                    argument = value
                elif tag == "blockquote" and attribute == "expandable":
                    expandable = True
            if tag == "span" and argument != "tg-spoiler":
                raise EntityParseError(f'Tag "span" must have class "tg-spoiler" at byte offset '
                                       f"{_byte_offset(text, begin)}")
            stack.append(_OpenTag(tag, length, argument, expandable))
            i += 1  # the '>'
            continue
        # an end tag
        if not stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {_byte_offset(text, begin)}")
        i += 1  # the '/'
        while i < n and not text[i].isspace() and text[i] != ">":
            i += 1
        end_name = text[begin + 2:i].lower()
        while i < n and text[i].isspace():
            i += 1
        if i >= n or text[i] != ">":
            raise EntityParseError(f"Unclosed end tag at byte offset {_byte_offset(text, begin)}")
        opened = stack.pop()
        if end_name and end_name != opened.name:
            raise EntityParseError(
                f"Unmatched end tag at byte offset {_byte_offset(text, begin)}, expected "
                f'"</{opened.name}>", found "</{end_name}>"')
        i += 1
        _close_html_entity(opened, length, entities)
    if stack:
        raise EntityParseError(
            f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
    return "".join(out), entities


def _close_html_entity(tag: _OpenTag, end: int, entities: list[JSONDict]) -> None:
    if end == tag.offset:
        return  # Telegram drops empty entities
    entity: JSONDict = {"type": _HTML_ENTITY_TYPES[tag.name], "offset": tag.offset,
                        "length": end - tag.offset}
    if tag.name == "a":
        if not tag.argument:
            return
        entity["url"] = tag.argument
    elif tag.name == "code" and tag.argument.startswith("language-"):
        entity["language"] = tag.argument.removeprefix("language-")
    elif tag.name == "blockquote" and tag.expandable:
        entity["type"] = "expandable_blockquote"
    elif tag.name == "pre":
        # <pre><code class="language-x">...</code></pre> is one pre entity with a language
        for inner in entities:
            if (inner["type"] == "code" and inner["offset"] == tag.offset
                    and inner["length"] == entity["length"]):
                if "language" in inner:
                    entity["language"] = inner["language"]
                entities.remove(inner)
                break
    entities.append(entity)


_MD2_RESERVED = "_*[]()~`>#+-=|{}.!"
_MD2_NAMES = {"bold": "Bold", "italic": "Italic", "underline": "Underline",
              "strikethrough": "Strikethrough", "spoiler": "Spoiler", "code": "Code",
              "pre": "Pre", "text_link": "TextUrl", "custom_emoji": "CustomEmoji"}


def parse_markdown_v2(text: str) -> tuple[str, list[JSONDict]]:
    """Parse MarkdownV2 (tdlib's rules, incl. reserved characters) into text and entities."""
    out: list[str] = []
    length = 0
    # type, UTF-16 offset, byte offset, index in out, pre language
    stack: list[tuple[str, int, int, int, str]] = []
    entities: list[JSONDict] = []
    n = len(text)

    def at(index: int) -> str:
        return text[index] if index < n else ""

    def emit(piece: str) -> None:
        nonlocal length
        out.append(piece)
        length += _utf16_len(piece)

    i = 0
    while i < n:
        char = text[i]
        if char == "\\" and at(i + 1) and 0 < ord(at(i + 1)) <= 126:
            emit(text[i + 1])
            i += 2
            continue
        reserved = "`" if stack and stack[-1][0] in ("code", "pre") else _MD2_RESERVED
        if char not in reserved:
            emit(char)
            i += 1
            continue
        if char == ">" and (i == 0 or text[i - 1] == "\n") and not stack:
            i += 1  # a blockquote line marker
            continue
        top = stack[-1][0] if stack else ""
        closes = (
            (top == "bold" and char == "*")
            or (top == "italic" and char == "_" and at(i + 1) != "_")
            or (top == "code" and char == "`")
            or (top == "pre" and text[i:i + 3] == "```")
            or (top in ("text_link", "custom_emoji") and char == "]")
            or (top == "underline" and text[i:i + 2] == "__")
            or (top == "strikethrough" and char == "~")
            or (top == "spoiler" and text[i:i + 2] == "||")
        )
        if not closes:
            start = i
            language = ""
            if char == "_":
                kind = "underline" if at(i + 1) == "_" else "italic"
                i += 2 if kind == "underline" else 1
            elif char == "*":
                kind, i = "bold", i + 1
            elif char == "~":
                kind, i = "strikethrough", i + 1
            elif char == "|" and at(i + 1) == "|":
                kind, i = "spoiler", i + 2
            elif char == "[":
                kind, i = "text_link", i + 1
            elif char == "!" and at(i + 1) == "[":
                kind, i = "custom_emoji", i + 2
            elif char == "`" and text[i:i + 3] == "```":
                kind, i = "pre", i + 3
                language_end = i
                while language_end < n and not text[language_end].isspace() \
                        and text[language_end] != "`":
                    language_end += 1
                if language_end > i and at(language_end) not in ("", "`"):
                    language, i = text[i:language_end], language_end
                if at(i) in ("\n", "\r"):
                    i += 1
            elif char == "`":
                kind, i = "code", i + 1
            else:
                raise EntityParseError(
                    f"Character '{char}' is reserved and must be escaped with the preceding '\\'")
            stack.append((kind, length, _byte_offset(text, start), len(out), language))
            continue
        kind, offset, _, out_index, language = stack.pop()
        entity: JSONDict = {"type": kind, "offset": offset, "length": length - offset}
        if language:
            entity["language"] = language
        i += {"underline": 2, "spoiler": 2, "pre": 3}.get(kind, 1)
        if kind in ("text_link", "custom_emoji"):
            if at(i) != "(":
                if kind == "custom_emoji":
                    raise EntityParseError("Custom emoji entity must contain a tg://emoji URL")
                entity["url"] = "".join(out[out_index:])
            else:
                url_start = i + 1
                i += 1
                url: list[str] = []
                while i < n and text[i] != ")":
                    if text[i] == "\\" and at(i + 1) and 0 < ord(at(i + 1)) <= 126:
                        url.append(text[i + 1])
                        i += 2
                        continue
                    url.append(text[i])
                    i += 1
                if i >= n:
                    raise EntityParseError(
                        f"Can't find end of a URL at byte offset {_byte_offset(text, url_start)}")
                i += 1
                entity["url"] = "".join(url)
        if entity["length"] > 0:
            entities.append(entity)
    if stack:
        kind, _, byte_offset, _, _ = stack[-1]
        raise EntityParseError(
            f"Can't find end of {_MD2_NAMES[kind]} entity at byte offset {byte_offset}")
    entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
    return "".join(out), entities


def _strip_text(text: str, entities: list[JSONDict]) -> tuple[str, list[JSONDict]]:
    """Trim surrounding whitespace as Telegram does, shifting and clipping the entities."""
    stripped = text.strip()
    if not stripped:
        return "", []
    lead = _utf16_len(text[:len(text) - len(text.lstrip())])
    total = _utf16_len(stripped)
    kept = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


def render_text(text: Any, parse_mode: Any, entities: Any,
                what: str = "message text") -> tuple[str, list[JSONDict]]:
    """Plain text and entities of a message text, or the Bot API error a real server gives."""
    if text is None or text == "":
        raise _bad_request(f"{what} is empty")
    if not isinstance(text, str):
        text = str(text)
    mode = str(parse_mode).lower() if parse_mode else ""
    try:
        if mode == "html":
            plain, parsed = parse_html(text)
        elif mode == "markdownv2":
            plain, parsed = parse_markdown_v2(text)
        elif mode in ("", "markdown"):
            plain = text
            parsed = list(entities) if isinstance(entities, list) and not mode else []
        else:
            raise _bad_request("unsupported parse_mode")
    except EntityParseError as error:
        raise _bad_request(f"can't parse entities: {error}") from None
    plain, parsed = _strip_text(plain, parsed)
    if not plain:
        raise _bad_request(f"{what} is empty")
    if what == "message text" and len(plain) > MAX_MESSAGE_LENGTH:
        raise _bad_request("message is too long")
    return plain, parsed


def check_reply_markup(markup: Any) -> JSONDict | None:
    """Validate reply_markup as Telegram does for the mistakes bots make."""
    if markup is None or markup == "":
        return None
    if not isinstance(markup, dict):
        raise _bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad_request("field \"inline_keyboard\" of the InlineKeyboardMarkup must be "
                               "an Array of Arrays")
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise _bad_request("BUTTON_TEXT_INVALID")
                actions = set(button) - {"text", "style", "icon_custom_emoji_id"}
                if not actions:
                    raise _bad_request("text buttons are unallowed in the inline keyboard")
                if "callback_data" in button:
                    data = str(button["callback_data"]).encode("utf-8")
                    if not 1 <= len(data) <= MAX_CALLBACK_DATA_BYTES:
                        raise _bad_request("BUTTON_DATA_INVALID")
                if "url" in button and not str(button["url"]).startswith(
                        ("http://", "https://", "tg://")):
                    raise _bad_request("BUTTON_URL_INVALID")
    return markup


# --------------------------------------------------------------------------------------------
# The HTTP side
# --------------------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins the request threads: nothing outlives a test
    block_on_close = True
    request_queue_size = 128

    def __init__(self, api: FakeBotApi, address: tuple[str, int]) -> None:
        self.api = api
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hang up on long polls when they stop; anything else is recorded by dispatch.
        pass


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = 10
    disable_nagle_algorithm = True  # headers and body are two writes: no delayed-ACK stalls

    def setup(self) -> None:
        # Keep-alive as Telegram does, or (the default for tests) one request per connection,
        # so no idle keep-alive socket holds up stopping the server.
        self.protocol_version = "HTTP/1.1" if self.server.api.keep_alive else "HTTP/1.0"
        super().setup()

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: failures are in api.requests

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        size = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(size) if size else b""

    def _handle(self) -> None:
        try:
            body = self._read_body()
            status, payload, content_type = self.server.api._dispatch_http(
                self.command, self.path, self.headers.get("Content-Type", ""), body)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            if not self.server.api.keep_alive:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass


def _parse_form_value(key: str, value: str) -> Any:
    if key in _STRING_PARAMS:
        return value
    try:
        decoded = json.loads(value)
    except ValueError:
        return value
    return value if isinstance(decoded, str) else decoded


def parse_parameters(content_type: str, body: bytes, query: str = "") -> JSONDict:
    """Bot API parameters from a query string and a JSON, form-encoded or multipart body."""
    params: JSONDict = {key: _parse_form_value(key, value)
                        for key, value in parse_qsl(query, keep_blank_values=True)}
    mime = content_type.split(";")[0].strip().lower()
    if mime == "application/json" and body.strip():
        decoded = json.loads(body)
        if not isinstance(decoded, dict):
            raise _bad_request("parameters must be a JSON object")
        for key, value in decoded.items():
            if key in _JSON_PARAMS and isinstance(value, str) and value:
                try:
                    params[key] = json.loads(value)
                except ValueError:
                    params[key] = value
                continue
            params[key] = value
    elif mime == "application/x-www-form-urlencoded":
        for key, value in parse_qsl(body.decode("utf-8"), keep_blank_values=True):
            params[key] = _parse_form_value(key, value)
    elif mime == "multipart/form-data":
        head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not isinstance(name, str):
                continue
            raw = part.get_payload(decode=True)
            content = raw if isinstance(raw, bytes) else b""
            filename = part.get_filename()
            if filename is not None:
                params[name] = {"filename": filename, "content_type": part.get_content_type(),
                                "content": content}
            else:
                charset = part.get_content_charset() or "utf-8"
                params[name] = _parse_form_value(name, content.decode(charset))
    for key in ("chat_id", "from_chat_id", "user_id"):
        value = params.get(key)
        if isinstance(value, str) and value.lstrip("-").isdigit():
            params[key] = int(value)
    return params


@dataclass
class _Fault:
    status: int
    times: int
    retry_after: int
    description: str | None

    def error(self) -> BotApiError:
        if self.status == 429:
            return BotApiError(429, self.description or
                               f"Too Many Requests: retry after {self.retry_after}",
                               {"retry_after": self.retry_after})
        default = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
                   404: "Not Found", 409: "Conflict: terminated by other getUpdates request",
                   500: "Internal Server Error", 502: "Bad Gateway"}
        return BotApiError(self.status, self.description or default.get(self.status, "Error"))


@dataclass
class _Queued:
    update_id: int
    update: JSONDict
    forced: bool = False  # a redelivery: returned once whatever the offset


# --------------------------------------------------------------------------------------------
# The fake Bot API
# --------------------------------------------------------------------------------------------


class FakeBotApi:
    """A local Telegram Bot API server for tests; use it as a context manager."""

    def __init__(self, token: str = "123:TEST", *,  # noqa: S107 - a fake token
                 username: str = "wegweiser_test_bot", first_name: str = "Wegweiser",
                 max_poll_timeout: float = 1.0, host: str = "127.0.0.1", port: int = 0,
                 keep_alive: bool = False) -> None:
        self.token = token
        self.keep_alive = keep_alive
        prefix = token.split(":", 1)[0]
        self.bot_id = int(prefix) if prefix.isdigit() else 123
        self.bot_username = username
        self.bot_first_name = first_name
        self.max_poll_timeout = max_poll_timeout
        self._host = host
        self._port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.RLock()
        self._updates_changed = threading.Condition(self._lock)
        self._closing = False

        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._queue: list[_Queued] = []
        self._history: dict[int, JSONDict] = {}  # every pushed update by id
        self._delivered: list[int] = []
        self._allowed_updates: list[str] | None = None
        self._webhook: JSONDict = {"url": ""}

        self._requests: list[JSONDict] = []
        self._sent: list[JSONDict] = []
        self._deleted: list[tuple[int | str, int]] = []
        self._commands: list[JSONDict] = []
        self._current_commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._menu_buttons: dict[int | str | None, JSONDict] = {}
        self._callback_queries: dict[str, JSONDict] = {}
        self._callback_answers: dict[str, JSONDict] = {}
        self._server_errors: list[str] = []

        self._chats: dict[int | str, JSONDict] = {}
        self._next_message_id: dict[int | str, int] = {}
        self._messages: dict[tuple[int | str, int], JSONDict] = {}
        self._raw_texts: dict[tuple[int | str, int], str] = {}
        self._topics: dict[tuple[int | str, int], JSONDict] = {}
        self._members: dict[tuple[int | str, int], str] = {}
        self._files: dict[str, JSONDict] = {}

        self._faults: dict[str, list[_Fault]] = {}
        self._blocked: set[int | str] = set()
        self._down = False

        self._method_names = {name.lower(): name for name in (
                "getMe", "logOut", "close", "getUpdates", "deleteWebhook", "setWebhook",
                "getWebhookInfo", "setMyCommands", "getMyCommands", "deleteMyCommands",
                "sendMessage", "editMessageText", "editMessageReplyMarkup",
                "answerCallbackQuery", "sendChatAction", "createForumTopic",
                "closeForumTopic", "reopenForumTopic", "editForumTopic", "deleteForumTopic",
                "getChat", "getChatMember", "setChatMenuButton", "getChatMenuButton",
                "deleteMessage", "getFile",
        )}
        self._methods: dict[str, Callable[[JSONDict], Any]] = {
            lower: getattr(self, f"_api_{name}") for lower, name in self._method_names.items()}

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FakeBotApi:
        """Bind the port and serve in a background thread (``__enter__`` does this)."""
        if self._server is not None:
            return self
        self._closing = False
        self._server = _Server(self, (self._host, self._port))
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name="FakeBotApi", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, release waiting long polls, join all threads and close the socket."""
        server, thread = self._server, self._thread
        if server is None:
            return
        with self._updates_changed:
            self._closing = True
            self._updates_changed.notify_all()
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join()
        self._server = self._thread = None

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeBotApi is not running")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self.port}"

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)`` / ``Bot(base_url=...)``."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url(...)`` (downloads of ``getFile`` paths)."""
        return f"{self.url}/file/bot"

    @property
    def bot_user(self) -> JSONDict:
        return {"id": self.bot_id, "is_bot": True, "first_name": self.bot_first_name,
                "username": self.bot_username}

    # -- request handling --------------------------------------------------------------------

    def _dispatch_http(self, verb: str, path: str, content_type: str,
                       body: bytes) -> tuple[int, bytes, str]:
        parts = urlsplit(path)
        route = unquote(parts.path)  # httpx sends the token's ':' as %3A in file URLs
        file_prefix = f"/file/bot{self.token}/"
        if verb == "GET" and route.startswith(file_prefix):
            return self._serve_file(route.removeprefix(file_prefix))
        method = ""
        params: JSONDict = {}
        try:
            if not route.startswith("/bot"):
                raise BotApiError(404, "Not Found")
            token, _, method = route.removeprefix("/bot").partition("/")
            if token != self.token:
                raise BotApiError(401, "Unauthorized")
            try:
                params = parse_parameters(content_type, body, parts.query)
            except (ValueError, UnicodeDecodeError):
                raise _bad_request("can't parse request parameters") from None
            result = self._call(method, params)
            status, payload = 200, {"ok": True, "result": result}
        except BotApiError as error:
            status, payload = error.status, error.payload()
        except Exception:  # a bug in the fake: visible to the test, not only on stderr
            with self._lock:
                self._server_errors.append(traceback.format_exc())
            status = 500
            payload = {"ok": False, "error_code": 500,
                       "description": "Internal Server Error (bug in FakeBotApi)"}
        if method:
            with self._lock:
                self._requests.append({"method": self._canonical(method),
                                       "params": params, "status": status,
                                       "response": payload, "time": time.time()})
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        return status, data, "application/json"

    def _serve_file(self, file_path: str) -> tuple[int, bytes, str]:
        with self._lock:
            for record in self._files.values():
                if record["file_path"] == file_path:
                    return 200, bytes(record["content"]), "application/octet-stream"
        return 404, b'{"ok":false,"error_code":404,"description":"Not Found"}', "application/json"

    def _canonical(self, method: str) -> str:
        return self._method_names.get(method.lower(), method)

    def _call(self, method: str, params: JSONDict) -> Any:
        handler = self._methods.get(method.lower())
        with self._lock:
            if self._down:
                raise BotApiError(502, "Bad Gateway")
            if handler is None:
                raise BotApiError(404, "Not Found")
            faults = self._faults.get(method.lower())
            if faults:
                fault = faults[0]
                fault.times -= 1
                if fault.times <= 0:
                    faults.pop(0)
                raise fault.error()
        if method.lower() == "getupdates":
            return handler(params)  # waits on the condition itself
        with self._lock:
            return handler(params)

    # -- chats, messages ---------------------------------------------------------------------

    def _chat(self, chat_id: Any) -> JSONDict:
        """The chat (created on first use: positive ids private, negative ones forum groups)."""
        if isinstance(chat_id, str) and not chat_id.lstrip("-").isdigit():
            for chat in self._chats.values():
                if chat_id.startswith("@") and chat.get("username") == chat_id[1:]:
                    return chat
            raise _bad_request("chat not found")
        if chat_id is None or chat_id == "":
            raise _bad_request("chat_id is empty")
        try:
            chat_id = int(chat_id)
        except (TypeError, ValueError):
            raise _bad_request("chat not found") from None
        if chat_id not in self._chats:
            if chat_id > 0:
                self._chats[chat_id] = {"id": chat_id, "type": "private",
                                        "first_name": f"User {chat_id}"}
            else:
                self._chats[chat_id] = {"id": chat_id, "type": "supergroup",
                                        "title": f"Group {chat_id}", "is_forum": True}
        return self._chats[chat_id]

    def set_chat(self, chat_id: int, **fields: Any) -> JSONDict:
        """Create or change a chat, e.g. ``set_chat(-100, title="Team", is_forum=False)``."""
        with self._lock:
            chat = self._chat(chat_id)
            chat.update(fields)
            return copy.deepcopy(chat)

    def _new_message_id(self, chat_id: int | str) -> int:
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    def _observe_message_id(self, chat_id: int | str, message_id: int) -> None:
        if message_id >= self._next_message_id.get(chat_id, 1):
            self._next_message_id[chat_id] = message_id + 1

    def _store_message(self, message: JSONDict) -> None:
        chat_id = message["chat"]["id"]
        self._observe_message_id(chat_id, message["message_id"])
        self._messages[(chat_id, message["message_id"])] = copy.deepcopy(message)

    def _message(self, chat_id: Any, message_id: Any, missing: str) -> JSONDict:
        chat = self._chat(chat_id)
        try:
            key = (chat["id"], int(message_id))
        except (TypeError, ValueError):
            raise _bad_request(missing) from None
        if key not in self._messages:
            raise _bad_request(missing)
        return self._messages[key]

    def _short(self, message: JSONDict) -> JSONDict:
        """A message as it appears nested in another one (no nested reply)."""
        return {key: value for key, value in copy.deepcopy(message).items()
                if key != "reply_to_message"}

    def _topic(self, chat_id: Any, thread_id: Any) -> JSONDict:
        chat = self._chat(chat_id)
        try:
            key = (chat["id"], int(thread_id))
        except (TypeError, ValueError):
            raise _bad_request("TOPIC_ID_INVALID") from None
        if key not in self._topics:
            raise _bad_request("TOPIC_ID_INVALID")
        return self._topics[key]

    def _ensure_topic(self, chat_id: int | str, thread_id: int, name: str | None = None) -> None:
        if (chat_id, thread_id) in self._topics:
            return
        self._observe_message_id(chat_id, thread_id)
        topic = {"chat_id": chat_id, "message_thread_id": thread_id,
                 "name": name or f"Topic {thread_id}", "icon_color": TOPIC_ICON_COLORS[0],
                 "closed": False}
        self._topics[(chat_id, thread_id)] = topic
        self._messages.setdefault((chat_id, thread_id), self._topic_created_message(topic))

    def _topic_created_message(self, topic: JSONDict) -> JSONDict:
        chat = self._chat(topic["chat_id"])
        return {"message_id": topic["message_thread_id"], "date": int(time.time()),
                "chat": copy.deepcopy(chat), "from": self.bot_user,
                "message_thread_id": topic["message_thread_id"], "is_topic_message": True,
                "forum_topic_created": {"name": topic["name"],
                                        "icon_color": topic["icon_color"]}}

    def _register_update(self, update: Mapping[str, Any]) -> None:
        """Remember chats, messages and topics that an update pushed by a test mentions."""
        for kind in ("message", "edited_message", "channel_post", "edited_channel_post"):
            message = update.get(kind)
            if isinstance(message, dict):
                self._register_message(message)
        query = update.get("callback_query")
        if isinstance(query, dict):
            self._callback_queries[str(query.get("id"))] = copy.deepcopy(query)
            if isinstance(query.get("message"), dict) and "chat" in query["message"]:
                self._register_message(query["message"], overwrite=False)

    def _register_message(self, message: JSONDict, *, overwrite: bool = True) -> None:
        chat = message.get("chat")
        if not isinstance(chat, dict) or "id" not in chat or "message_id" not in message:
            return
        known = self._chats.setdefault(chat["id"], copy.deepcopy(chat))
        for key, value in chat.items():
            known.setdefault(key, value)
        reply = message.get("reply_to_message")
        if isinstance(reply, dict):
            self._register_message(reply, overwrite=False)
        thread_id = message.get("message_thread_id")
        if chat.get("type") == "supergroup" and isinstance(thread_id, int):
            self._ensure_topic(chat["id"], thread_id)
        key = (chat["id"], message["message_id"])
        if overwrite or key not in self._messages:
            self._store_message(message)
            self._raw_texts.pop(key, None)

    # -- the Bot API methods -----------------------------------------------------------------

    def _api_getMe(self, params: JSONDict) -> JSONDict:
        return {**self.bot_user, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False, "can_connect_to_business": False,
                "has_main_web_app": False, "has_topics_enabled": False}

    def _api_logOut(self, params: JSONDict) -> bool:
        return True

    def _api_close(self, params: JSONDict) -> bool:
        return True

    def _api_getUpdates(self, params: JSONDict) -> list[JSONDict]:
        try:
            offset = int(params.get("offset") or 0)
            limit = min(max(int(params.get("limit") or 100), 1), 100)
            timeout = float(params.get("timeout") or 0)
        except (TypeError, ValueError):
            raise _bad_request("invalid getUpdates parameters") from None
        timeout = min(max(timeout, 0.0), self.max_poll_timeout)
        deadline = time.monotonic() + timeout
        with self._updates_changed:
            if self._webhook["url"]:
                raise BotApiError(409, "Conflict: can't use getUpdates method while webhook is "
                                       "active; use deleteWebhook to delete the webhook first")
            allowed = params.get("allowed_updates")
            if isinstance(allowed, list):
                self._allowed_updates = [str(kind) for kind in allowed] or None
            while True:
                self._confirm(offset)
                ready = self._take(limit)
                remaining = deadline - time.monotonic()
                if ready or self._closing or remaining <= 0:
                    self._delivered.extend(update["update_id"] for update in ready)
                    return ready
                self._updates_changed.wait(remaining)

    def _confirm(self, offset: int) -> None:
        regular = [entry for entry in self._queue if not entry.forced]
        if offset > 0:
            drop = {id(entry) for entry in regular if entry.update_id < offset}
        elif offset < 0:
            drop = {id(entry) for entry in regular[:max(len(regular) + offset, 0)]}
        else:
            return
        self._queue = [entry for entry in self._queue if id(entry) not in drop]

    def _take(self, limit: int) -> list[JSONDict]:
        allowed = self._allowed_updates
        result: list[JSONDict] = []
        keep: list[_Queued] = []
        forced = [entry for entry in self._queue if entry.forced]
        regular = [entry for entry in self._queue if not entry.forced]
        for entry in forced + regular:
            kind = next((key for key in entry.update if key != "update_id"), "")
            if allowed is not None and kind not in allowed:
                continue  # Telegram drops updates of types the bot did not ask for
            if len(result) < limit:
                result.append(copy.deepcopy(entry.update))
                if not entry.forced:
                    keep.append(entry)
            else:
                keep.append(entry)
        self._queue = keep
        return result

    def _api_deleteWebhook(self, params: JSONDict) -> bool:
        self._webhook = {"url": ""}
        if params.get("drop_pending_updates") in (True, "true", "True", 1):
            self._queue.clear()
        return True

    def _api_setWebhook(self, params: JSONDict) -> bool:
        url = params.get("url") or ""
        if url and not str(url).startswith("https://"):
            raise _bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self._webhook = {key: value for key, value in params.items()
                         if key in ("url", "max_connections", "allowed_updates", "ip_address")}
        if params.get("drop_pending_updates") in (True, "true", "True", 1):
            self._queue.clear()
        return True

    def _api_getWebhookInfo(self, params: JSONDict) -> JSONDict:
        return {**self._webhook, "has_custom_certificate": False,
                "pending_update_count": len(self._queue)}

    @staticmethod
    def _commands_key(params: JSONDict) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or "type" not in scope:
            raise _bad_request("can't parse BotCommandScope JSON object")
        language = params.get("language_code") or ""
        if language and (len(language) != 2 or not language.isalpha()):
            raise _bad_request("invalid language code specified")
        return json.dumps(scope, sort_keys=True), language

    def _api_setMyCommands(self, params: JSONDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad_request("too many commands specified")
        for command in commands:
            name = command.get("command", "") if isinstance(command, dict) else ""
            name = name.removeprefix("/")
            if not (1 <= len(name) <= 32 and all(char.islower() or char.isdigit() or char == "_"
                                                  for char in name) and name.isascii()):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise _bad_request("command description must be non-empty")
        key = self._commands_key(params)
        self._current_commands[key] = copy.deepcopy(commands)
        self._commands.append({"commands": copy.deepcopy(commands),
                               "scope": json.loads(key[0]), "language_code": key[1]})
        return True

    def _api_getMyCommands(self, params: JSONDict) -> list[JSONDict]:
        return copy.deepcopy(self._current_commands.get(self._commands_key(params), []))

    def _api_deleteMyCommands(self, params: JSONDict) -> bool:
        self._current_commands.pop(self._commands_key(params), None)
        return True

    def _reply_target(self, chat: JSONDict, params: JSONDict) -> JSONDict | None:
        reply = params.get("reply_parameters")
        message_id: Any
        if isinstance(reply, dict):
            message_id, allow = reply.get("message_id"), reply.get("allow_sending_without_reply")
            reply_chat = self._chat(reply["chat_id"]) if reply.get("chat_id") else chat
        elif params.get("reply_to_message_id") is not None:
            message_id = params["reply_to_message_id"]
            allow = params.get("allow_sending_without_reply")
            reply_chat = chat
        else:
            return None
        try:
            key = (reply_chat["id"], int(message_id))
        except (TypeError, ValueError):
            raise _bad_request("message to be replied not found") from None
        if key in self._messages:
            return self._messages[key]
        if allow in (True, "true"):
            return None
        raise _bad_request("message to be replied not found")

    def _check_blocked(self, chat: JSONDict) -> None:
        if chat["id"] in self._blocked:
            raise BotApiError(403, "Forbidden: bot was blocked by the user")

    def _check_thread(self, chat: JSONDict, thread_id: Any) -> int | None:
        if thread_id in (None, "", 0):
            return None
        try:
            thread_id = int(thread_id)
        except (TypeError, ValueError):
            raise _bad_request("message thread not found") from None
        if chat["type"] == "supergroup":
            topic = self._topics.get((chat["id"], thread_id))
            if topic is None:
                raise _bad_request("message thread not found")
            if topic["closed"]:
                raise _bad_request("TOPIC_CLOSED")
        return int(thread_id)

    def _api_sendMessage(self, params: JSONDict) -> JSONDict:
        chat = self._chat(params.get("chat_id"))
        self._check_blocked(chat)
        text, entities = render_text(params.get("text"), params.get("parse_mode"),
                                     params.get("entities"))
        markup = check_reply_markup(params.get("reply_markup"))
        thread_id = self._check_thread(chat, params.get("message_thread_id"))
        reply_to = self._reply_target(chat, params)
        if thread_id is None and reply_to is not None:
            thread_id = reply_to.get("message_thread_id")
        message: JSONDict = {"message_id": self._new_message_id(chat["id"]),
                             "from": self.bot_user, "chat": copy.deepcopy(chat),
                             "date": int(time.time()), "text": text}
        if entities:
            message["entities"] = entities
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            if chat["type"] == "supergroup":
                message["is_topic_message"] = True
        if reply_to is not None:
            message["reply_to_message"] = self._short(reply_to)
        elif thread_id is not None and (chat["id"], thread_id) in self._messages:
            message["reply_to_message"] = self._short(self._messages[(chat["id"], thread_id)])
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = copy.deepcopy(markup)
        if isinstance(params.get("link_preview_options"), dict):
            message["link_preview_options"] = params["link_preview_options"]
        self._store_message(message)
        self._raw_texts[(chat["id"], message["message_id"])] = str(params["text"])
        self._record_sent("sendMessage", params, message, str(params["text"]), markup)
        return message

    def _record_sent(self, method: str, params: JSONDict, message: JSONDict,
                     raw_text: str | None, markup: JSONDict | None) -> None:
        reply = params.get("reply_parameters")
        reply_id = reply.get("message_id") if isinstance(reply, dict) else None
        if reply_id is None:
            reply_id = params.get("reply_to_message_id")
        self._sent.append({
            "method": method, "chat_id": message["chat"]["id"],
            "message_id": message["message_id"], "text": raw_text,
            "plain_text": message.get("text"), "entities": copy.deepcopy(
                message.get("entities", [])),
            "parse_mode": params.get("parse_mode"), "reply_markup": copy.deepcopy(markup),
            "message_thread_id": message.get("message_thread_id"),
            "reply_to_message_id": reply_id,
            "date": message["date"], "params": copy.deepcopy(params),
        })

    def _editable(self, params: JSONDict) -> JSONDict | None:
        """The bot's message that an edit names, or None for inline messages."""
        if params.get("inline_message_id"):
            return None
        if params.get("message_id") is None:
            raise _bad_request("message identifier is not specified")
        message = self._message(params.get("chat_id"), params.get("message_id"),
                                "message to edit not found")
        self._check_blocked(message["chat"])
        if message.get("from", {}).get("id") != self.bot_id:
            raise _bad_request("message can't be edited")
        return message

    def _api_editMessageText(self, params: JSONDict) -> JSONDict | bool:
        text, entities = render_text(params.get("text"), params.get("parse_mode"),
                                     params.get("entities"))
        markup = check_reply_markup(params.get("reply_markup"))
        message = self._editable(params)
        if message is None:
            return True
        inline = markup if markup is not None and "inline_keyboard" in markup else None
        if (message.get("text") == text and message.get("entities", []) == entities
                and message.get("reply_markup") == inline):
            raise _bad_request(NOT_MODIFIED)
        message["text"] = text
        message["edit_date"] = int(time.time())
        for key, value in (("entities", entities), ("reply_markup", inline)):
            if value:
                message[key] = copy.deepcopy(value)
            else:
                message.pop(key, None)
        self._raw_texts[(message["chat"]["id"], message["message_id"])] = str(params["text"])
        self._record_sent("editMessageText", params, message, str(params["text"]), markup)
        return copy.deepcopy(message)

    def _api_editMessageReplyMarkup(self, params: JSONDict) -> JSONDict | bool:
        markup = check_reply_markup(params.get("reply_markup"))
        message = self._editable(params)
        if message is None:
            return True
        inline = markup if markup is not None and "inline_keyboard" in markup else None
        if message.get("reply_markup") == inline:
            raise _bad_request(NOT_MODIFIED)
        if inline:
            message["reply_markup"] = copy.deepcopy(inline)
        else:
            message.pop("reply_markup", None)
        message["edit_date"] = int(time.time())
        self._record_sent("editMessageReplyMarkup", params, message, None, markup)
        return copy.deepcopy(message)

    def _api_deleteMessage(self, params: JSONDict) -> bool:
        message = self._message(params.get("chat_id"), params.get("message_id"),
                                "message to delete not found")
        key = (message["chat"]["id"], message["message_id"])
        del self._messages[key]
        self._deleted.append(key)
        return True

    def _api_answerCallbackQuery(self, params: JSONDict) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._callback_queries or query_id in self._callback_answers:
            raise _bad_request("query is too old and response timeout expired or query ID is "
                               "invalid")
        if len(str(params.get("text") or "")) > MAX_CALLBACK_ANSWER_LENGTH:
            raise _bad_request("MESSAGE_TOO_LONG")
        self._callback_answers[query_id] = copy.deepcopy(params)
        return True

    def _api_sendChatAction(self, params: JSONDict) -> bool:
        chat = self._chat(params.get("chat_id"))
        self._check_blocked(chat)
        if params.get("action") not in CHAT_ACTIONS:
            raise _bad_request("wrong parameter action in request")
        self._check_thread(chat, params.get("message_thread_id"))
        return True

    def _forum(self, chat_id: Any) -> JSONDict:
        chat = self._chat(chat_id)
        if chat["type"] != "supergroup" or not chat.get("is_forum"):
            raise _bad_request("the chat is not a forum")
        return chat

    def _api_createForumTopic(self, params: JSONDict) -> JSONDict:
        chat = self._forum(params.get("chat_id"))
        name = str(params.get("name") or "")
        if not 1 <= len(name) <= 128:
            raise _bad_request("TOPIC_TITLE_EMPTY" if not name else "TOPIC_TITLE_INVALID")
        color = int(params.get("icon_color") or TOPIC_ICON_COLORS[0])
        if color not in TOPIC_ICON_COLORS:
            raise _bad_request("TOPIC_ICON_COLOR_INVALID")  # hypothetical text
        thread_id = self._new_message_id(chat["id"])
        topic: JSONDict = {"chat_id": chat["id"], "message_thread_id": thread_id, "name": name,
                           "icon_color": color, "closed": False}
        if params.get("icon_custom_emoji_id"):
            topic["icon_custom_emoji_id"] = params["icon_custom_emoji_id"]
        self._topics[(chat["id"], thread_id)] = topic
        self._store_message(self._topic_created_message(topic))
        return {key: value for key, value in topic.items() if key not in ("chat_id", "closed")}

    def _api_closeForumTopic(self, params: JSONDict) -> bool:
        topic = self._topic(self._forum(params.get("chat_id"))["id"],
                            params.get("message_thread_id"))
        if topic["closed"]:
            raise _bad_request("TOPIC_NOT_MODIFIED")
        topic["closed"] = True
        return True

    def _api_reopenForumTopic(self, params: JSONDict) -> bool:
        topic = self._topic(self._forum(params.get("chat_id"))["id"],
                            params.get("message_thread_id"))
        if not topic["closed"]:
            raise _bad_request("TOPIC_NOT_MODIFIED")
        topic["closed"] = False
        return True

    def _api_editForumTopic(self, params: JSONDict) -> bool:
        topic = self._topic(self._forum(params.get("chat_id"))["id"],
                            params.get("message_thread_id"))
        changes = {key: params[key] for key in ("name", "icon_custom_emoji_id")
                   if params.get(key) is not None}
        if "name" in changes and not 1 <= len(str(changes["name"])) <= 128:
            raise _bad_request("TOPIC_TITLE_INVALID")
        if all(topic.get(key) == value for key, value in changes.items()):
            raise _bad_request("TOPIC_NOT_MODIFIED")
        topic.update(changes)
        return True

    def _api_deleteForumTopic(self, params: JSONDict) -> bool:
        chat = self._forum(params.get("chat_id"))
        topic = self._topic(chat["id"], params.get("message_thread_id"))
        del self._topics[(chat["id"], topic["message_thread_id"])]
        return True

    def _api_getChat(self, params: JSONDict) -> JSONDict:
        chat = copy.deepcopy(self._chat(params.get("chat_id")))
        chat.update({"accent_color_id": 0, "max_reaction_count": 11,
                     "accepted_gift_types": {"unlimited_gifts": False, "limited_gifts": False,
                                             "unique_gifts": False,
                                             "premium_subscription": False,
                                             "gifts_from_channels": False}})
        return chat

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """What ``getChatMember`` answers: creator, administrator, member, left or kicked."""
        if status not in ("creator", "administrator", "member", "left", "kicked"):
            raise ValueError(f"unsupported chat member status {status!r}")
        with self._lock:
            self._members[(chat_id, user_id)] = status

    def _api_getChatMember(self, params: JSONDict) -> JSONDict:
        chat = self._chat(params.get("chat_id"))
        try:
            user_id = int(params.get("user_id") or 0)
        except (TypeError, ValueError):
            raise _bad_request("invalid user_id specified") from None
        if not user_id:
            raise _bad_request("invalid user_id specified")
        is_bot = user_id == self.bot_id
        default = "administrator" if is_bot and chat["type"] != "private" else "member"
        status = self._members.get((chat["id"], user_id), default)
        user = self.bot_user if is_bot else {"id": user_id, "is_bot": False,
                                             "first_name": f"User {user_id}"}
        member: JSONDict = {"status": status, "user": user}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "kicked":
            member["until_date"] = 0
        elif status == "administrator":
            rights = ("can_manage_chat", "can_delete_messages", "can_manage_video_chats",
                      "can_restrict_members", "can_promote_members", "can_change_info",
                      "can_invite_users", "can_post_stories", "can_edit_stories",
                      "can_delete_stories", "can_pin_messages", "can_manage_topics")
            member.update(dict.fromkeys(rights, True))
            member.update({"can_be_edited": False, "is_anonymous": False})
        return member

    def _api_setChatMenuButton(self, params: JSONDict) -> bool:
        button = params.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in ("default", "commands",
                                                                      "web_app"):
            raise _bad_request("can't parse menu button JSON object")
        chat_id = params.get("chat_id")
        key = self._chat(chat_id)["id"] if chat_id not in (None, "") else None
        self._menu_buttons[key] = copy.deepcopy(button)
        return True

    def _api_getChatMenuButton(self, params: JSONDict) -> JSONDict:
        chat_id = params.get("chat_id")
        key = self._chat(chat_id)["id"] if chat_id not in (None, "") else None
        default = self._menu_buttons.get(None, {"type": "default"})
        return copy.deepcopy(self._menu_buttons.get(key, default))

    def _api_getFile(self, params: JSONDict) -> JSONDict:
        record = self._files.get(str(params.get("file_id") or ""))
        if record is None:
            raise _bad_request("invalid file_id")
        return {key: value for key, value in record.items() if key != "content"}

    # -- test-side: updates --------------------------------------------------------------

    def push_update(self, update: Mapping[str, Any]) -> int:
        """Queue an update for getUpdates; it gets the next update_id, which is returned."""
        with self._updates_changed:
            update_id = next(self._update_ids)
            stored = {"update_id": update_id,
                      **{key: copy.deepcopy(value) for key, value in update.items()
                         if key != "update_id"}}
            self._register_update(stored)
            self._history[update_id] = stored
            self._queue.append(_Queued(update_id, stored))
            self._updates_changed.notify_all()
            return update_id

    def push_duplicate(self, update_id: int) -> int:
        """Deliver an already pushed update again (same update_id), as Telegram may."""
        with self._updates_changed:
            if update_id not in self._history:
                raise KeyError(f"no update {update_id} was pushed")
            self._queue.append(_Queued(update_id, copy.deepcopy(self._history[update_id]),
                                       forced=True))
            self._updates_changed.notify_all()
            return update_id

    @staticmethod
    def _user(user_id: int, *, first_name: str, last_name: str | None, username: str | None,
              language_code: str | None, user: Mapping[str, Any] | None = None) -> JSONDict:
        result: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name:
            result["last_name"] = last_name
        if username:
            result["username"] = username
        if language_code:
            result["language_code"] = language_code
        if user:
            result.update(user)
        return result

    def _private_message(self, chat_id: int, user: int | Mapping[str, Any] | None,
                         first_name: str, last_name: str | None, username: str | None,
                         language_code: str | None,
                         reply_to_message_id: int | None) -> JSONDict:
        """A new message from a user in their private chat (not yet queued)."""
        user_id = user if isinstance(user, int) else chat_id
        sender = self._user(user_id, first_name=first_name, last_name=last_name,
                            username=username, language_code=language_code,
                            user=user if isinstance(user, Mapping) else None)
        with self._lock:
            chat = self._chat(chat_id)
            if chat["type"] == "private":
                chat["first_name"] = sender["first_name"]
                for key in ("last_name", "username"):
                    if key in sender:
                        chat[key] = sender[key]
            message: JSONDict = {"message_id": self._new_message_id(chat_id), "from": sender,
                                 "chat": copy.deepcopy(chat), "date": int(time.time())}
            if reply_to_message_id is not None:
                message["reply_to_message"] = self._short(
                    self._message(chat_id, reply_to_message_id, "message not found"))
        return message

    @staticmethod
    def _text_entities(text: str) -> list[JSONDict]:
        if not text.startswith("/"):
            return []
        command = text.split(maxsplit=1)[0]
        return [{"type": "bot_command", "offset": 0, "length": _utf16_len(command)}]

    def user_message(self, chat_id: int, text: str, *,
                     user: int | Mapping[str, Any] | None = None, language_code: str | None = "de",
                     first_name: str = "Test", last_name: str | None = None,
                     username: str | None = None, reply_to_message_id: int | None = None,
                     entities: list[JSONDict] | None = None) -> int:
        """A user's text message in their private chat (``/command`` gets its entity)."""
        message = self._private_message(chat_id, user, first_name, last_name, username,
                                        language_code, reply_to_message_id)
        message["text"] = text
        message_entities = self._text_entities(text) if entities is None else entities
        if message_entities:
            message["entities"] = message_entities
        return self.push_update({"message": message})

    def _new_file(self, content: bytes, extension: str, **fields: Any) -> JSONDict:
        with self._lock:
            number = next(self._file_ids)
            record: JSONDict = {"file_id": f"FILE{number:06d}{extension.upper()}",
                                "file_unique_id": f"U{number:06d}", "file_size": len(content),
                                "file_path": f"files/file_{number}.{extension}",
                                "content": content}
            self._files[record["file_id"]] = record
        return {"file_id": record["file_id"], "file_unique_id": record["file_unique_id"],
                "file_size": len(content), **fields}

    def user_voice(self, chat_id: int, *, duration: int = 3, content: bytes = b"OggS fake voice",
                   caption: str | None = None, user: int | Mapping[str, Any] | None = None,
                   language_code: str | None = "de", first_name: str = "Test",
                   last_name: str | None = None, username: str | None = None) -> int:
        """A voice message (getFile and base_file_url serve ``content``)."""
        message = self._private_message(chat_id, user, first_name, last_name, username,
                                        language_code, None)
        message["voice"] = self._new_file(content, "oga", duration=duration,
                                          mime_type="audio/ogg")
        if caption is not None:
            message["caption"] = caption
        return self.push_update({"message": message})

    def user_photo(self, chat_id: int, caption: str | None = None, *,
                   content: bytes = b"\xff\xd8\xff fake jpeg",
                   user: int | Mapping[str, Any] | None = None, language_code: str | None = "de",
                   first_name: str = "Test", last_name: str | None = None,
                   username: str | None = None) -> int:
        """A photo (two sizes), optionally with a caption."""
        message = self._private_message(chat_id, user, first_name, last_name, username,
                                        language_code, None)
        message["photo"] = [self._new_file(content, "jpg", width=90, height=90),
                            self._new_file(content, "jpg", width=800, height=800)]
        if caption is not None:
            message["caption"] = caption
        return self.push_update({"message": message})

    def user_sticker(self, chat_id: int, *, emoji: str = "👍", set_name: str = "TestStickers",
                     user: int | Mapping[str, Any] | None = None,
                     language_code: str | None = "de", first_name: str = "Test",
                     last_name: str | None = None, username: str | None = None) -> int:
        """A regular static sticker."""
        message = self._private_message(chat_id, user, first_name, last_name, username,
                                        language_code, None)
        message["sticker"] = self._new_file(b"RIFF fake webp", "webp", width=512, height=512,
                                            type="regular", is_animated=False, is_video=False,
                                            emoji=emoji, set_name=set_name)
        return self.push_update({"message": message})

    def callback(self, chat_id: int, data: str, *, message_id: int | None = None,
                 user: int | Mapping[str, Any] | None = None, language_code: str | None = "de",
                 first_name: str = "Test", last_name: str | None = None,
                 username: str | None = None) -> int:
        """A button press: a callback_query with a fresh id for the bot's message.

        Without ``message_id`` the bot's last message in the chat is used (one is made up if
        the bot has sent nothing there)."""
        user_id = user if isinstance(user, int) else chat_id
        sender = self._user(user_id, first_name=first_name, last_name=last_name,
                            username=username, language_code=language_code,
                            user=user if isinstance(user, Mapping) else None)
        with self._lock:
            chat = self._chat(chat_id)
            if message_id is None:
                own = [key[1] for key, message in self._messages.items()
                       if key[0] == chat["id"] and message.get("from", {}).get("id") == self.bot_id]
                message_id = max(own) if own else None
            message = self._messages.get((chat["id"], message_id)) if message_id else None
            if message is None:
                message = {"message_id": message_id or self._new_message_id(chat["id"]),
                           "from": self.bot_user, "chat": copy.deepcopy(chat),
                           "date": int(time.time()), "text": "…"}
                self._store_message(message)
            query_id = str(4_000_000_000 + next(self._callback_ids))
            query = {"id": query_id, "from": sender, "message": copy.deepcopy(message),
                     "chat_instance": f"ci{chat['id']}", "data": data}
            return self.push_update({"callback_query": query})

    def group_message(self, chat_id: int, text: str, *, user_id: int,
                      thread_id: int | None = None, is_topic_message: bool | None = None,
                      first_name: str = "Staff", last_name: str | None = None,
                      username: str | None = None, language_code: str | None = "de",
                      reply_to_message_id: int | None = None) -> int:
        """A member's message in a supergroup (a staff group), optionally in a forum topic.

        As in Telegram, a topic message that replies to nothing has the topic's creation
        message as ``reply_to_message``."""
        sender = self._user(user_id, first_name=first_name, last_name=last_name,
                            username=username, language_code=language_code)
        with self._lock:
            chat = self._chat(chat_id)
            if chat["type"] == "private":
                raise ValueError(f"chat {chat_id} is private; group chats have negative ids")
            if thread_id is not None:
                self._ensure_topic(chat["id"], thread_id)
            message: JSONDict = {"message_id": self._new_message_id(chat["id"]),
                                 "from": sender, "chat": copy.deepcopy(chat),
                                 "date": int(time.time()), "text": text}
            entities = self._text_entities(text)
            if entities:
                message["entities"] = entities
            if thread_id is not None:
                message["message_thread_id"] = thread_id
                topic_message = True if is_topic_message is None else is_topic_message
                if topic_message:
                    message["is_topic_message"] = True
            reply_id = reply_to_message_id if reply_to_message_id is not None else thread_id
            if reply_id is not None:
                message["reply_to_message"] = self._short(
                    self._message(chat["id"], reply_id, "message not found"))
            return self.push_update({"message": message})

    def edited_message(self, chat_id: int, message_id: int, text: str) -> int:
        """The user edits an earlier message (its text becomes ``text``)."""
        with self._lock:
            original = copy.deepcopy(self._message(chat_id, message_id, "message not found"))
            original.pop("entities", None)
            original["text"] = text
            original["edit_date"] = int(time.time())
            entities = self._text_entities(text)
            if entities:
                original["entities"] = entities
            return self.push_update({"edited_message": original})

    @property
    def pending_updates(self) -> int:
        """Updates queued and not yet confirmed by a getUpdates offset."""
        with self._lock:
            return len(self._queue)

    @property
    def delivered(self) -> list[int]:
        """update_ids in the order getUpdates returned them (redeliveries included)."""
        with self._lock:
            return list(self._delivered)

    # -- test-side: what the bot did ---------------------------------------------------------

    @property
    def sent(self) -> list[JSONDict]:
        """sendMessage / editMessageText / editMessageReplyMarkup that succeeded, in order.

        Each: method, chat_id, message_id, text (as sent, e.g. HTML; None for markup edits),
        plain_text (after entity parsing), entities, parse_mode, reply_markup (parsed),
        message_thread_id, reply_to_message_id, date, params."""
        with self._lock:
            return copy.deepcopy(self._sent)

    def sent_to(self, chat_id: int | str, *, thread_id: int | None = None) -> list[JSONDict]:
        """``sent`` records for one chat (and one topic, if ``thread_id`` is given)."""
        return [record for record in self.sent if record["chat_id"] == chat_id
                and (thread_id is None or record["message_thread_id"] == thread_id)]

    def texts_to(self, chat_id: int | str) -> list[str]:
        """The plain texts of the messages sent (not edits) to a chat."""
        return [record["plain_text"] for record in self.sent_to(chat_id)
                if record["method"] == "sendMessage"]

    def message(self, chat_id: int | str, message_id: int) -> JSONDict | None:
        """The current state of a stored message (after edits), or None if unknown/deleted."""
        with self._lock:
            message = self._messages.get((chat_id, message_id))
            return copy.deepcopy(message) if message is not None else None

    @property
    def requests(self) -> list[JSONDict]:
        """Every API request: method, params, status, response, time."""
        with self._lock:
            return copy.deepcopy(self._requests)

    def requests_from(self, position: int) -> list[JSONDict]:
        """The API requests logged from index ``position`` on (deep copies): poll the log
        incrementally by passing the count already seen."""
        with self._lock:
            return copy.deepcopy(self._requests[position:])

    def reply_times(self, method: str = "sendMessage", *, since: float = 0.0,
                    private_only: bool = True) -> list[tuple[int, float]]:
        """(chat id, time) of each successful ``method`` call since ``since``, without copying
        the request log (cheap enough to poll from a benchmark)."""
        with self._lock:
            return [(int(request["params"]["chat_id"]), float(request["time"]))
                    for request in self._requests
                    if request["method"] == method and request["status"] == 200
                    and request["time"] >= since
                    and (not private_only or int(request["params"]["chat_id"]) > 0)]

    def calls(self, method: str) -> list[JSONDict]:
        """Parameters of every request to ``method`` (case-insensitive), failed ones included."""
        wanted = method.lower()
        with self._lock:
            return [copy.deepcopy(request["params"]) for request in self._requests
                    if request["method"].lower() == wanted]

    @property
    def commands(self) -> list[JSONDict]:
        """setMyCommands records: {"commands", "scope", "language_code"}, in order."""
        with self._lock:
            return copy.deepcopy(self._commands)

    def commands_for(self, language_code: str = "",
                     scope: Mapping[str, Any] | None = None) -> list[JSONDict]:
        """The command list currently set for a scope (default scope) and language."""
        key = json.dumps(dict(scope or {"type": "default"}), sort_keys=True), language_code
        with self._lock:
            return copy.deepcopy(self._current_commands.get(key, []))

    @property
    def topics(self) -> list[JSONDict]:
        """Forum topics: chat_id, message_thread_id, name, icon_color, closed."""
        with self._lock:
            return copy.deepcopy(list(self._topics.values()))

    @property
    def menu_buttons(self) -> dict[int | str | None, JSONDict]:
        """setChatMenuButton by chat id (None: the default button)."""
        with self._lock:
            return copy.deepcopy(self._menu_buttons)

    @property
    def callback_answers(self) -> dict[str, JSONDict]:
        """answerCallbackQuery parameters by callback query id."""
        with self._lock:
            return copy.deepcopy(self._callback_answers)

    @property
    def deleted(self) -> list[tuple[int | str, int]]:
        """(chat_id, message_id) of deleted messages."""
        with self._lock:
            return list(self._deleted)

    @property
    def server_errors(self) -> list[str]:
        """Tracebacks of bugs in this fake (answered as HTTP 500)."""
        with self._lock:
            return list(self._server_errors)

    # -- test-side: waiting ------------------------------------------------------------------

    def _describe(self) -> str:
        lines = ["sent:"]
        lines += [f"  {record['method']} chat={record['chat_id']} "
                  f"thread={record['message_thread_id']} id={record['message_id']}: "
                  f"{(record['text'] or '')[:120]!r}" for record in self.sent] or ["  (nothing)"]
        recent = self.requests[-15:]
        lines.append("last requests:")
        lines += [f"  {request['status']} {request['method']} "
                  f"{json.dumps(request['params'], ensure_ascii=False, default=repr)[:160]}"
                  for request in recent] or ["  (none)"]
        lines += [f"server error:\n{error}" for error in self.server_errors]
        return "\n".join(lines)

    async def wait_for(
            self, predicate: Callable[[FakeBotApi], Any],
            timeout: float = 10,  # noqa: ASYNC109 - a polling deadline, part of the API
            *, interval: float = 0.01, message: str = "") -> Any:
        """Poll until ``predicate(api)`` is truthy and return its value, else AssertionError."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate(self)
            if value:
                return value
            if time.monotonic() >= deadline:
                raise AssertionError(f"{message or 'condition'} not met within {timeout} s\n"
                                     f"{self._describe()}")
            await asyncio.sleep(interval)

    def wait_for_sync(self, predicate: Callable[[FakeBotApi], Any], timeout: float = 10,
                      *, interval: float = 0.01, message: str = "") -> Any:
        """``wait_for`` for synchronous tests (the bot runs in another thread or process)."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate(self)
            if value:
                return value
            if time.monotonic() >= deadline:
                raise AssertionError(f"{message or 'condition'} not met within {timeout} s\n"
                                     f"{self._describe()}")
            time.sleep(interval)

    # -- test-side: faults -------------------------------------------------------------------

    def fail(self, method: str = "sendMessage", status: int = 500, times: int = 1,
             retry_after: int = 1, description: str | None = None) -> None:
        """The next ``times`` calls of ``method`` fail with a Bot API error ``status``.

        429 answers "Too Many Requests: retry after X" with parameters.retry_after."""
        if times < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self._faults.setdefault(method.lower(), []).append(
                _Fault(status, times, retry_after, description))

    def block(self, chat_id: int, blocked: bool = True) -> None:
        """The user blocked the bot: sending, chat actions and edits there answer 403."""
        with self._lock:
            if blocked:
                self._blocked.add(chat_id)
            else:
                self._blocked.discard(chat_id)

    def unblock(self, chat_id: int) -> None:
        self.block(chat_id, blocked=False)

    def down(self, is_down: bool = True) -> None:
        """While down, every call answers 502 Bad Gateway."""
        with self._lock:
            self._down = is_down

    def reset_faults(self) -> None:
        with self._lock:
            self._faults.clear()
            self._blocked.clear()
            self._down = False
