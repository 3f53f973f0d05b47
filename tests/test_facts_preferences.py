"""How customers say how they want to be served: channels and times in everyday words, answers to the agent's
"how should we contact you?", and the manner of service (language, name, adviser, explanations, formats)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def prefs(read_facts):
    return lambda *lines: [f for f in read_facts(*lines) if f.kind == "preference"]


def texts(facts) -> list[str]:
    return sorted(f.text for f in facts)


@pytest.mark.parametrize(("said", "expected"), [
    ("Email's best for me, I'm hardly ever home.", "Prefers email"),
    ("Honestly I'd rather sort this over chat, I can't stand hold music.", "Prefers chat"),
    ("whatsapp me if u can, i never pick up unknown numbers", "Prefers WhatsApp"),
    ("I'm a bit old-fashioned, I like a proper letter through the door.", "Prefers post"),
    ("Could all my statements come on paper from now on?", "Prefers post"),
    ("If you need to call, use the landline - the mobile signal out here is terrible.", "Prefers landline"),
    ("Don't leave voicemails, my partner listens to them.", "No voicemail"),
    ("I'm on the app all the time, so just send notifications there rather than emails.", None),
])
def test_channels_wished_for_in_everyday_words(prefs, said, expected):
    channel = [f.text for f in prefs(("customer", said)) if f.subject == "contact channel"]
    assert channel == ([expected] if expected else [])


def test_only_email_from_now_on_keeps_calls_and_texts_unwanted(prefs):
    [fact] = [f for f in prefs(("customer", "Please only contact me by email from now on, no calls or texts."))
              if f.subject == "contact channel"]
    assert fact.attributes["wanted"] == ["email"] and "text" not in fact.attributes["wanted"]


def test_a_short_answer_to_how_we_should_contact_them(prefs):
    asked = ("agent", "How would you like us to contact you about the claim?")
    assert texts(prefs(asked, ("customer", "Email, please."))) == ["Prefers email"]
    # The same words with no question before them are not a preference.
    assert prefs(("customer", "Email, please.")) == []


def test_times_in_answers_and_in_everyday_words(prefs):
    asked = ("agent", "When's a good time for the claims handler to call you?")
    assert texts(prefs(asked, ("customer", "Any day but Friday, that's my busiest day at the shop."))) == [
        "Best time to call: any day but Friday"]
    assert texts(prefs(("customer", "Lunchtime's the only time I can take a call."))) == [
        "Best time to call: lunchtime"]
    # Opening hours that suited them are not a time to call them.
    assert prefs(("customer", "Saturday morning was the only time I could get in to the branch.")) == []


@pytest.mark.parametrize(("said", "subject", "text"), [
    ("Is there anyone who speaks Welsh? I'm much more comfortable in Welsh than English.", "language",
     "Prefers to speak Welsh"),
    ("Call me Jim, everyone does.", "form of address", "Likes to be called Jim"),
    ("It's Dr Okafor, not Mrs, if you wouldn't mind updating that.", "form of address", "Address as Dr Okafor"),
    ("I'd rather deal with Sarah again if she's in, she knows the whole history.", "who to deal with",
     "Prefers to deal with Sarah"),
    ("I'd feel more comfortable speaking to a female adviser, if that's possible.", "who to deal with",
     "Prefers a female adviser"),
    ("Could you take me through it step by step? I get lost otherwise.", "explanations",
     "Prefers to be taken through things step by step"),
    ("Large print please for anything you post to me.", "document format", "Needs documents in large print"),
    ("Just so you know, I use text relay, so there'll be a short delay.", "communication support",
     "Uses text relay"),
])
def test_the_manner_of_service(prefs, said, subject, text):
    assert [(f.subject, f.text) for f in prefs(("customer", said)) if f.subject == subject] == [(subject, text)]


@pytest.mark.parametrize("said", [
    "Can you call me back on Friday about the loan?",
    "I'm Mr Patel, calling about my car insurance.",
    "My husband is Polish, we met in Krakow.",
    "I bought it in a Polish shop on the high street.",
    "Call me Monday about it, I'm out today.",
    "The leaflet came in large print, which was odd.",
])
def test_mentions_that_are_not_wishes(prefs, said):
    assert [f.subject for f in prefs(("customer", said))
            if f.subject in {"language", "form of address", "document format"}] == []
