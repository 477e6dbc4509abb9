"""Every query about persons, their family members and photos."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Sequence
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, and_, delete, false, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

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


def relatives_by_id(
    session: Session, member_ids: Iterable[uuid.UUID | None]
) -> dict[uuid.UUID, FamilyMember]:
    """Relatives by id, batched (movement plans name relatives by id)."""
    return FamilyMembers(session).many(member_ids)


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

# How many persons a list counts before it says "more than" instead: at 100,000 people a
# common name finds thousands ("Aung": 13,605 at one site), and counting each one read its
# row (0.5-0.7 s on SQLCipher) for a figure nobody pages through; the page asks to narrow
# the search instead.
COUNT_UP_TO = 1000
# A search whose indexes find at most this many persons (any organisation, before the scope)
# is gathered from them and sorted, a person's row read each (about 0.1 ms on SQLCipher when
# not cached). A larger one is read in order of creation along the scope's index
# (organisation[, site], created_at) until the page is full, or the count reached: rows
# next to each other, a few microseconds each; a common name fills a page within a few
# hundred persons.
_GATHER_UP_TO = 300
# Counting reads to the end of the scope when fewer than COUNT_UP_TO persons are visible, so
# the count gathers from the indexes up to this many (a site's registrar sees a part of them).
_COUNT_GATHER_UP_TO = 4 * COUNT_UP_TO

Ids = Collection[uuid.UUID] | Select[uuid.UUID]


def count_bound(offset: int, limit: int) -> int:
    """How far `find` counts for a page: COUNT_UP_TO, or to the end of a page beyond it; a
    total above the bound means "more than the bound"."""
    return max(COUNT_UP_TO, offset + limit)


class _Unindexed(FunctionElement[Any]):
    """A column as a value no index may answer: `+column` on SQLite (its documented way to
    keep the planner off an index), the column itself elsewhere. A search read in order of
    creation writes its conditions on such values, so that SQLite can only walk the scope's
    index instead of gathering thousands of matches from a name's index."""

    inherit_cache = True

    def __init__(self, column: Any) -> None:
        super().__init__(column)
        self.type = column.type


