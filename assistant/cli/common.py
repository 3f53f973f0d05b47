"""What every command shares: opening the assistant, parsing --now, printing JSON."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import typer
from pydantic import BaseModel

from assistant.errors import InputError


def open_assistant():  # type: ignore[no-untyped-def]
    """The Assistant, lazily: a command loads the embedding model only when it embeds (stats does not)."""
    from assistant.facade import Assistant
    from assistant.settings import Settings

    return Assistant(Settings(), lazy=True)


def parse_now(value: str | None) -> datetime | None:
    """The --now time as given; the Assistant turns it into UTC and refuses one outside the accepted years."""
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InputError(f"not an ISO-8601 time ('{value}')", field="--now") from exc


def print_json(value: Any) -> None:
    def encode(v: Any) -> Any:
        if isinstance(v, BaseModel):
            return v.model_dump(mode="json")
        if isinstance(v, list):
            return [encode(x) for x in v]
        return v

    typer.echo(json.dumps(encode(value), indent=2, ensure_ascii=False, default=str))


def cite(citations: list[Any]) -> str:
    return " ".join(f"[{c.interaction_id}#{','.join(c.turn_ids)}]" for c in citations)
