"""`haven keys`: create Haven's key material (a key file, or a passphrase)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from haven.cli.context import fail
from haven.config import Settings, get_settings
from haven.db.keyring import init_passphrase, new_key_file
from haven.security.unlock import UnlockError, check_location

app = typer.Typer(help="Haven's key material.", no_args_is_help=True)

MIN_PASSPHRASE = 15


def _ask_new(label: str) -> str:
    value = str(typer.prompt(label, hide_input=True, confirmation_prompt=True, err=True))
    if len(value) < MIN_PASSPHRASE:
        raise fail(f"{label}: at least {MIN_PASSPHRASE} characters, please.")
    return value


@app.command("init")
def init(
    path: Annotated[
        Path | None,
        typer.Argument(help="Write a new key file here (not in the database's folder)."),
    ] = None,
    passphrase: Annotated[
        bool, typer.Option("--passphrase", help="Use an operator passphrase instead of a file.")
    ] = False,
    duress: Annotated[
        bool,
        typer.Option(
            "--duress",
            help="Also set a duress passphrase: entering it wipes everything, silently.",
        ),
    ] = False,
) -> None:
    """Create a key file, or set the passphrase (asked twice, hidden). Never overwrites."""
    settings = get_settings()
    if passphrase == (path is not None):
        raise fail("Give either a key file PATH or --passphrase.", 2)
    if duress and not passphrase:
        raise fail("--duress goes with --passphrase.", 2)
    if path is not None:
        _init_key_file(settings, path)
    else:
        _init_passphrase(settings, duress=duress)


def _init_key_file(settings: Settings, path: Path) -> None:
    try:
        check_location(settings.model_copy(update={"key_file": path}))
    except UnlockError as exc:
        raise fail(str(exc), 2) from None
    try:
        new_key_file(path)
    except FileExistsError:
        raise fail(f"{path} already exists: Haven never overwrites a key.", 1) from None
    typer.echo(f"New key file: {path}")
    typer.echo(f"Set HAVEN_KEY_FILE={path} for every Haven command and for the server.")
    typer.echo(
        "Keep a copy away from this machine: without it neither the database nor its "
        "backups can ever be read again."
    )


def _init_passphrase(settings: Settings, *, duress: bool) -> None:
    if settings.key_file is not None:
        raise fail("HAVEN_KEY_FILE is set: Haven would use the key file, not a passphrase.", 2)
    try:
        check_location(settings)
    except UnlockError as exc:
        raise fail(str(exc), 2) from None
    if (settings.key_dir / "passphrase.salt").exists():
        raise fail(f"A passphrase is already set up in {settings.key_dir}: nothing changed.", 1)
    secret = _ask_new("New passphrase")
    duress_secret = _ask_new("Duress passphrase") if duress else None
    try:
        init_passphrase(settings.key_dir, secret, duress_secret)
    except FileExistsError:
        raise fail(f"A passphrase is already set up in {settings.key_dir}.", 1) from None
    except ValueError as exc:
        raise fail(f"{exc}; nothing changed.", 1) from None
    typer.echo(f"Passphrase set up (salt and check in {settings.key_dir}).")
    if duress:
        typer.echo("Duress passphrase set: at unlock it wipes everything and shows an empty Haven.")
