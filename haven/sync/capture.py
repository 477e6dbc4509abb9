"""The transactional outbox: every change of a synchronised record becomes a row of the
change log (`sync_changes`) in the transaction that made it (docs/field-sites.md).

Changes are noted at each flush (`after_flush`: the values before and after, each encrypted
field opened with the record's key) and written at commit (`before_commit`), merged per record
(a record made and then changed in one transaction travels once, as made). A savepoint
rolled back drops what was noted inside it. Nothing is written by a database that is no node
(`haven node init` makes one), nor by a field node for a change it is applying from
headquarters (`APPLYING`).

At a field node only its own site's work is logged (`tables.UP`), each change sealed at once
to headquarters' public key (the node cannot read it back). Headquarters logs every
synchronised table with which sites' nodes the record goes to, and no values: the bundle
going down reads the record as it is then.
"""

from __future__ import annotations

import json
import uuid
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import event, text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, SessionTransaction

from haven.db.types import new_id, utcnow
from haven.kernel.sensitivity import ACTOR_ID
from haven.sync import crypto, repository
from haven.sync.models import Identity, Role
from haven.sync.tables import BY_TABLE, UP, Route, model_of, synced_of
from haven.sync.values import current, encode, is_default, read_all, shape

APPLYING = "haven.sync.applying"  # session.info: the origin node id of changes being applied
_NOTED = "haven.sync.noted"
_ROLE = "haven.sync.role"
# Words most changes repeat, so that a single change compresses (zlib's preset dictionary).
DICTIONARY = (
    b'{"f": {"name_latin": ["name_my": ["father_name": ["mother_name": ["birth_year": '
    b'"birth_month": "birth_day": "sex": "unknown" "male" "ethnicity": "organisation_id": '
    b'"site_id": "person_id": "reception_id": "classification": "defector" "received_on": '
    b'"reference": "name_key": "father_key": "aliases": [] "languages": "skills": '
    b'"weapon_specialisations": "birth_approximate": false true null "prefix": "nrc": '
    b'"service_number": "phone": "religion": "disability": {} "a": "t": "2026-'
)
ROUTING_ATTRS = (
    "site_id",
    "person_id",
    "case_id",
    "reception_id",
    "agreement_id",
    "user_id",
    "survivor_id",
    "merged_id",
)


@dataclass
class Noted:
    table: str
    record_id: str
    op: str  # insert, update, delete
    fields: dict[str, list[Any]]  # name → [before, after]
    routing: dict[str, Any]
    where: SessionTransaction
    erased: bool = False
    origin: uuid.UUID | None = None  # the node whose change headquarters was applying


def touch(session: Session, table: str, record_id: str, routing: dict[str, Any]) -> None:
    """Headquarters: log a record as changed although nothing of it changed here, so that
    its values go down again (a conflict kept headquarters' value over the node's)."""
    where = session.get_nested_transaction() or session.get_transaction()
    if where is None or _role(session) != Role.HEADQUARTERS:
        return
    noted: list[Noted] = session.info.setdefault(_NOTED, [])
    noted.append(Noted(table, record_id, "touch", {}, routing, where))


@dataclass
class Merged:
    table: str
    record_id: str
    op: str
    fields: dict[str, list[Any]] = field(default_factory=dict)
    routing: dict[str, Any] = field(default_factory=dict)
    touched: bool = False
    origin: uuid.UUID | None = None


@dataclass(frozen=True)
class _Me:
    node_id: uuid.UUID
    role: str
    hq_sealing_public: bytes | None


def _identity(session: Session) -> _Me | None:
    """This database as a node (None: it is none), read once per transaction."""
    if _ROLE not in session.info:
        connection = session.connection()
        row = None
        if sa_inspect(connection).has_table(Identity.__tablename__):  # else: not yet migrated
            row = repository.identity_row(connection)
        session.info[_ROLE] = None if row is None else _Me(row[0], row[1], row[2])
    me: _Me | None = session.info[_ROLE]
    return me


def _logs(session: Session, table: str) -> bool:
    role = _role(session)
    if role is None:
        return False
    if role == Role.FIELD:
        return table in UP and session.info.get(APPLYING) is None
    return True


def _role(session: Session) -> str | None:
    me = _identity(session)
    return None if me is None else me.role


