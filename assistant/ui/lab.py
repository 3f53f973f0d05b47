"""The prompt lab (developers): run two drafter/prompt variants over an evaluation set, compare per case and in
aggregate, export the report. It drives assistant.evaluation; without that module it says so and does nothing."""

import json
import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.api.deps import Services
from assistant.errors import InputError
from assistant.settings import DRAFT_TYPES
from assistant.ui import render
from assistant.ui.login import guarded, session_user

UNAVAILABLE = ("**Evaluation module not available.** The prompt lab runs `assistant.evaluation.runner.run_eval`; "
               "it appears here once that module is installed ({reason}).")
SHOWN_METRICS = ("groundedness", "citation_validity", "coverage", "rougeL", "words", "violations_total", "errors",
                 "latency_p50_s", "latency_p95_s")
LOWER_IS_BETTER = ("violations_total", "errors", "latency_p50_s", "latency_p95_s")


def evaluation() -> tuple[Any, str]:
    """The evaluation runner module, or None and why not."""
    try:
        from assistant.evaluation import runner, sets
    except ImportError as exc:
        return None, str(exc)
    return (runner, sets), ""


def variants(svc: Services, draft_type: str) -> list[str]:
    """'grounded', and 'llm · <version>' per prompt file of the draft type (marked when no LLM is configured)."""
    try:
        from assistant.llm.prompts import available_versions

        versions = available_versions(draft_type, svc.settings.prompts_dir)
    except Exception:  # noqa: BLE001 - no prompts folder: the grounded drafter is still there
        versions = []
    needs = " (needs RAPPORT_LLM)" if svc.settings.llm == "none" else ""
    return ["grounded", *(f"llm · {v}{needs}" for v in versions)]


def parse_variant(variant: str, draft_type: str) -> tuple[str, dict[str, str]]:
    if variant == "grounded":
        return "grounded", {}
    return "llm", {draft_type: variant.split("·")[-1].split("(")[0].strip()}


def parse_overrides(text: str | None) -> dict[str, Any]:
    """'recent_contact_days=30, offer_cooldown_days=0' -> a dict (values read as JSON where they parse)."""
    out: dict[str, Any] = {}
    for part in (text or "").replace("\n", ",").split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise InputError(f"'{part.strip()}' is not name=value", field="overrides")
        try:
            out[key.strip()] = json.loads(value.strip())
        except ValueError:
            out[key.strip()] = value.strip()
    return out


def comparison_rows(a: Any, b: Any, higher: tuple[str, ...] = (), lower: tuple[str, ...] = ()) -> list[list[Any]]:
    """Aggregate metrics of runs A and B, the difference, and which is better (for metrics with a direction)."""
    rows = []
    for name in SHOWN_METRICS:
        va, vb = a.aggregate.get(name), b.aggregate.get(name)
        if va is None and vb is None:
            continue
        delta = "" if va is None or vb is None else round(vb - va, 4)
        verdict = ""
        if isinstance(delta, float) and delta and (name in higher or name in lower):
            verdict = "B better" if (delta > 0) == (name in higher) else "A better"
        rows.append([name, va, vb, delta, verdict])
    return rows


def _expected(spec: Any) -> str:
    """What a case without a reference summary is checked against: the facts it must state."""
    names = [r.name for r in spec.expect.required] if spec is not None else []
    return ("No reference summary. Must state: " + ", ".join(names)) if names else "—"


def cases_html(a: Any, b: Any, specs: dict[str, Any]) -> str:
    b_cases = {c.case_id: c for c in b.cases}
    blocks = []
    for ca in a.cases:
        cb = b_cases.get(ca.case_id)
        reference = ca.reference or _expected(specs.get(ca.case_id))
        blocks.append(
            f'<div class="rp-facts-title">{render.esc(ca.case_id)} · {render.esc(ca.customer_id)}</div>'
            f'<div class="rp-lab-case"><div><b>Expected</b>\n{render.esc(reference)}</div>'
            f"<div><b>A: {render.esc(a.label)}</b>\n{_case_text(ca)}</div>"
            f"<div><b>B: {render.esc(b.label)}</b>\n{_case_text(cb)}</div></div>"
        )
    return "".join(blocks) or render.empty("The set has no cases of this draft type.")


def _case_text(case: Any) -> str:
    if case is None:
        return "—"
    if case.error:
        return f'<span class="rp-warn">{render.esc(case.error)}</span>'
    m = case.metrics
    stats = " · ".join(f"{k} {m[k]:.2f}" for k in ("groundedness", "coverage", "rougeL") if m.get(k) is not None)
    flags = "".join(f'\n<span class="rp-warn">⚠ {render.esc(v.rule)}</span>' for v in case.violations)
    if case.missing_facts:
        flags += f'\n<span class="rp-warn">missing: {render.esc(", ".join(case.missing_facts))}</span>'

    return f'{render.esc(case.output.text if case.output else "")}\n<span class="rp-sub">{stats}</span>{flags}'


