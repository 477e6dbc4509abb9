"""Rules of family-movement plans (docs/families.md).

A plan moves the relatives of one person, or of the people received under one agreement,
from a military compound or a village to a safe place, in steps with planned and done dates
and someone responsible. Reading needs FAMILY_MOVE_READ, every change FAMILY_MOVE_WRITE;
plans of another organisation answer 404. Places, steps and reasons are encrypted under the
plan's key and never copied into the audit trail (only marked changed).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from haven.accounts import repository as accounts
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.types import utcnow
from haven.errors import Conflict, NotFound, ValidationFailed
from haven.families import repository
from haven.families.lifecycle import ACTIVE, NEEDS_REASON, OPEN, PLAN, PlanStatus
from haven.families.models import PLAN_KEYS, FamilyPlan, FamilyPlanMember, FamilyPlanStep
from haven.families.ports import agreement_people
from haven.families.schemas import (
    AgreementFamilies,
    MovedIn,
    PlanIn,
    PlanUpdate,
    Progress,
    StatusIn,
    StepDoneIn,
    StepIn,
)
from haven.i18n import N_
from haven.kernel import clock
from haven.people import public as people
from haven.security.permissions import Actor, Permission, in_scope, require

# The list shows at most this many plans, newest first (it says so when there are more).
LIST_LIMIT = 500
P = Permission


@dataclass(frozen=True)
class PlanView:
    """A plan with its relatives' rows, the relatives themselves, its steps and progress."""

    plan: FamilyPlan
    members: list[FamilyPlanMember]
    relatives: dict[uuid.UUID, people.FamilyMember]
    steps: list[FamilyPlanStep]
    progress: Progress


def is_overdue(step: FamilyPlanStep, today: date) -> bool:
    return step.done_on is None and step.planned_on is not None and step.planned_on < today


def progress_of(
    plan: FamilyPlan,
    members: Sequence[FamilyPlanMember],
    relatives: Mapping[uuid.UUID, people.FamilyMember],
    steps: Sequence[FamilyPlanStep],
    today: date,
) -> Progress:
    """Relatives moved of relatives in the plan (named, unnamed, erased people's), steps done
    of steps, overdue steps, and named relatives at risk not yet moved."""
    moved = sum(1 for m in members if m.moved_at is not None)
    at_risk = sum(
        1
        for m in members
        if m.moved_at is None
        and m.family_member_id in relatives
        and relatives[m.family_member_id].at_risk
    )
    return Progress(
        relatives=len(members) + plan.unnamed_relatives + plan.erased_relatives,
        moved=moved + plan.erased_moved,
        at_risk=at_risk,
        steps=len(steps),
        steps_done=sum(1 for s in steps if s.done_on is not None),
        overdue=sum(1 for s in steps if is_overdue(s, today)),
    )


def _views(session: Session, plans: Sequence[FamilyPlan]) -> list[PlanView]:
    """Views of many plans in a constant number of queries."""
    ids = [p.id for p in plans]
    members = repository.members_by_plan(session, ids)
    steps = repository.steps_by_plan(session, ids)
    relatives = people.relatives_by_id(
        session, [m.family_member_id for rows in members.values() for m in rows]
    )
    today = clock.local_today()
    return [
        PlanView(
            plan=p,
            members=members.get(p.id, []),
            relatives=relatives,
            steps=steps.get(p.id, []),
            progress=progress_of(p, members.get(p.id, []), relatives, steps.get(p.id, []), today),
        )
        for p in plans
    ]


def _plan(session: Session, actor: Actor, plan_id: uuid.UUID, permission: Permission) -> FamilyPlan:
    return repository.Plans(session).get_for(actor, plan_id, permission)


def _open_plan(session: Session, actor: Actor, plan_id: uuid.UUID) -> FamilyPlan:
    plan = _plan(session, actor, plan_id, P.FAMILY_MOVE_WRITE)
    if PlanStatus(plan.status) not in OPEN:
        raise Conflict(N_("This movement plan is closed: it can no longer be changed."))
    return plan


def _candidates(session: Session, actor: Actor, plan: FamilyPlan) -> set[uuid.UUID]:
    """The relatives a plan may move: the person's, or those of the people received under
    the agreement."""
    if plan.person_id is not None:
        person_ids: Iterable[uuid.UUID] = [plan.person_id]
    else:
        found = agreement_people(session, plan.agreement_id) if plan.agreement_id else None
        person_ids = found.person_ids if found is not None else []
    groups = people.family_by_person(session, person_ids)
    return {m.id for rows in groups.values() for m in rows}


