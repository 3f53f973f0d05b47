"""No answer, fact or evidence ever comes from another customer, whatever the question names: generated
customers with distinctive tokens, asked about each other's tokens; and the demo's adversarial pairs."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from assistant.memory.answers import Answerer
from assistant.memory.facts import FactMemory
from assistant.memory.retrieval import Retriever
from assistant.models import Customer, Interaction
from assistant.store import Store
from ingest.pipeline import run_ingest

NOW = datetime(2026, 11, 20, 10, tzinfo=UTC)
token = st.text(alphabet=string.ascii_lowercase, min_size=6, max_size=10).map(lambda s: "zq" + s)
TEMPLATES = [
    "My daughter {t} has her exams next week and I want to open a {u} savings pot.",
    "The payment to {t} was charged twice on my {u} card, can you refund it?",
    "We're moving to {t} in January, please update the {u} policy.",
    "I'd like to talk about my {t} account and the {u} transfer.",
]
world = st.lists(
    st.tuples(token, token, st.integers(0, len(TEMPLATES) - 1), st.integers(1, 3)),
    min_size=3, max_size=5, unique_by=lambda c: (c[0], c[1]),
).filter(lambda w: len({x for c in w for x in c[:2]}) == 2 * len(w))  # a token shared by two is no leak


def build(root, embedder, customers):  # type: ignore[no-untyped-def]
    from assistant.settings import Settings

    settings = Settings(store_dir=root, chunk_turns=2, chunk_overlap=1)
    store = Store(settings)
    memory = FactMemory(store, embedder, settings)
    records, people = [], []
    for n, (t, u, template, contacts) in enumerate(customers):
        cid = f"cust-{n}"
        people.append(Customer(customer_id=cid, name=f"Person {t.title()}"))
        for i in range(contacts):
            records.append(Interaction(
                interaction_id=f"{cid}-i{i}", customer_id=cid, channel="chat",
                started_at=NOW - timedelta(days=10 * (i + 1)),
                turns=[{"speaker": "customer", "text": TEMPLATES[(template + i) % len(TEMPLATES)].format(t=t, u=u)},
                       {"speaker": "agent", "text": f"Thanks, I have noted {t} and {u} on your file."}],
            ))
    run_ingest(store, embedder, settings, records, customers=people, on_committed=memory.update)
    retriever = Retriever(store, embedder, settings)
    return store, retriever, memory, Answerer(store, retriever, memory, settings)


def says(token: str, text: str) -> bool:
    """The token as a word: another customer's "zqaaaaaa" is not in this one's "zqaaaaaaaa"."""
    return re.search(rf"\b{re.escape(token)}\b", text) is not None


def owned(store: Store, customer_id: str) -> set[str]:
    return {i.interaction_id for i in store.interactions(customer_id)}


@hsettings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(customers=world)
def test_questions_naming_other_customers_never_reach_them(tmp_path_factory, embedder, customers):
    store, retriever, memory, answerer = build(tmp_path_factory.mktemp("iso") / "store", embedder, customers)
    ids = [f"cust-{n}" for n in range(len(customers))]
    for me in ids:
        mine = owned(store, me)
        for other, (t, u, _, _) in zip(ids, customers, strict=True):
            if other == me:
                continue
            for question in (f"What did she say about {t}?", f"{t} {u}"):
                for mode in ("hybrid", "dense", "bm25"):
                    hits = retriever.retrieve(me, question, k=20, mode=mode, now=NOW)
                    assert {h.interaction_id for h in hits} <= mine
                    assert not any(says(t, h.text) or says(u, h.text) for h in hits)
            draft = answerer.ask(me, f"Tell me about the {u} account and {t}", now=NOW)
            assert {c.interaction_id for c in draft.citations} <= mine
            assert not says(t, draft.text) and not says(u, draft.text)
        for fact in memory.facts(me, now=NOW, include_history=True):
            assert {c.interaction_id for c in fact.citations} <= mine


@pytest.fixture(scope="module")
def demo(tmp_path_factory, embedder, demo_files):
    from assistant.settings import Settings

    interactions, customers = demo_files
    settings = Settings(store_dir=tmp_path_factory.mktemp("iso-demo") / "store")
    store = Store(settings)
    memory = FactMemory(store, embedder, settings)
    run_ingest(store, embedder, settings, interactions, customers=customers, on_committed=memory.update)
    retriever = Retriever(store, embedder, settings)
    return store, retriever, Answerer(store, retriever, memory, settings)


# Each token belongs to one demo customer (assistant/demo/STORIES.md, "Good adversarial pairs").
ADVERSARIAL = {
    "cust-maria-lopez": ["Durham", "Pepa", "Amy uni"], "cust-miles-okafor": ["Lisbon", "ESC-58213", "4417"],
    "cust-priya-shah": ["Rohan", "Nottingham", "two-bed flat"], "cust-tom-becker": ["Octavia", "Keynsham", "Jess"],
    "cust-hannah-novak": ["burst pipe", "HC-4471"], "cust-jonas-berg": ["Forth Electronics", "DSP-30977", "Gothenburg"],
    "cust-grace-kim": ["Leo", "Ollie"], "cust-samuel-adeyemi": ["Roundhay", "Funmi"],
    "cust-eleanor-whitfield": ["New Zealand", "Ruby and Finn"], "cust-chloe-martin": ["Biscuit", "marathon"],
    "cust-fatima-haddad": ["Glasgow Royal Infirmary"], "cust-owen-price": ["Machynlleth", "CMP-20931", "Megan"],
}


@pytest.mark.parametrize("me", sorted(ADVERSARIAL))
def test_demo_customers_never_see_each_others_stories(demo, me):
    store, retriever, answerer = demo
    mine = owned(store, me)
    for other, tokens in ADVERSARIAL.items():
        if other == me:
            continue
        for t in tokens:
            hits = retriever.retrieve(me, f"What did the customer say about {t}?", k=10, now=NOW)
            assert {h.interaction_id for h in hits} <= mine
            # Whole words: Miles's agent Hollie is not Grace's son Ollie.
            assert not any(re.search(rf"\b{re.escape(t)}\b", h.text, re.I) for h in hits)
    draft = answerer.ask(me, "Tell me about Lisbon, Biscuit, Durham and the HC-4471 claim", now=NOW)
    assert {c.interaction_id for c in draft.citations} <= mine
