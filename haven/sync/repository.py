"""Every query of synchronisation."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from haven.db.base import Base
from haven.sync.models import (
    Change,
    Conflict,
    ConflictState,
    Identity,
    Inbox,
    Node,
    NodeState,
    WatchHash,
)
from haven.sync.tables import BY_TABLE, REFERENCE, Route, model_of

# --- identity and nodes ---------------------------------------------------------------------


def identity(session: Session) -> Identity | None:
    return session.scalars(select(Identity)).first()


def identity_row(connection: Connection) -> Any:
    return connection.execute(
        select(Identity.node_id, Identity.role, Identity.hq_sealing_public)
    ).first()


def last_seq(session: Session) -> int:
    return int(session.scalar(select(Identity.last_seq)) or 0)


def node_for_update(session: Session, node_id: uuid.UUID) -> Node | None:
    return session.get(Node, node_id, with_for_update=True)


def node_by_code_hash(session: Session, digest: str) -> Node | None:
    return session.scalars(select(Node).where(Node.code_hash == digest)).first()


def nodes(session: Session) -> Sequence[Node]:
    return session.scalars(select(Node).order_by(Node.created_at)).all()


def revoked_node_ids(session: Session) -> list[str]:
    return sorted(
        str(i) for i in session.scalars(select(Node.id).where(Node.state == NodeState.REVOKED))
    )


# --- the change log -------------------------------------------------------------------------


def add_changes(connection: Connection, rows: list[dict[str, Any]]) -> None:
    connection.execute(insert(Change), rows)


def changes_after(session: Session, seq: int, *, limit: int) -> Sequence[Change]:
    return session.scalars(
        select(Change).where(Change.seq > seq).order_by(Change.seq).limit(limit)
    ).all()


def count_changes_after(session: Session, seq: int) -> int:
    return int(session.scalar(select(func.count()).where(Change.seq > seq)) or 0)


def waiting_by_table(session: Session, seq: int) -> dict[str, int]:
    rows = session.execute(
        select(Change.table_name, func.count()).where(Change.seq > seq).group_by(Change.table_name)
    ).all()
    return {str(table): int(count) for table, count in rows}


def pending_changes(session: Session, seq: int) -> Sequence[Any]:
    return session.execute(
        select(Change.table_name, Change.record_id, Change.op, Change.fields).where(
            Change.seq > seq
        )
    ).all()


def any_change(session: Session) -> bool:
    return session.scalar(select(Change.id).limit(1)) is not None


def drop_changes(session: Session, up_to: int, *, before: datetime | None = None) -> None:
    statement = delete(Change).where(Change.seq <= up_to)
    if before is not None:
        statement = statement.where(Change.created_at < before)
    session.execute(statement)


def changed_for_site(
    session: Session, after: int, site_id: uuid.UUID, node_id: uuid.UUID
) -> list[tuple[str, str]]:
    """(table, record) of headquarters' changes after `after` going to the site, in order;
    not the node's own changes applied here (it has them), unless headquarters kept its own
    value over one (a conflict: `origin_node` is then None)."""
    rows = session.execute(
        select(Change.table_name, Change.record_id)
        .where(
            Change.seq > after,
            or_(Change.everywhere.is_(True), Change.site_id == site_id),
            or_(Change.origin_node.is_(None), Change.origin_node != node_id),
        )
        .order_by(Change.seq)
    ).all()
    return list(dict.fromkeys((str(t), str(r)) for t, r in rows))


def recent_changes_of(session: Session, table: str, record_id: str) -> Sequence[Change]:
    return session.scalars(
        select(Change)
        .where(Change.table_name == table, Change.record_id == record_id)
        .order_by(Change.seq.desc())
        .limit(50)
    ).all()


# --- inbox and conflicts --------------------------------------------------------------------


def held(session: Session, node_id: uuid.UUID) -> Sequence[Inbox]:
    return session.scalars(
        select(Inbox).where(Inbox.node_id == node_id).order_by(Inbox.first_seq)
    ).all()


def held_ready(session: Session, node_id: uuid.UUID, next_seq: int) -> Sequence[Inbox]:
    return session.scalars(
        select(Inbox)
        .where(Inbox.node_id == node_id, Inbox.first_seq <= next_seq)
        .order_by(Inbox.first_seq)
    ).all()


def held_counts(session: Session) -> dict[uuid.UUID, int]:
    rows = session.execute(select(Inbox.node_id, func.count()).group_by(Inbox.node_id)).all()
    return {node_id: int(count) for node_id, count in rows}


def open_conflict_counts(session: Session) -> dict[uuid.UUID, int]:
    rows = session.execute(
        select(Conflict.node_id, func.count())
        .where(Conflict.state == ConflictState.OPEN)
        .group_by(Conflict.node_id)
    ).all()
    return {node_id: int(count) for node_id, count in rows}


def delete_conflicts_of_person(session: Session, person_id: uuid.UUID) -> None:
    session.execute(delete(Conflict).where(Conflict.person_id == person_id))


# --- records --------------------------------------------------------------------------------


def reference_ids(session: Session, table: str, site_id: uuid.UUID) -> list[str]:
    """Enrolment: the ids of a reference table's records a node of the site receives."""
    model = model_of(table)
    route = BY_TABLE[table].route
    statement: Select[Any] = select(model.id)
    if route is Route.SITE:
        statement = statement.where(model.site_id == site_id)
    elif route is Route.USER:
        users = model_of("users")
        statement = statement.join(users, users.id == model.user_id).where(users.site_id == site_id)
    elif route is Route.AGREEMENT:
        agreements = model_of("agreements")
        statement = statement.join(agreements, agreements.id == model.agreement_id).where(
            agreements.site_id == site_id
        )
    elif route is Route.MERGE:
        return []  # a new laptop holds no persons, so no merge of theirs
    return [str(i) for i in session.scalars(statement)]


