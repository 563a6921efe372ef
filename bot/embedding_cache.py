"""An on-disk cache of text embeddings, keyed by a hash of model, prefix kind and text.

Every text is cached on its own, so after an editor changes one entry only that entry's
texts are embedded again; a restart embeds nothing. The cache is one ``.npz`` file per
model, written atomically (temporary file, then rename), so a crash never leaves a
half-written cache behind.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Literal

import numpy as np

from bot.answering.embedder import Embedder, Vectors

__all__ = ["CachedEmbedder", "Kind", "ProgressFactory"]

logger = logging.getLogger(__name__)

Kind = Literal["query", "passage"]
# Called with the number of texts to embed; returns a callback advanced by batch sizes.
ProgressFactory = Callable[[int], Callable[[int], None]]
BATCH_SIZE = 32


def _key(model: str, kind: Kind, text: str) -> str:
    return hashlib.sha1(f"{model}\x00{kind}\x00{text}".encode(), usedforsecurity=False).hexdigest()


class CachedEmbedder:
    """Wraps an :class:`Embedder` with a persistent per-text cache.

    Args:
        embedder: the model that computes missing vectors.
        folder: where the cache file lives; None keeps the cache in memory only.
        progress: called before a long embedding run, for a progress bar.
    """

    def __init__(
        self,
        embedder: Embedder,
        folder: Path | None,
        progress: ProgressFactory | None = None,
    ) -> None:
        self.embedder = embedder
        self.name = embedder.name
        self.dim = embedder.dim
        self._progress = progress
        safe_name = "".join(ch if ch.isalnum() else "-" for ch in embedder.name)
        self._file = folder / f"embeddings-{safe_name}.npz" if folder else None
        self._vectors: dict[str, Vectors] = {}
        self._dirty = False
        self.computed = 0
        self._load()

    def _load(self) -> None:
        if self._file is None or not self._file.is_file():
            return
        try:
            with np.load(self._file, allow_pickle=False) as data:
                keys, vectors = data["keys"], data["vectors"]
        except (OSError, ValueError, KeyError) as exc:
            logger.warning("ignoring unreadable embedding cache %s: %s", self._file, exc)
            return
        if vectors.ndim != 2 or vectors.shape[1] != self.dim:
            logger.warning("ignoring embedding cache %s of another dimension", self._file)
            return
        self._vectors = {str(k): v for k, v in zip(keys.tolist(), vectors, strict=True)}

    def __len__(self) -> int:
        return len(self._vectors)

    def embed(self, texts: Sequence[str], kind: Kind) -> Vectors:
        """Return vectors for ``texts``, computing and caching the ones not seen before."""
        keys = [_key(self.name, kind, text) for text in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self._vectors))
        if missing:
            by_key = dict(zip(keys, texts, strict=True))
            self._compute([by_key[k] for k in missing], missing, kind)
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vectors[k] for k in keys]).astype(np.float32, copy=False)

    def _compute(self, texts: list[str], keys: list[str], kind: Kind) -> None:
        advance = self._progress(len(texts)) if self._progress and len(texts) > BATCH_SIZE else None
        embed = self.embedder.embed_queries if kind == "query" else self.embedder.embed_passages
        starts = range(0, len(texts), BATCH_SIZE)
        # An embedder with several model instances embeds batches in parallel.
        workers = max(1, int(getattr(self.embedder, "parallelism", 1)))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for start, vectors in zip(
                starts, pool.map(lambda s: embed(texts[s : s + BATCH_SIZE]), starts), strict=True
            ):
                for key, vector in zip(keys[start : start + BATCH_SIZE], vectors, strict=True):
                    self._vectors[key] = vector
                if advance is not None:
                    advance(len(vectors))
        self.computed += len(texts)
        self._dirty = True

    def save(self) -> None:
        """Write the cache to disk if anything new was computed."""
        if self._file is None or not self._dirty:
            return
        self._file.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(self._vectors), dtype="U40")
        vectors = (
            np.stack(list(self._vectors.values()))
            if self._vectors
            else np.zeros((0, self.dim), dtype=np.float32)
        )
        handle, tmp_name = tempfile.mkstemp(dir=self._file.parent, suffix=".npz.tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                np.savez(out, keys=keys, vectors=vectors)
            Path(tmp_name).replace(self._file)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        self._dirty = False
