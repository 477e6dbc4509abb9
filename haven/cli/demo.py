"""`haven demo`: synthetic demonstration data."""

from __future__ import annotations

from typing import Annotated

import typer

from haven.accounts.models import Organisation
from haven.cli.context import command_transaction
from haven.config import get_settings
from haven.demo.accounts import DEMO_PASSWORD, USERS, seed_accounts


def demo(
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing when the database already has data.")
    ] = False,
) -> None:
    """Load synthetic organisations, sites and users (safe to run twice)."""
    with command_transaction() as session:
        if if_empty and session.query(Organisation).first() is not None:
            typer.echo("The database already has data: demo data not loaded.")
            return
        result = seed_accounts(session, get_settings())
    typer.echo(f"Demo data ready ({result.created_users} users created).")
    typer.echo("Demo users (FOR DEMONSTRATION ONLY, never on a real deployment):")
    typer.echo(f"  password for every demo user: {DEMO_PASSWORD}")
    typer.echo("  users: " + ", ".join(u[0] for u in USERS))
