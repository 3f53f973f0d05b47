"""Answers with citations on the demo data: from facts, from the contact timeline, by quoting evidence; "can't
find" with no citations when nothing matches; the optional model path with LangChain's fake chat models."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.errors import UnknownCustomer
from assistant.memory.answers import Answerer
from assistant.memory.facts import FactMemory
from assistant.memory.retrieval import Retriever
from assistant.memory.timeline import timeline
from assistant.store import Store
from ingest.pipeline import run_ingest

NOW = datetime(2026, 11, 20, 10, tzinfo=UTC)  # the demo's "now"
MARIA = "cust-maria-lopez"


@pytest.fixture(scope="module")
def demo(tmp_path_factory, embedder, demo_files):
    from assistant.settings import Settings

    interactions, customers = demo_files
    settings = Settings(store_dir=tmp_path_factory.mktemp("ask") / "store")
    store = Store(settings)
    memory = FactMemory(store, embedder, settings)
    run_ingest(store, embedder, settings, interactions, customers=customers, on_committed=memory.update)
    retriever = Retriever(store, embedder, settings)
    return store, retriever, memory, settings


@pytest.fixture(scope="module")
def answerer(demo):
    store, retriever, memory, settings = demo
    return Answerer(store, retriever, memory, settings)


def assert_cites_real_turns(store, customer_id, draft):
    assert draft.citations
    for sentence in draft.sentences:
        for cite in sentence.citations:
            interaction = store.interaction(customer_id, cite.interaction_id)
            assert interaction is not None, cite
            assert all(interaction.turn(t) is not None for t in cite.turn_ids), cite


def test_quotes_the_sentence_that_answers(demo, answerer):
    draft = answerer.ask(MARIA, "Where does Amy want to go to university?", now=NOW)
    assert draft.kind == "answer" and draft.metadata["route"] == "evidence"
    assert "Durham" in draft.text and draft.text.startswith("On 10 Nov 2026 (branch) Maria said:")
    assert any(c.interaction_id == "int-maria-05" and "6" in c.turn_ids for c in draft.citations)
    assert_cites_real_turns(demo[0], MARIA, draft)
    assert len(draft.text.split()) < 80  # the sentence, not a transcript dump


def test_declined_offers_come_from_facts(demo, answerer):
    draft = answerer.ask(MARIA, "Has she declined any offers?", now=NOW)
    assert draft.metadata["route"] == "facts" and "mortgage" in draft.text
    # the citation points at her own answer (turn 5), not at the agent's offer (turn 4)
    assert any(c.interaction_id == "int-maria-06" and c.turn_ids == ["5"] for c in draft.citations)
    [turn] = [t for t in demo[0].interactions(MARIA) if t.interaction_id == "int-maria-06"][0].turns[5:6]
    assert turn.speaker == "customer"
    assert_cites_real_turns(demo[0], MARIA, draft)


def test_products_include_the_customer_record(answerer):
    draft = answerer.ask(MARIA, "What products does she have?", now=NOW)
    assert "home insurance" in draft.text and "credit card" in draft.text


def test_last_contact_and_a_month(demo, answerer):
    last = answerer.ask(MARIA, "When did she last contact us?", now=NOW)
    assert last.metadata["route"] == "timeline" and "12 Nov 2026" in last.text
    assert [c.interaction_id for c in last.citations] == ["int-maria-06"]
    march = answerer.ask(MARIA, "What happened in March 2025?", now=NOW)
    assert {c.interaction_id for c in march.citations} == {"int-maria-01"}
    assert_cites_real_turns(demo[0], MARIA, march)


@pytest.mark.parametrize("question", [
    "What did she say about the Lisbon trip?",  # Miles's story, not Maria's
    "How is Biscuit recovering from surgery?",  # Chloe's dog
    "What is the capital of France?",
])
def test_says_it_cannot_find_and_cites_nothing(answerer, question):
    draft = answerer.ask(MARIA, question, now=NOW)
    assert draft.text == "I can't find anything about that in Maria's history."
    assert draft.citations == [] and draft.metadata["route"] == "none"


def test_timeline_has_one_line_per_contact_oldest_first(demo):
    store = demo[0]
    rows = timeline(store, MARIA, now=NOW)
    assert [r.interaction_id for r in rows][:2] == ["int-maria-01", "int-maria-02"] and len(rows) == 6
    date, channel, interaction_id, summary = rows[0]
    assert (date.date().isoformat(), channel) == ("2025-03-18", "voice")
    assert summary == "Credit card, duplicate transaction, refund (resolved)"
    assert timeline(store, MARIA, now=datetime(2025, 12, 31, tzinfo=UTC))[-1].interaction_id == "int-maria-03"


def test_unknown_customer_is_an_error(answerer):
    with pytest.raises(UnknownCustomer):
        answerer.ask("cust-nobody", "anything?", now=NOW)


def test_model_answer_keeps_only_cited_sentences(demo):
    store, retriever, memory, settings = demo
    llm = FakeListChatModel(responses=[
        "Amy wants to read history at Durham [int-maria-05#6]. She also likes sailing [int-maria-99#1]."])
    draft = Answerer(store, retriever, memory, settings, llm=llm).ask(MARIA, "What does Amy want to study?", now=NOW)
    assert draft.metadata["answerer"] == "llm" and "fallback" not in draft.metadata
    assert draft.text == "Amy wants to read history at Durham."
    assert [c.model_dump() for c in draft.citations] == [{"interaction_id": "int-maria-05", "turn_ids": ["6"]}]


def test_model_answer_without_valid_citations_falls_back(demo):
    store, retriever, memory, settings = demo
    llm = FakeListChatModel(responses=["Amy is studying medicine in Paris."])
    draft = Answerer(store, retriever, memory, settings, llm=llm).ask(
        MARIA, "Where does Amy want to go to university?", now=NOW)
    assert draft.metadata["answerer"] == "extractive" and "cited nothing" in draft.metadata["fallback"]
    assert "Durham" in draft.text


class _BrokenModel(FakeListChatModel):
    def _call(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise TimeoutError("model server did not answer")


def test_model_failure_falls_back_to_the_extractive_answer(demo):
    store, retriever, memory, settings = demo
    draft = Answerer(store, retriever, memory, settings, llm=_BrokenModel(responses=[""])).ask(
        MARIA, "Has she declined any offers?", now=NOW)
    assert draft.metadata["fallback"].startswith("TimeoutError") and "mortgage" in draft.text
