"""The rejects file holds the refused lines exactly as they were, so it can be fixed and ingested again; why each
was refused is in a reasons file beside it, which the loader never reads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assistant.cli import app, main
from assistant.errors import InputError
from assistant.store import Store
from ingest.pipeline import run_ingest


def interaction(iid: str, customer: str = "c1", **extra: Any) -> dict:
    return {"interaction_id": iid, "customer_id": customer, "channel": "chat", "started_at": "2025-03-01T10:00:00Z",
            "turns": [{"speaker": "customer", "text": f"A question about my policy, {iid}"},
                      {"speaker": "agent", "text": "Happy to help with that."}], **extra}


def line(record: dict) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode()


@pytest.fixture()
def store(settings):
    s = Store(settings)
    yield s
    s.close()


BAD_SPEAKER = interaction("i-2")
BAD_SPEAKER["turns"][1]["speaker"] = "robot"
BAD_TIME = interaction("i-3", started_at="yesterday")
LINES = [line(interaction("i-1")), line(BAD_SPEAKER), b'{"interaction_id": "i-4", "turns": [', line(BAD_TIME),
         "{\"interaction_id\": \"i-5\", \"customer_id\": \"c1\", \"note\": \"caf\xe9\"}".encode("latin-1"),
         line(interaction("i-6"))]


def test_the_cli_rejects_file_is_the_lines_as_they_were_and_ingests_once_fixed(tmp_path, settings, monkeypatch):
    monkeypatch.setenv("RAPPORT_STORE_DIR", str(settings.store_dir))
    source = tmp_path / "calls.jsonl"
    source.write_bytes(b"\n".join(LINES) + b"\n")

    first = CliRunner().invoke(app, ["ingest", str(source)])

    assert first.exit_code == 1, first.output
    rejects, reasons = tmp_path / "calls.jsonl.rejects.jsonl", tmp_path / "calls.jsonl.rejects.reasons.jsonl"
    assert str(rejects) in first.output and str(reasons) in first.output
    assert rejects.read_bytes() == b"\n".join(LINES[1:5]) + b"\n"  # byte for byte, the latin-1 line too
    why = [json.loads(x) for x in reasons.read_text(encoding="utf-8").splitlines()]
    assert [(w["file"], w["line"], w["field"], w["rejects_line"]) for w in why] == [
        (str(source), 2, "turns.1.speaker", 1), (str(source), 3, "<line>", 2), (str(source), 4, "started_at", 3),
        (str(source), 5, "<line>", 4)]
    assert "'robot'" in why[0]["reason"] and why[3]["reason"] == "not UTF-8 text"

    fixed = [line(interaction("i-2")), line(interaction("i-4")), line(interaction("i-3")), line(interaction("i-5"))]
    rejects.write_bytes(b"\n".join(fixed) + b"\n")  # what a person fixing the lines in an editor ends with
    reasons.write_text("this file is for people; the loader never reads it {", encoding="utf-8")

    again = CliRunner().invoke(app, ["ingest", str(rejects)])

    assert again.exit_code == 0, again.output
    assert "0 rejected" in again.output and not rejects.exists() and not reasons.exists()
    store = Store(settings)
    assert sorted(i.interaction_id for i in store.interactions("c1")) == [f"i-{n}" for n in range(1, 7)]
    store.close()


def test_a_partly_fixed_rejects_file_keeps_only_what_still_fails(tmp_path, settings, store, embedder):
    source = tmp_path / "calls.jsonl"
    source.write_bytes(b"\n".join([line(interaction("i-1")), line(BAD_SPEAKER), line(BAD_TIME)]) + b"\n")
    run_ingest(store, embedder, settings, source)
    rejects = tmp_path / "calls.jsonl.rejects.jsonl"
    rejects.write_bytes(line(interaction("i-2")) + b"\n" + line(BAD_TIME) + b"\n")  # only the speaker fixed

    report = run_ingest(store, embedder, settings, rejects)

    assert (report.ingested, report.rejected) == (1, 1)
    assert rejects.read_bytes() == line(BAD_TIME) + b"\n"
    [why] = [json.loads(x) for x in (tmp_path / "calls.jsonl.rejects.reasons.jsonl").read_text().splitlines()]
    assert (why["file"], why["line"], why["field"], why["rejects_line"]) == (str(rejects), 2, "started_at", 1)
    assert report.reasons_file == str(tmp_path / "calls.jsonl.rejects.reasons.jsonl")


def test_the_reasons_file_passed_by_mistake_is_refused_before_anything_is_written(tmp_path, settings, store,
                                                                                  embedder, monkeypatch, capsys):
    import sys

    source = tmp_path / "calls.jsonl"
    source.write_bytes(line(BAD_TIME) + b"\n")
    run_ingest(store, embedder, settings, source)
    reasons = tmp_path / "calls.jsonl.rejects.reasons.jsonl"
    good = tmp_path / "more.jsonl"
    good.write_bytes(line(interaction("i-9")) + b"\n")

    with pytest.raises(InputError, match=r"never ingested\. Fix the lines in calls\.jsonl\.rejects\.jsonl"):
        run_ingest(store, embedder, settings, [good, reasons])
    assert store.stats()["interactions"] == 0

    monkeypatch.setenv("RAPPORT_STORE_DIR", str(settings.store_dir))
    monkeypatch.setattr(sys, "argv", ["rapport", "ingest", str(reasons)])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert str(reasons) in err and "calls.jsonl.rejects.jsonl" in err


def test_csv_rejects_are_the_header_and_the_rows_as_they_were(tmp_path, settings, store, embedder):
    source = tmp_path / "export.csv"
    rows = ["conversation_id,timestamp,speaker,text,customer_id",
            "a,2025-04-01T10:00:00Z,customer,Hello,cust-1",
            'b,2025-04-02T09:00:00Z,customer,"Hi there, ""quoted""",cust-2',
            "b,2025-04-02T09:00:09Z,robot,Hello ,cust-2"]
    source.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")

    report = run_ingest(store, embedder, settings, source)

    assert (report.ingested, report.rejected) == (1, 1)
    rejects = tmp_path / "export.csv.rejects.csv"
    assert rejects.read_text(encoding="utf-8") == "\n".join([rows[0], rows[2], rows[3]]) + "\n"
    [why] = [json.loads(x) for x in (tmp_path / "export.csv.rejects.reasons.jsonl").read_text().splitlines()]
    assert (why["line"], why["field"], why["rejects_line"]) == (4, "speaker", 2)

    rejects.write_text(rejects.read_text(encoding="utf-8").replace("robot", "agent"), encoding="utf-8")
    fixed = run_ingest(store, embedder, settings, rejects)

    assert (fixed.ingested, fixed.rejected) == (1, 0) and not rejects.exists()
    assert [t.text for t in store.interaction("cust-2", "b").turns] == ['Hi there, "quoted"', "Hello"]


