"""`haven sync`: a field laptop and headquarters exchange bundles, by link or by file.

By link (`haven sync`, on the laptop): the up bundle goes to headquarters, the down bundle
comes back, each applied in a transaction of its own. By file (a USB stick), the same bundles:

    laptop:        haven sync export up.bundle
    headquarters:  haven sync import up.bundle --answer down.bundle
    laptop:        haven sync import down.bundle

A bundle that is refused (damaged, cut short, from a revoked laptop, made for another node)
changes nothing, and the command exits with 2. A file is written whole or not at all.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.orm import Session

from haven.cli.context import command_transaction, fail
from haven.cli.node import refused, session_factory
from haven.errors import HavenError
from haven.sync import client, down, receive, repository, up
from haven.sync.errors import NotANode, SyncRefused
from haven.sync.models import Role

app = typer.Typer(
    help=(
        "Synchronise with headquarters: `haven sync` alone over the link; export and import "
        "by file (USB stick)."
    ),
    invoke_without_command=True,
)


def _write(path: Path, data: bytes) -> None:
    """Whole or not at all: written beside the target, then renamed over it."""
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    partial.replace(path)


def _role(session: Session) -> Role:
    me = repository.identity(session)
    if me is None:
        raise NotANode
    return Role(me.role)


def receipt_words(receipt: dict[str, Any]) -> str:
    """An up bundle's receipt, in plain words."""
    words = (
        f"Headquarters applied {receipt['applied']} change(s), skipped {receipt['skipped']} "
        f"already applied; it now has this node's changes up to {receipt['acked']}."
    )
    if receipt.get("conflicts"):
        words += f" {receipt['conflicts']} conflict(s) wait for a decision at headquarters."
    if receipt.get("gap"):
        expected, first = receipt["gap"]
        words += (
            f" Changes from {expected} to {first - 1} are missing: "
            f"{receipt.get('held', 0)} bundle(s) are held until they arrive "
            "(export again at the laptop)."
        )
    return words


def down_words(applied: dict[str, int]) -> str:
    return (
        f"From headquarters: {applied.get('applied', 0)} record(s) updated, "
        f"{applied.get('skipped', 0)} already here; headquarters has this laptop's changes "
        f"up to {applied.get('acked', 0)}."
    )


@app.callback()
def sync(
    ctx: typer.Context,
    url: Annotated[
        str | None, typer.Option(help="Headquarters' address (default: the enrolment's).")
    ] = None,
) -> None:
    """Field laptop: synchronise with headquarters over the link."""
    if ctx.invoked_subcommand is not None:
        return
    with session_factory() as factory:
        try:
            rounds = client.sync_over_link(factory, url)
        except HavenError as exc:
            raise refused(exc) from None
    for each in rounds:
        typer.echo(receipt_words(each.receipt))
        typer.echo(down_words(each.down))


@app.command("export")
def export(
    file: Annotated[Path, typer.Argument(help="The bundle file to write.")],
    node: Annotated[
        str | None, typer.Option(help="Headquarters: the field node the bundle is for.")
    ] = None,
) -> None:
    """Field laptop: write its up bundle. Headquarters: write a node's down bundle."""
    with command_transaction() as session:
        try:
            if _role(session) is Role.FIELD:
                data = up.make_up(session)
                what = f"{up.waiting(session)} change(s)"
            else:
                if node is None:
                    raise fail("At headquarters, give --node NODE_ID.", 2)
                me = receive.headquarters(session)
                target = receive.known_node(session, _node_id(node))
                data = down.make_down_for(session, me, target)
                what = f"the down bundle of {target.name}"
        except SyncRefused as exc:
            raise refused(exc) from None
    _write(file, data)
    typer.echo(f"Wrote {what} to {file} ({len(data)} bytes).")


def _node_id(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise fail("Give the node's id (haven node list shows it).", 2) from None


@app.command("import")
def import_bundle(
    file: Annotated[
        Path,
        typer.Argument(
            help="The bundle file to apply.", exists=True, dir_okay=False, readable=True
        ),
    ],
    answer: Annotated[
        Path | None,
        typer.Option(help="Headquarters: write the node's down bundle here, to carry back."),
    ] = None,
) -> None:
    """Headquarters: apply a laptop's up bundle. Field laptop: apply headquarters' bundle."""
    data = file.read_bytes()
    with command_transaction() as session:
        try:
            role = _role(session)
            if role is Role.FIELD:
                typer.echo(down_words(down.apply_down(session, data)))
                return
            receipt = receive.receive(session, data)
        except SyncRefused as exc:
            raise refused(exc) from None
    typer.echo(receipt_words(receipt.as_json()))
    if answer is None:
        return
    # Made after the receipt is committed: the answer acknowledges only what is applied, so
    # a laptop never drops a change headquarters does not have.
    with command_transaction() as session:
        me = receive.headquarters(session)
        target = receive.known_node(session, receipt.node_id)
        data = down.make_down_for(session, me, target)
    _write(answer, data)
    typer.echo(f"Wrote the answer for {target.name} to {answer}: carry it back to the laptop.")
