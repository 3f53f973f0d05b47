"""A comparison as one self-contained HTML page: charts as inline PNG, both outputs of every case side by side."""

from __future__ import annotations

import base64
import io
from html import escape
from typing import TYPE_CHECKING

from assistant.evaluation.report_md import arrow, fmt

if TYPE_CHECKING:
    from assistant.evaluation.compare import CaseDelta, Comparison
    from assistant.evaluation.runner import CaseResult

_A, _B = "#8c9bb0", "#2563eb"
_STATUS_COLOUR = {"regressed": "#dc2626", "improved": "#16a34a", "changed": "#d97706", "unchanged": "#9ca3af",
                  "only_a": "#7c3aed", "only_b": "#7c3aed"}
_QUALITY = ("groundedness", "citation_validity", "coverage", "rouge1", "rouge2", "rougeL")

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1f2937}
main{max-width:1320px;margin:0 auto;padding:24px 28px 60px}h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:28px 0 10px}.sub{color:#6b7280;margin:0 0 16px}
.runs{display:grid;grid-template-columns:1fr 1fr;gap:12px;margin:12px 0}
.run{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:10px 14px}
.run b.tag{display:inline-block;width:22px;height:22px;border-radius:4px;color:#fff;text-align:center;margin-right:6px}
.pills span{display:inline-block;border-radius:12px;padding:2px 10px;margin:0 6px 6px 0;color:#fff;font-weight:600}
table{border-collapse:collapse;background:#fff;border:1px solid #e5e7eb;border-radius:8px;overflow:hidden}
th,td{padding:6px 12px;border-bottom:1px solid #eef0f3;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}.better{color:#16a34a}
.worse{color:#dc2626;font-weight:600}.tables{display:flex;gap:18px;flex-wrap:wrap;align-items:flex-start}
img.chart{width:100%;background:#fff;border:1px solid #e5e7eb;border-radius:8px}
.case{background:#fff;border:1px solid #e5e7eb;border-left:5px solid var(--c);border-radius:8px;
margin:12px 0;padding:10px 14px}
.case h3{font-size:15px;margin:0 0 4px}
.badge{color:#fff;background:var(--c);border-radius:10px;padding:1px 9px;font-size:12px}
.reasons{color:#b91c1c;margin:2px 0 4px}.gains{color:#15803d;margin:2px 0 4px}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:14px}
.out{background:#fafbfc;border:1px solid #eef0f3;border-radius:6px;padding:8px 10px}
.out .who{font-size:12px;color:#6b7280;margin-bottom:4px}.s{display:block;margin:2px 0}
.s.ok{border-left:3px solid #86efac;padding-left:6px}
.s.bad{border-left:3px solid #fca5a5;padding-left:6px;background:#fef2f2}
.s.phatic{border-left:3px solid #e5e7eb;padding-left:6px;color:#4b5563}
.k{font-size:11px;color:#fff;background:#64748b;border-radius:8px;padding:0 6px;margin-right:4px}
.k.sales{background:#b45309}.why{color:#6b7280;font-size:12.5px}
.m{font-size:12px;color:#4b5563;margin-top:6px}.v{color:#b91c1c;font-size:12.5px}
.miss{color:#92400e;font-size:12.5px}
.ref{margin-top:8px;font-size:12.5px;color:#374151;background:#f0f9ff;border-radius:6px;padding:6px 10px}
details summary{cursor:pointer;color:#374151;font-weight:600;margin:16px 0 4px}
"""


def comparison_html(cmp: Comparison, max_detailed: int = 60) -> str:
    a, b = cmp.a, cmp.b
    pills = "".join(f'<span style="background:{_STATUS_COLOUR[s]}">{n} {s.replace("_", " ")}</span>'
                    for s, n in cmp.counts.items() if n)
    detailed = [c for c in cmp.cases if c.status != "unchanged"][:max_detailed]
    rest = [c for c in cmp.cases if c not in detailed]
    parts = [
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>Rapport evaluation: {escape(cmp.set_name)}"
        f"</title><style>{_CSS}</style></head><body><main>",
        f"<h1>Evaluation · <code>{escape(cmp.set_name)}</code></h1>",
        f'<p class=sub>B against A (the baseline). {len(cmp.cases)} cases; regressed cases first.</p>',
        '<div class=runs>', _run_box("A", _A, a), _run_box("B", _B, b), "</div>",
        f"<div class=pills>{pills}</div>",
        f'<img class=chart alt="metrics A vs B" src="data:image/png;base64,{charts_png(cmp)}">',
        '<div class=tables>', _metric_table(cmp), _violation_table(cmp), "</div>",
        f"<h2>Cases ({len(detailed)} that moved, regressed first)</h2>",
        *(_case_card(c) for c in detailed),
    ]
    if rest:
        parts.append(f"<details><summary>{len(rest)} more cases (unchanged or beyond the first {max_detailed})"
                     "</summary>" + "".join(_case_card(c) for c in rest) + "</details>")
    parts.append("</main></body></html>")
    return "\n".join(parts)


def _run_box(tag: str, colour: str, run) -> str:  # type: ignore[no-untyped-def]
    knobs = ", ".join(f"{k}@{v}" for k, v in sorted(run.prompts.items()))
    overrides = ", ".join(f"{k}={v}" for k, v in sorted(run.overrides.items())) or "none"
    return (f'<div class=run><b class=tag style="background:{colour}">{tag}</b><b>{escape(run.label)}</b>'
            f'<div class=m>{escape(run.run_id)} · commit {escape(run.git_commit or "?")} · {run.seconds:.1f} s</div>'
            f"<div class=m>prompts: {escape(knobs)} · overrides: {escape(overrides)}</div></div>")


def _metric_table(cmp: Comparison) -> str:
    rows = "".join(
        f"<tr><td>{m.name}</td><td class=n>{fmt(m.a, m.name)}</td><td class=n>{fmt(m.b, m.name)}</td>"
        f"<td class='{_cls(m.better)}'>{escape(arrow(m).replace('**', ''))}</td></tr>" for m in cmp.metrics)
    return f"<table><tr><th>metric (mean)</th><th>A</th><th>B</th><th>change</th></tr>{rows}</table>"


def _violation_table(cmp: Comparison) -> str:
    rows = "".join(
        f"<tr><td>{m.name}</td><td class=n>{m.a:.0f}</td><td class=n>{m.b:.0f}</td>"
        f"<td class='{_cls(m.better)}'>{escape(arrow(m, 'violations').replace('**', ''))}</td></tr>"
        for m in cmp.violations)
    return f"<table><tr><th>violations per rule</th><th>A</th><th>B</th><th>change</th></tr>{rows}</table>"


def _cls(better: bool | None) -> str:
    return "" if better is None else ("better" if better else "worse")


def _case_card(case: CaseDelta) -> str:
    colour = _STATUS_COLOUR[case.status]
    reasons = f"<div class=reasons>▼ {escape('; '.join(case.reasons))}</div>" if case.reasons else ""
    if case.gains:
        reasons += f"<div class=gains>▲ {escape('; '.join(case.gains))}</div>"
    ref_source = case.a or case.b
    ref = (f"<div class=ref><b>Reference:</b> {escape(ref_source.reference)}</div>"
           if ref_source and ref_source.reference else "")
    return (f'<section class=case style="--c:{colour}"><h3>{escape(case.case_id)} <span class=badge>{case.status}'
            f"</span> <small>{case.draft_type}</small></h3>{reasons}<div class=cols>{_output('A', case.a)}"
            f"{_output('B', case.b)}</div>{ref}</section>")


def _output(tag: str, result: CaseResult | None) -> str:
    if result is None:
        return f"<div class=out><div class=who>{tag}</div><i>not in this run</i></div>"
    if result.error or result.output is None:
        return f"<div class=out><div class=who>{tag}</div><div class=v>error: {escape(result.error or '')}</div></div>"
    body = []
    for i, s in enumerate(result.output.sentences):
        sup = result.support[i] if i < len(result.support) else None
        cls = "phatic" if sup is None or sup.grounded is None else ("ok" if sup.grounded else "bad")
        title = f"support {sup.support:.2f}" if sup and sup.support is not None else "not checked"
        cites = " ".join(f"{c.interaction_id}#{','.join(c.turn_ids)}" for c in s.citations)
        kind = f"<span class='k {s.kind}'>{s.kind}</span>" if s.kind else ""
        why = f" <span class=why>— {escape(s.claim)}</span>" if s.claim and s.claim != s.text else ""
        body.append(f"<span class='s {cls}' title='{escape(title)} · {escape(cites)}'>{kind}{escape(s.text)}{why}"
                     "</span>")
    if not body:
        body.append(f"<span class=s>{escape(result.output.text) or '<i>(empty)</i>'}</span>")
    m = result.metrics
    stats = " · ".join(f"{n} {fmt(m.get(k), k)}" for n, k in (
        ("grounded", "groundedness"), ("citations ok", "citation_validity"), ("coverage", "coverage"),
        ("ROUGE-L", "rougeL"), ("words", "words"), ("latency", "latency_s")) if m.get(k) is not None)
    viol = "".join(f"<div class=v>⚠ {escape(v.rule)}: {escape(v.detail)}</div>" for v in result.violations)
    miss = f"<div class=miss>missing: {escape(', '.join(result.missing_facts))}</div>" if result.missing_facts else ""
    return f"<div class=out><div class=who>{tag}</div>{''.join(body)}<div class=m>{stats}</div>{viol}{miss}</div>"


def charts_png(cmp: Comparison) -> str:
    """Quality metrics, violations per rule and case outcomes, A against B, as one base64 PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig, axes = plt.subplots(1, 3, figsize=(15, 3.9), gridspec_kw={"width_ratios": [1.3, 1.3, 0.9]})
    quality = [m for m in cmp.metrics if m.name in _QUALITY]
    _paired_bars(axes[0], [m.name for m in quality], [m.a or 0 for m in quality], [m.b or 0 for m in quality],
                 "Quality (mean per case, higher is better)", np, limit=1.0)
    viol = cmp.violations
    _paired_bars(axes[1], [m.name.replace("_", " ") for m in viol], [m.a or 0 for m in viol],
                 [m.b or 0 for m in viol], "Violations per rule (must be 0)", np, integer=True)
    if not any((m.a or 0) + (m.b or 0) for m in viol):
        axes[1].text(0.5, 0.5, "none in A or B", transform=axes[1].transAxes, ha="center", va="center",
                     fontsize=12, color="#16a34a", bbox={"facecolor": "#f0fdf4", "edgecolor": "#86efac"})
    statuses = [s for s, n in cmp.counts.items() if n]
    axes[2].barh(statuses, [cmp.counts[s] for s in statuses], color=[_STATUS_COLOUR[s] for s in statuses])
    for y, s in enumerate(statuses):
        axes[2].text(cmp.counts[s], y, f" {cmp.counts[s]}", va="center", fontsize=9)
    axes[2].invert_yaxis()
    axes[2].xaxis.get_major_locator().set_params(integer=True)
    axes[2].set_title("Cases, B against A", fontsize=11, loc="left")
    for ax in axes:
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(labelsize=9)
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in (_A, _B)]
    fig.legend(handles, ["A (baseline)", "B"], loc="upper right", ncol=2, fontsize=9, frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 0.94))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _paired_bars(ax, labels, a, b, title, np, limit=None, integer=False) -> None:  # type: ignore[no-untyped-def]
    y = np.arange(len(labels))
    ax.barh(y - 0.2, a, height=0.38, color=_A, label="A")
    ax.barh(y + 0.2, b, height=0.38, color=_B, label="B")
    for yy, va, vb in zip(y, a, b, strict=True):
        for value, offset, colour in ((va, -0.2, "#475569"), (vb, 0.2, "#1e40af")):
            if integer and not value:
                continue  # a row of zeros says "no violations" without a label on every bar
            ax.text(value, yy + offset, f" {value:.0f}" if integer else f" {value:.2f}", va="center", fontsize=8,
                    color=colour)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    if limit:
        ax.set_xlim(0, limit * 1.12)
    elif integer:
        ax.set_xlim(0, max([1, *a, *b]) * 1.2)
        ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_title(title, fontsize=11, loc="left")
