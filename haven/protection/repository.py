"""Every query of the protection domain, scoped to the actor where a list is read."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import ClassVar

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from haven.kernel.repository import Repository
from haven.people.public import FamilyMember, Person
from haven.protection.models import (
    Incident,
    IncidentAction,
    IncidentCase,
    IncidentMove,
    IncidentPerson,
    RiskChange,
)
from haven.security.permissions import Actor, visible_to


class Incidents(Repository[Incident]):
    model = Incident
    site_column: ClassVar[str | None] = None


def incident_page(
    session: Session,
    actor: Actor,
    *,
    kind: str | None,
    state: str | None,
    severity: str | None,
    newest_first: bool,
    limit: int,
    offset: int,
) -> tuple[Sequence[Incident], int]:
    """One page of the actor's organisation's incidents, filtered, and how many there are."""
    query = select(Incident).where(visible_to(actor, Incident, site_column=None))
    if kind:
        query = query.where(Incident.kind == kind)
    if state:
        query = query.where(Incident.state == state)
    if severity:
        query = query.where(Incident.severity == severity)
    total = session.scalar(query.with_only_columns(func.count()).order_by(None)) or 0
    order = (
        (Incident.occurred_on.desc(), Incident.id.desc())
        if newest_first
        else (Incident.occurred_on, Incident.id)
    )
    rows = session.scalars(query.order_by(*order).limit(limit).offset(offset)).all()
    return rows, int(total)


def reference_taken(session: Session, reference: str) -> bool:
    return session.scalar(select(Incident.id).where(Incident.reference == reference)) is not None


def touched(session: Session, incident_id: uuid.UUID) -> Sequence[IncidentPerson]:
    return session.scalars(
        select(IncidentPerson)
        .where(IncidentPerson.incident_id == incident_id)
        .order_by(IncidentPerson.created_at, IncidentPerson.id)
    ).all()


def cases_of(session: Session, incident_id: uuid.UUID) -> list[uuid.UUID]:
    return list(
        session.scalars(
            select(IncidentCase.case_id)
            .where(IncidentCase.incident_id == incident_id)
            .order_by(IncidentCase.created_at, IncidentCase.id)
        )
    )


def actions_of(session: Session, incident_id: uuid.UUID) -> Sequence[IncidentAction]:
    return session.scalars(
        select(IncidentAction)
        .where(IncidentAction.incident_id == incident_id)
        .order_by(IncidentAction.taken_on, IncidentAction.created_at)
    ).all()


def moves_of(session: Session, incident_id: uuid.UUID) -> Sequence[IncidentMove]:
    return session.scalars(
        select(IncidentMove)
        .where(IncidentMove.incident_id == incident_id)
        .order_by(IncidentMove.moved_at, IncidentMove.id)
    ).all()


def incidents_of_person(session: Session, actor: Actor, person_id: uuid.UUID) -> Sequence[Incident]:
    """The incidents touching a person that the actor may see, newest first."""
    return session.scalars(
        select(Incident)
        .join(IncidentPerson, IncidentPerson.incident_id == Incident.id)
        .where(
            IncidentPerson.person_id == person_id,
            visible_to(actor, Incident, site_column=None),
        )
        .order_by(Incident.occurred_on.desc(), Incident.id.desc())
        .limit(100)
    ).all()


def risk_history(session: Session, person_id: uuid.UUID) -> Sequence[RiskChange]:
    return session.scalars(
        select(RiskChange)
        .where(RiskChange.person_id == person_id)
        .order_by(RiskChange.created_at.desc(), RiskChange.id.desc())
        .limit(100)
    ).all()


def relatives_of(session: Session, person_ids: Collection[uuid.UUID]) -> Sequence[FamilyMember]:
    if not person_ids:
        return []
    return session.scalars(
        select(FamilyMember)
        .where(FamilyMember.person_id.in_(list(person_ids)))
        .order_by(FamilyMember.person_id, FamilyMember.created_at)
    ).all()


def family_member(session: Session, member_id: uuid.UUID) -> FamilyMember | None:
    return session.get(FamilyMember, member_id)


def persons_for_update(session: Session, person_ids: Collection[uuid.UUID]) -> Sequence[Person]:
    """The persons whose risk is about to be raised, in a stable order (no deadlock between
    two incidents raising the same people)."""
    if not person_ids:
        return []
    return session.scalars(
        select(Person).where(Person.id.in_(sorted(person_ids, key=str))).order_by(Person.id)
    ).all()


# --- erasure --------------------------------------------------------------------------------


def erase_person(session: Session, person_id: uuid.UUID, case_ids: Collection[uuid.UUID]) -> None:
    """The person's links and risk history go; an incident that concerned them alone loses
    its account (place, narrative, actions, reasons: they may name them); the relative link
    to one of their family goes."""
    incident_ids = set(
        session.scalars(
            select(IncidentPerson.incident_id).where(IncidentPerson.person_id == person_id)
        )
    )
    session.execute(delete(IncidentPerson).where(IncidentPerson.person_id == person_id))
    if case_ids:
        session.execute(delete(IncidentCase).where(IncidentCase.case_id.in_(list(case_ids))))
    session.execute(delete(RiskChange).where(RiskChange.person_id == person_id))
    relatives = select(FamilyMember.id).where(FamilyMember.person_id == person_id)
    session.execute(
        update(Incident)
        .where(Incident.relative_id.in_(relatives))
        .values(relative_id=None)
        .execution_options(synchronize_session=False)
    )
    if not incident_ids:
        return
    still = set(
        session.scalars(
            select(IncidentPerson.incident_id).where(
                IncidentPerson.incident_id.in_(list(incident_ids))
            )
        )
    )
    alone = sorted(incident_ids - still, key=str)
    if not alone:
        return
    session.execute(
        update(Incident)
        .where(Incident.id.in_(alone))
        .values(place_ct=None, narrative_ct=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(IncidentAction)
        .where(IncidentAction.incident_id.in_(alone))
        .values(text_ct=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(IncidentMove)
        .where(IncidentMove.incident_id.in_(alone))
        .values(reason_ct=None)
        .execution_options(synchronize_session=False)
    )
