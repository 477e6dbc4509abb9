"""Every query about reception events and the weapons handed over.

Reads of many persons or events are batched (one query per `BATCH` keys), so a list page
makes the same number of queries whatever its row count.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, case, extract, func, select, update
from sqlalchemy.orm import Session

from haven.accounts.models import Site
from haven.audit.actions import AuditAction
from haven.audit.models import AuditEvent
from haven.forces.public import Force
from haven.kernel.erasure import blanked
from haven.kernel.repository import BATCH, Repository
from haven.people.public import Person
from haven.reception.models import ReceptionCorrection, ReceptionEvent, WeaponItem
from haven.reception.schemas import Classification
from haven.security.permissions import Actor

CHILD = Classification.CHILD.value
# Oldest first: the order of a person's history.
_CHRONOLOGY = (ReceptionEvent.received_on, ReceptionEvent.created_at)


class Receptions(Repository[ReceptionEvent]):
    model = ReceptionEvent


class Weapons(Repository[WeaponItem]):
    model = WeaponItem


def corrections_of(session: Session, person_id: uuid.UUID) -> Sequence[ReceptionCorrection]:
    """The corrections of the person's receptions, newest first."""
    return session.scalars(
        select(ReceptionCorrection)
        .where(ReceptionCorrection.person_id == person_id)
        .order_by(ReceptionCorrection.created_at.desc(), ReceptionCorrection.id.desc())
    ).all()


def corrections_of_event(
    session: Session, reception_id: uuid.UUID
) -> Sequence[ReceptionCorrection]:
    """The corrections of one reception, newest first."""
    return session.scalars(
        select(ReceptionCorrection)
        .where(ReceptionCorrection.reception_id == reception_id)
        .order_by(ReceptionCorrection.created_at.desc(), ReceptionCorrection.id.desc())
    ).all()


def _chunks(values: Iterable[uuid.UUID | None]) -> list[list[uuid.UUID]]:
    wanted = sorted({v for v in values if v is not None}, key=str)
    return [wanted[start : start + BATCH] for start in range(0, len(wanted), BATCH)]


# --- one event, one weapon ------------------------------------------------------------------


def reception_by_id(session: Session, reception_id: uuid.UUID) -> ReceptionEvent | None:
    return Receptions(session).get(reception_id)


def weapon_by_id(session: Session, weapon_id: uuid.UUID) -> WeaponItem | None:
    return Weapons(session).get(weapon_id)


# --- one person -----------------------------------------------------------------------------


def events_of(session: Session, person_id: uuid.UUID) -> Sequence[ReceptionEvent]:
    return session.scalars(
        select(ReceptionEvent).where(ReceptionEvent.person_id == person_id).order_by(*_CHRONOLOGY)
    ).all()


def weapons_of(session: Session, reception_id: uuid.UUID) -> Sequence[WeaponItem]:
    return session.scalars(
        select(WeaponItem)
        .where(WeaponItem.reception_id == reception_id)
        .order_by(WeaponItem.created_at)
    ).all()


def latest_of(
    session: Session, person_id: uuid.UUID, *, military_only: bool = False
) -> ReceptionEvent | None:
    """The person's latest reception (by date received, then by when it was recorded);
    `military_only` passes over receptions as a child."""
    query = select(ReceptionEvent).where(ReceptionEvent.person_id == person_id)
    if military_only:
        query = query.where(ReceptionEvent.classification != CHILD)
    return session.scalars(
        query.order_by(ReceptionEvent.received_on.desc(), ReceptionEvent.created_at.desc()).limit(1)
    ).first()


def latest_agreement_id(session: Session, person_id: uuid.UUID) -> uuid.UUID | None:
    """The agreement of the person's latest reception that names one."""
    return session.scalars(
        select(ReceptionEvent.agreement_id)
        .where(ReceptionEvent.person_id == person_id, ReceptionEvent.agreement_id.is_not(None))
        .order_by(ReceptionEvent.received_on.desc(), ReceptionEvent.created_at.desc())
        .limit(1)
    ).first()


def received_as_child(session: Session, person_id: uuid.UUID) -> bool:
    found = session.scalar(
        select(ReceptionEvent.id)
        .where(ReceptionEvent.person_id == person_id, ReceptionEvent.classification == CHILD)
        .limit(1)
    )
    return found is not None