def _check_relatives(wanted: Iterable[uuid.UUID], candidates: set[uuid.UUID]) -> list[uuid.UUID]:
    ids = list(dict.fromkeys(wanted))
    if any(i not in candidates for i in ids):
        raise ValidationFailed(
            fields={"relative_ids": N_("Choose relatives of the people this plan is for.")}
        )
    return ids


def _owner_scope(
    session: Session, actor: Actor, person_id: uuid.UUID | None, agreement_id: uuid.UUID | None
) -> uuid.UUID:
    """The organisation of the plan's person or agreement; 404 outside the actor's scope."""
    if person_id is not None:
        person = people.person_by_id(session, person_id)
        if person is None or not in_scope(actor, person) or person.is_erased:
            raise NotFound
        return person.organisation_id
    found = agreement_people(session, agreement_id) if agreement_id else None
    if found is None or not (actor.is_system or found.organisation_id == actor.organisation_id):
        raise NotFound
    return found.organisation_id


def create_plan(session: Session, actor: Actor, data: PlanIn) -> FamilyPlan:
    """A new plan (planned), with the relatives it moves."""
    require(actor, P.FAMILY_MOVE_WRITE)
    organisation_id = _owner_scope(session, actor, data.person_id, data.agreement_id)
    plan = FamilyPlan(
        organisation_id=organisation_id,
        person_id=data.person_id,
        agreement_id=data.agreement_id,
        status=PlanStatus.PLANNED.value,
        status_changed_by_id=actor.user_id,
        origin_kind=data.origin_kind.value,
        unnamed_relatives=data.unnamed_relatives,
        created_by_id=actor.user_id,
    )
    ids = _check_relatives(data.relative_ids, _candidates(session, actor, plan))
    session.add(plan)
    plan.origin = data.origin
    plan.destination = data.destination
    session.flush()
    for member_id in ids:
        session.add(
            FamilyPlanMember(
                plan_id=plan.id, family_member_id=member_id, organisation_id=organisation_id
            )
        )
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.FAMILY_PLAN_CREATED,
        subject_type="family_plan",
        subject_id=plan.id,
        organisation_id=organisation_id,
        changes={
            "person_id": {"before": None, "after": str(data.person_id) if data.person_id else None},
            "agreement_id": {
                "before": None,
                "after": str(data.agreement_id) if data.agreement_id else None,
            },
            "origin_kind": {"before": None, "after": data.origin_kind.value},
            "origin": audit.REDACTED,
            "destination": audit.REDACTED,
            "relatives": {"before": 0, "after": len(ids)},
            "unnamed_relatives": {"before": 0, "after": data.unnamed_relatives},
        },
    )
    return plan


def get_plan(session: Session, actor: Actor, plan_id: uuid.UUID) -> PlanView:
    """A plan with its relatives and steps; the read is audited (it reveals a route)."""
    plan = _plan(session, actor, plan_id, P.FAMILY_MOVE_READ)
    audit.record(
        session,
        actor,
        AuditAction.FAMILY_PLAN_VIEWED,
        subject_type="family_plan",
        subject_id=plan.id,
        organisation_id=plan.organisation_id,
    )
    return _views(session, [plan])[0]


def list_plans(
    session: Session,
    actor: Actor,
    *,
    person_id: uuid.UUID | None = None,
    agreement_id: uuid.UUID | None = None,
) -> list[PlanView]:
    """Every plan the actor may see (of one person or agreement when given), newest first."""
    require(actor, P.FAMILY_MOVE_READ)
    plans = repository.visible_plans(session, actor, person_id=person_id, agreement_id=agreement_id)
    return _views(session, plans)


def candidates(session: Session, actor: Actor, plan_id: uuid.UUID) -> set[uuid.UUID]:
    """The relatives the plan may move (its edit form offers them)."""
    return _candidates(session, actor, _plan(session, actor, plan_id, P.FAMILY_MOVE_WRITE))


def relatives_for(
    session: Session, actor: Actor, *, person_id: uuid.UUID | None, agreement_id: uuid.UUID | None
) -> list[people.FamilyMember]:
    """The relatives a new plan of this person or agreement may move (the new-plan form)."""
    require(actor, P.FAMILY_MOVE_WRITE)
    _owner_scope(session, actor, person_id, agreement_id)
    plan = FamilyPlan(person_id=person_id, agreement_id=agreement_id)
    ids = _candidates(session, actor, plan)
    found = people.relatives_by_id(session, ids)
    return sorted(found.values(), key=lambda m: (str(m.person_id), m.created_at, m.id))


