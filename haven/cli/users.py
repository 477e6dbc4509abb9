"""`haven user`: accounts, managed by the operator at the machine."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError

from haven.accounts import mfa, repository, service
from haven.accounts.schemas import UserCreate, UserUpdate
from haven.cli.context import command_transaction
from haven.config import get_settings
from haven.i18n import render
from haven.security import passwords
from haven.security.permissions import Actor, Role
from haven.validation import fields_from_errors

app = typer.Typer(help="Users who log in to Haven.", no_args_is_help=True)


def _fail(message: str) -> None:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


@app.command("add")
def add_user(
    username: Annotated[str, typer.Option(help="Login name: lowercase letters, digits, . _ -")],
    organisation: Annotated[str, typer.Option(help="Name of the user's organisation.")],
    role: Annotated[Role, typer.Option(help="The user's role.")],
    display_name: Annotated[str, typer.Option(help="Full name shown in Haven.")] = "",
    site: Annotated[str, typer.Option(help="Name of the user's site (registrars).")] = "",
    language: Annotated[str, typer.Option(help="Interface language: en or my.")] = "en",
) -> None:
    """Add a user. The password is asked for (twice, hidden), never taken as an argument."""
    password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        passwords.check_password_rules(password)
    except Exception as exc:  # noqa: BLE001 - report the rule, whatever it is
        fields = getattr(exc, "fields", {})
        _fail(f"Password: {render(fields.get('password', 'not accepted'))}")
    with command_transaction() as session:
        org = repository.organisation_by_name(session, organisation)
        if org is None:
            _fail(f"No organisation named {organisation!r}.")
            return
        site_id = None
        if site:
            found = repository.site_by_name(session, org.id, site)
            if found is None:
                _fail(f"No site named {site!r} in {organisation!r}.")
                return
            site_id = found.id
        try:
            data = UserCreate(
                username=username,
                display_name=display_name or username,
                role=role,
                site_id=site_id,
                language=language,
                password=password,
            )
        except ValidationError as exc:
            for name, message in fields_from_errors(exc.errors()).items():
                typer.secho(f"{name}: {render(message)}", fg=typer.colors.RED, err=True)
            raise typer.Exit(1) from None
        user = service.create_user(
            session, Actor.system(), data, organisation_id=org.id, settings=get_settings()
        )
        typer.echo(f"User {user.username} added ({role.value}).")


@app.command("deactivate")
def deactivate_user(username: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Deactivate a user; their sessions end at once and their API tokens stop working."""
    with command_transaction() as session:
        user = repository.user_by_username(session, username)
        if user is None:
            _fail(f"No user named {username!r}.")
            return
        service.update_user(session, Actor.system(), user.id, UserUpdate(is_active=False))
        typer.echo(f"User {username} deactivated.")


@app.command("enrolment-code")
def enrolment_code(username: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Issue a one-time code with which a privileged user without a second factor sets one up
    at their next login (the first administrator, or a user whose factors were reset). Printed
    once; valid for 72 hours; an earlier unused code stops working."""
    with command_transaction() as session:
        user = repository.user_by_username(session, username)
        if user is None:
            _fail(f"No user named {username!r}.")
            return
        code = mfa.issue_enrolment_code(session, Actor.system(), user)
    typer.echo(code)
    typer.secho("Give it to the user in person or by phone; it works once, for 72 hours.", err=True)
