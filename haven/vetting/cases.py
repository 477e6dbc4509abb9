"""Vetting cases: hearing, assessment, two-officer decisions, review, appeal, reopening.

Every move goes through the case lifecycle (`haven.vetting.lifecycle.CASE`) and writes an
audit event; reading a case is audited. A decision is proposed by one vetting officer and
confirmed by a different one; both steps need fresh authentication. Haven records no
outcome other than cleared, cleared with conditions, referred for accountability, or not
eligible (not a member of the force) — and a referral keeps the person's protection as a
prisoner of war or a detainee. Every decision records its standard of proof and the reasons
the person may be told. A decision that comes into force is published
(`VettingOutcomeDecided`) for the domains that act on it.

Due process (`haven.vetting.appeals`): the person is told of the decision (a notice in their
language, `notice`; `record_notification` starts the time limit), may appeal it
(`lodge_appeal`, recorded on their behalf by a vetting officer or case worker), and the
appeal is decided by two officers other than the two who took the decision under appeal.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.types import utcnow
from haven.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from haven.i18n import LANGUAGES, N_, Text
from haven.kernel.clock import local_time, local_today
from haven.kernel.events import publish
from haven.people.public import Person, person_by_id
from haven.security.fresh import require_fresh
from haven.security.permissions import Actor, Permission, require
from haven.vetting import appeals, repository
from haven.vetting.appeals import AppealWindow
from haven.vetting.events import VettingOutcomeDecided
from haven.vetting.lifecycle import CASE, AppealState, Basis, CaseState, Outcome, ReviewKind
from haven.vetting.models import Decision, Hearing, Review, ScreeningHit, VettingCase
from haven.vetting.schemas import (
    AppealIn,
    AssessmentIn,
    DecisionIn,
    HearingIn,
    NotificationIn,
    ReviewIn,
)
from haven.vetting.status import VettingStatus, status_of_outcome, vetting_status


def _case(
    session: Session, actor: Actor, case_id: uuid.UUID, permission: Permission
) -> VettingCase:
    case = repository.Cases(session).get_for(actor, case_id, permission)
    person = person_by_id(session, case.person_id)
    if person is None or person.is_erased:
        # Erasure destroyed the person's key: nothing of the case can be read any more.
        raise NotFound
    return case


def _audit(
    session: Session,
    actor: Actor,
    action: AuditAction,
    case: VettingCase,
    changes: dict[str, Any] | None = None,
) -> None:
    audit.record(
        session,
        actor,
        action,
        subject_type="vetting_case",
        subject_id=case.id,
        organisation_id=case.organisation_id,
        changes=changes,
    )


def _move(session: Session, actor: Actor, case: VettingCase, target: CaseState) -> dict[str, Any]:
    """Move the case along `CASE` (409 when illegal), stamping who moved it and when; the
    caller writes the audit event with these changes and its own details."""
    before = CASE.move(session, actor, case, target)
    case.state_changed_at = utcnow()
    case.state_changed_by_id = actor.user_id
    return {"state": {"before": str(before), "after": case.state}}


def status_of(case: VettingCase) -> VettingStatus:
    return status_of_outcome(case.outcome)


# --- reading ---------------------------------------------------------------------------------


def get_case(session: Session, actor: Actor, case_id: uuid.UUID) -> VettingCase:
    """A case with its allegations and hits: vetting officers only; the read is audited."""
    case = _case(session, actor, case_id, Permission.VETTING_READ)
    _audit(session, actor, AuditAction.VETTING_CASE_VIEWED, case)
    return case


def case_id_of_person(session: Session, actor: Actor, person_id: uuid.UUID) -> uuid.UUID:
    require(actor, Permission.VETTING_READ)
    person = person_by_id(session, person_id)
    if person is None:
        raise NotFound
    require(actor, Permission.VETTING_READ, person)
    case_id = repository.case_id_of_person(session, person_id)
    if case_id is None:
        raise NotFound
    return case_id


def person_status(session: Session, actor: Actor, person_id: uuid.UUID) -> VettingStatus:
    """The status only, for anyone who may read the person (never allegations or hits)."""
    person = person_by_id(session, person_id)
    if person is None:
        raise NotFound
    require(actor, Permission.PERSON_READ, person)
    return vetting_status(session, person_id)


QUEUE_SORTS = repository.QUEUE_SORTS


def list_cases(
    session: Session, actor: Actor, *, state: CaseState | None = None, limit: int = 200
) -> Sequence[tuple[VettingCase, Person, int]]:
    """Cases the actor may see, oldest state change first (the queue), with hit counts."""
    return queue_page(session, actor, state=state, limit=limit)[0]


def queue_page(
    session: Session,
    actor: Actor,
    *,
    state: CaseState | None = None,
    sort: str = "waiting",
    limit: int = 25,
    offset: int = 0,
    count_up_to: int | None = None,
) -> tuple[list[tuple[VettingCase, Person, int]], int]:
    """One page of the queue (waiting longest, most hits or most recent first) with each
    case's person and number of hits, and how many cases match in all (only up to a bound
    with `count_up_to`: see `repository.queue`)."""
    require(actor, Permission.VETTING_READ)
    return repository.queue(
        session,
        actor,
        state=str(state) if state else None,
        sort=sort if sort in QUEUE_SORTS else "waiting",
        limit=limit,
        offset=offset,
        count_up_to=count_up_to,
    )


def hits_of(session: Session, actor: Actor, case: VettingCase) -> Sequence[ScreeningHit]:
    require(actor, Permission.VETTING_READ, case)
    return repository.hits_of(session, case.id)


def hearings_of(session: Session, actor: Actor, case: VettingCase) -> Sequence[Hearing]:
    require(actor, Permission.VETTING_READ, case)
    return repository.hearings_of(session, case.id)


def decisions_of(session: Session, actor: Actor, case: VettingCase) -> Sequence[Decision]:
    require(actor, Permission.VETTING_READ, case)
    return repository.decisions_of(session, case.id)


def reviews_of(session: Session, actor: Actor, case: VettingCase) -> Sequence[Review]:
    require(actor, Permission.VETTING_READ, case)
    return repository.reviews_of(session, case.id)


def open_proposal(session: Session, case: VettingCase) -> Decision | None:
    return repository.open_proposal(session, case.id)


def officer_names(
    session: Session, decisions: Sequence[Decision], reviews: Sequence[Review] = ()
) -> dict[uuid.UUID, str]:
    """The names of the officers who proposed or confirmed these decisions, and of the users
    who opened these reviews (or recorded these appeals on the person's behalf)."""
    return repository.display_names(
        session,
        [d.proposed_by_id for d in decisions]
        + [d.confirmed_by_id for d in decisions]
        + [r.opened_by_id for r in reviews],
    )


# --- the lifecycle -----------------------------------------------------------------------------


def start_interview(session: Session, actor: Actor, case_id: uuid.UUID) -> VettingCase:
    """Open the interview: the person will be heard before any assessment of hits."""
    case = _case(session, actor, case_id, Permission.VETTING_DECIDE)
    changes = _move(session, actor, case, CaseState.INTERVIEW)
    session.flush()
    _audit(session, actor, AuditAction.VETTING_CASE_MOVED, case, changes)
    return case


def record_hearing(session: Session, actor: Actor, case_id: uuid.UUID, data: HearingIn) -> Hearing:
    """The person's right to be heard: their account (or their choice not to speak)."""
    case = _case(session, actor, case_id, Permission.VETTING_DECIDE)
    if case.state not in (CaseState.INTERVIEW, CaseState.REVIEW):
        raise Conflict(N_("Start the interview before recording the hearing."))
    hearing = Hearing(
        case_id=case.id,
        person_id=case.person_id,
        organisation_id=case.organisation_id,
        held_on=data.held_on,
        declined=data.declined,
        interpreter_present=data.interpreter_present,
        representative_present=data.representative_present,
        recorded_by_id=actor.user_id,
        statement=data.statement,
    )
    session.add(hearing)
    session.flush()
    _audit(
        session,
        actor,
        AuditAction.VETTING_HEARING_RECORDED,
        case,
        {"hearing_id": str(hearing.id), "declined": data.declined, "statement": "<changed>"},
    )
    return hearing


def assess(session: Session, actor: Actor, case_id: uuid.UUID, data: AssessmentIn) -> VettingCase:
    """Weigh the hits and the hearing. A case with hits must have heard the person first;
    a case without any hit may be assessed straight from pending."""
    case = _case(session, actor, case_id, Permission.VETTING_DECIDE)
    if case.state == CaseState.PENDING and repository.hit_count(session, case.id):
        raise Conflict(
            N_("This person has screening hits: hear them in an interview before assessing.")
        )
    if case.state == CaseState.INTERVIEW and not repository.hearing_count(session, case.id):
        raise Conflict(N_("Record the hearing before the assessment: the person must be heard."))
    changes = _move(session, actor, case, CaseState.ASSESSED)
    case.assessment = data.assessment
    case.assessed_by_id = actor.user_id
    session.flush()
    changes["assessment"] = "<changed>"
    _audit(session, actor, AuditAction.VETTING_ASSESSED, case, changes)
    return case


def propose_decision(
    session: Session, actor: Actor, case_id: uuid.UUID, data: DecisionIn
) -> Decision:
    """The first of two officers proposes a decision (after assessment, or on review)."""
    case = _case(session, actor, case_id, Permission.VETTING_DECIDE)
    require_fresh(session, actor)
    if actor.user_id is None:
        raise PermissionDenied(N_("A vetting decision is made by named vetting officers."))
    basis = Basis.INITIAL
    if case.state == CaseState.REVIEW:
        last = repository.last_review_kind(session, case.id)
        basis = Basis.APPEAL if last == ReviewKind.APPEAL else Basis.REVIEW
    if basis is Basis.APPEAL:
        _refuse_the_deciders_under_appeal(session, actor, case)
    changes = _move(session, actor, case, CaseState.PROPOSED)
    decision = Decision(
        case_id=case.id,
        person_id=case.person_id,
        organisation_id=case.organisation_id,
        basis=str(basis),
        outcome=str(data.outcome),
        standard_of_proof=str(data.standard_of_proof),
        mechanism=data.mechanism,
        protection=str(data.protection) if data.protection else None,
        proposed_by_id=actor.user_id,
        proposed_at=utcnow(),
        reasons=data.reasons,
        disclosed_reasons=data.disclosed_reasons,
        conditions=data.conditions,
    )
    session.add(decision)
    session.flush()
    changes |= {
        "decision_id": str(decision.id),
        "outcome": decision.outcome,
        "basis": decision.basis,
        "standard_of_proof": decision.standard_of_proof,
        "reasons": "<changed>",
        "disclosed_reasons": "<changed>",
    }
    _audit(session, actor, AuditAction.VETTING_DECISION_PROPOSED, case, changes)
    return decision


def confirm_decision(session: Session, actor: Actor, case_id: uuid.UUID) -> Decision:
    """The second officer confirms; the decision comes into force. The proposer cannot."""
    case = _case(session, actor, case_id, Permission.VETTING_DECIDE)
    require_fresh(session, actor)
    proposal = open_proposal(session, case)
    if case.state != CaseState.PROPOSED or proposal is None:
        raise Conflict(N_("There is no proposed decision to confirm."))
    if actor.user_id is None:
        raise PermissionDenied(N_("A vetting decision is made by named vetting officers."))
    if proposal.basis == Basis.APPEAL:
        _refuse_the_deciders_under_appeal(session, actor, case)
    if actor.user_id == proposal.proposed_by_id:
        raise Conflict(
            N_(
                "You proposed this decision: a second vetting officer must confirm it. "
                "One officer alone cannot decide."
            ),
            code="second_officer_required",
        )
    now = utcnow()
    for previous in repository.decisions_in_force(session, case.id):
        previous.superseded_at = now
    changes = _move(session, actor, case, CaseState.DECIDED)
    before = case.outcome
    proposal.confirmed_by_id = actor.user_id
    proposal.confirmed_at = now
    case.outcome = proposal.outcome
    case.decided_at = now
    session.flush()
    changes |= {
        "decision_id": str(proposal.id),
        "outcome": {"before": before, "after": case.outcome},
    }
    _audit(session, actor, AuditAction.VETTING_DECISION_CONFIRMED, case, changes)
    publish(
        session,
        actor,
        VettingOutcomeDecided(person_id=case.person_id, case_id=case.id, outcome=proposal.outcome),
    )
    return proposal


def withdraw_proposal(session: Session, actor: Actor, case_id: uuid.UUID) -> VettingCase:
    """Either officer sends a proposal back (the second one disagreeing, for example)."""
    case = _case(session, actor, case_id, Permission.VETTING_DECIDE)
    proposal = open_proposal(session, case)
    if case.state != CaseState.PROPOSED or proposal is None:
        raise Conflict(N_("There is no proposed decision to withdraw."))
    if proposal.basis == Basis.APPEAL:
        _refuse_the_deciders_under_appeal(session, actor, case)
    proposal.withdrawn_at = utcnow()
    target = CaseState.REVIEW if case.outcome else CaseState.ASSESSED
    changes = _move(session, actor, case, target)
    session.flush()
    changes["decision_id"] = str(proposal.id)
    _audit(session, actor, AuditAction.VETTING_DECISION_WITHDRAWN, case, changes)
    return case


def open_review(session: Session, actor: Actor, case_id: uuid.UUID, data: ReviewIn) -> Review:
    """Review or appeal a decision in force (it stays in force until a new decision), or
    reopen the case on new evidence (back to pending: the person's allowances on hold).

    An appeal opened here is the person's, lodged today, and follows `lodge_appeal`'s rules."""
    case = _case(session, actor, case_id, Permission.VETTING_DECIDE)
    if data.kind is ReviewKind.APPEAL:
        return _lodge(session, actor, case, lodged_on=local_today(), grounds=data.grounds)
    if data.kind is ReviewKind.REOPEN:
        changes = _reopen(session, actor, case)
        action = AuditAction.VETTING_CASE_REOPENED
    else:
        if case.state != CaseState.DECIDED:
            raise Conflict(N_("Only a decided case can be reviewed or appealed."))
        changes = _move(session, actor, case, CaseState.REVIEW)
        action = AuditAction.VETTING_REVIEW_OPENED
    review = Review(
        case_id=case.id,
        person_id=case.person_id,
        organisation_id=case.organisation_id,
        kind=str(data.kind),
        opened_by_id=actor.user_id,
        grounds=data.grounds,
    )
    session.add(review)
    session.flush()
    changes |= {"review_id": str(review.id), "kind": review.kind, "grounds": "<changed>"}
    _audit(session, actor, action, case, changes)
    return review


def _reopen(session: Session, actor: Actor, case: VettingCase) -> dict[str, Any]:
    if case.state == CaseState.PENDING:
        raise Conflict(N_("This case is already pending."))
    proposal = open_proposal(session, case)
    if proposal is not None:
        proposal.withdrawn_at = utcnow()
    now = utcnow()
    for previous in repository.decisions_in_force(session, case.id):
        previous.superseded_at = now
    changes = _move(session, actor, case, CaseState.PENDING)
    changes["outcome"] = {"before": case.outcome, "after": None}
    case.outcome = None
    return changes


def reopen_on_new_hits(session: Session, actor: Actor, case: VettingCase) -> None:
    """Screening found new hits on a case past the interview: reopen it (system action)."""
    changes = _reopen(session, actor, case)
    review = Review(
        case_id=case.id,
        person_id=case.person_id,
        organisation_id=case.organisation_id,
        kind=str(ReviewKind.REOPEN),
        opened_by_id=None,
        grounds="New screening hits.",
    )
    session.add(review)
    session.flush()
    changes |= {"review_id": str(review.id), "kind": review.kind, "reason": "new_hits"}
    _audit(session, actor, AuditAction.VETTING_CASE_REOPENED, case, changes)


# --- due process: the deciders of an appeal, the notice, the time limit, the appeal ---------


def _refuse_the_deciders_under_appeal(session: Session, actor: Actor, case: VettingCase) -> None:
    """An appeal is decided (proposed, confirmed, or sent back) by two vetting officers other
    than the two who took the decision under appeal: refuse those two with a 409."""
    review = repository.last_review(session, case.id)
    if review is None or review.kind != ReviewKind.APPEAL or review.appealed_decision_id is None:
        return
    appealed = repository.decision_by_id(session, review.appealed_decision_id)
    if appealed is None:
        return
    if actor.user_id in {appealed.proposed_by_id, appealed.confirmed_by_id}:
        raise Conflict(
            N_(
                "You took part in the decision under appeal, so you cannot decide the appeal. "
                "Two other vetting officers must propose and confirm the decision on appeal."
            ),
            code="appeal_needs_other_officers",
        )


def decision_in_force(session: Session, case: VettingCase) -> Decision | None:
    return repository.decision_in_force(session, case.id)


def appeal_window(
    session: Session, case: VettingCase, *, today: date | None = None
) -> AppealWindow:
    """Where the person's right to appeal the case's decision in force stands today."""
    return appeals.window(
        repository.decision_in_force(session, case.id),
        repository.last_review(session, case.id),
        today or local_today(),
    )


def appeal_windows(
    session: Session, cases: Sequence[VettingCase], *, today: date | None = None
) -> dict[uuid.UUID, AppealWindow]:
    """`appeal_window` for a list of cases (the queue), in a constant number of queries."""
    ids = [c.id for c in cases]
    decisions = repository.decisions_in_force_of_cases(session, ids)
    reviews = repository.last_reviews_of_cases(session, ids)
    day = today or local_today()
    return {i: appeals.window(decisions.get(i), reviews.get(i), day) for i in ids}


def record_notification(
    session: Session,
    actor: Actor,
    case_id: uuid.UUID,
    data: NotificationIn,
    *,
    appeal_days: int = appeals.DEFAULT_APPEAL_DAYS,
) -> Decision:
    """The person was told of the decision in force (the notice, in their language): the time
    limit for appealing starts and its last day is fixed."""
    case = _case(session, actor, case_id, Permission.VETTING_DECIDE)
    decision = repository.decision_in_force(session, case.id)
    if decision is None or decision.confirmed_at is None:
        raise Conflict(N_("There is no decision in force to tell the person of."))
    if decision.notified_on is not None:
        raise Conflict(
            Text(
                N_("The person was already told of this decision on {date}."),
                {"date": decision.notified_on.isoformat()},
            )
        )
    if data.notified_on < local_time(decision.confirmed_at).date():
        raise ValidationFailed(
            fields={
                "notified_on": N_(
                    "The person cannot have been told before the decision was confirmed."
                )
            }
        )
    decision.notified_on = data.notified_on
    decision.notice_language = data.language
    decision.notified_by_id = actor.user_id
    decision.appeal_closes_on = (
        appeals.closes_on(data.notified_on, appeal_days) if appeals.appealable(decision) else None
    )
    session.flush()
    _audit(
        session,
        actor,
        AuditAction.VETTING_DECISION_NOTIFIED,
        case,
        {
            "decision_id": str(decision.id),
            "notified_on": decision.notified_on.isoformat(),
            "language": decision.notice_language,
            "appeal_closes_on": decision.appeal_closes_on.isoformat()
            if decision.appeal_closes_on
            else None,
        },
    )
    return decision


def _person_in_scope(
    session: Session, actor: Actor, person_id: uuid.UUID, permission: Permission
) -> Person:
    require(actor, permission)
    person = person_by_id(session, person_id)
    if person is None or person.is_erased:
        raise NotFound
    require(actor, permission, person)
    return person


def person_appeal(
    session: Session, actor: Actor, person_id: uuid.UUID
) -> tuple[VettingStatus, AppealWindow]:
    """For whoever records appeals (vetting officers, case workers): the person's status and
    where their right to appeal stands, never allegations or hits."""
    _person_in_scope(session, actor, person_id, Permission.VETTING_APPEAL)
    case = repository.case_of_person(session, person_id)
    if case is None:
        return VettingStatus.PENDING, AppealWindow(AppealState.NO_DECISION)
    return status_of(case), appeal_window(session, case)


def lodge_appeal(session: Session, actor: Actor, person_id: uuid.UUID, data: AppealIn) -> Review:
    """The person appeals the decision in force; a vetting officer or case worker records it
    on their behalf: the day they lodged it and their grounds in their own words. The
    decision stays in force until two other officers decide the appeal."""
    _person_in_scope(session, actor, person_id, Permission.VETTING_APPEAL)
    case = repository.case_of_person(session, person_id)
    if case is None:
        raise Conflict(N_("This person has no vetting decision to appeal."))
    return _lodge(session, actor, case, lodged_on=data.lodged_on, grounds=data.grounds or "")


def _lodge(
    session: Session, actor: Actor, case: VettingCase, *, lodged_on: date, grounds: str | None
) -> Review:
    decision = repository.decision_in_force(session, case.id)
    if decision is None or decision.confirmed_at is None:
        raise Conflict(N_("There is no vetting decision in force to appeal."))
    last = repository.last_review(session, case.id)
    if (
        last is not None
        and last.kind == ReviewKind.APPEAL
        and last.appealed_decision_id == decision.id
    ):
        raise Conflict(N_("The person has already appealed this decision."))
    if case.state == CaseState.PROPOSED:
        raise Conflict(
            N_(
                "A new decision on this case awaits a second officer. Record the appeal once "
                "it is confirmed or sent back."
            )
        )
    if case.state not in (CaseState.DECIDED, CaseState.REVIEW):
        raise Conflict(N_("There is no vetting decision in force to appeal."))
    if decision.outcome == Outcome.CLEARED:
        raise Conflict(N_("This decision clears the person: there is nothing to appeal."))
    if decision.basis == Basis.APPEAL:
        raise Conflict(
            N_(
                "This decision was taken on appeal and cannot be appealed again. Vetting "
                "officers may still review it, and new evidence reopens the case."
            ),
            code="appeal_final",
        )
    if lodged_on < local_time(decision.confirmed_at).date():
        raise ValidationFailed(
            fields={"lodged_on": N_("An appeal cannot be lodged before the decision was taken.")}
        )
    if decision.appeal_closes_on is not None and lodged_on > decision.appeal_closes_on:
        raise Conflict(
            Text(
                N_(
                    "The time limit for appealing this decision passed on {date}: the appeal "
                    "cannot be recorded. Vetting officers may still review the decision, and "
                    "new evidence reopens the case."
                ),
                {"date": decision.appeal_closes_on.isoformat()},
            ),
            code="appeal_time_limit_passed",
        )
    changes: dict[str, Any] = {}
    if case.state == CaseState.DECIDED:
        changes = _move(session, actor, case, CaseState.REVIEW)
    review = Review(
        case_id=case.id,
        person_id=case.person_id,
        organisation_id=case.organisation_id,
        kind=str(ReviewKind.APPEAL),
        lodged_on=lodged_on,
        appealed_decision_id=decision.id,
        opened_by_id=actor.user_id,
        grounds=grounds,
    )
    session.add(review)
    session.flush()
    changes |= {
        "review_id": str(review.id),
        "kind": review.kind,
        "decision_id": str(decision.id),
        "lodged_on": lodged_on.isoformat(),
        "grounds": "<changed>",
    }
    _audit(session, actor, AuditAction.VETTING_APPEAL_LODGED, case, changes)
    return review


NOT_RECORDED = N_("Not recorded (decided before the standard of proof was recorded)")


def local_date(instant: datetime) -> date:
    """The calendar date of an instant where the programme works."""
    return local_time(instant).date()


@dataclass(frozen=True)
class Notice:
    """The decision notice: what the person may know of the decision in force, nothing of
    its confidential reasons."""

    case: VettingCase
    person: Person
    decision: Decision
    decided_on: date
    window: AppealWindow
    rights: Text


def notice(
    session: Session,
    actor: Actor,
    case_id: uuid.UUID,
    *,
    appeal_days: int = appeals.DEFAULT_APPEAL_DAYS,
) -> Notice:
    """The decision notice for the person (audited read): outcome, standard of proof, the
    reasons they may know, conditions, protection kept, and their right to appeal."""
    case = _case(session, actor, case_id, Permission.VETTING_READ)
    decision = repository.decision_in_force(session, case.id)
    if decision is None:
        raise Conflict(N_("There is no decision in force: there is no notice to give."))
    person = person_by_id(session, case.person_id)
    if person is None:
        raise NotFound
    current = appeal_window(session, case)
    _audit(
        session, actor, AuditAction.VETTING_NOTICE_VIEWED, case, {"decision_id": str(decision.id)}
    )
    return Notice(
        case=case,
        person=person,
        decision=decision,
        decided_on=local_date(decision.confirmed_at or decision.proposed_at),
        window=current,
        rights=appeals.appeal_rights(current, appeal_days),
    )


def notice_language(notice: Notice, asked: str | None, reader: str) -> str:
    """The notice's language: the one asked for, else the one the person was told in, else
    the reader's. A language Haven does not have is refused (422)."""
    if asked:
        if asked not in LANGUAGES:
            raise ValidationFailed(fields={"language": N_("Choose one of the options.")})
        return asked
    return notice.decision.notice_language or reader


OUTCOMES = tuple(Outcome)
