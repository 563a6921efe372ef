"""Embeddings of handed-off questions, kept for a while for the pages that group them (the
dashboard and the editors' suggestions)."""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.answering.embedder import Embedder

__all__ = ["EMBED_BATCH", "VECTORS", "QuestionVectors"]

EMBED_BATCH = 32  # the model is shared with the chat: let its questions in between


class QuestionVectors:
    """Embeddings of handed-off questions, kept for a while so that the dashboard does not
    embed the same questions on every visit (500 take about 4 s on two cores).

    Keyed by the model and a hash of the text (the text itself is not kept); entries expire
    after ``seconds`` so that texts deleted by retention do not live on here, and the oldest
    go first beyond ``size``. Thread-safe: it is used off the event loop.
    """

    def __init__(self, *, size: int = 2000, seconds: float = 6 * 3600,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._size = size
        self._seconds = seconds
        self._clock = clock
        self._vectors: OrderedDict[tuple[str, bytes], tuple[float, npt.NDArray[Any]]] = (
            OrderedDict())
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._vectors)

    def _expire(self, now: float) -> None:
        while self._vectors and (len(self._vectors) > self._size or
                                 next(iter(self._vectors.values()))[0] < now - self._seconds):
            self._vectors.popitem(last=False)

    def embed(self, embedder: Embedder, texts: Sequence[str]) -> npt.NDArray[Any]:
        """The query vectors of ``texts``; missing ones are embedded in small batches."""
        keys = [(embedder.name, hashlib.sha256(text.encode()).digest()) for text in texts]
        with self._lock:
            self._expire(self._clock())
            found = {key: self._vectors[key][1] for key in keys if key in self._vectors}
        missing = {key: text for key, text in zip(keys, texts, strict=True) if key not in found}
        pending = list(missing.items())
        for begin in range(0, len(pending), EMBED_BATCH):
            batch = pending[begin:begin + EMBED_BATCH]
            vectors = embedder.embed_queries([text for _, text in batch])
            found.update((key, vector) for (key, _), vector in zip(batch, vectors, strict=True))
        with self._lock:
            now = self._clock()
            for key in missing:  # re-inserted at the end: the dict stays in time order
                self._vectors.pop(key, None)
                self._vectors[key] = (now, found[key])
            self._expire(now)
        if not keys:
            return np.zeros((0, embedder.dim), dtype=np.float32)
        return np.stack([found[key] for key in keys])


VECTORS = QuestionVectors()
