"""JSON endpoints of the pathways domain: explanations, choices, cases, tasks, notes,
referrals, the three pathway tracks and the caseload."""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from haven.errors import NotFound
from haven.pathways import service, tracks, work
from haven.pathways.models import Case
from haven.pathways.schemas import (
    AssignIn,
    AssignManyIn,
    Caseload,
    CaseOut,
    ChoiceIn,
    ChoiceOut,
    ConsentTextIn,
    ConsentTextOut,
    ExileOut,
    ExilePlanIn,
    ExileStepMove,
    ExileStepOut,
    HomeMove,
    HomeOut,
    HomePlanIn,
    NoteIn,
    NoteOut,
    ReasonIn,
    ReferralIn,
    ReferralMove,
    ReferralOut,
    SafetyIn,
    ServeClaimIn,
    ServeOut,
    ServeOverrideIn,
    ServeOverrideOut,
    ServePostIn,
    ServeVerifyIn,
    TaskIn,
    TaskMove,
    TaskOut,
    TransferIn,
    VisitIn,
    VisitOut,
)
from haven.standing.public import StandingOut
from haven.web.deps import DB, ApiActor

router = APIRouter(prefix="/api", tags=["pathways"])


# --- explanations and the choice ----------------------------------------------------------


@router.get("/consent-texts")
def list_consent_texts(session: DB, actor: ApiActor) -> list[ConsentTextOut]:
    """Every version of the pathway explanation, per language, newest first."""
    return [ConsentTextOut.model_validate(t) for t in service.consent_texts(session, actor)]


@router.post("/consent-texts", status_code=201)
def add_consent_text(data: ConsentTextIn, session: DB, actor: ApiActor) -> ConsentTextOut:
    """A new version of the explanation in English or Burmese (texts are never edited)."""
    return ConsentTextOut.model_validate(service.add_consent_text(session, actor, data))


@router.get("/consent-texts/current")
def current_consent_text(
    session: DB, actor: ApiActor, language: Literal["en", "my"] = "en"
) -> ConsentTextOut:
    """The explanation to read to a person before they choose, in their language."""
    text = service.current_consent_text(session, actor, language)
    if text is None:
        raise NotFound
    return ConsentTextOut.model_validate(text)


@router.post("/people/{person_id}/pathway-choices", status_code=201)
def record_choice(person_id: uuid.UUID, data: ChoiceIn, session: DB, actor: ApiActor) -> ChoiceOut:
    """Record the person's own choice (opens their case if needed). No default; serving is
    never recorded for a child; a change needs a reason and keeps the history."""
    return ChoiceOut.model_validate(service.record_choice(session, actor, person_id, data))


@router.get("/people/{person_id}/standing")
def person_standing(person_id: uuid.UUID, session: DB, actor: ApiActor) -> StandingOut:
    """The person's standing (docs/standing.md): its state and why, the pathways open to
    them, and why each other one is closed."""
    return StandingOut.of(service.person_standing(session, actor, person_id))


@router.post("/people/{person_id}/case", status_code=201)
def open_case(person_id: uuid.UUID, session: DB, actor: ApiActor) -> CaseOut:
    """Open the person's case (one per person)."""
    return CaseOut.model_validate(service.open_case(session, actor, person_id))


# --- cases --------------------------------------------------------------------------------


@router.get("/cases")
def list_cases(session: DB, actor: ApiActor, mine: bool = False) -> list[CaseOut]:
    """Cases of the caller's organisation (or only those assigned to the caller)."""
    return [CaseOut.model_validate(c) for c in service.list_cases(session, actor, mine=mine)]


@router.get("/cases/{case_id}")
def get_case(case_id: uuid.UUID, session: DB, actor: ApiActor) -> CaseOut:
    """One case (without its notes)."""
    return CaseOut.model_validate(service.get_case(session, actor, case_id))


