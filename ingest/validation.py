"""Raw records to Interaction/Customer, or RejectedRecords a user can act on (file, line, field, reason), and the
years a time may fall in (AcceptedYears: records at ingest and over REST, `now` wherever a draft is asked for)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from assistant.errors import InputError
from assistant.models import Customer, Interaction, RejectedRecord, Turn, as_utc
from assistant.settings import Settings
from ingest.loaders import RawRecord

M = TypeVar("M", bound=BaseModel)
MAX_ERRORS_PER_RECORD = 5  # a record with twenty broken turns gets five reasons, not a wall of text
Location = tuple[str | int, ...]
_PARSE: dict[type, TypeAdapter[Any]] = {datetime: TypeAdapter(datetime), date: TypeAdapter(date)}


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


@dataclass(frozen=True)
class AcceptedYears:
    """The years a time may fall in, in UTC (Settings.earliest_year..latest_year). Far outside them date arithmetic
    overflows: one contact started '9999-12-31T23:59:59Z' was stored and then broke every later ingest."""

    earliest: int = Settings.model_fields["earliest_year"].default
    latest: int = Settings.model_fields["latest_year"].default

    @classmethod
    def of(cls, settings: Settings) -> AcceptedYears:
        return cls(settings.earliest_year, settings.latest_year)

    def refusal(self, value: datetime | date, given: Any = None) -> str | None:
        """Why the time is refused (naming `given`, what was sent, if not the value itself), or None."""
        try:
            year: int | None = as_utc(value).year if isinstance(value, datetime) else value.year
        except OverflowError:  # '0001-01-01T00:00:00+14:00' lies in year 0 in UTC
            year = None
        if year is not None and self.earliest <= year <= self.latest:
            return None
        shown = given if given is not None else value.isoformat()
        return f"outside the accepted years {self.earliest}-{self.latest} ({_shown(shown)})"

    def checked(self, value: datetime, field: str) -> datetime:
        """The time in UTC, or an InputError naming the field."""
        reason = self.refusal(value)
        if reason is not None:
            raise InputError(reason, field=field)
        return as_utc(value)

    def problems(self, payload: Any, model: type[BaseModel]) -> list[tuple[Location, str]]:
        """(where, why) for each time of a raw or validated interaction or customer that is refused. A time that
        does not parse is left to the model's own validation, which names it."""
        out = []
        for loc, given, kind in _times(payload, model):
            try:
                value = given if isinstance(given, kind) else _PARSE[kind].validate_python(given)
            except (ValidationError, ValueError, OverflowError, TypeError):
                continue
            reason = self.refusal(value, given)
            if reason is not None:
                out.append((loc, reason))
        return out


@dataclass(frozen=True)
class RecordLimits:
    """How big one interaction may be: turns, and characters per turn. REST takes the lower limits
    (Settings.max_*), `rapport ingest` the higher ingest_max_* ones; each refusal names the limit's setting."""

    max_turns: int
    max_turn_chars: int
    turns_setting: str = "RAPPORT_MAX_TURNS_PER_INTERACTION"
    chars_setting: str = "RAPPORT_MAX_TURN_CHARS"

    @classmethod
    def for_api(cls, settings: Settings) -> RecordLimits:
        return cls(settings.max_turns_per_interaction, settings.max_turn_chars)

    @classmethod
    def for_ingest(cls, settings: Settings) -> RecordLimits:
        return cls(settings.ingest_max_turns_per_interaction, settings.ingest_max_turn_chars,
                   "RAPPORT_INGEST_MAX_TURNS_PER_INTERACTION", "RAPPORT_INGEST_MAX_TURN_CHARS")

    def problems(self, payload: Any) -> list[tuple[Location, str]]:
        """(where, why) for each limit a raw or validated interaction passes; at most MAX_ERRORS_PER_RECORD."""
        turns = payload.turns if isinstance(payload, Interaction) else (
            payload.get("turns") if isinstance(payload, dict) else None)
        if not isinstance(turns, list):
            return []
        out: list[tuple[Location, str]] = []
        if len(turns) > self.max_turns:
            out.append((("turns",), f"{len(turns):,} turns, over the limit of {self.max_turns:,} per interaction "
                                    f"({self.turns_setting})"))
        for i, turn in enumerate(turns):
            text = turn.text if isinstance(turn, Turn) else turn.get("text") if isinstance(turn, dict) else None
            if isinstance(text, str) and len(text) > self.max_turn_chars:
                out.append((("turns", i, "text"), f"{len(text):,} characters, over the limit of "
                                                  f"{self.max_turn_chars:,} per turn ({self.chars_setting})"))
            if len(out) >= MAX_ERRORS_PER_RECORD:
                break
        return out


def _times(payload: Any, model: type[BaseModel]) -> Iterator[tuple[Location, Any, type]]:
    if isinstance(payload, BaseModel):
        payload = payload.model_dump()
    if not isinstance(payload, dict):
        return
    if model is Customer:
        if payload.get("customer_since") is not None:
            yield ("customer_since",), payload["customer_since"], date
        return
    for key in ("started_at", "ended_at"):
        if payload.get(key) is not None:
            yield (key,), payload[key], datetime
    turns = payload.get("turns")
    for i, turn in enumerate(turns if isinstance(turns, list) else []):
        if isinstance(turn, dict) and turn.get("at") is not None:
            yield ("turns", i, "at"), turn["at"], datetime


def rejected_at(raw: RawRecord, loc: Location, reason: str) -> RejectedRecord:
    """Why `raw` is refused, at `loc` (re-addressed to a CSV's own line and column)."""
    line, name = raw.line, ".".join(str(part) for part in loc)
    if raw.field_name is not None:
        line, name = raw.field_name(name)
    return RejectedRecord(file=raw.file, line=line, field=name, reason=reason)


def validate(raw: RawRecord, model: type[M], years: AcceptedYears = AcceptedYears(),
             limits: RecordLimits | None = None) -> M | list[RejectedRecord]:
    if raw.error is not None:
        return [raw.error]
    # Times first: a far-out time with an extreme offset overflows inside the model's own validation.
    refused = [rejected_at(raw, loc, reason) for loc, reason in years.problems(raw.payload, model)]
    if limits is not None and model is Interaction:  # sizes before the model copies a huge record
        refused += [rejected_at(raw, loc, reason) for loc, reason in limits.problems(raw.payload)]
    if refused:
        return refused[:MAX_ERRORS_PER_RECORD]
    if isinstance(raw.payload, model):
        return raw.payload
    try:
        return model.model_validate(raw.payload)
    except ValidationError as exc:
        return rejections(exc, raw.file, raw.line, raw.field_name)
    except OverflowError:  # a time the check above could not read and the model still could
        return [rejected_at(raw, ("<record>",), f"a time outside the accepted years {years.earliest}-{years.latest}")]


def validate_interaction(raw: RawRecord, years: AcceptedYears = AcceptedYears(),
                         limits: RecordLimits | None = None) -> Interaction | list[RejectedRecord]:
    return validate(raw, Interaction, years, limits)


def validate_customer(raw: RawRecord, years: AcceptedYears = AcceptedYears()) -> Customer | list[RejectedRecord]:
    return validate(raw, Customer, years)
