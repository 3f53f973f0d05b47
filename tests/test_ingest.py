"""The ingest pipeline end to end with the real embedding model: bad input, idempotence, replacement, PII."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings

from assistant.errors import InputError
from assistant.models import Interaction
from assistant.settings import Settings
from assistant.store import Store
from ingest.loaders import CsvFormat
from ingest.pipeline import run_ingest

PII = {
    "card": "4111 1111 1111 1111",
    "card_compact": "4111111111111111",
    "email": "ann.lee@example.com",
    "phone": "+44 7700 900123",
    "phone_national": "07700 900123",
    "iban": "GB82 WEST 1234 5698 7654 32",
    "iban_compact": "GB82WEST12345698765432",
}


def interaction(iid: str, customer: str = "c1", turns: int = 6, word: str = "policy", **extra: Any) -> dict:
    speakers = ("customer", "agent")
    return {
        "interaction_id": iid, "customer_id": customer, "channel": "chat",
        "started_at": f"2025-03-{1 + int(iid.rsplit('-', 1)[-1]) % 28:02d}T10:00:00Z",
        "turns": [{"speaker": speakers[i % 2], "text": f"{word} question {i} about {iid}"} for i in range(turns)],
        **extra,
    }


def write_jsonl(path: Path, lines: list[Any]) -> Path:
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines), encoding="utf-8")
    return path


def collection(settings: Settings):  # the store's Chroma collection, opened independently of Store
    client = chromadb.PersistentClient(path=str(settings.store_dir / "chroma"),
                                       settings=ChromaSettings(anonymized_telemetry=False))
    return client.get_collection(settings.collection)


@pytest.fixture()
def store(settings: Settings):
    s = Store(settings)
    yield s
    s.close()


def test_schema_errors_name_file_line_and_field_and_good_lines_survive(tmp_path, settings, store, embedder):
    bad_speaker = interaction("i-2")
    bad_speaker["turns"][2]["speaker"] = "robot"
    bad_time = interaction("i-3", started_at="yesterday")
    no_customer = interaction("i-4")
    del no_customer["customer_id"]
    source = write_jsonl(tmp_path / "calls.jsonl", [
        interaction("i-1"), bad_speaker, '{"interaction_id": "i-9", "turns": [', bad_time, no_customer,
        "", "[1, 2]", interaction("i-5"),
    ])

    report = run_ingest(store, embedder, settings, source)

    assert (report.ingested, report.rejected) == (2, 5)
    where = {(e.line, e.field) for e in report.errors}
    assert where == {(2, "turns.2.speaker"), (3, "<line>"), (4, "started_at"), (5, "customer_id"), (7, "<line>")}
    assert all(e.file == str(source) for e in report.errors)
    by_line = {e.line: e for e in report.errors}
    assert "not an ISO-8601 time ('yesterday')" in by_line[4].reason
    assert "'robot'" in by_line[2].reason and "'customer'" in by_line[2].reason
    assert str(by_line[4]).startswith(f"{source} line 4: field 'started_at'")
    assert {i.interaction_id for i in store.interactions("c1")} == {"i-1", "i-5"}

    rejects = tmp_path / "calls.jsonl.rejects.jsonl"
    assert report.rejects_file == str(rejects)
    assert rejects.read_text().splitlines() == source.read_text().splitlines()[1:5] + ["[1, 2]"]
    reasons = [json.loads(line) for line in (tmp_path / "calls.jsonl.rejects.reasons.jsonl").read_text().splitlines()]
    assert [(r["line"], r["field"], r["rejects_line"]) for r in reasons] == [
        (2, "turns.2.speaker", 1), (3, "<line>", 2), (4, "started_at", 3), (5, "customer_id", 4), (7, "<line>", 5)]
    assert "rejected" in report.summary and "2 interactions" in report.summary


def test_fixed_rejects_file_is_ingested_and_cleared(tmp_path, settings, store, embedder):
    bad = interaction("i-2", started_at="not a date")
    source = write_jsonl(tmp_path / "calls.jsonl", [interaction("i-1"), bad])
    run_ingest(store, embedder, settings, source)
    rejects = tmp_path / "calls.jsonl.rejects.jsonl"
    rejects.write_text(rejects.read_text().replace("not a date", "2025-03-03T09:00:00Z"))

    report = run_ingest(store, embedder, settings, rejects)

    assert (report.ingested, report.rejected) == (1, 0)
    assert not rejects.exists() and not (tmp_path / "calls.jsonl.rejects.reasons.jsonl").exists()
    assert store.interaction("c1", "i-2") is not None


def test_clean_rerun_removes_stale_rejects_file(tmp_path, settings, store, embedder):
    source = write_jsonl(tmp_path / "calls.jsonl", [interaction("i-1"), "not json"])
    run_ingest(store, embedder, settings, source)
    write_jsonl(source, [interaction("i-1")])
    assert run_ingest(store, embedder, settings, source).rejects_file is None
    assert not (tmp_path / "calls.jsonl.rejects.jsonl").exists()
    assert not (tmp_path / "calls.jsonl.rejects.reasons.jsonl").exists()


def test_reingest_adds_nothing(tmp_path, settings, store, embedder, capsys):
    source = write_jsonl(tmp_path / "calls.jsonl", [interaction(f"i-{n}", turns=5 + n) for n in range(4)])
    first = run_ingest(store, embedder, settings, source, progress=True)
    assert "4/4" in capsys.readouterr().err  # the progress bar, on stderr
    ids = sorted(collection(settings).get(include=[])["ids"])

    again = run_ingest(store, embedder, settings, source)

    assert (first.ingested, first.unchanged) == (4, 0)
    assert (again.ingested, again.unchanged, again.chunks) == (0, 4, 0)
    assert sorted(collection(settings).get(include=[])["ids"]) == ids
    assert store.stats()["chunks"] == len(ids) == first.chunks


def test_changed_interaction_replaces_its_chunks(tmp_path, settings, store, embedder):
    source = write_jsonl(tmp_path / "calls.jsonl", [interaction("i-1", turns=10), interaction("i-2", turns=10)])
    run_ingest(store, embedder, settings, source)
    before = set(collection(settings).get(where={"interaction_id": "i-1"}, include=[])["ids"])
    untouched = set(collection(settings).get(where={"interaction_id": "i-2"}, include=[])["ids"])

    write_jsonl(source, [interaction("i-1", turns=4, word="claim"), interaction("i-2", turns=10)])
    report = run_ingest(store, embedder, settings, source)

    assert (report.ingested, report.unchanged) == (1, 1)
    after = collection(settings).get(where={"interaction_id": "i-1"}, include=["documents"])
    assert len(before) == 2 and len(after["ids"]) == 1 and not before & set(after["ids"])
    assert after["documents"][0].startswith("claim question 0")
    assert set(collection(settings).get(where={"interaction_id": "i-2"}, include=[])["ids"]) == untouched
    assert store.stats()["chunks"] == 1 + len(untouched)


def test_chunks_are_turn_windows_with_speakers_in_metadata(tmp_path, settings, store, embedder):
    run_ingest(store, embedder, settings, [interaction("i-7", turns=10)])
    chunks = [s.chunk for s in store.chunks("c1")]
    assert [c.turn_ids for c in chunks] == [["0", "1", "2", "3", "4", "5"], ["6", "7", "8", "9"]]
    assert chunks[0].text.splitlines()[:2] == ["policy question 0 about i-7", "policy question 1 about i-7"]
    assert chunks[1].chunk_id.startswith("i-7:1:") and chunks[1].speakers[:2] == ["customer", "agent"]
    assert chunks[0].channel == "chat" and chunks[0].started_at == datetime(2025, 3, 8, 10, tzinfo=UTC)


def test_pii_never_reaches_chroma_or_sqlite(tmp_path, settings, store, embedder):
    record = interaction("i-1")
    record["turns"][0]["text"] = f"my card is {PII['card']} and email {PII['email']}"
    record["turns"][1]["text"] = f"call {PII['phone']} or {PII['phone_national']}"
    record["turns"][2]["text"] = f"refund to {PII['iban']} or {PII['iban_compact']}, card {PII['card_compact']}"
    record["outcome"] = f"callback on {PII['phone_national']}"
    record["tags"] = [PII["email"]]
    record["metadata"] = {"crm_note": f"iban {PII['iban_compact']}", "deep": [{"mail": PII["email"]}]}
    committed: list[Interaction] = []

    run_ingest(store, embedder, settings, write_jsonl(tmp_path / "pii.jsonl", [record]), on_committed=committed.extend)
    store.close()

    got = collection(settings).get(include=["documents", "metadatas"])
    stored_text = json.dumps(got, ensure_ascii=False)
    assert "[CARD ••••1111]" in stored_text and "[PHONE ••••0123]" in stored_text and "[EMAIL]" in stored_text
    assert "[IBAN ••••5432]" in stored_text
    for value in PII.values():
        assert value not in stored_text
    for path in settings.store_dir.rglob("*"):  # the catalog, its WAL, Chroma's own files
        if path.is_file():
            data = path.read_bytes()
            for value in PII.values():
                assert value.encode() not in data, f"{value!r} found in {path}"
    assert PII["email"] not in committed[0].model_dump_json()  # memory gets the redacted record too


def test_in_memory_records_customers_and_on_committed(settings, store, embedder):
    batches: list[list[str]] = []
    customers = [{"customer_id": "c1", "name": "Ann Lee", "metadata": {"note": "card 4111111111111111"}}]
    records = [interaction("i-1"), Interaction.model_validate(interaction("i-2", customer="unknown-9"))]

    report = run_ingest(store, embedder, settings, records, customers=customers,
                        on_committed=lambda batch: batches.append([i.interaction_id for i in batch]))

    assert (report.ingested, report.customers, report.turns) == (2, 1, 12)
    assert sorted(i for b in batches for i in b) == ["i-1", "i-2"]
    assert store.customer("c1").metadata == {"note": "card [CARD ••••1111]"}
    assert [i.interaction_id for i in store.interactions("unknown-9")] == ["i-2"]  # unknown customer accepted
    assert report.turns_per_second > 0


def test_duplicate_interaction_id_first_wins_later_rejected(tmp_path, settings, store, embedder):
    source = write_jsonl(tmp_path / "calls.jsonl", [interaction("i-1"), interaction("i-1", word="claim")])
    report = run_ingest(store, embedder, settings, source)
    assert (report.ingested, report.rejected) == (1, 1)
    assert (report.errors[0].line, report.errors[0].field) == (2, "interaction_id")
    assert "first at" in report.errors[0].reason
    assert store.interaction("c1", "i-1").turns[0].text.startswith("policy")


def test_an_interaction_id_under_another_customer_is_rejected_and_the_owner_keeps_it(tmp_path, settings, store,
                                                                                     embedder):
    run_ingest(store, embedder, settings, [interaction("i-1", customer="c1")])
    source = write_jsonl(tmp_path / "calls.jsonl", [interaction("i-2", customer="c2"),
                                                    interaction("i-1", customer="c2", word="claim")])
    report = run_ingest(store, embedder, settings, source)
    assert (report.ingested, report.rejected) == (1, 1)
    assert (report.errors[0].line, report.errors[0].field) == (2, "interaction_id")
    assert "another customer" in report.errors[0].reason and "c1" not in report.errors[0].reason
    [entry] = [json.loads(x) for x in (tmp_path / "calls.jsonl.rejects.reasons.jsonl").read_text().splitlines()]
    assert entry["line"] == 2 and entry["field"] == "interaction_id"
    assert store.interaction("c1", "i-1").turns[0].text.startswith("policy")
    assert [i.interaction_id for i in store.interactions("c2")] == ["i-2"]
    assert len(store.chunks("c1")) == 1


def test_csv_export_grouped_by_conversation_with_own_column_names(tmp_path, settings, store, embedder):
    source = tmp_path / "export.csv"
    source.write_text(
        "ConvId,When,Who,Message,Client,Medium\n"
        "a,2025-04-01T10:00:05Z,Agent,How can I help?,cust-1,Phone\n"
        "b,2025-04-02T09:00:00Z,user,Hi there,cust-2,webchat\n"
        'a,2025-04-01T10:00:00Z,Customer,"Hello, my number is 07700 900123",cust-1,Phone\n'
        "b,2025-04-02T09:00:09Z,robot,Hello,cust-2,webchat\n"
        "c,2025-04-03T08:00:00Z,customer,Third one,,\n",
        encoding="utf-8",
    )
    fmt = CsvFormat(conversation_id="ConvId", timestamp="When", speaker="Who", text="Message",
                    customer_id="Client", channel="Medium", default_channel="email")

    report = run_ingest(store, embedder, settings, source, format=fmt)

    assert (report.ingested, report.rejected) == (2, 1)
    assert (report.errors[0].line, report.errors[0].field) == (5, "Who")  # the bad row, named by its column
    call = store.interaction("cust-1", "a")
    assert call.channel == "voice" and call.started_at == datetime(2025, 4, 1, 10, tzinfo=UTC)
    assert [t.speaker for t in call.turns] == ["customer", "agent"]  # put in time order
    assert call.turns[0].text == "Hello, my number is [PHONE ••••0123]"
    assert store.interaction("c", "c").channel == "email"  # no customer column value: its own customer
    rejects = (tmp_path / "export.csv.rejects.csv").read_text().splitlines()
    assert rejects[0].startswith("ConvId,When") and [r[:2] for r in rejects[1:]] == ["b,", "b,"]  # both rows of 'b'


def test_csv_format_from_a_string(tmp_path, settings, store, embedder):
    source = tmp_path / "export.csv"
    source.write_text("conv;ts;role;body\nz.1;2025-01-01T00:00:00Z;agent;Hi, there\n", encoding="utf-8")
    report = run_ingest(store, embedder, settings, source,
                        format="csv:conversation_id=conv,timestamp=ts,speaker=role,text=body,delimiter=;")
    assert report.ingested == 1 and store.interaction("z.1", "z.1").turns[0].text == "Hi, there"


def test_missing_csv_column_rejects_the_file(tmp_path, settings, store, embedder):
    source = tmp_path / "export.csv"
    source.write_text("conversation_id,timestamp,speaker\nx,2025-01-01T00:00:00Z,agent\n", encoding="utf-8")
    report = run_ingest(store, embedder, settings, source)
    assert report.rejected == 1 and (report.errors[0].line, report.errors[0].field) == (1, "text")


def test_missing_file_is_an_input_error_before_anything_is_written(tmp_path, settings, store, embedder):
    good = write_jsonl(tmp_path / "good.jsonl", [interaction("i-1")])
    with pytest.raises(InputError, match="no such file"):
        run_ingest(store, embedder, settings, [good, tmp_path / "missing.jsonl"])
    assert store.stats()["interactions"] == 0
    with pytest.raises(InputError, match="cannot tell the format"):
        run_ingest(store, embedder, settings, write_jsonl(tmp_path / "calls.txt", [interaction("i-1")]))


def test_chunk_settings_change_rechunks(tmp_path, settings, store, embedder):
    source = write_jsonl(tmp_path / "calls.jsonl", [interaction("i-1", turns=8)])
    run_ingest(store, embedder, settings, source)
    wider = settings.model_copy(update={"chunk_turns": 8, "chunk_overlap": 0})
    report = run_ingest(store, embedder, wider, source)
    assert report.ingested == 1 and store.stats()["chunks"] == 1


def test_fixed_csv_rejects_are_ingested_with_their_header(tmp_path, settings, store, embedder):
    source = tmp_path / "export.csv"
    source.write_text(
        "conversation_id,timestamp,speaker,text,customer_id\n"
        "a,2025-04-01T10:00:00Z,customer,Hello,cust-1\n"
        "b,2025-04-02T09:00:00Z,customer,Hi there,cust-2\n"
        "b,2025-04-02T09:00:09Z,robot,Hello,cust-2\n",
        encoding="utf-8",
    )
    run_ingest(store, embedder, settings, source)
    rejects = tmp_path / "export.csv.rejects.csv"
    rejects.write_text(rejects.read_text().replace("robot", "agent"))

    report = run_ingest(store, embedder, settings, rejects)

    assert (report.ingested, report.rejected) == (1, 0) and not rejects.exists()
    assert [t.speaker for t in store.interaction("cust-2", "b").turns] == ["customer", "agent"]


def test_unreadable_bytes_reject_only_their_line(tmp_path, settings, store, embedder):
    source = tmp_path / "calls.jsonl"
    source.write_bytes(json.dumps(interaction("i-1")).encode() + b"\n\xff\xfe broken\n"
                       + json.dumps(interaction("i-2")).encode() + b"\n")
    report = run_ingest(store, embedder, settings, source)
    assert report.ingested == 2 and [(e.line, e.field, e.reason) for e in report.errors] == [
        (2, "<line>", "not UTF-8 text")]


def test_many_small_batches_give_the_same_store_as_one(tmp_path, settings, embedder, monkeypatch):
    """The reader, embedder and writer overlap across batches; tiny batches exercise every hand-over."""
    import ingest.pipeline as pipeline

    records = [interaction(f"i-{n}", customer=f"c{n % 3}", turns=3 + n) for n in range(12)]
    records.insert(5, {"interaction_id": "broken"})  # a reject in the middle of the stream
    source = write_jsonl(tmp_path / "calls.jsonl", records)

    def ingest_with(first: int, size: int, folder: str) -> tuple[list[str], Any]:
        monkeypatch.setattr(pipeline, "FIRST_BATCH_CHUNKS", first)
        monkeypatch.setattr(pipeline, "COMMIT_CHUNKS", size)
        run_settings = settings.model_copy(update={"store_dir": tmp_path / folder})
        store = Store(run_settings)
        report = run_ingest(store, embedder, run_settings, source)
        ids = sorted(collection(run_settings).get(include=[])["ids"])
        store.close()
        return ids, report

    small_ids, small = ingest_with(1, 1, "small")
    big_ids, big = ingest_with(10_000, 10_000, "big")
    assert small_ids == big_ids and len(small_ids) == small.chunks == big.chunks
    assert (small.ingested, small.rejected) == (big.ingested, big.rejected) == (12, 1)


def test_a_failed_write_stops_the_run_and_keeps_what_was_committed(tmp_path, settings, store, embedder, monkeypatch):
    import ingest.pipeline as pipeline
    from assistant.errors import StoreUnavailable

    monkeypatch.setattr(pipeline, "FIRST_BATCH_CHUNKS", 1)
    monkeypatch.setattr(pipeline, "COMMIT_CHUNKS", 1)
    source = write_jsonl(tmp_path / "calls.jsonl", [interaction(f"i-{n}", turns=4) for n in range(8)])
    real_write, writes = store.write_chunks, []

    def failing_write(chunks, vectors):  # the fourth write finds the store gone
        writes.append(len(chunks))
        if len(writes) == 4:
            raise StoreUnavailable("disk full")
        real_write(chunks, vectors)

    monkeypatch.setattr(store, "write_chunks", failing_write)
    with pytest.raises(StoreUnavailable, match="disk full"):
        run_ingest(store, embedder, settings, source)
    committed = store.interaction_hashes([f"i-{n}" for n in range(8)])
    assert 1 <= len(committed) <= 3  # batches before the failure are committed; none after it

    monkeypatch.setattr(store, "write_chunks", real_write)
    again = run_ingest(store, embedder, settings, source)
    assert again.unchanged == len(committed) and again.ingested == 8 - len(committed)


class _OutOfOrderEmbedder:
    """The first call finishes after the second (embeddings overlap); the third call fails."""

    def __init__(self, real) -> None:
        self.real, self.name, self.dim, self.calls = real, real.name, real.dim, 0
        self._lock = threading.Lock()

    def embed_batch(self, texts):
        with self._lock:
            self.calls += 1
            call = self.calls
        if call == 1:
            time.sleep(0.5)
        if call == 3:
            raise RuntimeError("embedding runtime crashed")
        return self.real.embed_batch(texts)


def test_overlapping_embeddings_commit_in_read_order_and_a_failed_one_stops_the_run(
        tmp_path, settings, store, embedder, monkeypatch):
    import ingest.pipeline as pipeline

    monkeypatch.setattr(pipeline, "FIRST_BATCH_CHUNKS", 1)
    monkeypatch.setattr(pipeline, "COMMIT_CHUNKS", 1)
    source = write_jsonl(tmp_path / "calls.jsonl", [interaction(f"i-{n}", turns=4) for n in range(6)])
    committed: list[str] = []
    with pytest.raises(RuntimeError, match="crashed"):
        run_ingest(store, _OutOfOrderEmbedder(embedder), settings, source,
                   on_committed=lambda batch: committed.extend(i.interaction_id for i in batch))
    # i-1's vectors came first, yet i-0 is committed first; i-1's commit was under way and is reported
    assert committed == ["i-0", "i-1"]
    assert set(store.interaction_hashes([f"i-{n}" for n in range(6)])) == {"i-0", "i-1"}
