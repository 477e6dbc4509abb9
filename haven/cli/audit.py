"""`haven audit`: verify the trail, checkpoint and witness its head, and the operator's side of
attestations (`haven.audit.witness`). Commands on the database act as the operator (system).

On the laptop: `verify`, `checkpoint`, `witness`, `trust`, `import`.
On the operator's own machine (no database needed): `operator-key`, `attest`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from haven.audit import chain, checkpoints, trail, witness
from haven.audit.verify import VerifyReport
from haven.audit.witness import Witness, WitnessUnreadable
from haven.cli.context import OpenDatabase, command_transaction, fail
from haven.config import get_settings
from haven.db.engine import WrongDatabaseKey, sqlite_path
from haven.db.keyring import KeyMaterialMissing, read_key_file
from haven.db.migrate import DatabaseNotMigrated, assert_migrated
from haven.db.session import make_session_factory, transaction
from haven.db.types import utcnow
from haven.i18n import render
from haven.security.permissions import Actor

app = typer.Typer(
    help="The audit trail: verify it, checkpoint and witness its head, operator attestations.",
    no_args_is_help=True,
)

EXIT_TAMPERED = 1
EXIT_UNREADABLE = 2
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


def _key_dir() -> Path:
    return get_settings().key_dir


def record_head(head: tuple[int, str]) -> None:
    """Keep the head just witnessed in the key directory, outside the database."""
    witness.record_local(_key_dir(), head[0], head[1], utcnow())


def _local_witness() -> list[Witness]:
    try:
        local = witness.read_local(_key_dir())
    except WitnessUnreadable as exc:
        typer.secho(
            f"The record of the last witnessed head is damaged ({exc}); it was not used.",
            fg=typer.colors.YELLOW,
            err=True,
        )
        return []
    return [] if local is None else [local]


def _operator_keys(given: list[str]) -> list[Ed25519PublicKey]:
    """The keys given on the command line (brought from outside: trusted alone), else the
    laptop's trusted keys."""
    try:
        if given:
            return [witness.parse_public(text) for text in given]
        return witness.trusted_keys(_key_dir())
    except WitnessUnreadable as exc:
        raise fail(str(exc), EXIT_UNREADABLE) from None


def _witnesses(given: list[str]) -> list[Witness]:
    try:
        return [witness.witness_from(argument) for argument in given]
    except WitnessUnreadable as exc:
        raise fail(f"{exc}. Nothing was verified.", EXIT_UNREADABLE) from None


def _summary(report: VerifyReport) -> str:
    text = (
        f"{report.events} events, head {report.head_seq} ({report.head_hash}); "
        f"signed checkpoints: {report.checkpoints}, the last at event "
        f"{report.last_checkpoint_seq}; operator attestations: {report.attestations}; "
        f"witnesses: {report.witnesses}."
    )
    for rollback in report.rollbacks:
        text += (
            f"\nOn {rollback.restored_at:%Y-%m-%d %H:%M} UTC a restore rolled the trail back "
            f"from event {rollback.from_seq} to event {rollback.to_seq} (event {rollback.seq})."
        )
    if report.vouched_seq == 0:
        text += (
            "\nNothing outside this laptop vouches for the trail yet: no operator attestation "
            "or witness was given (see `haven audit witness`)."
        )
    elif report.unvouched:
        text += (
            f"\nVouched for from outside this laptop up to event {report.vouched_seq}. Events "
            f"{report.vouched_seq + 1} to {report.head_seq} are not witnessed yet: until a "
            "witness or an operator attestation covers them, they cannot be told apart from "
            "events forged by someone holding this laptop's key file."
        )
    else:
        text += f"\nVouched for from outside this laptop up to the head (event {report.head_seq})."
    return text