def report_markdown(a: Any, b: Any, set_name: str, draft_type: str, higher: tuple[str, ...]) -> str:
    lines = [f"# Prompt lab: {draft_type} on {set_name}", "", f"- A: {a.label}", f"- B: {b.label}", "",
             "| metric | A | B | Δ (B−A) | |", "|---|---|---|---|---|"]
    rows = comparison_rows(a, b, higher, LOWER_IS_BETTER)
    lines += [f"| {' | '.join('' if v is None else str(v) for v in row)} |" for row in rows]
    return "\n".join(lines) + "\n"


def build_lab(svc: Services) -> None:
    found, reason = evaluation()
    if found is None:
        gr.Markdown(UNAVAILABLE.format(reason=reason), elem_id="lab-unavailable")
        return
    runner, sets = found
    higher = tuple(getattr(runner, "HIGHER_IS_BETTER", ()))
    set_names = sets.available_sets()
    gr.Markdown("Compare two variants of a drafter on an evaluation set. Each run drafts every case in a fresh "
                "temporary store; nothing touches the live store.")
    with gr.Row():
        draft_type = gr.Dropdown(list(DRAFT_TYPES), value="handover", label="Draft type", elem_id="lab-type")
        variant_a = gr.Dropdown(variants(svc, "handover"), value="grounded", label="Variant A", elem_id="lab-a")
        choices_b = variants(svc, "handover")
        variant_b = gr.Dropdown(choices_b, value=choices_b[-1], label="Variant B", elem_id="lab-b")
        overrides_b = gr.Textbox(label="B: settings overrides (optional)", placeholder="recent_contact_days=30",
                                 elem_id="lab-overrides", max_lines=1)
        eval_set = gr.Dropdown(set_names, value=set_names[0] if set_names else None, label="Evaluation set",
                               elem_id="lab-set")
        limit = gr.Number(10, label="Cases (max)", precision=0, minimum=1, maximum=500, elem_id="lab-limit")
    run = gr.Button("Run both variants", variant="primary", elem_id="lab-run")
    summary = gr.Dataframe(headers=["metric", "A", "B", "Δ (B−A)", "verdict"], value=[], interactive=False,
                           label="Aggregate metrics", elem_id="lab-metrics")
    report = gr.File(label="Report (JSON + Markdown)", interactive=False, file_count="multiple", elem_id="lab-report")
    outputs = gr.HTML(render.empty("Outputs appear here side by side, case by case."), elem_id="lab-cases")

    def pick_type(kind: str) -> Any:
        choices = variants(svc, kind)
        return gr.Dropdown(choices=choices, value="grounded"), gr.Dropdown(choices=choices, value=choices[-1])

    @guarded
    def run_lab(kind: str, a: str, b: str, tweaks: str, set_name: str | None, n: float | None, request: gr.Request,
                progress: gr.Progress = gr.Progress()) -> Any:  # noqa: B008 - Gradio injects it by default value
        session_user(svc, request, "lab")
        if not set_name:
            raise gr.Error("No evaluation set found (evaluation/sets/*.jsonl).")
        evset = sets.load_set(set_name)
        evset = evset.model_copy(update={"cases": [c for c in evset.cases if c.draft_type == kind][: int(n or 10)]})
        if not evset.cases:
            raise gr.Error(f"The set '{set_name}' has no {kind} cases.")
        runs = []
        for label, variant, overrides in (("A", a, {}), ("B", b, parse_overrides(tweaks))):
            drafter, prompts = parse_variant(variant, kind)

            def step(i: int, total: int, case_id: str, label: str = label) -> None:
                progress(i / total, desc=f"{label}: {case_id}")

            runs.append(runner.run_eval(evset, drafter, prompts, settings=svc.settings, overrides=overrides,
                                        embedder=svc.assistant.embedder, progress=step))
        first, second = runs
        folder = Path(tempfile.mkdtemp(prefix="rapport-lab-"))
        (folder / "lab_report.json").write_text(json.dumps(
            {"set": set_name, "draft_type": kind, "a": first.model_dump(mode="json"),
             "b": second.model_dump(mode="json")}, indent=1), encoding="utf-8")
        (folder / "lab_report.md").write_text(report_markdown(first, second, set_name, kind, higher), encoding="utf-8")
        files = [str(folder / "lab_report.json"), str(folder / "lab_report.md")]
        specs = {c.case_id: c for c in evset.cases}
        return comparison_rows(first, second, higher, LOWER_IS_BETTER), cases_html(first, second, specs), files

    private: dict[str, Any] = {"api_visibility": "private"}
    draft_type.change(pick_type, [draft_type], [variant_a, variant_b], **private)
    run.click(run_lab, [draft_type, variant_a, variant_b, overrides_b, eval_set, limit], [summary, outputs, report],
              **private)
