"""The supervisor review queue, the agents' feedback on drafts, and the audit trail: SQLite beside the store.

Handover drafts wait here for a supervisor (pending → approved / edited / rejected). Every change is an
audit row (who, what, when). Approved summaries become golden cases for evaluation (export_golden).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from assistant.auth import User, require
from assistant.errors import InputError, RapportError
from assistant.models import Customer, Draft, Interaction, as_utc, utcnow
from assistant.review_metrics import MetricsFilter
from assistant.settings import Settings

Status = Literal["pending", "approved", "edited", "rejected"]
STATUSES: tuple[str, ...] = ("pending", "approved", "edited", "rejected")
Rating = Literal["up", "down"]
Usage = Literal["used", "edited"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reviews (
    review_id INTEGER PRIMARY KEY AUTOINCREMENT,
    status TEXT NOT NULL,
    draft_type TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    drafter TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    interaction_id TEXT,
    target TEXT,
    now TEXT NOT NULL,
    draft TEXT NOT NULL,
    text TEXT NOT NULL,
    context TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    comment TEXT NOT NULL DEFAULT '',
    claimed_by TEXT,
    claimed_at TEXT
);
CREATE INDEX IF NOT EXISTS reviews_by_status ON reviews (status, review_id);
CREATE TABLE IF NOT EXISTS audit (
    audit_id INTEGER PRIMARY KEY AUTOINCREMENT,
    review_id INTEGER,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_by_review ON audit (review_id, audit_id);
CREATE TABLE IF NOT EXISTS feedback (
    feedback_id INTEGER PRIMARY KEY AUTOINCREMENT,
    draft_type TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    drafter TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    review_id INTEGER,
    user TEXT NOT NULL,
    rating TEXT,
    usage TEXT,
    text TEXT,
    comment TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL
);
"""


class ReviewConflict(InputError):
    """The review was already decided (by someone else, or earlier): nothing changed."""


class UnknownReview(RapportError):
    """No review with that id."""

    def __init__(self, review_id: int) -> None:
        self.review_id = review_id
        super().__init__(f"no review #{review_id}")


class Review(BaseModel):
    review_id: int
    status: Status
    draft_type: str
    prompt_version: str
    drafter: str
    customer_id: str
    interaction_id: str | None = None
    target: str | None = None
    now: datetime
    draft: Draft
    text: str  # the current text: as drafted, or as the supervisor edited it
    created_by: str
    created_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None
    comment: str = ""
    claimed_by: str | None = None  # the supervisor working on it; others see who has it
    claimed_at: datetime | None = None


class BulkOutcome(BaseModel):
    """What a bulk approval did: the reviews approved, and why each other one was not."""

    approved: list[Review] = Field(default_factory=list)
    refused: dict[int, str] = Field(default_factory=dict)


class AuditEntry(BaseModel):
    review_id: int | None
    actor: str
    action: str
    detail: dict[str, Any] = Field(default_factory=dict)
    at: datetime


def prompt_version(draft: Draft) -> str:
    """The prompt version a draft was made with, as the drafter stamped it in Draft.metadata.

    A drafter without prompts (the grounded, template one) is its own 'version', so metrics still split.
    """
    meta = draft.metadata
    version = meta.get("prompt_version")
    if version is None and isinstance(meta.get("prompt"), dict):
        version = meta["prompt"].get("version")
    return str(version or meta.get("drafter") or "unversioned")


def drafter_name(draft: Draft) -> str:
    return str(draft.metadata.get("drafter") or "unknown")


