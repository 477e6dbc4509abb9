"""What goes down from headquarters to a field node, and how the node takes it.

Headquarters' change log says which records changed; a down bundle carries each such record
as it is when the bundle is made (state, not steps): the node ends with headquarters' values
however many bundles it missed, and headquarters' log holds no value of anyone.

The node applies a record's values except the fields it changed itself and headquarters has
not yet applied (its pending changes): those wait for headquarters' answer to them, which a
later bundle brings (the value applied, or headquarters' value if it made a conflict).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.session import keyring_of
from haven.db.types import utcnow
from haven.people.public import erase_person
from haven.security.fields import unmasked
from haven.security.permissions import Actor
from haven.sync import bundles, crypto, repository
from haven.sync.capture import APPLYING
from haven.sync.errors import NotANode, SyncRefused
from haven.sync.models import Identity, Node, Role
from haven.sync.tables import BY_TABLE, ORDER, REFERENCE, model_of
from haven.sync.values import current, read_all, write
from haven.sync.watch import digest_of, watch_digests


def _records(session: Session, keys: list[tuple[str, str]]) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    with unmasked(session):
        for table, record_id in keys:
            instance = session.get(model_of(table), uuid.UUID(record_id))
            if instance is None:
                records.append({"t": table, "r": record_id, "o": "delete"})
                continue
            op = "erase" if table == "persons" and instance.erased_at is not None else "upsert"
            records.append({"t": table, "r": record_id, "o": op, "v": read_all(session, instance)})
    records.sort(key=lambda r: ORDER[r["t"]])
    return records


def changed_for(session: Session, node: Node) -> tuple[list[tuple[str, str]], int]:
    """The records changed at headquarters (or applied there) since the node's last
    acknowledged down bundle, that go to the node's site; and the log position they are as of."""
    last = repository.last_seq(session)
    return repository.changed_for_site(session, node.down_acked_seq, node.site_id, node.id), last


def snapshot_for(session: Session, node: Node) -> list[tuple[str, str]]:
    """Enrolment: every reference record, and the node's site's accounts and agreements."""
    return [
        (table, record_id)
        for table in REFERENCE
        for record_id in repository.reference_ids(session, table, node.site_id)
    ]


def make_down_for(
    session: Session,
    me: Identity,
    node: Node,
    *,
    snapshot: bool = False,
    watch: list[str] | None = None,
    identity: dict[str, Any] | None = None,
) -> bytes:
    if node.sealing_public is None:
        raise SyncRefused(code="not_enrolled")
    if snapshot:
        keys, to_seq = snapshot_for(session, node), int(me.last_seq)
    else:
        keys, to_seq = changed_for(session, node)
        # The watchlists' hashes again when they changed since the node last said what it holds.
        digests = watch_digests(session, me, node)
        if watch is None and digest_of(digests) != node.watch_hash:
            watch = digests
    down = bundles.Down(
        hq_id=me.node_id,
        node_id=node.id,
        acked=node.applied_seq,
        to_seq=to_seq,
        snapshot=snapshot,
        revoked=repository.revoked_node_ids(session),
        watch=watch,
        records=_records(session, keys),
        identity=identity,
    )
    private = crypto.unwrap(keyring_of(session), "signing", me.signing_private)
    return bundles.make_down(down, node.sealing_public, private)


# --- at the field node ------------------------------------------------------------------


def field_identity(session: Session) -> Identity:
    identity = repository.identity(session)
    if identity is None or identity.role != Role.FIELD:
        raise NotANode
    return identity


def open_down(session: Session, identity: Identity, data: bytes) -> bundles.Down:
    if identity.hq_signing_public is None:
        raise NotANode
    private = crypto.unwrap(keyring_of(session), "sealing", identity.sealing_private)
    try:
        return bundles.read_down(data, identity.hq_signing_public, identity.node_id, private)
    except bundles.BundleRefused as refused:
        raise SyncRefused(str(refused)) from None


def pending_fields(session: Session, identity: Identity) -> dict[tuple[str, str], set[str] | None]:
    """This node's changes headquarters has not applied yet: (table, record) → the fields
    (None: the record was made or deleted here)."""
    pending: dict[tuple[str, str], set[str] | None] = {}
    for table, record_id, op, fields in repository.pending_changes(session, identity.acked_seq):
        key = (table, record_id)
        if op != "update":
            pending[key] = None
        elif key not in pending or pending[key] is not None:
            pending.setdefault(key, set())
            known = pending[key]
            if known is not None:
                known.update(fields)
    return pending


