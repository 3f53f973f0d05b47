"""Commands about one customer: memory (ask, facts, timeline) and drafts (greet, handover, suggest)."""

from __future__ import annotations

import typer

from assistant.cli.common import cite, open_assistant, parse_now, print_json

NOW = typer.Option(None, "--now", help="Evaluate as of this ISO-8601 time (default: now).")
JSON = typer.Option(False, "--json", help="Machine-readable output.")


def _print_draft(draft, json_out: bool) -> None:  # type: ignore[no-untyped-def]
    if json_out:
        print_json(draft)
        return
    typer.echo(draft.text)
    if draft.citations:
        typer.secho(f"\nsources: {cite(draft.citations)}", dim=True)
    fallback = draft.metadata.get("fallback")
    if fallback:
        typer.secho(f"(LLM unavailable, grounded draft used: {fallback})", fg=typer.colors.YELLOW, err=True)


def register(app: typer.Typer) -> None:
    @app.command()
    def ask(customer: str, question: str, now: str | None = NOW, json_out: bool = JSON) -> None:
        """Ask about a customer; every sentence of the answer is cited."""
        if not question.strip():
            raise typer.BadParameter("the question is empty: ask something about the customer",
                                     param_hint="QUESTION")
        _print_draft(open_assistant().ask(customer, question, now=parse_now(now)), json_out)

    @app.command()
    def facts(customer: str, now: str | None = NOW, json_out: bool = JSON) -> None:
        """What we know about the customer as of --now, with sources."""
        found = open_assistant().facts(customer, now=parse_now(now))
        if json_out:
            print_json(found)
            return
        for f in found:
            when = f.valid_from.date().isoformat() if f.valid_from else "          "
            status = f" ({f.status})" if f.status else ""
            typer.echo(f"{when}  {f.kind:<12} {f.text}{status}  {cite(f.citations)}")

    @app.command()
    def timeline(customer: str, json_out: bool = JSON) -> None:
        """Every contact across channels, oldest first."""
        from assistant.memory.timeline import timeline as build_timeline

        a = open_assistant()
        entries = build_timeline(a.store, customer)
        if json_out:
            print_json(entries)
            return
        for e in entries:
            typer.echo(f"{e.date:%Y-%m-%d %H:%M}  {e.channel:<7} {e.interaction_id:<14} {e.summary}")

    @app.command()
    def cases(customer: str, now: str | None = NOW, json_out: bool = JSON) -> None:
        """The customer's contacts threaded into cases (most recently active first), with status and team."""
        found = open_assistant().cases(customer, now=parse_now(now))
        if json_out:
            print_json(found)
            return
        if not found:
            typer.echo("No contacts yet.")
        for c in found:
            typer.secho(f"{c.case_id}  [{c.status}]  {c.team}  ({len(c.contacts)} contacts, "
                        f"{', '.join(c.channels)})", bold=True)
            typer.echo(f"  {c.title}")
            for k in c.contacts:
                typer.echo(f"  - {k.started_at:%Y-%m-%d %H:%M} {k.channel:<7} {k.interaction_id}")
            for p in c.open_promises:
                typer.echo(f"  promise ({p.status}): {p.text}")

    @app.command()
    def greet(customer: str, now: str | None = NOW, json_out: bool = JSON) -> None:
        """Draft a warm greeting for the customer."""
        _print_draft(open_assistant().greeting(customer, now=parse_now(now)), json_out)

    @app.command()
    def handover(
        customer: str,
        interaction: str | None = typer.Option(None, "--interaction", help="The contact to hand over (default: last)."),
        team: str | None = typer.Option(None, "--team", help="The team taking over (default: the case's own)."),
        now: str | None = NOW,
        json_out: bool = JSON,
    ) -> None:
        """Draft a warm handover of the contact's case for the next agent or channel."""
        _print_draft(open_assistant().handover(customer, interaction_id=interaction, now=parse_now(now), team=team),
                     json_out)

    @app.command()
    def suggest(customer: str, now: str | None = NOW, json_out: bool = JSON) -> None:
        """The right conversations to have now, with reasons and sources."""
        found = open_assistant().suggestions(customer, now=parse_now(now))
        if json_out:
            print_json(found)
            return
        if not found:
            typer.echo("No suggestions right now.")
        for i, s in enumerate(found, 1):
            typer.echo(f"{i}. [{s.kind}] {s.text}\n   why: {s.reason}  {cite(s.citations)}")
