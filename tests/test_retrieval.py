"""Customer-scoped hybrid retrieval: evidence fields, time questions, near-duplicates, modes, cache refresh,
and the LangChain adapter. Real embedding model, hand-made interactions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from assistant.memory.facts import FactMemory
from assistant.memory.langchain_retriever import CustomerRetriever
from assistant.memory.retrieval import Retriever
from assistant.models import Interaction
from assistant.store import Store
from ingest.pipeline import run_ingest

NOW = datetime(2026, 11, 20, 10, tzinfo=UTC)
DISCLAIMER = "This call may be recorded for quality and training purposes."


def chat(iid: str, cid: str, when: datetime, *lines: tuple[str, str], channel: str = "chat") -> Interaction:
    return Interaction(interaction_id=iid, customer_id=cid, channel=channel, started_at=when,
                       turns=[{"speaker": s, "text": t} for s, t in lines])


CONTACTS = [
    chat("a-1", "cust-a", datetime(2026, 3, 12, 9, tzinfo=UTC),
         ("agent", DISCLAIMER), ("customer", "There is a duplicate charge from Greenacre Garden Centre on my card."),
         ("agent", "I can see it, the refund is on its way."), ("customer", "Thanks, that's great."), channel="voice"),
    chat("a-2", "cust-a", datetime(2026, 9, 4, 19, tzinfo=UTC),
         ("customer", "My savings rate dropped this month, has it changed?"),
         ("agent", "Yes, the Easy Saver rate went from 3.10% to 2.85% on 1 September."),
         ("customer", "I'll leave it where it is for now.")),
    chat("a-3", "cust-a", datetime(2026, 11, 10, 11, tzinfo=UTC),
         ("agent", DISCLAIMER), ("customer", "My daughter Amy has her exams next week, she wants to study history."),
         ("agent", "Fingers crossed for her!"), ("customer", "I'd also like to open a savings pot for her."),
         ("agent", "Done, the pot is set up with £150 a month."), channel="voice"),
    chat("a-4", "cust-a", datetime(2026, 11, 16, 14, tzinfo=UTC),
         ("customer", "The new pot is not showing in the app."), ("agent", "Log out and back in and it will appear."),
         ("customer", "It's there now, thanks.")),
    chat("b-1", "cust-b", datetime(2026, 11, 15, 10, tzinfo=UTC),
         ("customer", "My debit card was blocked in Lisbon during a photo shoot."),
         ("agent", "I've raised escalation ESC-58213 with the card team.")),
]


@pytest.fixture(scope="module")
def world(tmp_path_factory, embedder):
    from assistant.settings import Settings

    settings = Settings(store_dir=tmp_path_factory.mktemp("retrieval") / "store", chunk_turns=2, chunk_overlap=1)
    store = Store(settings)
    memory = FactMemory(store, embedder, settings)
    run_ingest(store, embedder, settings, CONTACTS, on_committed=memory.update)
    return store, Retriever(store, embedder, settings), memory, settings


def test_evidence_carries_citation_fields(world):
    store, retriever, _, _ = world
    hits = retriever.retrieve("cust-a", "garden centre duplicate charge", k=3, now=NOW)
    assert hits[0].interaction_id == "a-1"
    top = hits[0]
    assert top.turn_ids and top.channel == "voice" and top.started_at.year == 2026 and top.score > 0
    stored = store.interaction("cust-a", "a-1")
    for turn_id in top.turn_ids:
        assert stored.turn(turn_id).text in top.text


@pytest.mark.parametrize("mode", ["dense", "bm25", "hybrid"])
def test_every_mode_finds_the_obvious_answer(world, mode):
    _, retriever, _, _ = world
    hits = retriever.retrieve("cust-a", "What is Amy studying?", k=3, mode=mode, now=NOW)
    assert any(h.interaction_id == "a-3" for h in hits)


def test_no_turn_is_shown_twice_and_repeated_disclaimers_collapse(world):
    _, retriever, _, _ = world
    hits = retriever.retrieve("cust-a", "call recorded for quality and training", k=20, now=NOW)
    shown = [(h.interaction_id, t) for h in hits for t in h.turn_ids]
    assert len(shown) == len(set(shown))
    assert sum(DISCLAIMER in h.text for h in hits) == 1


def test_what_happened_in_a_month_stays_in_that_month(world):
    _, retriever, _, _ = world
    hits = retriever.retrieve("cust-a", "What happened in March?", k=10, now=NOW)
    assert hits and {h.interaction_id for h in hits} == {"a-1"}
    assert retriever.retrieve("cust-a", "What happened in February?", now=NOW) == []


def test_last_call_is_the_most_recent_voice_contact(world):
    _, retriever, _, _ = world
    hits = retriever.retrieve("cust-a", "When did she last call?", k=3, now=NOW)
    assert hits[0].interaction_id == "a-3"
    hits = retriever.retrieve("cust-a", "When did she last contact us?", k=3, now=NOW)
    assert hits[0].interaction_id == "a-4"
    hits = retriever.retrieve("cust-a", "When did she first get in touch?", k=3, now=NOW)
    assert hits[0].interaction_id == "a-1"


def test_last_week_is_relative_to_now(world):
    _, retriever, _, _ = world
    hits = retriever.retrieve("cust-a", "What did she say last week?", k=5, now=NOW)
    assert {h.interaction_id for h in hits} == {"a-3"}  # 9-15 Nov 2026; a-4 (16 Nov) is this week
    later = retriever.retrieve("cust-a", "What did she say last week?", k=5, now=NOW + timedelta(days=7))
    assert {h.interaction_id for h in later} == {"a-4"}


def test_a_time_word_about_the_topic_does_not_hide_other_contacts(world):
    _, retriever, _, _ = world
    hits = retriever.retrieve("cust-a", "What did we say about the savings rate in November?", k=5, now=NOW)
    assert any(h.interaction_id == "a-2" for h in hits)  # September contact, still found


def test_unknown_customer_and_empty_query_give_nothing(world):
    _, retriever, _, _ = world
    assert retriever.retrieve("cust-nobody", "anything at all", now=NOW) == []
    assert retriever.retrieve("cust-a", "   ", now=NOW) == []


def test_index_is_rebuilt_when_the_customer_changes(world, embedder):
    store, retriever, memory, settings = world
    before = retriever.index("cust-b")
    assert retriever.index("cust-b") is before  # cached while nothing changes
    new = chat("b-2", "cust-b", NOW, ("customer", "Please send my replacement card to my studio in Hackney."))
    run_ingest(store, embedder, settings, [new], on_committed=memory.update)
    hits = retriever.retrieve("cust-b", "replacement card to the studio", k=2, now=NOW)
    assert hits[0].interaction_id == "b-2"
    assert retriever.index("cust-b") is not before


def test_langchain_adapter_returns_documents_for_one_customer(world):
    _, retriever, _, _ = world
    lc = CustomerRetriever(retriever=retriever, customer_id="cust-b", k=3, now=NOW)
    docs = lc.invoke("blocked card in Lisbon")
    assert docs and all(d.metadata["customer_id"] == "cust-b" for d in docs)
    meta = docs[0].metadata
    assert meta["interaction_id"] == "b-1" and meta["turn_ids"] and meta["channel"] == "chat"
    assert "started_at" in meta and "score" in meta and "Lisbon" in docs[0].page_content


def test_as_of_a_moment_later_contacts_are_not_evidence(world):
    _, retriever, _, _ = world
    before_pot = datetime(2026, 11, 1, tzinfo=UTC)
    assert any(h.interaction_id == "a-3" for h in retriever.retrieve("cust-a", "savings pot for Amy", now=NOW))
    earlier = retriever.retrieve("cust-a", "savings pot for Amy", k=20, now=before_pot)
    assert earlier and all(h.started_at <= before_pot for h in earlier)
    assert retriever.retrieve("cust-a", "savings pot for Amy", now=datetime(2025, 1, 1, tzinfo=UTC)) == []
