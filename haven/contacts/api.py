"""JSON endpoints of first contacts (`/api/contacts`): for the negotiation team alone. Every
other role gets 404 on every route, as if contacts did not exist."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from fastapi import APIRouter
from sqlalchemy.orm import Session

from haven.contacts import service
from haven.contacts.lifecycle import ContactStatus
from haven.contacts.models import Contact
from haven.contacts.schemas import (
    CodeNameOut,
    ContactDetailOut,
    ContactIn,
    ContactOut,
    ContactUpdate,
    CrossingIn,
    ExchangeIn,
    ExchangeOut,
    MeetingIn,
    MoveIn,
    MoveOut,
)
from haven.db.types import utcnow
from haven.web.deps import DB, ApiActor

router = APIRouter(prefix="/api/contacts", tags=["contacts"])


def _out(session: Session, contacts: Sequence[Contact]) -> list[ContactOut]:
    references = service.person_references(session, contacts)
    now = utcnow()
    return [
        ContactOut.model_validate(c).model_copy(
            update={
                "meeting_overdue": service.is_overdue(c, now),
                "person_reference": references.get(c.person_id) if c.person_id else None,
            }
        )
        for c in contacts
    ]


def _detail(session: Session, actor: ApiActor, contact: Contact) -> ContactDetailOut:
    (summary,) = _out(session, [contact])
    moves = [MoveOut.model_validate(m) for m in service.moves(session, actor, contact)]
    return ContactDetailOut(**summary.model_dump(), moves=moves)


@router.get("")
def list_contacts(
    session: DB, actor: ApiActor, status: ContactStatus | None = None
) -> list[ContactOut]:
    """The organisation's contacts, newest first; `meeting_overdue` flags a meeting whose time
    passed without a crossing. Negotiators only."""
    found = service.list_contacts(session, actor, status=status.value if status else None)
    return _out(session, found)


@router.get("/code-name")
def suggest_code_name(session: DB, actor: ApiActor) -> CodeNameOut:
    """A generated code name not yet used in the organisation (never a real name)."""
    return CodeNameOut(code_name=service.suggest_code_name(session, actor))


@router.post("", status_code=201)
def record_contact(data: ContactIn, session: DB, actor: ApiActor) -> ContactDetailOut:
    """Record a soldier still inside under a code name (unique in the organisation): the
    channel and its detail (encrypted), what he says in bands, the agreement, the handler."""
    return _detail(session, actor, service.record_contact(session, actor, data))


@router.get("/{contact_id}")
def get_contact(contact_id: uuid.UUID, session: DB, actor: ApiActor) -> ContactDetailOut:
    """One contact with the history of its states (reasons, who, when)."""
    return _detail(session, actor, service.get_contact(session, actor, contact_id))


@router.patch("/{contact_id}")
def update_contact(
    contact_id: uuid.UUID, data: ContactUpdate, session: DB, actor: ApiActor
) -> ContactDetailOut:
    """Change the channel, its detail, the bands, the agreement or the handler."""
    return _detail(session, actor, service.update_contact(session, actor, contact_id, data))


@router.post("/{contact_id}/meeting")
def set_meeting(
    contact_id: uuid.UUID, data: MeetingIn, session: DB, actor: ApiActor
) -> ContactDetailOut:
    """Set the promised meeting point (encrypted) and time, to come; an open contact moves to
    "meeting set" (409 from a state that allows no meeting)."""
    return _detail(session, actor, service.set_meeting(session, actor, contact_id, data))


@router.post("/{contact_id}/status")
def move_contact(
    contact_id: uuid.UUID, data: MoveIn, session: DB, actor: ApiActor
) -> ContactDetailOut:
    """Move the contact: lost, compromised, withdrawn, or reopened (open), with a reason;
    409 on an illegal move."""
    return _detail(session, actor, service.move(session, actor, contact_id, data))


@router.post("/{contact_id}/crossing")
def link_crossing(
    contact_id: uuid.UUID, data: CrossingIn, session: DB, actor: ApiActor
) -> ContactDetailOut:
    """At crossing: link the contact to the person received, by their reference number; the
    contact moves to "crossed" and shows that reference from then on."""
    return _detail(session, actor, service.link_crossing(session, actor, contact_id, data))


@router.post("/{contact_id}/wipe")
def wipe_contact(contact_id: uuid.UUID, session: DB, actor: ApiActor) -> ContactDetailOut:
    """Shred a compromised contact's details (channel detail, meeting point, notes, reasons):
    its data key is destroyed. 409 unless the contact is compromised."""
    return _detail(session, actor, service.wipe_details(session, actor, contact_id))


@router.get("/{contact_id}/exchanges")
def list_exchanges(contact_id: uuid.UUID, session: DB, actor: ApiActor) -> list[ExchangeOut]:
    """The log of exchanges, oldest first."""
    contact = service.get_contact(session, actor, contact_id)
    return [ExchangeOut.model_validate(e) for e in service.exchanges(session, actor, contact)]


@router.post("/{contact_id}/exchanges", status_code=201)
def add_exchange(
    contact_id: uuid.UUID, data: ExchangeIn, session: DB, actor: ApiActor
) -> ExchangeOut:
    """Log an exchange: when (now if not given; local time without a zone), the channel and
    what was said (encrypted)."""
    return ExchangeOut.model_validate(service.add_exchange(session, actor, contact_id, data))
