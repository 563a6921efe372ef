"""One frozen Settings object from the environment (prefix ``WEGWEISER_``).

Start-up fails fast with one clear line when a setting is wrong (see :func:`load_settings`).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.answering.settings import MatchSettings

__all__ = ["DEFAULT_KNOWLEDGE_DIR", "ConfigError", "Settings", "load_settings"]

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
    match: MatchConfig = MatchConfig()

    @property
    def cache_dir(self) -> Path:
        """Where derived data (the embedding cache) is kept."""
        return self.data_dir / "cache"


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
