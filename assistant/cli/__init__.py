"""The `rapport` command line: typer commands that translate domain errors into clean messages."""

from __future__ import annotations

import sys

import typer

from assistant.cli import customer_commands, data_commands

app = typer.Typer(help="Rapport: agent assist that remembers the customer.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
data_commands.register(app)
customer_commands.register(app)


def _register_optional() -> None:
    # The users and eval command groups live beside the modules they drive.
    from assistant.cli import eval_commands, user_commands

    app.add_typer(user_commands.app, name="users", help="Manage who may log in, their roles and API tokens.")
    app.add_typer(eval_commands.app, name="eval", help="Evaluate drafters and prompt versions; the CI gate.")


_register_optional()


def main() -> None:
    from assistant.errors import RapportError

    try:
        app()
    except RapportError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        sys.exit(2)
