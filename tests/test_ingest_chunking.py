"""Turn windows, chunk ids and CSV format options, without a store or a model."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from assistant.errors import InputError
from assistant.models import Interaction
from assistant.store import StoredChunk, meta_pos
from ingest.chunking import chunk_interaction, chunk_text, windows
from ingest.loaders import CsvFormat, RawRecord
from ingest.validation import validate_interaction


@pytest.mark.parametrize(
    ("turns", "size", "overlap", "expected"),
    [
        (1, 4, 1, [(0, 1)]),
        (4, 4, 1, [(0, 4)]),
        (5, 4, 1, [(0, 4), (3, 5)]),
        (10, 4, 1, [(0, 4), (3, 7), (6, 10)]),
        (11, 4, 1, [(0, 4), (3, 7), (6, 10), (9, 11)]),
        (8, 4, 0, [(0, 4), (4, 8)]),
        (13, 6, 0, [(0, 6), (6, 12), (12, 13)]),
        (3, 2, 5, [(0, 2), (1, 3)]),  # overlap >= size still moves on by one turn
    ],
)
def test_windows_cover_every_turn_with_the_set_overlap(turns, size, overlap, expected):
    assert windows([3] * turns, size, overlap, max_words=1000) == expected


def test_the_word_cap_closes_windows_early_and_a_long_turn_stands_alone():
    # 50 + 50 + 80 > 150 closes the first window; the 400-word turn gets one of its own.
    assert windows([50, 50, 80, 400, 10, 10], 6, 0, max_words=150) == [(0, 2), (2, 3), (3, 4), (4, 6)]
    # With overlap, a window that could add no new turn under the cap gives up the overlap instead.
    assert windows([50, 50, 80], 6, 1, max_words=120) == [(0, 2), (2, 3)]


def test_every_turn_is_in_a_window_whatever_the_shape():
    import random

    rng = random.Random(7)
    for _ in range(300):
        counts = [rng.randint(1, 120) for _ in range(rng.randint(1, 30))]
        size, overlap, cap = rng.randint(1, 8), rng.randint(0, 3), rng.randint(20, 300)
        got = windows(counts, size, overlap, cap)
        assert {i for s, e in got for i in range(s, e)} == set(range(len(counts)))
        assert all(e - s <= size for s, e in got)
        assert all(sum(counts[s:e]) <= cap or e - s == 1 for s, e in got)
        assert all(b[0] > a[0] and b[1] > a[1] for a, b in zip(got, got[1:], strict=False))


def test_chunk_ids_are_stable_and_carry_the_position():
    record = Interaction(
        interaction_id="call:7", customer_id="c1", channel="voice", started_at=datetime(2025, 1, 1, tzinfo=UTC),
        turns=[{"speaker": ("customer", "agent", "system")[i % 3], "text": f"t{i}"} for i in range(7)],
    )
    first, again = chunk_interaction(record, 4, 1), chunk_interaction(record, 4, 1)
    assert [c.chunk_id for c in first] == [c.chunk_id for c in again]
    assert first[1].chunk_id.startswith("call:7:1:") and len(first[1].chunk_id.rsplit(":", 1)[1]) == 12
    assert meta_pos(StoredChunk(first[1], np.zeros(1))) == 1
    assert chunk_text(record.turns[:3]) == "t0\nt1\nt2"  # speakers live in metadata, not in the vector
    assert first[0].speakers == ["customer", "agent", "system", "customer"]


def test_field_paths_name_the_nested_field():
    payload = {"interaction_id": "x", "customer_id": "c", "channel": "fax", "started_at": "2025-01-01T00:00:00Z",
               "turns": [{"speaker": "agent", "text": "hi"}, {"speaker": "agent", "text": ""}], "colour": "red"}
    errors = validate_interaction(RawRecord("f.jsonl", 9, payload=payload))
    assert {(e.file, e.line, e.field) for e in errors} == {
        ("f.jsonl", 9, "channel"), ("f.jsonl", 9, "turns.1.text"), ("f.jsonl", 9, "colour")}
    assert {e.field: e.reason for e in errors}["colour"] == "unknown field"


def test_duplicate_turn_ids_are_named():
    payload = {"interaction_id": "x", "customer_id": "c", "channel": "chat", "started_at": "2025-01-01T00:00:00Z",
               "turns": [{"speaker": "agent", "text": "a", "turn_id": "1"}, {"speaker": "agent", "text": "b",
                                                                             "turn_id": "1"}]}
    [error] = validate_interaction(RawRecord("f.jsonl", 1, payload=payload))
    assert error.field == "turns" and "duplicate turn_id '1'" in error.reason


def test_csv_format_options():
    fmt = CsvFormat.parse("csv:conversation_id=Conv,customer_id=,default_channel=voice")
    assert (fmt.conversation_id, fmt.customer_id, fmt.default_channel, fmt.text) == ("Conv", None, "voice", "text")
    with pytest.raises(InputError, match="unknown CSV option 'colour=red'"):
        CsvFormat.parse("csv:colour=red")


def test_read_ahead_keeps_order_raises_in_place_and_stops_with_the_consumer():
    from ingest.pipeline import _read_ahead

    assert list(_read_ahead(iter(range(50)))) == list(range(50))

    def failing():
        yield 1
        yield 2
        raise ValueError("line 3 is broken")

    got = []
    with pytest.raises(ValueError, match="line 3"):
        for item in _read_ahead(failing()):
            got.append(item)
    assert got == [1, 2]

    pulled = []

    def endless():
        n = 0
        while True:
            pulled.append(n)
            yield n
            n += 1

    for item in _read_ahead(endless(), depth=2):
        if item == 3:
            break
    assert len(pulled) <= 3 + 2 + 2  # read at most `depth` (+ the one in hand) past where the consumer stopped


def test_read_ahead_does_not_hang_when_the_consumer_fails_after_the_reader_finished():
    """A short file: the reader is done and the queue full when the first embed fails; the failure must surface."""
    import threading
    import time

    from ingest.pipeline import _read_ahead

    finished = threading.Event()

    def short():
        yield from range(3)  # one in hand, two queued: the end marker has no room
        finished.set()

    def consume() -> None:
        for _ in _read_ahead(short(), depth=2):
            time.sleep(0.2)  # the reader fills the queue and reaches its end meanwhile
            raise RuntimeError("Chroma write failed")

    outcome: list[BaseException] = []
    worker = threading.Thread(target=lambda: outcome.extend(_raised(consume)), daemon=True)
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), "ingest hung after a failure"
    assert [type(e) for e in outcome] == [RuntimeError]


def _raised(fn) -> list[BaseException]:  # type: ignore[no-untyped-def]
    try:
        fn()
    except BaseException as exc:  # noqa: BLE001
        return [exc]
    return []


class CountingEmbedder:
    """A fake: vectors from the text's length, and a record of what it was asked to embed."""

    name, dim = "counting", 2

    def __init__(self) -> None:
        self.asked: list[list[str]] = []

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        self.asked.append(list(texts))
        return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)


def test_vector_cache_embeds_each_text_once_and_forgets_the_oldest():
    from assistant.embedding import VectorCache

    fake = CountingEmbedder()
    cache = VectorCache(fake, size=3)
    first = cache.embed(["aa", "b", "aa"])
    assert first[:, 0].tolist() == [2, 1, 2] and fake.asked == [["aa", "b"]]
    again = cache.embed(["b", "ccc", "aa"])
    assert again[:, 0].tolist() == [1, 3, 2] and fake.asked[-1] == ["ccc"]
    cache.embed(["dddd"])  # over size 3: "b", the least recently used, goes
    cache.embed(["b", "aa"])
    assert fake.asked[-1] == ["b"]
    assert cache.embed([]).shape == (0, 2)


@pytest.mark.parametrize("module", ["ingest.loaders", "ingest.validation", "ingest.pipeline"])
def test_each_ingest_module_imports_on_its_own(module):
    """As benchmarks/ingest.py does: `import assistant` (through assistant.errors) must not come back for ingest."""
    import subprocess
    import sys

    subprocess.run([sys.executable, "-c", f"import {module}"], check=True, capture_output=True, timeout=120)
