"""A comparison as Markdown: for pull requests, terminals and BENCHMARKS.md."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.evaluation.compare import CaseDelta, Comparison, MetricDelta
    from assistant.evaluation.runner import CaseResult


COUNTS = {"words", "sentences", "citations", "cases", "violations", "violations_total", "errors"}


def fmt(value: float | None, name: str = "") -> str:
    if value is None:
        return "–"
    if name.startswith("latency"):
        return f"{value * 1000:.0f} ms"
    if name in COUNTS:
        return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
    return f"{value:.3f}"


def arrow(m: MetricDelta, unit: str = "") -> str:
    """▲/▼ and the size of the change; `unit` formats it as another metric would be (rules count like violations)."""
    if m.delta is None or m.delta == 0:
        return ""
    mark = "▲" if m.delta > 0 else "▼"
    verdict = "" if m.better is None else (" better" if m.better else " **worse**")
    return f"{mark} {fmt(abs(m.delta), unit or m.name)}{verdict}"


def comparison_markdown(cmp: Comparison, max_cases: int = 25) -> str:
    a, b = cmp.a, cmp.b
    lines = [
        f"# Evaluation: `{cmp.set_name}` — A `{a.label}` vs B `{b.label}`",
        "",
        f"- **A** `{a.run_id}` (commit {a.git_commit or '?'}, {a.seconds:.1f} s)",
        f"- **B** `{b.run_id}` (commit {b.git_commit or '?'}, {b.seconds:.1f} s)",
        "- Cases: " + ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in cmp.counts.items() if n),
        "",
        "## Metrics (mean over cases)",
        "",
        "| metric | A | B | change |",
        "|---|---:|---:|---|",
    ]
    lines += [f"| {m.name} | {fmt(m.a, m.name)} | {fmt(m.b, m.name)} | {arrow(m)} |" for m in cmp.metrics]
    lines += ["", "## Violations per rule", "", "| rule | A | B | change |", "|---|---:|---:|---|"]
    lines += [f"| {m.name} | {m.a:.0f} | {m.b:.0f} | {arrow(m, 'violations')} |" for m in cmp.violations]
    shown = [c for c in cmp.cases if c.status != "unchanged"][:max_cases]
    lines += ["", f"## Cases (regressed first; {len(shown)} of {len(cmp.cases)} shown, unchanged ones left out)", ""]
    for case in shown:
        lines += _case_markdown(case)
    return "\n".join(lines).rstrip() + "\n"


def _case_markdown(case: CaseDelta) -> list[str]:
    head = f"### {case.case_id} — {case.status} ({case.draft_type})"
    out = [head, ""]
    if case.reasons or case.gains:
        out += ["- worse: " + r for r in case.reasons] + ["- better: " + g for g in case.gains] + [""]
    out += ["| A | B |", "|---|---|", f"| {_cell(case.a)} | {_cell(case.b)} |", ""]
    ref = (case.a or case.b).reference if (case.a or case.b) else None
    if ref:
        out += [f"Reference: {ref}", ""]
    return out


def _cell(result: CaseResult | None) -> str:
    if result is None:
        return "*(not in this run)*"
    if result.error:
        return f"**error:** {_esc(result.error)}"
    m = result.metrics
    stats = (f"grounded {fmt(m.get('groundedness'))}, coverage {fmt(m.get('coverage'))}, "
             f"rougeL {fmt(m.get('rougeL'))}, violations {fmt(m.get('violations'), 'violations')}")
    text = _esc(result.output.text if result.output else "")
    extra = "".join(f"<br>⚠ {v.rule}: {_esc(v.detail)}" for v in result.violations)
    if result.missing_facts:
        extra += "<br>missing: " + ", ".join(result.missing_facts)
    return f"{text}<br><sub>{stats}</sub>{extra}"


def _esc(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")
