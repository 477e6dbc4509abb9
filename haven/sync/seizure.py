"""A field laptop reported lost or seized in a security incident (issue 24): headquarters
revokes its node at once, whoever reported it (speed over ceremony: the reporter needs no
right over nodes and no fresh login; the audit event says so), and tells the incident what
the laptop held (docs/protection.md).

What it held is what headquarters knows it had: the people of its site that headquarters had
by the laptop's last contact (registered there, or sent down to it), the count of each kind
of synchronised record that went with them or with its site, and the times of its enrolment,
last contact and last bundle applied. Anything recorded on the laptop since its last bundle
is unknown here; it is sealed to headquarters on the laptop, which cannot read it back
(docs/field-sites.md).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.errors import ValidationFailed
from haven.i18n import N_
from haven.protection.public import DeviceCompromised, DeviceHoldings, record_device_holdings
from haven.security.permissions import Actor
from haven.sync import nodes, repository
from haven.sync.models import Node, NodeState, Role
from haven.sync.tables import SYNCED, Route

NOT_HEADQUARTERS = N_(
    "Laptops are revoked at headquarters: record this incident at headquarters, or leave the "
    "laptop empty."
)
NO_SUCH_NODE = N_("No field laptop of your organisation has this name or id.")
SEVERAL_NODES = N_("Several laptops have this name: give its id (on the field nodes page).")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def find_node(session: Session, organisation_id: uuid.UUID, given: str) -> Node:
    """The organisation's node the reporter named, by id or by name (case and spaces
    forgiven); ValidationFailed on the incident's `node` field otherwise."""
    me = repository.identity(session)
    if me is None or me.role != Role.HEADQUARTERS:
        raise ValidationFailed(fields={"node": NOT_HEADQUARTERS})
    text = " ".join(given.split())
    try:
        wanted_id: uuid.UUID | None = uuid.UUID(text)
    except ValueError:
        wanted_id = None
    candidates = repository.nodes_of_organisation(session, organisation_id)
    by_id = [n for n in candidates if n.id == wanted_id]
    if by_id:
        return by_id[0]
    by_name = [n for n in candidates if n.name.casefold() == text.casefold()]
    if len(by_name) > 1:
        raise ValidationFailed(fields={"node": SEVERAL_NODES})
    if not by_name:
        raise ValidationFailed(fields={"node": NO_SUCH_NODE})
    return by_name[0]


def holdings_of(session: Session, node: Node, *, already_revoked: bool) -> DeviceHoldings:
    """What the node's laptop held, as headquarters knows it."""
    persons = repository.held_persons(session, node, node.last_contact_at)
    person_ids = list(session.scalars(persons))
    counts: dict[str, int] = {}
    for synced in SYNCED:
        if synced.route in (Route.EVERYWHERE, Route.MERGE):
            continue
        count = repository.count_held(session, synced.table, node, persons)
        if count:
            counts[synced.table] = count
    return DeviceHoldings(
        node_id=node.id,
        node_name=node.name,
        revoked_at=node.revoked_at,
        already_revoked=already_revoked,
        person_ids=person_ids,
        counts=counts,
        times={
            "enrolled_at": _iso(node.enrolled_at),
            "last_contact_at": _iso(node.last_contact_at),
            "last_up_applied_at": _iso(repository.last_applied_from(session, node.id)),
            "revoked_at": _iso(node.revoked_at),
        },
    )


def revoke_for_incident(session: Session, actor: Actor, event: DeviceCompromised) -> Node:
    """Revoke the laptop's node in the reporter's transaction (idempotent: a node already
    revoked stays as it was) and hand what it held back to the incident."""
    node = find_node(session, event.organisation_id, event.node)
    already = node.node_state is NodeState.REVOKED
    nodes.revoke(session, actor, node.id)
    if not already:
        audit.record(
            session,
            actor,
            AuditAction.SYNC_NODE_REVOKED,
            subject_type="sync_node",
            subject_id=node.id,
            organisation_id=node.organisation_id,
            changes={
                "incident_id": str(event.incident_id),
                "seized": event.seized,
                # The decision taken for issue 24: a lost or seized laptop is revoked on the
                # incident report, whoever reports it (docs/protection.md).
                "rule": "revoked on a security incident report, whoever reported it",
            },
        )
    record_device_holdings(
        session, actor, event.incident_id, holdings_of(session, node, already_revoked=already)
    )
    return node
