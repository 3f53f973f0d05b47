"""A promise's due day and state are decided once (drafting.promises.promise_due) and every screen says the same:
the overdue banner at the top of the desk and the profile's promise list, around midnight of the due day."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from assistant.models import Interaction
from assistant.ui import render

WEDNESDAY = datetime(2026, 11, 11, 10, tzinfo=UTC)
FRIDAY_LATE = datetime(2026, 11, 13, 23, 30, tzinfo=UTC)
SATURDAY_EARLY = datetime(2026, 11, 14, 0, 30, tzinfo=UTC)
CALL = Interaction(interaction_id="due-1", customer_id="cust-due", channel="voice", started_at=WEDNESDAY,
                   turns=[{"speaker": "customer", "text": "Can someone tell me where my replacement card is?"},
                          {"speaker": "agent", "text": "I'll call you back by Friday about the replacement card."}])


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, embedder):
    from assistant.facade import Assistant
    from assistant.settings import Settings

    made = Assistant(Settings(store_dir=tmp_path_factory.mktemp("due") / "store"), embedder=embedder)
    made.ingest([CALL])
    yield made
    made.close()


def shown(assistant, now: datetime) -> tuple[list[tuple[str, str]], list[str]]:  # type: ignore[no-untyped-def]
    """(state, due day) of each promise in the profile's list, and the due days the overdue banner names."""
    facts = assistant.facts("cust-due", now=now)
    card = render.profile_card(assistant.customer("cust-due"), facts, [CALL], now)
    promises = card.split("Promises", 1)[1] if "Promises" in card else ""
    listed = re.findall(r'rp-sub">(\w[\w ]*) · due (\d\d \w{3} \d{4})', promises)
    banner = re.findall(r"was due (\d\d \w{3} \d{4})", render.overdue_promises(facts, now))
    return listed, banner


def test_a_promise_due_by_friday_reads_the_same_in_the_banner_and_the_profile(assistant):
    promises = [f for f in assistant.facts("cust-due", now=FRIDAY_LATE) if f.kind == "promise"]
    assert len(promises) == 1, promises  # "by Friday", said on a Wednesday

    listed, banner = shown(assistant, FRIDAY_LATE)  # Friday 23:30: still Friday's promise, not yet late
    assert listed == [("due today", "13 Nov 2026")] and banner == []

    listed, banner = shown(assistant, SATURDAY_EARLY)  # Saturday 00:30: Friday has gone, so it is overdue
    assert listed == [("overdue", "13 Nov 2026")] and banner == ["13 Nov 2026"]
