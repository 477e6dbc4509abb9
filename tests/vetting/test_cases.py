"""The vetting case: status, two-officer decisions, review, appeal, reopening."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.audit.models import AuditEvent
from haven.errors import Conflict
from haven.people.models import Person
from haven.security.permissions import Actor
from haven.vetting import cases
from haven.vetting.lifecycle import CaseState, Outcome, Protection, ReviewKind, StandardOfProof
from haven.vetting.models import Decision
from haven.vetting.schemas import AssessmentIn, DecisionIn, HearingIn, ReviewIn
from haven.vetting.status import VettingStatus, vetting_status
from tests import factories as f
from tests.vetting.support import case_of, clear_person, fresh_actor, officer


def _person(db: Session, **fields: object) -> Person:
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    event = f.receive(db, Actor.system(), site_id=site.id, **fields)
    person = db.get(Person, event.person_id)  # type: ignore[attr-defined]
    assert person is not None
    return person


def test_a_person_without_a_case_is_pending(db: Session) -> None:
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    person = Person(organisation_id=org.id, site_id=site.id, name_latin="Nobody", name_key="x|")
    db.add(person)
    db.flush()
    assert vetting_status(db, person.id) is VettingStatus.PENDING


def test_reception_opens_a_pending_case_and_two_officers_clear(db: Session) -> None:
    person = _person(db)
    case = case_of(db, person.id)
    assert case.state == CaseState.PENDING
    assert vetting_status(db, person.id) is VettingStatus.PENDING
    clear_person(db, person.id)
    assert case.state == CaseState.DECIDED
    assert vetting_status(db, person.id) is VettingStatus.CLEARED


def test_one_officer_alone_cannot_decide(db: Session) -> None:
    person = _person(db)
    case = case_of(db, person.id)
    first = officer(db, person.organisation_id)
    actor = fresh_actor(db, first)
    cases.assess(db, actor, case.id, AssessmentIn(assessment="No hits."))
    cases.propose_decision(
        db,
        actor,
        case.id,
        DecisionIn(
            outcome=Outcome.CLEARED,
            standard_of_proof=StandardOfProof.BALANCE_OF_PROBABILITIES,
            reasons="No hits.",
            disclosed_reasons="Nothing links you to any incident.",
        ),
    )
    with pytest.raises(Conflict) as refused:
        cases.confirm_decision(db, fresh_actor(db, first), case.id)
    assert refused.value.code == "second_officer_required"
    assert vetting_status(db, person.id) is VettingStatus.PENDING
    second = fresh_actor(db, officer(db, person.organisation_id))
    cases.confirm_decision(db, second, case.id)
    assert vetting_status(db, person.id) is VettingStatus.CLEARED


def test_referral_names_mechanism_and_keeps_protection(db: Session) -> None:
    with pytest.raises(ValueError, match="justice mechanism"):
        DecisionIn(
            outcome=Outcome.REFERRED,
            standard_of_proof=StandardOfProof.REASONABLE_GROUNDS,
            reasons="x",
            disclosed_reasons="y",
            protection=Protection.DETAINEE,
        )
    person = _person(db)
    case = clear_person(
        db,
        person.id,
        outcome=Outcome.REFERRED,
        mechanism="Interim council tribunal",
        protection=Protection.DETAINEE,
    )
    decision = db.scalar(select(Decision).where(Decision.case_id == case.id))
    assert decision is not None
    assert (decision.mechanism, decision.protection) == ("Interim council tribunal", "detainee")
    assert vetting_status(db, person.id) is VettingStatus.REFERRED


def test_appeal_keeps_history_and_reopening_puts_allowances_on_hold(db: Session) -> None:
    person = _person(db)
    case = clear_person(db, person.id, outcome=Outcome.REFERRED)
    a, b = officer(db, person.organisation_id), officer(db, person.organisation_id)
    actor = fresh_actor(db, a)
    cases.open_review(db, actor, case.id, ReviewIn(kind=ReviewKind.APPEAL, grounds="New witness."))
    assert case.state == CaseState.REVIEW
    assert vetting_status(db, person.id) is VettingStatus.REFERRED  # in force meanwhile
    cases.record_hearing(
        db, actor, case.id, HearingIn(held_on=case.created_at.date(), statement="Not there.")
    )
    cases.propose_decision(
        db,
        actor,
        case.id,
        DecisionIn(
            outcome=Outcome.CLEARED_WITH_CONDITIONS,
            standard_of_proof=StandardOfProof.BALANCE_OF_PROBABILITIES,
            reasons="Alibi confirmed.",
            disclosed_reasons="Your account of where you were is confirmed.",
            conditions="Monthly check-in.",
        ),
    )
    cases.confirm_decision(db, fresh_actor(db, b), case.id)
    assert vetting_status(db, person.id) is VettingStatus.CLEARED_WITH_CONDITIONS
    history = db.scalars(
        select(Decision).where(Decision.case_id == case.id).order_by(Decision.proposed_at)
    ).all()
    assert [(d.basis, d.superseded_at is not None) for d in history] == [
        ("initial", True),
        ("appeal", False),
    ]
    cases.open_review(
        db, fresh_actor(db, a), case.id, ReviewIn(kind=ReviewKind.REOPEN, grounds="New video.")
    )
    assert case.state == CaseState.PENDING
    assert vetting_status(db, person.id) is VettingStatus.PENDING
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.subject_id == case.id)).all()
    assert "vetting.case_reopened" in actions
    assert "vetting.decision_confirmed" in actions


def test_illegal_moves_are_refused(db: Session) -> None:
    person = _person(db)
    case = case_of(db, person.id)
    actor = fresh_actor(db, officer(db, person.organisation_id))
    with pytest.raises(Conflict):
        cases.confirm_decision(db, actor, case.id)
    with pytest.raises(Conflict):
        cases.propose_decision(
            db,
            actor,
            case.id,
            DecisionIn(
                outcome=Outcome.CLEARED,
                standard_of_proof=StandardOfProof.REASONABLE_GROUNDS,
                reasons="x",
                disclosed_reasons="y",
            ),
        )
    with pytest.raises(Conflict):
        cases.open_review(db, actor, case.id, ReviewIn(grounds="x"))
    cases.start_interview(db, actor, case.id)
    with pytest.raises(Conflict, match="hearing"):
        cases.assess(db, actor, case.id, AssessmentIn(assessment="x"))
