"""Fresh sets: contact histories written blind, with a key (evaluation/fresh/<date>/). Scores the fact readers
against the key, asks the key's questions, and writes every draft for a reader who did not write the drafter.

A folder holds customers.jsonl, interactions.jsonl and key.jsonl (one object per customer: `now`, `name_to_use`,
`facts` with pointers to the turns they rest on, `traps`, `greeting`, `suggestions`, `questions`). The first run on
a set is its held-out figure (`first-run.json`); after that the set is development data.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from assistant.embedding import Embedder
from assistant.errors import InputError
from assistant.models import Fact, as_utc
from assistant.settings import Settings

# The kinds the targets name, and which of our fact kinds speak to each.
SCORED = ("life_event", "offer_response", "preference", "promise", "issue")
TARGETED = ("life_event", "offer_response", "preference", "promise")
_OUR_KIND = {"life_event": "life_event", "offer": "offer_response", "preference": "preference",
             "consent": "preference", "promise": "promise", "issue": "issue"}
_KEY_KIND = {"life_event": "life_event", "offer_response": "offer_response", "preference": "preference",
             "opt_out": "preference", "promise": "promise", "issue": "issue"}
_OFFER_STATUS = {"accepted": "accepted", "declined": "declined", "pending": "undecided"}


class FactCheck(BaseModel):
    customer_id: str
    kind: str
    text: str
    pointer: str
    verdict: str  # right | wrong reading | not in key | trap
    why: str = ""


class KindScore(BaseModel):
    key: int = 0
    predicted: int = 0
    right: int = 0
    found: int = 0  # key facts matched by a right prediction

    @property
    def precision(self) -> float | None:
        return round(self.right / self.predicted, 3) if self.predicted else None

    @property
    def recall(self) -> float | None:
        return round(self.found / self.key, 3) if self.key else None


class AskCheck(BaseModel):
    customer_id: str
    question: str
    expected: str
    answer: str
    correct: bool


class FreshRun(BaseModel):
    set_dir: str
    created_at: datetime
    git_commit: str | None = None
    kinds: dict[str, KindScore] = Field(default_factory=dict)
    facts: list[FactCheck] = Field(default_factory=list)
    traps_hit: int = 0
    traps: int = 0
    ask: list[AskCheck] = Field(default_factory=list)
    missed: list[dict[str, str]] = Field(default_factory=list)  # key facts no right fact found
    drafts: list[dict[str, Any]] = Field(default_factory=list)

    def summary(self) -> str:
        lines = [f"fresh set {self.set_dir}"]
        for kind, score in self.kinds.items():
            lines.append(f"  {kind:<15} precision {_fmt(score.precision)} ({score.right}/{score.predicted})  "
                         f"recall {_fmt(score.recall)} ({score.found}/{score.key})")
        lines.append(f"  traps read as facts: {self.traps_hit}/{self.traps}")
        right = sum(a.correct for a in self.ask)
        lines.append(f"  ask correct: {right}/{len(self.ask)}")
        return "\n".join(lines)


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.2f}"


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        raise InputError("missing file of a fresh set", file=str(path))
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise InputError(f"not JSON: {exc.msg}", file=str(path), line=n) from exc
    return out


def _pointers(entry: dict[str, Any]) -> set[tuple[str, str]]:
    """The turns a key entry rests on, with any further mentions of it."""
    out = {(str(entry.get("interaction_id")), str(t)) for t in entry.get("turn_ids") or []}
    for more in entry.get("mentions") or []:
        if isinstance(more, dict):
            out |= {(str(more.get("interaction_id")), str(t)) for t in more.get("turn_ids") or []}
    return out


def _distinct(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An opt-out the key also lists as an unwanted preference on the same turns counts once."""
    refusals = {frozenset(_pointers(e)) for e in entries
                if e.get("kind") == "preference" and str(e.get("polarity", "")).lower() != "wants"}
    return [e for e in entries if not (e.get("kind") == "opt_out" and frozenset(_pointers(e)) in refusals)]


_CHANNEL_WORDS = ("email", "e-mail", "text", "sms", "call", "phone", "ring", "post", "letter", "mail", "video",
                  "branch", "app", "chat", "whatsapp", "paperless")
_CHANNEL_OF = {"e-mail": "email", "sms": "text", "call": "phone", "ring": "phone", "letter": "post", "mail": "post",
               "paperless": "email"}


def _first_channel(value: str) -> str | None:
    """The channel a key's preference is about: the first channel word of its value."""
    found = [(value.find(w), w) for w in _CHANNEL_WORDS if w in value]
    if not found:
        return None
    word = min(found)[1]
    return _CHANNEL_OF.get(word, word)


