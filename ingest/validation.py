"""Raw records to Interaction/Customer, or RejectedRecords a user can act on (file, line, field, reason)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from assistant.models import Customer, Interaction, RejectedRecord
from ingest.loaders import RawRecord

M = TypeVar("M", bound=BaseModel)
MAX_ERRORS_PER_RECORD = 5  # a record with twenty broken turns gets five reasons, not a wall of text


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _reason(error: dict[str, Any]) -> str:
    kind, got = error["type"], error.get("input")
    if kind == "missing":
        return "required, missing"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind.startswith(("datetime", "date_")):
        return f"not an ISO-8601 time ({_shown(got)})"
    if kind == "literal_error":
        allowed = error.get("ctx", {}).get("expected", "")
        return f"must be one of {allowed} (got {_shown(got)})"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "too_short":
        return "must have at least one item"
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    return f"{error['msg']} (got {_shown(got)})"


def _field(loc: tuple[Any, ...], reason: str) -> str:
    if not loc:
        return "turns" if "turn_id" in reason else "<record>"
    return ".".join(str(part) for part in loc)


def rejections(exc: ValidationError, file: str, line: int,
               field_name: Callable[[str], tuple[int, str]] | None = None) -> list[RejectedRecord]:
    """One RejectedRecord per problem; field paths read like "turns.2.speaker".

    ``field_name`` lets a loader re-address a path (a CSV maps "turns.2.at" to its own line and column).
    """
    out = []
    for error in exc.errors()[:MAX_ERRORS_PER_RECORD]:
        reason = _reason(error)
        where, name = line, _field(tuple(error["loc"]), reason)
        if field_name is not None:
            where, name = field_name(name)
        out.append(RejectedRecord(file=file, line=where, field=name, reason=reason))
    return out


def validate(raw: RawRecord, model: type[M]) -> M | list[RejectedRecord]:
    if raw.error is not None:
        return [raw.error]
    if isinstance(raw.payload, model):
        return raw.payload
    try:
        return model.model_validate(raw.payload)
    except ValidationError as exc:
        return rejections(exc, raw.file, raw.line, raw.field_name)


def validate_interaction(raw: RawRecord) -> Interaction | list[RejectedRecord]:
    return validate(raw, Interaction)


def validate_customer(raw: RawRecord) -> Customer | list[RejectedRecord]:
    return validate(raw, Customer)
