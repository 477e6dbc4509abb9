"""The three pathway tracks that follow a choice: serve, going home, exile.

Each has its lifecycle in `lifecycle`; an illegal move is a Conflict (409). A track is
worked only while the person's current choice is that pathway and the case is active.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.types import utcnow
from haven.errors import Conflict, NotFound, ValidationFailed
from haven.forces.public import equivalent_rank, get_force, rank_by_id
from haven.i18n import N_
from haven.pathways import repository
from haven.pathways.lifecycle import (
    EXILE_STEP,
    HOME,
    SERVE,
    ExileStepName,
    ExileStepStatus,
    HomeStatus,
    Pathway,
    ServeStatus,
)
from haven.pathways.models import Case, ExilePlan, ExileStep, HomePlan, HomeVisit, ServeRecord
from haven.pathways.schemas import (
    ExilePlanIn,
    ExileStepMove,
    HomeMove,
    HomePlanIn,
    SafetyIn,
    ServeClaimIn,
    ServePostIn,
    ServeVerifyIn,
    VisitIn,
)
from haven.pathways.service import get_case, person_is_child, require_active
from haven.people.public import person_by_id
from haven.security.fields import unmasked
from haven.security.permissions import Actor, Permission, require


def _record(
    session: Session,
    actor: Actor,
    action: AuditAction,
    subject_type: str,
    subject_id: uuid.UUID,
    organisation_id: uuid.UUID,
    **changes: object,
) -> None:
    audit.record(
        session,
        actor,
        action,
        subject_type=subject_type,
        subject_id=subject_id,
        organisation_id=organisation_id,
        changes=changes,
    )


def _working_case(session: Session, actor: Actor, case_id: uuid.UUID, pathway: Pathway) -> Case:
    case = get_case(session, actor, case_id, Permission.CASE_WRITE)
    require_active(case)
    current = repository.current_choice(session, case.person_id)
    if current is None or current.pathway != pathway:
        raise Conflict(N_("The person's current choice is another pathway."))
    return case


# --- serve --------------------------------------------------------------------------------


def serve(session: Session, actor: Actor, case: Case) -> ServeRecord | None:
    require(actor, Permission.CASE_READ, case)
    return repository.serve_of(session, case.id)


def _serve_record(session: Session, actor: Actor, case_id: uuid.UUID) -> ServeRecord:
    case = _working_case(session, actor, case_id, Pathway.SERVE)
    record = repository.serve_of(session, case.id)
    if record is None:  # pragma: no cover - made with the choice
        raise NotFound
    person = person_by_id(session, case.person_id)
    if person is None or person_is_child(session, person):
        raise Conflict(N_("A child cannot be given the serve pathway."))
    return record


def claim_rank(
    session: Session, actor: Actor, case_id: uuid.UUID, data: ServeClaimIn
) -> ServeRecord:
    """Record the claimed rank and propose the receiving-force rank from the equivalence
    table in force today (a lookup, never a guess: no equivalence, no proposal)."""
    record = _serve_record(session, actor, case_id)
    if record.status not in (ServeStatus.CLAIMED, ServeStatus.DISPUTED):
        raise Conflict(N_("The rank was already verified; it can no longer be changed."))
    receiving = get_force(session, actor, data.receiving_force_id)
    if not receiving.is_receiving:
        raise ValidationFailed(fields={"receiving_force_id": N_("Choose a receiving force.")})
    if data.claimed_rank_id is not None:
        rank = rank_by_id(session, data.claimed_rank_id)
        if rank is None or rank.force_id == receiving.id:
            raise ValidationFailed(fields={"claimed_rank_id": N_("Choose a valid option.")})
        record.claimed_rank_id = rank.id
    if data.claimed_position is not None:
        record.claimed_position = data.claimed_position
    record.receiving_force_id = receiving.id
    proposed = (
        equivalent_rank(
            session,
            actor,
            source_rank_id=record.claimed_rank_id,
            receiving_force_id=receiving.id,
            on=utcnow().date(),
        )
        if record.claimed_rank_id
        else None
    )
    record.proposed_rank_id = proposed.id if proposed else None
    session.flush()
    _record(
        session,
        actor,
        AuditAction.SERVE_CHANGED,
        "serve_record",
        record.id,
        record.organisation_id,
        claimed_rank_id={"before": None, "after": str(record.claimed_rank_id)},
        proposed_rank_id={"before": None, "after": str(record.proposed_rank_id)},
    )
    return record


def verify_rank(
    session: Session, actor: Actor, case_id: uuid.UUID, data: ServeVerifyIn
) -> ServeRecord:
    """claimed → verified | disputed; disputed → verified. Verifying needs evidence."""
    record = _serve_record(session, actor, case_id)
    target = ServeStatus(data.status)
    SERVE.check(record.status, target)
    if target is ServeStatus.VERIFIED and not data.evidence:
        raise ValidationFailed(
            fields={
                "evidence": N_(
                    "Say what verifies the rank: documents, the agreement's roll or peers."
                )
            }
        )
    if target is ServeStatus.VERIFIED and record.proposed_rank_id is None:
        raise Conflict(N_("Propose the receiving-force rank (from the equivalence table) first."))
    record.evidence = sorted({str(e) for e in data.evidence})
    record.verification_note = data.note
    SERVE.move(
        session,
        actor,
        record,
        target,
        changes={"evidence": {"before": None, "after": ",".join(record.evidence)}},
    )
    session.flush()
    return record


def post(session: Session, actor: Actor, case_id: uuid.UUID, data: ServePostIn) -> ServeRecord:
    """verified → posted: the unit, the position and the personnel number."""
    record = _serve_record(session, actor, case_id)
    SERVE.check(record.status, ServeStatus.POSTED)
    if repository.personnel_number_taken(session, data.personnel_number):
        raise ValidationFailed(
            fields={"personnel_number": N_("This personnel number is already in use.")}
        )
    record.posted_unit = data.unit
    record.posted_position = data.position
    record.personnel_number = data.personnel_number
    SERVE.move(  # stamps posted_at
        session,
        actor,
        record,
        ServeStatus.POSTED,
        changes={"posted_unit": {"before": None, "after": record.posted_unit}},
    )
    session.flush()
    return record


# --- going home ---------------------------------------------------------------------------


def home(session: Session, actor: Actor, case: Case) -> HomePlan | None:
    require(actor, Permission.CASE_READ, case)
    return repository.home_of(session, case.id)


def _home_plan(session: Session, actor: Actor, case_id: uuid.UUID) -> HomePlan:
    case = _working_case(session, actor, case_id, Pathway.HOME)
    plan = repository.home_of(session, case.id)
    if plan is None:  # pragma: no cover - made with the choice
        raise NotFound
    return plan


def plan_home(session: Session, actor: Actor, case_id: uuid.UUID, data: HomePlanIn) -> HomePlan:
    """Destination, reunification and support; changing the destination sends the plan back
    to planning (its safety must be assessed again)."""
    plan = _home_plan(session, actor, case_id)
    if plan.status not in (HomeStatus.PLANNING, HomeStatus.ASSESSED):
        raise Conflict(N_("The person has already returned: record follow-up visits instead."))
    with unmasked(session):
        moved = (plan.township, plan.village) != (data.township, data.village)
    plan.township = data.township
    plan.village = data.village
    plan.reunification = data.reunification
    plan.support = sorted({str(s) for s in data.support})
    if moved and plan.status == HomeStatus.ASSESSED:
        # A new destination is assessed again; the move is recorded with the plan's change.
        HOME.check(plan.status, HomeStatus.PLANNING)
        plan.status = HomeStatus.PLANNING.value
        plan.risk = None
    session.flush()
    _record(
        session,
        actor,
        AuditAction.HOME_PLAN_CHANGED,
        "home_plan",
        plan.id,
        plan.organisation_id,
        destination="<changed>" if moved else "<unchanged>",
        reunification={"before": None, "after": plan.reunification},
    )
    return plan


def assess_safety(session: Session, actor: Actor, case_id: uuid.UUID, data: SafetyIn) -> HomePlan:
    """planning → assessed: the risk and the plan. A return to an area the regime controls
    is never assessed 'low'."""
    plan = _home_plan(session, actor, case_id)
    HOME.check(plan.status, HomeStatus.ASSESSED)
    with unmasked(session):
        has_destination = plan.township is not None
    if not has_destination:
        raise ValidationFailed(fields={"township": N_("Record the destination first.")})
    if data.regime_controlled and data.risk == "low":
        raise ValidationFailed(
            fields={
                "risk": N_(
                    "Returning to an area the regime controls is dangerous: the risk cannot be low."
                )
            }
        )
    plan.regime_controlled = data.regime_controlled
    plan.risk = data.risk
    plan.safety_plan = data.safety_plan
    HOME.move(
        session,
        actor,
        plan,
        HomeStatus.ASSESSED,
        changes={"risk": {"before": None, "after": plan.risk}, "safety_plan": "<changed>"},
    )
    session.flush()
    return plan


def move_home(session: Session, actor: Actor, case_id: uuid.UUID, data: HomeMove) -> HomePlan:
    """Move the plan along its table (assessed → returned → following_up → completed)."""
    plan = _home_plan(session, actor, case_id)
    target = HomeStatus(data.status)
    if target is HomeStatus.ASSESSED:
        raise Conflict(N_("Assess the safety of the return to move the plan to assessed."))
    HOME.check(plan.status, target)
    if target is HomeStatus.RETURNED:
        if data.returned_on is None or data.returned_on > utcnow().date():
            raise ValidationFailed(fields={"returned_on": N_("Enter the date of return.")})
        plan.returned_on = data.returned_on
    if target is HomeStatus.FOLLOWING_UP and not repository.visits_of(session, plan.id):
        raise Conflict(N_("Record a follow-up visit first."))
    HOME.move(session, actor, plan, target)
    session.flush()
    return plan


def add_visit(session: Session, actor: Actor, case_id: uuid.UUID, data: VisitIn) -> HomeVisit:
    plan = _home_plan(session, actor, case_id)
    if plan.status not in (HomeStatus.RETURNED, HomeStatus.FOLLOWING_UP):
        raise Conflict(N_("Follow-up visits are recorded after the person has returned."))
    if data.visited_on > utcnow().date() or (
        plan.returned_on is not None and data.visited_on < plan.returned_on
    ):
        raise ValidationFailed(
            fields={"visited_on": N_("The visit must fall between the return and today.")}
        )
    visit = HomeVisit(
        plan_id=plan.id,
        person_id=plan.person_id,
        organisation_id=plan.organisation_id,
        visited_on=data.visited_on,
        visited_by_id=actor.user_id,
    )
    visit.notes = data.notes
    session.add(visit)
    session.flush()
    _record(
        session,
        actor,
        AuditAction.HOME_VISIT_ADDED,
        "home_visit",
        visit.id,
        plan.organisation_id,
        visited_on={"before": None, "after": data.visited_on.isoformat()},
    )
    return visit


def visits(session: Session, actor: Actor, plan: HomePlan) -> Sequence[HomeVisit]:
    require(actor, Permission.CASE_READ, plan)
    return repository.visits_of(session, plan.id)


# --- exile --------------------------------------------------------------------------------


def exile(session: Session, actor: Actor, case: Case) -> ExilePlan | None:
    require(actor, Permission.CASE_READ, case)
    return repository.exile_of(session, case.id)


def exile_steps(session: Session, actor: Actor, plan: ExilePlan) -> Sequence[ExileStep]:
    require(actor, Permission.CASE_READ, plan)
    return repository.exile_steps(session, plan.id)


def _exile_plan(session: Session, actor: Actor, case_id: uuid.UUID) -> ExilePlan:
    case = _working_case(session, actor, case_id, Pathway.EXILE)
    plan = repository.exile_of(session, case.id)
    if plan is None:  # pragma: no cover - made with the choice
        raise NotFound
    return plan


def plan_exile(session: Session, actor: Actor, case_id: uuid.UUID, data: ExilePlanIn) -> ExilePlan:
    plan = _exile_plan(session, actor, case_id)
    plan.host_organisation = data.host_organisation
    plan.host_country = data.host_country
    session.flush()
    _record(
        session,
        actor,
        AuditAction.EXILE_CHANGED,
        "exile_plan",
        plan.id,
        plan.organisation_id,
        host_organisation={"before": None, "after": plan.host_organisation},
        host_country="<changed>",
    )
    return plan


def move_exile_step(
    session: Session, actor: Actor, case_id: uuid.UUID, step: str, data: ExileStepMove
) -> ExileStep:
    """Move one step (pending → in_progress → done, or blocked and back). A step starts
    only when the one before it is done; travel starts only with a host named."""
    plan = _exile_plan(session, actor, case_id)
    steps = list(repository.exile_steps(session, plan.id))
    found = next((s for s in steps if s.step == step), None)
    if found is None:
        raise NotFound
    target = ExileStepStatus(data.status)
    EXILE_STEP.check(found.status, target)
    if target is ExileStepStatus.IN_PROGRESS and found.status == ExileStepStatus.PENDING:
        earlier = [s for s in steps if s.position < found.position]
        if any(s.status != ExileStepStatus.DONE for s in earlier):
            raise Conflict(N_("Finish the step before this one first."))
        if step != ExileStepName.DOCUMENTS and not (plan.host_organisation and plan.host_country):
            raise Conflict(N_("Name the host organisation and country before travel."))
    if data.risks is not None:
        found.risks = data.risks
    found.changed_at = utcnow()
    EXILE_STEP.move(
        session,
        actor,
        found,
        target,
        organisation_id=plan.organisation_id,
        changes={"step": {"before": None, "after": step}},
    )
    session.flush()
    return found
