"""`haven audit`: verify the trail, sign a checkpoint. Both act as the operator (system)."""

from __future__ import annotations

import typer
from sqlalchemy.orm import Session

from haven.audit import checkpoints, trail
from haven.cli.context import command_transaction
from haven.config import get_settings
from haven.db.keyring import KeyMaterialMissing, read_key_file
from haven.i18n import render
from haven.security.permissions import Actor

app = typer.Typer(help="The audit trail: verify it, sign a checkpoint.", no_args_is_help=True)

EXIT_TAMPERED = 1
EXIT_UNVERIFIED = 3


def ensure_keyring(session: Session) -> None:
    """Give the session the keyring from HAVEN_KEY_FILE when the command context has none."""
    if checkpoints.keyring_in(session) is not None:
        return
    key_file = get_settings().key_file
    if key_file is None:
        return
    try:
        session.info["keyring"] = read_key_file(key_file)
    except KeyMaterialMissing as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None


@app.command("verify")
def verify_command() -> None:
    """Check every event's hash and link, and every signed checkpoint.

    Exit status 0 when the trail is intact, 1 when it was tampered with (the first bad event
    is named), 3 when the chain is intact but the signatures could not be checked (no key).
    """
    with command_transaction() as session:
        ensure_keyring(session)
        report = trail.verify_trail(session, Actor.system())
    if report.first_problem is not None:
        typer.secho("The audit trail has been tampered with.", fg=typer.colors.RED, err=True)
        for problem in report.problems:
            typer.secho(
                f"  [{problem.kind}] {render(problem.message)}", fg=typer.colors.RED, err=True
            )
        raise typer.Exit(EXIT_TAMPERED)
    summary = (
        f"{report.events} events, head {report.head_seq} ({report.head_hash}); "
        f"signed checkpoints: {report.checkpoints}, the last at event "
        f"{report.last_checkpoint_seq}."
    )
    if not report.signatures_checked:
        typer.secho(
            "The chain is intact, but checkpoint signatures were not checked: "
            "no key (set HAVEN_KEY_FILE).",
            fg=typer.colors.YELLOW,
            err=True,
        )
        typer.echo(summary)
        raise typer.Exit(EXIT_UNVERIFIED)
    typer.echo(f"The audit trail is intact: {summary}")


@app.command("checkpoint")
def checkpoint_command() -> None:
    """Sign the chain's head now. Copy the printed line somewhere off this machine."""
    with command_transaction() as session:
        ensure_keyring(session)
        checkpoint = trail.sign_checkpoint(session, Actor.system())
    typer.echo(
        f"Checkpoint signed: event {checkpoint.seq}, hash {checkpoint.event_hash}, "
        f"key {checkpoint.key_id}, at {checkpoint.signed_at.isoformat()}."
    )
