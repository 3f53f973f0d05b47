"""Unit tests for the grounded drafter's parts: dates in words, event tense, policy rules, ranking, drafts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from drafting_demo import TinyStore, WordEmbedder, tiny_world

from assistant.drafting import events
from assistant.drafting.context import CustomerContext, load_context
from assistant.drafting.drafter import Drafter
from assistant.drafting.phrasing import join_words, pronoun_for, when_future, when_past, years_with_us
from assistant.drafting.policy import Policy, apply_policy, build_policy, same_topic
from assistant.drafting.suggestions import rank
from assistant.errors import UnknownCustomer
from assistant.models import Consent, Fact, Suggestion
from assistant.settings import Settings

FRI = datetime(2026, 11, 20, 10, tzinfo=UTC)


def _at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=10, tzinfo=UTC)


def test_dates_in_words():
    assert when_past(_at("2026-11-20"), FRI) == "today"
    assert when_past(_at("2026-11-19"), FRI) == "yesterday"
    assert when_past(_at("2026-11-16"), FRI) == "on Monday"
    assert when_past(_at("2026-10-03"), FRI) == "on 3 October"
    assert when_past(_at("2025-10-03"), FRI) == "on 3 October 2025"
    assert when_future(_at("2026-11-21"), FRI) == "tomorrow"
    assert when_future(_at("2026-11-25"), FRI) == "next week"
    assert when_future(_at("2026-12-08"), FRI) == "on 8 December"
    assert join_words(["app", "chat", "phone"]) == "app, chat and phone"
    assert pronoun_for("daughter") == "her" and pronoun_for("partner") == "their" and pronoun_for(None) == "their"
    assert years_with_us(datetime(2009, 4, 14).date(), FRI) == 17


def _ctx(tmp_path, now: datetime) -> CustomerContext:
    return load_context(TinyStore(), None, Settings(store_dir=tmp_path), "c-ann", now)


@pytest.mark.parametrize(("day", "tense", "expected"), [
    ("2026-11-11", "upcoming", "Good luck to Amy with her exams next week."),
    ("2026-11-18", "ongoing", "I hope Amy's exams are going well."),
    ("2026-11-25", "past", "How did Amy's exams go?"),
])
def test_event_tense_follows_now(tmp_path, day, tense, expected):
    ctx = _ctx(tmp_path, _at(day))
    exams = ctx.of("life_event")[0]
    assert events.tense(exams, ctx.now) == tense
    assert events.phrase(exams, ctx) == expected


def test_a_past_event_is_not_asked_about_once_we_know_the_outcome(tmp_path):
    ctx = _ctx(tmp_path, _at("2026-11-25"))
    told = ctx.of("life_event")[0].model_copy(update={"recorded_at": _at("2026-11-24")})
    assert events.outcome_known(told) and not events.worth_mentioning(told, ctx.now)
    assert not events.worth_mentioning(ctx.of("life_event")[0], _at("2027-01-20"))  # long past


def test_cooldown_then_back(tmp_path):
    assert not _ctx(tmp_path, _at("2026-11-20")).policy.topic_allowed("mortgage")
    assert not _ctx(tmp_path, _at("2027-02-09")).policy.topic_allowed("mortgage")
    assert _ctx(tmp_path, _at("2027-02-11")).policy.topic_allowed("mortgage")


def test_consent_record_or_withdrawn_fact_stops_all_sales(tmp_path):
    customer, _, facts = tiny_world()
    settings = Settings(store_dir=tmp_path)
    off = build_policy(customer.model_copy(update={"consent": Consent(marketing=False)}), facts, FRI, settings)
    withdrawn = Fact(kind="consent", subject="marketing", status="withdrawn", text="No marketing please",
                     recorded_at=_at("2026-11-01"))
    assert not off.marketing and not build_policy(customer, [*facts, withdrawn], FRI, settings).marketing
    sale = Suggestion(text="Mention travel insurance", reason="trip", kind="sales", topic="travel insurance")
    kept, blocked = apply_policy([sale], off)
    assert kept == [] and "no sales" in blocked[0]["reason"]


def test_just_bought_and_held_are_not_pushed(tmp_path):
    customer, _, _ = tiny_world()
    bought = Fact(kind="product", subject="car insurance", status="bought", text="Bought car insurance",
                  valid_from=_at("2026-11-15"), recorded_at=_at("2026-11-15"))
    policy = build_policy(customer, [bought], FRI, Settings(store_dir=tmp_path))
    assert "car insurance" in policy.just_bought and "home insurance" in policy.held
    assert not policy.topic_allowed("car insurance") and policy.topic_allowed("car loan")
    later = build_policy(customer, [bought], _at("2027-03-01"), Settings(store_dir=tmp_path))
    assert "car insurance" in later.held  # no longer "just bought", but still held


def test_policy_reads_wording_not_only_the_label():
    policy = Policy(cooldown={"mortgage": "declined"})
    sneaky = Suggestion(text="Offer a mortgage review", reason="", kind="relationship", topic="")
    fine = Suggestion(text="Ask how the house hunt is going", reason="", kind="relationship", topic="move")
    assert policy.blocks(sneaky) == "declined" and policy.blocks(fine) is None
    assert same_topic("a mortgage", "mortgage conversation") and not same_topic("home insurance", "car insurance")


def test_rank_orders_dedupes_and_limits():
    items = [Suggestion(text=f"s{i}", reason="r", kind="service", topic=f"t{i % 3}", score=i / 10) for i in range(9)]
    ranked = rank(items, 2)
    assert [s.text for s in ranked] == ["s8", "s7"]
    assert len(rank(items, 10)) == 3


def test_drafts_from_the_tiny_world(tmp_path):
    class Retriever:
        embedder = WordEmbedder()

    drafter = Drafter(TinyStore(), Retriever(), None, Settings(store_dir=tmp_path, grounding_threshold=0.3))
    greeting = drafter.greeting("c-ann", now=_at("2026-11-13"))
    assert greeting.text.startswith("Hello Ann, and thank you for being with us since 2010.")
    assert "Good luck to Amy with her exams next week." in greeting.text
    assert "mortgage" not in greeting.text and "90%" not in greeting.text
    handover = drafter.handover("c-ann", now=_at("2026-11-13"))
    assert handover.kind == "handover" and "90%" not in handover.text and "Ignore" not in handover.text
    suggestions = drafter.suggestions("c-ann", now=_at("2026-11-13"))
    assert suggestions and not any("mortgage" in s.text.lower() for s in suggestions)
    with pytest.raises(UnknownCustomer):
        drafter.greeting("c-bob", now=FRI)


# ---- wording helpers: issue names, possessives, promises, why a contact happened --------------------------------
def test_issue_subjects_and_possessives_in_words():
    from assistant.drafting.phrasing import issue_name, possessive

    assert issue_name("home insurance claim: burst pipe") == "home insurance claim (burst pipe)"
    assert issue_name("home insurance claim: burst pipe", spoken=True) == "home insurance claim"
    assert issue_name("Dispute: credit card") == "credit card dispute"
    assert issue_name("complaint: branch opening hours") == "complaint about branch opening hours"
    assert issue_name("blocked debit card") == "blocked debit card"
    assert possessive("Miles") == "Miles's" and possessive("Amy") == "Amy's"


def _promise(**kw):  # type: ignore[no-untyped-def]
    from assistant.models import Citation

    base = dict(kind="promise", subject="call back about switching your rate", status="due",
                text="Agent promised to call the customer back about switching your rate on 20 Nov 2026 after 4pm",
                recorded_at="2026-11-14T10:35:00Z", valid_from="2026-11-14T10:35:00Z", valid_to="2026-11-21T00:00:00Z",
                attributes={"quote": "I'll call you back on Friday, after 4pm, about switching your rate."},
                citations=[Citation(interaction_id="i-1", turn_ids=["10"])])
    return Fact(**{**base, **kw})


def test_a_deadline_at_midnight_belongs_to_the_day_before():
    from assistant.drafting import promises

    fact = _promise()
    assert promises.timing(fact, FRI) == "today"  # Friday's promise, stored as Saturday 00:00
    # past its date: overdue when memory says so (no contact since without a chase), else only "past"
    assert promises.timing(_promise(status="overdue"), _at("2026-11-21")) == "overdue"
    assert promises.timing(_promise(status="open"), _at("2026-11-21")) == "past"
    assert promises.timing(fact, _at("2026-11-17")) == "upcoming"
    assert promises.due_words(promises.due_time(fact), _at("2026-11-15")) == "on Friday 20 November"


def test_a_promise_in_plain_words():
    from assistant.drafting.promises import promise_words

    assert promise_words(_promise(), "Samuel") == \
        "we promised to call Samuel back on Friday, after 4pm, about switching their rate"
    said_today = _promise(attributes={"quote": "I'll post a printed copy first class today, so it should be with "
                                               "you by Thursday."})
    assert promise_words(said_today, "Eleanor") == "we promised to post a printed copy first class"
    no_quote = _promise(attributes={}, text="Agent promised to call the customer before 2pm UK time about the "
                                            "debit card by 14:00 on 20 Nov 2026")
    assert promise_words(no_quote, "Miles") == "we promised to call Miles before 2pm UK time about the debit card"


def test_lapsed_promises_are_not_open(tmp_path):
    from assistant.drafting import promises

    ctx = _ctx(tmp_path, FRI)
    assert promises.is_open(ctx, _promise())
    assert not promises.is_open(ctx, _promise(status="lapsed"))
    assert not promises.is_open(ctx, _promise(status="kept"))


def _chat(*turns):  # type: ignore[no-untyped-def]
    from assistant.models import Interaction

    return Interaction(interaction_id="i-1", customer_id="c-ann", channel="chat", started_at="2026-11-12T13:00:00Z",
                       turns=[{"speaker": s, "text": t} for s, t in turns])


def test_why_they_got_in_touch_is_their_opening_request():
    from assistant.drafting.contacts import opening_request

    chat = _chat(("customer", "Hi, I set up a new savings pot in the branch on Tuesday and I can't see it in the app."),
                 ("agent", "Have you thought about a mortgage with us?"),
                 ("customer", "No, we're not looking at a mortgage, thanks. We're happy where we are, and that money's "
                              "for Amy."))
    said = opening_request(chat, "Ann")
    assert said is not None and said.turn_id == "0"
    assert said.reported == "Ann set up a new savings pot in the branch on Tuesday and can't see it in the app."
    asked = opening_request(_chat(("customer", "Hi Dan, it's Ann Example. Sorry about the noise, that's the baby."),
                                  ("customer", "Payroll need a letter from my bank. Can you send me one?")), "Ann")
    assert asked is not None and asked.words == "Payroll need a letter from my bank."  # not the vague "one"


@pytest.mark.parametrize(("turns", "expected"), [
    ([("agent", "Hi, this is Dan. It looks like you were connected to me to compare rates on auto insurance today, "
                "correct?"), ("customer", "Correct.")],
     "Ann wanted to compare rates on auto insurance (as they confirmed at the start)."),
    ([("agent", "It looks like you were connected to me to compare rates on your auto insurance today."),
      ("agent", "Is that correct?"), ("customer", "Yes.")],
     "Ann wanted to compare rates on their auto insurance (as they confirmed at the start)."),
    ([("agent", "It looks like you were connected to me to compare rates on auto insurance today."),
      ("customer", "Yes, and I also want to add my son to the policy.")], None),  # more than a yes: their words
    ([("agent", "I have your zip code as 90210, is that correct?"), ("customer", "Yes.")], None),
])
def test_a_reason_the_agent_states_and_the_customer_confirms_is_theirs(turns, expected):
    from assistant.drafting.contacts import confirmed_purpose, why_in_touch

    said = confirmed_purpose(_chat(*turns), "Ann")
    assert (said.reported if said else None) == expected
    if expected:
        assert why_in_touch(_chat(*turns), "Ann").reported == expected


def test_what_was_done_skips_identity_checks():
    from assistant.drafting.contacts import key_action

    chat = _chat(("agent", "Thanks, you're verified. I've confirmed your date of birth."),
                 ("agent", "Of course. I've set up £300 from your current account to your Easy Saver on the 18th."))
    done = key_action(chat, "Fatima")
    assert done is not None and done.turn_id == "1"
    assert done.reported == "The agent has set up £300 from Fatima's current account to their Easy Saver on the 18th."
