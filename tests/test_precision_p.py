"""Precision, fifth round (issue 14): what set 2026-12-06-p's first run read wrong, in new wording. A one-off
("email's fine for this one", a yes to the engineer's slot) is no standing wish; "slowly" about how they are is no
pace; a bill's "due date" is no baby; "Done, ..." is a change made, not a promise; a loss "in the autumn" said in
October has happened."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import partial

import histories

NOW = datetime(2026, 11, 24, 9, tzinfo=UTC)
contact = partial(histories.contact, customer="ola")
assistant_with = histories.one_customer("ola", "Ola Brennan")


def _facts(a, kind: str):
    return [f for f in a.facts("ola", now=NOW) if f.kind == kind]


def test_a_channel_for_this_one_contact_is_no_standing_wish(assistant_with):
    a = assistant_with(contact("p1", "2026-05-19T14:00:00Z",
                               ("agent", "Someone will be in touch about the claim. Letter or email?"),
                               ("customer", "email's fine for this one, it's not the pension stuff")))
    assert not any("email" in f.attributes.get("wanted", []) for f in _facts(a, "preference")), \
        [f.text for f in _facts(a, "preference")]


def test_a_yes_to_the_slot_we_offered_is_no_best_time(assistant_with):
    a = assistant_with(contact("p2", "2026-04-02T10:00:00Z",
                               ("agent", "Lovely, the fitter will come on 14 April between 9 and 12."),
                               ("customer", "9 till 12 is fine, I'll stay in that morning")))
    assert not [f for f in _facts(a, "preference") if f.subject == "contact time"], \
        [f.text for f in _facts(a, "preference")]


def test_slowly_about_how_they_are_is_no_pace_of_speech(assistant_with):
    a = assistant_with(contact("p3", "2026-09-08T10:00:00Z", ("agent", "I'm sorry for your loss. How are you doing?"),
                               ("customer", "Oh, that's kind. Getting there, slowly.")))
    assert not [f for f in _facts(a, "preference") if f.subject == "call pace"]
    b = assistant_with(contact("p3", "2026-09-08T10:00:00Z", ("agent", "How can I help?"),
                               ("customer", "Could you talk a bit slower, the line's bad.")))
    assert [f for f in _facts(b, "preference") if f.subject == "call pace"]


def test_a_bills_due_date_is_no_baby(assistant_with):
    a = assistant_with(contact("p4", "2026-11-10T10:00:00Z",
                               ("customer", "You sent me a letter with my new due date so I know the post works.")))
    assert not [f for f in _facts(a, "life_event") if f.attributes.get("event") == "baby"]
    assert "baby" not in a.greeting("ola", now=NOW).text


def test_a_change_made_on_the_call_is_no_promise_to_chase(assistant_with):
    a = assistant_with(contact("p5", "2026-09-08T10:00:00Z", ("customer", "Can I move my payment date to the 3rd?"),
                               ("agent", "Done, your payment will be taken on the 3rd from next month.")))
    assert not _facts(a, "promise"), [f.text for f in _facts(a, "promise")]
    assert "overdue" not in " ".join(s.text for s in a.suggestions("ola", now=NOW))


def test_a_loss_in_a_season_not_yet_over_has_happened(assistant_with):
    a = assistant_with(contact("p6", "2026-10-20T10:00:00Z",
                               ("customer", "i lost my dad in the autumn and he had a savings account with you")))
    losses = [f for f in _facts(a, "life_event") if f.attributes.get("event") == "bereavement"]
    assert losses and all(f.status == "past" for f in losses), [(f.text, f.status) for f in losses]
    assert not any("coming up" in f.text for f in losses)


def test_no_call_in_a_story_is_no_wish_but_no_calls_please_is(assistant_with):
    a = assistant_with(contact("p7", "2026-11-12T10:00:00Z", ("customer", "the courier turned up 3 hours late, no "
                                                                         "call, nothing, and then he blamed me")))
    assert not [f for f in _facts(a, "preference") if "phone" in f.attributes.get("unwanted", [])]
    b = assistant_with(contact("p7", "2026-11-12T10:00:00Z", ("customer", "No calls please, email me instead.")))
    assert [f for f in _facts(b, "preference") if "phone" in f.attributes.get("unwanted", [])]


def test_a_wait_counted_from_an_event_gives_no_due_date(assistant_with):
    a = assistant_with(
        contact("p8", "2026-10-29T09:05:00Z",
                ("agent", "Subject: Your home move\n\nDear Ola,\n\nThanks for telling us about your move out of "
                          "Ashby Road on 14 November. Please send us meter readings for both homes on the day. Your "
                          "final bill for Ashby Road will follow within 2 weeks of your readings.\n\nBest wishes,\n"
                          "Moving Home Team"), channel="email"),
        contact("p9", "2026-11-15T10:00:00Z", ("customer", "Here are my closing readings, 40213 and 11872.")))
    now = datetime(2026, 11, 20, 10, tzinfo=UTC)
    promises = [f for f in a.facts("ola", now=now) if f.kind == "promise"]
    assert not any(f.status == "overdue" for f in promises), [(f.text, f.status) for f in promises]
    # two weeks from the e-mail would be 12 November: a date nobody gave
    assert not any(f.valid_to and f.valid_to.date() == date(2026, 11, 12) for f in promises), \
        [(f.text, f.valid_to) for f in promises]
    text = a.handover("ola", now=now).text + " ".join(s.text for s in a.suggestions("ola", now=now))
    assert "overdue" not in text and "12 November" not in text and "was due" not in text, text
