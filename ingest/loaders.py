"""Reading input into raw records: JSONL interactions and customers, and one-row-per-message CSV exports.

A CSV export is grouped into interactions by its conversation id column. Nothing here validates
a record's fields; a record that cannot even be read (bad JSON, not UTF-8) carries its error.
A rejects file (``calls.jsonl.rejects.jsonl``, see ingest.rejects) holds the refused lines as they were, so it
reads like any other input; its reasons file is refused.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from assistant.errors import InputError
from assistant.models import RejectedRecord, as_utc, channel_named
from ingest.rejects import REASONS_SUFFIX, is_reasons_file, rejects_path

SPEAKER_ALIASES = {
    **dict.fromkeys(("customer", "client", "caller", "user", "member", "consumer", "visitor", "end_user",
                     "end-user", "policyholder", "contact"), "customer"),
    **dict.fromkeys(("agent", "rep", "representative", "advisor", "adviser", "operator", "staff", "support",
                     "employee", "csr", "bot", "assistant"), "agent"),
    **dict.fromkeys(("system", "ivr", "automated", "auto"), "system"),
}
_TIME = TypeAdapter(datetime)


@dataclass
class RawRecord:
    """One record as read: a dict (or model) to validate, or the error that kept it from being read."""

    file: str
    line: int
    payload: Any = None
    original: str | None = None  # the text written to the rejects file; None for in-memory input
    error: RejectedRecord | None = None
    header: str | None = None  # a CSV's header line, so a rejected row can be re-read on its own
    field_name: Callable[[str], tuple[int, str]] | None = None  # CSV: field path -> (line, column)


@dataclass(frozen=True)
class CsvFormat:
    """Column names of a one-row-per-message export; customer_id and channel columns are optional.

    Without a customer id column, each conversation is taken as its own (anonymous) customer.
    From a string: ``"csv"`` or ``"csv:conversation_id=ConvId,text=Message,default_channel=voice"``.
    """

    conversation_id: str = "conversation_id"
    timestamp: str = "timestamp"
    speaker: str = "speaker"
    text: str = "text"
    customer_id: str | None = "customer_id"
    channel: str | None = "channel"
    default_channel: str = "chat"
    delimiter: str = ","

    @classmethod
    def parse(cls, spec: str) -> CsvFormat:
        _, _, options = spec.partition(":")
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for part in filter(None, (p.strip() for p in options.split(","))):
            key, sep, value = part.partition("=")
            if not sep or key.strip() not in known:
                raise InputError(f"unknown CSV option '{part}' (options: {', '.join(sorted(known))})")
            values[key.strip()] = value.strip() or None
        return cls(**values)

    def required(self) -> list[str]:
        return [self.conversation_id, self.timestamp, self.speaker, self.text]


Format = str | CsvFormat | None


def resolve_format(path: Path, format: Format) -> str | CsvFormat:
    """"jsonl" or a CsvFormat, from the argument or else the file name (.jsonl/.ndjson, .csv)."""
    if isinstance(format, CsvFormat):
        return format
    if format:
        if format == "jsonl":
            return "jsonl"
        if format.split(":", 1)[0] == "csv":
            return CsvFormat.parse(format)
        raise InputError(f"unknown format '{format}': use jsonl, csv or csv:<column options>")
    if is_reasons_file(path):
        source = path.name.removesuffix(REASONS_SUFFIX)
        raise InputError(f"this file says why lines of {source} were rejected, for people to read; it is never "
                         f"ingested. Fix the lines in {rejects_path(path.with_name(source)).name} and ingest that",
                         file=str(path))
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson"}:
        return "jsonl"
    if suffix == ".csv":
        return CsvFormat()
    raise InputError(f"cannot tell the format of {path} from its name: use .jsonl or .csv, or pass format=")


def _text_lines(path: Path) -> Iterator[tuple[int, str | None, str]]:
    """(line number, text, original) for each non-blank line; text is None where the bytes are not UTF-8, and
    the original then keeps them (surrogateescape), so a rejects file gets the line back byte for byte."""
    with path.open("rb") as fh:
        for number, data in enumerate(fh, start=1):
            encoding = "utf-8-sig" if number == 1 else "utf-8"
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                yield number, None, data.decode(encoding, errors="surrogateescape").rstrip("\r\n")
                continue
            if text.strip():
                yield number, text.rstrip("\r\n"), text.rstrip("\r\n")


# The entry an earlier Rapport wrote to a rejects file, wrapping the refused line: its keys.
_WRAPPED_ENTRY = {"file", "line", "errors", "original"}


def _from_json_line(file: str, line: int, text: str | None, original: str) -> RawRecord:
    if text is None:
        return RawRecord(file, line, original=original,
                         error=RejectedRecord(file=file, line=line, field="<line>", reason="not UTF-8 text"))
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        return RawRecord(file, line, original=original, error=RejectedRecord(
            file=file, line=line, field="<line>", reason=f"not valid JSON: {exc.msg} (column {exc.colno})"))
    if not isinstance(payload, dict):
        return RawRecord(file, line, original=original, error=RejectedRecord(
            file=file, line=line, field="<line>", reason=f"expected a JSON object, got {type(payload).__name__}"))
    if payload.keys() >= _WRAPPED_ENTRY and "interaction_id" not in payload and "customer_id" not in payload:
        return RawRecord(file, line, original=original, error=RejectedRecord(
            file=file, line=line, field="<line>", reason="a rejects entry written by an earlier Rapport: replace "
            "the line with its 'original' text (the refused line as it was), fixed"))
    return RawRecord(file, line, payload=payload, original=original)


def read_jsonl(path: Path) -> Iterator[RawRecord]:
    for line, text, original in _text_lines(path):
        yield _from_json_line(str(path), line, text, original)


def read_csv(path: Path, fmt: CsvFormat) -> Iterator[RawRecord]:
    file = str(path)
    # surrogateescape: bytes that are not UTF-8 survive to the rejects file; their rows are rejected below
    text = path.read_bytes().decode("utf-8-sig", errors="surrogateescape")
    physical = list(io.StringIO(text, newline=""))  # the lines the reader reads, so rows keep their own text
    reader = csv.reader(iter(physical), delimiter=fmt.delimiter)
    header = next(reader, None)
    if header is None:
        return
    header_text = _strip_newline("".join(physical[: reader.line_num]))
    rows, last = [], reader.line_num
    for row in reader:
        if any(cell.strip() for cell in row):
            rows.append((last + 1, row, _strip_newline("".join(physical[last: reader.line_num]))))
        last = reader.line_num
    yield from _group_csv(file, header, header_text, rows, fmt, whole=_strip_newline(text))


def _strip_newline(text: str) -> str:
    return text[:-2] if text.endswith("\r\n") else text.rstrip("\n")


def _group_csv(file: str, header: list[str], header_text: str, rows: list[tuple[int, list[str], str]],
               fmt: CsvFormat, whole: str) -> Iterator[RawRecord]:
    """Rows grouped into conversations; `whole` is the file's text, which a header missing a column rejects."""
    columns = {name.strip(): i for i, name in enumerate(header)}
    missing = [c for c in fmt.required() if c not in columns]
    if missing:
        yield RawRecord(file, 1, original=whole, error=RejectedRecord(
            file=file, line=1, field=missing[0],
            reason=f"column not in the header (columns: {', '.join(columns)}); set the CSV column names"))
        return

    def cell(row: list[str], column: str | None) -> str:
        i = columns.get(column) if column else None
        return row[i].strip() if i is not None and i < len(row) else ""

    groups: dict[str, list[tuple[int, list[str]]]] = {}
    texts: dict[int, str] = {}  # line -> the row as it was in the file
    for line, row, raw in rows:
        conversation = cell(row, fmt.conversation_id)
        if _NOT_UTF8.search(raw) or not conversation:
            what = ("<line>", "not UTF-8 text") if conversation else (fmt.conversation_id, "must not be empty")
            yield RawRecord(file, line, original=raw, header=header_text,
                            error=RejectedRecord(file=file, line=line, field=what[0], reason=what[1]))
            continue
        groups.setdefault(conversation, []).append((line, row))
        texts[line] = raw

    for conversation, members in groups.items():
        original = "\n".join(texts[line] for line, _ in members)  # in file order, as they were
        yield _conversation(file, conversation, members, fmt, cell, header_text, original)


