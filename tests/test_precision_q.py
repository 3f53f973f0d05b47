"""Precision, sixth round (issue 14): what sets 2026-12-06-p and -q read wrong after round five, in new wording.
An outcome listing several results speaks only for the products it names; a yes to "shall I send the details?"
is no yes to the product; a plain statement of what happens later is no offer; a denied trip is no trip; picking
one of the options we gave ("video would be easier") is no standing wish; a note in the customer's own diary is no
step of ours."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

import histories

NOW = datetime(2026, 11, 24, 9, tzinfo=UTC)
contact = partial(histories.contact, customer="rui")
assistant_with = histories.one_customer("rui", "Rui Tavares")


def _facts(a, kind: str):
    return [f for f in a.facts("rui", now=NOW) if f.kind == kind]


def test_an_outcome_listing_several_results_declines_only_what_it_names(assistant_with):
    a = assistant_with(contact(
        "q1", "2026-06-03T18:00:00Z",
        ("customer", "I'd like to drop the sports package, I never watch it now the season's over."),
        ("agent", "Done, the sports package is off from your next bill."),
        ("agent", "We could also give you a landline bundle with free evening calls for £3 a month. Interested?"),
        ("customer", "Hmm, I'll have a think about that one."),
        ("agent", "And a spare SIM for £5 a month, for the car?"),
        ("customer", "Nah, no need, thanks."),
        outcome="Sports package removed; landline bundle offered (customer thinking); spare SIM declined"))
    declined = [f for f in _facts(a, "offer") if f.status == "declined"]
    assert declined and all("sim" in f.subject.lower() for f in declined), [f.text for f in _facts(a, "offer")]
    assert not any("home and auto" in f.text for f in _facts(a, "offer"))


def test_yes_to_having_the_details_sent_is_no_yes_to_the_product(assistant_with):
    a = assistant_with(contact(
        "q2", "2026-02-10T10:00:00Z",
        ("agent", "We've got a three year fix and a tracker you can switch to with no fees, and I can post you the "
                  "figures so you can look them over with your son."),
        ("customer", "Yes please post it, I'd rather have it on paper.")))
    assert not [f for f in _facts(a, "offer") if f.status == "accepted"], [f.text for f in _facts(a, "offer")]
    assert not [f for f in _facts(a, "product") if f.status == "bought"]


def test_a_statement_of_what_happens_later_is_no_offer_accepted(assistant_with):
    a = assistant_with(contact(
        "q3", "2026-01-20T20:00:00Z",
        ("customer", "hi quick q, my apprentice account says it converts when i qualify? what does that mean"),
        ("agent", "Hi Rui! Apprentice accounts have no monthly fee. After you qualify we move you to Everyday "
                  "Current, which is also free if you pay your wages in."),
        ("customer", "ok cool. i qualify in june so i guess ill deal w it then")))
    assert not [f for f in _facts(a, "offer") if f.status == "accepted"], [f.text for f in _facts(a, "offer")]


def test_a_trip_the_customer_denies_is_no_trip(assistant_with):
    a = assistant_with(contact(
        "q4", "2026-03-05T08:00:00Z",
        ("customer", "There's a roaming charge on my bill. I was not abroad in February, I was at home in Derby "
                     "the whole month.")))
    assert not [f for f in _facts(a, "life_event") if f.attributes.get("event") in ("trip", "travel")], \
        [f.text for f in _facts(a, "life_event")]


def test_picking_one_of_the_ways_we_offered_is_no_standing_wish(assistant_with):
    a = assistant_with(contact(
        "q5", "2026-10-05T17:00:00Z",
        ("agent", "I'll send the form; you can bring it into a branch or we can go through it on a video call."),
        ("customer", "Video would be easier, my knee's bad at the moment.")))
    assert not any("video" in f.text.lower() for f in _facts(a, "preference")), \
        [f.text for f in _facts(a, "preference")]


def test_a_note_in_the_customers_own_diary_is_no_step_of_ours(assistant_with):
    a = assistant_with(contact(
        "q6", "2026-11-02T10:00:00Z",
        ("customer", "Please ring me when the engineer is on his way. And the damp patch by the door, put that down."),
        ("agent", "I've put that down. I'll ring you at 8 on the 9th myself, I've put it in my calendar.")))
    steps = [f for f in _facts(a, "action") if "put" in f.attributes.get("verb", "")]
    assert not steps, [f.text for f in _facts(a, "action")]