def update_plan(session: Session, actor: Actor, plan_id: uuid.UUID, data: PlanUpdate) -> FamilyPlan:
    """Correct an open plan: only the fields sent change. A relative already moved stays in
    the plan whatever the list says."""
    plan = _open_plan(session, actor, plan_id)
    sent = data.model_dump(exclude_unset=True, exclude={"text_encoding"})
    changes: dict[str, object] = {}
    if sent.get("origin_kind") is not None and sent["origin_kind"] != plan.origin_kind:
        changes["origin_kind"] = {"before": plan.origin_kind, "after": sent["origin_kind"].value}
        plan.origin_kind = sent["origin_kind"].value
    for name in ("origin", "destination"):
        value = sent.get(name)
        if value and value != getattr(plan, name):
            setattr(plan, name, value)
            changes[name] = audit.REDACTED
    if sent.get("unnamed_relatives") is not None and sent["unnamed_relatives"] != (
        plan.unnamed_relatives
    ):
        changes["unnamed_relatives"] = {
            "before": plan.unnamed_relatives,
            "after": sent["unnamed_relatives"],
        }
        plan.unnamed_relatives = sent["unnamed_relatives"]
    if data.relative_ids is not None:
        wanted = _check_relatives(data.relative_ids, _candidates(session, actor, plan))
        members = repository.members_by_plan(session, [plan.id]).get(plan.id, [])
        present = {m.family_member_id for m in members}
        dropped = [m.id for m in members if m.family_member_id not in wanted and not m.moved_at]
        added = [i for i in wanted if i not in present]
        repository.delete_memberships(session, dropped)
        for member_id in added:
            session.add(
                FamilyPlanMember(
                    plan_id=plan.id,
                    family_member_id=member_id,
                    organisation_id=plan.organisation_id,
                )
            )
        if dropped or added:
            changes["relatives"] = {"added": len(added), "removed": len(dropped)}
    if changes:
        session.flush()
        audit.record(
            session,
            actor,
            AuditAction.FAMILY_PLAN_UPDATED,
            subject_type="family_plan",
            subject_id=plan.id,
            organisation_id=plan.organisation_id,
            changes=changes,
        )
    return plan


def move_plan(session: Session, actor: Actor, plan_id: uuid.UUID, data: StatusIn) -> FamilyPlan:
    """Move the plan through its lifecycle; suspending or cancelling needs a reason."""
    plan = _plan(session, actor, plan_id, P.FAMILY_MOVE_WRITE)
    PLAN.check(plan.status, data.status)
    if data.status in NEEDS_REASON and not data.reason:
        raise ValidationFailed(fields={"reason": N_("Say why the plan is suspended or cancelled.")})
    changes: dict[str, object] = {}
    if data.reason:
        plan.status_reason = data.reason
        changes["reason"] = audit.REDACTED
    PLAN.move(session, actor, plan, data.status, changes=changes)
    plan.status_changed_at = utcnow()
    plan.status_changed_by_id = actor.user_id
    session.flush()
    return plan


def add_step(session: Session, actor: Actor, plan_id: uuid.UUID, data: StepIn) -> FamilyPlanStep:
    """A step at the end of the plan."""
    plan = _open_plan(session, actor, plan_id)
    if data.responsible_user_id is not None and data.responsible_partner:
        raise ValidationFailed(
            fields={"responsible_partner": N_("Name a user or a partner as responsible, not both.")}
        )
    if data.responsible_user_id is not None:
        user = accounts.user_by_id(session, data.responsible_user_id)
        if user is None or not user.is_active or user.organisation_id != plan.organisation_id:
            raise ValidationFailed(
                fields={"responsible_user_id": N_("Choose a user of your organisation.")}
            )
    steps = repository.steps_by_plan(session, [plan.id]).get(plan.id, [])
    step = FamilyPlanStep(
        plan_id=plan.id,
        organisation_id=plan.organisation_id,
        position=max((s.position for s in steps), default=0) + 1,
        planned_on=data.planned_on,
        responsible_user_id=data.responsible_user_id,
        responsible_partner=data.responsible_partner,
    )
    session.add(step)
    step.title = data.title
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.FAMILY_PLAN_STEP_ADDED,
        subject_type="family_plan",
        subject_id=plan.id,
        organisation_id=plan.organisation_id,
        changes={
            "step_id": str(step.id),
            "title": audit.REDACTED,
            "planned_on": {"before": None, "after": str(data.planned_on or "") or None},
        },
    )
    return step


