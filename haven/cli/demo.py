"""`haven demo`: synthetic demonstration data."""

from __future__ import annotations

from typing import Annotated

import typer

from haven.accounts.models import Organisation
from haven.cli.context import command_transaction
from haven.config import get_settings
from haven.demo.accounts import DEMO_PASSWORD, DEMO_TOTP_SECRET, USERS, seed_accounts
from haven.demo.agreements import seed_agreements
from haven.demo.allowances import seed_allowances
from haven.demo.matching import seed_matching
from haven.demo.pathways import seed_pathways
from haven.demo.people import seed_people
from haven.demo.pow import seed_pow
from haven.demo.programme import seed_programme
from haven.demo.protection import seed_protection
from haven.demo.vetting import seed_vetting
from haven.demo.weapons import seed_weapons


def demo(
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing when the database already has data.")
    ] = False,
    count: Annotated[
        int,
        typer.Option(
            "--people", envvar="HAVEN_DEMO_PEOPLE", help="How many synthetic people.", min=0
        ),
    ] = 400,
) -> None:
    """Load synthetic organisations, sites and users (safe to run twice)."""
    with command_transaction() as session:
        if if_empty and session.query(Organisation).first() is not None:
            typer.echo("The database already has data: demo data not loaded.")
            return
        result = seed_accounts(session, get_settings())
        seed_programme(session, result.organisations)
        people = seed_people(
            session,
            organisations_sites=list(zip(result.organisations, result.sites, strict=True)),
            count=count,
        )
        seed_vetting(session)
        seed_pathways(session)
        seed_pow(session)
        seed_agreements(session)
        seed_allowances(session)
        seed_matching(session)
        seed_protection(session)
        seed_weapons(session)
    typer.echo(f"Demo data ready ({result.created_users} users created, {people} people received).")
    typer.echo("Demo users (FOR DEMONSTRATION ONLY, never on a real deployment):")
    typer.echo(f"  password for every demo user: {DEMO_PASSWORD}")
    typer.echo(f"  authenticator key of privileged demo users (any TOTP app): {DEMO_TOTP_SECRET}")
    typer.echo("  users: " + ", ".join(u[0] for u in USERS))
