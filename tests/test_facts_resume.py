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


@pytest.fixture()
def source(tmp_path):
    path = tmp_path / "calls.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in CALLS), encoding="utf-8")
    return path


def ingested(settings, embedder, source) -> Assistant:
    assistant = Assistant(settings, embedder=embedder)
    assistant.ingest(source)
    return assistant


def facts_of(assistant: Assistant) -> set[tuple[str, str, str]]:
    return {(f.kind, f.subject, ",".join(c.interaction_id for c in f.citations))
            for f in assistant.facts("c1", now=None)}


def test_facts_missed_by_a_stopped_run_are_written_by_the_next_ingest(tmp_path, settings, embedder, source,
                                                                     monkeypatch):
    import ingest.pipeline as pipeline

    whole = ingested(settings.model_copy(update={"store_dir": tmp_path / "whole"}), embedder, source)
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


def test_facts_read_by_older_rules_are_flagged_and_refreshed(settings, embedder, source, monkeypatch):
    from typer.testing import CliRunner

    from assistant.cli import app
    from assistant.memory.facts.memory import READER_KEY

    assistant = ingested(settings, embedder, source)
    expected = facts_of(assistant)
    assert not assistant.facts_outdated()  # a new store is stamped with the rules that read it

    # An older release read these contacts and missed call-1's facts.
    assistant.store.set_meta(READER_KEY, "an-older-release")
    assistant.store.replace_facts("c1", "call-1", [])
    assert assistant.facts_outdated() and facts_of(assistant) != expected

    monkeypatch.setenv("RAPPORT_STORE_DIR", str(settings.store_dir))
    stats = CliRunner().invoke(app, ["stats"])
    assert "rapport refresh-facts" in stats.output
    refreshed = CliRunner().invoke(app, ["refresh-facts"])
    assert refreshed.exit_code == 0 and "facts read again for 2 interactions" in refreshed.output

    again = Assistant(settings, embedder=embedder)
    assert facts_of(again) == expected and not again.facts_outdated()
    assert "refresh-facts" not in CliRunner().invoke(app, ["stats"]).output


def test_a_store_from_before_reader_versions_counts_as_outdated(settings, embedder, source):
    assistant = ingested(settings, embedder, source)
    assistant.store._db.execute("DELETE FROM meta")  # noqa: SLF001 - as a store written before the stamp existed
    assert assistant.facts_outdated()
    assert assistant.refresh_facts() == 2 and not assistant.facts_outdated()
