"""The fact timeline on hand-made interactions: tense and validity as of different `now`s, supersession that
keeps history, offers and their answers, promises with due dates, verification, consent, moods."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from assistant.memory.facts import FactMemory
from assistant.models import Customer, Interaction
from assistant.store import Store
from ingest.pipeline import run_ingest


def contact(iid: str, when: datetime, *lines: tuple[str, str], cid: str = "cust-amy-mum", channel: str = "voice",
            outcome: str | None = None, tags: list[str] | None = None) -> Interaction:
    return Interaction(interaction_id=iid, customer_id=cid, channel=channel, started_at=when, outcome=outcome,
                       tags=tags or [], turns=[{"speaker": s, "text": t} for s, t in lines])


TUESDAY = datetime(2026, 11, 10, 11, tzinfo=UTC)
BRANCH = contact(
    "c-1", TUESDAY,
    ("agent", "Morning! Can I take your date of birth and postcode before we start?"),
    ("customer", "Of course, [date of birth and postcode given]."),
    ("agent", "Thanks, that's all matched, so you're verified."),
    ("customer", "My daughter Amy has her exams next week, so it's a stressful time at home."),
    ("agent", "Good luck to Amy! While you're here, would you be interested in a mortgage review with us?"),
    ("customer", "No thanks, we're not looking at a mortgage."),
    ("agent", "No problem. I'll call you back on Friday about the savings pot."),
    ("customer", "Please only contact me by email from now on, no texts. And please stop sending me marketing."),
    channel="branch",
)
CARD_BLOCKED = contact(
    "c-2", datetime(2026, 11, 12, 9, tzinfo=UTC),
    ("customer", "My debit card was blocked while I was paying for shopping, it's really annoying."),
    ("agent", "I'm sorry. I've escalated it to the card team, your reference is ESC-40001."),
    channel="chat", outcome="escalated", tags=["debit card", "card blocked"],
)
CARD_FIXED = contact(
    "c-3", datetime(2026, 11, 13, 15, tzinfo=UTC),
    ("agent", "Hello, it's Sam calling back from the card team about ESC-40001."),
    ("customer", "This is the second time I've had to chase this, it's ridiculous."),
    ("agent", "The block is lifted now and the card is working again."),
    outcome="resolved", tags=["debit card", "card blocked"],
)


@pytest.fixture(scope="module")
def memory(tmp_path_factory, embedder):
    from assistant.settings import Settings

    settings = Settings(store_dir=tmp_path_factory.mktemp("facts") / "store")
    store = Store(settings)
    memory = FactMemory(store, embedder, settings)
    customer = Customer(customer_id="cust-amy-mum", name="Maria Lopez", products=["current account", "credit card"])
    run_ingest(store, embedder, settings, [BRANCH], customers=[customer], on_committed=memory.update)
    run_ingest(store, embedder, settings, [CARD_BLOCKED, CARD_FIXED], on_committed=memory.update)
    return memory


def one(facts, kind, contains=""):
    got = [f for f in facts if f.kind == kind and contains.lower() in (f.subject + " " + f.text).lower()]
    assert got, f"no {kind} fact about {contains!r} in {[f.text for f in facts]}"
    return got[-1]


def test_life_event_is_dated_from_the_time_words_and_changes_tense_with_now(memory):
    exams = one(memory.facts("cust-amy-mum", now=TUESDAY + timedelta(hours=1)), "life_event", "exams")
    assert exams.attributes["person"] == "Amy" and exams.attributes["relation"] == "daughter"
    assert exams.valid_from == datetime(2026, 11, 16, tzinfo=UTC)
    assert exams.valid_to == datetime(2026, 11, 23, tzinfo=UTC)
    assert exams.status == "upcoming" and exams.text == "Amy (daughter) has exams the week of 16 Nov 2026"
    assert exams.citations[0].interaction_id == "c-1" and exams.citations[0].turn_ids == ["3"]
    during = one(memory.facts("cust-amy-mum", now=datetime(2026, 11, 18, tzinfo=UTC)), "life_event", "exams")
    after = one(memory.facts("cust-amy-mum", now=datetime(2026, 11, 25, tzinfo=UTC)), "life_event", "exams")
    assert (during.status, after.status) == ("ongoing", "past")
    assert after.text.startswith("Amy (daughter) had exams")


def test_nothing_is_known_before_it_was_said(memory):
    before = memory.facts("cust-amy-mum", now=TUESDAY - timedelta(days=1))
    assert all(not f.citations for f in before)  # only the customer record's products and consent


def test_declined_offer_has_a_cooling_off_window(memory):
    offer = one(memory.facts("cust-amy-mum", now=TUESDAY + timedelta(days=1)), "offer", "mortgage")
    assert offer.status == "declined" and offer.citations[0].turn_ids == ["4", "5"]
    assert offer.valid_to - offer.valid_from == timedelta(days=90)
    assert offer.attributes["cooling_off"] is True
    later = one(memory.facts("cust-amy-mum", now=TUESDAY + timedelta(days=120)), "offer", "mortgage")
    assert later.attributes["cooling_off"] is False


def test_promise_gets_a_due_date_and_turns_overdue(memory):
    promise = one(memory.facts("cust-amy-mum", now=TUESDAY + timedelta(hours=1)), "promise", "call")
    assert promise.valid_to == datetime(2026, 11, 14, tzinfo=UTC)  # the end of Friday 13 Nov
    assert promise.status == "due" and "13 Nov 2026" in promise.text
    # c-3 is a call from the card team, not the savings-pot call back: a call keeps "call back" promises only
    # by its deadline; this one falls inside it, so it counts as kept.
    kept = one(memory.facts("cust-amy-mum", now=datetime(2026, 11, 14, tzinfo=UTC)), "promise", "call")
    assert kept.status == "kept"


def test_promise_with_no_later_contact_is_overdue(tmp_path, embedder):
    from assistant.settings import Settings

    settings = Settings(store_dir=tmp_path / "store")
    store = Store(settings)
    memory = FactMemory(store, embedder, settings)
    run_ingest(store, embedder, settings, [BRANCH], on_committed=memory.update)
    promise = one(memory.facts("cust-amy-mum", now=datetime(2026, 11, 16, tzinfo=UTC)), "promise", "call")
    assert promise.status == "overdue"


def test_verification_records_which_details_were_given(memory):
    facts = memory.facts("cust-amy-mum", now=TUESDAY + timedelta(hours=1))
    identity = one(facts, "verification", "identity")
    assert identity.status == "verified" and set(identity.attributes["details"]) == {"date of birth", "postcode"}
    postcode = next(f for f in facts if f.kind == "verification" and f.subject == "postcode")
    assert postcode.citations[0].turn_ids == ["0", "1", "2"]  # asked, given, confirmed


def test_contact_preference_and_consent(memory):
    facts = memory.facts("cust-amy-mum", now=TUESDAY + timedelta(hours=1))
    channel = one(facts, "preference", "contact channel")
    assert channel.attributes["wanted"] == ["email"] and channel.attributes["unwanted"] == ["text"]
    consent = [f for f in facts if f.kind == "consent"]
    assert len(consent) == 1 and consent[0].status == "withdrawn"  # the statement supersedes the record


def test_issue_escalated_then_resolved_keeps_its_history(memory):
    now = datetime(2026, 11, 14, tzinfo=UTC)
    current = one(memory.facts("cust-amy-mum", now=now), "issue", "debit card")
    assert current.status == "resolved" and current.attributes["reference"] == "ESC-40001"
    assert current.attributes["repeat_contacts"] == 1
    history = [f for f in memory.facts("cust-amy-mum", now=now, include_history=True)
               if f.kind == "issue" and f.subject == current.subject]
    assert [f.status for f in history] == ["escalated", "resolved"]
    assert history[0].superseded_at == current.recorded_at and current.superseded_at is None
    as_then = one(memory.facts("cust-amy-mum", now=datetime(2026, 11, 12, 12, tzinfo=UTC)), "issue", "debit card")
    assert as_then.status == "escalated"  # replaying the past shows what was known then


def test_repeat_contact_makes_the_mood_frustrated(memory):
    mood = one(memory.facts("cust-amy-mum", now=datetime(2026, 11, 14, tzinfo=UTC)), "sentiment")
    assert mood.citations[0].interaction_id == "c-3"
    assert mood.status == "frustrated" and mood.attributes["repeat_contact"] is True


def test_products_from_the_customer_record(memory):
    products = {f.subject for f in memory.facts("cust-amy-mum", kinds=["product"]) if not f.citations}
    assert products == {"current account", "credit card"}


def test_fact_ids_are_stable_and_updates_replace_not_add(memory, embedder):
    store = memory.store
    before = {f.fact_id for f in store.facts("cust-amy-mum")}
    memory.update([BRANCH, CARD_BLOCKED, CARD_FIXED])
    assert {f.fact_id for f in store.facts("cust-amy-mum")} == before


def _extract(embedder, *interactions):
    from assistant.memory.facts.extract import Extractor

    return Extractor(embedder).extract(list(interactions))


SALES_CALL = (("agent", "Would you be interested in a quote for auto insurance today?"),
              ("customer", "Hmm, well, what would it cost?"),
              ("agent", "It depends on the car. Let me ask a few questions about the auto insurance."))


@pytest.mark.parametrize(("outcome", "status", "reason"), [
    ("customer not interested", "declined", "not interested"),
    ("no quote - ineligible customer", "declined", "ineligible"),
    ("process paused - customer needs to consider the offer", "pending", None),
    ("buy", "accepted", None),
])
def test_recorded_outcome_is_the_last_word_on_the_offer(embedder, outcome, status, reason):
    call = contact("ins-1", TUESDAY, *SALES_CALL, cid="ins-1", outcome=outcome)
    facts = _extract(embedder, call)["ins-1"]
    offer = one(facts, "offer", "car insurance")
    assert offer.status == status and offer.attributes.get("reason") == reason
    bought = [f for f in facts if f.kind == "product" and f.status == "bought"]
    assert bool(bought) == (status == "accepted")
    if status == "declined":
        assert offer.valid_to is not None  # the cool-down holds: no re-pitch


def test_a_vehicle_call_that_only_says_insurance_is_about_car_insurance(embedder):
    """The policy talked about all call, not the credit card the premium is paid with."""
    call = contact("ins-2", TUESDAY,
                   ("agent", "So what vehicle are we looking to insure today?"),
                   ("customer", "A 2015 Honda. I want to see if the insurance is any cheaper with you."),
                   ("agent", "The policy would be 84 a month with that coverage."),
                   ("customer", "My credit card would be charged each month?"),
                   ("agent", "That's right. The insurance starts whenever you're ready."),
                   cid="ins-2", outcome="process paused - customer needs to consider the offer")
    offers = [f for f in _extract(embedder, call)["ins-2"] if f.kind == "offer"]
    assert [(f.subject, f.status) for f in offers] == [("car insurance", "pending")]
    assert offers[0].text.startswith("Was offered car insurance on")
    assert offers[0].citations[0].turn_ids[:1] == ["4"]  # the last turn naming it


def test_a_named_kind_of_insurance_is_not_overruled_by_bare_mentions(embedder):
    call = contact("ins-3", TUESDAY,
                   ("agent", "Since your car is with us, have you thought about home insurance too?"),
                   ("customer", "Maybe. What would the policy cost?"),
                   ("agent", "The policy would be 20 a month, and the insurance covers contents."),
                   cid="ins-3", outcome="process paused - customer needs to consider the offer")
    offers = [f for f in _extract(embedder, call)["ins-3"] if f.kind == "offer"]
    assert [(f.subject, f.status) for f in offers] == [("home insurance", "pending")]


def test_callback_outcome_alone_invents_no_offer(embedder):
    call = contact("cb-1", TUESDAY, ("customer", "Can someone call me about my mortgage rate ending?"),
                   ("agent", "Of course, I've booked a call with an adviser."), outcome="callback requested")
    assert not [f for f in _extract(embedder, call)["cb-1"] if f.kind == "offer"]


def test_approved_car_loan_and_collecting_the_car(embedder):
    call = contact("loan-1", datetime(2026, 11, 5, 10, tzinfo=UTC),
                   ("agent", "Good news: your car loan has been approved."),
                   ("customer", "Brilliant! The dealer said I can collect the Octavia on the 16th."), cid="tom")
    facts = _extract(embedder, call)["loan-1"]
    assert one(facts, "product", "car loan").status == "bought"
    car = one(facts, "life_event", "new car")
    assert car.valid_from == datetime(2026, 11, 16, tzinfo=UTC)


def test_same_day_dispatch_is_kept_unless_chased(tmp_path, embedder):
    from assistant.settings import Settings

    settings = Settings(store_dir=tmp_path / "store")
    store = Store(settings)
    memory = FactMemory(store, embedder, settings)
    sent = contact("d-1", TUESDAY, ("customer", "Can you post me the policy papers?"),
                   ("agent", "I'll post a printed copy first class today, so it should be with you by Thursday."),
                   cid="cust-post")
    run_ingest(store, embedder, settings, [sent], on_committed=memory.update)
    later = datetime(2026, 11, 20, tzinfo=UTC)
    assert one(memory.facts("cust-post", now=later), "promise", "").status == "kept"
    chase = contact("d-2", datetime(2026, 11, 18, tzinfo=UTC), ("customer", "The papers haven't come yet."),
                    ("agent", "I'm sorry, let me check."), cid="cust-post")
    run_ingest(store, embedder, settings, [chase], on_committed=memory.update)
    assert one(memory.facts("cust-post", now=later), "promise", "").status == "overdue"


@pytest.mark.parametrize(("said", "text"), [
    ("My husband passed away in March, so the car is just mine now.", "Their husband passed away in March"),
    ("He was in hospital for weeks and passed away last month.", "Customer was bereaved"),
    ("My [MARITAL_STATUS] passed away.", "Customer was bereaved"),
])
def test_a_death_is_a_loss_never_a_health_matter(embedder, said, text):
    call = contact("loss-1", TUESDAY, ("agent", "Is it just yourself on the policy?"), ("customer", said),
                   cid="loss-1")
    loss = one(_extract(embedder, call)["loss-1"], "life_event")
    assert loss.attributes["event"] == "bereavement" and loss.text.startswith(text)


def test_a_lost_card_or_a_funeral_plan_offer_is_no_bereavement(embedder):
    call = contact("loss-2", TUESDAY, ("customer", "I lost my card on the bus this morning."),
                   ("agent", "Would you like our funeral expense cover too?"), cid="loss-2")
    assert not [f for f in _extract(embedder, call)["loss-2"] if f.attributes.get("event") == "bereavement"]


def _assistant_with(settings, embedder, *calls):  # type: ignore[no-untyped-def]
    from assistant.facade import Assistant

    assistant = Assistant(settings, embedder=embedder)
    assistant.ingest(list(calls))
    return assistant


def test_suggestions_acknowledge_a_loss_and_quote_a_recorded_pause(embedder, settings):
    call = contact("ins-9", TUESDAY,
                   ("agent", "So what vehicle are we insuring today?"),
                   ("customer", "Just my Corolla. My wife passed away last month, so it's only me driving now."),
                   ("agent", "I'm sorry to hear that. The car insurance would be 70 a month."),
                   ("customer", "I need to think about it."),
                   cid="ins-9", outcome="process paused - customer needs to consider the offer")
    assistant = _assistant_with(settings, embedder, call)
    suggestions = assistant.suggestions("ins-9", now=TUESDAY + timedelta(days=7))
    texts = {s.kind: s for s in suggestions}
    assert texts["relationship"].text.startswith("Acknowledge") and "loss" in texts["relationship"].text
    assert not any("treatment" in s.text or "recovering" in s.text for s in suggestions)
    assert texts["sales"].reason.endswith("; recorded outcome: process paused - customer needs to "
                                          "consider the offer")
    assistant.close()


@pytest.mark.parametrize(("said", "is_issue"), [
    ("My credit card will be charged 84 dollars each month?", False),
    ("So I'd be charged monthly on the credit card.", False),
    ("My credit card was charged twice for the premium.", True),
])
def test_how_a_premium_will_be_charged_is_not_a_problem(embedder, said, is_issue):
    call = contact("chg-1", TUESDAY, ("agent", "The car insurance comes to 84 a month."), ("customer", said),
                   cid="chg-1")
    issues = [f for f in _extract(embedder, call)["chg-1"] if f.kind == "issue"]
    assert bool(issues) == is_issue


def test_transcript_slips_make_no_false_facts_and_no_hanging_words(embedder, settings):
    """Phrases from real sales calls: an anonymised time, a cut-off sentence, "what you call it", a claim denied."""
    call = contact("slip-1", TUESDAY,
                   ("customer", "My birthday's on Thursday, so I'm off out."),
                   ("agent", "I'll call you back at [TIME] with the quote."),
                   ("agent", "And then I'll text you the."),
                   ("customer", "I don't know what you call it when it has the suicide doors."),
                   ("customer", "Nobody else involved, no insurance claim on it."), cid="slip-1")
    assistant = _assistant_with(settings, embedder, call)
    facts = assistant.facts("slip-1", now=TUESDAY)
    assert not [f for f in facts if f.kind in ("preference", "issue")]
    assert sorted(f.text for f in facts if f.kind == "promise") == [
        "Agent promised to call the customer back with the quote", "Agent promised to text the customer"]
    texts = [s.text for s in assistant.suggestions("slip-1", now=TUESDAY + timedelta(days=1))]
    # no name on record: never the id as a name ("call slip-1 back")
    assert "Coming up tomorrow: we promised to call the customer back with the quote" in texts
    assert "Ask about the customer's birthday: \u201cHappy early birthday to you.\u201d" in texts  # not the baby
    assistant.close()


@pytest.mark.parametrize(("said", "wanted", "unwanted"), [
    ("Please email rather than phone, I'm in meetings all day.", ["email"], ["phone"]),
    ("I'm deaf in one ear, so chat is much better for me than calling.", ["chat"], ["phone"]),
    ("Please don't use my mobile, ring the landline instead.", ["landline"], ["mobile"]),
    ("Could you put it in an email? I find it easier to read.", ["email"], []),
])
def test_channel_preferences_stated_by_comparison(embedder, said, wanted, unwanted):
    call = contact("pref-1", TUESDAY, ("customer", said), cid="pref-1", channel="chat")
    pref = one(_extract(embedder, call)["pref-1"], "preference", "contact channel")
    assert (pref.attributes.get("wanted", []), pref.attributes.get("unwanted", [])) == (wanted, unwanted)


def test_a_problem_named_without_a_product_is_its_own_subject(embedder):
    call = contact("iss-1", TUESDAY, ("customer", "I've been charged twice for my gym membership this month."),
                   cid="iss-1", channel="chat")
    assert one(_extract(embedder, call)["iss-1"], "issue").subject == "duplicate payment"


def test_not_interested_closes_every_offer_of_the_call_and_add_ons_are_not_the_main_product(embedder):
    call = contact("ins-7", TUESDAY,
                   ("agent", "It looks like you were connected to me to compare rates on auto insurance today."),
                   ("customer", "Yes."),
                   ("agent", "Would you like roadside assistance quoted in there as well?"),
                   ("customer", "Hmm."),
                   ("agent", "Would you be interested in bundling your home and auto policy for savings?"),
                   ("customer", "I'll see."),
                   cid="ins-7", outcome="customer not interested")
    offers = {f.subject: f for f in _extract(embedder, call)["ins-7"] if f.kind == "offer"}
    assert set(offers) == {"car insurance", "roadside assistance", "home and auto bundle"}
    assert {f.status for f in offers.values()} == {"declined"}
    assert all(f.valid_to is not None for f in offers.values())  # each has its cool-down


def test_an_overdue_send_is_checked_before_anyone_apologises(embedder, settings):
    call = contact("snd-1", TUESDAY, ("customer", "Can you post me the mortgage documents?"),
                   ("agent", "Of course, I'll post the documents to you by Friday."),
                   ("agent", "And I'll call you back on Thursday about the valuation."), cid="snd-1")
    assistant = _assistant_with(settings, embedder, call)
    texts = [s.text for s in assistant.suggestions("snd-1", now=TUESDAY + timedelta(days=6))]
    assert any(t.startswith("Check it was sent, it was due 13 November: we promised to post") for t in texts), texts
    assert any(t.startswith("Apologise and chase it now, it was due 12 November: we promised to call") for t in texts)
    assistant.close()


def test_a_topic_refusal_is_not_a_channel_refusal_and_registering_a_birth_is_no_due_date(embedder):
    """From the demo: Priya wants no mortgage calls (not no calls at all); Grace's son is already born."""
    call = contact("dm-1", TUESDAY,
                   ("customer", "And just so you know, I don't want anyone ringing me about mortgages."),
                   ("customer", "We haven't even registered the birth yet."), cid="dm-1", channel="branch")
    facts = _extract(embedder, call)["dm-1"]
    assert not [f for f in facts if f.kind == "preference" and "phone" in f.attributes.get("unwanted", [])]
    assert not [f for f in facts if f.kind == "life_event" and f.status == "upcoming"]


@pytest.mark.parametrize(("said", "event", "not_said"), [
    ("I was made redundant last week, so money's tight.", "job_loss", "new job"),
    ("I'm retiring in March after thirty years.", "retirement", "new job"),
    ("I'm starting a new job on Monday.", "new_job", "retire"),
])
def test_losing_a_job_or_retiring_is_not_a_new_job(embedder, settings, said, event, not_said):
    call = contact("job-1", TUESDAY, ("customer", said), cid="job-1", channel="chat")
    assistant = _assistant_with(settings, embedder, call)
    [fact] = [f for f in assistant.facts("job-1", now=TUESDAY) if f.kind == "life_event"]
    assert fact.attributes["event"] == event
    texts = " ".join(s.text for s in assistant.suggestions("job-1", now=TUESDAY + timedelta(days=3)))
    assert not_said not in texts.lower()
    assistant.close()


def test_other_people_retiring_somewhere_is_no_event(embedder):
    call = contact("sp-1", TUESDAY, ("customer", "I watched a documentary about people retiring to Spain."),
                   cid="sp-1", channel="chat")
    assert not [f for f in _extract(embedder, call)["sp-1"] if f.kind == "life_event"]
