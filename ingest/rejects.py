"""Rejects files: every refused record beside its input (``<input>.rejects.jsonl``), to fix and ingest again.

Each line holds the original line (for a CSV, the conversation's rows and the header) and why it was
refused. Ingesting the rejects file itself reads the originals back; it is then rewritten to hold only
what still fails, and removed once nothing does. A clean run of an input removes its stale rejects file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from assistant.models import RejectedRecord
from ingest.loaders import REJECTS_SUFFIX, RawRecord


def rejects_path(source: Path) -> Path:
    return source if source.name.endswith(REJECTS_SUFFIX) else source.with_name(source.name + REJECTS_SUFFIX)


def write_rejects(source: Path, refused: Sequence[tuple[RawRecord, list[RejectedRecord]]]) -> Path | None:
    """Write (or clear) the rejects file of one input; returns its path when there is something in it."""
    target = rejects_path(source)
    if not refused:
        target.unlink(missing_ok=True)
        return None
    tmp = target.with_name(target.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for raw, errors in refused:
            entry = {
                "file": errors[0].file if errors else raw.file,
                "line": raw.line,
                "errors": [{"line": e.line, "field": e.field, "reason": e.reason} for e in errors],
                "original": raw.original if raw.original is not None else "",
            }
            if raw.header is not None:
                entry["header"] = raw.header
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
    os.replace(tmp, target)
    return target