def mark_step_done(
    session: Session, actor: Actor, plan_id: uuid.UUID, step_id: uuid.UUID, data: StepDoneIn
) -> FamilyPlanStep:
    """Record a step done (today unless another past date is given); once only."""
    plan = _open_plan(session, actor, plan_id)
    step = repository.step_by_id(session, step_id)
    if step is None or step.plan_id != plan.id:
        raise NotFound
    if step.done_on is not None:
        raise Conflict(N_("This step is already done."))
    today = clock.local_today()
    done_on = data.done_on or today
    if done_on > today:
        raise ValidationFailed(fields={"done_on": N_("A step cannot be done in the future.")})
    step.done_on = done_on
    step.done_by_id = actor.user_id
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.FAMILY_PLAN_STEP_DONE,
        subject_type="family_plan",
        subject_id=plan.id,
        organisation_id=plan.organisation_id,
        changes={"step_id": str(step.id), "done_on": {"before": None, "after": str(done_on)}},
    )
    return step


def mark_moved(session: Session, actor: Actor, plan_id: uuid.UUID, data: MovedIn) -> FamilyPlan:
    """Record relatives of the plan as having reached the safe place. A planned plan is under
    way from then on; a suspended one must be resumed first."""
    plan = _open_plan(session, actor, plan_id)
    if plan.status == PlanStatus.SUSPENDED:
        raise Conflict(N_("Resume the plan before recording relatives moved."))
    members = repository.members_by_plan(session, [plan.id]).get(plan.id, [])
    waiting = {m.family_member_id: m for m in members if m.moved_at is None}
    wanted = list(dict.fromkeys(data.relative_ids))
    if any(i not in waiting for i in wanted):
        raise ValidationFailed(
            fields={"relative_ids": N_("Choose relatives of this plan not yet moved.")}
        )
    now = utcnow()
    for member_id in wanted:
        waiting[member_id].moved_at = now
        waiting[member_id].moved_by_id = actor.user_id
    if plan.status == PlanStatus.PLANNED:
        PLAN.move(session, actor, plan, PlanStatus.UNDER_WAY)
        plan.status_changed_at = now
        plan.status_changed_by_id = actor.user_id
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.FAMILY_PLAN_RELATIVES_MOVED,
        subject_type="family_plan",
        subject_id=plan.id,
        organisation_id=plan.organisation_id,
        changes={"moved": len(wanted)},
    )
    return plan


# --- read contracts for other domains -----------------------------------------------------


def agreement_families(session: Session, agreement_id: uuid.UUID) -> AgreementFamilies:
    """The figures of the agreement's plans (cancelled ones left out), unchecked: for the
    agreements domain, which has checked the actor's right to the agreement."""
    plans = [
        p
        for p in repository.plans_of_agreement(session, agreement_id)
        if PlanStatus(p.status) in ACTIVE
    ]
    views = _views(session, plans)
    return AgreementFamilies(
        plans=len(views),
        relatives_planned=sum(v.progress.relatives for v in views),
        relatives_moved=sum(v.progress.moved for v in views),
        relatives_at_risk=sum(v.progress.at_risk for v in views),
        overdue_steps=sum(v.progress.overdue for v in views),
    )


def person_plans(session: Session, actor: Actor, person_id: uuid.UUID) -> list[PlanView]:
    """The person's own plans, for the person page (empty without FAMILY_MOVE_READ)."""
    if not actor.can(P.FAMILY_MOVE_READ):
        return []
    return _views(session, repository.visible_plans(session, actor, person_id=person_id))


# --- erasure ------------------------------------------------------------------------------


def erase_person(session: Session, person_id: uuid.UUID) -> None:
    """The person's own plans go (keys destroyed, rows deleted); in an agreement's plans the
    person's relatives' rows go and their counts stay (`erased_relatives`/`erased_moved`)."""
    own = repository.plan_ids_of_person(session, person_id)
    for plan_id in own:
        PLAN_KEYS.destroy(session, plan_id)
    repository.delete_plans(session, own)
    family = people.family_by_person(session, [person_id]).get(person_id, [])
    rows = repository.memberships_of_relatives(session, [m.id for m in family])
    plans = repository.plans_by_id(session, {r.plan_id for r in rows})
    for row in rows:
        plan = plans[row.plan_id]
        plan.erased_relatives += 1
        if row.moved_at is not None:
            plan.erased_moved += 1
    session.flush()
    repository.delete_memberships(session, [r.id for r in rows])
