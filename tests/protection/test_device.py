"""A seized laptop: the incident revokes its field node at once (whoever reports it), lists
what it held and touches the people it held; then erasure takes a person's links and, for an
incident that concerned them alone, its account."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.accounts.sessions import actor_for
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.db.types import utcnow
from haven.errors import ValidationFailed
from haven.kernel import clock
from haven.kernel.sensitivity import bind_actor
from haven.people import erasure
from haven.people.models import Person
from haven.protection import service
from haven.protection.models import Incident, IncidentPerson, RiskChange
from haven.protection.schemas import IncidentIn
from haven.security.permissions import Actor, Role
from haven.sync import nodes
from haven.sync.models import NodeState
from haven.sync.models import Role as NodeRole
from tests import factories as f

TODAY = clock.local_today()
ACCOUNT = "The laptop was taken at the checkpoint (synthetic)."


def _incident(**fields: object) -> IncidentIn:
    data = {"severity": "high", "occurred_on": TODAY, "narrative": ACCOUNT, **fields}
    return IncidentIn.model_validate(data)


def test_a_seized_laptop_is_revoked_and_its_people_touched(
    db: Session, fast_settings: Settings, tmp_path: Path
) -> None:
    org = f.organisation(db, name="Field council")
    site, other_site = f.site(db, organisation=org), f.site(db, organisation=org)
    registrar = actor_for(f.registrar(db, organisation=org, site=site, settings=fast_settings))
    held = [
        f.receive(db, registrar, name_latin=name).person_id  # type: ignore[attr-defined]
        for name in ("Saw Eh Doh", "Khun Aung Naing")
    ]
    elsewhere = f.receive(  # another site's person: not on this laptop
        db,
        actor_for(f.registrar(db, organisation=org, site=other_site, settings=fast_settings)),
        name_latin="Sai Hla Win",
    ).person_id  # type: ignore[attr-defined]
    worker = actor_for(f.user(db, organisation=org, role=Role.CASE_WORKER, settings=fast_settings))
    bind_actor(db, worker)

    # Without headquarters' registry of laptops the laptop cannot be named.
    with pytest.raises(ValidationFailed) as refused, db.begin_nested():
        service.record_incident(db, worker, _incident(kind="device_seized", node="Laptop A"))
    assert "node" in refused.value.fields
    assert db.scalars(select(Incident)).all() == []

    nodes.init_node(db, role=NodeRole.HEADQUARTERS, name="HQ")
    node, _code = nodes.issue_code(
        db, Actor.system(), site_id=site.id, organisation_id=org.id, name="Laptop A"
    )
    node.last_contact_at = utcnow() + timedelta(seconds=1)
    db.flush()
    with pytest.raises(ValidationFailed), db.begin_nested():
        service.record_incident(db, worker, _incident(kind="device_lost", node="Laptop B"))

    # A case worker (no right over nodes) reports it seized: revoked at once.
    incident = service.record_incident(
        db, worker, _incident(kind="device_seized", node=" laptop a ", person_ids=[elsewhere])
    )
    db.refresh(node)
    assert node.node_state is NodeState.REVOKED
    assert node.revoked_by_id == worker.user_id
    assert (incident.node_id, incident.node_name) == (node.id, "Laptop A")
    assert incident.held["people"] == 2
    assert incident.held["counts"]["persons"] == 2
    assert incident.held["counts"]["reception_events"] == 2
    assert incident.held["times"]["last_contact_at"] is not None
    touched = {
        t.person_id: t.touch
        for t in db.scalars(select(IncidentPerson).where(IncidentPerson.incident_id == incident.id))
    }
    assert touched == {held[0]: "device", held[1]: "device", elsewhere: "linked"}
    risks = {p.id: p.risk_level for p in db.scalars(select(Person))}
    assert {risks[held[0]], risks[held[1]], risks[elsewhere]} == {"high"}
    revoked = db.scalars(select(AuditEvent).where(AuditEvent.action == "sync.node_revoked")).one()
    assert revoked.actor_user_id == worker.user_id
    assert "whoever reported it" in str(revoked.changes)

    # Reported again (lost, this time): the node stays as it was revoked, not audited twice.
    again = service.record_incident(db, worker, _incident(kind="device_lost", node=str(node.id)))
    assert again.held["already_revoked"] is True
    assert (
        len(db.scalars(select(AuditEvent).where(AuditEvent.action == "sync.node_revoked")).all())
        == 1
    )

    # Erasure: the person's links and risk history go; the incident that concerned only
    # them loses its account, the seized laptop's (which concerns others) keeps it.
    alone = service.record_incident(
        db, worker, _incident(kind="arrest", severity="critical", person_ids=[elsewhere])
    )
    erasure.erase_person(
        db, Actor.system(), elsewhere, reason="synthetic erasure", ledger=tmp_path / "ledger"
    )
    db.expire_all()
    assert (
        db.scalars(select(IncidentPerson).where(IncidentPerson.person_id == elsewhere)).all() == []
    )
    assert db.scalars(select(RiskChange).where(RiskChange.person_id == elsewhere)).all() == []
    assert db.get(Incident, alone.id).narrative_ct is None  # type: ignore[union-attr]
    assert db.get(Incident, incident.id).narrative == ACCOUNT  # type: ignore[union-attr]
    assert db.get(Person, elsewhere).risk_level == "normal"  # type: ignore[union-attr]
