"""`haven card`: the programme's card-signing key, the signed revocation list, and verifying a
card at a checkpoint, with or without the database (docs/cards.md).

At headquarters: `new-key`, `public-key`, `retire-key`, `revocations`.
At a field node: `trust-key` (the public key from headquarters), `keep-revocations` (its
signed list of revoked cards, which every check there then reads).
Anywhere: `verify` — with `--public-key` (and `--revocations`) it needs no database at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from haven.cards import offline, payload, qr, service, signing
from haven.cards.payload import Result, Verdict
from haven.cli.context import command_transaction, fail
from haven.config import get_settings
from haven.kernel.clock import local_today
from haven.security.permissions import Actor
from haven.sync import nodes
from haven.sync.models import Role

app = typer.Typer(
    help="Programme identity cards: the signing key, revocations, verification.",
    no_args_is_help=True,
)

SYSTEM = Actor.system()
# Exit codes of `verify`: 0 only for a valid card.
EXIT_CODES = {
    Verdict.VALID: 0,
    Verdict.ALTERED: 3,
    Verdict.REVOKED: 4,
    Verdict.EXPIRED: 5,
    Verdict.UNKNOWN_KEY: 6,
    Verdict.UNREADABLE: 7,
}
FIELD_NODE = (
    "This laptop is a field node: card-signing keys are made at headquarters only. Import "
    "headquarters' public key with `haven card trust-key FILE`."
)


@app.command("new-key")
def new_key() -> None:
    """Headquarters: make a new card-signing key; it signs every card from now on (cards
    signed with older keys still verify until those keys are retired)."""
    with command_transaction() as session:
        me = nodes.identity_of(session)
        if me is not None and me.role == Role.FIELD.value:
            raise fail(FIELD_NODE)
        key = signing.create_key(session, SYSTEM)
        key_id = key.key_id
    typer.echo(f"New card-signing key {key_id}. Give field nodes `haven card public-key`.")


@app.command("public-key")
def public_key(
    out: Annotated[Path, typer.Option("--out", help="Where to write the public key file.")],
) -> None:
    """Headquarters: the signing key's public half, for field nodes and checkpoints."""
    with command_transaction() as session:
        content = signing.public_key_file(session)
    out.write_bytes(content)
    typer.echo(f"Public key written to {out}.")


@app.command("trust-key")
def trust_key(
    file: Annotated[Path, typer.Argument(help="A public key file from headquarters.")],
) -> None:
    """A field node or checkpoint: accept cards signed with this key."""
    try:
        content = file.read_bytes()
    except OSError:
        raise fail(f"Cannot read {file}.", 2) from None
    try:
        with command_transaction() as session:
            key_id = signing.trust_key(session, SYSTEM, content).key_id
    except payload.Unreadable:
        raise fail("This file is not a Haven card public key.", 2) from None
    typer.echo(f"Cards signed with key {key_id} now verify here.")


@app.command("retire-key")
def retire_key(key_id: Annotated[str, typer.Argument(help="The key id (8 hex digits).")]) -> None:
    """Stop trusting a key (compromised, or replaced long ago): its cards answer "unknown key"."""
    with command_transaction() as session:
        signing.retire_key(session, SYSTEM, key_id.strip().lower())
    typer.echo(f"Key {key_id} retired.")


@app.command("revocations")
def revocations(
    out: Annotated[Path, typer.Option("--out", help="Where to write the signed list.")],
) -> None:
    """Headquarters: every revoked card, signed, for checkpoints without the database."""
    with command_transaction() as session:
        content = service.revocation_list(session, SYSTEM)
    out.write_bytes(content)
    typer.echo(f"Signed revocation list written to {out}.")


@app.command("keep-revocations")
def keep_revocations(
    file: Annotated[Path, typer.Argument(help="A signed revocation list from headquarters.")],
) -> None:
    """A field node: keep headquarters' signed list, so that every check here (the page, the
    API, `verify`) knows the cards it revokes. Refused unless signed by a trusted key."""
    try:
        content = file.read_bytes()
    except OSError:
        raise fail(f"Cannot read {file}.", 2) from None
    try:
        with command_transaction() as session:
            count = offline.keep(session, SYSTEM, get_settings().key_dir, content)
    except payload.Unreadable:
        raise fail("This file is not a revocation list signed by a trusted key.", 2) from None
    typer.echo(f"{count} revoked card(s) now known here.")


def _payload_of(what: str) -> str | None:
    """The QR text from an argument that is the text itself, a text file or an image."""
    path = Path(what)
    if what.startswith(payload.PREFIX) or not path.is_file():
        return what
    data = path.read_bytes()
    if data.lstrip().startswith(payload.PREFIX.encode()):
        return data.decode(errors="replace").strip()
    return qr.decode_image(data)


def _print(result: Result) -> None:
    colour = typer.colors.GREEN if result.verdict is Verdict.VALID else typer.colors.RED
    typer.secho(result.verdict.value.upper().replace("_", " "), fg=colour, bold=True)
    typer.echo(result.verdict.label)
    if result.reason:
        typer.echo(f"  reason: {result.reason}")
    if result.fields is not None:
        for name, value in result.fields.as_dict().items():
            typer.echo(f"  {name}: {value}")


@app.command("verify")
def verify(
    what: Annotated[
        str, typer.Argument(help="The QR code's text, or a file: a photo/scan of it, or its text.")
    ],
    public_key: Annotated[
        Path | None,
        typer.Option("--public-key", help="Check with this public key file, without a database."),
    ] = None,
    revocations_file: Annotated[
        Path | None,
        typer.Option("--revocations", help="A signed revocation list from headquarters."),
    ] = None,
) -> None:
    """Verify a card: valid, altered, revoked, expired or unknown key, with the signed fields.
    Exit code 0 only when valid (3 altered, 4 revoked, 5 expired, 6 unknown key, 7 no code)."""
    text = _payload_of(what)
    if text is None:
        typer.secho("No QR code was found in the image.", fg=typer.colors.RED, err=True)
        raise typer.Exit(EXIT_CODES[Verdict.UNREADABLE])
    try:
        if public_key is not None:
            key_id, raw = payload.read_public_key_file(public_key.read_bytes())
            keys = {key_id: raw}
            revoked = (
                payload.read_revocations(revocations_file.read_bytes(), keys)
                if revocations_file
                else {}
            )
            result = payload.check(text, public_keys=keys, revoked=revoked, today=local_today())
        else:
            with command_transaction() as session:
                keys = signing.public_keys(session)
                revoked = (
                    payload.read_revocations(revocations_file.read_bytes(), keys)
                    if revocations_file
                    else offline.known(session, get_settings().key_dir)
                )
                result = service.verify(session, SYSTEM, text, revoked=revoked).result
    except payload.Unreadable:
        raise fail("The public key or the revocation list is not valid (altered?).", 2) from None
    except OSError:
        raise fail("Cannot read the public key or revocation list file.", 2) from None
    _print(result)
    raise typer.Exit(EXIT_CODES[result.verdict])
