"""Offers put in everyday words and the answers to them: what is an offer (and what is a service step or a request
being done), which reply answers it, and what the offer was about when no product word names it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from one_contact import CUSTOMER, one_contact


@pytest.fixture(scope="module")
def extract(read_facts):
    return lambda *lines: [f for f in read_facts(*lines, channel="voice") if f.kind == "offer"]


def answered(offers) -> list[tuple[str, str, str]]:
    """(subject, status, the customer's turn it cites) per offer."""
    return [(f.subject, f.status, f.citations[0].turn_ids[-1]) for f in offers]


@pytest.mark.parametrize(("offer", "reply", "subject", "status"), [
    ("Shall I book you in for a mortgage review with one of our advisers?",
     "I'll leave it for now, I've only just remortgaged.", "mortgage", "declined"),
    ("If you like, I can add your wife as a named driver for £3 a month.",
     "That's cheaper than I expected, so yes, add her on.", "named driver", "accepted"),
    ("How would you feel about moving your ISA over to us? The rate's 4.1% at the moment.",
     "Sounds like a plan.", "ISA", "accepted"),
    ("Can I get you a quote for a joint life policy while you're on?",
     "I'd have to run it past my husband first.", "life insurance", "pending"),
    ("Would you like to add breakdown cover for £5 a month?", "We're fine as we are, thanks.", "breakdown cover",
     "declined"),
    ("I could bump you up to the Gold card, and there's no annual fee for the first year.",
     "Oh go on then, twist my arm.", "gold card", "accepted"),
    ("I can raise your credit limit to £3,000 today if you want.", "God no, I'm trying to pay it off.",
     "credit limit", "declined"),
])
def test_offers_in_everyday_words_and_their_answers(extract, offer, reply, subject, status):
    offers = extract(("agent", offer), ("customer", reply))
    assert answered(offers) == [(subject, status, "1")]
    if status == "declined":
        assert offers[0].valid_to is not None  # the cool-down: not offered again for a while


@pytest.mark.parametrize(("step", "reply"), [
    ("Shall I send you a replacement card?", "Yes please, to my home address is fine."),
    ("Do you want me to cancel the direct debit on your car insurance?", "Yes please, the policy ended."),
    ("Would you like me to freeze the credit card while we look into it?", "Yes, freeze it now."),
])
def test_a_service_step_put_as_a_question_is_no_offer(extract, step, reply):
    assert extract(("agent", step), ("customer", reply)) == []


def test_doing_what_the_customer_asked_for_is_no_offer(extract):
    assert extract(("customer", "I want to open a second savings pot, just for my daughter."),
                   ("agent", "Lovely idea. I can set up a separate savings pot linked to your account."),
                   ("customer", "Yes, £150 on the first of each month.")) == []


def test_a_question_about_the_offer_lets_the_next_reply_answer(extract):
    offers = extract(("agent", "It might be worth looking at our fixed-rate saver, it pays more than easy access."),
                     ("customer", "Oh right, how much more?"),
                     ("agent", "It's 4.6% fixed for a year, against 2.1% now."),
                     ("customer", "Go on then, put me down for it."))
    assert answered(offers) == [("fixed rate saver", "accepted", "3")]


def test_a_question_with_no_yes_or_no_is_a_pending_answer(extract):
    offers = extract(("agent", "You're eligible for a 0% balance transfer for 18 months. Would you like to apply?"),
                     ("customer", "What's the fee on the transfer?"))
    assert answered(offers) == [("balance transfer", "pending", "1")]


def test_the_first_clear_sentence_of_a_reply_is_the_answer(extract):
    offers = extract(("agent", "The new one-year bond pays 4.10%. Would you like to move the full £20,000 across?"),
                     ("customer", "Yes, all of it. I don't need it for anything."))
    assert [o.status for o in offers] == ["accepted"]


def test_an_answer_to_the_next_question_is_not_the_answer_to_the_offer(extract):
    offers = extract(("agent", "Would you be interested in home insurance with us as well?"),
                     ("agent", "Any car accidents that were your fault in the last five years?"),
                     ("customer", "Nope."))
    assert [(o.subject, o.status, o.attributes.get("response")) for o in offers] == [
        ("home insurance", "pending", None)]


def test_it_and_that_lean_on_the_sentence_before(extract):
    offers = extract(("agent", "We can cover the new conservatory under your buildings policy. It'll add about £30."),
                     ("agent", "Do you want me to include it?"),
                     ("customer", "Yes, include it."))
    assert answered(offers) == [("buildings insurance", "accepted", "2")]


def test_a_wider_proposal_with_no_answer_is_not_remembered(extract):
    assert extract(("agent", "I can get you a quote for pet insurance too while you're on."),
                   ("agent", "Anyway, your claim reference is CL-12345.")) == []
    # The plain "would you like" form is kept as an open offer, as before.
    assert answered(extract(("agent", "Would you like a quote for pet insurance?"))) == [
        ("pet insurance", "pending", "0")]


@pytest.mark.parametrize(("reply", "mortgage_suggested"), [
    ("I'll leave it for now, thanks, we're not ready yet.", False),
    ("Tell me more about it.", True),
])
def test_a_mortgage_review_turned_down_in_everyday_words_is_not_suggested(embedder, settings, reply,
                                                                         mortgage_suggested):
    from assistant.facade import Assistant

    assistant = Assistant(settings, embedder=embedder)
    assistant.ingest([one_contact(("customer", "We are buying our first house in the spring."),
                                  ("agent", "Exciting! Shall I book you in for a mortgage review with one of our "
                                            "advisers?"),
                                  ("customer", reply), channel="voice")])
    later = datetime(2026, 11, 20, 10, tzinfo=UTC)
    texts = " ".join(s.text for s in assistant.suggestions(CUSTOMER, now=later)).lower()
    assert ("mortgage" in texts) is mortgage_suggested
    assert "home insurance" in texts  # the move is still a reason to talk about insuring the new home
    assistant.close()
