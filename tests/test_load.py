"""Load (issue 16, item 11): under concurrency ask spent its time encoding the same texts again and again: fifty
agents asking "what was the last contact about?" at once, or twin windows, each paid a full encode on two cores.
Work is counted, not timed (benchmarks/api_concurrency.py measures the latencies)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from assistant.embedding import VectorCache
from assistant.evaluation.fakes import HashingEmbedder


class CountingSlowEmbedder(HashingEmbedder):
    """Records every text it encodes; each call takes a little while, like a real model on a busy machine."""

    def __init__(self) -> None:
        super().__init__(dim=64)
        self.encoded: list[str] = []
        self._lock = threading.Lock()

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        time.sleep(0.2)
        with self._lock:
            self.encoded += texts
        return super().embed_batch(texts)


def test_concurrent_callers_encode_each_text_once():
    embedder = CountingSlowEmbedder()
    cache = VectorCache(embedder)
    question = "What was the last contact about?"
    start = threading.Barrier(8)

    def ask(n: int) -> np.ndarray:
        start.wait()
        return cache.embed([question, f"a sentence only caller {n} quotes"])

    with ThreadPoolExecutor(8) as pool:
        vectors = list(pool.map(ask, range(8)))
    assert embedder.encoded.count(question) == 1
    assert len(embedder.encoded) == 9
    reference = HashingEmbedder(dim=64).embed_batch([question])[0]
    assert all(np.allclose(v[0], reference) for v in vectors)


def test_a_failed_encode_is_raised_to_its_waiters_and_not_remembered():
    class Failing(CountingSlowEmbedder):
        fail = True

        def embed_batch(self, texts: list[str]) -> np.ndarray:
            if self.fail:
                time.sleep(0.2)
                raise RuntimeError("model gone")
            return super().embed_batch(texts)

    embedder = Failing()
    cache = VectorCache(embedder)
    start = threading.Barrier(2)

    def call() -> str:
        start.wait()
        try:
            cache.embed(["hello there"])
        except RuntimeError as exc:
            return str(exc)
        return "ok"

    with ThreadPoolExecutor(2) as pool:
        assert list(pool.map(lambda _: call(), range(2))) == ["model gone", "model gone"]
    embedder.fail = False
    assert cache.embed(["hello there"]).shape == (1, 64)