@compiles(_Unindexed)
def _as_column(element: _Unindexed, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(_Unindexed, "sqlite")
def _as_unindexed(element: _Unindexed, compiler: Any, **kw: Any) -> str:
    return "+" + str(compiler.process(element.clauses, **kw))


def _starts_with(column: Any, prefix: str) -> ColumnElement[bool]:
    """`column` starts with `prefix`, as a range on the column's index."""
    return and_(column >= prefix, column < prefix + _AFTER)


class _Group(NamedTuple):
    """One group of a search, best first."""

    indexed: ColumnElement[bool]  # its condition on persons, as an index may answer it
    unindexed: ColumnElement[bool]  # the same, no index answering it (read in creation order)
    candidates: Select[Any] | int  # what its index finds before the scope (or how many ids)
    exact: bool = False  # an identifier's blind index: a person or two, always gathered


def _matching(
    *,
    name: str = "",
    exact: dict[str, str] | None = None,
    tiers: Sequence[Ids] = (),
) -> list[_Group]:
    """The groups of a search, best first: persons found by an exact blind index or reference
    (`exact`), by id in one of the `tiers` (best first), then those whose name or father's
    name starts with `name` (either script; ranges on the name keys)."""
    groups: list[_Group] = []
    for column, value in (exact or {}).items():
        attribute = getattr(Person, column)
        condition = attribute == value
        unindexed = _Unindexed(attribute) == value
        groups.append(_Group(condition, unindexed, select(Person.id).where(condition), True))
    for ids in tiers:
        if isinstance(ids, Select) or ids:
            found = ids if isinstance(ids, Select) else len(ids)
            groups.append(_Group(Person.id.in_(ids), _Unindexed(Person.id).in_(ids), found))
    if name:

        def names(name_key: Any, father_key: Any) -> ColumnElement[bool]:
            return or_(
                _starts_with(name_key, name),  # the Latin part
                _starts_with(name_key, "|" + name),  # a Burmese-only name
                _starts_with(father_key, name),
            )

        indexed = names(Person.name_key, Person.father_key)
        unindexed = names(_Unindexed(Person.name_key), _Unindexed(Person.father_key))
        groups.append(_Group(indexed, unindexed, select(Person.id).where(indexed)))
    return groups


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
    """One page of the persons visible to the actor and how many there are in all, counted
    by the database up to `count_bound(offset, limit)`: a larger total is that bound plus one
    ("more than the bound"). Searching: those found by `tiers` (lists or subqueries of ids,
    best first), `exact` or `name` (see `_matching`); none when nothing is looked for. Not
    searching: everyone. `within` (a subquery of ids, e.g. those received in a period)
    narrows either. Sorted by `sort` (`SORTS`); erased persons are never listed.

    The page is chosen from ids and the columns that scope and order them, and only its own
    rows are loaded. Sorted "best": group after group (`_matching`), each newest first, a
    person in the first group that finds them. The same persons whichever plan reads them
    (`_GATHER_UP_TO`): a plan changes only what the database reads to find them."""
    base = (
        Persons(session)
        .readable(actor)
        .where(Person.erased_at.is_(None))
        .with_only_columns(Person.id)
    )
    if within is not None:
        base = base.where(Person.id.in_(within))
    groups = _matching(name=name, exact=exact, tiers=tiers) if searching else []
    if searching and not groups:
        return [], 0
    bound = count_bound(offset, limit)
    query = base
    if groups:
        query = base.where(or_(*(group.indexed for group in groups)))
    if groups and _dense(session, groups, _COUNT_GATHER_UP_TO):
        walked = base.where(_walked(session, base, groups)).limit(bound + 1).subquery()
        total = int(session.scalar(select(func.count()).select_from(walked)) or 0)
    else:
        counted = query.order_by(None).limit(bound + 1).subquery()
        total = int(session.scalar(select(func.count()).select_from(counted)) or 0)
    if total == 0:
        return [], 0
    if sort == "best" and groups:
        ids = _best_first(session, base, groups, offset + limit)[offset:]
    else:
        if groups and _dense(session, groups, _GATHER_UP_TO):
            query = base.where(_walked(session, base, groups))
        order: tuple[Any, ...] = _ORDERS.get(sort, _NEWEST)
        page = query.order_by(*order).limit(limit).offset(offset)
        ids = list(session.scalars(page))
    found = Persons(session).many(ids)
    return [found[person_id] for person_id in ids if person_id in found], total


def _dense(session: Session, groups: Sequence[_Group], up_to: int) -> bool:
    """Whether the groups' indexes find more than `up_to` persons in all (counted from the
    indexes, at most that many)."""
    left = up_to
    for group in groups:
        candidates = group.candidates
        if isinstance(candidates, int):
            left -= candidates
        else:
            bounded = candidates.order_by(None).limit(left + 1).subquery()
            left -= int(session.scalar(select(func.count()).select_from(bounded)) or 0)
        if left < 0:
            return True
    return False


def _walked(session: Session, base: Select[Any], groups: Sequence[_Group]) -> ColumnElement[bool]:
    """The groups' condition as the scope's index answers it alone, read in order of
    creation: the persons an identifier finds (a person or two; their blind index is not in
    that index) are looked up first and tested by id."""
    walked = [group.unindexed for group in groups if not group.exact]
    exact = [group.indexed for group in groups if group.exact]
    if exact:
        by_identifier = list(session.scalars(base.where(or_(*exact))))
        if by_identifier:
            walked.append(_Unindexed(Person.id).in_(by_identifier))
    return or_(*walked) if walked else false()


def _best_first(
    session: Session, base: Select[Any], groups: Sequence[_Group], want: int
) -> list[uuid.UUID]:
    """The ids of the first `want` persons in "best" order: each group newest first, a
    person in the first group that finds them. A later group is read only when the earlier
    ones are exhausted, so the persons already found are all of theirs: asking the next group
    for `want` (those found, at most all of them, and as many more as are wanted) and
    dropping those already found gives the next ones."""
    found: list[uuid.UUID] = []
    seen: set[uuid.UUID] = set()
    for group in groups:
        condition = group.unindexed if _dense(session, [group], _GATHER_UP_TO) else group.indexed
        ids = list(session.scalars(base.where(condition).order_by(*_NEWEST).limit(want)))
        found.extend(person_id for person_id in ids if person_id not in seen)
        seen.update(ids)
        if len(found) >= want:
            break
    return found[:want]


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


def alias_records(session: Session, organisation_id: uuid.UUID) -> dict[uuid.UUID, list[str]]:
    """The aliases of the organisation's persons not erased who have any: vetting screens
    them like names when a registry entry is added."""
    rows = session.execute(
        select(Person.id, Person.aliases).where(
            Person.organisation_id == organisation_id, Person.erased_at.is_(None)
        )
    ).all()
    return {pid: [a for a in aliases if a] for pid, aliases in rows if aliases}


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
