"""Rejects files: every refused record beside its input, exactly as it was, to fix and ingest again.

``calls.jsonl`` -> ``calls.jsonl.rejects.jsonl`` holds the refused lines as they were (same bytes, a CSV's header
first: ``export.csv.rejects.csv``), so it is an input like any other: fix it, ingest it. Why each line was
refused goes beside it, in ``calls.jsonl.rejects.reasons.jsonl`` (one JSON line per refused record: the source
file and line, the field and the reason, and the record's line in the rejects file), which is for people: the
loader refuses it. Ingesting a rejects file rewrites it (and its reasons) to hold only what still fails, and
removes both once nothing does; a clean run of an input removes its stale ones.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.models import RejectedRecord

if TYPE_CHECKING:
    from ingest.loaders import RawRecord

REJECTS = ".rejects"
REASONS_SUFFIX = ".rejects.reasons.jsonl"
_REJECTS_NAME = re.compile(r".+\.rejects(\.[^.]+)?")


def is_reasons_file(path: Path) -> bool:
    return path.name.endswith(REASONS_SUFFIX)


def is_rejects_file(path: Path) -> bool:
    return not is_reasons_file(path) and _REJECTS_NAME.fullmatch(path.name) is not None


def rejects_path(source: Path) -> Path:
    """``calls.jsonl`` -> ``calls.jsonl.rejects.jsonl``; a rejects file is its own."""
    return source if is_rejects_file(source) else source.with_name(f"{source.name}{REJECTS}{source.suffix}")


def reasons_path(rejects: Path) -> Path:
    """``calls.jsonl.rejects.jsonl`` -> ``calls.jsonl.rejects.reasons.jsonl``."""
    stem = rejects.name[: -len(rejects.suffix)] if rejects.suffix != REJECTS else rejects.name
    return rejects.with_name(stem.removesuffix(REJECTS) + REASONS_SUFFIX)


def write_rejects(source: Path, refused: Sequence[tuple[RawRecord, list[RejectedRecord]]]) -> Path | None:
    """Write (or clear) the rejects file of one input and its reasons; returns the rejects file when there is
    something in it."""
    target = rejects_path(source)
    reasons = reasons_path(target)
    if not refused:
        target.unlink(missing_ok=True)
        reasons.unlink(missing_ok=True)
        return None
    header = next((raw.header for raw, _ in refused if raw.header is not None), None)
    lines: list[str] = [header] if header is not None else []
    why: list[str] = []
    for raw, errors in refused:
        original = raw.original if raw.original is not None else ""
        first = errors[0] if errors else RejectedRecord(file=raw.file, line=raw.line, field="<line>", reason="refused")
        why.append(json.dumps({
            "file": first.file, "line": first.line, "field": first.field, "reason": first.reason,
            "rejects_line": len(lines) + 1,
            "errors": [{"line": e.line, "field": e.field, "reason": e.reason} for e in errors],
        }, ensure_ascii=False))
        lines.extend(original.split("\n"))
    _replace(target, lines)
    _replace(reasons, why)
    return target


def _replace(target: Path, lines: list[str]) -> None:
    tmp = target.with_name(target.name + ".tmp")
    # surrogateescape: a line that was not UTF-8 is written back as the bytes it was
    with tmp.open("w", encoding="utf-8", errors="surrogateescape", newline="\n") as fh:
        fh.writelines(line + "\n" for line in lines)
    os.replace(tmp, target)
