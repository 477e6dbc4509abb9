"""`haven node`: this database as a node of synchronisation (docs/field-sites.md).

At headquarters: make it headquarters, issue a laptop's one-time code, revoke a lost laptop,
list the field nodes. At a field laptop: make it a field node, enrol it over the link, and
see what is waiting to be sent.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated

import typer
from sqlalchemy.orm import Session, sessionmaker

from haven.accounts import repository as accounts
from haven.cli.context import command_transaction, fail, open_database
from haven.db.migrate import DatabaseNotMigrated, assert_migrated
from haven.db.session import make_session_factory
from haven.errors import HavenError
from haven.i18n import render
from haven.security.permissions import Actor
from haven.sync import client, nodes, repository, up
from haven.sync.errors import SyncRefused
from haven.sync.models import NodeState, Role

app = typer.Typer(
    help="This database as a node of synchronisation: headquarters or a field laptop.",
    no_args_is_help=True,
)


@contextmanager
def session_factory() -> Iterator[sessionmaker[Session]]:
    """For commands that talk to headquarters between transactions of their own."""
    with open_database() as database:
        try:
            assert_migrated(database.engine)
        except DatabaseNotMigrated as exc:
            raise fail(str(exc), 2) from None
        yield make_session_factory(database.engine, database.keyring)


def refused(exc: HavenError) -> typer.Exit:
    """A refusal (a bundle, a code, a revoked node) exits 2; any other failure 1."""
    return fail(render(exc.message), 2 if isinstance(exc, SyncRefused) else 1)


def when(moment: datetime | None) -> str:
    return "never" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


@app.command("init")
def init(
    name: Annotated[str, typer.Option(help="A name for this node, e.g. the place.")],
    field: Annotated[bool, typer.Option("--field", help="A field laptop.")] = False,
    headquarters: Annotated[
        bool, typer.Option("--headquarters", help="Headquarters (PostgreSQL).")
    ] = False,
) -> None:
    """Make this database a node (once): its keys are made and kept under the key file."""
    if field == headquarters:
        raise fail("Choose one: --field or --headquarters.", 2)
    role = Role.FIELD if field else Role.HEADQUARTERS
    with command_transaction() as session:
        identity = nodes.init_node(session, role=role, name=name)
        node_id = identity.node_id
    typer.echo(f"This database is now a node: {render(role.label)} ({node_id}).")
    if field:
        typer.echo("Next: haven node enrol --url HEADQUARTERS --code CODE")


@app.command("enrol-code")
def enrol_code(
    site: Annotated[str, typer.Option(help="The id of the laptop's site.")],
    name: Annotated[str, typer.Option(help="A name for the laptop.")],
) -> None:
    """Headquarters: a one-time code for a laptop of the site (printed once, valid 24 hours)."""
    try:
        site_id = uuid.UUID(site)
    except ValueError:
        raise fail("--site takes the site's id.", 2) from None
    with command_transaction() as session:
        found = accounts.site_by_id(session, site_id)
        if found is None:
            raise fail("No site with this id.", 2)
        _node, code = nodes.issue_code(
            session,
            Actor.system(),
            site_id=found.id,
            organisation_id=found.organisation_id,
            name=name,
        )
    typer.echo(code)
    typer.secho(
        "On the laptop: haven node enrol --url HEADQUARTERS --code CODE (once, within 24 hours).",
        err=True,
    )


@app.command("enrol")
def enrol(
    url: Annotated[str, typer.Option(help="Headquarters' address, https://…")],
    code: Annotated[str, typer.Option(help="The one-time code from headquarters.")],
) -> None:
    """Field laptop: enrol with headquarters over the link; its site, users and reference
    data arrive, and the address is kept for `haven sync`."""
    with session_factory() as factory:
        try:
            node_id = client.enrol_over_link(factory, url, code)
        except HavenError as exc:
            raise refused(exc) from None
    typer.echo(f"Enrolled: this laptop is field node {node_id}.")


@app.command("revoke")
def revoke(node_id: Annotated[str, typer.Argument(help="The field node's id.")]) -> None:
    """Headquarters: a lost or seized laptop; its bundles are refused from now on."""
    try:
        wanted = uuid.UUID(node_id)
    except ValueError:
        raise fail("Give the node's id (haven node list shows it).", 2) from None
    with command_transaction() as session:
        node = nodes.revoke(session, Actor.system(), wanted)
        name = node.name
    typer.echo(f"Revoked: {name} ({wanted}). Its bundles are refused from now on.")


@app.command("list")
def list_nodes() -> None:
    """Headquarters: every field node. A field laptop: what waits to be sent."""
    with command_transaction() as session:
        me = repository.identity(session)
        if me is None:
            raise fail("This database is not a node: run haven node init.", 2)
        if me.role == Role.HEADQUARTERS:
            held, conflicts = (
                repository.held_counts(session),
                repository.open_conflict_counts(session),
            )
            rows = repository.nodes(session)
            typer.echo(f"Headquarters {me.name} ({me.node_id}): {len(rows)} field node(s).")
            for node in rows:
                typer.echo(
                    f"{node.id}  {node.name}  {render(NodeState(node.state).label)}  "
                    f"last contact {when(node.last_contact_at)}  "
                    f"applied up to {node.applied_seq}  "
                    f"bundles held {held.get(node.id, 0)}  "
                    f"open conflicts {conflicts.get(node.id, 0)}"
                )
            return
        enrolled = me.hq_signing_public is not None
        typer.echo(f"Field node {me.name} ({me.node_id}).")
        typer.echo(f"Enrolled: {'yes' if enrolled else 'no'}; headquarters: {me.hq_url or '-'}")
        if enrolled:
            typer.echo(f"Changes waiting to be sent: {up.waiting(session)}")
        typer.echo(f"Last sync: {when(me.last_sync_at)}")
        if me.last_sync_error:
            typer.echo(f"Last error: {me.last_sync_error}")
