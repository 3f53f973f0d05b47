"""The prompt lab (developers): run two drafter/prompt variants over an evaluation set, compare per case and in
aggregate, export the report. It drives assistant.evaluation; without that module it says so and does nothing."""

import difflib
import json
import math
import re
import statistics
import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.api.deps import Services
from assistant.errors import InputError
from assistant.settings import DRAFT_TYPES
from assistant.ui import icons, render
from assistant.ui.login import guarded, session_user
from assistant.ui.status import live_status

UNAVAILABLE = ("**Evaluation module not available.** The prompt lab runs `assistant.evaluation.runner.run_eval`; "
               "it appears here once that module is installed ({reason}).")
SHOWN_METRICS = ("groundedness", "citation_validity", "coverage", "rougeL", "words", "violations_total", "errors",
                 "latency_p50_s", "latency_p95_s")
LOWER_IS_BETTER = ("violations_total", "errors", "latency_p50_s", "latency_p95_s")
# The per-case metric an aggregate is made of, for the paired noise check.
PER_CASE = {"latency_p50_s": "latency_s", "latency_p95_s": "latency_s", "violations_total": "violations"}
# A difference counts only when the mean per-case difference is at least this many standard errors from zero
# (about 95% two-sided for a paired comparison): smaller is what repeating the same run gives.
NOISE_SE = 2.0
# Timings move with the machine's load, for every case of a run at once (so pairing by case cannot remove it):
# five identical runs on a shared 2-core machine differed by up to 1.8x (p50) and 2.2x (p95), benchmarks/
# lab_noise.py. A latency is "better" only when the slower run takes more than this many times the faster.
LATENCY_NOISE_RATIO = 2.5
LLM_NEEDS = ("needs an LLM: set RAPPORT_LLM (ollama:<model>, openai:<model> or llamacpp:<path.gguf>) and "
             "restart the app")


def evaluation() -> tuple[Any, str]:
    """The evaluation runner module, or None and why not."""
    try:
        from assistant.evaluation import runner, sets
    except ImportError as exc:
        return None, str(exc)
    return (runner, sets), ""


def variants(svc: Services, draft_type: str) -> list[tuple[str, str]]:
    """(label, value) per variant: 'grounded', and 'llm:<version>' per prompt file of the draft type; an LLM
    variant's label says what it needs when no LLM is configured."""
    try:
        from assistant.llm.prompts import available_versions

        versions = available_versions(draft_type, svc.settings.prompts_dir)
    except Exception:  # noqa: BLE001 - no prompts folder: the grounded drafter is still there
        versions = []
    needs = " — needs RAPPORT_LLM" if svc.settings.llm == "none" else ""
    return [("grounded", "grounded"), *((f"llm · {v}{needs}", f"llm:{v}") for v in versions)]


def default_b(svc: Services, choices: list[tuple[str, str]]) -> str:
    """Variant B as the lab opens: the newest prompt version where an LLM is configured, else the grounded
    drafter, so the first Run works on a fresh install."""
    return choices[-1][1] if svc.settings.llm != "none" else "grounded"


def variant_note(svc: Services, a: str | None, b: str | None) -> tuple[str, bool]:
    """What the chosen variants need, said before Run; and whether Run can work as configured."""
    llm = [f"{label} ({v.split(':', 1)[1]})" for label, v in (("A", a or ""), ("B", b or "")) if v.startswith("llm")]
    if not llm:
        if a == b:
            return ("Both variants are the grounded drafter (no LLM needed): give B settings overrides to compare "
                    "settings, or pick an LLM variant."), True
        return "No LLM needed.", True
    if svc.settings.llm == "none":
        return f"{' and '.join(llm)} {LLM_NEEDS}. Choose 'grounded' to run without one.", False
    return f"{' and '.join(llm)} call{'s' if len(llm) == 1 else ''} {svc.settings.llm}, once per case.", True


def parse_variant(variant: str, draft_type: str) -> tuple[str, dict[str, str]]:
    if variant == "grounded":
        return "grounded", {}
    return "llm", {draft_type: variant.split(":", 1)[-1].split("·")[-1].split("—")[0].split("(")[0].strip()}


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


