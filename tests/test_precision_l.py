"""Precision, fourth round (issue 14): what set 2026-12-04-l's first run read wrong, in new wording. A plan called
off in a later contact ("the move's off now") ends the plan it names, even when the sentence reads like no event;
a called-off plan is never told in the past tense ("travelled")."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

import histories
import pytest

NOW = datetime(2026, 11, 24, 9, tzinfo=UTC)


contact = partial(histories.contact, customer="ola")


assistant_with = histories.one_customer("ola", "Ola Brennan")


@pytest.mark.parametrize("called_off", [
    "Oh and the move, scrap what I told you, the move's off now. We're staying put.",
    "The move's off, sadly, the sale fell through last week.",
])
def test_a_move_called_off_later_ends_the_plan(assistant_with, called_off):
    a = assistant_with(
        contact("m1", "2026-03-02T10:00:00Z", ("customer", "We're hoping to move to Bristol in the summer, how does "
                                                           "that work with the home insurance?"),
                ("agent", "You'd just update the address with us when you have a date.")),
        contact("m2", "2026-06-10T10:00:00Z", ("customer", "I'm ringing about the direct debit date."),
                ("customer", called_off), ("agent", "Thanks for letting us know.")))
    moves = [f for f in a.facts("ola", now=NOW) if f.kind == "life_event" and f.attributes.get("event") == "move"]
    assert moves and all(f.status == "cancelled" for f in moves), [(f.text, f.status) for f in moves]
    assert all("called off" in f.text for f in moves), [f.text for f in moves]
    greeting = a.greeting("ola", now=NOW).text
    assert "Bristol" not in greeting and "settling" not in greeting and "move" not in greeting.lower(), greeting


def test_a_trip_called_off_is_not_told_as_taken(assistant_with):
    a = assistant_with(contact("t1", "2026-11-10T10:00:00Z",
                               ("agent", "Will you need the card abroad over Christmas?"),
                               ("customer", "No, I'm not travelling this year, the trip to Lagos is off.")))
    trips = [f for f in a.facts("ola", now=NOW) if f.kind == "life_event" and f.attributes.get("event") == "travel"]
    assert not any("travelled" in f.text or "went" in f.text for f in trips), [f.text for f in trips]


def test_a_title_given_as_a_correction_is_the_form_of_address(assistant_with):
    a = assistant_with(contact("a1", "2026-11-20T10:00:00Z",
                               ("agent", "Thank you Ola, that's all matched."),
                               ("customer", "Mrs Brennan, please."),
                               ("agent", "Of course, sorry, Mrs Brennan. How can I help?"),
                               ("customer", "I'd like to know why my renewal went up.")))
    assert a.greeting("ola", now=NOW).text.startswith("Hello Mrs Brennan")


def test_what_never_came_and_a_question_are_no_wishes_to_keep(assistant_with):
    a = assistant_with(
        contact("w1", "2026-10-30T10:00:00Z", ("customer", "never got the letter to say mums card was closed"),
                ("agent", "Sorry about that, I'll send another."), channel="chat"),
        contact("w2", "2026-11-10T10:00:00Z", ("customer", "And the scratch on the door from your fitter, did that "
                                                           "go anywhere?"), ("agent", "Let me check.")))
    got = [s.text for s in a.suggestions("ola", now=NOW)]
    assert not any(s.startswith("Keep to") for s in got), got
    assert not [f for f in a.store.facts("ola") if f.kind == "preference" and "letter" in f.text.lower()]


def test_news_that_puts_a_pitch_off_is_not_pitched_before_then(assistant_with):
    a = assistant_with(contact("p1", "2026-11-12T10:00:00Z",
                               ("agent", "Would you like to hear about our home broadband?"),
                               ("customer", "We're moving into a house after the wedding in the spring so send me "
                                            "something about it in January, not before.")))
    got = [s.text for s in a.suggestions("ola", now=NOW)]
    assert not any("home insurance" in s for s in got), got