@event.listens_for(Session, "after_flush")
def _note(session: Session, _context: Any) -> None:
    if not any(
        synced_of(type(i)) is not None for i in (*session.new, *session.dirty, *session.deleted)
    ):
        return
    where = session.get_nested_transaction() or session.get_transaction()
    if where is None:  # pragma: no cover - a flush always runs in a transaction
        return
    noted: list[Noted] = session.info.setdefault(_NOTED, [])
    start = len(noted)
    for instance in session.new:
        synced = synced_of(type(instance))
        if synced is None or not _logs(session, synced.table):
            continue
        values = read_all(session, instance)
        noted.append(
            Noted(
                synced.table,
                str(instance.id),
                "insert",
                {name: [None, value] for name, value in values.items()},
                routing_of(instance),
                where,
            )
        )
    for instance in session.deleted:
        synced = synced_of(type(instance))
        if synced is None or not _logs(session, synced.table):
            continue
        noted.append(
            Noted(synced.table, str(instance.id), "delete", {}, routing_of(instance), where)
        )
    for instance in session.dirty:
        synced = synced_of(type(instance))
        if synced is None or not _logs(session, synced.table):
            continue
        changed = _changed(session, instance)
        if not changed:
            continue
        erased = (
            synced.table == "persons"
            and "erased_at" in changed
            and (changed["erased_at"][0] is None and changed["erased_at"][1] is not None)
        )
        noted.append(
            Noted(
                synced.table,
                str(instance.id),
                "update",
                changed,
                routing_of(instance),
                where,
                erased=erased,
            )
        )
    origin = session.info.get(APPLYING)
    for n in noted[start:]:
        n.origin = origin


def routing_of(instance: Any) -> dict[str, Any]:
    """The ids a record's site is found through (`haven.sync.tables.Route`)."""
    return {name: getattr(instance, name, None) for name in ROUTING_ATTRS}


def _changed(session: Session, instance: Any) -> dict[str, list[Any]]:
    the_shape = shape(type(instance))
    state = sa_inspect(instance)
    changed: dict[str, list[Any]] = {}
    for name in the_shape.plain:
        history = state.attrs[name].history
        if not history.added and not history.deleted:
            continue
        before = encode(history.deleted[0]) if history.deleted else None
        after = encode(history.added[0]) if history.added else None
        if before != after:
            changed[name] = [before, after]
    for name, encrypted in the_shape.encrypted.items():
        history = state.attrs[encrypted.ciphertext_attr].history
        if not history.added and not history.deleted:
            continue
        old_blob = history.deleted[0] if history.deleted else None
        before = encode(encrypted.open_blob(session, instance, old_blob))
        after = current(session, instance, name)
        if before != after:
            changed[name] = [before, after]
    return changed


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous: SessionTransaction) -> None:
    """What was noted inside a rolled-back transaction (or savepoint) never happened."""
    noted: list[Noted] | None = session.info.get(_NOTED)
    if not noted:
        return
    session.info[_NOTED] = [n for n in noted if not _inside(n.where, previous)]


def _inside(where: SessionTransaction | None, outer: SessionTransaction) -> bool:
    while where is not None:
        if where is outer:
            return True
        where = where.parent
    return False


@event.listens_for(Session, "after_commit")
def _forget(session: Session) -> None:
    session.info.pop(_NOTED, None)
    session.info.pop(_ROLE, None)


@event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session: Session) -> None:
    if not session.in_transaction():
        session.info.pop(_NOTED, None)
        session.info.pop(_ROLE, None)


def merge(noted: list[Noted]) -> list[Merged]:
    """One change per record, in the order records were first touched: made then changed
    is made with the last values; changed twice keeps the first before and the last after;
    made then deleted is nothing. A person erased takes every change about them with it:
    the erasure travels alone (op `erase`)."""
    erased = {n.record_id for n in noted if n.erased}
    merged: dict[tuple[str, str], Merged] = {}
    for n in noted:
        key = (n.table, n.record_id)
        person = n.record_id if n.table == "persons" else n.routing.get("person_id")
        if person is not None and str(person) in erased:
            if n.table == "persons" and n.erased:
                # Only when: both ends keep the same erasure time.
                when = {"erased_at": n.fields["erased_at"]}
                merged[key] = Merged(
                    n.table, n.record_id, "erase", when, n.routing, origin=n.origin
                )
            elif n.table != "persons":
                merged.pop(key, None)
            continue
        known = merged.get(key)
        if known is None:
            merged[key] = Merged(
                n.table, n.record_id, n.op, dict(n.fields), n.routing, origin=n.origin
            )
        elif _fold(known, n):
            del merged[key]
    return list(merged.values())


def _fold(known: Merged, n: Noted) -> bool:
    """Fold a later note into a record's change; True when nothing is left of it."""
    if n.op == "touch":
        known.touched = True
        return False
    if known.op == "erase":
        return False
    if n.op == "delete":
        if known.op == "insert":
            return True
        known.op, known.fields = "delete", {}
        return False
    if known.op == "touch":
        known.op, known.touched = "update", True
    if known.origin != n.origin:
        known.origin = None  # changed here too: headquarters' own change, for every node
    for name, (before, after) in n.fields.items():
        if name in known.fields:
            known.fields[name][1] = after
        else:
            known.fields[name] = [before, after]
    if known.op != "update":
        return False
    known.fields = {k: v for k, v in known.fields.items() if v[0] != v[1]}
    if known.fields:
        return False
    if known.touched:
        known.op = "touch"
        return False
    return True


