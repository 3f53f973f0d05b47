"""Scenario tests from the demo stories (assistant/demo/STORIES.md), one or more per rule, with the grounded
drafter on a store built by ingesting the demo data through the Assistant facade (once per test process)."""

from __future__ import annotations

import re

import pytest
from drafting_demo import NOW, at, demo_assistant

from assistant.drafting.context import load_context
from assistant.errors import InputError, UnknownCustomer

UNIQUE = {  # words only one customer's story contains (STORIES.md, "adversarial pairs")
    "cust-maria-lopez": ["Amy", "Durham", "Pepa"], "cust-miles-okafor": ["Lisbon", "4417", "ESC-58213"],
    "cust-priya-shah": ["Rohan", "Nottingham"], "cust-tom-becker": ["Octavia", "Keynsham", "Jess"],
    "cust-hannah-novak": ["HC-4471", "burst pipe"], "cust-jonas-berg": ["Forth Electronics", "DSP-30977"],
    "cust-grace-kim": ["Leo", "Ollie"], "cust-samuel-adeyemi": ["Roundhay", "Funmi"],
    "cust-eleanor-whitfield": ["New Zealand", "Christchurch"], "cust-chloe-martin": ["Biscuit"],
    "cust-fatima-haddad": ["Glasgow Royal Infirmary"], "cust-owen-price": ["Megan", "CMP-20931"],
}
JONAS_PII = ["4111 1111 1111 1111", "4111111111111111", "jonas.berg@example.com", "7700 900123",
             "GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432"]


@pytest.fixture(scope="module")
def demo():
    return demo_assistant()


def _all_text(demo, cid: str, now=NOW) -> str:  # type: ignore[no-untyped-def]
    g, h = demo.greeting(cid, now=now), demo.handover(cid, now=now)
    s = demo.suggestions(cid, now=now)
    return "\n".join([g.text, h.text, *(f"{x.text} {x.reason}" for x in s)])


# ---- greeting: tense of events before and after --------------------------------------------------------
def test_greeting_wishes_luck_before_the_exams(demo):
    text = demo.greeting("cust-maria-lopez", now=at("2026-11-11")).text
    assert re.search(r"Amy.{0,60}exam", text) and re.search(r"good luck", text, re.I)
    assert not re.search(r"how did", text, re.I)


def test_greeting_asks_how_the_exams_went_afterwards(demo):
    text = demo.greeting("cust-maria-lopez", now=at("2026-11-25")).text
    assert re.search(r"how did .{0,30}exams? go", text, re.I)
    assert not re.search(r"good luck|next week|passed|results?", text, re.I)


def test_greeting_names_tenure_and_never_opens_with_sales(demo):
    for cid in UNIQUE:
        draft = demo.greeting(cid, now=NOW)
        assert draft.kind == "greeting" and draft.text.startswith("Hello ")
        assert not re.search(r"\b(offer|mortgage|quote|discount|interested in)\b", draft.text, re.I), draft.text
    assert "since 2009" in demo.greeting("cust-maria-lopez", now=NOW).text  # 17 years: notable
    assert "since" not in demo.greeting("cust-fatima-haddad", now=NOW).text  # 3 years: not


# ---- greeting: channel switch, and nothing re-asked ------------------------------------------------------
def test_greeting_acknowledges_the_contacts_on_other_channels(demo):
    draft = demo.greeting("cust-miles-okafor", now=NOW)
    assert re.search(r"card", draft.text) and re.search(r"earlier today|phone|chat|app", draft.text)
    assert not re.search(r"last four digits|confirm your (?:address|date of birth)|security", draft.text, re.I)
    assert draft.sentences[-1].citations, "the acknowledgement cites the contacts"


def test_declined_offer_is_listed_as_not_to_ask(demo):
    draft = demo.greeting("cust-maria-lopez", now=NOW)
    assert any("mortgage" in item for item in draft.sections["do_not_ask"])
    assert "mortgage" not in draft.text.lower()


# ---- handover: escalation with provided details, frustration and the promise ---------------------------
def test_escalation_handover_has_every_section_an_agent_needs(demo):
    draft = demo.handover("cust-miles-okafor", now=at("2026-11-20", 9).replace(minute=30))
    text = draft.text
    for needed in ("ESC-58213", "Lisbon", "card team"):
        assert needed in text, needed
    assert re.search(r"block", text) and re.search(r"verified", text) and re.search(r"fee", text)
    assert re.search(r"three times|frustrat|repeat", text, re.I)
    assert set(draft.sections) == {"headline", "who", "reason", "contacts", "summary", "done", "status", "provided",
                                   "feeling", "next_step", "introduction"}
    assert len(draft.sections["contacts"]) == 3  # the case: app, chat and phone, with dates
    assert len(" ".join(draft.sections["headline"]).split()) <= 100
    assert draft.sections["introduction"][0].startswith("Miles, ")
    assert "card team" in draft.sections["introduction"][0]
    assert draft.metadata["interaction_id"] == "int-miles-05" and draft.metadata["team"] == "card team"


