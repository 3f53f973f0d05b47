"""One contact of one customer, for the fact-reading tests. Not a test module (no test_ prefix)."""

from __future__ import annotations

from datetime import UTC, datetime

from assistant.models import Interaction

MONDAY = datetime(2026, 11, 16, 10, tzinfo=UTC)
CUSTOMER = "cust-t"
CONTACT = "t-1"


def one_contact(*lines: tuple[str, str], channel: str = "chat") -> Interaction:
    """`lines` are (speaker, text) pairs, in order, all on Monday 16 November 2026."""
    return Interaction(interaction_id=CONTACT, customer_id=CUSTOMER, channel=channel, started_at=MONDAY,
                       turns=[{"speaker": s, "text": t} for s, t in lines])
