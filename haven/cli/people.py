"""`haven person`: erasure and retention, by the operator at the machine.

Output names persons by id only: nothing personal is printed (terminals are logged, screens
are photographed).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

import typer

from haven.cli.context import command_transaction
from haven.people import erasure, retention
from haven.security.permissions import Actor

app = typer.Typer(help="Persons: erasure and retention.", no_args_is_help=True)


def _parse_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise typer.BadParameter("not a person id (a UUID)") from None


@app.command("erase")
def erase(
    person_id: Annotated[str, typer.Argument(help="The person's id.")],
    reason: Annotated[str, typer.Option(help="Why (kept in the audit trail; no names).")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Erase a person for good: their data key is destroyed, so no copy stays readable."""
    pid = _parse_id(person_id)
    if not reason.strip():
        raise typer.BadParameter("give a reason", param_hint="--reason")
    if not yes:
        typer.confirm(
            f"Erase person {pid}? Their confidential data becomes unreadable everywhere, "
            "including in backups restored with `haven restore`. This cannot be undone",
            abort=True,
        )
    with command_transaction() as session:
        erasure.erase_person(session, Actor.system(), pid, reason=reason)
    typer.echo(f"Person {pid} erased.")


@app.command("set-retention")
def set_retention(
    person_id: Annotated[str, typer.Argument(help="The person's id.")],
    until: Annotated[
        str | None, typer.Option(help="Keep the record until this date (YYYY-MM-DD).")
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Keep the record indefinitely.")] = False,
) -> None:
    """Set the date after which `haven person apply-retention` erases the person."""
    pid = _parse_id(person_id)
    if clear == (until is not None):
        raise typer.BadParameter("give either --until DATE or --clear")
    when: date | None = None
    if until is not None:
        try:
            when = date.fromisoformat(until)
        except ValueError:
            raise typer.BadParameter("a date as YYYY-MM-DD", param_hint="--until") from None
    with command_transaction() as session:
        retention.set_retention(session, Actor.system(), pid, when)
    typer.echo(f"Person {pid}: kept until {when.isoformat()}." if when else f"Person {pid}: kept.")


@app.command("apply-retention")
def apply_retention(
    today: Annotated[
        str | None, typer.Option(help="Act as if today were this date (YYYY-MM-DD).")
    ] = None,
) -> None:
    """Erase every person whose retention date has passed (run it daily)."""
    day: date | None = None
    if today is not None:
        try:
            day = date.fromisoformat(today)
        except ValueError:
            raise typer.BadParameter("a date as YYYY-MM-DD", param_hint="--today") from None
    with command_transaction() as session:
        erased = retention.apply_retention(session, Actor.system(), today=day)
    for pid in erased:
        typer.echo(f"Person {pid} erased (retention period ended).")
    typer.echo(f"{len(erased)} person(s) erased.")