def _our_pointers(fact: Fact) -> set[tuple[str, str]]:
    return {(c.interaction_id, t) for c in fact.citations for t in c.turn_ids}


def _agrees(fact: Fact, entry: dict[str, Any], now: datetime) -> tuple[bool, str]:
    """Whether our fact says what the key says (beyond resting on the same turn)."""
    kind = _KEY_KIND.get(str(entry.get("kind")), "")
    attrs = fact.attributes or {}
    if kind == "offer_response":
        ours = _OFFER_STATUS.get(fact.status.lower(), fact.status.lower())
        theirs = str(entry.get("response", "")).lower()
        return ours == theirs, f"read {ours}, key {theirs}"
    if kind == "life_event":
        about = "customer" if str(entry.get("about", "customer")).lower() in ("customer", "self") else "relative"
        ours_about = "relative" if attrs.get("relation") or attrs.get("person") else "customer"
        if str(entry.get("category", "")).lower() == "death":
            ours_about = about  # a bereavement is the customer's loss and their relative's death: both are right
        status = str(entry.get("status", "")).lower()
        tense = str(attrs.get("tense") or ("planned" if fact.status == "upcoming" else "happened"))
        if tense in ("expected", "planned") and status == "happened" and fact.valid_to is not None \
                and as_utc(fact.valid_to) <= now:
            tense = "happened"  # read as ahead when said; the key tells it as of now, when its day has passed
        same_time = (tense in ("expected", "planned")) == (status in ("expected", "planned")) and (
            (tense == "cancelled") == (status == "cancelled"))
        return about == ours_about and same_time, f"read {ours_about}/{tense}, key {about}/{status}"
    if kind == "preference":
        value = str(entry.get("value", "")).lower()
        wants = str(entry.get("polarity", "wants")).lower() == "wants" and entry.get("kind") != "opt_out"
        wanted = " ".join(attrs.get("wanted") or []).lower()
        unwanted = " ".join(attrs.get("unwanted") or []).lower()
        if fact.kind == "consent":
            return not wants or fact.status == "granted", f"consent {fact.status}"
        channel = _first_channel(value)
        if channel and (wants and channel in unwanted or not wants and channel in wanted):
            return False, f"polarity inverted on '{channel}'"
        return True, ""
    return True, ""


def _same_offer(fact: Fact, entry: dict[str, Any]) -> bool:
    """An offer fact citing an adviser's note of the offer, not the reply the key points at: the same offer when it
    is in the same contact and names the same product."""
    if fact.kind != "offer" or entry.get("kind") != "offer_response":
        return False
    if entry.get("interaction_id") not in {c.interaction_id for c in fact.citations}:
        return False
    words = {w for w in str(entry.get("product", "")).lower().replace("(", " ").split() if len(w) > 3}
    return bool(words & set(fact.subject.lower().split()))


def score_facts(facts_by_customer: dict[str, list[Fact]], keys: list[dict[str, Any]]) -> tuple[
        dict[str, KindScore], list[FactCheck], int, int, list[dict[str, str]]]:
    kinds = {k: KindScore() for k in SCORED}
    checks: list[FactCheck] = []
    missed: list[dict[str, str]] = []
    traps_hit = traps = 0
    for key in keys:
        cid = key["customer_id"]
        now = as_utc(datetime.fromisoformat(str(key["now"]).replace("Z", "+00:00")))
        entries = _distinct([e for e in key.get("facts", []) if _KEY_KIND.get(str(e.get("kind"))) in kinds])
        for e in entries:
            kinds[_KEY_KIND[str(e["kind"])]].key += 1
        found: set[int] = set()
        trap_pointers = [(_pointers(t), t) for t in key.get("traps", [])]
        traps += len(trap_pointers)
        hit_traps: set[int] = set()
        for fact in facts_by_customer.get(cid, []):
            kind = _OUR_KIND.get(fact.kind)
            if kind is None or kind not in kinds:
                continue
            if fact.kind == "consent" and fact.status != "withdrawn":
                continue
            if fact.kind == "offer" and fact.status.lower() not in _OFFER_STATUS:
                continue
            ours = _our_pointers(fact)
            if fact.kind == "offer" and not fact.attributes.get("response"):
                continue  # an offer with no reply is not an answer to score
            pointer = ", ".join(f"{i}#{t}" for i, t in sorted(ours))
            kinds[kind].predicted += 1
            matches = [(n, e) for n, e in enumerate(entries)
                       if _KEY_KIND[str(e["kind"])] == kind and (_pointers(e) & ours or _same_offer(fact, e))]
            verdict, why = "not in key", ""
            for n, e in matches:
                ok, why = _agrees(fact, e, now)
                if ok:
                    verdict = "right"
                    found.add(n)
                    break
                verdict = "wrong reading"
            if verdict == "not in key":
                for t, (tp, trap) in enumerate(trap_pointers):
                    if tp & ours:
                        verdict, why = "trap", str(trap.get("why", ""))
                        hit_traps.add(t)
                        break
            if verdict == "right":
                kinds[kind].right += 1
            checks.append(FactCheck(customer_id=cid, kind=kind, text=fact.text, pointer=pointer, verdict=verdict,
                                    why=why))
        traps_hit += len(hit_traps)
        for n in found:
            kinds[_KEY_KIND[str(entries[n]["kind"])]].found += 1
        missed.extend({"customer_id": cid, "kind": _KEY_KIND[str(e["kind"])],
                       "pointer": ", ".join(f"{i}#{t}" for i, t in sorted(_pointers(e))),
                       "quote": str(e.get("quote", ""))} for n, e in enumerate(entries) if n not in found)
    return kinds, checks, traps_hit, traps, missed


