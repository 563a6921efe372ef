"""Fakes for tests: a deterministic embedder and a recorded terminal dialogue.

The fake embedder hashes folded words (and their 4-letter prefixes) into a small vector, so
texts sharing words are similar and the decision logic can be tested without the model.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from bot.answering.embedder import Vectors
from bot.answering.normalise import tokens

__all__ = ["FakeEmbedder", "verify_dialog"]


class FakeEmbedder:
    """Bag-of-hashed-words vectors, L2-normalised; counts how many texts it embedded."""

    name = "fake-hashing-embedder-v1"

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.calls = 0
        self.texts_embedded = 0

    def _vector(self, text: str) -> Vectors:
        vector = np.zeros(self.dim, dtype=np.float32)
        for word in tokens(text):
            for feature in (word, word[:4]):
                digest = hashlib.sha1(feature.encode(), usedforsecurity=False).digest()
                vector[digest[0] % self.dim] += 1.0 if feature == word else 0.5
        # A constant component keeps unrelated texts at a realistic, non-zero similarity.
        vector += 0.35
        return vector / float(np.linalg.norm(vector))

    def _embed(self, texts: Sequence[str]) -> Vectors:
        self.calls += 1
        self.texts_embedded += len(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts])

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """Embed questions."""
        return self._embed(texts)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        """Embed answers (the fake makes no difference between the two)."""
        return self._embed(texts)


def verify_dialog(session: object, dialog: Sequence[tuple[str, str]]) -> None:
    """Check that each typed line gets a reply containing the expected text.

    ``session`` has a ``handle(line) -> str | None`` method (the terminal chat session).
    """
    for typed, expected in dialog:
        reply = session.handle(typed)  # type: ignore[attr-defined]
        assert reply is not None, f"the conversation ended after {typed!r}"
        assert expected in reply, f"after {typed!r} expected {expected!r} in:\n{reply}"
