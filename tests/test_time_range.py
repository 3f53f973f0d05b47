"""Times outside the accepted years (RAPPORT_EARLIEST_YEAR..RAPPORT_LATEST_YEAR) are refused where they come in:
a rejects-file line naming the field at ingest, a 422 over REST, a clear error for `now` and the CLI's --now.
Before this, '9999-12-31T23:59:59Z' was stored and then broke every later ingest (issue 16, item 1)."""

from __future__ import annotations

import json
import sys

import pytest
from rest_client import rest

from assistant.errors import InputError
from assistant.facade import Assistant

GOOD_TIME = "2026-03-02T10:00:00Z"


def call(iid: str, customer: str = "c1", started_at: str = GOOD_TIME, **extra) -> dict:
    return {"interaction_id": iid, "customer_id": customer, "channel": "chat", "started_at": started_at,
            "turns": [{"speaker": "customer", "text": "My exam is next week."},
                      {"speaker": "agent", "text": "Good luck with it."}], **extra}


def with_turn_time(record: dict, index: int, at: str) -> dict:
    record["turns"][index]["at"] = at
    return record


@pytest.fixture()
def assistant(settings, embedder):
    a = Assistant(settings, embedder=embedder)
    yield a
    a.close()


def test_out_of_range_times_are_rejected_naming_the_field_and_block_nothing(tmp_path, assistant):
    lines = [
        call("far-future", started_at="9999-12-31T23:59:59Z"),
        call("year-one", started_at="0001-01-01T00:00:00Z"),
        call("year-one-east", started_at="0001-01-01T00:00:00+14:00"),  # UTC would be year 0
        call("year-max-west", started_at="9999-12-31T23:59:59-14:00"),  # UTC would be year 10000
        call("late-end", ended_at="2200-01-01T00:00:00Z"),
        with_turn_time(call("old-turn"), 1, "1850-06-01T12:00:00Z"),
        call("east-edge", started_at="2026-03-02T23:59:00+14:00"),  # extreme offsets in range are fine
        call("west-edge", started_at="2026-03-02T00:00:00-14:00"),
    ]
    source = tmp_path / "calls.jsonl"
    source.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    customers = tmp_path / "customers.jsonl"
    customers.write_text(json.dumps({"customer_id": "c1", "name": "Ann Lee", "customer_since": "0001-01-01"}) + "\n")

    report = assistant.ingest(source, customers=customers)

    assert (report.ingested, report.rejected) == (2, 7)
    where = {(e.file.rsplit("/", 1)[-1], e.line, e.field) for e in report.errors}
    assert where == {("customers.jsonl", 1, "customer_since"), ("calls.jsonl", 1, "started_at"),
                     ("calls.jsonl", 2, "started_at"), ("calls.jsonl", 3, "started_at"),
                     ("calls.jsonl", 4, "started_at"), ("calls.jsonl", 5, "ended_at"),
                     ("calls.jsonl", 6, "turns.1.at")}
    assert all("outside the accepted years 1900-2100" in e.reason for e in report.errors)
    reasons = [json.loads(x) for x in (tmp_path / "calls.jsonl.rejects.reasons.jsonl").read_text().splitlines()]
    assert [r["field"] for r in reasons] == [
        "started_at", "started_at", "started_at", "started_at", "ended_at", "turns.1.at"]
    assert {i.interaction_id for i in assistant.interactions("c1")} == {"east-edge", "west-edge"}
    assert assistant.facts("c1") and assistant.greeting("c1").text  # nothing poisoned is stored
    assert assistant.ingest([call("next", customer="c2")]).ingested == 1  # and the next ingest works


def test_the_accepted_years_are_a_setting(settings, embedder):
    narrow = Assistant(settings.model_copy(update={"earliest_year": 2000, "latest_year": 2030}), embedder=embedder)
    report = narrow.ingest([call("old", started_at="1999-12-31T23:00:00Z"), call("fine")])
    assert (report.ingested, report.rejected) == (1, 1)
    assert report.errors[0].field == "started_at" and "2000-2030" in report.errors[0].reason
    with pytest.raises(InputError, match="now"):
        narrow.greeting("c1", now=narrow.interactions("c1")[0].started_at.replace(year=2031))


@pytest.mark.parametrize("now", ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00+14:00", "1800-01-01T00:00:00Z"])
def test_now_outside_the_accepted_years_is_a_clear_error(settings, assistant, now):
    from datetime import datetime

    assistant.ingest([call("fine")])
    with pytest.raises(InputError) as caught:
        assistant.facts("c1", now=datetime.fromisoformat(now.replace("Z", "+00:00")))
    assert caught.value.field == "now" and "outside the accepted years" in caught.value.reason

    with rest(settings, assistant) as api:
        for path in ("facts", "greeting", "handover", "suggestions"):
            response = api("GET", f"/api/customers/c1/{path}", params={"now": now})
            assert response.status_code == 422, (path, response.text)
            assert response.json()["detail"][0]["loc"] == ["query", "now"]
        asked = api("POST", "/api/customers/c1/ask", json={"question": "Any exams?", "now": now})
        assert asked.status_code == 422 and asked.json()["detail"][0]["loc"] == ["body", "now"]
        extreme = api("GET", "/api/customers/c1/greeting", params={"now": "2026-03-02T23:59:00+14:00"})
        assert extreme.status_code == 200


def test_rest_ingest_rejects_out_of_range_times_with_a_422_naming_the_field(settings, assistant):
    with rest(settings, assistant) as api:
        single = api("POST", "/api/interactions", "service", json=call("far", started_at="9999-12-31T23:59:59Z"))
        assert single.status_code == 422 and single.json()["detail"][0]["loc"] == ["body", "started_at"]
        batch = api("POST", "/api/interactions", "service", json=[
            call("ok"), call("east", started_at="0001-01-01T00:00:00+14:00"),
            with_turn_time(call("turn"), 0, "2101-01-01T00:00:00Z")])
        assert batch.status_code == 422
        assert [e["loc"] for e in batch.json()["detail"]] == [["body", 1, "started_at"], ["body", 2, "turns", 0, "at"]]
        assert "outside the accepted years" in batch.json()["detail"][0]["msg"]
        customer = api("POST", "/api/customers", "service",
                       json={"customer_id": "c9", "name": "Old Timer", "customer_since": "1066-10-14"})
        assert customer.status_code == 422 and customer.json()["detail"][0]["loc"] == ["body", "customer_since"]
    assert assistant.stats()["interactions"] == 0 and assistant.customers() == []


def test_cli_now_outside_the_accepted_years_is_a_clear_error(settings, assistant, monkeypatch, capsys):
    from assistant.cli import main

    assistant.ingest([call("fine")])
    monkeypatch.setenv("RAPPORT_STORE_DIR", str(settings.store_dir))
    for now in ("9999-12-31T23:59:59Z", "0001-01-01T00:00:00+14:00"):
        monkeypatch.setattr(sys, "argv", ["rapport", "greet", "c1", "--now", now])
        with pytest.raises(SystemExit) as exited:
            main()
        assert exited.value.code == 2
        assert "field 'now': outside the accepted years 1900-2100" in capsys.readouterr().err