@router.get("/cases/{case_id}/standing")
def case_standing(case_id: uuid.UUID, session: DB, actor: ApiActor) -> StandingOut:
    """The standing of the case's person: what it allows, why, and what remains open."""
    case = service.get_case(session, actor, case_id)
    return StandingOut.of(service.standing(session, actor, case))


@router.get("/cases/{case_id}/choices")
def list_choices(case_id: uuid.UUID, session: DB, actor: ApiActor) -> list[ChoiceOut]:
    """The history of the person's choices, oldest first."""
    case = service.get_case(session, actor, case_id)
    return [ChoiceOut.model_validate(c) for c in service.choices(session, actor, case)]


@router.post("/cases/assign")
def assign_cases(data: AssignManyIn, session: DB, actor: ApiActor) -> list[CaseOut]:
    """Assign several cases at once to one case worker (managers): all or none, each case
    audited."""
    cases = service.assign_many(session, actor, data.case_ids, data.user_id)
    return [CaseOut.model_validate(c) for c in cases]


@router.post("/cases/{case_id}/assign")
def assign_case(case_id: uuid.UUID, data: AssignIn, session: DB, actor: ApiActor) -> CaseOut:
    """Assign the case to a case worker (managers)."""
    return CaseOut.model_validate(service.assign(session, actor, case_id, data))


@router.post("/cases/{case_id}/transfer")
def transfer_case(case_id: uuid.UUID, data: TransferIn, session: DB, actor: ApiActor) -> CaseOut:
    """Transfer the case to another organisation (managers)."""
    return CaseOut.model_validate(service.transfer(session, actor, case_id, data))


@router.post("/cases/{case_id}/close")
def close_case(case_id: uuid.UUID, data: ReasonIn, session: DB, actor: ApiActor) -> CaseOut:
    """Close the case, with a reason."""
    return CaseOut.model_validate(service.change_status(session, actor, case_id, "closed", data))


@router.post("/cases/{case_id}/reopen")
def reopen_case(case_id: uuid.UUID, data: ReasonIn, session: DB, actor: ApiActor) -> CaseOut:
    """Reopen a closed case, with a reason."""
    return CaseOut.model_validate(service.change_status(session, actor, case_id, "reopened", data))


@router.get("/caseload")
def caseload(session: DB, actor: ApiActor) -> Caseload:
    """Counts of open cases and overdue tasks per case worker (managers); no notes."""
    return work.caseload(session, actor)


# --- tasks and notes ----------------------------------------------------------------------


@router.get("/cases/{case_id}/tasks")
def list_tasks(case_id: uuid.UUID, session: DB, actor: ApiActor) -> list[TaskOut]:
    """The case's tasks by due date."""
    case = service.get_case(session, actor, case_id)
    return [TaskOut.model_validate(t) for t in work.tasks(session, actor, case)]


@router.post("/cases/{case_id}/tasks", status_code=201)
def add_task(case_id: uuid.UUID, data: TaskIn, session: DB, actor: ApiActor) -> TaskOut:
    """Add a task with a due date."""
    return TaskOut.model_validate(work.add_task(session, actor, case_id, data))


@router.post("/tasks/{task_id}/status")
def move_task(task_id: uuid.UUID, data: TaskMove, session: DB, actor: ApiActor) -> TaskOut:
    """Mark a task done or cancelled (an open task only)."""
    return TaskOut.model_validate(work.move_task(session, actor, task_id, data))


@router.get("/tasks/overdue")
def overdue_tasks(session: DB, actor: ApiActor, mine: bool = False) -> list[TaskOut]:
    """Open tasks past their due time, oldest first."""
    return [TaskOut.model_validate(o.task) for o in work.overdue(session, actor, mine=mine)]


@router.get("/cases/{case_id}/notes")
def list_notes(case_id: uuid.UUID, session: DB, actor: ApiActor) -> list[NoteOut]:
    """The case's confidential notes (the read is audited)."""
    case = service.get_case(session, actor, case_id)
    return [NoteOut.model_validate(n) for n in work.notes(session, actor, case)]


