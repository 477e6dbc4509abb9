"""Every query about persons, their family members and photos."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, delete, func, or_, select
from sqlalchemy.orm import Session

from haven.kernel.references.repository import readable_by_reference
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


def person_by_reference(session: Session, actor: Actor, reference: str) -> Person | None:
    """The person with that reference (as stored, `P-7K3M9QR`) whom the actor may see; never
    an erased one."""
    person = readable_by_reference(Persons(session), actor, reference)
    return None if person is None or person.is_erased else person


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


# The people list's orders; "best" puts the persons a search found by their whole name or an
# identifier first, then those found by part of their name, then the rest, newest first.
SORTS = ("best", "newest", "oldest", "name")
_NEWEST = (Person.created_at.desc(), Person.id.desc())
_ORDERS = {
    "newest": _NEWEST,
    "oldest": (Person.created_at.asc(), Person.id.asc()),
    "name": (Person.name_key.asc(), Person.id.asc()),
}
# Above every character a name key holds: the end of a prefix's range.
_AFTER = "\U0010ffff"

Ids = Collection[uuid.UUID] | Select[uuid.UUID]


def _starts_with(column: Any, prefix: str) -> ColumnElement[bool]:
    """`column` starts with `prefix`, as a range on the column's index (never a scan)."""
    return and_(column >= prefix, column < prefix + _AFTER)


def _given(ids: Ids) -> bool:
    return isinstance(ids, Select) or bool(ids)


def _matching(
    *,
    name: str = "",
    exact: dict[str, str] | None = None,
    tiers: Sequence[Ids] = (),
) -> tuple[list[ColumnElement[bool]], list[ColumnElement[bool]]]:
    """(conditions, best-first ranks) of a search: persons found by id in one of the `tiers`
    (best first), by an exact blind index or reference (`exact`), or whose name or father's
    name starts with `name` (either script; index ranges on the name keys)."""
    conditions: list[ColumnElement[bool]] = []
    ranks: list[ColumnElement[bool]] = []
    for column, value in (exact or {}).items():
        condition = getattr(Person, column) == value
        conditions.append(condition)
        ranks.append(condition)
    for ids in tiers:
        if _given(ids):
            condition = Person.id.in_(ids)
            conditions.append(condition)
            ranks.append(condition)
    if name:
        conditions.append(_starts_with(Person.name_key, name))  # the Latin part
        conditions.append(_starts_with(Person.name_key, "|" + name))  # a Burmese-only name
        conditions.append(_starts_with(Person.father_key, name))
    return conditions, ranks


def search(
    session: Session,
    actor: Actor,
    *,
    name: str = "",
    exact: dict[str, str] | None = None,
    person_ids: Ids = (),
    limit: int = 50,
) -> Sequence[Person]:
    """Persons visible to the actor whose name or father's name starts with `name`, whose
    blind index matches exactly (`exact`: column → index value, e.g. `nrc_index`), or whose
    id is among `person_ids` (found by the caller, e.g. those received from a unit), newest
    first. Erased persons are never found."""
    rows, _ = find(
        session, actor, name=name, exact=exact, tiers=(person_ids,), sort="newest", limit=limit
    )
    return rows


def find(
    session: Session,
    actor: Actor,
    *,
    searching: bool = True,
    name: str = "",
    exact: dict[str, str] | None = None,
    tiers: Sequence[Ids] = (),
    within: Select[uuid.UUID] | None = None,
    sort: str = "newest",
    limit: int = 25,
    offset: int = 0,
) -> tuple[list[Person], int]:
    """One page of the persons visible to the actor and how many there are in all (counted
    by the database). Searching: those found by `tiers` (lists or subqueries of ids, best
    first), `exact` or `name` (see `_matching`); none when nothing is looked for. Not
    searching: everyone. `within` (a subquery of ids, e.g. those received in a period)
    narrows either. Sorted by `sort` (`SORTS`); erased persons are never listed."""
    query = Persons(session).readable(actor).where(Person.erased_at.is_(None))
    ranks: list[ColumnElement[bool]] = []
    if searching:
        conditions, ranks = _matching(name=name, exact=exact, tiers=tiers)
        if not conditions:
            return [], 0
        query = query.where(or_(*conditions))
    if within is not None:
        query = query.where(Person.id.in_(within))
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    if sort == "best" and ranks:
        rank = case(
            *((condition, place) for place, condition in enumerate(ranks)), else_=len(ranks)
        )
        order: tuple[Any, ...] = (rank, *_NEWEST)
    else:
        order = _ORDERS.get(sort, _NEWEST)
    rows = session.scalars(query.order_by(*order).limit(limit).offset(offset)).all()
    return list(rows), int(total or 0)


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
