"""Fresh case sets: contact histories written blind with a key per case (evaluation/fresh/<date>/, the "cases"
form of key.jsonl). Scores threading (pairs of contacts), routing, and the handover of the key's contact: what was
tried across the case, verification (no stale check presented as valid), open promises, the headline's length;
and writes each handover for a blind reader. The first run on a set is its held-out figure."""

from __future__ import annotations

import json
from datetime import datetime
from itertools import combinations
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from assistant.embedding import Embedder
from assistant.errors import InputError
from assistant.models import Draft, as_utc
from assistant.settings import Settings

TRIED_SECTIONS = ("headline", "done", "contacts", "status", "summary")
# Key writers name a promise past its due date and not kept "overdue" or "broken"; both are open and past due.
PAST_DUE = frozenset({"overdue", "broken"})
OPEN = PAST_DUE | {"not yet due", "due today"}


def promise_state(state: str | None) -> tuple[bool, bool]:
    """(open at now, past due) for a key's `state_at_now`."""
    name = (state or "").strip().lower()
    return name in OPEN, name in PAST_DUE


class CaseCustomer(BaseModel):
    customer_id: str
    key_pairs: int
    predicted_pairs: int
    right_pairs: int
    routed: list[tuple[str, str, str]] = Field(default_factory=list)  # (case, key team, our team)
    tried: int = 0
    tried_found: int = 0
    missed_tried: list[str] = Field(default_factory=list)
    verification_right: bool = True
    verification_note: str = ""
    promises: int = 0
    promises_found: int = 0
    overdue_wrong: list[str] = Field(default_factory=list)
    headline_words: int = 0
    handover_team: str = ""
    key_team: str = ""


class CaseRun(BaseModel):
    set_dir: str
    created_at: datetime
    git_commit: str = ""
    customers: list[CaseCustomer] = Field(default_factory=list)
    drafts: list[dict[str, Any]] = Field(default_factory=list)

    def totals(self) -> dict[str, Any]:
        c = self.customers
        right, pred, key = (sum(x.right_pairs for x in c), sum(x.predicted_pairs for x in c),
                            sum(x.key_pairs for x in c))
        routed = [r for x in c for r in x.routed]
        tried, found = sum(x.tried for x in c), sum(x.tried_found for x in c)
        promises, pfound = sum(x.promises for x in c), sum(x.promises_found for x in c)
        return {
            "threading_precision": round(right / pred, 3) if pred else None,
            "threading_recall": round(right / key, 3) if key else None,
            "routing_accuracy": round(sum(a == b for _, a, b in routed) / len(routed), 3) if routed else None,
            "handover_team_right": sum(x.handover_team == x.key_team for x in c), "handovers": len(c),
            "tried_recall": round(found / tried, 3) if tried else None,
            "verification_right": sum(x.verification_right for x in c),
            "promise_recall": round(pfound / promises, 3) if promises else None,
            "overdue_wrong": sum(len(x.overdue_wrong) for x in c),
            "max_headline_words": max((x.headline_words for x in c), default=0),
        }

    def summary(self) -> str:
        t = self.totals()
        return "\n".join(f"{k}: {v}" for k, v in t.items())


def _pairs(groups: list[list[str]]) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for g in groups for p in combinations(g, 2)}  # type: ignore[misc]


def _cited(draft: Draft, sections: tuple[str, ...]) -> set[tuple[str, str]]:
    texts = {t for name in sections for t in draft.sections.get(name, [])}
    return {(c.interaction_id, t) for s in draft.sentences if s.text in texts for c in s.citations for t in c.turn_ids}


