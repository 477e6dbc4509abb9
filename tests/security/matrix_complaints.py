"""The complaints domain's API operations in the authorisation matrix.

Each side gets a complaint of its matrix person, recorded by no user (so that a recorder who
may not handle complaints does not know of it: they see only their own) and not
confidential. Confidential complaints (seen by COMPLAINT_CONFIDENTIAL holders and the
assigned handler only) are shown by `tests/complaints/test_api.py`: the matrix names one
permission per operation.
"""

from __future__ import annotations

from haven.complaints import service
from haven.complaints.schemas import ComplaintIn
from haven.security.permissions import Actor, Permission, Role
from tests.security.matrix import Operation, Side, SideContext

SYSTEM = Actor.system()
P = Permission


def _handle(path: str, permission: Permission, json: object) -> Operation:
    return Operation("POST", path, permission, record=True, json=lambda w: json)


OPERATIONS: list[Operation] = [
    Operation("GET", "/api/complaints", P.COMPLAINT_RECORD),
    Operation(
        "POST",
        "/api/complaints",
        P.COMPLAINT_RECORD,
        json=lambda w: {
            "category": "other",
            "channel": "complaint_box",
            "complainant": "anonymous",
            "text": "The water point is broken.",
        },
    ),
    Operation("GET", "/api/complaints/report", P.COMPLAINT_HANDLE),
    Operation("GET", "/api/complaints/deadlines", None),
    Operation(
        "PUT",
        "/api/complaints/deadlines",
        P.PROGRAMME_MANAGE,
        json=lambda w: {"category": "safety", "acknowledge_days": 1, "respond_days": 2},
    ),
    Operation("GET", "/api/complaints/{complaint_id}", P.COMPLAINT_HANDLE, record=True),
    _handle(
        "/api/complaints/{complaint_id}/acknowledge", P.COMPLAINT_HANDLE, {"given_by": "phone"}
    ),
    _handle(
        "/api/complaints/{complaint_id}/entries",
        P.COMPLAINT_HANDLE,
        {"kind": "note", "text": "Called back."},
    ),
    _handle("/api/complaints/{complaint_id}/escalate", P.COMPLAINT_HANDLE, {"reason": "Urgent"}),
    _handle("/api/complaints/{complaint_id}/close", P.COMPLAINT_HANDLE, {"reason": "Settled"}),
    _handle("/api/complaints/{complaint_id}/reopen", P.COMPLAINT_HANDLE, {"reason": "Again"}),
    Operation(
        "POST",
        "/api/complaints/{complaint_id}/assign",
        P.COMPLAINT_HANDLE,
        record=True,
        json=lambda w: {"user_id": str(w.mine.ids["user_id"])},
    ),
    _handle(
        "/api/complaints/{complaint_id}/confidentiality",
        P.COMPLAINT_HANDLE,
        {"confidential": True, "reason": "About a staff member"},
    ),
]


def seed(ctx: SideContext, side: Side) -> None:
    """A complaint of the side's person, recorded by no user, not confidential."""
    side.ids["complaint_id"] = service.record(
        ctx.db,
        SYSTEM,
        ComplaintIn.model_validate(
            {
                "category": "payment_not_received",
                "channel": "in_person",
                "complainant": "person",
                "person_id": str(ctx.person_id),
                "text": "Matrix complaint",
            }
        ),
    ).id
    # One the case worker took down, confidential (the recorder's confirmation page).
    worker = ctx.users[Role.CASE_WORKER]
    actor = Actor.for_user(
        user_id=worker.id,
        username=worker.username,
        organisation_id=ctx.organisation.id,
        site_id=None,
        role=Role.CASE_WORKER,
    )
    side.ids["recorded_complaint_id"] = service.record(
        ctx.db,
        actor,
        ComplaintIn.model_validate(
            {
                "category": "mistreatment",
                "channel": "through_staff",
                "complainant": "anonymous",
                "text": "A guard hit a man at the gate.",
            }
        ),
    ).id
