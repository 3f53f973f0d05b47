"""Small classifiers on the sentence embeddings memory already computes (MiniLM): logistic regression trained on
labelled sentences the team wrote (data/<name>.jsonl) by `python -m assistant.language.train`, shipped as weights
(data/<name>.npz). Reading them needs only numpy; a classifier trained for another embedding model is not used.

Where hand-written patterns do not generalise (is this reply a yes, a no or a maybe; is "I'll ..." a promise or
small talk), these decide, and the patterns stay for what is exact.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from importlib import resources

import numpy as np

NAMES = ("offer_replies", "commitments", "agent_offers", "life_events", "life_kinds", "fact_questions")


@dataclass(frozen=True)
class SentenceClassifier:
    name: str
    labels: tuple[str, ...]
    weights: np.ndarray  # (labels, dims); a binary model has one row
    bias: np.ndarray
    embedding_model: str

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """(texts, labels) probabilities for normalised sentence vectors."""
        logits = np.atleast_2d(vectors) @ self.weights.T + self.bias
        if len(self.labels) == 2 and logits.shape[1] == 1:
            p = 1.0 / (1.0 + np.exp(-logits[:, 0]))
            return np.stack([1.0 - p, p], axis=1)
        logits = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, vectors: np.ndarray) -> list[dict[str, float]]:
        return [dict(zip(self.labels, (float(x) for x in row), strict=True)) for row in self.probabilities(vectors)]


_LOADED: dict[tuple[str, str], SentenceClassifier | None] = {}
_LOCK = threading.Lock()


def load(name: str, embedding_model: str) -> SentenceClassifier | None:
    """The shipped classifier `name`, or None when it is missing or was trained on another embedding model."""
    key = (name, embedding_model)
    with _LOCK:
        if key not in _LOADED:
            _LOADED[key] = _read(name, embedding_model)
        return _LOADED[key]


def _read(name: str, embedding_model: str) -> SentenceClassifier | None:
    path = resources.files("assistant.language").joinpath(f"data/{name}.npz")
    if not path.is_file():
        return None
    with path.open("rb") as handle, np.load(handle, allow_pickle=False) as data:
        model = str(data["embedding_model"])
        if model != embedding_model:
            return None
        return SentenceClassifier(name=name, labels=tuple(str(x) for x in data["labels"]),
                                  weights=np.array(data["weights"], dtype=np.float32),
                                  bias=np.array(data["bias"], dtype=np.float32), embedding_model=model)
