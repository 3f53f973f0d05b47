"""What was tried: steps taken in a contact are read as action facts; plans, questions, refusals and talk are not."""

from __future__ import annotations

import pytest

from assistant.memory.facts.actions import actions
from assistant.memory.facts.base import Conversation
from assistant.models import Interaction


def steps(*turns: tuple[str, str]) -> list[str]:
    inter = Interaction(interaction_id="x1", customer_id="c", channel="voice", started_at="2026-11-05T10:00:00Z",
                        turns=[{"speaker": s, "text": t} for s, t in turns])
    return [f.attributes["quote"] for f in actions(Conversation.of(inter))]


@pytest.mark.parametrize("said", [
    "I've run a line test and it came back clear.",
    "We sent a replacement router on Monday.",
    "I'm resetting it now, you'll get a text to set a new PIN.",
    "I'm going to send you a replacement hub.",
    "I've submitted a refund of $85.40 back to your checking account.",
])
def test_a_step_the_agent_took_is_an_action(said):
    assert steps(("agent", said)) == [said]


@pytest.mark.parametrize("said", [
    "I'll call you back by Friday.",  # a promise, not a step taken
    "I haven't reset it yet.",
    "Have you restarted the router?",
    "I understand how frustrating that is.",
    "I'm just looking at your account now.",
    "I'm sorry to hear that.",
])
def test_promises_questions_refusals_and_talk_are_not_actions(said):
    assert steps(("agent", said)) == []


def test_the_customer_s_own_tries_count_and_their_news_does_not():
    assert steps(("customer", "I've restarted the router three times already.")) == [
        "I've restarted the router three times already."]
    assert steps(("customer", "We moved here in 2019 and loved it.")) == []
