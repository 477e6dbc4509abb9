"""The first contacts' API operations in the authorisation matrix.

Each side gets one contact (a meeting set, one exchange logged) under a code name of its
own; `person_reference` is the side's received person, whom the crossing links.
"""

from __future__ import annotations

from datetime import timedelta

from haven.contacts import service
from haven.contacts.schemas import ContactIn, ExchangeIn, MeetingIn
from haven.db.types import utcnow
from haven.people.models import Person
from haven.security.permissions import Actor, Permission
from tests.security.matrix import Operation, Side, SideContext

SYSTEM = Actor.system()
P = Permission
LATER = "2099-01-01T10:00:00+00:00"


def _contact(path: str, method: str, permission: Permission, json: object = None) -> Operation:
    return Operation(
        method, path, permission, record=True, json=(lambda w: json) if json is not None else None
    )


OPERATIONS: list[Operation] = [
    Operation("GET", "/api/contacts", P.CONTACT_READ),
    Operation("GET", "/api/contacts/code-name", P.CONTACT_WRITE),
    Operation(
        "POST",
        "/api/contacts",
        P.CONTACT_WRITE,
        json=lambda w: {"code_name": "MATRIX NEW 10", "channel": "phone", "family": "1-3"},
    ),
    _contact("/api/contacts/{contact_id}", "GET", P.CONTACT_READ),
    _contact("/api/contacts/{contact_id}", "PATCH", P.CONTACT_WRITE, {"family": "none"}),
    _contact("/api/contacts/{contact_id}/exchanges", "GET", P.CONTACT_READ),
    _contact(
        "/api/contacts/{contact_id}/exchanges",
        "POST",
        P.CONTACT_WRITE,
        {"channel": "messenger", "note": "Matrix exchange"},
    ),
    _contact(
        "/api/contacts/{contact_id}/meeting",
        "POST",
        P.CONTACT_WRITE,
        {"meeting_point": "Matrix point", "meeting_at": LATER},
    ),
    _contact(
        "/api/contacts/{contact_id}/status",
        "POST",
        P.CONTACT_WRITE,
        {"status": "lost", "reason": "No answer for a week"},
    ),
    Operation(
        "POST",
        "/api/contacts/{contact_id}/crossing",
        P.CONTACT_WRITE,
        record=True,
        json=lambda w: {"person_reference": str(w.mine.ids["person_reference"])},
    ),
    # An open contact is not wiped: 409 after the authorisation checks.
    _contact("/api/contacts/{contact_id}/wipe", "POST", P.CONTACT_WRITE),
]


def seed(ctx: SideContext, side: Side) -> None:
    """Create this domain's records for one organisation; store their ids in `side.ids`."""
    db = ctx.db
    organisation = ctx.organisation.id
    contact = service.record_contact(
        db,
        SYSTEM,
        ContactIn.model_validate(
            {
                "code_name": f"MATRIX {str(organisation)[:8]}",
                "channel": "intermediary",
                "channel_detail": "Matrix intermediary alias",
                "companions": "1-5",
                "family": "1-3",
            }
        ),
        organisation_id=organisation,
    )
    service.set_meeting(
        db,
        SYSTEM,
        contact.id,
        MeetingIn(meeting_point="Matrix ferry", meeting_at=utcnow() + timedelta(days=3)),
    )
    service.add_exchange(
        db,
        SYSTEM,
        contact.id,
        ExchangeIn(channel="phone", note="Matrix first call"),  # type: ignore[arg-type]
    )
    side.ids["contact_id"] = contact.id
    person = db.get(Person, ctx.person_id)
    assert person is not None
    side.ids["person_reference"] = person.reference  # type: ignore[assignment] - a body value
