"""Every query of first contacts, scoped to the actor's organisation."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from haven.contacts.models import Contact, ContactExchange, ContactMove
from haven.kernel.erasure import blanked
from haven.kernel.repository import Repository
from haven.security.permissions import Actor


class Contacts(Repository[Contact]):
    model = Contact
    site_column = None  # a contact belongs to the organisation, not to a site


def contact(session: Session, contact_id: uuid.UUID) -> Contact | None:
    return Contacts(session).get(contact_id)


def contacts(session: Session, actor: Actor, *, status: str | None = None) -> Sequence[Contact]:
    """The organisation's contacts, newest first (optionally in one state)."""
    query = Contacts(session).readable(actor)
    if status is not None:
        query = query.where(Contact.status == status)
    return session.scalars(query.order_by(Contact.created_at.desc())).all()


def code_name_taken(session: Session, organisation_id: uuid.UUID, code_name: str) -> bool:
    found = session.scalar(
        select(Contact.id)
        .where(Contact.organisation_id == organisation_id, Contact.code_name == code_name)
        .limit(1)
    )
    return found is not None


def taken_code_names(
    session: Session, organisation_id: uuid.UUID, candidates: Sequence[str]
) -> set[str]:
    """Which of the candidates are already someone's code name in the organisation."""
    return set(
        session.scalars(
            select(Contact.code_name).where(
                Contact.organisation_id == organisation_id, Contact.code_name.in_(candidates)
            )
        )
    )


def contact_of_reception(session: Session, reception_id: uuid.UUID) -> Contact | None:
    return session.scalars(select(Contact).where(Contact.reception_id == reception_id)).first()


def exchanges_of(session: Session, contact_id: uuid.UUID) -> Sequence[ContactExchange]:
    """The log of exchanges, oldest first."""
    return session.scalars(
        select(ContactExchange)
        .where(ContactExchange.contact_id == contact_id)
        .order_by(ContactExchange.occurred_at, ContactExchange.created_at)
    ).all()


def moves_of(session: Session, contact_id: uuid.UUID) -> Sequence[ContactMove]:
    """The history of the contact's states, oldest first."""
    return session.scalars(
        select(ContactMove)
        .where(ContactMove.contact_id == contact_id)
        .order_by(ContactMove.moved_at, ContactMove.id)
    ).all()


def overdue_count(session: Session, actor: Actor, now: datetime) -> int:
    """Meetings whose time passed without a crossing, in the organisation."""
    query = (
        Contacts(session)
        .readable(actor)
        .where(Contact.status == "meeting_set", Contact.meeting_at < now)
        .with_only_columns(func.count())
    )
    return int(session.scalar(query) or 0)


def contacts_of_person(session: Session, person_id: uuid.UUID) -> Sequence[Contact]:
    return session.scalars(select(Contact).where(Contact.person_id == person_id)).all()


def shred(session: Session, contact_ids: Sequence[uuid.UUID]) -> None:
    """Blank every encrypted detail of the contacts, their exchanges' notes and their moves'
    reasons (the caller destroys their data keys)."""
    if not contact_ids:
        return
    ids = list(contact_ids)
    session.execute(
        update(Contact)
        .where(Contact.id.in_(ids))
        .values(blanked(Contact))
        .execution_options(synchronize_session="fetch")
    )
    session.execute(
        update(ContactExchange)
        .where(ContactExchange.contact_id.in_(ids))
        .values(blanked(ContactExchange))
        .execution_options(synchronize_session="fetch")
    )
    session.execute(
        update(ContactMove)
        .where(ContactMove.contact_id.in_(ids))
        .values(blanked(ContactMove))
        .execution_options(synchronize_session="fetch")
    )


def unlink_person(session: Session, contact_ids: Sequence[uuid.UUID], now: datetime) -> None:
    """The contacts lose their link to the erased person and to the reception."""
    if not contact_ids:
        return
    session.execute(
        update(Contact)
        .where(Contact.id.in_(list(contact_ids)))
        .values(person_id=None, reception_id=None, person_erased_at=now)
        .execution_options(synchronize_session="fetch")
    )
