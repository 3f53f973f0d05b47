"""The handover tells the case without saying anything false (issue 15; blind reviews of fresh sets i and k):
a complaint that nobody answered is not a step we took, a customer's own step is quoted rather than retold with
swapped pronouns, "added it to the notes" is no step, an old contact's "today" is dated, a check made in this very
call is not called stale, a case closed by mistake and raised again says so, and no contact synopsis is retold
when the case has several contacts."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import partial

import histories

contact = partial(histories.contact, customer="gus")
NOW = datetime(2026, 11, 17, 13, 10, tzinfo=UTC)  # during the live call below


assistant_with = histories.one_customer("gus", "Gus Whitlow")


FIRST = contact("b1", "2026-11-03T19:00:00Z",
                ("customer", "Hi, my broadband drops out every evening around eight, it's been like this a week."),
                ("agent", "Sorry about that. I've run a line test and it shows errors on the line."),
                ("agent", "We'll look into it and email you."), channel="chat", outcome="Line test run")


def live_call(*turns: tuple[str, str]) -> dict:
    return {**contact("b2", "2026-11-17T13:00:00Z", *turns), "ended_at": "2026-11-17T13:09:00Z"}


def test_a_complaint_that_nobody_answered_is_not_a_step_taken(assistant_with):
    a = assistant_with(FIRST, live_call(
        ("agent", "Good afternoon, broadband support."),
        ("customer", "Hi. I emailed you two weeks ago about this and I'm still waiting."),
        ("customer", "The broadband still drops every evening at eight."),
        ("agent", "I'm sorry. I've booked an engineer for Thursday morning.")))
    done = " ".join(a.handover("gus", now=NOW).sections["done"])
    assert "engineer" in done and "line test" in done, done
    assert not re.search(r"email", done, re.I), done


def test_the_customers_own_step_is_quoted_not_retold(assistant_with):
    a = assistant_with(FIRST, live_call(
        ("customer", "The broadband is dropping again every evening."),
        ("customer", "I've unplugged the router for a full minute and I'm back where I started."),
        ("agent", "Thanks for trying that. I've added that to the notes.")))
    handover = a.handover("gus", now=NOW)
    done = " ".join(handover.sections["done"])
    assert "\u201cI've unplugged the router" in done, done
    assert "they'm" not in handover.text and "notes" not in done, done


def test_an_earlier_contacts_today_is_dated(assistant_with):
    a = assistant_with(
        contact("d1", "2026-06-17T10:00:00Z", ("customer", "There's a charge of $48 on my card I didn't make."),
                ("agent", "I've opened a dispute for you."),
                ("agent", "I've posted a provisional credit of $48 to your card today."),
                channel="voice", outcome="Dispute opened"),
        contact("d2", "2026-06-20T10:00:00Z", ("customer", "Is the dispute about the $48 charge still open?"),
                ("agent", "Yes, the dispute is still open."), channel="chat"))
    done = " ".join(a.handover("gus", now=NOW).sections["done"])
    assert "provisional credit" in done, done
    assert not re.search(r"\btoday\b(?! \[)", done), done


def test_a_check_passed_in_this_call_is_not_called_stale(assistant_with):
    a = assistant_with(
        {**FIRST, "turns": [{"speaker": "agent", "text": "Can I take your date of birth please?"},
                            {"speaker": "customer", "text": "4 April 1979."},
                            {"speaker": "agent", "text": "Thanks, you're verified."}, *FIRST["turns"]]},
        live_call(("agent", "Broadband support, can I take your date of birth and postcode?"),
                  ("customer", "4th April 79, and it's BS5 9QT."),
                  ("agent", "Lovely, that's all fine. What's happening?"),
                  ("customer", "The broadband still drops every evening, same as before.")))
    provided = " ".join(a.handover("gus", now=NOW).sections["provided"])
    assert provided.startswith("Already verified"), provided
    assert "verify again" not in provided, provided


def test_a_case_closed_then_raised_again_says_so(assistant_with):
    a = assistant_with(
        contact("w1", "2026-10-20T12:00:00Z", ("customer", "My water bill has gone up to 318 pounds because of a "
                                                           "leak on the supply pipe."),
                ("agent", "I'll explain the bill: it's based on the meter reading."), outcome="Resolved - bill "
                "explained"),
        contact("w2", "2026-11-10T09:40:00Z", ("customer", "I'm chasing the leak allowance on my 318 pound water "
                                                           "bill, nothing has been resolved."),
                ("agent", "I'm sorry, I've sent it to the billing team now.")))
    handover = a.handover("gus", now=datetime(2026, 11, 12, 9, tzinfo=UTC))
    first = next((line for line in handover.sections["contacts"] if line.startswith("20 October")),
                 handover.sections["contacts"])
    assert "raised again" in first, first


def test_several_contacts_are_told_as_the_case_not_the_last_contact_retold(assistant_with, assistant_for):
    a = assistant_with(FIRST, live_call(("customer", "The broadband still drops every evening, same as before."),
                                        ("agent", "Sorry, Ridgeline support, this is Owen. I've reset the line.")))
    handover = a.handover("gus", now=NOW)
    assert len(handover.sections["contacts"]) == 2
    assert not handover.sections.get("summary"), handover.sections["summary"]
    alone = {**live_call(("customer", "My broadband drops every evening."), ("agent", "I've reset the line.")),
             "customer_id": "solo", "interaction_id": "s1"}
    assert assistant_for("solo", alone, name="Ivy Solo").handover("solo", now=NOW).sections.get("summary")


def test_an_agents_question_is_not_a_preference(assistant_with):
    a = assistant_with(live_call(("customer", "I need a copy of my statement."),
                                 ("agent", "Of course. Would you rather we sent it by letter or phoned you?"),
                                 ("customer", "A letter is fine.")))
    who = " ".join(a.handover("gus", now=NOW).sections["who"])
    assert "?" not in who, who


def test_a_chase_for_an_answer_is_not_the_problem(assistant_with):
    a = assistant_with(live_call(
        ("agent", "Good afternoon, you're through to Jordan."),
        ("customer", "Hi Jordan. I sent a message two weeks ago and nobody answered, well, a computer answered."),
        ("customer", "My November mortgage payment didn't go through and I got a letter about it."),
        ("agent", "I'm so sorry. I'm passing this to our mortgage team.")))
    handover = a.handover("gus", now=NOW)
    said = " ".join(handover.sections["headline"] + handover.sections["contacts"] + handover.sections["reason"])
    assert "mortgage payment" in said, said
    assert "nobody answered" not in said, said


def test_an_earlier_days_ongoing_step_is_not_said_aloud_as_now(assistant_with):
    a = assistant_with(
        contact("f1", "2026-08-22T16:00:00Z", ("customer", "I had a leak and my water bill is huge, can I get an "
                                                           "allowance?"),
                ("agent", "Yes. I'm emailing you the leak allowance form now.")),
        live_call(("customer", "I'm calling about the leak allowance on my water bill again."),
                  ("agent", "I've checked, and the form you sent back is here.")))
    intro = " ".join(a.handover("gus", now=NOW).sections["introduction"])
    assert "emailing" not in intro, intro


def test_a_guessed_case_status_is_not_told(assistant_with):
    a = assistant_with(FIRST, live_call(("customer", "The broadband still drops every evening, same as before."),
                                        ("agent", "Can you send us a photo of the router lights?")))
    text = a.handover("gus", now=NOW).text
    assert not re.search(r"waiting on (?:the customer|us)|Case: ", text), text


def test_a_redacted_sentence_is_not_quoted_as_the_problem(assistant_with):
    a = assistant_with(live_call(("agent", "Can I get your account PIN?"),
                                 ("customer", "[PIN]. zip is [POSTCODE] before you ask. no signal after 8pm again."),
                                 ("agent", "Thanks, verified.")))
    handover = a.handover("gus", now=NOW)
    assert "before you ask" not in " ".join(handover.sections["headline"] + handover.sections["contacts"])


def test_our_you_is_they_or_them_as_the_grammar_says(assistant_with):
    a = assistant_with(live_call(("customer", "My broadband drops every evening."),
                                 ("agent", "I'm going to hand you over to technical support now."),
                                 ("agent", "I've ordered a new router, it'll be with you within 5 working days.")))
    done = " ".join(a.handover("gus", now=NOW).sections["done"])
    # an object is the customer's name the first time in a step, "them" after
    assert re.search(r"hand (?:them|Gus) over", done) and re.search(r"with (?:them|Gus) within", done), done
    assert not re.search(r"\bthey (?:over|within)\b", done), done


def test_a_side_issue_raised_in_passing_is_not_what_the_case_is_about(assistant_with):
    a = assistant_with(FIRST, live_call(
        ("customer", "The broadband still drops every night around eight, the red light thing."),
        ("agent", "I'm sorry, let me look."),
        ("customer", "And while I'm here, different thing, my bill this month charged me twice for the mobile, "
                     "$65 two times."),
        ("agent", "I'll get billing to look at the double charge.")))
    handover = a.handover("gus", now=NOW)
    said = " ".join(handover.sections["headline"] + handover.sections["introduction"] + handover.sections["status"])
    assert not re.search(r"duplicate|double|charged|payment", said, re.I), said


def test_a_form_of_address_is_passed_on_as_what_it_asks(assistant_with):
    a = assistant_with(live_call(("agent", "Hello, who am I speaking to?"),
                                 ("customer", "It's Mr Whitlow, please."),
                                 ("agent", "Thank you, Mr Whitlow, how can I help?"),
                                 ("customer", "My broadband drops every evening.")))
    who = " ".join(a.handover("gus", now=NOW).sections["who"])
    assert "Asked to be called Mr Whitlow" in who and "\u201cIt's Mr Whitlow" not in who, who


def test_the_security_code_and_reading_a_statement_are_no_steps(assistant_with):
    a = assistant_with(FIRST, live_call(
        ("agent", "I've sent a six-digit code to your mobile, can you read it back?"),
        ("customer", "It's 4 4 1 9 0 2."), ("agent", "That matches, thank you."),
        ("customer", "I've checked the bill this morning and the broadband still drops every evening."),
        ("agent", "I'm sorry. I've booked an engineer for Friday.")))
    handover = a.handover("gus", now=NOW)
    done = " ".join(handover.sections["done"])
    assert "engineer" in done and "code" not in done and "checked the bill" not in done, done
    assert "code" not in " ".join(handover.sections["introduction"])


def test_an_issue_is_not_dated_to_an_old_mention_while_the_customer_raises_it(assistant_with):
    a = assistant_with(
        contact("o1", "2026-08-04T10:00:00Z", ("customer", "My ISA transfer from Clydebank hasn't arrived and it's "
                                                           "been three weeks, it's a problem."),
                ("agent", "I'm sorry, I'll chase Clydebank."), outcome="Open"),
        live_call(("customer", "Hi, about the ISA transfer again."),
                  ("agent", "I can see the notes from August.")))
    text = a.handover("gus", now=NOW).text
    assert "when last mentioned" not in text, text


def test_the_customers_request_is_quoted_not_retold(assistant_with):
    a = assistant_with(live_call(("agent", "Morning, how can I help?"),
                                 ("customer", "I need to move five thousand from my savings to my dad's account for "
                                              "the care home fees."),
                                 ("agent", "I've moved the five thousand now.")))
    reason = " ".join(a.handover("gus", now=NOW).sections["reason"])
    assert "\u201cI need to move five thousand" in reason and "Gus needs" not in reason, reason


def test_our_own_letters_are_not_the_customer_getting_in_touch(assistant_with):
    ours = [contact(f"o{n}", f"2026-11-0{n}T10:00:00Z",
                    ("agent", "Dear Gus, about your broadband dropping every evening: we are still looking into it."),
                    channel="email") for n in (4, 6, 8)]
    a = assistant_with(FIRST, *ours, live_call(
        ("customer", "The broadband still drops every evening, same as before."),
        ("agent", "Sorry. I've put that on the complaint for you."),
        ("agent", "I've booked an engineer for Friday.")))
    handover = a.handover("gus", now=NOW)
    said = " ".join(handover.sections["feeling"] + handover.sections["introduction"])
    assert "twice" in said and not re.search(r"(?:three|four|five) times", said), said
    assert "put that on the complaint" not in " ".join(handover.sections["done"])


def test_a_one_contact_synopsis_has_no_greeting_and_no_agent_lot(assistant_with):
    a = assistant_with(live_call(("agent", "Kestrel technical support, this is Ffion."),
                                 ("customer", "I've been through all this with you lot, the router, the engineer, "
                                              "everything."),
                                 ("customer", "My broadband has dropped twice today while I'm working from home.")))
    summary = " ".join(a.handover("gus", now=NOW).sections["summary"])
    assert summary and "Ffion" not in summary and "agent lot" not in summary, summary