class ReviewQueue:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        have = {r[1] for r in self._db.execute("PRAGMA table_info(reviews)")}
        for column in ("claimed_by", "claimed_at"):  # a queue made before claims existed
            if column not in have:
                self._db.execute(f"ALTER TABLE reviews ADD COLUMN {column} TEXT")

    @classmethod
    def from_settings(cls, settings: Settings) -> ReviewQueue:
        return cls(settings.store_dir / "review.sqlite3")

    # ---- the queue -------------------------------------------------------------------------
    def submit(self, draft: Draft, *, user: User, now: datetime, customer: Customer,
               interactions: Sequence[Interaction], interaction_id: str | None = None,
               target: str | None = None) -> Review:
        """Queue a drafted handover; `customer` and `interactions` (as of `now`) are kept for golden export."""
        require(user, "handover")
        now, at = as_utc(now), utcnow()
        context = {
            "customer": customer.model_dump(mode="json"),
            "interactions": [i.model_dump(mode="json") for i in interactions if i.started_at <= now],
        }
        with self._lock:
            cur = self._db.execute(
                "INSERT INTO reviews (status, draft_type, prompt_version, drafter, customer_id, interaction_id, "
                "target, now, draft, text, context, created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                ("pending", draft.kind, prompt_version(draft), drafter_name(draft), customer.customer_id,
                 interaction_id, target or None, now.isoformat(), draft.model_dump_json(), draft.text,
                 json.dumps(context), user.name, at.isoformat()),
            )
            review_id = int(cur.lastrowid or 0)
            self._audit(review_id, user.name, "drafted", {"target": target, "interaction_id": interaction_id}, at)
        return self.get(review_id)

    def get(self, review_id: int) -> Review:
        row = self._db.execute(f"SELECT {_COLUMNS} FROM reviews WHERE review_id=?", (review_id,)).fetchone()
        if row is None:
            raise UnknownReview(review_id)
        return _review(row)

    def reviews(self, status: str | None = None, limit: int = 200) -> list[Review]:
        """Newest first, optionally only one status."""
        if status and status not in STATUSES:
            raise InputError(f"status must be one of {', '.join(STATUSES)}", field="status")
        sql, args = f"SELECT {_COLUMNS} FROM reviews", []
        if status:
            sql, args = sql + " WHERE status=?", [status]
        rows = self._db.execute(sql + " ORDER BY review_id DESC LIMIT ?", [*args, limit]).fetchall()
        return [_review(r) for r in rows]

    def counts(self) -> dict[str, int]:
        got = dict(self._db.execute("SELECT status, COUNT(*) FROM reviews GROUP BY status").fetchall())
        return {s: int(got.get(s, 0)) for s in STATUSES}

    def approve(self, review_id: int, user: User, *, text: str | None = None, comment: str = "") -> Review:
        """Approve as drafted, or with the supervisor's edits (status 'edited')."""
        current = self.get(review_id)
        final = current.text if text is None or not text.strip() else text.strip()
        status = "approved" if _same_text(final, current.draft.text) else "edited"
        detail: dict[str, Any] = {"comment": comment}
        if status == "edited":
            detail |= {"before": current.text, "after": final}
        return self._decide(review_id, user, status, final, comment, detail)

    def reject(self, review_id: int, user: User, *, comment: str) -> Review:
        if not comment.strip():
            raise InputError("say why the summary is rejected", field="comment")
        return self._decide(review_id, user, "rejected", None, comment, {"comment": comment})

    def approve_many(self, review_ids: Sequence[int], user: User) -> BulkOutcome:
        """Approve several as drafted; one already decided, claimed by someone else or unknown is refused alone."""
        require(user, "review.decide")
        outcome = BulkOutcome()
        for review_id in dict.fromkeys(review_ids):
            try:
                outcome.approved.append(self.approve(review_id, user))
            except (ReviewConflict, UnknownReview) as exc:
                outcome.refused[review_id] = str(exc)
        return outcome

    def claim(self, review_id: int, user: User) -> Review:
        """Take a pending review to work on; others see who has it and cannot decide it meanwhile."""
        require(user, "review.decide")
        at = utcnow()
        with self._lock:
            cur = self._db.execute(
                "UPDATE reviews SET claimed_by=?, claimed_at=? WHERE review_id=? AND status='pending' "
                "AND (claimed_by IS NULL OR claimed_by=?)", (user.name, at.isoformat(), review_id, user.name))
            if cur.rowcount == 0:
                current = self.get(review_id)
                why = (f"already {current.status}" if current.status != "pending"
                       else f"claimed by {current.claimed_by}")
                raise ReviewConflict(f"review #{review_id} is {why}", field="claimed_by")
            self._audit(review_id, user.name, "claimed", {}, at)
        return self.get(review_id)

    def release(self, review_id: int, user: User) -> Review:
        """Give a claimed review back to the queue (only the one who claimed it)."""
        require(user, "review.decide")
        with self._lock:
            cur = self._db.execute("UPDATE reviews SET claimed_by=NULL, claimed_at=NULL WHERE review_id=? "
                                   "AND claimed_by=?", (review_id, user.name))
            if cur.rowcount == 0:
                current = self.get(review_id)
                holder = current.claimed_by or "nobody"
                raise ReviewConflict(f"review #{review_id} is claimed by {holder}, not {user.name}",
                                     field="claimed_by")
            self._audit(review_id, user.name, "released", {}, utcnow())
        return self.get(review_id)

    def audit(self, review_id: int | None = None, limit: int = 500) -> list[AuditEntry]:
        sql, args = "SELECT review_id, actor, action, detail, at FROM audit", []
        if review_id is not None:
            sql, args = sql + " WHERE review_id=?", [review_id]
        rows = self._db.execute(sql + " ORDER BY audit_id DESC LIMIT ?", [*args, limit]).fetchall()
        return [AuditEntry(review_id=r[0], actor=r[1], action=r[2], detail=json.loads(r[3]), at=r[4]) for r in rows]

    # ---- feedback on any draft -------------------------------------------------------------
    def feedback(self, draft: Draft, *, user: User, rating: str | None = None, usage: str | None = None,
                 text: str | None = None, comment: str = "", review_id: int | None = None) -> int:
        """Record a thumbs up/down and/or 'used' / 'edited' (with the edited text) on a draft."""
        require(user, "feedback")
        if rating not in (None, "up", "down"):
            raise InputError("rating is 'up' or 'down'", field="rating")
        if usage not in (None, "used", "edited"):
            raise InputError("usage is 'used' or 'edited'", field="usage")
        if rating is None and usage is None and not comment:
            raise InputError("give a rating, a usage or a comment", field="rating")
        with self._lock:
            cur = self._db.execute(
                "INSERT INTO feedback (draft_type, prompt_version, drafter, customer_id, review_id, user, rating, "
                "usage, text, comment, at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (draft.kind, prompt_version(draft), drafter_name(draft), draft.customer_id, review_id, user.name,
                 rating, usage, text, comment, utcnow().isoformat()),
            )
        return int(cur.lastrowid or 0)

    def feedback_rows(self, limit: int = 500) -> list[dict[str, Any]]:
        cur = self._db.execute("SELECT * FROM feedback ORDER BY feedback_id DESC LIMIT ?", (limit,))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    # ---- metrics and golden cases -----------------------------------------------------------
    def metrics(self, only: MetricsFilter | None = None) -> list[dict[str, Any]]:
        """Per draft type and prompt version: review acceptance and edit rate, agents' ratings and use."""
        only = only or MetricsFilter()
        review_where, review_args = only.where("created_by", "created_at")
        feedback_where, feedback_args = only.where("user", "at")
        rows: dict[tuple[str, str], dict[str, Any]] = {}

        def row(dt: str, pv: str) -> dict[str, Any]:
            return rows.setdefault((dt, pv), {"draft_type": dt, "prompt_version": pv, "queued": 0, "approved": 0,
                                              "edited": 0, "rejected": 0, "up": 0, "down": 0, "used": 0,
                                              "agent_edited": 0})

        for dt, pv, status, n in self._db.execute(
            f"SELECT draft_type, prompt_version, status, COUNT(*) FROM reviews{review_where} GROUP BY 1, 2, 3",
            review_args,
        ):
            r = row(dt, pv)
            r["queued"] += n
            if status != "pending":
                r[status] += n
        for dt, pv, rating, usage, n in self._db.execute(
            f"SELECT draft_type, prompt_version, rating, usage, COUNT(*) FROM feedback{feedback_where} "
            "GROUP BY 1, 2, 3, 4", feedback_args,
        ):
            r = row(dt, pv)
            if rating:
                r[rating] += n
            if usage:
                r["used" if usage == "used" else "agent_edited"] += n
        for r in rows.values():
            accepted = r["approved"] + r["edited"]
            r["acceptance"] = _rate(accepted, accepted + r["rejected"])
            r["edit_rate"] = _rate(r["edited"], accepted)
            r["thumbs_up_rate"] = _rate(r["up"], r["up"] + r["down"])
            r["agent_edit_rate"] = _rate(r["agent_edited"], r["used"] + r["agent_edited"])
        return [rows[k] for k in sorted(rows)]

    def golden_cases(self) -> list[dict[str, Any]]:
        """Approved (or approved-with-edits) summaries as evaluation cases, one per review.

        The shape is an evaluation set's case (assistant.evaluation.sets.EvalCase): the customer record, their
        history as of `now`, the draft type, and the approved text as the reference summary.
        """
        rows = self._db.execute(
            f"SELECT {_COLUMNS}, context FROM reviews WHERE status IN ('approved', 'edited') ORDER BY review_id"
        ).fetchall()
        out = []
        for r in rows:
            review, context = _review(r[:-1]), json.loads(r[-1])
            decided = f"{review.decided_at:%Y-%m-%d %H:%M} UTC" if review.decided_at else "?"
            case: dict[str, Any] = {
                "case_id": f"review-{review.review_id}",
                "draft_type": review.draft_type,
                "now": review.now.isoformat(),
                "customer": context["customer"],
                "interactions": context["interactions"],
                "expect": {"references": [review.text]},
                "tags": ["golden", f"review-{review.status}", f"prompt-{review.prompt_version}"],
                "notes": review.comment,
                "source": f"review #{review.review_id}: drafted by {review.drafter} ({review.prompt_version}) for "
                          f"{review.created_by}, {review.status} by {review.decided_by} at {decided}",
            }
            if review.interaction_id:
                case["interaction_id"] = review.interaction_id
            out.append(case)
        return out

    def export_golden(self, path: str | Path) -> int:
        """Write the golden cases as JSONL; returns how many."""
        cases = self.golden_cases()
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8") as fh:
            for case in cases:
                fh.write(json.dumps(case, ensure_ascii=False) + "\n")
        return len(cases)

    def close(self) -> None:
        self._db.close()

    # ---- internals ------------------------------------------------------------------------
    def _decide(self, review_id: int, user: User, status: str, text: str | None, comment: str,
                detail: dict[str, Any]) -> Review:
        require(user, "review.decide")
        at = utcnow()
        with self._lock:
            # Only a pending review changes: two supervisors clicking at once cannot both decide.
            # A review another supervisor claimed is theirs to decide.
            cur = self._db.execute(
                "UPDATE reviews SET status=?, text=COALESCE(?, text), decided_by=?, decided_at=?, comment=? "
                "WHERE review_id=? AND status='pending' AND (claimed_by IS NULL OR claimed_by=?)",
                (status, text, user.name, at.isoformat(), comment, review_id, user.name),
            )
            if cur.rowcount == 0:
                current = self.get(review_id)
                if current.status == "pending":
                    raise ReviewConflict(f"review #{review_id} is claimed by {current.claimed_by}",
                                         field="claimed_by")
                raise ReviewConflict(
                    f"review #{review_id} is already {current.status} (by {current.decided_by} at "
                    f"{current.decided_at:%Y-%m-%d %H:%M} UTC)", field="status",
                )
            self._audit(review_id, user.name, status, detail, at)
        return self.get(review_id)

    def _audit(self, review_id: int | None, actor: str, action: str, detail: dict[str, Any], at: datetime) -> None:
        self._db.execute(
            "INSERT INTO audit (review_id, actor, action, detail, at) VALUES (?,?,?,?,?)",
            (review_id, actor, action, json.dumps(detail, ensure_ascii=False), at.isoformat()),
        )


_COLUMNS = ("review_id, status, draft_type, prompt_version, drafter, customer_id, interaction_id, target, now, "
            "draft, text, created_by, created_at, decided_by, decided_at, comment, claimed_by, claimed_at")


def _review(row: Sequence[Any]) -> Review:
    names = [c.strip() for c in _COLUMNS.split(",")]
    data = dict(zip(names, row, strict=True))
    data["draft"] = Draft.model_validate_json(data["draft"])
    return Review.model_validate(data)


def _same_text(a: str, b: str) -> bool:
    """Equal but for line endings and trailing spaces: a textarea round-trip is not an edit."""
    def norm(x: str) -> str:
        return "\n".join(line.rstrip() for line in x.strip().replace("\r\n", "\n").splitlines())

    return norm(a) == norm(b)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def export_golden(path: str | Path, settings: Settings | None = None) -> int:
    """Write approved handover summaries from the review queue beside the store as golden cases (JSONL)."""
    queue = ReviewQueue.from_settings(settings or Settings())
    try:
        return queue.export_golden(path)
    finally:
        queue.close()
