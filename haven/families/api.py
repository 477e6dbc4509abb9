"""JSON endpoints of family-movement plans (`/api/families`)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from haven.families import service
from haven.families.schemas import (
    MovedIn,
    PlanIn,
    PlanOut,
    PlanSummary,
    PlanUpdate,
    RelativeOut,
    StatusIn,
    StepDoneIn,
    StepIn,
    StepOut,
)
from haven.families.service import PlanView, is_overdue
from haven.kernel import clock
from haven.web.deps import DB, ApiActor

router = APIRouter(prefix="/api/families", tags=["families"])


def plan_out(view: PlanView) -> PlanOut:
    plan, today = view.plan, clock.local_today()
    relatives = [
        RelativeOut(
            id=m.family_member_id,
            person_id=view.relatives[m.family_member_id].person_id,
            relationship=view.relatives[m.family_member_id].relationship,
            name=view.relatives[m.family_member_id].name,
            area=view.relatives[m.family_member_id].area,
            at_risk=view.relatives[m.family_member_id].at_risk,
            moved_at=m.moved_at,
        )
        for m in view.members
        if m.family_member_id in view.relatives
    ]
    steps = [
        StepOut.model_validate(s).model_copy(update={"overdue": is_overdue(s, today)})
        for s in view.steps
    ]
    return PlanOut(
        id=plan.id,
        person_id=plan.person_id,
        agreement_id=plan.agreement_id,
        status=plan.status,
        status_reason=plan.status_reason,
        origin_kind=plan.origin_kind,
        origin=plan.origin,
        destination=plan.destination,
        unnamed_relatives=plan.unnamed_relatives,
        erased_relatives=plan.erased_relatives,
        relatives=relatives,
        steps=steps,
        progress=view.progress,
        created_at=plan.created_at,
        masked_fields=plan.masked_fields,
    )


def _summary(view: PlanView) -> PlanSummary:
    plan = view.plan
    return PlanSummary(
        id=plan.id,
        person_id=plan.person_id,
        agreement_id=plan.agreement_id,
        status=plan.status,
        origin_kind=plan.origin_kind,
        progress=view.progress,
        created_at=plan.created_at,
    )


@router.get("/plans")
def list_plans(
    session: DB,
    actor: ApiActor,
    person_id: uuid.UUID | None = None,
    agreement_id: uuid.UUID | None = None,
) -> list[PlanSummary]:
    """Every movement plan the caller may see, newest first, with its progress (relatives
    moved, steps done, overdue steps); no place and no relative's name."""
    views = service.list_plans(session, actor, person_id=person_id, agreement_id=agreement_id)
    return [_summary(v) for v in views]


@router.post("/plans", status_code=201)
def create_plan(data: PlanIn, session: DB, actor: ApiActor) -> PlanOut:
    """A plan to move one person's relatives, or the relatives of the people received under
    an agreement, from a military compound or a village to a safe place."""
    plan = service.create_plan(session, actor, data)
    return plan_out(service.get_plan(session, actor, plan.id))


@router.get("/plans/{plan_id}")
def get_plan(plan_id: uuid.UUID, session: DB, actor: ApiActor) -> PlanOut:
    """A plan with its relatives, steps and progress (the read is audited)."""
    return plan_out(service.get_plan(session, actor, plan_id))


@router.patch("/plans/{plan_id}")
def update_plan(plan_id: uuid.UUID, data: PlanUpdate, session: DB, actor: ApiActor) -> PlanOut:
    """Correct an open plan: only the fields sent change; `relative_ids` replaces the list
    (relatives already moved stay)."""
    service.update_plan(session, actor, plan_id, data)
    return plan_out(service.get_plan(session, actor, plan_id))


@router.post("/plans/{plan_id}/status")
def move_plan(plan_id: uuid.UUID, data: StatusIn, session: DB, actor: ApiActor) -> PlanOut:
    """Planned → under way → completed; suspended or cancelled with a reason. An illegal
    move answers 409."""
    service.move_plan(session, actor, plan_id, data)
    return plan_out(service.get_plan(session, actor, plan_id))


@router.post("/plans/{plan_id}/steps", status_code=201)
def add_step(plan_id: uuid.UUID, data: StepIn, session: DB, actor: ApiActor) -> StepOut:
    """A step at the end of the plan, with its planned date and who is responsible."""
    step = service.add_step(session, actor, plan_id, data)
    return StepOut.model_validate(step)


@router.post("/plans/{plan_id}/steps/{step_id}/done")
def mark_step_done(
    plan_id: uuid.UUID, step_id: uuid.UUID, data: StepDoneIn, session: DB, actor: ApiActor
) -> StepOut:
    """Record a step done (today unless a past date is given); a step is done once."""
    return StepOut.model_validate(service.mark_step_done(session, actor, plan_id, step_id, data))


@router.post("/plans/{plan_id}/moved")
def mark_moved(plan_id: uuid.UUID, data: MovedIn, session: DB, actor: ApiActor) -> PlanOut:
    """Record relatives of the plan as having reached the safe place."""
    service.mark_moved(session, actor, plan_id, data)
    return plan_out(service.get_plan(session, actor, plan_id))
