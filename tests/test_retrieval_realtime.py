"""A single interaction ingested through the facade is visible at once to retrieve, facts and ask (the
one-second target itself is measured in benchmarks/retrieval.py, not asserted here)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from assistant.facade import Assistant

NOW = datetime(2026, 11, 20, 10, tzinfo=UTC)


def record(iid: str, when: datetime, text: str) -> dict:
    return {"interaction_id": iid, "customer_id": "cust-rt", "channel": "chat", "started_at": when.isoformat(),
            "turns": [{"speaker": "customer", "text": text},
                      {"speaker": "agent", "text": "Thanks for letting us know, I've noted that."}]}


def test_one_new_interaction_is_seen_by_retrieve_facts_and_ask(settings, embedder):
    assistant = Assistant(settings, embedder=embedder)
    assistant.ingest([record("rt-1", NOW - timedelta(days=30), "Can I check my savings balance please?")],
                     customers=[{"customer_id": "cust-rt", "name": "Robin Tate"}])
    # Warm every per-customer cache first, as a running app would have them.
    assert assistant.retrieve("cust-rt", "wedding", k=3) is not None
    before = assistant.facts("cust-rt", now=NOW)
    assistant.ask("cust-rt", "Is Robin getting married?", now=NOW)

    assistant.ingest([record("rt-2", NOW - timedelta(hours=1),
                             "Big news: I'm getting married to Sam on 17 April 2027 in Whitby.")])

    hits = assistant.retrieve("cust-rt", "When is Robin getting married?", k=3)
    assert hits[0].interaction_id == "rt-2"
    facts = assistant.facts("cust-rt", now=NOW)
    wedding = [f for f in facts if f.kind == "life_event" and f.attributes.get("event") == "wedding"]
    assert wedding and wedding[0].citations[0].interaction_id == "rt-2" and len(facts) > len(before)
    draft = assistant.ask("cust-rt", "When is Robin getting married?", now=NOW)
    assert any(c.interaction_id == "rt-2" for c in draft.citations)
    assistant.close()