def child_handover_due(session: Session, person_id: uuid.UUID) -> datetime | None:
    """The earliest child-protection handover deadline of the person's receptions."""
    return session.scalar(
        select(ReceptionEvent.child_protection_due_at)
        .where(
            ReceptionEvent.person_id == person_id,
            ReceptionEvent.child_protection_due_at.is_not(None),
        )
        .order_by(ReceptionEvent.child_protection_due_at)
        .limit(1)
    )


# --- many persons or events (batched) -------------------------------------------------------


def by_ids(session: Session, reception_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, ReceptionEvent]:
    return Receptions(session).many(reception_ids)


def by_person(
    session: Session, person_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[ReceptionEvent]]:
    """Each person's receptions, oldest first (persons without any have an empty list)."""
    found: dict[uuid.UUID, list[ReceptionEvent]] = {}
    for chunk in _chunks(person_ids):
        found.update({person_id: [] for person_id in chunk})
        for event in session.scalars(
            select(ReceptionEvent)
            .where(ReceptionEvent.person_id.in_(chunk))
            .order_by(ReceptionEvent.person_id, *_CHRONOLOGY)
        ):
            found[event.person_id].append(event)
    return found


def latest_by_person(
    session: Session, person_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, ReceptionEvent]:
    """Each person's latest reception (as `latest_of`); persons never received are absent."""
    return {
        person_id: events[-1]
        for person_id, events in by_person(session, person_ids).items()
        if events
    }


def weapons_by_reception(
    session: Session, reception_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[WeaponItem]]:
    """The weapons of each event, in the order they were recorded."""
    found: dict[uuid.UUID, list[WeaponItem]] = {}
    for chunk in _chunks(reception_ids):
        found.update({reception_id: [] for reception_id in chunk})
        for item in session.scalars(
            select(WeaponItem)
            .where(WeaponItem.reception_id.in_(chunk))
            .order_by(WeaponItem.reception_id, WeaponItem.created_at)
        ):
            found[item.reception_id].append(item)
    return found


def weapons_by_person(
    session: Session, person_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[WeaponItem]]:
    """Every weapon each person handed over, at any of their receptions."""
    found: dict[uuid.UUID, list[WeaponItem]] = {}
    for chunk in _chunks(person_ids):
        found.update({person_id: [] for person_id in chunk})
        for person_id, item in session.execute(
            select(ReceptionEvent.person_id, WeaponItem)
            .join(ReceptionEvent, ReceptionEvent.id == WeaponItem.reception_id)
            .where(ReceptionEvent.person_id.in_(chunk))
            .order_by(ReceptionEvent.person_id, *_CHRONOLOGY, WeaponItem.created_at)
        ).all():
            found[person_id].append(item)
    return found


def persons_received(session: Session, organisation_id: uuid.UUID) -> list[uuid.UUID]:
    """Everyone the organisation has received (once each)."""
    return list(
        session.scalars(
            select(ReceptionEvent.person_id)
            .where(ReceptionEvent.organisation_id == organisation_id)
            .distinct()
        )
    )


def persons_received_after(
    session: Session, organisation_id: uuid.UUID, *, after: uuid.UUID | None, limit: int
) -> list[uuid.UUID]:
    """The next `limit` persons the organisation has received, in the order of their ids,
    after `after` (keyset paging: work on everyone done a part at a time)."""
    query = select(ReceptionEvent.person_id).where(
        ReceptionEvent.organisation_id == organisation_id
    )
    if after is not None:
        query = query.where(ReceptionEvent.person_id > after)
    query = query.distinct().order_by(ReceptionEvent.person_id).limit(limit)
    return list(session.scalars(query))


def count_persons_received(session: Session, organisation_id: uuid.UUID) -> int:
    """How many persons the organisation has received."""
    found = session.scalar(
        select(func.count(ReceptionEvent.person_id.distinct())).where(
            ReceptionEvent.organisation_id == organisation_id
        )
    )
    return int(found or 0)


def persons_from_units(
    session: Session, unit_ids: Iterable[uuid.UUID], *, organisation_id: uuid.UUID | None = None
) -> set[uuid.UUID]:
    """Persons received from any of these units (of one organisation, when named)."""
    found: set[uuid.UUID] = set()
    for chunk in _chunks(unit_ids):
        query = select(ReceptionEvent.person_id).where(ReceptionEvent.origin_unit_id.in_(chunk))
        if organisation_id is not None:
            query = query.where(ReceptionEvent.organisation_id == organisation_id)
        found.update(session.scalars(query))
    return found


