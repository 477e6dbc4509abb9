"""Every query of the prisoner-of-war registry.

Scoping to what an actor may see goes through `Repository.readable(actor)`; the registry
list and the board read POW records across the organisation's sites (`site_column=None`),
while a single record is checked with the record's own site (`get_for`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import ColumnElement, and_, func, select, update
from sqlalchemy import case as when
from sqlalchemy.orm import Session

from haven.kernel.erasure import blanked
from haven.kernel.repository import Repository
from haven.people.public import live_person_ids
from haven.pow.lifecycle import PowStatus
from haven.pow.models import (
    CaptureCard,
    Correspondence,
    IcrcVisit,
    MedicalInspection,
    PayRate,
    PersonalEffect,
    PowDeath,
    PowNotice,
    PowPlace,
    PowRecord,
    PowRelease,
    PowTransfer,
    RiskAssessment,
    TracingConsent,
    VoluntarinessCheck,
)
from haven.reception.public import ReceptionEvent
from haven.security.permissions import Actor, visible_to


class Records(Repository[PowRecord]):
    model = PowRecord
    site_column = None


class Places(Repository[PowPlace]):
    model = PowPlace


class Cards(Repository[CaptureCard]):
    model = CaptureCard


class Effects(Repository[PersonalEffect]):
    model = PersonalEffect


class Deaths(Repository[PowDeath]):
    model = PowDeath


class Checks(Repository[VoluntarinessCheck]):
    model = VoluntarinessCheck


class Rates(Repository[PayRate]):
    model = PayRate


class Notices(Repository[PowNotice]):
    model = PowNotice


class Visits(Repository[IcrcVisit]):
    model = IcrcVisit


class Assessments(Repository[RiskAssessment]):
    model = RiskAssessment


class Consents(Repository[TracingConsent]):
    model = TracingConsent


def record_of_person(session: Session, person_id: uuid.UUID) -> PowRecord | None:
    return session.scalar(select(PowRecord).where(PowRecord.person_id == person_id))


def records_of_persons(
    session: Session, person_ids: Iterable[uuid.UUID | None]
) -> dict[uuid.UUID, PowRecord]:
    """The prisoner-of-war record of each person who has one, batched."""
    return Records(session).many_by(PowRecord.person_id, person_ids)


def live_records_after(
    session: Session, after: uuid.UUID | None, limit: int
) -> Sequence[PowRecord]:
    """At most `limit` records of persons not erased, by id, after the id `after` (batches for
    recomputing derived values, `haven.kernel.reindexing`)."""
    query = select(PowRecord).where(PowRecord.person_id.in_(live_person_ids()))
    if after is not None:
        query = query.where(PowRecord.id > after)
    return session.scalars(query.order_by(PowRecord.id).limit(limit)).all()


def record_by_id(session: Session, pow_id: uuid.UUID) -> PowRecord | None:
    return Records(session).get(pow_id)


def records_by_id(session: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, PowRecord]:
    return Records(session).many(ids)


def prisoner_number_taken(session: Session, organisation_id: uuid.UUID, number: str) -> bool:
    found = session.scalar(
        select(PowRecord.id).where(
            PowRecord.organisation_id == organisation_id, PowRecord.prisoner_number == number
        )
    )
    return found is not None


def places_by_id(session: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, PowPlace]:
    return Places(session).many(ids)


def place_by_id(session: Session, place_id: uuid.UUID) -> PowPlace | None:
    return Places(session).get(place_id)


def records(session: Session, actor: Actor, *, limit: int = 500) -> Sequence[PowRecord]:
    repo = Records(session)
    return repo.all(
        repo.readable(actor).order_by(PowRecord.captured_on.desc(), PowRecord.id).limit(limit)
    )


def overdue_inspections(
    session: Session, actor: Actor, *, since: date, limit: int
) -> tuple[list[tuple[uuid.UUID, date, date | None]], int]:
    """The interned prisoners the actor may see whose last inspection (or capture, if never
    inspected) was on `since` or before — overdue (`deadlines.latest_overdue_since`): the
    `limit` most overdue as (record id, captured on, last inspected on), and how many in all.
    Selected, counted and ordered by the database: no record is loaded or decrypted."""
    last = (
        select(
            MedicalInspection.pow_id.label("pow_id"),
            func.max(MedicalInspection.inspected_on).label("last"),
        )
        .where(visible_to(actor, MedicalInspection))
        .group_by(MedicalInspection.pow_id)
        .subquery()
    )
    base = func.coalesce(last.c.last, PowRecord.captured_on)
    overdue = (
        Records(session)
        .readable(actor)
        .where(PowRecord.status == str(PowStatus.INTERNED))
        .outerjoin(last, last.c.pow_id == PowRecord.id)
        .where(base <= since)
    )
    total = session.scalar(
        select(func.count()).select_from(overdue.with_only_columns(PowRecord.id).subquery())
    )
    rows = session.execute(
        overdue.with_only_columns(PowRecord.id, PowRecord.captured_on, last.c.last)
        .order_by(base, PowRecord.id)
        .limit(limit)
    ).all()
    return [(row[0], row[1], row[2]) for row in rows], int(total or 0)


def records_page(
    session: Session, actor: Actor, *, limit: int, offset: int = 0
) -> tuple[Sequence[PowRecord], int]:
    """One page of the records the actor may see, the latest captured first, and how many
    there are in all (counted by the database)."""
    repo = Records(session)
    readable = repo.readable(actor)
    total = session.scalar(select(func.count()).select_from(readable.subquery()))
    rows = repo.all(
        readable.order_by(PowRecord.captured_on.desc(), PowRecord.id).limit(limit).offset(offset)
    )
    return rows, int(total or 0)


def _unregistered(actor: Actor, classifications: Sequence[str]) -> list[ColumnElement[bool]]:
    return [
        visible_to(actor, ReceptionEvent),
        ReceptionEvent.classification.in_(classifications),
        ReceptionEvent.person_id.not_in(select(PowRecord.person_id)),
    ]


def unregistered_prisoners(
    session: Session,
    actor: Actor,
    classifications: Sequence[str],
    *,
    limit: int = 25,
    offset: int = 0,
    person_ids: Iterable[uuid.UUID] | None = None,
) -> tuple[Sequence[ReceptionEvent], int]:
    """Reception events of prisoners that have no POW record yet, newest first, a page of
    them and how many there are (`person_ids`: only these persons')."""
    where = _unregistered(actor, classifications)
    if person_ids is not None:
        where.append(ReceptionEvent.person_id.in_(list(person_ids)))
    total = session.scalar(select(func.count()).select_from(ReceptionEvent).where(*where)) or 0
    rows = session.scalars(
        select(ReceptionEvent)
        .where(*where)
        .order_by(ReceptionEvent.received_on.desc(), ReceptionEvent.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return rows, total


def places(session: Session, actor: Actor) -> Sequence[PowPlace]:
    repo = Places(session)
    return repo.all(repo.readable(actor).order_by(PowPlace.name))


def cards_of(session: Session, pow_id: uuid.UUID) -> Sequence[CaptureCard]:
    return session.scalars(
        select(CaptureCard).where(CaptureCard.pow_id == pow_id).order_by(CaptureCard.due_on)
    ).all()


def open_cards(session: Session, pow_id: uuid.UUID) -> Sequence[CaptureCard]:
    return session.scalars(
        select(CaptureCard).where(
            CaptureCard.pow_id == pow_id,
            CaptureCard.sent_on.is_(None),
            CaptureCard.superseded_at.is_(None),
        )
    ).all()


def board_cards(session: Session, actor: Actor) -> Sequence[CaptureCard]:
    """Every card not superseded, of the actor's organisation."""
    return session.scalars(
        select(CaptureCard)
        .where(visible_to(actor, CaptureCard), CaptureCard.superseded_at.is_(None))
        .order_by(CaptureCard.due_on)
    ).all()


def transfers_of(session: Session, pow_id: uuid.UUID) -> Sequence[PowTransfer]:
    return session.scalars(
        select(PowTransfer).where(PowTransfer.pow_id == pow_id).order_by(PowTransfer.moved_on)
    ).all()


def inspections_of(session: Session, pow_id: uuid.UUID) -> Sequence[MedicalInspection]:
    return session.scalars(
        select(MedicalInspection)
        .where(MedicalInspection.pow_id == pow_id)
        .order_by(MedicalInspection.inspected_on.desc())
    ).all()


def last_inspections(session: Session, actor: Actor) -> dict[uuid.UUID, date]:
    rows = session.execute(
        select(MedicalInspection.pow_id, func.max(MedicalInspection.inspected_on))
        .where(visible_to(actor, MedicalInspection))
        .group_by(MedicalInspection.pow_id)
    ).all()
    return {row[0]: row[1] for row in rows}


def effects_of(session: Session, pow_id: uuid.UUID) -> Sequence[PersonalEffect]:
    return session.scalars(
        select(PersonalEffect)
        .where(PersonalEffect.pow_id == pow_id)
        .order_by(PersonalEffect.taken_on)
    ).all()


def correspondence_of(session: Session, pow_id: uuid.UUID) -> Sequence[Correspondence]:
    return session.scalars(
        select(Correspondence)
        .where(Correspondence.pow_id == pow_id)
        .order_by(Correspondence.exchanged_on.desc())
    ).all()


def visits(session: Session, actor: Actor, *, limit: int = 50) -> Sequence[IcrcVisit]:
    return session.scalars(
        select(IcrcVisit)
        .where(visible_to(actor, IcrcVisit))
        .order_by(IcrcVisit.visited_on.desc())
        .limit(limit)
    ).all()


def pay_rates(session: Session, organisation_id: uuid.UUID) -> Sequence[PayRate]:
    return session.scalars(
        select(PayRate).where(PayRate.organisation_id == organisation_id).order_by(PayRate.position)
    ).all()


def death_of(session: Session, pow_id: uuid.UUID) -> PowDeath | None:
    return session.scalar(select(PowDeath).where(PowDeath.pow_id == pow_id))


def releases_of(session: Session, pow_id: uuid.UUID) -> Sequence[PowRelease]:
    return session.scalars(select(PowRelease).where(PowRelease.pow_id == pow_id)).all()


def checks_of(session: Session, pow_id: uuid.UUID) -> Sequence[VoluntarinessCheck]:
    return session.scalars(
        select(VoluntarinessCheck)
        .where(VoluntarinessCheck.pow_id == pow_id)
        .order_by(VoluntarinessCheck.created_at)
    ).all()


def latest_check_of_person(
    session: Session, person_id: uuid.UUID, *, completed: bool = False
) -> VoluntarinessCheck | None:
    """The person's latest check by interview date (then by when it was recorded); with
    `completed`, the latest complete one."""
    query = select(VoluntarinessCheck).where(VoluntarinessCheck.person_id == person_id)
    if completed:
        query = query.where(VoluntarinessCheck.completed_at.is_not(None))
    return session.scalars(
        query.order_by(
            VoluntarinessCheck.interviewed_on.desc(), VoluntarinessCheck.created_at.desc()
        ).limit(1)
    ).first()


def visit_by_id(session: Session, visit_id: uuid.UUID) -> IcrcVisit | None:
    return Visits(session).get(visit_id)


def notices_of(session: Session, pow_id: uuid.UUID) -> Sequence[PowNotice]:
    return session.scalars(
        select(PowNotice).where(PowNotice.pow_id == pow_id).order_by(PowNotice.occurred_on)
    ).all()


def notice_by_id(session: Session, notice_id: uuid.UUID) -> PowNotice | None:
    return Notices(session).get(notice_id)


def unsent_notices_of(session: Session, pow_id: uuid.UUID) -> Sequence[PowNotice]:
    """The prisoner's notices that have neither left nor been withheld."""
    return session.scalars(
        select(PowNotice).where(
            PowNotice.pow_id == pow_id,
            PowNotice.exported_at.is_(None),
            PowNotice.withheld_at.is_(None),
        )
    ).all()


def pending_notices(session: Session, actor: Actor) -> Sequence[PowNotice]:
    """Notices waiting to leave: never a withheld one (docs/pow.md, tracing notices)."""
    return session.scalars(
        select(PowNotice)
        .where(
            visible_to(actor, PowNotice),
            PowNotice.exported_at.is_(None),
            PowNotice.withheld_at.is_(None),
        )
        .order_by(PowNotice.occurred_on, PowNotice.id)
    ).all()


def assessments_of(session: Session, pow_id: uuid.UUID) -> Sequence[RiskAssessment]:
    return session.scalars(
        select(RiskAssessment)
        .where(RiskAssessment.pow_id == pow_id)
        .order_by(RiskAssessment.assessed_on, RiskAssessment.created_at)
    ).all()


def consents_of(session: Session, pow_id: uuid.UUID) -> Sequence[TracingConsent]:
    return session.scalars(
        select(TracingConsent)
        .where(TracingConsent.pow_id == pow_id)
        .order_by(TracingConsent.created_at)
    ).all()


def current_consent(session: Session, pow_id: uuid.UUID) -> TracingConsent | None:
    return session.scalars(
        select(TracingConsent).where(
            TracingConsent.pow_id == pow_id, TracingConsent.superseded_at.is_(None)
        )
    ).first()


def seriously_ill(session: Session, actor: Actor) -> Sequence[PowRecord]:
    repo = Records(session)
    return repo.all(
        repo.readable(actor).where(
            PowRecord.seriously_ill.is_(True), PowRecord.status == str(PowStatus.INTERNED)
        )
    )


def has_places(session: Session, organisation_id: uuid.UUID) -> bool:
    """Whether the organisation has any place of internment (the demo seeds once)."""
    found = session.scalar(
        select(PowPlace.id).where(PowPlace.organisation_id == organisation_id).limit(1)
    )
    return found is not None


def erase_person(session: Session, person_id: uuid.UUID) -> None:
    """Erasure: the record stays (the registry must account for every prisoner it held);
    the Art. 17 and Art. 122 items, the cause of death, medical findings, the statement of
    the voluntariness check and who was present, and the notes of risk assessments go."""
    for model in (PowRecord, PowDeath, MedicalInspection, VoluntarinessCheck, RiskAssessment):
        session.execute(
            update(model).where(model.person_id == person_id).values(blanked(model)),
            execution_options={"synchronize_session": "fetch"},
        )


# --- dashboard figures (counted by the database) ------------------------------------------


def cards_due_in_windows(session: Session, actor: Actor, edges: Sequence[date]) -> list[int]:
    """Capture cards not sent yet (Art. 70), by the last day on which sending is on time."""
    repo = Cards(session)
    unsent = repo.readable(actor).where(
        CaptureCard.sent_on.is_(None), CaptureCard.superseded_at.is_(None)
    )
    return repo.count_windows(unsent, CaptureCard.due_on, edges)


# --- programme reports (issue 25, docs/reports.md): counted by the database ---------------


def card_compliance(
    session: Session, actor: Actor, start: date, end: date, today: date
) -> list[tuple[str, str, int]]:
    """(occasion, standing, count) of the capture cards (Art. 70) whose occasion fell on a
    day in `[start, end)`: `on_time` (sent by the due day), `late` (sent after it), `overdue`
    (unsent after it) or `not_due` (unsent, still on time `today`). A card superseded by a
    newer occasion before it was sent is not owed any more, and not counted."""
    standing = when(
        (
            and_(CaptureCard.sent_on.is_not(None), CaptureCard.sent_on <= CaptureCard.due_on),
            "on_time",
        ),
        (CaptureCard.sent_on.is_not(None), "late"),
        (CaptureCard.due_on < today, "overdue"),
        else_="not_due",
    ).label("standing")
    inner = (
        select(CaptureCard.occasion.label("occasion"), standing)
        .where(
            visible_to(actor, CaptureCard),
            CaptureCard.superseded_at.is_(None),
            CaptureCard.occasion_on >= start,
            CaptureCard.occasion_on < end,
        )
        .subquery()
    )
    rows = session.execute(
        select(inner.c.occasion, inner.c.standing, func.count()).group_by(
            inner.c.occasion, inner.c.standing
        )
    ).all()
    return [(str(occasion), str(standing), int(count)) for occasion, standing, count in rows]


def notice_compliance(
    session: Session, actor: Actor, start: date, end: date
) -> list[tuple[str, str, int]]:
    """(kind, standing, count) of the Information Bureau notices (Art. 122) of events on a
    day in `[start, end)`: `sent` (left in a signed file), `withheld` (never to leave: a
    prisoner who changed sides) or `waiting`."""
    standing = when(
        (PowNotice.exported_at.is_not(None), "sent"),
        (PowNotice.withheld_at.is_not(None), "withheld"),
        else_="waiting",
    ).label("standing")
    inner = (
        select(PowNotice.kind.label("kind"), standing)
        .where(
            visible_to(actor, PowNotice),
            PowNotice.occurred_on >= start,
            PowNotice.occurred_on < end,
        )
        .subquery()
    )
    rows = session.execute(
        select(inner.c.kind, inner.c.standing, func.count()).group_by(
            inner.c.kind, inner.c.standing
        )
    ).all()
    return [(str(kind), str(standing), int(count)) for kind, standing, count in rows]


def visits_by_place(
    session: Session, actor: Actor, start: date, end: date
) -> list[tuple[str, int, int, int]]:
    """(place, visits, private interviews, prisoners interned there now) per place of
    internment of the actor's organisation (Art. 126), visits on a day in `[start, end)`;
    a place nobody visited is listed with 0 visits."""
    visits = (
        select(
            IcrcVisit.place_id.label("place_id"),
            func.count().label("visits"),
            func.sum(IcrcVisit.private_interviews).label("interviews"),
        )
        .where(
            visible_to(actor, IcrcVisit, site_column=None),
            IcrcVisit.visited_on >= start,
            IcrcVisit.visited_on < end,
        )
        .group_by(IcrcVisit.place_id)
        .subquery()
    )
    interned = (
        select(PowRecord.place_id.label("place_id"), func.count().label("held"))
        .where(
            visible_to(actor, PowRecord, site_column=None),
            PowRecord.status == str(PowStatus.INTERNED),
        )
        .group_by(PowRecord.place_id)
        .subquery()
    )
    rows = session.execute(
        select(
            PowPlace.name,
            func.coalesce(visits.c.visits, 0),
            func.coalesce(visits.c.interviews, 0),
            func.coalesce(interned.c.held, 0),
        )
        .outerjoin(visits, visits.c.place_id == PowPlace.id)
        .outerjoin(interned, interned.c.place_id == PowPlace.id)
        .where(visible_to(actor, PowPlace, site_column=None))
        .order_by(PowPlace.name)
    ).all()
    return [(str(name), int(v), int(i), int(h)) for name, v, i, h in rows]
