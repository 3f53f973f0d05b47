"""Contact histories written inline in tests: one contact as the JSON the ingest reads, and the fixture that
builds an Assistant over one customer's contacts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


def contact(iid: str, at: str, *turns: tuple[str, str], customer: str, channel: str = "voice",
            outcome: str | None = None, tags: list[str] | None = None) -> dict:
    return {"interaction_id": iid, "customer_id": customer, "channel": channel, "started_at": at,
            "tags": tags or [], "outcome": outcome, "turns": [{"speaker": s, "text": t} for s, t in turns]}


def one_customer(customer_id: str, name: str | None) -> Callable[..., Any]:
    """A module's `assistant_with` fixture: `assistant_with(*contacts, name=...)` ingests them for this customer
    (conftest's `assistant_for` closes the Assistant after the test)."""

    @pytest.fixture()
    def assistant_with(assistant_for):  # type: ignore[no-untyped-def]
        def build(*contacts: dict, name: str | None = name) -> Any:
            return assistant_for(customer_id, *contacts, name=name)

        return build

    return assistant_with