def clear_reference(session: Session, *, keep: dict[str, set[uuid.UUID]]) -> None:
    """Delete every reference record but those `keep` names (by table), the tables that refer
    to others first."""
    for table in reversed(REFERENCE):
        model = model_of(table)
        session.execute(delete(model).where(model.id.not_in(keep.get(table, set()))))


def replace_watch_hashes(session: Session, digests: Sequence[str]) -> None:
    session.execute(delete(WatchHash))
    if digests:
        session.add_all(WatchHash(digest=d) for d in sorted(set(digests)))


def watch_hashes(session: Session) -> list[str]:
    return sorted(session.scalars(select(WatchHash.digest)))


def watch_hash_found(session: Session, digests: set[str]) -> bool:
    found = session.scalars(select(WatchHash.digest).where(WatchHash.digest.in_(digests)))
    return found.first() is not None


# The id a record's site is found through, and the table that id names.
_LINKS = {
    Route.PERSON: ("person_id", "persons"),
    Route.CASE: ("case_id", "cases"),
    Route.RECEPTION: ("reception_id", "reception_events"),
    Route.AGREEMENT: ("agreement_id", "agreements"),
    Route.USER: ("user_id", "users"),
}


def _sites_of_links(route: Route, links: list[Any]) -> Select[Any]:
    tables = Base.metadata.tables
    if route is Route.CASE:  # a case's site is its person's
        cases, persons = tables["cases"], tables["persons"]
        return (
            select(cases.c.id, persons.c.site_id)
            .join(persons, persons.c.id == cases.c.person_id)
            .where(cases.c.id.in_(links))
        )
    found = tables[_LINKS[route][1]]
    return select(found.c.id, found.c.site_id).where(found.c.id.in_(links))


def sites_of(
    connection: Connection, wanted: dict[Route, list[tuple[tuple[str, str], dict[str, Any]]]]
) -> dict[tuple[str, str], Any]:
    """Headquarters: the site of records that carry none of their own, found through the
    record they belong to (a case's person...), one query per kind of link."""
    found: dict[tuple[str, str], Any] = {}
    for route, records in wanted.items():
        if route is Route.MERGE:
            found.update(_merge_sites(connection, records))
            continue
        attr = _LINKS[route][0]
        links = list({r[attr] for _, r in records if r.get(attr) is not None})
        site_by_link: dict[Any, Any] = {}
        if links:
            for link, site in connection.execute(_sites_of_links(route, links)):
                site_by_link[link] = site
        for key, routing in records:
            found[key] = site_by_link.get(routing.get(attr))
    return found


def _merge_sites(
    connection: Connection, records: list[tuple[tuple[str, str], dict[str, Any]]]
) -> dict[tuple[str, str], Any]:
    persons = Base.metadata.tables["persons"]
    ids = {r[a] for _, r in records for a in ("survivor_id", "merged_id") if r.get(a)}
    site_of: dict[Any, Any] = {}
    if ids:
        statement = select(persons.c.id, persons.c.site_id).where(persons.c.id.in_(ids))
        site_of = {row[0]: row[1] for row in connection.execute(statement)}
    found: dict[tuple[str, str], Any] = {}
    for key, routing in records:
        survivor = site_of.get(routing.get("survivor_id"))
        merged = site_of.get(routing.get("merged_id"))
        found[key] = survivor if survivor is not None and survivor == merged else None
    return found