@app.command("verify")
def verify_command(
    witness_codes: Annotated[
        list[str] | None,
        typer.Option(
            "--witness",
            help="A witnessed head: its short code, or a witness or attestation file "
            "(repeatable). The trail must still hold it.",
        ),
    ] = None,
    operator_key: Annotated[
        list[str] | None,
        typer.Option(
            "--operator-key",
            help="Check attestations against this operator public key (brought from outside "
            "the laptop) instead of the keys the laptop trusts (repeatable).",
        ),
    ] = None,
) -> None:
    """Check every event's hash and link, every checkpoint, every operator attestation, and
    every witnessed head (those given, and the last one this laptop recorded).

    Exit status 0 when the trail is intact, 1 when it was tampered with (the first bad event
    is named), 2 when a witness or key given is unreadable, 3 when the chain is intact but
    the checkpoint signatures could not be checked (no key).
    """
    witnesses = _witnesses(witness_codes or []) + _local_witness()
    operator_keys = _operator_keys(operator_key or [])
    with command_transaction() as session:
        ensure_keyring(session)
        report = trail.verify_trail(
            session, Actor.system(), operator_keys=operator_keys, witnesses=witnesses
        )
        head = chain.head(session)
    if report.first_problem is not None:
        typer.secho("The audit trail has been tampered with.", fg=typer.colors.RED, err=True)
        for problem in report.problems:
            typer.secho(
                f"  [{problem.kind}] {render(problem.message)}", fg=typer.colors.RED, err=True
            )
        raise typer.Exit(EXIT_TAMPERED)
    record_head(head)
    if not report.signatures_checked:
        typer.secho(
            "The chain is intact, but checkpoint signatures were not checked: "
            "no key (set HAVEN_KEY_FILE).",
            fg=typer.colors.YELLOW,
            err=True,
        )
        typer.echo(_summary(report))
        raise typer.Exit(EXIT_UNVERIFIED)
    typer.echo(f"The audit trail is intact: {_summary(report)}")


@app.command("checkpoint")
def checkpoint_command() -> None:
    """Sign the chain's head now. Copy the printed witness code somewhere off this machine."""
    with command_transaction() as session:
        ensure_keyring(session)
        checkpoint = trail.sign_checkpoint(session, Actor.system())
    record_head((checkpoint.seq, checkpoint.event_hash))
    typer.echo(
        f"Checkpoint signed: event {checkpoint.seq}, hash {checkpoint.event_hash}, "
        f"key {checkpoint.key_id}, at {checkpoint.signed_at.isoformat()}.\n"
        f"Witness code: {witness.short_code(checkpoint.seq, checkpoint.event_hash)}"
    )


@app.command("witness")
def witness_command(
    out: Annotated[
        Path | None,
        typer.Option(
            help="Also write the witness to this new file: to export, send with a sync, or "
            "have the operator attest (`haven audit attest`)."
        ),
    ] = None,
) -> None:
    """Witness the chain's head: print its short code to keep off this laptop (write it
    down, read it to headquarters), and remember it outside the database."""
    if out is not None and out.exists():
        raise fail(f"{out} already exists: choose a new file name.", 1)
    with command_transaction() as session:
        seq, event_hash = trail.witness_head(session, Actor.system())
    now = utcnow()
    record_head((seq, event_hash))
    if out is not None:
        witness.write_document(out, witness.witness_document(seq, event_hash, now))
    typer.echo(f"Witness code: {witness.short_code(seq, event_hash)}")
    typer.echo(f"Head: event {seq}, hash {event_hash}, at {now.isoformat()}.")
    if out is not None:
        typer.echo(f"Witness file: {out}")


def _inside(path: Path, folder: Path | None) -> bool:
    if folder is None:
        return False
    return path.resolve().is_relative_to(folder.resolve())


@app.command("operator-key")
def operator_key_command(
    path: Annotated[Path, typer.Argument(help="The new operator key file (never overwritten).")],
) -> None:
    """Make an operator signing key, ON THE OPERATOR'S OWN MACHINE (or headquarters'), never
    on a laptop that runs Haven: the laptop gets only the public key (`haven audit trust`)."""
    settings = get_settings()
    database = sqlite_path(settings.database_url)
    if _inside(path, settings.key_dir) or _inside(path, database.parent if database else None):
        raise fail(
            "The operator key must not sit with this Haven's keys or database: make it on "
            "the operator's own machine and give the laptop only its public key.",
            1,
        )
    if path.exists():
        raise fail(f"{path} already exists: choose a new file name.", 1)
    public_key = witness.new_operator_key(path)
    typer.echo(f"Operator key written: {path} (readable by you only; keep it off the laptop).")
    typer.echo(
        f"Public key (give it to each laptop: haven audit trust KEY): "
        f"{witness.public_text(public_key)}"
    )
    typer.echo(f"Key id: {checkpoints.key_id(public_key)}")


