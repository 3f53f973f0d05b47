"""Customer and interaction ids follow one safe pattern (models.ID_PATTERN): an id with `/` (unreachable over REST)
is refused where it comes in, naming the field: a rejects-file line at ingest, a 422 over REST."""

from __future__ import annotations

import json
import re

import pytest
from pydantic import ValidationError
from rest_client import rest

from assistant.facade import Assistant
from assistant.models import ID_PATTERN, Customer, Interaction
from tests.conftest import REPO


def call(iid: str, customer: str = "c1") -> dict:
    return {"interaction_id": iid, "customer_id": customer, "channel": "chat", "started_at": "2026-03-02T10:00:00Z",
            "turns": [{"speaker": "customer", "text": "My card was declined."}]}


@pytest.fixture()
def assistant(settings, embedder):
    a = Assistant(settings, embedder=embedder)
    yield a
    a.close()


@pytest.mark.parametrize("bad", ["a/b", "../etc", "-lead", "", "x" * 129, "sp ace", "a?b", "a#b", "é"])
def test_unsafe_ids_are_refused_by_the_models(bad):
    with pytest.raises(ValidationError) as caught:
        Interaction.model_validate(call("ok-1", customer=bad))
    assert caught.value.errors()[0]["loc"] == ("customer_id",)
    with pytest.raises(ValidationError) as caught:
        Interaction.model_validate(call(bad))
    assert caught.value.errors()[0]["loc"] == ("interaction_id",)
    with pytest.raises(ValidationError):
        Customer.model_validate({"customer_id": bad, "name": "Ann Lee"})


@pytest.mark.parametrize("good", ["cust-maria-lopez", "int-maria-01", "C1", "crm:4711", "a.b_c-d", "x" * 128])
def test_safe_ids_are_accepted(good):
    assert Interaction.model_validate(call(good, customer=good)).customer_id == good


def test_every_shipped_id_fits_the_pattern():
    ids = set()
    for path in [*REPO.glob("assistant/demo/*.jsonl"), *REPO.glob("tests/data/*.jsonl"),
                 *REPO.glob("evaluation/**/*.jsonl"), *REPO.glob("evaluation/**/*.json")]:
        ids |= set(re.findall(r'"(?:customer_id|interaction_id)": *"([^"]*)"', path.read_text(encoding="utf-8")))
    for path in REPO.glob("evaluation/**/*.yaml"):
        ids |= set(re.findall(r"(?:customer_id|interaction_id): *['\"]?([^\s,'\"}]+)", path.read_text("utf-8")))
    assert len(ids) > 300
    assert [i for i in ids if not re.fullmatch(ID_PATTERN, i)] == []


def test_ingest_writes_a_rejects_line_naming_the_field(tmp_path, assistant):
    source = tmp_path / "calls.jsonl"
    source.write_text("".join(json.dumps(x) + "\n" for x in [call("ok-1"), call("bad", customer="team/c1"),
                                                               call("x/y")]), encoding="utf-8")
    report = assistant.ingest(source)
    assert (report.ingested, report.rejected) == (1, 2)
    assert {(e.line, e.field) for e in report.errors} == {(2, "customer_id"), (3, "interaction_id")}
    reasons = [json.loads(x) for x in (tmp_path / "calls.jsonl.rejects.reasons.jsonl").read_text().splitlines()]
    assert [r["field"] for r in reasons] == ["customer_id", "interaction_id"]


def test_rest_refuses_an_id_with_a_slash_with_a_422_naming_the_field(settings, assistant):
    with rest(settings, assistant) as api:
        response = api("POST", "/api/interactions", "service", json=call("ok-1", customer="a/b"))
        assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "customer_id"]
        customer = api("POST", "/api/customers", "service", json={"customer_id": "a/b", "name": "Ann Lee"})
        assert customer.status_code == 422 and customer.json()["detail"][0]["loc"] == ["body", "customer_id"]
    assert assistant.stats()["interactions"] == 0