# --- the conflict queue (haven.sync.conflicts) ----------------------------------------------


def _conflicts_joined() -> Select[Conflict, Node]:
    """Conflicts with their node and (outer) their person: the person's site, else the node's,
    is the record's site (`haven.sync.conflicts.visible`)."""
    persons = model_of("persons")
    return (
        select(Conflict, Node)
        .join(Node, Node.id == Conflict.node_id)
        .outerjoin(persons, persons.id == Conflict.person_id)
    )


def conflicts_page(
    session: Session, where: Any, *, limit: int, offset: int, newest: bool = False
) -> tuple[list[tuple[Conflict, Node]], int]:
    """One page of the conflicts `where` admits (a clause over Conflict, Node and persons),
    waiting longest first (or newest), and how many there are."""
    statement = _conflicts_joined().where(where)
    total = int(session.scalar(select(func.count()).select_from(statement.subquery())) or 0)
    order = (
        (Conflict.created_at.desc(), Conflict.id.desc())
        if newest
        else (Conflict.created_at.asc(), Conflict.id.asc())
    )
    rows = session.execute(statement.order_by(*order).limit(limit).offset(offset)).all()
    return [(row[0], row[1]) for row in rows], total


def conflict_where(
    session: Session, conflict_id: uuid.UUID, where: Any, *, for_update: bool = False
) -> tuple[Conflict, Node] | None:
    statement = _conflicts_joined().where(Conflict.id == conflict_id, where)
    if for_update:
        statement = statement.with_for_update(of=Conflict)
    row = session.execute(statement).first()
    return None if row is None else (row[0], row[1])


# --- a lost or seized laptop (haven.sync.seizure) -------------------------------------------


def nodes_of_organisation(session: Session, organisation_id: uuid.UUID) -> Sequence[Node]:
    return session.scalars(
        select(Node).where(Node.organisation_id == organisation_id).order_by(Node.created_at)
    ).all()


def held_persons(session: Session, node: Node, until: datetime | None) -> Select[Any]:
    """The ids of the persons a node may hold: those of its site, not erased, that
    headquarters had by the node's last contact (registered there, or sent down to it)."""
    persons = Base.metadata.tables["persons"]
    if until is None:
        return select(persons.c.id).where(persons.c.id.is_(None))
    return select(persons.c.id).where(
        persons.c.organisation_id == node.organisation_id,
        persons.c.site_id == node.site_id,
        persons.c.erased_at.is_(None),
        persons.c.created_at <= until,
    )


def count_held(session: Session, table: str, node: Node, persons: Select[Any]) -> int:
    """How many records of a synchronised table went to the node with these persons (or,
    for a site's own records, to its site); 0 for reference data every node has."""
    tables = Base.metadata.tables
    found = tables[table]
    route = BY_TABLE[table].route
    statement: Select[Any] = select(func.count()).select_from(found)
    if table == "persons":
        statement = statement.where(found.c.id.in_(persons))
    elif route is Route.SITE:
        statement = statement.where(found.c.site_id == node.site_id)
    elif route is Route.PERSON:
        statement = statement.where(found.c.person_id.in_(persons))
    elif route is Route.CASE:
        cases = tables["cases"]
        statement = statement.where(
            found.c.case_id.in_(select(cases.c.id).where(cases.c.person_id.in_(persons)))
        )
    elif route is Route.AGREEMENT:
        agreements = tables["agreements"]
        statement = statement.where(
            found.c.agreement_id.in_(
                select(agreements.c.id).where(agreements.c.site_id == node.site_id)
            )
        )
    elif route is Route.USER:
        users = tables["users"]
        statement = statement.where(
            found.c.user_id.in_(select(users.c.id).where(users.c.site_id == node.site_id))
        )
    else:
        return 0
    return int(session.scalar(statement) or 0)


def last_applied_from(session: Session, node_id: uuid.UUID) -> datetime | None:
    """When headquarters last logged a change that came from the node (its last up bundle)."""
    return session.scalar(select(func.max(Change.created_at)).where(Change.origin_node == node_id))
