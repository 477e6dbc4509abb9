"""Headquarters applies a field node's up bundle: exactly once, in order, per field three-way.

- The bundle's signature must be the node's; a revoked or unknown node is refused.
- Per node, `applied_seq` is the highest change applied. Changes at or below it are skipped
  (a bundle sent twice changes nothing twice). A bundle that starts past `applied_seq + 1`
  is kept in the inbox, sealed as it came, and the gap is reported; it is applied as soon as
  the missing changes arrive. Nothing is guessed over a gap.
- One bundle is applied in one transaction (the caller's): all of it or, on any error or a
  kill, none of it.
- Each changed field carries the value it replaced. If headquarters' value is that base, the
  change applies; if it already is the new value, nothing to do; otherwise both values are
  kept and a conflict waits for a person (`haven.sync.conflicts`); headquarters' value stays.
- What headquarters derives for itself (duplicate keys, screening, entitlements) is derived
  again from the applied records by those domains' own handlers.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.keyring import Keyring
from haven.db.session import keyring_of
from haven.db.types import new_id, utcnow
from haven.kernel.events import Event, publish_many
from haven.pathways.public import PathwayChosen
from haven.people.public import PersonChanged, erase_person
from haven.reception.public import PersonReceived, ReceptionCorrected
from haven.security.fields import seal, unmasked, unseal
from haven.security.permissions import Actor
from haven.sync import bundles, crypto, repository
from haven.sync.capture import (
    APPLYING,
    changed_fields,
    open_change,
    routing_of,
    seal_info,
    touch,
)
from haven.sync.errors import NodeRevoked, SyncRefused, UnknownNode
from haven.sync.models import Change, Conflict, Identity, Inbox, Node, NodeState, Role
from haven.sync.tables import BY_TABLE, UP, model_of
from haven.sync.values import current, write

# The domains whose handlers derive headquarters' own records from applied changes. The
# others' records (a child's case, its tasks) came with the bundle.
DERIVING = ("haven.matching", "haven.vetting", "haven.allowances")


@dataclass
class Receipt:
    """What one up bundle did at headquarters."""

    node_id: uuid.UUID
    acked: int  # the node's highest change now applied
    applied: int = 0
    skipped: int = 0  # already applied before
    conflicts: int = 0
    gap: tuple[int, int] | None = None  # (expected seq, the bundle's first) when one is missing
    held: int = 0  # bundles waiting in the inbox for a missing one

    def as_json(self) -> dict[str, Any]:
        return {
            "node": str(self.node_id),
            "acked": self.acked,
            "applied": self.applied,
            "skipped": self.skipped,
            "conflicts": self.conflicts,
            "gap": list(self.gap) if self.gap else None,
            "held": self.held,
        }


def headquarters(session: Session) -> Identity:
    identity = repository.identity(session)
    if identity is None or identity.role != Role.HEADQUARTERS:
        raise SyncRefused(code="not_headquarters")
    return identity


def known_node(session: Session, node_id: uuid.UUID) -> Node:
    return _enrolled(session.get(Node, node_id))


def _enrolled(node: Node | None) -> Node:
    """The node, if it is enrolled and not revoked."""
    if node is None or node.signing_public is None:
        raise UnknownNode
    if node.node_state is NodeState.REVOKED:
        raise NodeRevoked
    return node


def first_contact(node: Node) -> None:
    """The laptop was heard from with its own key: its enrolment code is spent."""
    node.code_hash = None
    node.code_expires_at = None


def receive(session: Session, data: bytes) -> Receipt:
    """Apply an up bundle (see the module docstring); the caller commits."""
    me = headquarters(session)
    try:
        node_id = bundles.sender_of(bundles.UP, data)
    except bundles.BundleRefused as refused:
        raise SyncRefused(str(refused)) from None
    node = _enrolled(repository.node_for_update(session, node_id))
    try:
        up = bundles.read_up(data, node.signing_public or b"")
    except bundles.BundleRefused as refused:
        raise SyncRefused(str(refused)) from None
    node.last_contact_at = utcnow()
    first_contact(node)
    _witness(node, up.audit_seq, up.audit_hash)
    node.watch_hash = up.watch_hash
    node.down_acked_seq = max(node.down_acked_seq, min(up.down_seq, me.last_seq))
    receipt = Receipt(node_id=node.id, acked=node.applied_seq)
    private = crypto.unwrap(keyring_of(session), "sealing", me.sealing_private)
    if up.first > node.applied_seq + 1 and up.changes:
        _hold(session, node, up, data)
        receipt.gap = (node.applied_seq + 1, up.first)
    else:
        _apply(session, node, up, private, receipt)
        _drain(session, node, private, receipt)
    receipt.acked = node.applied_seq
    audit.record(
        session,
        Actor.system(f"field node {node.name}"),
        AuditAction.SYNC_UP_APPLIED,
        subject_type="sync_node",
        subject_id=node.id,
        organisation_id=node.organisation_id,
        changes={
            "bundle": {"before": None, "after": f"{up.first}-{up.last}"},
            "applied": {"before": None, "after": receipt.applied},
            "conflicts": {"before": None, "after": receipt.conflicts},
        },
    )
    waiting = repository.held(session, node.id)
    receipt.held = len(waiting)
    if waiting and receipt.gap is None:
        receipt.gap = (node.applied_seq + 1, waiting[0].first_seq)
    session.flush()
    return receipt


def _witness(node: Node, seq: int, digest: str | None) -> None:
    """Keep the node's audit head: a head that went back, or changed at the same seq, means
    the node's trail was cut or rewritten (docs/field-sites.md)."""
    if digest is None:
        return
    if seq < node.audit_seq or (seq == node.audit_seq and digest != node.audit_hash):
        node.audit_warning = f"audit head went from {node.audit_seq} to {seq}"
    node.audit_seq, node.audit_hash = seq, digest


