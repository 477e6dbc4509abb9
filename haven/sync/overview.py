"""What the synchronisation pages show and do: headquarters' registry of field nodes
(SYNC_NODES_READ; enrolment codes and revocation need SYNC_NODES_MANAGE and a fresh login),
and a field node's own state. Counts and times only: no person's data.

A database that is not (yet) a node answers `Status(role=None)`: the pages say so.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from haven.accounts import repository as accounts
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.errors import NotFound, ValidationFailed
from haven.i18n import N_
from haven.security.fresh import require_fresh
from haven.security.permissions import Actor, Permission, require
from haven.sync import nodes, repository
from haven.sync.models import Node, NodeState, Role


def role(session: Session) -> str | None:
    """headquarters, field, or None (not a node)."""
    me = repository.identity(session)
    return None if me is None else me.role


@dataclass(frozen=True)
class NodeRow:
    node: Node
    site_name: str
    held: int  # bundles waiting in the inbox for a missing one
    conflicts: int  # open conflicts


def registry(session: Session, actor: Actor) -> list[NodeRow]:
    """Headquarters: the actor's organisation's field nodes (every node for the operator)."""
    require(actor, Permission.SYNC_NODES_READ)
    if role(session) != Role.HEADQUARTERS:
        return []
    held = repository.held_counts(session)
    conflicts = repository.open_conflict_counts(session)
    rows = []
    for node in repository.nodes(session):
        if not actor.is_system and node.organisation_id != actor.organisation_id:
            continue
        site = accounts.site_by_id(session, node.site_id)
        rows.append(
            NodeRow(
                node=node,
                site_name=site.name if site is not None else "",
                held=held.get(node.id, 0),
                conflicts=conflicts.get(node.id, 0),
            )
        )
    return rows


def issue_code(session: Session, actor: Actor, *, site_id: uuid.UUID | None, name: str) -> str:
    """Headquarters: a new field node for one of the actor's sites, and its one-time code
    (shown once, never stored: only its hash is)."""
    require(actor, Permission.SYNC_NODES_MANAGE)
    require_fresh(session, actor)
    site = accounts.site_by_id(session, site_id) if site_id is not None else None
    if site is None or (not actor.is_system and site.organisation_id != actor.organisation_id):
        raise ValidationFailed(fields={"site_id": N_("Choose the laptop's reception point.")})
    node, code = nodes.issue_code(
        session, actor, site_id=site.id, organisation_id=site.organisation_id, name=name
    )
    audit.record(
        session,
        actor,
        AuditAction.SYNC_NODE_CODE_ISSUED,
        subject_type="sync_node",
        subject_id=node.id,
        organisation_id=node.organisation_id,
        changes={"site": str(site.id)},
    )
    return code


def revoke(session: Session, actor: Actor, node_id: uuid.UUID) -> Node:
    """Headquarters: revoke a lost or seized laptop (`haven.sync.nodes.revoke`)."""
    require(actor, Permission.SYNC_NODES_MANAGE)
    found = next((r.node for r in registry(session, actor) if r.node.id == node_id), None)
    if found is None:
        raise NotFound
    require_fresh(session, actor)
    already = found.node_state is NodeState.REVOKED
    node = nodes.revoke(session, actor, node_id)
    if not already:
        audit.record(
            session,
            actor,
            AuditAction.SYNC_NODE_REVOKED,
            subject_type="sync_node",
            subject_id=node.id,
            organisation_id=node.organisation_id,
        )
    return node


@dataclass(frozen=True)
class FieldStatus:
    """A field node's own state: what waits to be sent, by kind of record."""

    name: str
    enrolled: bool
    waiting: dict[str, int]
    last_sync_at: datetime | None
    last_sync_error: str | None
    revoked_nodes: list[str]

    @property
    def waiting_total(self) -> int:
        return sum(self.waiting.values())


def field_status(session: Session) -> FieldStatus | None:
    """The field node's state; None when this database is not a field node."""
    me = repository.identity(session)
    if me is None or me.role != Role.FIELD:
        return None
    return FieldStatus(
        name=me.name,
        enrolled=me.hq_signing_public is not None,
        waiting=repository.waiting_by_table(session, me.acked_seq),
        last_sync_at=me.last_sync_at,
        last_sync_error=me.last_sync_error,
        revoked_nodes=list(me.revoked_nodes or []),
    )
