"""The CI gate: run the gated sets with the grounded drafter and fail on any breach of evaluation/thresholds.yaml.

Rule violations are held at zero whatever the file says; the floors and ceilings are set a little below the
measured figures (BENCHMARKS.md, "Evaluation gate"), so a real regression fails and noise does not.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.embedding import Embedder
from assistant.errors import InputError
from assistant.evaluation.report_md import fmt
from assistant.evaluation.runner import AssistantFactory, DrafterName, EvalRun, run_eval
from assistant.evaluation.sets import default_sets_dir
from assistant.settings import Settings


class SetThresholds(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int | None = None
    min: dict[str, float] = Field(default_factory=dict)  # aggregate metric >= value
    max: dict[str, float] = Field(default_factory=dict)  # aggregate metric <= value


class Thresholds(BaseModel):
    model_config = ConfigDict(extra="forbid")

    drafter: DrafterName = "grounded"
    sets: dict[str, SetThresholds]


class SetOutcome(BaseModel):
    set_name: str
    cases: int
    seconds: float
    aggregate: dict[str, float | None]
    violations: dict[str, int]
    failures: list[str] = Field(default_factory=list)
    run_file: str | None = None


class GateResult(BaseModel):
    passed: bool
    failures: list[str]
    sets: list[SetOutcome]
    seconds: float
    thresholds_file: str


def default_thresholds_path() -> Path:
    return default_sets_dir().parent / "thresholds.yaml"


def load_thresholds(path: str | Path | None = None) -> Thresholds:
    path = Path(path) if path else default_thresholds_path()
    if not path.exists():
        raise InputError("no thresholds file", file=str(path))
    try:
        return Thresholds.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    except (yaml.YAMLError, ValidationError) as exc:
        raise InputError(f"invalid thresholds: {exc}", file=str(path)) from exc


def check_run(run: EvalRun, limits: SetThresholds) -> list[str]:
    """Every breach of the set's floors and ceilings, and every rule violation."""
    name = run.set_name
    failures = [f"{name}: {n} violation(s) of {rule}" for rule, n in run.violations.items() if n]
    for metric, floor in limits.min.items():
        value = run.aggregate.get(metric)
        if value is None:
            failures.append(f"{name}: {metric} was not measured (floor {floor})")
        elif value < floor:
            failures.append(f"{name}: {metric} {value:.3f} < {floor}")
    for metric, ceiling in limits.max.items():
        value = run.aggregate.get(metric)
        if value is not None and value > ceiling:
            failures.append(f"{name}: {metric} {value:.3f} > {ceiling}")
    return failures


def gate(thresholds: str | Path | Thresholds | None = None, embedder: Embedder | None = None, *,
         settings: Settings | None = None, out_dir: str | Path | None = None, sets_dir: Path | None = None,
         progress: Callable[[str, int, int, str], None] | None = None,
         assistant_factory: AssistantFactory | None = None) -> GateResult:
    """Run each gated set; `passed` is False on any failure. Run files go to out_dir when given."""
    source = thresholds if isinstance(thresholds, Thresholds) else load_thresholds(thresholds)
    started = time.perf_counter()
    outcomes: list[SetOutcome] = []
    for name, limits in source.sets.items():
        def step(n: int, total: int, case_id: str, _name: str = name) -> None:
            if progress:
                progress(_name, n, total, case_id)

        run = run_eval(name, source.drafter, limit=limits.limit, embedder=embedder, settings=settings,
                       sets_dir=sets_dir, progress=step, assistant_factory=assistant_factory)
        outcome = SetOutcome(set_name=name, cases=len(run.cases), seconds=run.seconds, aggregate=run.aggregate,
                             violations=run.violations, failures=check_run(run, limits))
        if out_dir:
            outcome.run_file = str(run.save(Path(out_dir) / f"gate-{name}.json"))
        outcomes.append(outcome)
    failures = [f for o in outcomes for f in o.failures]
    where = "(given)" if isinstance(thresholds, Thresholds) else str(thresholds or default_thresholds_path())
    return GateResult(passed=not failures, failures=failures, sets=outcomes,
                      seconds=round(time.perf_counter() - started, 2), thresholds_file=where)


_SHOWN = ("groundedness", "citation_validity", "coverage", "rouge1", "rouge2", "rougeL", "rougeL_full", "words",
          "latency_p50_s", "latency_p95_s", "errors", "violations_total")


def gate_markdown(result: GateResult, thresholds: Thresholds | None = None, note: str = "") -> str:
    """The '## Evaluation gate' section of BENCHMARKS.md."""
    sets = [o.set_name for o in result.sets]
    lines = ["## Evaluation gate", ""]
    if note:
        lines += [note, ""]
    lines += [f"`rapport eval gate` — grounded drafter, thresholds in `evaluation/thresholds.yaml`; "
              f"{'**passed**' if result.passed else '**failed**'} in {result.seconds:.0f} s.", "",
              "| metric | " + " | ".join(f"{s} ({o.cases} cases)" for s, o in zip(sets, result.sets, strict=True))
              + " |", "|---|" + "---:|" * len(sets)]
    for metric in _SHOWN:
        cells = []
        for o in result.sets:
            value = o.aggregate.get(metric)
            limits = thresholds.sets.get(o.set_name) if thresholds else None
            bound = ""
            if limits and metric in limits.min:
                bound = f" (≥ {_limit(limits.min[metric], metric)})"
            elif limits and metric in limits.max:
                bound = f" (≤ {_limit(limits.max[metric], metric)})"
            cells.append(fmt(value, metric) + bound)
        lines.append(f"| {metric} | " + " | ".join(cells) + " |")
    lines.append("| run time | " + " | ".join(f"{o.seconds:.0f} s" for o in result.sets) + " |")
    if result.failures:
        lines += ["", "Failures:", *(f"- {f}" for f in result.failures)]
    return "\n".join(lines) + "\n"


def replace_section(document: str, section: str, heading: str = "## Evaluation gate") -> str:
    """Replace one '## ' section of a Markdown document (or append it), leaving the rest as it is."""
    pattern = re.compile(rf"^{re.escape(heading)}\s*$.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    body = section.rstrip() + "\n\n"
    if pattern.search(document):
        return pattern.sub(lambda _: body, document, count=1).rstrip() + "\n"
    return (document.rstrip() + "\n\n" if document.strip() else "") + body.rstrip() + "\n"


def _limit(value: float, metric: str) -> str:
    return fmt(value, metric) if metric.startswith("latency") else f"{value:g}"
