"""Every query about persons, their family members and photos."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Sequence
from datetime import date

from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy.orm import Session

from haven.kernel.repository import BATCH, Repository
from haven.people.models import FamilyMember, Person, PersonKey, PersonPhoto
from haven.security.permissions import Actor


class Persons(Repository[Person]):
    model = Person


class FamilyMembers(Repository[FamilyMember]):
    model = FamilyMember
    site_column = None


def person_by_id(session: Session, person_id: uuid.UUID) -> Person | None:
    return Persons(session).get(person_id)


def persons_by_id(session: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, Person]:
    """Persons by id, batched; missing ids are absent."""
    return Persons(session).many(ids)


def live_person_ids() -> Select[uuid.UUID]:
    """The ids of every person not erased, as a subquery other domains filter their own
    queries on (`person_id IN (…)`) instead of joining the persons table."""
    return select(Person.id).where(Person.erased_at.is_(None))


def any_person_in(session: Session, organisation_ids: Sequence[uuid.UUID]) -> bool:
    """Whether any person (erased or not) belongs to one of the organisations."""
    found = session.scalar(
        select(Person.id).where(Person.organisation_id.in_(organisation_ids)).limit(1)
    )
    return found is not None


def family_of(session: Session, person_id: uuid.UUID) -> Sequence[FamilyMember]:
    return session.scalars(
        select(FamilyMember)
        .where(FamilyMember.person_id == person_id)
        .order_by(FamilyMember.created_at)
    ).all()


def family_member_by_id(session: Session, member_id: uuid.UUID) -> FamilyMember | None:
    return FamilyMembers(session).get(member_id)


def family_by_person(
    session: Session, person_ids: Iterable[uuid.UUID | None]
) -> dict[uuid.UUID, list[FamilyMember]]:
    """Each person's family members, oldest entry first, batched."""
    groups = FamilyMembers(session).grouped_by(FamilyMember.person_id, person_ids)
    for members in groups.values():
        members.sort(key=lambda m: (m.created_at, m.id))
    return groups


def dependants_count(
    session: Session, person_ids: Iterable[uuid.UUID | None]
) -> dict[uuid.UUID, int]:
    """How many dependants each person has (persons with none are absent), batched."""
    wanted = sorted({p for p in person_ids if p is not None}, key=str)
    counts: dict[uuid.UUID, int] = {}
    for start in range(0, len(wanted), BATCH):
        rows = session.execute(
            select(FamilyMember.person_id, func.count())
            .where(
                FamilyMember.person_id.in_(wanted[start : start + BATCH]),
                FamilyMember.is_dependant.is_(True),
            )
            .group_by(FamilyMember.person_id)
        )
        counts.update({person_id: int(n) for person_id, n in rows})
    return counts


def photo_of(session: Session, person_id: uuid.UUID) -> PersonPhoto | None:
    return session.scalar(select(PersonPhoto).where(PersonPhoto.person_id == person_id))


def has_photo(session: Session, person_id: uuid.UUID) -> bool:
    """Whether the person has a photo, without loading it."""
    found = session.scalar(select(PersonPhoto.id).where(PersonPhoto.person_id == person_id))
    return found is not None


def delete_family_and_photo(session: Session, person_id: uuid.UUID) -> None:
    """Erasure: the person's relatives and photo go (their key is destroyed already)."""
    session.execute(delete(FamilyMember).where(FamilyMember.person_id == person_id))
    session.execute(delete(PersonPhoto).where(PersonPhoto.person_id == person_id))


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search(
    session: Session,
    actor: Actor,
    *,
    name: str = "",
    exact: dict[str, str] | None = None,
    person_ids: Collection[uuid.UUID] | Select[uuid.UUID] = (),
    limit: int = 50,
) -> Sequence[Person]:
    """Persons visible to the actor whose name/father's name contains `name`, whose blind
    index matches exactly (`exact`: column → index value, e.g. `nrc_index`), or whose id is
    among `person_ids` (found by the caller, e.g. those received from a unit). Erased
    persons are never found."""
    conditions = []
    if name:
        pattern = _like(name)
        conditions.append(Person.name_key.like(pattern, escape="\\"))
        conditions.append(Person.father_key.like(pattern, escape="\\"))
    for column, value in (exact or {}).items():
        conditions.append(getattr(Person, column) == value)
    if isinstance(person_ids, Select) or person_ids:
        conditions.append(Person.id.in_(person_ids))
    if not conditions:
        return []
    query = (
        Persons(session)
        .readable(actor)
        .where(Person.erased_at.is_(None), or_(*conditions))
        .order_by(Person.created_at.desc())
        .limit(limit)
    )
    return session.scalars(query).all()


def due_for_retention(session: Session, today: date) -> Sequence[uuid.UUID]:
    """Ids of persons not yet erased whose retention date has passed."""
    return session.scalars(
        select(Person.id)
        .where(Person.retention_until < today, Person.erased_at.is_(None))
        .order_by(Person.retention_until)
    ).all()


def name_records(
    session: Session, organisation_id: uuid.UUID
) -> list[tuple[uuid.UUID, str | None, str | None, int | None]]:
    """(id, name_latin, name_my, birth_year) of the organisation's persons not erased: what
    vetting's name screening compares a new registry entry against."""
    rows = session.execute(
        select(Person.id, Person.name_latin, Person.name_my, Person.birth_year).where(
            Person.organisation_id == organisation_id, Person.erased_at.is_(None)
        )
    ).all()
    return [(pid, latin, my, year) for pid, latin, my, year in rows]


def live_persons_after(session: Session, after: uuid.UUID | None, limit: int) -> Sequence[Person]:
    """At most `limit` persons not erased, by id, after the id `after` (batches for
    recomputing derived values, `haven.kernel.reindexing`)."""
    query = select(Person).where(Person.erased_at.is_(None))
    if after is not None:
        query = query.where(Person.id > after)
    return session.scalars(query.order_by(Person.id).limit(limit)).all()


def keys_of(session: Session, person_ids: Iterable[uuid.UUID]) -> list[PersonKey]:
    """The wrapped data keys of these persons, one query per 500: while the caller holds
    them, decrypting the persons' fields asks the database nothing more."""
    wanted = sorted(set(person_ids), key=str)
    found: list[PersonKey] = []
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start : start + BATCH]
        found.extend(session.scalars(select(PersonKey).where(PersonKey.person_id.in_(chunk))))
    return found