def _correct(answer: str, question: dict[str, Any]) -> bool:
    text = answer.lower()
    wanted = [str(w).lower() for w in question.get("must_include_any") or []]
    banned = [str(w).lower() for w in question.get("must_not_include") or []]
    return (not wanted or any(w in text for w in wanted)) and not any(b and b in text for b in banned)


@contextmanager
def ingested_set(folder: Path, settings: Settings | None = None, embedder: Embedder | None = None,
                 ) -> Iterator[Any]:
    """An Assistant on a temporary store holding the set's customers and interactions (grounded drafter)."""
    from assistant.evaluation.runner import shared_embedder
    from assistant.facade import Assistant

    settings = (settings or Settings()).model_copy(update={"llm": "none"})
    with tempfile.TemporaryDirectory(prefix="rapport-fresh-") as tmp:
        store_dir = Path(tmp) / "store"
        assistant = Assistant.open(store_dir, settings=settings.model_copy(update={"store_dir": store_dir}),
                                   embedder=embedder or shared_embedder(settings))
        try:
            report = assistant.ingest(_read_jsonl(folder / "interactions.jsonl"),
                                      customers=_read_jsonl(folder / "customers.jsonl"))
            if report.errors:
                raise InputError("the fresh set does not ingest: " + "; ".join(str(e) for e in report.errors[:3]))
            yield assistant
        finally:
            assistant.close()


def run_fresh(folder: str | Path, *, settings: Settings | None = None, embedder: Embedder | None = None) -> FreshRun:
    from assistant.evaluation.runner import _git_commit

    folder = Path(folder)
    keys = _read_jsonl(folder / "key.jsonl")
    run = FreshRun(set_dir=str(folder), created_at=datetime.now().astimezone(), git_commit=_git_commit())
    with ingested_set(folder, settings, embedder) as assistant:
        facts: dict[str, list[Fact]] = defaultdict(list)
        for key in keys:
            cid, now = key["customer_id"], as_utc(datetime.fromisoformat(key["now"].replace("Z", "+00:00")))
            facts[cid] = [f for f in assistant.store.facts(cid)
                          if f.recorded_at is None or as_utc(f.recorded_at) <= now]
            run.drafts.append(_drafts(assistant, cid, now))
            for q in key.get("questions", []):
                answer = assistant.ask(cid, q["question"], now=now).text
                run.ask.append(AskCheck(customer_id=cid, question=q["question"], expected=q.get("answer", ""),
                                        answer=answer, correct=_correct(answer, q)))
    run.kinds, run.facts, run.traps_hit, run.traps, run.missed = score_facts(facts, keys)
    return run


def _drafts(assistant: Any, customer_id: str, now: datetime) -> dict[str, Any]:
    greeting = assistant.greeting(customer_id, now=now)
    suggestions = assistant.suggestions(customer_id, now=now)
    handover = assistant.handover(customer_id, now=now)
    return {
        "customer_id": customer_id, "now": now.isoformat(),
        "greeting": greeting.text,
        "greeting_notes": {k: v for k, v in greeting.sections.items() if k in ("do_not_ask", "unsure")},
        "suggestions": [{"text": s.text, "reason": s.reason, "kind": s.kind} for s in suggestions],
        "handover": handover.text,
    }


def verdict_counts(run: FreshRun) -> Counter[str]:
    return Counter(c.verdict for c in run.facts)
