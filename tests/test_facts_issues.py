"""Problems in everyday words: what makes one (and what is only a question about what would happen if), the
subject it gets when no product is named, and a death told in the past tense read as past."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from one_contact import CUSTOMER, one_contact


@pytest.fixture(scope="module")
def facts(read_facts):
    return lambda text: read_facts(("customer", text))


def issues(found) -> list[tuple[str, str]]:
    return [(f.subject, f.text) for f in found if f.kind == "issue"]


@pytest.mark.parametrize(("said", "subject"), [
    ("It's taken the money twice for the same order, £89.99 both times.", "duplicate payment"),
    ("Nobody ever rang me back. I was told someone would call within 48 hours.", "missed callback"),
    ("There's a payment to some company in Malta I've never heard of, £240 on Sunday night.",
     "unrecognised payment"),
    ("My wages haven't gone in and they left work on Friday.", "missing payment"),
    ("I think I've been scammed. A man rang saying he was from your fraud team.", "fraud"),
    ("I can't afford this month's mortgage payment, my hours have been cut right back.", "payment difficulty"),
    ("The woman I spoke to yesterday was incredibly rude and put the phone down on me.", "complaint"),
])
def test_problems_in_everyday_words(facts, said, subject):
    assert issues(facts(said)) == [(subject, subject[:1].upper() + subject[1:])]


@pytest.mark.parametrize("said", [
    "What would happen if my card got stolen while I was abroad?",
    "What's the process if I want to make a complaint?",
    "I'd prefer nobody called before ten, I work nights.",
    "I've had so many scam texts that I don't trust any of them.",
    "Never heard of it, it must be a small town.",
])
def test_what_ifs_and_look_alikes_are_no_problem(facts, said):
    assert issues(facts(said)) == []


def test_a_death_told_in_the_past_is_past(facts):
    [event] = [f for f in facts("My husband died in August and letters keep coming addressed to him.")
               if f.kind == "life_event"]
    assert event.status == "past" and event.valid_from.year == 2026 and "funeral" not in event.text.lower()


@pytest.mark.parametrize(("said", "event"), [
    ("We lost Dad in March and the solicitor says I need to sort out his accounts.", "bereavement"),
    ("I've handed my notice in, new place starts on the 3rd.", "new_job"),
    ("We've just got the keys to our first place, first-time buyers at last!", "move"),
    ("We had a little boy on Tuesday! Sorry, I'm running on two hours' sleep.", "baby"),
    ("It's Patel now, we tied the knot in June.", "wedding"),
    ("I'm signed off with stress at the moment, which is why I missed your call.", "health"),
])
def test_life_events_in_everyday_words(facts, said, event):
    assert [f.attributes["event"] for f in facts(said) if f.kind == "life_event"] == [event]


@pytest.mark.parametrize("said", [
    "If I ever retire, would I be able to take the whole pension as a lump sum?",
    "Does the policy cover maternity leave at all?",
    "Went to a wedding at the weekend, one of the lads from my old work, great do.",
    "Is there a bereavement line I can pass on to families? I'm a funeral director.",
    "My neighbour's daughter has her exams next week, she revises at ours.",
    "A friend of my cousin is getting divorced and asked whether joint accounts get frozen.",
])
def test_what_ifs_cover_questions_and_other_peoples_events_are_no_event(facts, said):
    assert [f for f in facts(said) if f.kind == "life_event"] == []


def test_a_relatives_illness_is_asked_about_as_theirs(embedder, settings):
    from assistant.facade import Assistant

    assistant = Assistant(settings, embedder=embedder)
    stroke = ("customer", "My dad's had a stroke and I've now got power of attorney for his money.")
    assistant.ingest([one_contact(stroke)], customers=[{"customer_id": CUSTOMER, "name": "Sam Hill"}])
    later = datetime(2026, 11, 20, 10, tzinfo=UTC)
    greeting = assistant.greeting(CUSTOMER, now=later).text
    assert "your father is recovering" in greeting and "you are recovering" not in greeting
    assert any("Sam's father's" in s.text for s in assistant.suggestions(CUSTOMER, now=later))
    assistant.close()


def test_a_separation_is_the_customers_own_and_is_never_asked_about(embedder, settings):
    from assistant.facade import Assistant

    assistant = Assistant(settings, embedder=embedder)
    said = ("customer", "My wife and I have separated, so I'd like to talk about taking her off the joint account.")
    assistant.ingest([one_contact(said)], customers=[{"customer_id": CUSTOMER, "name": "Sam Hill"}])
    later = datetime(2026, 11, 20, 10, tzinfo=UTC)
    [event] = [f for f in assistant.facts(CUSTOMER, now=later) if f.kind == "life_event"]
    assert event.attributes["event"] == "separation" and not event.attributes.get("relation")
    greeting = assistant.greeting(CUSTOMER, now=later).text
    assert "as smoothly as they can" in greeting and "?" not in greeting
    texts = [s.text for s in assistant.suggestions(CUSTOMER, now=later)]
    assert any(t.startswith("Be mindful of Sam's separation") for t in texts)
    assert not any(t.startswith("Ask about") for t in texts)
    assistant.close()
