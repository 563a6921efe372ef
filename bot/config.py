"""One frozen Settings object from the environment (prefix ``WEGWEISER_``).

Start-up fails fast with one clear line when a setting is wrong (see :func:`load_settings`).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.answering.settings import MatchSettings

__all__ = ["DEFAULT_KNOWLEDGE_DIR", "ConfigError", "Settings", "StaffProfile", "load_settings",
           "require_telegram"]

DEFAULT_KNOWLEDGE_DIR = Path(__file__).resolve().parent.parent / "knowledge"
_MATCH_DEFAULTS = MatchSettings()


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message is one line for the operator."""


class MatchConfig(BaseModel):
    """Matching thresholds (``WEGWEISER_MATCH__ANSWER_THRESHOLD=0.6`` ...)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    semantic_floor: float = Field(_MATCH_DEFAULTS.semantic_floor, ge=0, lt=1)
    semantic_weight: float = Field(_MATCH_DEFAULTS.semantic_weight, ge=0)
    lexical_weight: float = Field(_MATCH_DEFAULTS.lexical_weight, ge=0)
    answer_offset: float = _MATCH_DEFAULTS.answer_offset
    top_k: int = Field(_MATCH_DEFAULTS.top_k, ge=1, le=20)
    centre: float = _MATCH_DEFAULTS.centre
    slope: float = Field(_MATCH_DEFAULTS.slope, gt=0)
    answer_threshold: float = Field(_MATCH_DEFAULTS.answer_threshold, ge=0, le=1)
    clarify_threshold: float = Field(_MATCH_DEFAULTS.clarify_threshold, ge=0, le=1)
    clarify_margin: float = Field(_MATCH_DEFAULTS.clarify_margin, ge=0, le=1)
    not_covered_margin: float = _MATCH_DEFAULTS.not_covered_margin
    emergency_similarity: float = Field(_MATCH_DEFAULTS.emergency_similarity, ge=0, le=1)
    legal_similarity: float = Field(_MATCH_DEFAULTS.legal_similarity, ge=0, le=1)
    guard_margin: float = _MATCH_DEFAULTS.guard_margin

    def to_match_settings(self) -> MatchSettings:
        """Return the core's frozen settings value."""
        return MatchSettings(**{f.name: getattr(self, f.name)
                                for f in dataclasses.fields(MatchSettings)})


class StaffProfile(BaseModel):
    """A KI staff member: who to mention for which languages and cities."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    user_id: int
    name: str
    username: str | None = None
    languages: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()


class Settings(BaseSettings):
    """Deployment settings. Every field can be set as ``WEGWEISER_<FIELD>``."""

    model_config = SettingsConfigDict(
        env_prefix="WEGWEISER_", env_nested_delimiter="__", frozen=True, extra="ignore"
    )

    knowledge_dir: Path = DEFAULT_KNOWLEDGE_DIR
    data_dir: Path = Path("data")
    default_city: Literal["krefeld", "essen"] | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    embedding_threads: int | None = Field(None, ge=1, le=64)
    embedding_instances: int = Field(2, ge=1, le=8)
    match: MatchConfig = MatchConfig()

    database_url: str | None = None
    cities: tuple[Literal["krefeld", "essen"], ...] = ("krefeld", "essen")
    telegram_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org/bot"
    staff_chat_id: int | None = None
    staff_profiles: tuple[StaffProfile, ...] = ()
    show_staff_names: bool = False
    office_hours: str | None = None
    reminder_minutes: int = Field(120, ge=1)
    retention_days: int = Field(90, ge=1)
    rate_limit_per_minute: int = Field(12, ge=1)
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    web_host: str = "127.0.0.1"
    web_port: int = Field(8080, ge=1, le=65535)
    web_secret: SecretStr | None = None  # signs console sessions; made and kept under data_dir
    web_secure_cookies: bool = True

    @property
    def cache_dir(self) -> Path:
        """Where derived data (the embedding cache) is kept."""
        return self.data_dir / "cache"

    @property
    def database(self) -> str:
        """The database URL: ``WEGWEISER_DATABASE_URL`` or a SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'wegweiser.db').resolve()}"


def load_settings(**overrides: object) -> Settings:
    """Read the settings from the environment, with explicit overrides (from the CLI).

    Raises:
        ConfigError: with one line naming the setting and what is wrong.
    """
    try:
        settings = Settings(**{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = "__".join(str(part) for part in first["loc"]).upper()
        raise ConfigError(f"setting WEGWEISER_{where}: {first['msg']}") from None
    if not settings.knowledge_dir.is_dir():
        raise ConfigError(
            f"setting WEGWEISER_KNOWLEDGE_DIR: the folder {settings.knowledge_dir} does not exist"
        )
    return settings


def require_telegram(settings: Settings) -> tuple[str, int]:
    """Return the bot token and staff chat id, or fail with one clear line.

    Raises:
        ConfigError: when either is missing.
    """
    if settings.telegram_token is None or not settings.telegram_token.get_secret_value():
        raise ConfigError("setting WEGWEISER_TELEGRAM_TOKEN is missing: create a bot with "
                          "@BotFather and set its token (see README)")
    if settings.staff_chat_id is None:
        raise ConfigError("setting WEGWEISER_STAFF_CHAT_ID is missing: the id of the staff "
                          "group (a negative number, see README)")
    return settings.telegram_token.get_secret_value(), settings.staff_chat_id