def beyond_noise(name: str, a: Any, b: Any) -> bool:
    """Whether B's aggregate differs from A's by more than repeating a run would.

    Paired by case: the mean per-case difference must be NOISE_SE standard errors from zero (a consistent shift,
    with no spread, always counts: the grounded drafter is deterministic); a latency must also differ by more
    than a factor LATENCY_NOISE_RATIO.
    """
    va, vb = a.aggregate.get(name), b.aggregate.get(name)
    if va is None or vb is None or va == vb:
        return False
    per_case = PER_CASE.get(name, name)
    if per_case == "latency_s" and max(va, vb) <= LATENCY_NOISE_RATIO * min(va, vb):
        return False
    b_by_id = {c.case_id: c.metrics.get(per_case) for c in b.cases}
    diffs = [b_by_id[c.case_id] - c.metrics[per_case] for c in a.cases
             if c.metrics.get(per_case) is not None and b_by_id.get(c.case_id) is not None]
    if len(diffs) < 2:
        return per_case != "latency_s" or len(diffs) == 1  # one case: only the relative bound can speak
    spread = statistics.stdev(diffs)
    if spread == 0:
        return statistics.fmean(diffs) != 0
    return abs(statistics.fmean(diffs)) >= NOISE_SE * spread / math.sqrt(len(diffs))


def comparison_rows(a: Any, b: Any, higher: tuple[str, ...] = (), lower: tuple[str, ...] = ()) -> list[list[Any]]:
    """Aggregate metrics of runs A and B, the difference, and which is better (for metrics with a direction);
    a difference inside run-to-run noise says so instead."""
    rows = []
    for name in SHOWN_METRICS:
        va, vb = a.aggregate.get(name), b.aggregate.get(name)
        if va is None and vb is None:
            continue
        delta = "" if va is None or vb is None else round(vb - va, 4)
        verdict = ""
        if isinstance(delta, float) and delta and (name in higher or name in lower):
            if beyond_noise(name, a, b):
                verdict = "B better" if (delta > 0) == (name in higher) else "A better"
            else:
                verdict = "within noise"
        rows.append([name, va, vb, delta, verdict])
    return rows


_TOKENS = re.compile(r"\S+|\s+")


def word_diff(a: str, b: str) -> tuple[str, str]:
    """A's and B's text as HTML (escaped), the words only one of them has marked."""
    ta, tb = _TOKENS.findall(a), _TOKENS.findall(b)
    out_a, out_b = [], []
    matcher = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        left, right = render.esc("".join(ta[i1:i2])), render.esc("".join(tb[j1:j2]))
        if op == "equal":
            out_a.append(left)
            out_b.append(right)
            continue
        if left.strip():
            out_a.append(f'<mark class="rp-diff" title="only in A">{left}</mark>')
        else:
            out_a.append(left)
        if right.strip():
            out_b.append(f'<mark class="rp-diff" title="only in B">{right}</mark>')
        else:
            out_b.append(right)
    return "".join(out_a), "".join(out_b)


def _expected(spec: Any) -> str:
    """What a case without a reference summary is checked against: the facts it must state."""
    names = [r.name for r in spec.expect.required] if spec is not None else []
    return ("No reference summary. Must state: " + ", ".join(names)) if names else "—"


def cases_html(a: Any, b: Any, specs: dict[str, Any]) -> str:
    b_cases = {c.case_id: c for c in b.cases}
    blocks = []
    for ca in a.cases:
        cb = b_cases.get(ca.case_id)
        text_a, text_b = (ca.output.text if ca.output else ""), (cb.output.text if cb and cb.output else "")
        marked_a, marked_b = word_diff(text_a, text_b)
        reference = ca.reference or _expected(specs.get(ca.case_id))
        blocks.append(
            f'<div class="rp-facts-title">{render.esc(ca.case_id)} · {render.esc(ca.customer_id)}</div>'
            f'<div class="rp-lab-case"><div><b>Expected</b>\n{render.esc(reference)}</div>'
            f"<div><b>A: {render.esc(a.label)}</b>\n{_case_text(ca, marked_a)}</div>"
            f"<div><b>B: {render.esc(b.label)}</b>\n{_case_text(cb, marked_b)}</div></div>"
        )
    return "".join(blocks) or render.empty("The set has no cases of this draft type.")


