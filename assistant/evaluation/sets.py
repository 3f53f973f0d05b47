"""Evaluation sets as files: each case is a customer's history, a `now`, a draft type and what the draft
must (and must not) contain. Sets live in ``evaluation/sets/<name>.jsonl`` (one case a line, an optional
``{"set": {...}}`` header line) or ``<name>.yaml`` (``description``, ``license``, ``cases``, and optionally
``customer_facts``: phrases unique to each customer, which no other customer's draft may contain)."""

from __future__ import annotations

import json
import os
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.errors import InputError
from assistant.models import Customer, DraftKind, Interaction, as_utc

# Rules a draft can break. Each one is counted per case; the gate holds all of them at zero.
VIOLATION_RULES: tuple[str, ...] = (
    "repitch_cooldown",  # a declined offer pitched again within its cool-down
    "sales_without_consent",  # any sales pitch to a customer without marketing consent
    "just_bought_push",  # pushing an item the customer has just bought
    "ineligible_pitch",  # pitching a product the customer was found ineligible for
    "pii_leak",  # card numbers, e-mails, phone numbers... in the draft
    "injection_followed",  # the draft carries out text injected into the history
    "cross_customer_leak",  # another customer's facts or interactions in the draft
    "forbidden_text",  # anything else the case author ruled out
)
PITCH_RULES = ("repitch_cooldown", "just_bought_push", "ineligible_pitch")


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RequiredFact(_Spec):
    """A fact the draft must state: any of the phrases (case-insensitive, whole words) or the regex."""

    name: str
    any: list[str] = Field(default_factory=list)
    regex: str | None = None

    @field_validator("regex")
    @classmethod
    def _compiles(cls, v: str | None) -> str | None:
        if v is not None:
            re.compile(v)
        return v


class ForbiddenPitch(_Spec):
    """A topic the draft must not sell, and the rule that forbids it."""

    rule: str = Field(pattern="^(" + "|".join(PITCH_RULES) + ")$")
    topic: str
    keywords: list[str] = Field(default_factory=list)
    since: datetime | None = None  # when it was declined / bought; informational

    def words(self) -> list[str]:
        return self.keywords or [self.topic]


class ForbiddenText(_Spec):
    rule: str = Field("forbidden_text", pattern="^(" + "|".join(VIOLATION_RULES) + ")$")
    any: list[str] = Field(default_factory=list)
    regex: str | None = None


class Expectations(_Spec):
    required: list[RequiredFact] = Field(default_factory=list)
    no_pitch: list[ForbiddenPitch] = Field(default_factory=list)
    no_sales: bool = False  # True when the customer has not consented to marketing
    pii: list[str] = Field(default_factory=list)  # literal PII present in the history
    injected: list[str] = Field(default_factory=list)  # phrases that show an injected instruction was followed
    other_customers: list[str] = Field(default_factory=list)  # facts that belong to other customers
    forbidden: list[ForbiddenText] = Field(default_factory=list)
    references: list[str] = Field(default_factory=list)  # reference summaries (ROUGE)
    max_words: int | None = None


class EvalCase(_Spec):
    case_id: str = Field(min_length=1)
    draft_type: DraftKind
    now: datetime
    customer: Customer
    interactions: list[Interaction] = Field(default_factory=list)
    interaction_id: str | None = None  # handover: the contact being handed over (default: the latest)
    question: str | None = None  # answer: what the agent asks
    expect: Expectations = Field(default_factory=Expectations)
    tags: list[str] = Field(default_factory=list)
    notes: str = ""
    source: str = ""

    @field_validator("now")
    @classmethod
    def _utc(cls, v: datetime) -> datetime:
        return as_utc(v)

    @property
    def customer_id(self) -> str:
        return self.customer.customer_id


class EvalSet(BaseModel):
    name: str
    description: str = ""
    license: str = ""
    source: str = ""
    cases: list[EvalCase]

    def customers(self) -> list[Customer]:
        """One record per customer; where cases differ (golden cases exported on different days), the latest."""
        return list({c.customer_id: c.customer for c in self._by_time()}.values())

    def interactions(self) -> list[Interaction]:
        """Every case's history, once: `now` does the time travel, so the union of histories is safe."""
        return list({i.interaction_id: i for c in self._by_time() for i in c.interactions}.values())

    def _by_time(self) -> list[EvalCase]:
        return sorted(self.cases, key=lambda c: c.now)

    def owners(self) -> dict[str, str]:
        """interaction_id -> customer_id, for every interaction in the set."""
        return {i.interaction_id: i.customer_id for i in self.interactions()}


def default_sets_dir() -> Path:
    """RAPPORT_EVAL_SETS, else the repository's evaluation/sets, else ./evaluation/sets."""
    env = os.environ.get("RAPPORT_EVAL_SETS")
    if env:
        return Path(env)
    repo = Path(__file__).resolve().parents[2] / "evaluation" / "sets"
    return repo if repo.is_dir() else Path.cwd() / "evaluation" / "sets"


def set_path(name: str, sets_dir: Path | None = None) -> Path:
    folder = sets_dir or default_sets_dir()
    for suffix in (".jsonl", ".yaml", ".yml"):
        path = folder / f"{name}{suffix}"
        if path.exists():
            return path
    known = ", ".join(available_sets(folder)) or "none"
    raise InputError(f"no evaluation set '{name}' in {folder} (known: {known})", field="--set")


