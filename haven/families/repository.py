"""Every query about family-movement plans, their relatives and steps."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from haven.families.models import FamilyPlan, FamilyPlanMember, FamilyPlanStep
from haven.kernel.repository import Repository
from haven.security.permissions import Actor


class Plans(Repository[FamilyPlan]):
    model = FamilyPlan
    site_column = None


class Members(Repository[FamilyPlanMember]):
    model = FamilyPlanMember
    site_column = None


class Steps(Repository[FamilyPlanStep]):
    model = FamilyPlanStep
    site_column = None


def plan_by_id(session: Session, plan_id: uuid.UUID) -> FamilyPlan | None:
    return Plans(session).get(plan_id)


def visible_plans(
    session: Session,
    actor: Actor,
    *,
    person_id: uuid.UUID | None = None,
    agreement_id: uuid.UUID | None = None,
    limit: int = 500,
) -> Sequence[FamilyPlan]:
    """The plans the actor may see, newest first; of one person or agreement when given."""
    query = Plans(session).readable(actor)
    if person_id is not None:
        query = query.where(FamilyPlan.person_id == person_id)
    if agreement_id is not None:
        query = query.where(FamilyPlan.agreement_id == agreement_id)
    return session.scalars(query.order_by(FamilyPlan.created_at.desc()).limit(limit)).all()


def plans_of_agreement(session: Session, agreement_id: uuid.UUID) -> Sequence[FamilyPlan]:
    return session.scalars(
        select(FamilyPlan).where(FamilyPlan.agreement_id == agreement_id).order_by(FamilyPlan.id)
    ).all()


def members_by_plan(
    session: Session, plan_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[FamilyPlanMember]]:
    """Each plan's relatives, in the order they were added, batched."""
    groups = Members(session).grouped_by(FamilyPlanMember.plan_id, plan_ids)
    for members in groups.values():
        members.sort(key=lambda m: (m.created_at, m.id))
    return groups


def steps_by_plan(
    session: Session, plan_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[FamilyPlanStep]]:
    """Each plan's steps in their order, batched."""
    groups = Steps(session).grouped_by(FamilyPlanStep.plan_id, plan_ids)
    for steps in groups.values():
        steps.sort(key=lambda s: (s.position, s.id))
    return groups


def step_by_id(session: Session, step_id: uuid.UUID) -> FamilyPlanStep | None:
    return Steps(session).get(step_id)


def memberships_of_relatives(
    session: Session, member_ids: Iterable[uuid.UUID]
) -> Sequence[FamilyPlanMember]:
    """The plan rows of these relatives, in any plan (erasure)."""
    wanted = sorted(set(member_ids), key=str)
    if not wanted:
        return []
    return session.scalars(
        select(FamilyPlanMember).where(FamilyPlanMember.family_member_id.in_(wanted))
    ).all()


def plans_by_id(session: Session, plan_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, FamilyPlan]:
    return Plans(session).many(plan_ids)


def plan_ids_of_person(session: Session, person_id: uuid.UUID) -> list[uuid.UUID]:
    return list(session.scalars(select(FamilyPlan.id).where(FamilyPlan.person_id == person_id)))


def delete_plans(session: Session, plan_ids: Sequence[uuid.UUID]) -> None:
    """Erasure: the plans, their relatives' rows and steps (their key is destroyed already)."""
    if not plan_ids:
        return
    session.execute(delete(FamilyPlanMember).where(FamilyPlanMember.plan_id.in_(plan_ids)))
    session.execute(delete(FamilyPlanStep).where(FamilyPlanStep.plan_id.in_(plan_ids)))
    session.execute(delete(FamilyPlan).where(FamilyPlan.id.in_(plan_ids)))


def delete_memberships(session: Session, membership_ids: Sequence[uuid.UUID]) -> None:
    if membership_ids:
        session.execute(delete(FamilyPlanMember).where(FamilyPlanMember.id.in_(membership_ids)))