def _hold(session: Session, node: Node, up: bundles.Up, data: bytes) -> None:
    for held in repository.held(session, node.id):
        if held.first_seq == up.first and held.last_seq >= up.last:
            return
    session.add(Inbox(node_id=node.id, first_seq=up.first, last_seq=up.last, bundle=data))


def _drain(session: Session, node: Node, private: bytes, receipt: Receipt) -> None:
    while True:
        ready = repository.held_ready(session, node.id, node.applied_seq + 1)
        if not ready:
            return
        for held in ready:
            if node.signing_public is None:  # pragma: no cover - an enrolled node has its key
                raise UnknownNode
            _apply(
                session, node, bundles.read_up(held.bundle, node.signing_public), private, receipt
            )
            session.delete(held)
        session.flush()


def _apply(session: Session, node: Node, up: bundles.Up, private: bytes, receipt: Receipt) -> None:
    actor = Actor.system(f"field node {node.name}")
    session.info[APPLYING] = node.id
    events: list[Event] = []
    try:
        with unmasked(session):
            for change in sorted(up.changes, key=lambda c: c.seq):
                if change.seq <= node.applied_seq:
                    receipt.skipped += 1
                    continue
                if change.seq != node.applied_seq + 1:
                    receipt.gap = (node.applied_seq + 1, change.seq)
                    break
                if change.table not in UP:
                    raise SyncRefused(code="table_not_synchronised")
                body = open_change(
                    private,
                    change.sealed,
                    seal_info(
                        node.id, change.id, change.seq, change.table, change.record_id, change.op
                    ),
                )
                receipt.conflicts += _apply_one(session, node, change, body, events, actor)
                node.applied_seq = change.seq
                receipt.applied += 1
            session.flush()
            publish_many(session, actor, events, domains=DERIVING)
            session.flush()
    finally:
        session.info.pop(APPLYING, None)


def _apply_one(
    session: Session,
    node: Node,
    change: bundles.UpChange,
    body: dict[str, Any],
    events: list[Event],
    actor: Actor,
) -> int:
    model = model_of(change.table)
    record_id = uuid.UUID(change.record_id)
    fields = changed_fields(body)
    instance = session.get(model, record_id)
    if change.op == "erase":
        if instance is not None and instance.erased_at is None:
            erase_person(session, actor, record_id, reason=f"erased at field node {node.name}")
            if "erased_at" in fields:  # the time it was erased at the node, on both ends
                write(instance, "erased_at", fields["erased_at"][1])
        return 0
    if change.op == "delete":
        if instance is not None:
            session.delete(instance)
        return 0
    if instance is None:
        if change.op == "update":
            return 0  # erased or removed here meanwhile: nothing left to change
        instance = model(id=record_id)
        for name, (_, after) in fields.items():
            write(instance, name, after)
        session.add(instance)
        session.flush()
        _events_of_insert(change.table, instance, events)
        return 0
    return _three_way(session, node, change, instance, body, events)