_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # bytes kept by surrogateescape


def _conversation(file: str, conversation: str, members: list[tuple[int, list[str]]], fmt: CsvFormat,
                  cell: Callable[[list[str], str | None], str], header_text: str, original: str) -> RawRecord:
    members = _chronological(members, lambda row: cell(row, fmt.timestamp))
    lines = [line for line, _ in members]
    customers = sorted({cell(row, fmt.customer_id) for _, row in members} - {""})
    if len(customers) > 1:
        return RawRecord(file, lines[0], original=original, header=header_text, error=RejectedRecord(
            file=file, line=lines[0], field=fmt.customer_id or "customer_id",
            reason=f"rows of conversation '{conversation}' name different customers ({', '.join(customers)})"))
    channel = next((cell(row, fmt.channel) for _, row in members if cell(row, fmt.channel)), fmt.default_channel)
    channel = channel.lower()
    first_time = cell(members[0][1], fmt.timestamp)
    payload = {
        "interaction_id": conversation,
        "customer_id": customers[0] if customers else conversation,
        "channel": channel_named(channel),
        "started_at": first_time or None,
        "turns": [
            {
                "speaker": SPEAKER_ALIASES.get(cell(row, fmt.speaker).lower(), cell(row, fmt.speaker)),
                "text": cell(row, fmt.text),
                "at": cell(row, fmt.timestamp) or None,
            }
            for _, row in members
        ],
    }
    turn_columns = {"speaker": fmt.speaker, "text": fmt.text, "at": fmt.timestamp}
    record_columns = {"interaction_id": fmt.conversation_id, "started_at": fmt.timestamp,
                      "customer_id": fmt.customer_id or "customer_id", "channel": fmt.channel or "channel"}

    def field_name(path: str) -> tuple[int, str]:
        parts = path.split(".")
        if parts[0] == "turns" and len(parts) >= 3 and parts[1].isdigit() and int(parts[1]) < len(lines):
            return lines[int(parts[1])], turn_columns.get(parts[2], parts[2])
        return lines[0], record_columns.get(parts[0], path)

    return RawRecord(file, lines[0], payload=payload, original=original, header=header_text, field_name=field_name)


