"""Plain functions behind `rapport eval ...`: the typer commands only parse options and print what these return.

    rapport eval sets                       -> assistant.evaluation.sets.list_sets()
    rapport eval run --set S --drafter D --prompt greeting@v2 --option offer_cooldown_days=0 --limit N --out F
                                            -> run_command(...)
    rapport eval compare A.json B.json --html F --md F --json F
                                            -> compare_command(...)
    rapport eval gate [--thresholds F] [--out-dir D] [--benchmarks BENCHMARKS.md]
                                            -> gate_command(...)  (exit code, message)
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import InputError
from assistant.evaluation.compare import Comparison, compare
from assistant.evaluation.gate import gate, gate_markdown, load_thresholds, replace_section
from assistant.evaluation.report_md import fmt
from assistant.evaluation.runner import DrafterName, EvalRun, run_eval
from assistant.evaluation.sets import default_sets_dir
from assistant.settings import DRAFT_TYPES, Settings


def parse_prompt_pins(values: Sequence[str]) -> dict[str, str]:
    """["greeting@v2", "handover@v1"] -> {"greeting": "v2", "handover": "v1"}."""
    out: dict[str, str] = {}
    for value in values:
        draft_type, sep, version = value.partition("@")
        if not sep or not version or draft_type not in DRAFT_TYPES:
            raise InputError(f"expected <draft type>@<version> with a type in {', '.join(DRAFT_TYPES)} "
                             f"('{value}')", field="--prompt")
        out[draft_type] = version
    return out


def parse_options(values: Sequence[str]) -> dict[str, Any]:
    """["offer_cooldown_days=0"] -> {"offer_cooldown_days": 0}; values are read as YAML scalars."""
    out: dict[str, Any] = {}
    for value in values:
        key, sep, raw = value.partition("=")
        if not sep or key not in Settings.model_fields:
            raise InputError(f"expected <setting>=<value> naming a Settings field ('{value}')", field="--option")
        out[key] = yaml.safe_load(raw) if raw else ""
    return out


def _progress(n: int, total: int, case_id: str) -> None:
    if sys.stderr.isatty():
        print(f"\r  {n}/{total} {case_id[:60]:<60}", end="" if n < total else "\n", file=sys.stderr, flush=True)


def run_command(set_name: str, drafter: DrafterName = "grounded", prompt: Sequence[str] = (),
                option: Sequence[str] = (), limit: int | None = None, out: str | Path | None = None,
                judge: bool = False) -> tuple[EvalRun, Path, str]:
    """Run a set, save the run JSON (default evaluation/runs/<run_id>.json); returns (run, path, summary text)."""
    settings = Settings()
    llm_judge = None
    if judge:
        from assistant.evaluation.metrics import llm_judge as make_judge
        from assistant.llm.chat import build_llm

        model = build_llm(settings)
        if model is None:
            raise InputError("--judge needs a model: set RAPPORT_LLM", field="--judge")
        llm_judge = make_judge(model)
    run = run_eval(set_name, drafter, parse_prompt_pins(prompt), limit=limit, settings=settings,
                   overrides=parse_options(option), judge=llm_judge, progress=_progress)
    path = run.save(Path(out) if out else default_sets_dir().parent / "runs" / f"{run.run_id}.json")
    return run, path, run_summary(run)


def run_summary(run: EvalRun) -> str:
    agg = run.aggregate
    shown = ("groundedness", "citation_validity", "coverage", "rouge1", "rouge2", "rougeL", "words",
             "latency_p50_s", "latency_p95_s", "errors", "violations_total")
    lines = [f"{run.set_name}: {len(run.cases)} cases, {run.label}, {run.seconds:.1f} s"]
    lines += [f"  {name:<18} {fmt(agg.get(name), name)}" for name in shown if name in agg]
    broken = {rule: n for rule, n in run.violations.items() if n}
    if broken:
        lines.append("  violations: " + ", ".join(f"{rule} {n}" for rule, n in broken.items()))
    lines += [f"  warning: {w}" for w in run.warnings[:5]]
    return "\n".join(lines)


def compare_command(a: str | Path, b: str | Path, html: str | Path | None = None, md: str | Path | None = None,
                    json_out: str | Path | None = None) -> tuple[Comparison, str]:
    """Compare two run files (B against baseline A); write the reports asked for; returns (comparison, markdown)."""
    comparison = compare(EvalRun.load(a), EvalRun.load(b))
    markdown = comparison.to_markdown()
    for target, text in ((html, comparison.to_html() if html else ""), (md, markdown),
                         (json_out, comparison.model_dump_json(indent=1) if json_out else "")):
        if target:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            Path(target).write_text(text, encoding="utf-8")
    return comparison, markdown


def gate_command(thresholds: str | Path | None = None, out_dir: str | Path | None = None,
                 benchmarks: str | Path | None = None) -> tuple[int, str]:
    """Run the gate; returns (exit code: 0 passed, 1 failed; the report). benchmarks: update that file's section."""
    limits = load_thresholds(thresholds)

    def progress(name: str, n: int, total: int, case_id: str) -> None:
        _progress(n, total, f"{name}: {case_id}")

    result = gate(thresholds, out_dir=out_dir, progress=progress)
    report = gate_markdown(result, limits)
    if benchmarks:
        path = Path(benchmarks)
        path.write_text(replace_section(path.read_text(encoding="utf-8") if path.exists() else "", report),
                        encoding="utf-8")
    return (0 if result.passed else 1), report