def score_customer(assistant: Any, key: dict[str, Any]) -> tuple[CaseCustomer, dict[str, Any]]:
    cid = key["customer_id"]
    now = as_utc(datetime.fromisoformat(key["now"].replace("Z", "+00:00")))
    cases = assistant.cases(cid, now=now)
    ours = [c.interaction_ids() for c in cases]
    key_pairs, our_pairs = _pairs([c["interaction_ids"] for c in key["cases"]]), _pairs(ours)
    result = CaseCustomer(customer_id=cid, key_pairs=len(key_pairs), predicted_pairs=len(our_pairs),
                          right_pairs=len(key_pairs & our_pairs))
    for kc in key["cases"]:
        last = kc["interaction_ids"][-1]
        ours_case = next((c for c in cases if last in c.interaction_ids()), None)
        result.routed.append((kc["case"], kc.get("team", ""), ours_case.team if ours_case else ""))
    ho = key["handover"]
    draft = assistant.handover(cid, interaction_id=ho["interaction_id"], now=now, team=ho.get("to_team"))
    ours_case = next((c for c in cases if ho["interaction_id"] in c.interaction_ids()), None)
    result.handover_team, result.key_team = (ours_case.team if ours_case else ""), ho.get("to_team", "")
    kcase = next((c for c in key["cases"] if c["case"] == ho.get("case")), None) or \
        next((c for c in key["cases"] if ho["interaction_id"] in c["interaction_ids"]), None)
    cited = _cited(draft, TRIED_SECTIONS)
    if kcase is not None:
        for item in kcase.get("tried", []):
            result.tried += 1
            if any((item["interaction_id"], t) in cited for t in item.get("turn_ids", [])):
                result.tried_found += 1
            else:
                result.missed_tried.append(f"{item['interaction_id']} {item['what']}")
        promised = _cited(draft, ("next_step", "headline"))
        for p in kcase.get("promises", []):
            if not promise_state(p.get("state_at_now"))[0]:
                continue
            result.promises += 1
            if any((p["interaction_id"], t) in promised for t in p.get("turn_ids", [])):
                result.promises_found += 1
        next_text = " ".join(draft.sections.get("next_step", []))
        if "overdue" in next_text and not any(promise_state(p.get("state_at_now"))[1]
                                              for p in kcase.get("promises", [])):
            result.overdue_wrong.append(next_text[:200])
    provided = " ".join(draft.sections.get("provided", []))
    says_valid = "Already verified" in provided
    if ho.get("verification_still_valid"):
        result.verification_right = says_valid
        result.verification_note = "" if says_valid else "valid check not carried over"
    else:
        result.verification_right = not says_valid
        result.verification_note = "" if not says_valid else "stale check presented as valid"
    result.headline_words = len(" ".join(draft.sections.get("headline", [])).split())
    return result, {"customer_id": cid, "now": key["now"], "interaction_id": ho["interaction_id"],
                    "to_team": ho.get("to_team"), "handover": draft.text,
                    "cases": [{"case_id": c.case_id, "contacts": c.interaction_ids(), "status": c.status,
                               "team": c.team} for c in cases]}


def run_cases(folder: str | Path, *, settings: Settings | None = None, embedder: Embedder | None = None) -> CaseRun:
    from assistant.evaluation.fresh import _read_jsonl, ingested_set
    from assistant.evaluation.runner import _git_commit

    folder = Path(folder)
    keys = _read_jsonl(folder / "key.jsonl")
    if not keys or "cases" not in keys[0]:
        raise InputError(f"{folder / 'key.jsonl'} line 1: field 'cases': not a case set's key")
    run = CaseRun(set_dir=str(folder), created_at=datetime.now().astimezone(), git_commit=_git_commit())
    with ingested_set(folder, settings, embedder) as assistant:
        for key in keys:
            scored, drafted = score_customer(assistant, key)
            run.customers.append(scored)
            run.drafts.append(drafted)
    return run


def write_run(run: CaseRun, out: Path | None, drafts: Path | None) -> None:
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({**run.model_dump(mode="json"), "totals": run.totals()}, indent=1,
                                  ensure_ascii=False), encoding="utf-8")
    if drafts is not None:
        drafts.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in run.drafts), encoding="utf-8")
