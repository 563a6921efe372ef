"""What the web application's routes share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.templating import Jinja2Templates

from bot.config import Settings
from bot.conversation.service import ConversationService
from bot.kb.revisions import KnowledgeWorkspace
from bot.runtime import LiveRuntime
from bot.storage.db import Database
from bot.web.login_guard import LoginGuard
from bot.web.outbox import WebOutbox

if TYPE_CHECKING:
    from bot.channels.telegram.app import TelegramBot


@dataclass(slots=True)
class WebContext:
    """Settings, the live assistant, the database and the services behind the routes."""

    settings: Settings
    live: LiveRuntime
    db: Database
    service: ConversationService
    outbox: WebOutbox
    templates: Jinja2Templates
    secret: bytes
    login_guard: LoginGuard
    workspace: KnowledgeWorkspace
    telegram: TelegramBot | None = None
