"""Getting interactions in and seeing what is stored: ingest, demo, stats, customers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

from assistant.cli.common import open_assistant, print_json
from assistant.memory.customer_search import no_match

DEMO_DIR = Path(__file__).resolve().parents[1] / "demo"


def _print_report(report) -> None:  # type: ignore[no-untyped-def]
    for err in report.errors[:20]:
        typer.secho(f"rejected: {err}", fg=typer.colors.YELLOW, err=True)
    if len(report.errors) > 20:
        typer.secho(f"... and {len(report.errors) - 20} more", fg=typer.colors.YELLOW, err=True)
    if report.rejects_file:
        typer.echo(f"rejected lines written, as they were, to {report.rejects_file}: fix them and ingest that file "
                   f"again (why each was rejected: {report.reasons_file})")
    typer.echo(
        f"ingested {report.ingested} interactions ({report.unchanged} unchanged, {report.rejected} rejected), "
        f"{report.customers} customers, {report.chunks} chunks, {report.turns} turns "
        f"in {report.seconds:.1f}s ({report.turns_per_second:.0f} turns/s)"
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _print_quarantined(quarantined: list[dict[str, str]]) -> None:
    """The contacts whose facts could not be read, with the reason (Assistant.stats()["quarantined"])."""
    if not quarantined:
        return
    typer.secho(f"{_count(len(quarantined), 'contact')} quarantined: facts could not be read, nothing retries "
                "them; after a fix run `rapport refresh-facts --quarantined`", fg=typer.colors.YELLOW)
    for q in quarantined:
        typer.echo(f"  {q['interaction_id']:<20} {q['customer_id']:<20} since {q['since'][:16]}  {q['reason']}")


@contextmanager
def _sole_writer(command: str) -> Iterator[None]:
    """A write command is the store's one writer while it runs: it refuses at once (StoreInUse: exit 2, saying what
    to do) while a server or another write command has the store, and no server starts behind its back meanwhile."""
    from assistant.settings import Settings
    from assistant.store_lock import WriterLock

    with WriterLock.claim(Settings().store_dir, command):
        yield


def register(app: typer.Typer) -> None:
    @app.command()
    def ingest(
        files: list[Path] = typer.Argument(None, help="Interaction files (JSONL, or CSV with --format csv)."),
        customers: Path | None = typer.Option(None, "--customers", help="Customers JSONL."),
        format: str | None = typer.Option(None, "--format", help="jsonl | csv (default: from the extension)."),
    ) -> None:
        """Load interactions (and customers) into the store: validate, redact, chunk, embed, upsert."""
        if not files and customers is None:
            raise typer.BadParameter("give interaction files, --customers, or both")
        with _sole_writer("rapport ingest"):
            report = open_assistant().ingest(list(files or []), customers=customers, format=format, progress=True)
        _print_report(report)
        if report.rejected:
            raise typer.Exit(1)

    @app.command()
    def demo() -> None:
        """Load the bundled demo customers and their contacts."""
        with _sole_writer("rapport demo"):
            a = open_assistant()
            report = a.ingest(DEMO_DIR / "interactions.jsonl", customers=DEMO_DIR / "customers.jsonl", progress=True)
        _print_report(report)
        typer.echo(f"demo data is in {a.settings.store_dir}; try: rapport greet cust-maria-lopez  or  python app.py")

    @app.command()
    def stats(json_out: bool = typer.Option(False, "--json")) -> None:
        """Customers, interactions and chunks in the store, by channel."""
        a = open_assistant()
        s = a.stats()
        if json_out:
            print_json(s)
            return
        typer.echo(f"customers: {s['customers']}  interactions: {s['interactions']}  chunks: {s['chunks']}")
        for channel, n in s["by_channel"].items():
            typer.echo(f"  {channel:<8} {n}")
        if a.facts_outdated():
            typer.secho("facts were read by another version of Rapport's fact rules: run `rapport refresh-facts`",
                        fg=typer.colors.YELLOW)
        _print_quarantined(s["quarantined"])

    @app.command("refresh-facts")
    def refresh_facts(
        quarantined: bool = typer.Option(False, "--quarantined", help="Only the contacts whose facts could not be "
                                         "read (see `rapport stats`), after a fix; one that fails again stays."),
    ) -> None:
        """Read every stored contact's facts again (after an upgrade changed the fact rules)."""
        with _sole_writer("rapport refresh-facts"):
            a = open_assistant()
            read = a.refresh_facts(quarantined=quarantined)
        typer.echo(f"facts read again for {_count(read, 'quarantined interaction' if quarantined else 'interaction')}")
        left = a.facts_quarantined()
        _print_quarantined([q.model_dump(mode="json") for q in left])
        if quarantined and left:
            raise typer.Exit(1)

    @app.command("customers")
    def customers_(
        search: str | None = typer.Option(None, "--search", help="A name (typos and word order forgiven), a phone "
                                          "number in any format, part of an e-mail or id."),
        json_out: bool = typer.Option(False, "--json", help="With `why` and `score` beside each record."),
    ) -> None:
        """List customers, or find them: best match first, each saying why it matched."""
        found = open_assistant().find_customers(search)
        if json_out:
            print_json([m.record() for m in found])
            return
        if search and not found:
            typer.echo(no_match(search))
        for m in found:
            c = m.customer
            since = f"since {c.customer_since.year}" if c.customer_since else ""
            typer.echo(f"{c.customer_id:<20} {c.display_name:<24} {since:<11} {', '.join(c.products)}".rstrip())
            if m.why:
                typer.echo(f"{'':<20} matched: {m.why}")