@app.command("attest")
def attest_command(
    witness_file: Annotated[Path, typer.Argument(help="The witness file a laptop wrote.")],
    key: Annotated[Path, typer.Option(help="The operator key file.")],
    out: Annotated[Path, typer.Option(help="The attestation file to write (new).")],
) -> None:
    """Sign a laptop's witness file with the operator key (on the operator's machine, offline).
    Keep a copy: it vouches for that laptop's trail up to the witnessed event."""
    if out.exists():
        raise fail(f"{out} already exists: choose a new file name.", 1)
    try:
        document = witness.read_document(witness_file)
        private_key = witness.read_operator_key(key)
    except WitnessUnreadable as exc:
        raise fail(str(exc), EXIT_UNREADABLE) from None
    attested = witness.attest(document, private_key, utcnow())
    witness.write_document(out, attested)
    typer.echo(
        f"Attested: event {attested['seq']} (witness code {attested['code']}), "
        f"key {attested['key_id']}. Written to {out}."
    )


@app.command("trust")
def trust_command(
    public_key: Annotated[str, typer.Argument(help="The operator's public key (base64).")],
) -> None:
    """Trust an operator's public key for attestations (kept in the key directory)."""
    try:
        parsed = witness.parse_public(public_key)
    except WitnessUnreadable as exc:
        raise fail(str(exc), EXIT_UNREADABLE) from None
    added = witness.trust(_key_dir(), parsed)
    if added:
        with command_transaction() as session:
            trail.operator_key_trusted(session, Actor.system(), checkpoints.key_id(parsed))
    state = "now trusted" if added else "already trusted"
    typer.echo(f"Operator key {checkpoints.key_id(parsed)} is {state}.")


@app.command("import")
def import_command(
    attestation_file: Annotated[Path, typer.Argument(help="The attestation file to import.")],
) -> None:
    """Import an operator's attestation: its signature and the event it vouches for are
    checked first; it then vouches for the trail up to that event."""
    try:
        document = witness.read_document(attestation_file)
        attestation = witness.attestation_of(document, attestation_file.name)
    except WitnessUnreadable as exc:
        raise fail(str(exc), EXIT_UNREADABLE) from None
    keys = _operator_keys([])
    with command_transaction() as session:
        stored = trail.import_attestation(session, Actor.system(), attestation, keys)
        head = chain.head(session)
    record_head(head)
    typer.echo(
        f"Attestation imported: the trail is vouched for up to event {stored.seq} "
        f"(operator key {stored.key_id})."
    )


# --- restore: a trail rolled back is said so, and recorded ------------------------------------


def head_before_restore(database: OpenDatabase) -> Witness | None:
    """The head of the database about to be replaced, if there is one to read."""
    path = sqlite_path(database.settings.database_url)
    if path is not None and not path.is_file():
        return None
    try:
        assert_migrated(database.engine)
        with transaction(make_session_factory(database.engine, database.keyring)) as session:
            seq, event_hash = chain.head(session)
    except (DatabaseNotMigrated, WrongDatabaseKey, SQLAlchemyError):
        return None
    finally:
        database.engine.dispose()
    return Witness(seq=seq, event_hash=event_hash, source="the database before the restore")


def report_rollback(database: OpenDatabase, before: Witness | None) -> None:
    """Compare the restored trail with the last head known outside it (the database it
    replaced, and the head this laptop last witnessed): a trail that no longer holds it was
    rolled back, which is said here and recorded in the trail itself."""
    known = [w for w in [before, *_local_witness()] if w is not None]
    engine = database.engine
    try:
        with transaction(make_session_factory(engine, database.keyring)) as session:
            rolled = None
            if known:
                latest = max(known, key=lambda w: w.seq)
                rolled = trail.note_rollback(session, Actor.system("restore"), latest)
            head = chain.head(session)
    finally:
        engine.dispose()
    record_head(head)
    if rolled is not None:
        typer.secho(
            f"The audit trail was rolled back from event {rolled.from_seq} to event "
            f"{rolled.to_seq}: the events recorded after the backup was made are not in the "
            "restored trail. This is recorded in the trail (audit.rolled_back).",
            fg=typer.colors.YELLOW,
            err=True,
        )
