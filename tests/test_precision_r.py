"""Precision, seventh round: what the blind reviews of sets 2026-12-07-r and -s found wrong, in new wording.
Our "you" retold to a colleague follows the grammar ("the complaint they raised", never "the complaint them
raised"); a check the telephony system records as passed carries over within the window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial

import histories

from assistant.language.grammar import told_about

NOW = datetime(2026, 11, 24, 9, tzinfo=UTC)
contact = partial(histories.contact, customer="ada")
assistant_with = histories.one_customer("ada", "Adaeze Okonjo")


def test_our_you_retold_is_they_as_a_subject_and_the_name_or_them_otherwise():
    assert told_about("about the complaint you raised in July") == "about the complaint they raised in July"
    assert told_about("we've put fifty pounds on your saver", "Mrs Okonjo") == \
        "we've put fifty pounds on Mrs Okonjo's saver"
    assert told_about("we'll call you back with your options", "Dana") == "we'll call Dana back with their options"
    assert told_about("I'll transfer you now") == "I'll transfer them now"


def test_an_outbound_call_about_their_complaint_reads_as_english(assistant_with):
    a = assistant_with(contact(
        "r1", "2026-10-02T10:00:00Z",
        ("agent", "Hello, it's Rhian from Harbourside, I'm calling about the complaint you raised in July."),
        ("customer", "Oh yes, hello. Nothing's come since August, so I did wonder."),
        ("agent", "We've upheld it, and we've also put fifty pounds on your saver as a goodwill gesture."),
        ("customer", "That's kind, thank you."),
        outcome="Complaint upheld and closed, £50 goodwill credited"))
    text = a.handover("ada", now=NOW).text
    assert "them raised" not in text and "they raised" in text, text


def test_a_check_the_system_records_as_passed_carries_over_within_the_window(assistant_with):
    start = NOW - timedelta(minutes=6)
    inter = contact(
        "r2", start.isoformat(),
        ("system", "This call may be recorded."),
        ("agent", "Thanks for calling Harbourside. Before we start, can you say the phrase for me?"),
        ("customer", "My voice is my password."),
        ("system", "Voice ID: match, passed."),
        ("agent", "Thank you. I can see your email of the 20th about the fixed saver."),
        ("customer", "I was told I could take the money out without a penalty and then I was charged."))
    a = assistant_with(inter)
    text = a.handover("ada", interaction_id="r2", now=NOW).text
    assert "verify again" not in text.lower(), text
    assert "verified" in text.lower(), text


def test_the_start_of_a_month_is_its_first_days_not_the_whole_month():
    from assistant.language.time import find_spans
    ref = datetime(2026, 9, 22, 10, tzinfo=UTC)
    for words in ("at the start of October", "at the beginning of October", "early October"):
        span = find_spans(f"Your renewal documents will be sent by email {words}.", ref)[0]
        assert span.start.day == 1 and span.end.day <= 11 and span.end.month == 10, (words, span)


def test_a_letter_we_promised_and_nobody_chased_is_not_called_overdue(assistant_with):
    # Set r: documents promised "at the start of October", no contact since: we cannot see whether they went.
    a = assistant_with(contact(
        "r3", "2026-09-22T10:00:00Z",
        ("customer", "hiya, when do i get the renewal stuff for the car?"),
        ("agent", "Your renewal documents will be sent by email at the start of October."),
        ("customer", "ok ta"), channel="chat"))
    soon = datetime(2026, 10, 20, 9, tzinfo=UTC)  # past the first days of October, within the lapse window
    text = a.handover("ada", now=soon).text + " ".join(s.text + s.reason for s in a.suggestions("ada", now=soon))
    assert "overdue" not in text.lower(), text