def persons_received_where(
    *,
    classification: str | None = None,
    site_id: uuid.UUID | None = None,
    unit_ids: Sequence[uuid.UUID] | None = None,
    received_from: date | None = None,
    received_to: date | None = None,
) -> Select[uuid.UUID]:
    """The ids of persons with a reception matching every filter given, as a subquery for
    the people list (`person_id IN (…)`); `unit_ids` empty matches nobody."""
    query = select(ReceptionEvent.person_id)
    if classification:
        query = query.where(ReceptionEvent.classification == classification)
    if site_id is not None:
        query = query.where(ReceptionEvent.site_id == site_id)
    if unit_ids is not None:
        query = query.where(ReceptionEvent.origin_unit_id.in_(list(unit_ids)))
    if received_from is not None:
        query = query.where(ReceptionEvent.received_on >= received_from)
    if received_to is not None:
        query = query.where(ReceptionEvent.received_on <= received_to)
    return query


def origin_units(session: Session, organisation_id: uuid.UUID) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(person, unit) of every reception of the organisation with a known unit, oldest first."""
    rows = session.execute(
        select(ReceptionEvent.person_id, ReceptionEvent.origin_unit_id)
        .where(
            ReceptionEvent.organisation_id == organisation_id,
            ReceptionEvent.origin_unit_id.is_not(None),
        )
        .order_by(*_CHRONOLOGY)
    ).all()
    return [(person_id, unit_id) for person_id, unit_id in rows if unit_id is not None]


# --- lists for the actor (scoped) -----------------------------------------------------------


def recent(session: Session, actor: Actor, limit: int = 20) -> Sequence[ReceptionEvent]:
    return session.scalars(
        Receptions(session).readable(actor).order_by(ReceptionEvent.created_at.desc()).limit(limit)
    ).all()


def counts_by_classification(session: Session, actor: Actor) -> dict[str, int]:
    readable = Receptions(session).readable(actor).whereclause
    query = select(ReceptionEvent.classification, func.count())
    if readable is not None:
        query = query.where(readable)
    rows = session.execute(query.group_by(ReceptionEvent.classification)).all()
    return {str(k): int(v) for k, v in rows}


def children_awaiting_handover(
    session: Session, actor: Actor, *, limit: int | None = None, offset: int = 0
) -> Sequence[ReceptionEvent]:
    """The children the actor may see who are not yet handed over, the most urgent (the
    earliest due) first; `limit`/`offset` give one page of them."""
    query = (
        _awaiting_handover(session, actor)
        .order_by(ReceptionEvent.child_protection_due_at, ReceptionEvent.id)
        .offset(offset)
    )
    return session.scalars(query if limit is None else query.limit(limit)).all()


def children_awaiting_handover_page(
    session: Session, actor: Actor, *, limit: int, offset: int = 0
) -> tuple[Sequence[ReceptionEvent], int]:
    """One page of the children awaiting handover (most urgent first) and how many there
    are in all, counted by the database (a programme can hold thousands)."""
    total = session.scalar(
        select(func.count()).select_from(_awaiting_handover(session, actor).subquery())
    )
    rows = children_awaiting_handover(session, actor, limit=limit, offset=offset)
    return rows, int(total or 0)


def _awaiting_handover(session: Session, actor: Actor) -> Select[ReceptionEvent]:
    return (
        Receptions(session)
        .readable(actor)
        .where(
            ReceptionEvent.classification == CHILD,
            ReceptionEvent.child_protection_handed_over_at.is_(None),
        )
    )


def erase_person(session: Session, person_id: uuid.UUID) -> None:
    """Erasure: the reception events stay for aggregate statistics (classification, date,
    site, unit, rank); the free text written about the person goes."""
    session.execute(
        update(ReceptionEvent)
        .where(ReceptionEvent.person_id == person_id)
        .values(position=None, origin_unit_text=None),
        execution_options={"synchronize_session": "fetch"},
    )
    # Corrections stay as a count of what was corrected when; their values and reasons go.
    session.execute(
        update(ReceptionCorrection)
        .where(ReceptionCorrection.person_id == person_id)
        .values(blanked(ReceptionCorrection)),
        execution_options={"synchronize_session": "fetch"},
    )


# --- dashboard figures (counted by the database, whatever the number of people) ------------


def arrivals_in_windows(session: Session, actor: Actor, edges: Sequence[date]) -> list[int]:
    """Receptions in each window of days `[edges[i], edges[i+1])`, in the actor's scope."""
    repo = Receptions(session)
    return repo.count_windows(repo.readable(actor), ReceptionEvent.received_on, edges)