def _case_text(case: Any, marked: str) -> str:
    """One side of a case: its text (already escaped, differences marked), its scores and its flags."""
    if case is None:
        return "—"
    if case.error:
        return f'<span class="rp-warn">{render.esc(case.error)}</span>'
    m = case.metrics
    stats = " · ".join(f"{k} {m[k]:.2f}" for k in ("groundedness", "coverage", "rougeL") if m.get(k) is not None)
    flags = "".join(f'\n<span class="rp-warn">{icons.inline("warning")} {render.esc(v.rule)}</span>'
                    for v in case.violations)
    if case.missing_facts:
        flags += f'\n<span class="rp-warn">missing: {render.esc(", ".join(case.missing_facts))}</span>'
    return f'{marked}\n<span class="rp-sub">{stats}</span>{flags}'


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
        choices = variants(svc, "handover")
        variant_a = gr.Dropdown(choices, value="grounded", label="Variant A", elem_id="lab-a")
        variant_b = gr.Dropdown(choices, value=default_b(svc, choices), label="Variant B", elem_id="lab-b")
        overrides_b = gr.Textbox(label="B: settings overrides (optional)", placeholder="recent_contact_days=30",
                                 elem_id="lab-overrides", max_lines=1)
        eval_set = gr.Dropdown(set_names, value=set_names[0] if set_names else None, label="Evaluation set",
                               elem_id="lab-set")
        limit = gr.Number(10, label="Cases (max)", precision=0, minimum=1, maximum=500, elem_id="lab-limit")
    first_note, runnable = variant_note(svc, "grounded", default_b(svc, choices))
    needs = gr.Markdown(first_note, elem_id="lab-needs")
    run = gr.Button("Run both variants", variant="primary", elem_id="lab-run", interactive=runnable)
    lab_status = live_status("lab-status")  # why a run could not start, beside the button
    summary = gr.Dataframe(headers=["metric", "A", "B", "Δ (B−A)", "verdict"], value=[], interactive=False,
                           label="Aggregate metrics", elem_id="lab-metrics")
    # Shown once there is a report: Gradio's empty file box carries an aria-label on a role-less div (axe: serious).
    report = gr.File(label="Report (JSON + Markdown)", interactive=False, file_count="multiple", elem_id="lab-report",
                     visible=False)
    outputs = gr.HTML(render.empty("Outputs appear here side by side, case by case."), elem_id="lab-cases")

    def pick_type(kind: str) -> Any:
        choices = variants(svc, kind)
        return gr.Dropdown(choices=choices, value="grounded"), gr.Dropdown(choices=choices,
                                                                           value=default_b(svc, choices))

    def pick_variant(a: str | None, b: str | None) -> Any:
        note, ok = variant_note(svc, a, b)
        return note, gr.Button(interactive=ok)

    @guarded
    def run_lab(kind: str, a: str, b: str, tweaks: str, set_name: str | None, n: float | None, request: gr.Request,
                progress: gr.Progress = gr.Progress()) -> Any:  # noqa: B008 - Gradio injects it by default value
        session_user(svc, request, "lab")
        if not set_name:
            return gr.skip(), gr.skip(), gr.skip(), "No evaluation set found (evaluation/sets/*.jsonl)."
        evset = sets.load_set(set_name)
        evset = evset.model_copy(update={"cases": [c for c in evset.cases if c.draft_type == kind][: int(n or 10)]})
        if not evset.cases:
            return gr.skip(), gr.skip(), gr.skip(), render.esc(f"The set '{set_name}' has no {kind} cases.")
        note, ok = variant_note(svc, a, b)
        if not ok:
            return gr.skip(), gr.skip(), gr.skip(), render.esc(note)
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
        return (comparison_rows(first, second, higher, LOWER_IS_BETTER), cases_html(first, second, specs),
                gr.File(value=files, visible=True), "")

    private: dict[str, Any] = {"api_visibility": "private"}
    draft_type.change(pick_type, [draft_type], [variant_a, variant_b], **private)
    for chosen in (variant_a, variant_b):
        chosen.change(pick_variant, [variant_a, variant_b], [needs, run], **private)
    run.click(run_lab, [draft_type, variant_a, variant_b, overrides_b, eval_set, limit],
              [summary, outputs, report, lab_status], **private)
