"""Turn windows, chunk ids and CSV format options, without a store or a model."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from assistant.errors import InputError
from assistant.models import Interaction
from assistant.store import StoredChunk, meta_pos
from ingest.chunking import chunk_interaction, chunk_text, window_starts
from ingest.loaders import CsvFormat, RawRecord
from ingest.validation import validate_interaction


@pytest.mark.parametrize(
    ("turns", "size", "overlap", "windows"),
    [
        (1, 4, 1, [(0, 1)]),
        (4, 4, 1, [(0, 4)]),
        (5, 4, 1, [(0, 4), (3, 5)]),
        (10, 4, 1, [(0, 4), (3, 7), (6, 10)]),
        (11, 4, 1, [(0, 4), (3, 7), (6, 10), (9, 11)]),
        (8, 4, 0, [(0, 4), (4, 8)]),
        (3, 2, 5, [(0, 2), (1, 3)]),  # overlap >= size still moves on by one turn
    ],
)
def test_windows_cover_every_turn_with_the_set_overlap(turns, size, overlap, windows):
    assert [(s, min(s + size, turns)) for s in window_starts(turns, size, overlap)] == windows


def test_chunk_ids_are_stable_and_carry_the_position():
    record = Interaction(
        interaction_id="call:7", customer_id="c1", channel="voice", started_at=datetime(2025, 1, 1, tzinfo=UTC),
        turns=[{"speaker": ("customer", "agent", "system")[i % 3], "text": f"t{i}"} for i in range(7)],
    )
    first, again = chunk_interaction(record, 4, 1), chunk_interaction(record, 4, 1)
    assert [c.chunk_id for c in first] == [c.chunk_id for c in again]
    assert first[1].chunk_id.startswith("call:7:1:") and len(first[1].chunk_id.rsplit(":", 1)[1]) == 12
    assert meta_pos(StoredChunk(first[1], np.zeros(1))) == 1
    assert chunk_text(record.turns[:3]) == "Customer: t0\nAgent: t1\nSystem: t2"


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