def _chronological(members: list[tuple[int, list[str]]],
                   timestamp: Callable[[list[str]], str]) -> list[tuple[int, list[str]]]:
    """Rows in time order when every timestamp reads; otherwise file order (validation names the bad one)."""
    try:
        times = [as_utc(_TIME.validate_python(timestamp(row))) for _, row in members]
    except (ValidationError, OverflowError):  # OverflowError: a far-out time with an extreme offset
        return members
    return [m for _, m in sorted(zip(times, members, strict=True), key=lambda pair: pair[0])]


def read_records(path: Path, format: Format = None) -> Iterator[RawRecord]:
    if not path.is_file():
        raise InputError("no such file", file=str(path))
    fmt = resolve_format(path, format)
    return read_jsonl(path) if fmt == "jsonl" else read_csv(path, fmt)  # type: ignore[arg-type]


def in_memory(records: Iterable[Any], name: str = "<input>") -> Iterator[RawRecord]:
    for i, record in enumerate(records, start=1):
        yield RawRecord(name, i, payload=record)


@dataclass
class Sources:
    """What run_ingest was given, as files or in-memory records."""

    files: list[Path] = field(default_factory=list)
    records: list[Any] | None = None


def sources(value: Any) -> Sources:
    if value is None:
        return Sources()
    if isinstance(value, str | Path):
        return Sources(files=[Path(value)])
    if isinstance(value, dict | BaseModel):  # one record
        return Sources(records=[value])
    items = list(value)
    if items and all(isinstance(v, str | Path) for v in items):
        return Sources(files=[Path(v) for v in items])
    return Sources(records=items)
