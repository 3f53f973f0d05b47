"""Contact histories written inline in tests: one contact as the JSON the ingest reads."""

from __future__ import annotations


def contact(iid: str, at: str, *turns: tuple[str, str], customer: str, channel: str = "voice",
            outcome: str | None = None, tags: list[str] | None = None) -> dict:
    return {"interaction_id": iid, "customer_id": customer, "channel": channel, "started_at": at,
            "tags": tags or [], "outcome": outcome, "turns": [{"speaker": s, "text": t} for s, t in turns]}
