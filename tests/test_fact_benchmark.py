"""The fact-extraction benchmark: its labelled set is well-formed, its scoring arithmetic is right, and facts are
mapped to labels by the utterance's turn. The benchmark's own numbers are reported, not asserted."""

from __future__ import annotations

from collections import Counter

import pytest

from benchmarks.facts import (
    DATA,
    EVENTS,
    HELDOUT,
    ISSUES,
    LABELS,
    OFFERS,
    PREFS,
    RESPONSES,
    interaction_of,
    load_items,
    predict,
    score,
)


@pytest.fixture(scope="module")
def items() -> list[dict]:
    return load_items()


@pytest.mark.parametrize(("path", "sources", "least", "unlabelled"), [
    (DATA, ("demo", "insurance", "written"), dict.fromkeys(LABELS, 18), 30),
    (HELDOUT, ("written-heldout",), dict.fromkeys(LABELS, 18), 30),
    (OFFERS, ("written-offers-dev",), {"offer_response": 60}, 20),  # about offers: its negatives are service steps
    (PREFS, ("written-prefs-dev",), {"preference": 60}, 20),
    (EVENTS, ("written-events-dev",), {"event": 60}, 20),
    (ISSUES, ("written-issues-dev",), {"issue": 60}, 20),
], ids=["tuning", "heldout", "offers", "preferences", "events", "issues"])
def test_labelled_sets_are_well_formed(path, sources, least, unlabelled):
    items = load_items(path)
    assert len(items) >= 100
    assert len({i["id"] for i in items}) == len(items)
    for item in items:
        assert item["source"] in sources, item["id"]
        assert item["utterance"].strip(), item["id"]
        assert set(item["labels"]) <= set(LABELS) and len(set(item["labels"])) == len(item["labels"]), item["id"]
        assert all(t["speaker"] in ("agent", "customer") and t["text"].strip() for t in item["context"]), item["id"]
        if "offer_response" in item["labels"]:
            assert item["offer_response"] in RESPONSES, item["id"]
            assert any(t["speaker"] == "agent" for t in item["context"]), f"{item['id']}: an answer needs the offer"
        else:
            assert "offer_response" not in item, item["id"]
        interaction_of(item)  # valid as an Interaction
    positives = Counter(label for i in items for label in i["labels"])
    assert all(positives[label] >= n for label, n in least.items()), positives
    assert sum(1 for i in items if not i["labels"]) >= unlabelled


def test_scoring_arithmetic():
    gold = [
        {"id": "a", "labels": ["event"]},
        {"id": "b", "labels": ["event", "issue"]},
        {"id": "c", "labels": []},
        {"id": "d", "labels": ["offer_response"], "offer_response": "declined"},
        {"id": "e", "labels": ["offer_response"], "offer_response": "accepted"},
    ]
    predicted = {
        "a": {"labels": {"event"}, "offer_response": None},
        "b": {"labels": {"preference"}, "offer_response": None},
        "c": {"labels": {"event", "issue"}, "offer_response": None},
        "d": {"labels": {"offer_response"}, "offer_response": "declined"},
        "e": {"labels": {"offer_response"}, "offer_response": "pending"},
    }
    scores = score(gold, predicted)
    event = scores["per_label"]["event"]
    assert (event["support"], event["tp"], event["fp"], event["fn"]) == (2, 1, 1, 1)
    assert event["precision"] == pytest.approx(0.5) and event["recall"] == pytest.approx(0.5)
    assert event["false_positives"] == ["c"] and event["misses"] == ["b"]
    issue = scores["per_label"]["issue"]
    assert (issue["precision"], issue["recall"], issue["f1"]) == (0.0, 0.0, 0.0)
    preference = scores["per_label"]["preference"]
    assert preference["support"] == 0 and preference["fp"] == 1 and preference["precision"] == 0.0
    offers = scores["per_label"]["offer_response"]
    assert offers["precision"] == offers["recall"] == offers["f1"] == pytest.approx(1.0)
    assert (scores["status_total"], scores["status_correct"]) == (2, 1)
    assert scores["wrong_status"] == [("e", "accepted", "pending")]


def test_facts_count_only_when_they_cite_the_utterance(embedder):
    from assistant.memory.facts.extract import Extractor

    offer = {"speaker": "agent", "text": "Would you be interested in a mortgage review with us?"}
    items = [
        {"id": "t-event", "context": [], "utterance": "My daughter Amy has her exams next week.", "labels": []},
        {"id": "t-offer", "context": [offer], "utterance": "No thanks, we're not looking at a mortgage.",
         "labels": []},
        # The event is in the context, said by the customer before: it must not count for this utterance.
        {"id": "t-context", "context": [{"speaker": "customer", "text": "We're moving to Leeds in January."},
                                        {"speaker": "agent", "text": "Lovely."}],
         "utterance": "Thanks, that's all.", "labels": []},
    ]
    predictions, _ = predict(Extractor(embedder), items)
    assert "event" in predictions["t-event"]["labels"]
    assert predictions["t-offer"]["labels"] >= {"offer_response"}
    assert predictions["t-offer"]["offer_response"] == "declined"
    assert "event" not in predictions["t-context"]["labels"]
