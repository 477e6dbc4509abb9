"""The protection domain's public surface: the only module other domains (and the shell)
may import (docs/architecture.md, "Between domains").

Synchronisation, above this domain, answers `DeviceCompromised` through
`record_device_holdings`; the person page reads `person_panels`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from haven.kernel.labels import labels
from haven.people.public import Person, RiskLevel
from haven.protection import service
from haven.protection.events import DeviceCompromised
from haven.protection.lifecycle import IncidentKind, IncidentState, Severity
from haven.protection.models import Incident
from haven.security.permissions import Actor, Permission

__all__ = [
    "DeviceCompromised",
    "DeviceHoldings",
    "IncidentKind",
    "IncidentState",
    "RiskLevel",
    "Severity",
    "person_panels",
    "record_device_holdings",
]


@dataclass(frozen=True)
class DeviceHoldings:
    """What a lost or seized laptop held, as synchronisation computed it: the people (ids),
    counts per kind of record (by table), and times (ISO strings: enrolment, last contact,
    last bundle applied)."""

    node_id: uuid.UUID
    node_name: str
    revoked_at: Any
    already_revoked: bool
    person_ids: list[uuid.UUID]
    counts: dict[str, int]
    times: dict[str, str | None]


def record_device_holdings(
    session: Session, actor: Actor, incident_id: uuid.UUID, holdings: DeviceHoldings
) -> Incident:
    """Store what the device held on the incident (encrypted) and touch the people it held."""
    return service.record_device_holdings(
        session,
        actor,
        incident_id,
        node_id=holdings.node_id,
        node_name=holdings.node_name,
        revoked_at=holdings.revoked_at,
        held={
            "people": len(holdings.person_ids),
            "counts": dict(sorted(holdings.counts.items())),
            "times": holdings.times,
            "already_revoked": holdings.already_revoked,
        },
        person_ids=holdings.person_ids,
    )


def person_panels(session: Session, actor: Actor, person: Person) -> dict[str, Any]:
    """The person page's risk and incidents panels (one query), for those who may read
    incidents; empty for everyone else."""
    if not actor.can(Permission.SECURITY_INCIDENT_READ):
        return {}
    return {
        "risk": {
            "level": RiskLevel(person.risk_level),
            "since": person.risk_since,
            "incident_id": person.risk_incident_id,
            "can_lower": actor.can(Permission.SECURITY_INCIDENT_WRITE),
        },
        "incidents": list(service.incidents_of_person(session, actor, person.id)),
        "labels": {**labels(IncidentKind), **labels(Severity), **labels(IncidentState)},
        "risk_labels": labels(RiskLevel),
        "can_record": actor.can(Permission.SECURITY_INCIDENT_WRITE),
    }
