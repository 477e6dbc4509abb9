"""Every query about persons and their family members."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from haven.people.models import FamilyMember, Person, PersonPhoto
from haven.security.permissions import Actor, visible_to


def person_by_id(session: Session, person_id: uuid.UUID) -> Person | None:
    return session.get(Person, person_id)


def family_of(session: Session, person_id: uuid.UUID) -> Sequence[FamilyMember]:
    return session.scalars(
        select(FamilyMember)
        .where(FamilyMember.person_id == person_id)
        .order_by(FamilyMember.created_at)
    ).all()


def photo_of(session: Session, person_id: uuid.UUID) -> PersonPhoto | None:
    return session.scalar(select(PersonPhoto).where(PersonPhoto.person_id == person_id))


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search(
    session: Session,
    actor: Actor,
    *,
    name: str = "",
    exact: dict[str, str] | None = None,
    unit_ids: Sequence[uuid.UUID] = (),
    limit: int = 50,
) -> Sequence[Person]:
    """Persons visible to the actor whose name/father's name contains `name`, whose blind
    index matches exactly (`exact`: column → index value, e.g. `nrc_index`), or whose unit
    matches. Erased persons are never found."""
    from haven.reception.models import ReceptionEvent

    conditions = []
    if name:
        pattern = _like(name)
        conditions.append(Person.name_key.like(pattern, escape="\\"))
        conditions.append(Person.father_key.like(pattern, escape="\\"))
    for column, value in (exact or {}).items():
        conditions.append(getattr(Person, column) == value)
    if unit_ids:
        conditions.append(
            Person.id.in_(
                select(ReceptionEvent.person_id).where(ReceptionEvent.origin_unit_id.in_(unit_ids))
            )
        )
    if not conditions:
        return []
    query = (
        select(Person)
        .where(visible_to(actor, Person), Person.erased_at.is_(None), or_(*conditions))
        .order_by(Person.created_at.desc())
        .limit(limit)
    )
    return session.scalars(query).all()


def possible_duplicates(
    session: Session,
    actor: Actor,
    *,
    name_key: str,
    father_key: str | None,
    birth_year: int | None,
    nrc_index: str | None,
    service_number_index: str | None,
    exclude: uuid.UUID | None = None,
    limit: int = 10,
) -> Sequence[Person]:
    """Simple rules: same NRC, same service number (by blind index), or same name with the
    same father or a birth year within one year, within the actor's organisation (all its
    sites: the caller shows only the visible ones and counts the rest)."""
    rules = []
    if nrc_index:
        rules.append(Person.nrc_index == nrc_index)
    if service_number_index:
        rules.append(Person.service_number_index == service_number_index)
    if name_key.strip("|"):
        same_name = Person.name_key == name_key
        if father_key:
            rules.append(and_(same_name, Person.father_key == father_key))
        if birth_year:
            rules.append(and_(same_name, Person.birth_year.between(birth_year - 1, birth_year + 1)))
        if not father_key and not birth_year:
            rules.append(same_name)
    if not rules:
        return []
    query = select(Person).where(Person.organisation_id == actor.organisation_id, or_(*rules))
    if actor.is_system:
        query = select(Person).where(or_(*rules))
    query = query.where(Person.erased_at.is_(None))
    if exclude is not None:
        query = query.where(Person.id != exclude)
    return session.scalars(query.limit(limit)).all()


def due_for_retention(session: Session, today: date) -> Sequence[uuid.UUID]:
    """Ids of persons not yet erased whose retention date has passed."""
    return session.scalars(
        select(Person.id)
        .where(Person.retention_until < today, Person.erased_at.is_(None))
        .order_by(Person.retention_until)
    ).all()
