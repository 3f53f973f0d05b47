"""Life events in everyday words: what is read, about whom, in which tense, and what the agent is offered to say."""

from __future__ import annotations

from datetime import timedelta

import pytest
from one_contact import CUSTOMER, MONDAY, one_contact


def _events(read_facts, said: str):  # type: ignore[no-untyped-def]
    return [f for f in read_facts(("customer", said)) if f.kind == "life_event"]


@pytest.mark.parametrize(("said", "event", "status"), [
    # The request after the event no longer outweighs it when the embedding check reads the sentence.
    ("We're getting married in Lisbon in the spring, can I open a savings pot for it?", "wedding", "upcoming"),
    ("We complete on the house next Thursday, so the deposit has to go across.", "move", "upcoming"),
    ("Our youngest starts reception in September so I'm going back to work.", "school", "upcoming"),
    ("Had a bit of a prang on the ring road this morning, nobody hurt but the bumper's gone.", "accident", "past"),
    ("My dad's been in intensive care since Friday so I'm all over the place.", "health", "ongoing"),
    ("I did a sponsored skydive for the hospice last month and want to pay in what I raised.", "challenge", "past"),
    ("I've just been told my job's going at Christmas.", "job_loss", "upcoming"),
    ("My grandad turns 90 on Sunday and we're having a party.", "birthday", "upcoming"),
    ("Picked up a new car on Saturday and it needs adding to the policy.", "new_car", "past"),
    ("We set off round Europe for three months in March, so email is best.", "travel", "upcoming"),
])
def test_everyday_wording_of_a_life_event(read_facts, said, event, status):
    [fact] = _events(read_facts, said)
    assert fact.attributes["event"] == event
    assert (fact.status == status) or (status == "ongoing" and fact.status in ("past", "ongoing"))


@pytest.mark.parametrize("said", [
    "My colleague is getting married in June and we're doing a collection for her.",
    "I had one accident in 2019 but it wasn't my fault.",
    "The job's going well, thanks for asking.",
    "I moved the money to my savings account yesterday.",
    "Does the policy cover a car that was written off?",
    "I was born and raised in Ohio.",
    "We keep a boat down there and use it whenever we go on holiday.",
])
def test_not_a_life_event_of_theirs(read_facts, said):
    assert not _events(read_facts, said)


def test_the_person_the_event_is_about(read_facts):
    [fact] = _events(read_facts, "My dad's been in intensive care since Friday.")
    assert fact.attributes["relation"] == "father"


def _assistant_after(settings, embedder, said):  # type: ignore[no-untyped-def]
    from assistant.facade import Assistant

    assistant = Assistant(settings, embedder=embedder)
    assistant.ingest([one_contact(("customer", said))])
    return assistant


def test_an_accident_is_asked_after_as_wellbeing_not_as_the_car(settings, embedder):
    assistant = _assistant_after(settings, embedder, "Had a bit of a prang in the new car yesterday, nobody hurt.")
    try:
        greeting = assistant.greeting(CUSTOMER, now=MONDAY + timedelta(days=2)).text
        assert "all right after the accident" in greeting
        assert "getting on with the" not in greeting
    finally:
        assistant.close()


def test_a_child_starting_school_is_wished_luck_before_and_asked_about_after(settings, embedder):
    assistant = _assistant_after(settings, embedder,
                                 "My daughter Ella starts reception on the 1st of December, she's so excited.")
    try:
        before = assistant.greeting(CUSTOMER, now=MONDAY + timedelta(days=3)).text
        after = assistant.greeting(CUSTOMER, now=MONDAY + timedelta(days=20)).text
        assert "Good luck to Ella starting school" in before
        assert "How is Ella getting on at school?" in after
    finally:
        assistant.close()


@pytest.mark.parametrize("said", ["My wife and I just had a baby girl.", "We just had a baby boy on Friday."])
def test_a_couple_s_new_baby_is_theirs_and_nobody_reads_as_born(read_facts, said):
    [fact] = _events(read_facts, said)
    assert fact.attributes["event"] == "baby" and fact.status == "past"
    assert fact.attributes.get("relation") is None
    assert "had a baby" in fact.text and "born" not in fact.text


def test_the_event_words_stay_on_the_lowercase_fast_path():
    """Conversation.matching runs a pattern without re.I over lowercased text when the pattern has no capitals;
    one capital anywhere in the joined event patterns (say a case-sensitive place name) loses that for all of them."""
    from assistant.memory.facts import life
    from assistant.memory.facts.base import _case_sensitive

    assert _case_sensitive(life._ANY_EVENT) is not None
