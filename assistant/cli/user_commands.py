"""`rapport users ...`: who may log in, with which role, and their API tokens."""

from __future__ import annotations

import typer

from assistant.cli.common import print_json

app = typer.Typer(no_args_is_help=True)


def _settings():  # type: ignore[no-untyped-def]
    from assistant.settings import Settings

    return Settings()


def _show(creds) -> None:  # type: ignore[no-untyped-def]
    if creds.password:
        typer.echo(f"password for {creds.name} ({creds.role}): {creds.password}")
    if creds.token:
        typer.echo(f"API token for {creds.name} ({creds.role}): {creds.token}")
    typer.secho("Shown once: only a hash is stored.", dim=True)


@app.command("add")
def add(
    name: str,
    role: str = typer.Option(..., "--role", help="agent | supervisor | developer | service"),
    password: str | None = typer.Option(None, "--password", help="Default: a generated one, shown once."),
) -> None:
    """Create a user (a service account gets an API token instead of a password)."""
    from assistant.auth import add_user

    _show(add_user(_settings(), name, role, password))


@app.command("remove")
def remove(name: str) -> None:
    """Delete a user and their tokens."""
    from assistant.auth import remove_user

    remove_user(_settings(), name)
    typer.echo(f"removed {name}")


@app.command("role")
def role(name: str, role: str) -> None:
    """Change a user's role."""
    from assistant.auth import set_role

    set_role(_settings(), name, role)
    typer.echo(f"{name} is now {role}")


@app.command("password")
def password(name: str, password: str | None = typer.Option(None, "--password")) -> None:
    """Set or regenerate a user's password."""
    from assistant.auth import set_password

    _show(set_password(_settings(), name, password))


@app.command("token")
def token(
    name: str,
    label: str = typer.Option("", "--label"),
    scope: list[str] = typer.Option(  # noqa: B008 (typer reads its options from defaults)
        [], "--scope", help="ingest | read, repeatable. Default: a service's token ingests only; a person's "
        "token can do what their role can."),
    expires_days: float | None = typer.Option(None, "--expires-days", help="Refused (401) after this many days. "
                                              "Default: until revoked."),
) -> None:
    """Issue an API bearer token for a user or service."""
    from datetime import timedelta

    from assistant.auth import create_token
    from assistant.models import utcnow

    expires_at = utcnow() + timedelta(days=expires_days) if expires_days is not None else None
    creds = create_token(_settings(), name, label, scopes=scope or None, expires_at=expires_at)
    _show(creds)


@app.command("revoke")
def revoke(name: str, token_id: str | None = typer.Option(None, "--token-id", help="Default: all tokens.")) -> None:
    """Revoke one or all of a user's API tokens."""
    from assistant.auth import revoke_tokens

    typer.echo(f"revoked {revoke_tokens(_settings(), name, token_id)} token(s)")


@app.command("list")
def list_(json_out: bool = typer.Option(False, "--json")) -> None:
    """Users, roles and token ids (never hashes)."""
    from assistant.auth import list_users

    users = list_users(_settings())
    if json_out:
        print_json(users)
        return
    if not users:
        typer.echo("No users yet: rapport users add NAME --role agent")
    for u in users:
        tokens = ", ".join(f"{t['token_id']} [{' '.join(t['scopes'] or [])}]"  # type: ignore[index]
                           + (f" until {t['expires_at'][:16]}" if t["expires_at"] else "")  # type: ignore[index]
                           for t in u["tokens"])  # type: ignore[attr-defined]
        typer.echo(f"{u['name']:<16} {u['role']:<11} tokens: {tokens or 'none'}")
