"""The protection domain's API operations in the authorisation matrix.

Each side gets one threat incident concerning the matrix person (`incident_id`), recorded by
its case worker, which raises the person's risk to elevated (so lowering it is allowed).
"""

from __future__ import annotations

from haven.accounts.sessions import actor_for
from haven.kernel import clock
from haven.protection import service
from haven.protection.schemas import IncidentIn
from haven.security.permissions import Permission, Role
from tests.security.matrix import Operation, Side, SideContext

P = Permission
TODAY = clock.local_today().isoformat()


def _incident(path: str, method: str, permission: Permission, json: object = None) -> Operation:
    return Operation(
        method, path, permission, record=True, json=(lambda w: json) if json is not None else None
    )


OPERATIONS: list[Operation] = [
    Operation("GET", "/api/protection/incidents", P.SECURITY_INCIDENT_READ),
    Operation(
        "POST",
        "/api/protection/incidents",
        P.SECURITY_INCIDENT_WRITE,
        json=lambda w: {
            "kind": "threat",
            "severity": "low",
            "occurred_on": TODAY,
            "narrative": "Matrix threat (synthetic)",
        },
    ),
    _incident("/api/protection/incidents/{incident_id}", "GET", P.SECURITY_INCIDENT_READ),
    _incident(
        "/api/protection/incidents/{incident_id}",
        "PATCH",
        P.SECURITY_INCIDENT_WRITE,
        {"severity": "medium"},
    ),
    _incident(
        "/api/protection/incidents/{incident_id}/moves",
        "POST",
        P.SECURITY_INCIDENT_WRITE,
        {"state": "responding", "reason": "Matrix response"},
    ),
    _incident(
        "/api/protection/incidents/{incident_id}/actions",
        "POST",
        P.SECURITY_INCIDENT_WRITE,
        {"taken_on": TODAY, "text": "Matrix action"},
    ),
    Operation(
        "POST",
        "/api/protection/incidents/{incident_id}/people",
        P.SECURITY_INCIDENT_WRITE,
        record=True,
        json=lambda w: {"person_ids": [str(w.mine.ids["person_id"])]},
    ),
    Operation(
        "GET", "/api/protection/people/{person_id}/risk", P.SECURITY_INCIDENT_READ, record=True
    ),
    Operation(
        "POST",
        "/api/protection/people/{person_id}/risk",
        P.SECURITY_INCIDENT_WRITE,
        record=True,
        json=lambda w: {"level": "normal", "reason": "Matrix: the danger has passed"},
    ),
]


def seed(ctx: SideContext, side: Side) -> None:
    """Create this domain's records for one organisation; store their ids in `side.ids`."""
    worker = actor_for(ctx.users[Role.CASE_WORKER])
    incident = service.record_incident(
        ctx.db,
        worker,
        IncidentIn.model_validate(
            {
                "kind": "threat",
                "severity": "medium",
                "occurred_on": TODAY,
                "narrative": "Matrix incident (synthetic)",
                "person_ids": [str(ctx.person_id)],
            }
        ),
    )
    side.ids["incident_id"] = incident.id