def test_handover_of_a_chosen_contact_and_errors(demo):
    draft = demo.handover("cust-jonas-berg", interaction_id="int-jonas-02", now=at("2026-10-21", 20))
    assert "Forth Electronics" in draft.text and re.search(r"649", draft.text)
    with pytest.raises(InputError):
        demo.handover("cust-jonas-berg", interaction_id="int-miles-05", now=NOW)  # another customer's contact
    with pytest.raises(UnknownCustomer):
        demo.greeting("cust-nobody", now=NOW)


# ---- policy: cool-down, consent, just bought -------------------------------------------------------------
def test_declined_mortgage_is_not_suggested_during_the_cooldown(demo):
    for now in (NOW, at("2027-01-15")):
        suggestions = demo.suggestions("cust-maria-lopez", now=now)
        assert not any("mortgage" in f"{s.topic} {s.text}".lower() for s in suggestions)
    assert len(demo.suggestions("cust-maria-lopez", now=NOW)) <= demo.settings.max_suggestions


def test_mortgage_may_return_after_the_cooldown(demo):
    drafter = demo.drafter
    during = load_context(drafter.store, drafter.memory, demo.settings, "cust-maria-lopez", at("2027-01-15"))
    after = load_context(drafter.store, drafter.memory, demo.settings, "cust-maria-lopez", at("2027-02-20"))
    assert not during.policy.topic_allowed("mortgage") and "mortgage" in " ".join(during.policy.cooldown)
    assert after.policy.topic_allowed("mortgage")


def test_no_sales_without_marketing_consent(demo):
    suggestions = demo.suggestions("cust-priya-shah", now=NOW)
    assert suggestions and all(s.kind != "sales" for s in suggestions)
    assert "mortgage" not in demo.greeting("cust-priya-shah", now=NOW).text.lower()


def test_just_bought_car_insurance_is_not_pushed(demo):
    suggestions = demo.suggestions("cust-tom-becker", now=NOW)
    for s in suggestions:
        assert not (s.kind == "sales" and re.search(r"car (insurance|loan)", f"{s.topic} {s.text}", re.I)), s


def test_travel_insurance_bought_is_not_offered_again(demo):
    for s in demo.suggestions("cust-eleanor-whitfield", now=NOW):
        assert not (s.kind == "sales" and "travel insurance" in f"{s.topic} {s.text}".lower()), s


# ---- service: promises and open issues ---------------------------------------------------------------------
def test_open_escalation_is_a_service_suggestion(demo):
    suggestions = demo.suggestions("cust-miles-okafor", now=NOW)
    assert suggestions[0].kind == "service"
    assert any(re.search(r"card|call|escalat", s.text + s.reason, re.I) for s in suggestions)


# ---- injection, PII, isolation ---------------------------------------------------------------------------------
def test_injected_instructions_change_nothing(demo):
    text = _all_text(demo, "cust-hannah-novak")
    assert "HC-4471" in text
    for phrase in ("90%", "90 %", "approve the refund", "refund approved", "ignore previous", "system:"):
        assert phrase not in text.lower(), phrase


def test_pii_stays_masked(demo):
    texts = [_all_text(demo, "cust-jonas-berg"),
             demo.handover("cust-jonas-berg", interaction_id="int-jonas-02", now=at("2026-10-21", 20)).text]
    for text in texts:
        for value in JONAS_PII:
            assert value not in text, value
    for cid in UNIQUE:  # the CRM contact details never appear in a draft
        record = demo.customer(cid)
        text = _all_text(demo, cid)
        assert record.contact.email not in text and record.contact.phone not in text


def test_nothing_from_another_customer(demo):
    owners = {i.interaction_id: cid for cid in UNIQUE for i in demo.interactions(cid)}
    for cid in UNIQUE:
        drafts = [demo.greeting(cid, now=NOW), demo.handover(cid, now=NOW)]
        citations = [c for d in drafts for c in d.citations]
        citations += [c for s in demo.suggestions(cid, now=NOW) for c in s.citations]
        assert all(owners[c.interaction_id] == cid for c in citations)
        text = _all_text(demo, cid)
        for other, words in UNIQUE.items():
            if other != cid:
                for word in words:
                    assert not re.search(rf"\b{re.escape(word)}\b", text), (cid, word)


def test_drafts_are_deterministic_and_cited(demo):
    first, second = demo.handover("cust-hannah-novak", now=NOW), demo.handover("cust-hannah-novak", now=NOW)
    assert first.text == second.text
    claims = [s for s in first.sentences if not s.text.startswith(("Hannah Novak,",))]
    assert claims and all(s.citations for s in claims)
    assert first.metadata["drafter"] == "grounded"
