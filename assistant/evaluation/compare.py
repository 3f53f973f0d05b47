"""Two runs of one set side by side: metric deltas, and every case with both outputs, regressed cases first."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from assistant.evaluation.runner import HIGHER_IS_BETTER, LOWER_IS_BETTER, CaseResult, EvalRun

CaseStatus = Literal["regressed", "improved", "changed", "unchanged", "only_a", "only_b"]
_STATUS_ORDER = {"regressed": 0, "only_a": 1, "only_b": 2, "improved": 3, "changed": 4, "unchanged": 5}
# A per-case move smaller than this is noise, not a regression.
CASE_TOLERANCE = {"groundedness": 0.05, "citation_validity": 0.0, "coverage": 0.0, "rouge1": 0.02, "rouge2": 0.02,
                  "rougeL": 0.02, "violations": 0.0, "errors": 0.0}
# How much each kind of move weighs when ordering the regressions (a new violation outranks any score drop).
_WEIGHT = {"violations": 10.0, "errors": 8.0, "coverage": 3.0, "citation_validity": 3.0, "groundedness": 2.0,
           "rougeL": 1.0, "rouge1": 0.5, "rouge2": 0.5}


class MetricDelta(BaseModel):
    name: str
    a: float | None
    b: float | None
    delta: float | None
    better: bool | None  # None: no direction (length) or a value is missing


class CaseDelta(BaseModel):
    case_id: str
    draft_type: str
    status: CaseStatus
    score: float = 0.0  # regressed: how much got worse (weighted); improved: minus how much got better
    reasons: list[str] = Field(default_factory=list)
    gains: list[str] = Field(default_factory=list)
    deltas: dict[str, float] = Field(default_factory=dict)
    a: CaseResult | None = None
    b: CaseResult | None = None


class RunSummary(BaseModel):
    run_id: str
    label: str
    drafter: str
    prompts: dict[str, str]
    overrides: dict[str, Any]
    git_commit: str | None
    created_at: str
    seconds: float
    aggregate: dict[str, float | None]
    violations: dict[str, int]

    @classmethod
    def of(cls, run: EvalRun) -> RunSummary:
        return cls(run_id=run.run_id, label=run.label, drafter=run.drafter, prompts=run.prompts,
                   overrides=run.overrides, git_commit=run.git_commit, created_at=run.created_at.isoformat(),
                   seconds=run.seconds, aggregate=run.aggregate, violations=run.violations)


class Comparison(BaseModel):
    set_name: str
    a: RunSummary
    b: RunSummary
    metrics: list[MetricDelta]
    violations: list[MetricDelta]
    cases: list[CaseDelta]
    counts: dict[str, int]

    def regressed(self) -> list[CaseDelta]:
        return [c for c in self.cases if c.status == "regressed"]

    def to_markdown(self, max_cases: int = 25) -> str:
        from assistant.evaluation.report_md import comparison_markdown

        return comparison_markdown(self, max_cases=max_cases)

    def to_html(self) -> str:
        from assistant.evaluation.report_html import comparison_html

        return comparison_html(self)


def _direction(name: str) -> int:
    if name in HIGHER_IS_BETTER:
        return 1
    if name in LOWER_IS_BETTER or name.startswith("latency") or name == "violations_total":
        return -1
    return 0


def metric_delta(name: str, a: float | None, b: float | None) -> MetricDelta:
    if a is None or b is None:
        return MetricDelta(name=name, a=a, b=b, delta=None, better=None)
    delta = round(b - a, 4)
    sign = _direction(name)
    noise = name.startswith("latency") and abs(delta) < max(0.02, 0.2 * abs(a))  # timing jitter is not a verdict
    better = None if sign == 0 or delta == 0 or noise else (delta * sign > 0)
    return MetricDelta(name=name, a=a, b=b, delta=delta, better=better)


_AGG_ORDER = ("groundedness", "citation_validity", "coverage", "rouge1", "rouge2", "rougeL", "rougeL_full",
              "violations_total",
              "errors", "words", "sentences", "citations", "latency_p50_s", "latency_p95_s")


def compare(run_a: EvalRun, run_b: EvalRun) -> Comparison:
    """B against A (A is the baseline). Both runs should be of the same set; cases are matched by id."""
    names = [n for n in _AGG_ORDER if n in run_a.aggregate or n in run_b.aggregate]
    metrics = [metric_delta(n, run_a.aggregate.get(n), run_b.aggregate.get(n)) for n in names]
    rules = sorted(set(run_a.violations) | set(run_b.violations))
    violations = [metric_delta("violations", float(run_a.violations.get(r, 0)), float(run_b.violations.get(r, 0)))
                  .model_copy(update={"name": r}) for r in rules]
    a_cases = {c.case_id: c for c in run_a.cases}
    b_cases = {c.case_id: c for c in run_b.cases}
    order = list(a_cases) + [cid for cid in b_cases if cid not in a_cases]
    cases = [case_delta(a_cases.get(cid), b_cases.get(cid)) for cid in order]
    position = {cid: i for i, cid in enumerate(order)}
    cases.sort(key=lambda c: (_STATUS_ORDER[c.status], -abs(c.score), position[c.case_id]))
    counts = {s: sum(1 for c in cases if c.status == s) for s in _STATUS_ORDER}
    set_name = run_a.set_name if run_a.set_name == run_b.set_name else f"{run_a.set_name} vs {run_b.set_name}"
    return Comparison(set_name=set_name, a=RunSummary.of(run_a), b=RunSummary.of(run_b), metrics=metrics,
                      violations=violations, cases=cases, counts=counts)


def case_delta(a: CaseResult | None, b: CaseResult | None) -> CaseDelta:
    ref = a or b
    assert ref is not None
    if a is None or b is None:
        status: CaseStatus = "only_b" if a is None else "only_a"
        return CaseDelta(case_id=ref.case_id, draft_type=ref.draft_type, status=status, a=a, b=b)
    deltas: dict[str, float] = {}
    reasons: list[str] = []  # what got worse
    gains: list[str] = []  # what got better (a regressed case may trade one for the other)
    loss = gain = 0.0
    for name, tolerance in CASE_TOLERANCE.items():
        va, vb = a.metrics.get(name), b.metrics.get(name)
        if va is None or vb is None:
            continue
        d = round(vb - va, 4)
        if d:
            deltas[name] = d
        if abs(d) <= tolerance:
            continue
        worse = -d * _direction(name) * _WEIGHT.get(name, 1.0)  # > 0 when B is worse
        if worse > 0:
            loss += worse
            reasons.append(_reason(name, va, vb))
        elif worse < 0:
            gain -= worse
            gains.append(_reason(name, va, vb))
    if bool(b.error) != bool(a.error):
        if b.error:
            loss += 8.0
            reasons.append(f"error: {b.error}")
        else:
            gain += 8.0
            gains.append("error fixed")
    new_rules = sorted({v.rule for v in b.violations} - {v.rule for v in a.violations})
    if new_rules:
        reasons.append("new violation: " + ", ".join(new_rules))
    if reasons:
        status: CaseStatus = "regressed"
    elif gain > 0:
        status = "improved"
    elif _text(a) != _text(b):
        status = "changed"
    else:
        status = "unchanged"
    # Regressions are ordered by how much got worse, improvements by how much got better.
    score = loss if reasons else -gain
    return CaseDelta(case_id=a.case_id, draft_type=a.draft_type, status=status, score=round(score, 4),
                     reasons=reasons, gains=gains, deltas=deltas, a=a, b=b)


def _reason(name: str, a: float, b: float) -> str:
    if name == "violations":
        return f"violations {a:.0f} → {b:.0f}"
    return f"{name} {a:.2f} → {b:.2f}"


def _text(result: CaseResult) -> str:
    return result.output.text if result.output else ""
