"""A contact whose facts cannot be read is quarantined, not retried by every later ingest: it blocks nobody, its
reason is kept in the store (across restarts), `rapport stats` and GET /api/facts/status list it, and it is read
again only on request (`rapport refresh-facts --quarantined`). Before this, one such contact stopped every ingest
of every customer, for good (issue 16, item 1)."""

from __future__ import annotations

import pytest
from rest_client import rest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.facade import Assistant

POISON = "poison"


class FailingReader:
    """The real fact reader, except that it fails on any contact that says 'poison', as a reader bug would
    (the real one raised OverflowError on a far-future date). Counts the contacts it was asked to read."""

    def __init__(self, real) -> None:  # type: ignore[no-untyped-def]
        self.real, self.reader, self.asked = real, real.reader, []

    def extract(self, interactions, prior=None):  # type: ignore[no-untyped-def]
        self.asked += [i.interaction_id for i in interactions]
        if any(POISON in t.text for i in interactions for t in i.turns):
            raise OverflowError("date value out of range")
        return self.real.extract(interactions, prior)


def call(iid: str, customer: str, text: str, day: int = 2) -> dict:
    return {"interaction_id": iid, "customer_id": customer, "channel": "chat",
            "started_at": f"2026-03-{day:02d}T10:00:00Z",
            "turns": [{"speaker": "customer", "text": text},
                      {"speaker": "agent", "text": "I'll call you back on Friday."}]}


def with_failing_reader(settings, embedder) -> tuple[Assistant, FailingReader]:
    assistant = Assistant(settings, embedder=embedder)
    fake = FailingReader(assistant.memory.extractor)
    assistant.memory.extractor = fake
    return assistant, fake


@pytest.fixture()
def poisoned(settings, embedder):
    """A store holding one contact whose facts the reader cannot read, stored in a batch with a good one."""
    assistant, fake = with_failing_reader(settings, embedder)
    report = assistant.ingest([call("good-1", "ann", "My daughter Amy has her exams next week."),
                               call("bad-1", "bob", f"My card was blocked. {POISON}")])
    yield assistant, fake, report
    assistant.close()


def test_a_contact_whose_facts_fail_is_quarantined_and_blocks_nobody(poisoned, settings, embedder):
    assistant, fake, report = poisoned
    assert report.ingested == 2  # the ingest itself succeeds
    assert {f.kind for f in assistant.facts("ann")} >= {"life_event"}  # its batch-mate got its facts
    [held] = assistant.facts_quarantined()
    assert (held.interaction_id, held.customer_id) == ("bad-1", "bob")
    assert held.reason == "OverflowError: date value out of range"

    fake.asked.clear()
    assert assistant.ingest([call("good-2", "cy", "We're moving house next month.")]).ingested == 1
    assert fake.asked == ["good-2"]  # catch-up skips the quarantined contact
    assert {f.kind for f in assistant.facts("cy")} >= {"life_event"}

    restarted, fake = with_failing_reader(settings, embedder)  # the quarantine is in the store
    assert [q.interaction_id for q in restarted.facts_quarantined()] == ["bad-1"]
    assert restarted.ingest([call("good-3", "dee", "My son starts university next week.")]).ingested == 1
    assert fake.asked == ["good-3"]
    assert restarted.refresh_facts() == 3 and "bad-1" not in fake.asked  # a plain refresh leaves it alone
    assert [q.interaction_id for q in restarted.facts_quarantined()] == ["bad-1"]

    fake.asked.clear()
    assert restarted.refresh_facts(quarantined=True) == 1  # still failing: asked once, quarantined again
    assert fake.asked == ["bad-1"] and [q.interaction_id for q in restarted.facts_quarantined()] == ["bad-1"]
    restarted.close()


def test_a_poisoned_store_recovers_without_hand_editing(poisoned, settings, monkeypatch):
    assistant, _, _ = poisoned
    monkeypatch.setenv("RAPPORT_STORE_DIR", str(settings.store_dir))
    runner = CliRunner()

    stats = runner.invoke(app, ["stats"])
    assert stats.exit_code == 0
    assert "1 contact quarantined" in stats.output and "rapport refresh-facts --quarantined" in stats.output
    assert "bad-1" in stats.output and "OverflowError: date value out of range" in stats.output
    assert runner.invoke(app, ["stats", "--json"]).output.count('"interaction_id": "bad-1"') == 1

    # A fixed reader (the CLI's is the real one) reads it on request, and the quarantine is lifted.
    retried = runner.invoke(app, ["refresh-facts", "--quarantined"])
    assert retried.exit_code == 0, retried.output
    assert "facts read again for 1 quarantined interaction" in retried.output
    fresh = Assistant(assistant.settings, embedder=assistant.embedder)
    assert fresh.facts_quarantined() == [] and fresh.facts("bob")
    assert "quarantined" not in runner.invoke(app, ["stats"]).output


def test_rest_lists_quarantined_contacts_and_retries_them_on_request(poisoned, settings):
    assistant, fake, _ = poisoned
    with rest(settings, assistant) as api:
        more = api("POST", "/api/interactions", "service", json=call("good-2", "cy", "We're moving house soon."))
        assert more.status_code == 201  # other customers' ingests keep working
        status = api("GET", "/api/facts/status", "service").json()
        assert status["quarantined"] == [{"interaction_id": "bad-1", "customer_id": "bob",
                                          "reason": "OverflowError: date value out of range",
                                          "since": status["quarantined"][0]["since"]}]
        fake.asked.clear()
        assert api("POST", "/api/facts/refresh", "service").json()["quarantined"][0]["interaction_id"] == "bad-1"
        assert "bad-1" not in fake.asked
        assistant.memory.extractor = fake.real  # the reader is fixed
        retried = api("POST", "/api/facts/refresh", "service", params={"quarantined": "true"}).json()
        assert (retried["refreshed"], retried["quarantined"]) == (1, [])
        assert assistant.facts("bob")


def test_a_changed_contact_leaves_the_quarantine_and_is_read_again(poisoned):
    assistant, fake, _ = poisoned
    fixed = call("bad-1", "bob", "My card was blocked in Lisbon.")
    assert assistant.ingest([fixed]).ingested == 1
    assert assistant.facts_quarantined() == [] and {f.kind for f in assistant.facts("bob")} >= {"issue"}