def child_handovers_in_windows(
    session: Session, actor: Actor, edges: Sequence[datetime]
) -> list[int]:
    """Children not yet handed over to child protection, by when their 48 hours end."""
    repo = Receptions(session)
    waiting = repo.readable(actor).where(
        ReceptionEvent.classification == CHILD,
        ReceptionEvent.child_protection_handed_over_at.is_(None),
    )
    return repo.count_windows(waiting, ReceptionEvent.child_protection_due_at, edges)


def imported_submissions(
    session: Session, organisation_id: uuid.UUID | None, ids: Iterable[uuid.UUID]
) -> set[uuid.UUID]:
    """Which of these KoBo/ODK submissions (by their instanceID's uuid) the organisation has
    imported already: each one imported is kept as an audit event (`submission.imported`)."""
    wanted = list(dict.fromkeys(ids))
    found: set[uuid.UUID] = set()
    for start in range(0, len(wanted), BATCH):
        found.update(
            subject_id
            for subject_id in session.scalars(
                select(AuditEvent.subject_id).where(
                    AuditEvent.action == AuditAction.SUBMISSION_IMPORTED.value,
                    AuditEvent.organisation_id == organisation_id,
                    AuditEvent.subject_id.in_(wanted[start : start + BATCH]),
                )
            )
            if subject_id is not None
        )
    return found


# --- report figures (issue 25: haven.reports, counted by the database) ---------------------

# The age bands of the arrivals report: the age in the year of reception (the birth year is
# often all that is known), "unknown" without one.
AGE_BANDS = ("0-17", "18-24", "25-34", "35-49", "50+", "unknown")


def _arrival_dimension(session: Session, name: str) -> ColumnElement[str]:
    if name == "week":  # the Monday of the reception's ISO week, as YYYY-MM-DD
        if session.get_bind().dialect.name == "postgresql":
            return func.to_char(func.date_trunc("week", ReceptionEvent.received_on), "YYYY-MM-DD")
        return func.date(ReceptionEvent.received_on, "weekday 0", "-6 days")
    if name == "classification":
        return ReceptionEvent.classification.expression
    if name == "sex":
        return Person.sex.expression
    if name == "age":
        age = extract("year", ReceptionEvent.received_on) - Person.birth_year
        return case(
            (Person.birth_year.is_(None), "unknown"),
            (age < 18, "0-17"),
            (age < 25, "18-24"),
            (age < 35, "25-34"),
            (age < 50, "35-49"),
            else_="50+",
        )
    if name == "township":
        return func.coalesce(Site.township, "")
    if name == "force":
        return func.coalesce(Force.name, "")
    raise ValueError(name)


def arrival_counts(
    session: Session,
    actor: Actor,
    first: str,
    second: str,
    *,
    start: date,
    end: date,
    agreement_id: uuid.UUID | None = None,
    site_id: uuid.UUID | None = None,
) -> list[tuple[str, str, int]]:
    """Receptions in the actor's scope received from `start` to `end` (both included), counted
    by two dimensions (week, classification, sex, age, township of the reception site, force
    of origin): `(first value, second value, count)`, one query."""
    one = _arrival_dimension(session, first)
    two = _arrival_dimension(session, second)
    query = select(one, two, func.count()).select_from(ReceptionEvent)
    # Only the tables the two dimensions read: a join to the persons costs a pass over them.
    dimensions = {first, second}
    if dimensions & {"sex", "age"}:
        query = query.join(Person, Person.id == ReceptionEvent.person_id)
    if "township" in dimensions:
        query = query.outerjoin(Site, Site.id == ReceptionEvent.site_id)
    if "force" in dimensions:
        query = query.outerjoin(Force, Force.id == ReceptionEvent.origin_force_id)
    query = query.where(ReceptionEvent.received_on >= start, ReceptionEvent.received_on <= end)
    readable = Receptions(session).readable(actor).whereclause
    if readable is not None:
        query = query.where(readable)
    if agreement_id is not None:
        query = query.where(ReceptionEvent.agreement_id == agreement_id)
    if site_id is not None:
        query = query.where(ReceptionEvent.site_id == site_id)
    rows = session.execute(query.group_by(one, two)).all()
    return [(str(a), str(b), int(n)) for a, b, n in rows]


def force_names_my(session: Session) -> dict[str, str]:
    """The Burmese name of each force that has one, by its (English) name: the labels of the
    arrivals report's forces in Burmese."""
    rows = session.execute(select(Force.name, Force.name_my).where(Force.name_my.is_not(None)))
    return {str(name): str(name_my) for name, name_my in rows}