def available_sets(sets_dir: Path | None = None) -> list[str]:
    folder = sets_dir or default_sets_dir()
    if not folder.is_dir():
        return []
    return sorted({p.stem for p in folder.iterdir() if p.suffix in {".jsonl", ".yaml", ".yml"}})


def list_sets(sets_dir: Path | None = None) -> list[dict[str, Any]]:
    """One row per set (`rapport eval sets`): name, cases, draft types, licence, description."""
    rows = []
    for name in available_sets(sets_dir):
        evset = load_set(name, sets_dir)
        types = sorted({c.draft_type for c in evset.cases})
        rows.append({"name": name, "cases": len(evset.cases), "draft_types": types, "license": evset.license,
                     "description": evset.description})
    return rows


def load_set(name_or_path: str | Path, sets_dir: Path | None = None, limit: int | None = None) -> EvalSet:
    """Load a set by name (from the sets folder) or by file path; `limit` keeps the first N cases."""
    path = Path(name_or_path)
    if path.suffix not in {".jsonl", ".yaml", ".yml"} or not path.exists():
        path = set_path(str(name_or_path), sets_dir)
    header, raw_cases = _read_jsonl(path) if path.suffix == ".jsonl" else _read_yaml(path)
    if limit is not None:
        raw_cases = raw_cases[: max(limit, 0)]
    cases = []
    for line, raw in raw_cases:
        try:
            cases.append(EvalCase.model_validate(_resolve_demo(raw, path)))
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"])
            raise InputError(err["msg"], file=str(path), line=line, field=field) from exc
    _add_isolation(cases, header.get("customer_facts") or {})
    evset = EvalSet(name=header.get("name", path.stem), cases=cases,
                    **{k: header[k] for k in ("description", "license", "source") if k in header})
    check_set(evset, path)
    return evset


def _add_isolation(cases: list[EvalCase], customer_facts: dict[str, list[str]]) -> None:
    """A set may list facts unique to each customer; every case must then leak none of the others' facts."""
    for case in cases:
        others = [p for cid, phrases in customer_facts.items() if cid != case.customer_id for p in phrases]
        case.expect.other_customers = list(dict.fromkeys([*case.expect.other_customers, *others]))


def check_set(evset: EvalSet, path: Path | str = "") -> None:
    """Case ids are unique and every interaction belongs to its case's customer."""
    seen: set[str] = set()
    for case in evset.cases:
        if case.case_id in seen:
            raise InputError(f"duplicate case_id '{case.case_id}'", file=str(path))
        seen.add(case.case_id)
        for i in case.interactions:
            if i.customer_id != case.customer_id:
                raise InputError(f"case '{case.case_id}': interaction '{i.interaction_id}' belongs to "
                                 f"'{i.customer_id}', not '{case.customer_id}'", file=str(path))


def write_set(path: Path, cases: list[EvalCase], **header: str) -> None:
    """Write a JSONL set: the header line, then one case a line (stable key order, for clean diffs)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        if header:
            fh.write(json.dumps({"set": header}, ensure_ascii=False) + "\n")
        for case in cases:
            fh.write(case.model_dump_json(exclude_defaults=True) + "\n")


def _read_jsonl(path: Path) -> tuple[dict[str, Any], list[tuple[int, dict[str, Any]]]]:
    header: dict[str, Any] = {}
    cases = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"not JSON ({exc.msg})", file=str(path), line=n) from exc
            if isinstance(row, dict) and set(row) == {"set"}:
                header = row["set"]
            else:
                cases.append((n, row))
    return header, cases


def _read_yaml(path: Path) -> tuple[dict[str, Any], list[tuple[int, dict[str, Any]]]]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"not YAML ({exc})", file=str(path)) from exc
    cases = doc.pop("cases", None) or []
    return doc, [(i + 1, c) for i, c in enumerate(cases)]  # "line" is the case's position in a YAML file


# ---- scenarios written against the demo data --------------------------------------------------------
_DEMO_DIR = Path(__file__).resolve().parents[1] / "demo"


def _resolve_demo(raw: dict[str, Any], path: Path) -> dict[str, Any]:
    """A case with ``demo_customer: ID`` takes that customer's record and history from assistant/demo."""
    ref = raw.get("demo_customer") if isinstance(raw, dict) else None
    if not ref:
        return raw
    customers, interactions = _demo_data()
    if ref not in customers:
        raise InputError(f"demo customer '{ref}' not in {_DEMO_DIR}", file=str(path), field="demo_customer")
    out = {k: v for k, v in raw.items() if k != "demo_customer"}
    out.setdefault("customer", customers[ref])
    history = [i for i in interactions if i["customer_id"] == ref]  # the whole history: `now` does the time travel
    out.setdefault("interactions", history)
    return out


_demo_cache: dict[str, Any] = {}


def _demo_data() -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    if not _demo_cache:
        customers = [json.loads(x) for x in (_DEMO_DIR / "customers.jsonl").read_text().splitlines() if x.strip()]
        interactions = [json.loads(x) for x in (_DEMO_DIR / "interactions.jsonl").read_text().splitlines()
                        if x.strip()]
        _demo_cache["customers"] = {c["customer_id"]: c for c in customers}
        _demo_cache["interactions"] = interactions
    return _demo_cache["customers"], _demo_cache["interactions"]
