"""Shared fixtures: a small assistant on a fake embedder, and the real one on the real model."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering.assistant import Assistant
from bot.config import MatchConfig, Settings, load_settings
from bot.runtime import Runtime, build_runtime
from tests.fakes import FakeEmbedder

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REPOSITORY = Path(__file__).resolve().parent.parent


# The fake embedder's similarities are not e5's: unrelated texts sit lower, and the small
# knowledge base has only two phrasings per language, so the best phrasing alone decides.
FAKE_MATCH = MatchConfig(top_k=1)


@pytest.fixture
def small_settings(tmp_path: Path) -> Settings:
    """Settings for the small fixture knowledge base, with a throw-away data folder."""
    return load_settings(knowledge_dir=FIXTURES / "kb_small", data_dir=tmp_path / "data",
                         match=FAKE_MATCH)


@pytest.fixture
def small_assistant(small_settings: Settings) -> Assistant:
    """An assistant over the small fixture knowledge base with the fake embedder."""
    return build_runtime(small_settings, embedder=FakeEmbedder(), progress=None).assistant


@pytest.fixture(scope="session")
def real_runtime(tmp_path_factory: pytest.TempPathFactory) -> Runtime:
    """The real assistant: the repository's knowledge base and multilingual-e5-small."""
    data = tmp_path_factory.mktemp("data")
    settings = load_settings(knowledge_dir=REPOSITORY / "knowledge", data_dir=data)
    return build_runtime(settings, progress=None)


@pytest.fixture(scope="session")
def real_assistant(real_runtime: Runtime) -> Assistant:
    """The real assistant (built once per test session)."""
    return real_runtime.assistant
