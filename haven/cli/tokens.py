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
) -> None:
    """Issue a token to a user and print it once; only its hash is stored."""
    with command_transaction() as session:
        user = repository.user_by_username(session, username)
        if user is None:
            typer.secho(f"No user named {username!r}.", fg=typer.colors.RED, err=True)
            raise typer.Exit(1)
        plaintext, _token = tokens.issue(session, Actor.system(), user=user, name=name)
    typer.echo(plaintext)