def test_a_csv_header_missing_a_column_puts_the_whole_file_in_the_rejects_file(tmp_path, settings, store, embedder):
    source = tmp_path / "export.csv"
    text = "conversation_id,timestamp,speaker,message\nx,2025-01-01T00:00:00Z,agent,Hi\n"
    source.write_text(text, encoding="utf-8")

    report = run_ingest(store, embedder, settings, source)

    assert report.rejected == 1 and (report.errors[0].line, report.errors[0].field) == (1, "text")
    rejects = tmp_path / "export.csv.rejects.csv"
    assert rejects.read_text(encoding="utf-8") == text
    rejects.write_text(text.replace("message", "text"), encoding="utf-8")
    assert run_ingest(store, embedder, settings, rejects).ingested == 1


def test_an_entry_from_the_old_wrapped_rejects_format_says_what_to_do(tmp_path, settings, store, embedder):
    old = tmp_path / "calls.jsonl.rejects.jsonl"
    old.write_text(json.dumps({"file": "calls.jsonl", "line": 2, "errors": [], "original": "{}"}) + "\n")
    report = run_ingest(store, embedder, settings, old)
    assert report.rejected == 1 and "replace the line with its 'original' text" in report.errors[0].reason
    assert Path(old).read_text().startswith('{"file"')  # kept as it was, to fix
