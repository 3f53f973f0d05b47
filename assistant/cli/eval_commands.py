"""`rapport eval ...`: run evaluation sets, compare runs side by side, and the CI gate."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from assistant.cli.common import print_json

app = typer.Typer(no_args_is_help=True)


@app.command("sets")
def sets(json_out: bool = typer.Option(False, "--json")) -> None:
    """The shipped evaluation sets."""
    from assistant.evaluation.sets import list_sets  # not cli_support: that imports the runner and its models

    found = list_sets()
    if json_out:
        print_json(found)
        return
    for s in found:
        typer.echo(f"{s['name']:<20} {s['cases']:>4} cases  {', '.join(s['draft_types'])}  [{s['license']}]")
        typer.secho(f"    {s['description']}", dim=True)


@app.command("run")
def run(
    set_name: str = typer.Option(..., "--set", help="A set name from `rapport eval sets`."),
    drafter: str = typer.Option("grounded", "--drafter", help="grounded | llm"),
    prompt: list[str] = typer.Option([], "--prompt", help="Pin a prompt version, e.g. greeting@v2 (repeatable)."),
    option: list[str] = typer.Option([], "--option", help="Override a setting, e.g. offer_cooldown_days=30."),
    limit: int | None = typer.Option(None, "--limit", help="Only the first N cases."),
    out: Path | None = typer.Option(None, "--out", help="Where to save the run JSON."),
    judge: bool = typer.Option(False, "--judge", help="Also score groundedness with the configured LLM."),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Run one evaluation set and save the run."""
    from assistant.evaluation.cli_support import run_command

    result, path, summary = run_command(set_name, drafter, prompt, option, limit, out, judge)  # type: ignore[arg-type]
    if json_out:
        typer.echo(result.model_dump_json(indent=1))
        return
    typer.echo(summary)
    typer.echo(f"saved {path}")


@app.command("compare")
def compare(
    a: Path = typer.Argument(..., help="Baseline run JSON."),
    b: Path = typer.Argument(..., help="Candidate run JSON."),
    html: Path | None = typer.Option(None, "--html", help="Write a self-contained HTML report here."),
    md: Path | None = typer.Option(None, "--md", help="Write the markdown report here."),
    json_out: Path | None = typer.Option(None, "--json", help="Write the comparison JSON here."),
) -> None:
    """Compare two runs side by side: metric deltas, regressed cases first."""
    from assistant.evaluation.cli_support import compare_command

    _, markdown = compare_command(a, b, html=html, md=md, json_out=json_out)
    typer.echo(markdown)


@app.command("gate")
def gate(
    thresholds: Path | None = typer.Option(None, "--thresholds", help="Default: evaluation/thresholds.yaml."),
    benchmarks: Path | None = typer.Option(None, "--benchmarks", help="Also update this BENCHMARKS.md section."),
) -> None:
    """Run the gated sets (evaluation/thresholds.yaml) with the grounded drafter; fail on any breach or violation."""
    from assistant.evaluation.cli_support import gate_command

    code, report = gate_command(thresholds, benchmarks=benchmarks)
    typer.echo(report)
    raise typer.Exit(code)


@app.command("fresh")
def fresh(
    folder: Path = typer.Argument(..., help="A fresh set's folder: customers.jsonl, interactions.jsonl, key.jsonl."),
    out: Path | None = typer.Option(None, "--out", help="Save the run JSON here (e.g. FOLDER/first-run.json)."),
    drafts: Path | None = typer.Option(None, "--drafts", help="Write every draft here (JSONL) for a blind reader."),
) -> None:
    """Score the fact readers and ask against a fresh set's key, and write the drafts for blind review."""
    from assistant.evaluation.fresh import run_fresh

    result = run_fresh(folder)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(result.model_dump_json(indent=1), encoding="utf-8")
    if drafts is not None:
        drafts.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in result.drafts), encoding="utf-8")
    typer.echo(result.summary())


@app.command("cases")
def cases(
    folder: Path = typer.Argument(..., help="A fresh case set: customers.jsonl, interactions.jsonl, key.jsonl."),
    out: Path | None = typer.Option(None, "--out", help="Save the run JSON here (e.g. FOLDER/first-run.json)."),
    drafts: Path | None = typer.Option(None, "--drafts", help="Write each handover here (JSONL) for a blind reader."),
) -> None:
    """Score threading, routing and the case handover against a fresh case set's key."""
    from assistant.evaluation.fresh_cases import run_cases, write_run

    result = run_cases(folder)
    write_run(result, out, drafts)
    typer.echo(result.summary())
