"""`haven token`: API tokens for programs that use Haven's API."""

from __future__ import annotations

from typing import Annotated

import typer

from haven.accounts import repository, tokens
from haven.cli.context import command_transaction
from haven.security.permissions import Actor

app = typer.Typer(help="API tokens.", no_args_is_help=True)


@app.command("create")
def create_token(
    username: Annotated[str, typer.Argument(help="The user the token acts as.")],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "command line",
    write: Annotated[
        bool, typer.Option("--write", help="May change records too (default: read only).")
    ] = False,
    days: Annotated[
        int, typer.Option(help=f"Days until it expires (1 to {tokens.MAX_DAYS}).")
    ] = tokens.DEFAULT_DAYS,
) -> None:
    """Issue a token to a user and print it once; only its hash is stored."""
    scopes = [tokens.READ, tokens.WRITE] if write else [tokens.READ]
    with command_transaction() as session:
        user = repository.user_by_username(session, username)
        if user is None:
            typer.secho(f"No user named {username!r}.", fg=typer.colors.RED, err=True)
            raise typer.Exit(1)
        plaintext, token = tokens.issue(
            session, Actor.system(), user=user, name=name, scopes=scopes, days=days
        )
        expires = token.expires_at.date().isoformat()
    typer.echo(plaintext)
    typer.secho(f"Scopes: {' '.join(scopes)}; expires {expires}.", err=True)