@router.post("/cases/{case_id}/notes", status_code=201)
def add_note(case_id: uuid.UUID, data: NoteIn, session: DB, actor: ApiActor) -> NoteOut:
    """Add a confidential note (stored encrypted)."""
    return NoteOut.model_validate(work.add_note(session, actor, case_id, data))


# --- referrals ----------------------------------------------------------------------------


@router.get("/cases/{case_id}/referrals")
def case_referrals(case_id: uuid.UUID, session: DB, actor: ApiActor) -> list[ReferralOut]:
    """Referrals sent for this case."""
    case = service.get_case(session, actor, case_id)
    return work.referrals_out(session, work.referrals_of_case(session, actor, case))


@router.post("/cases/{case_id}/referrals", status_code=201)
def send_referral(
    case_id: uuid.UUID, data: ReferralIn, session: DB, actor: ApiActor
) -> ReferralOut:
    """Refer the person to another organisation (medical, psychosocial, legal, child
    protection …). The receiver sees this referral only."""
    return work.referral_out(session, work.send_referral(session, actor, case_id, data))


class ReferralList(BaseModel):
    incoming: list[ReferralOut]
    outgoing: list[ReferralOut]


@router.get("/referrals")
def list_referrals(session: DB, actor: ApiActor) -> ReferralList:
    """Referrals received by the caller's organisation and sent from it."""
    return ReferralList(
        incoming=work.referrals_out(session, work.incoming_referrals(session, actor)),
        outgoing=work.referrals_out(session, work.outgoing_referrals(session, actor)),
    )


@router.get("/referrals/{referral_id}")
def get_referral(referral_id: uuid.UUID, session: DB, actor: ApiActor) -> ReferralOut:
    """One referral, as either side sees it."""
    return work.referral_out(session, work.get_referral(session, actor, referral_id))


@router.post("/referrals/{referral_id}/status")
def move_referral(
    referral_id: uuid.UUID, data: ReferralMove, session: DB, actor: ApiActor
) -> ReferralOut:
    """The receiver accepts or declines, then completes (sent → accepted | declined →
    completed)."""
    return work.referral_out(session, work.move_referral(session, actor, referral_id, data))


# --- serve --------------------------------------------------------------------------------


def _case_and(session: DB, actor: ApiActor, case_id: uuid.UUID) -> Case:
    return service.get_case(session, actor, case_id)


@router.get("/cases/{case_id}/serve")
def get_serve(case_id: uuid.UUID, session: DB, actor: ApiActor) -> ServeOut:
    """The serve record: claimed and proposed rank, verification, posting."""
    record = tracks.serve(session, actor, _case_and(session, actor, case_id))
    if record is None:
        raise NotFound
    return ServeOut.model_validate(record)


@router.post("/cases/{case_id}/serve/claim")
def claim_rank(case_id: uuid.UUID, data: ServeClaimIn, session: DB, actor: ApiActor) -> ServeOut:
    """The claimed rank; the receiving-force rank is proposed from the equivalence table."""
    return ServeOut.model_validate(tracks.claim_rank(session, actor, case_id, data))


@router.post("/cases/{case_id}/serve/verify")
def verify_rank(case_id: uuid.UUID, data: ServeVerifyIn, session: DB, actor: ApiActor) -> ServeOut:
    """Verify (with evidence) or dispute the claimed rank."""
    return ServeOut.model_validate(tracks.verify_rank(session, actor, case_id, data))


@router.post("/cases/{case_id}/serve/post")
def post_to_unit(case_id: uuid.UUID, data: ServePostIn, session: DB, actor: ApiActor) -> ServeOut:
    """Post the person to a unit, with rank, position and personnel number. A posting below
    the rank or position the person's agreement retains answers 409 unless a programme
    manager recorded an override for exactly this posting."""
    return ServeOut.model_validate(tracks.post(session, actor, case_id, data))


