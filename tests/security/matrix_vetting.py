"""The vetting domain's API operations in the authorisation matrix.

Allegations, hits, incidents and evidence: vetting officers only (VETTING_READ to read,
VETTING_DECIDE to act); the status alone: anyone who may read the person.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from haven.accounts import sessions
from haven.security.permissions import Permission, Role
from haven.vetting import cases, incidents
from haven.vetting.schemas import HearingIn, IncidentIn
from tests.security.matrix import Operation, Side, SideContext
from tests.vetting.support import case_of

INCIDENT_CSV = (
    "kind,period,units,summary,source_reliability,information_credibility\n"
    "arson,2021,LIB 531,Village burned (synthetic).,B,2\n"
)

OPERATIONS: list[Operation] = [
    Operation(
        "GET", "/api/vetting/persons/{person_id}/status", Permission.PERSON_READ, record=True
    ),
    Operation("GET", "/api/vetting/cases", Permission.VETTING_READ),
    Operation("GET", "/api/vetting/cases/{vetting_case_id}", Permission.VETTING_READ, record=True),
    Operation(
        "POST",
        "/api/vetting/cases/{vetting_case_id}/interview",
        Permission.VETTING_DECIDE,
        record=True,
    ),
    Operation(
        "POST",
        "/api/vetting/cases/{vetting_case_id}/hearings",
        Permission.VETTING_DECIDE,
        record=True,
        json=lambda w: {"held_on": "2026-11-01", "statement": "I was not there."},
    ),
    Operation(
        "POST",
        "/api/vetting/cases/{vetting_case_id}/assessment",
        Permission.VETTING_DECIDE,
        record=True,
        json=lambda w: {"assessment": "No hits; nothing to answer."},
    ),
    Operation(
        "POST",
        "/api/vetting/cases/{vetting_case_id}/reviews",
        Permission.VETTING_DECIDE,
        record=True,
        json=lambda w: {"kind": "appeal", "grounds": "New witness."},
    ),
    Operation(
        "POST",
        "/api/vetting/cases/{vetting_case_id}/notification",
        Permission.VETTING_DECIDE,
        record=True,
        json=lambda w: {"notified_on": "2026-11-01", "language": "my"},
    ),
    Operation(
        "GET", "/api/vetting/cases/{vetting_case_id}/notice", Permission.VETTING_READ, record=True
    ),
    Operation(
        "GET", "/api/vetting/persons/{person_id}/appeal", Permission.VETTING_APPEAL, record=True
    ),
    Operation(
        "POST",
        "/api/vetting/persons/{person_id}/appeals",
        Permission.VETTING_APPEAL,
        record=True,
        json=lambda w: {"lodged_on": "2026-11-01", "grounds": "I was not there."},
    ),
    Operation("GET", "/api/vetting/incidents", Permission.VETTING_READ),
    Operation(
        "POST",
        "/api/vetting/incidents",
        Permission.VETTING_DECIDE,
        json=lambda w: {
            "kind": "torture",
            "period": "2022-03",
            "units": ["IB 12"],
            "summary": "Detainees beaten (synthetic).",
            "source_reliability": "C",
            "information_credibility": 3,
        },
    ),
    Operation(
        "POST",
        "/api/vetting/incidents/import",
        Permission.VETTING_DECIDE,
        upload=lambda w: {"file": ("incidents.csv", INCIDENT_CSV.encode(), "text/csv")},
    ),
    Operation(
        "GET", "/api/vetting/incidents/{vetting_incident_id}", Permission.VETTING_READ, record=True
    ),
    Operation(
        "POST",
        "/api/vetting/incidents/{vetting_incident_id}/evidence",
        Permission.VETTING_DECIDE,
        record=True,
        upload=lambda w: {"file": ("photo.jpg", b"synthetic evidence bytes", "image/jpeg")},
    ),
    Operation(
        "GET", "/api/vetting/evidence/{vetting_evidence_id}", Permission.VETTING_READ, record=True
    ),
    Operation("GET", "/api/vetting/watchlists", Permission.VETTING_READ),
    Operation(
        "POST",
        "/api/vetting/watchlists",
        Permission.VETTING_DECIDE,
        upload=lambda w: {"file": ("list.csv", b"name\nSynthetic Listed Name\n", "text/csv")},
    ),
    Operation("GET", "/api/vetting/reports", Permission.VETTING_READ),
]


def seed(ctx: SideContext, side: Side) -> None:
    """Create this domain's records for one organisation; store their ids in `side.ids`."""
    db: Session = ctx.db
    officer = ctx.users[Role.VETTING_OFFICER]
    actor = sessions.actor_for(officer)
    incident, _ = incidents.record_incident(
        db,
        actor,
        IncidentIn.model_validate(
            {
                "kind": "massacre",
                "period": "2021-12-24",
                "units": ["LIB 531"],
                "perpetrators": [{"name": "Matrix Perpetrator", "rank": "Captain"}],
                "summary": "Civilians killed (synthetic).",
                "source_reliability": "B",
                "information_credibility": 2,
            }
        ),
    )
    evidence = incidents.add_evidence(
        db, actor, incident.id, filename="e.txt", content_type="text/plain", content=b"synthetic"
    )
    # The matrix person's case, in interview with a hearing: every case operation either
    # succeeds or meets the lifecycle (409), after the permission check.
    case = case_of(db, ctx.person_id)
    cases.start_interview(db, actor, case.id)
    cases.record_hearing(db, actor, case.id, HearingIn(held_on=date(2026, 11, 1), declined=True))
    side.ids |= {
        "vetting_case_id": case.id,
        "vetting_incident_id": incident.id,
        "vetting_evidence_id": evidence.id,
    }