def _three_way(
    session: Session,
    node: Node,
    change: bundles.UpChange,
    instance: Any,
    body: dict[str, Any],
    events: list[Event],
) -> int:
    """Apply each field whose value here is the one the node replaced; keep both values of
    one changed here too (a conflict). Derived fields follow only a change with no conflict."""
    fields = changed_fields(body)
    node_actor = uuid.UUID(body["a"]) if body.get("a") else None
    conflicts = 0
    primaries: set[str] = set()
    derived = BY_TABLE[change.table].derived
    for name, (before, after) in fields.items():
        if name in derived:
            continue
        now = current(session, instance, name)
        if now == after:
            continue
        if now == before:
            write(instance, name, after)
            primaries.add(name)
            continue
        _conflict(session, node, change, instance, name, before, now, after, node_actor, body)
        conflicts += 1
    if not conflicts:
        for name in derived & set(fields):
            write(instance, name, fields[name][1])
    if change.table == "persons" and primaries:
        events.append(PersonChanged(person_id=instance.id, fields=frozenset(primaries)))
    return conflicts


def _events_of_insert(table: str, instance: Any, events: list[Event]) -> None:
    if table == "reception_events":
        events.append(
            PersonReceived(
                person_id=instance.person_id,
                reception_id=instance.id,
                organisation_id=instance.organisation_id,
                classification=instance.classification,
            )
        )
    elif table == "reception_corrections":
        events.append(
            ReceptionCorrected(
                person_id=instance.person_id,
                reception_id=instance.reception_id,
                organisation_id=instance.organisation_id,
                fields=frozenset(f for f in instance.fields.split(",") if f),
            )
        )
    elif table == "pathway_choices":
        events.append(
            PathwayChosen(
                person_id=instance.person_id, choice_id=instance.id, pathway=instance.pathway
            )
        )


def _conflict(
    session: Session,
    node: Node,
    change: bundles.UpChange,
    instance: Any,
    name: str,
    base: Any,
    hq_value: Any,
    node_value: Any,
    node_actor: uuid.UUID | None,
    body: dict[str, Any],
) -> None:
    touch(session, change.table, change.record_id, routing_of(instance))
    last = _last_change(session, change.table, change.record_id, name)
    conflict_id = new_id()
    person_id = instance.id if change.table == "persons" else getattr(instance, "person_id", None)
    if person_id is None and getattr(instance, "case_id", None) is not None:
        case = session.get(model_of("cases"), instance.case_id)  # a case's task: its person
        person_id = None if case is None else case.person_id
    session.add(
        Conflict(
            id=conflict_id,
            node_id=node.id,
            organisation_id=getattr(instance, "organisation_id", None),
            person_id=person_id,
            table_name=change.table,
            record_id=change.record_id,
            field=name,
            values_ct=seal_values(
                keyring_of(session),
                conflict_id,
                {"base": base, "headquarters": hq_value, "field": node_value},
            ),
            change_id=change.id,
            node_actor_id=node_actor,
            node_changed_at=_time(body.get("t")),
            hq_actor_id=None if last is None else last.actor_id,
            hq_changed_at=None if last is None else last.created_at,
        )
    )


def _time(raw: Any) -> datetime | None:
    return datetime.fromisoformat(raw) if isinstance(raw, str) else None


def _last_change(session: Session, table: str, record_id: str, name: str) -> Change | None:
    for change in repository.recent_changes_of(session, table, record_id):
        if name in change.fields or change.op == "insert":
            return change
    return None


def seal_values(keyring: Keyring, conflict_id: uuid.UUID, values: dict[str, Any]) -> bytes:
    return seal(keyring.sync_key, json.dumps(values).encode(), b"conflict:" + conflict_id.bytes)


def open_values(keyring: Keyring, conflict: Conflict) -> dict[str, Any]:
    raw = unseal(
        keyring.sync_key, conflict.values_ct, b"conflict:" + conflict.id.bytes, what="conflict"
    )
    values: dict[str, Any] = json.loads(raw)
    return values