@event.listens_for(Session, "before_commit")
def _write(session: Session) -> None:
    noted: list[Noted] = session.info.pop(_NOTED, [])
    if not noted or session.info.get(_ROLE) is None:
        return
    changes = merge(noted)
    if not changes:
        return
    identity = session.info.get(_ROLE)
    if identity is None:
        return
    connection = session.connection()
    last = connection.execute(
        text("UPDATE sync_identity SET last_seq = last_seq + :n RETURNING last_seq"),
        {"n": len(changes)},
    ).scalar_one()
    first = int(last) - len(changes) + 1
    actor_id = session.info.get(ACTOR_ID)
    now = utcnow()
    sites = _sites(session, changes) if identity.role == Role.HEADQUARTERS else {}
    rows = []
    for offset, change in enumerate(changes):
        seq = first + offset
        change_id = new_id()
        row: dict[str, Any] = {
            "id": change_id,
            "seq": seq,
            "table_name": change.table,
            "record_id": change.record_id,
            "op": change.op,
            "fields": sorted(change.fields),
            "site_id": None,
            "everywhere": False,
            # A record headquarters must send back to its origin too (a conflict kept
            # headquarters' value) is headquarters' own change.
            "origin_node": None if change.touched or change.op == "touch" else change.origin,
            "actor_id": actor_id,
            "payload": None,
            "created_at": now,
        }
        if identity.role == Role.FIELD and identity.hq_sealing_public is not None:
            row["payload"] = seal_change(
                identity.hq_sealing_public,
                node_id=identity.node_id,
                change_id=change_id,
                seq=seq,
                table=change.table,
                record_id=change.record_id,
                op=change.op,
                body=_body(change, actor_id, now),
            )
        else:
            site = sites.get((change.table, change.record_id))
            if site == "everywhere":
                row["everywhere"] = True
            else:
                row["site_id"] = site
        rows.append(row)
    repository.add_changes(connection, rows)


def _body(change: Merged, actor_id: Any, now: datetime) -> dict[str, Any]:
    """What a change says: a record made travels as its values ("v"), leaving out those it
    would take anyway (a column's empty default); a record changed as each field's value before
    and after ("f"); who ("a") and when ("t")."""
    body: dict[str, Any] = {"a": encode(actor_id), "t": now.isoformat()}
    if change.op == "erase":
        body["f"] = change.fields
    elif change.op == "insert":
        model = model_of(change.table)
        body["v"] = {
            name: after
            for name, (_, after) in change.fields.items()
            if not is_default(model, name, after)
        }
    else:
        body["f"] = change.fields
    return body


def changed_fields(body: dict[str, Any]) -> dict[str, list[Any]]:
    """A change's fields as [before, after], whichever form it travelled in."""
    if "v" in body:
        return {name: [None, value] for name, value in body["v"].items()}
    fields: dict[str, list[Any]] = body.get("f", {})
    return fields


def seal_info(
    node_id: uuid.UUID, change_id: uuid.UUID, seq: int, table: str, record_id: str, op: str
) -> bytes:
    return f"haven-sync|{node_id}|{change_id}|{seq}|{table}|{record_id}|{op}".encode()


def seal_change(
    public: bytes,
    *,
    node_id: uuid.UUID,
    change_id: uuid.UUID,
    seq: int,
    table: str,
    record_id: str,
    op: str,
    body: dict[str, Any],
) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, DICTIONARY)
    raw = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    packed = compressor.compress(raw) + compressor.flush()
    return crypto.seal_to(public, packed, seal_info(node_id, change_id, seq, table, record_id, op))


def open_change(private: bytes, sealed: bytes, info: bytes) -> dict[str, Any]:
    packed = crypto.open_sealed(private, sealed, info)
    decompressor = zlib.decompressobj(-15, DICTIONARY)
    raw = decompressor.decompress(packed) + decompressor.flush()
    body: dict[str, Any] = json.loads(raw)
    return body


def _sites(session: Session, changes: list[Merged]) -> dict[tuple[str, str], Any]:
    """Headquarters: the site whose nodes each changed record goes down to ("everywhere",
    a site id, or None: no node)."""
    wanted: dict[Route, list[tuple[tuple[str, str], Any]]] = defaultdict(list)
    found: dict[tuple[str, str], Any] = {}
    for change in changes:
        synced = BY_TABLE[change.table]
        key = (change.table, change.record_id)
        if synced.route is Route.EVERYWHERE:
            found[key] = "everywhere"
        elif synced.route is Route.SITE:
            found[key] = change.routing.get("site_id")
        else:
            wanted[synced.route].append((key, change.routing))
    found.update(repository.sites_of(session.connection(), wanted))
    return found
