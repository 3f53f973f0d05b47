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