@router.post("/cases/{case_id}/serve/override", status_code=201)
def override_posting(
    case_id: uuid.UUID, data: ServeOverrideIn, session: DB, actor: ApiActor
) -> ServeOverrideOut:
    """A programme manager allows a posting below the agreement's rank or position terms,
    with a reason (recorded on the agreement and listed on its page)."""
    return ServeOverrideOut.model_validate(tracks.override_posting(session, actor, case_id, data))


# --- going home ---------------------------------------------------------------------------


def _home_out(session: DB, actor: ApiActor, case_id: uuid.UUID) -> HomeOut:
    plan = tracks.home(session, actor, _case_and(session, actor, case_id))
    if plan is None:
        raise NotFound
    return HomeOut.model_validate(plan)


@router.get("/cases/{case_id}/home")
def get_home(case_id: uuid.UUID, session: DB, actor: ApiActor) -> HomeOut:
    """The going-home plan: destination, safety, reunification, support."""
    return _home_out(session, actor, case_id)


@router.post("/cases/{case_id}/home")
def plan_home(case_id: uuid.UUID, data: HomePlanIn, session: DB, actor: ApiActor) -> HomeOut:
    """Destination (township, village), family reunification and reintegration support."""
    return HomeOut.model_validate(tracks.plan_home(session, actor, case_id, data))


@router.post("/cases/{case_id}/home/safety")
def assess_safety(case_id: uuid.UUID, data: SafetyIn, session: DB, actor: ApiActor) -> HomeOut:
    """The safety assessment: regime control, risk and the safety plan."""
    return HomeOut.model_validate(tracks.assess_safety(session, actor, case_id, data))


@router.post("/cases/{case_id}/home/status")
def move_home(case_id: uuid.UUID, data: HomeMove, session: DB, actor: ApiActor) -> HomeOut:
    """Move the plan: returned (with the date), following up, completed."""
    return HomeOut.model_validate(tracks.move_home(session, actor, case_id, data))


@router.get("/cases/{case_id}/home/visits")
def list_visits(case_id: uuid.UUID, session: DB, actor: ApiActor) -> list[VisitOut]:
    """Follow-up visits after return."""
    plan = tracks.home(session, actor, _case_and(session, actor, case_id))
    if plan is None:
        raise NotFound
    return [VisitOut.model_validate(v) for v in tracks.visits(session, actor, plan)]


@router.post("/cases/{case_id}/home/visits", status_code=201)
def add_visit(case_id: uuid.UUID, data: VisitIn, session: DB, actor: ApiActor) -> VisitOut:
    """Record a follow-up visit."""
    return VisitOut.model_validate(tracks.add_visit(session, actor, case_id, data))


# --- exile --------------------------------------------------------------------------------


def _exile_out(session: DB, actor: ApiActor, case_id: uuid.UUID) -> ExileOut:
    plan = tracks.exile(session, actor, _case_and(session, actor, case_id))
    if plan is None:
        raise NotFound
    out = ExileOut.model_validate(plan)
    out.steps = [ExileStepOut.model_validate(s) for s in tracks.exile_steps(session, actor, plan)]
    return out


@router.get("/cases/{case_id}/exile")
def get_exile(case_id: uuid.UUID, session: DB, actor: ApiActor) -> ExileOut:
    """The exile plan and its steps (documents, travel, arrival)."""
    return _exile_out(session, actor, case_id)


@router.post("/cases/{case_id}/exile")
def plan_exile(case_id: uuid.UUID, data: ExilePlanIn, session: DB, actor: ApiActor) -> ExileOut:
    """The host organisation and country."""
    tracks.plan_exile(session, actor, case_id, data)
    return _exile_out(session, actor, case_id)


@router.post("/cases/{case_id}/exile/steps/{step}")
def move_exile_step(
    case_id: uuid.UUID,
    step: Literal["documents", "travel", "arrival"],
    data: ExileStepMove,
    session: DB,
    actor: ApiActor,
) -> ExileStepOut:
    """Move one step of exile, with its risks."""
    return ExileStepOut.model_validate(tracks.move_exile_step(session, actor, case_id, step, data))