def apply_down(session: Session, data: bytes) -> dict[str, int]:
    """Apply a down bundle at this field node (the caller commits): acknowledgement first,
    then every record, then the revocations and the watchlist's hashes."""
    identity = field_identity(session)
    down = open_down(session, identity, data)
    acknowledge(session, identity, down.acked)
    applied = skipped = unheld = 0
    if down.to_seq <= identity.down_seq and not down.snapshot:
        skipped = len(down.records)
    else:
        pending = pending_fields(session, identity)
        session.info[APPLYING] = down.hq_id
        try:
            with unmasked(session):
                if down.snapshot:
                    _clear_reference(session, down.records)
                for record in down.records:
                    mine = pending.get((record["t"], record["r"]), set())
                    if down.snapshot:  # a new laptop: nothing here to miss
                        applied += int(_apply_record(session, record, mine))
                        continue
                    try:
                        with session.begin_nested():
                            done = _apply_record(session, record, mine)
                            session.flush()
                    except IntegrityError:
                        # It refers to a record this laptop never held (a merge with a person
                        # registered before it was enrolled): headquarters keeps it.
                        unheld += 1
                        continue
                    applied += int(done)
                session.flush()
        finally:
            session.info.pop(APPLYING, None)
        identity.down_seq = max(identity.down_seq, down.to_seq)
    identity.revoked_nodes = down.revoked
    if down.watch is not None:
        repository.replace_watch_hashes(session, down.watch)
    identity.last_sync_at = utcnow()
    identity.last_sync_error = None
    audit.record(
        session,
        Actor.system("headquarters"),
        AuditAction.SYNC_DOWN_APPLIED,
        subject_type="sync_node",
        subject_id=identity.node_id,
        organisation_id=identity.organisation_id,
        changes={
            "as_of": {"before": None, "after": down.to_seq},
            "applied": {"before": None, "after": applied},
        },
    )
    session.flush()
    return {"applied": applied, "skipped": skipped, "unheld": unheld, "acked": identity.acked_seq}


def acknowledge(session: Session, identity: Identity, acked: int) -> None:
    """Headquarters has applied this node's changes up to `acked`: what the retention
    setting need not keep is dropped (the sealed text cannot be read here anyway)."""
    if acked <= identity.acked_seq:
        return
    identity.acked_seq = acked
    if identity.retention_days <= 0:
        repository.drop_changes(session, acked)
    else:
        cutoff = utcnow() - timedelta(days=identity.retention_days)
        repository.drop_changes(session, acked, before=cutoff)


def _clear_reference(session: Session, records: list[dict[str, Any]]) -> None:
    """Enrolment: the reference data `haven db upgrade` made here gives way to headquarters'
    (the same records under headquarters' ids); a record headquarters has under the same id
    stays, and takes headquarters' values."""
    if repository.any_change(session):
        raise SyncRefused(code="node_not_new")
    keep: dict[str, set[uuid.UUID]] = {}
    for record in records:
        keep.setdefault(record["t"], set()).add(uuid.UUID(record["r"]))
    repository.clear_reference(session, keep=keep)
    session.flush()


def _apply_record(session: Session, record: dict[str, Any], mine: set[str] | None) -> bool:
    table, record_id, op = record["t"], record["r"], record["o"]
    if table not in BY_TABLE:
        raise SyncRefused(code="table_not_synchronised")
    model = model_of(table)
    instance = session.get(model, uuid.UUID(record_id))
    if op == "delete":
        if instance is not None and mine is not None:
            session.delete(instance)
            return True
        return False
    if op == "erase":
        if instance is not None and instance.erased_at is None:
            erase_person(
                session, Actor.system("headquarters"), instance.id, reason="erased at headquarters"
            )
            write(instance, "erased_at", record["v"]["erased_at"])
            return True
        return False
    values: dict[str, Any] = record["v"]
    if mine is None:
        return False  # made or deleted here, not yet applied there: headquarters answers later
    if instance is None:
        instance = model(id=uuid.UUID(record_id))
        for name, value in values.items():
            write(instance, name, value)
        session.add(instance)
        session.flush()
        return True
    changed = False
    for name, value in values.items():
        if name not in mine and current(session, instance, name) != value:
            write(instance, name, value)
            changed = True
    return changed
