"""A contact that touches two matters belongs to both cases ("Oh, before I forget, ..."), and each case holds only
its share of that contact: the steps and promises said about the other matter stay out of its handover."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from assistant.facade import Assistant
from assistant.language.matters import matter_words, opens_another_matter

T0 = datetime(2026, 10, 5, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("said", [
    "Oh, before I forget, the double direct debit last month came back.",
    "Also unrelated but can I get a smart meter at my own place?",
    "And the other thing, the letter about the fixed rate ending.",
    "oh also did u get my form for the same every month bill thing",
    "While I've got you, my card expires next month.",
    "Now, the roof.",
])
def test_a_turn_to_another_matter_is_read(said):
    assert opens_another_matter(said)


@pytest.mark.parametrize("said", [
    "I also tried restarting it twice.", "The other day it dropped again.", "Now it keeps dropping every night.",
    "Thanks, that's all.",
])
def test_more_of_the_same_is_no_turn(said):
    assert not opens_another_matter(said)


def test_the_marker_is_left_out_of_the_matter_unless_it_carries_it():
    assert matter_words("Also unrelated but can I get a smart meter at my own place?") == \
        "can I get a smart meter at my own place?"
    assert matter_words("There's the roof as well, are you dealing with that?").startswith("There's the roof")


def contact(iid: str, when: datetime, channel: str, turns: list[tuple[str, str]]) -> dict:
    return {"interaction_id": iid, "customer_id": "ola", "channel": channel, "started_at": when.isoformat(),
            "turns": [{"speaker": s, "text": t} for s, t in turns]}


HISTORY = [
    contact("dd-1", T0, "voice", [
        ("customer", "Hello, my energy direct debit came out twice this month, both on the first and the second."),
        ("agent", "I'm sorry. I've raised a Direct Debit Guarantee claim for the duplicate payment."),
    ]),
    contact("saver-1", T0 + timedelta(days=20), "voice", [
        ("customer", "I'd like to take some money out of my fixed saver, the roof needs doing."),
        ("agent", "You can withdraw from the fixed saver without any penalty."),
        ("customer", "Oh, before I forget, that double direct debit business last month, the money did come back."),
        ("agent", "Good. I've closed the Direct Debit Guarantee claim now that the refund reached you."),
    ]),
    contact("saver-2", T0 + timedelta(days=30), "voice", [
        ("customer", "I closed my fixed saver to pay for the roof and you charged me a penalty, but I was told there "
                     "wouldn't be one."),
        ("agent", "I've raised a complaint about the early closure charge on your fixed saver."),
    ]),
]


@pytest.fixture()
def assistant(settings, embedder):
    a = Assistant(settings, embedder=embedder)
    a.ingest(HISTORY, customers=[{"customer_id": "ola", "name": "Ola Oduya"}])
    yield a
    a.close()


def test_a_contact_about_two_matters_is_in_both_cases(assistant):
    groups = {frozenset(c.interaction_ids()) for c in assistant.cases("ola")}
    assert frozenset({"dd-1", "saver-1"}) in groups
    assert frozenset({"saver-1", "saver-2"}) in groups


def test_each_case_holds_only_its_share_of_the_contact(assistant):
    cases = assistant.cases("ola")
    debit = next(c for c in cases if "dd-1" in c.interaction_ids())
    saver = next(c for c in cases if "saver-2" in c.interaction_ids())
    share = {c.interaction_id: c.turn_ids for c in debit.contacts}["saver-1"]
    assert share and share[0] == "2"  # from the turn the customer turned to it
    saver_share = {c.interaction_id: c.turn_ids for c in saver.contacts}["saver-1"]
    assert saver_share and "2" not in saver_share and "0" in saver_share


def test_the_handover_of_one_case_leaves_the_other_matters_steps_out(assistant):
    now = T0 + timedelta(days=30, minutes=5)
    draft = assistant.handover("ola", interaction_id="saver-2", now=now)
    text = " ".join(s.text for s in draft.sentences)
    assert "raised a complaint about the early closure charge" in text
    assert "refund reached" not in text and "Direct Debit Guarantee" not in text


def test_a_contact_is_handed_over_in_its_own_problems_case_unless_the_team_says_otherwise(assistant):
    now = T0 + timedelta(days=20, minutes=5)
    own = assistant.handover("ola", interaction_id="saver-1", now=now)
    assert not any("Direct Debit Guarantee" in line for line in own.sections["done"])
    debit = next(c for c in assistant.cases("ola", now=now) if "dd-1" in c.interaction_ids())
    saver = next(c for c in assistant.cases("ola", now=now) if "dd-1" not in c.interaction_ids())
    if debit.team == saver.team:
        pytest.skip("both cases routed to one team; the team cannot pick between them")
    other = assistant.handover("ola", interaction_id="saver-1", now=now, team=debit.team)
    assert any("closed the Direct Debit Guarantee claim" in line for line in other.sections["done"])
