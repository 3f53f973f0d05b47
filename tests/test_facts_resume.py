"""A run stopped between an interaction's commit and its facts: the next ingest writes the missing facts."""

from __future__ import annotations

import json

import pytest

from assistant.facade import Assistant

CALLS = [
    {"interaction_id": "call-1", "customer_id": "c1", "channel": "voice", "started_at": "2026-03-02T10:00:00Z",
     "turns": [{"speaker": "customer", "text": "My daughter Amy has her exams next week, so it's a busy time."},
               {"speaker": "agent", "text": "Good luck to Amy. Shall I review your mortgage rate?"},
               {"speaker": "customer", "text": "No thanks, I'm not interested in a mortgage review."}]},
    {"interaction_id": "call-2", "customer_id": "c1", "channel": "chat", "started_at": "2026-03-05T10:00:00Z",
     "turns": [{"speaker": "customer", "text": "My card was blocked in Lisbon and I still can't pay."},
               {"speaker": "agent", "text": "I'll call you back on Friday once the fraud team has checked it."}]},
]


def facts_of(assistant: Assistant) -> set[tuple[str, str, str]]:
    return {(f.kind, f.subject, ",".join(c.interaction_id for c in f.citations))
            for f in assistant.facts("c1", now=None)}


def test_facts_missed_by_a_stopped_run_are_written_by_the_next_ingest(tmp_path, settings, embedder, monkeypatch):
    import ingest.pipeline as pipeline

    source = tmp_path / "calls.jsonl"
    source.write_text("".join(json.dumps(c) + "\n" for c in CALLS), encoding="utf-8")
    whole = Assistant(settings.model_copy(update={"store_dir": tmp_path / "whole"}), embedder=embedder)
    whole.ingest(source)
    expected = facts_of(whole)
    assert {kind for kind, _, _ in expected} >= {"life_event", "issue", "promise"}

    monkeypatch.setattr(pipeline, "FIRST_BATCH_CHUNKS", 1)
    monkeypatch.setattr(pipeline, "COMMIT_CHUNKS", 1)
    stopped = Assistant(settings, embedder=embedder)
    real_update = stopped.memory.update

    def stop_after_commit(interactions):  # call-1 is committed, then the run dies before its facts
        raise KeyboardInterrupt

    monkeypatch.setattr(stopped.memory, "update", stop_after_commit)
    with pytest.raises(KeyboardInterrupt):
        stopped.ingest(source)
    assert stopped.store.interaction_hashes(["call-1"]) and not stopped.store.facts("c1")

    monkeypatch.setattr(stopped.memory, "update", real_update)
    again = stopped.ingest(source)
    assert again.unchanged >= 1  # call-1 is not re-ingested, yet its facts arrive
    assert facts_of(stopped) == expected
    assert stopped.store.facts_pending() == []
