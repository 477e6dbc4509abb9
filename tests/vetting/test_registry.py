"""The registry at rest: allegations, names and evidence are ciphertext; reads are audited."""

from __future__ import annotations

import hashlib

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from haven.accounts import sessions
from haven.audit.models import AuditEvent
from haven.kernel.sensitivity import bind_actor
from haven.security.permissions import Role
from haven.vetting import incidents
from haven.vetting.schemas import IncidentIn
from tests import factories as f
from tests.vetting.support import officer


def test_allegations_and_evidence_are_encrypted_and_reads_audited(db: Session) -> None:
    org = f.organisation(db)
    actor = sessions.actor_for(officer(db, org.id))
    bind_actor(db, actor)
    incident, _ = incidents.record_incident(
        db,
        actor,
        IncidentIn.model_validate(
            {
                "kind": "torture",
                "period": "2022-05",
                "units": ["IB 12"],
                "perpetrators": [{"name": "Secret Perpetrator Name", "rank": "Major"}],
                "summary": "Secret allegation text",
                "source_reliability": "A",
                "information_credibility": 1,
            }
        ),
    )
    content = b"synthetic photo bytes of evidence"
    evidence = incidents.add_evidence(
        db, actor, incident.id, filename="photo.jpg", content_type="image/jpeg", content=content
    )
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    db.flush()
    raw = db.execute(
        text("SELECT summary FROM vetting_incidents WHERE id = :id"),
        {"id": incident.id if db.bind.dialect.name == "postgresql" else incident.id.hex},  # type: ignore[union-attr]
    ).scalar_one()
    assert b"Secret allegation" not in bytes(raw)
    names = db.execute(text("SELECT name FROM vetting_perpetrators")).scalars().all()
    assert all(b"Secret Perpetrator" not in bytes(n) for n in names)
    blobs = db.execute(text("SELECT content FROM vetting_evidence")).scalars().all()
    assert all(content not in bytes(b) for b in blobs)

    assert incidents.get_evidence(db, actor, evidence.id).content == content
    assert incidents.get_incident(db, actor, incident.id).summary == "Secret allegation text"
    actions = set(db.scalars(select(AuditEvent.action).where(AuditEvent.subject_id == incident.id)))
    assert {
        "vetting.incident_recorded",
        "vetting.evidence_added",
        "vetting.evidence_downloaded",
        "vetting.incident_viewed",
    } <= actions
    # Nothing of the allegation is copied into the trail.
    trail = " ".join(
        str(c)
        for c in db.scalars(select(AuditEvent.changes).where(AuditEvent.subject_id == incident.id))
    )
    assert "Secret" not in trail
    # A role without VETTING_READ reads nothing, even holding the record.
    caseworker = sessions.actor_for(f.user(db, organisation=org, role=Role.CASE_WORKER))
    bind_actor(db, caseworker)
    db.expire(incident)
    assert incident.summary is None
