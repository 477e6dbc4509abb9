"""Test helpers other domains may use: clear a person through the real vetting service.

`clear_person(db, person_id)` takes the person's case through hearing (when there are hits),
assessment, a proposal by one vetting officer and a confirmation by a second one, each with
a fresh login session, exactly as the pages do.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.accounts import sessions
from haven.accounts.models import Organisation, User
from haven.config import Settings
from haven.db.types import utcnow
from haven.people.models import Person
from haven.security.permissions import Actor, Role
from haven.vetting import cases
from haven.vetting.lifecycle import (
    CaseState,
    Outcome,
    Protection,
    ReviewKind,
    StandardOfProof,
)
from haven.vetting.models import ScreeningHit, VettingCase
from haven.vetting.schemas import AssessmentIn, DecisionIn, HearingIn, ReviewIn
from haven.vetting.screening import screen_person
from tests import factories as f

# Real Argon2id with small costs: these officers are made often in other domains' tests.
_SETTINGS = Settings(
    database_url="sqlite://", argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1
)


def officer(db: Session, organisation_id: uuid.UUID, *, username: str | None = None) -> User:
    """A vetting officer of the organisation."""
    organisation = db.get(Organisation, organisation_id)
    assert organisation is not None
    return f.user(
        db,
        organisation=organisation,
        role=Role.VETTING_OFFICER,
        username=username,
        settings=_SETTINGS,
    )


def officers(db: Session, organisation_id: uuid.UUID) -> tuple[User, User]:
    """Two vetting officers of the organisation: existing ones reused, missing ones made."""
    found = list(
        db.scalars(
            select(User)
            .where(
                User.organisation_id == organisation_id,
                User.role == str(Role.VETTING_OFFICER),
                User.is_active.is_(True),
            )
            .order_by(User.created_at)
            .limit(2)
        )
    )
    while len(found) < 2:
        found.append(officer(db, organisation_id))
    return found[0], found[1]


def fresh_actor(db: Session, user: User, settings: Settings | None = None) -> Actor:
    """The user as the actor of a request whose login session has just authenticated."""
    token, _login = sessions.start(db, user, settings or _SETTINGS, second_factor="totp")
    return sessions.resolve(db, token, settings or _SETTINGS).actor


def case_of(db: Session, person_id: uuid.UUID) -> VettingCase:
    case = db.scalar(select(VettingCase).where(VettingCase.person_id == person_id))
    if case is None:
        screen_person(db, person_id)
        case = db.scalar(select(VettingCase).where(VettingCase.person_id == person_id))
    assert case is not None
    return case


def clear_person(
    db: Session,
    person_id: uuid.UUID,
    *,
    first: User | None = None,
    second: User | None = None,
    outcome: Outcome = Outcome.CLEARED,
    conditions: str | None = None,
    mechanism: str | None = None,
    protection: Protection | None = None,
) -> VettingCase:
    """Decide the person's case (cleared by default) with two different vetting officers."""
    person = db.get(Person, person_id)
    assert person is not None
    if first is None or second is None:
        one, two = officers(db, person.organisation_id)
        first = first or (two if second is not None and second.id == one.id else one)
        second = second or (two if first.id == one.id else one)
    case = case_of(db, person_id)
    proposer = fresh_actor(db, first)
    if case.state == CaseState.DECIDED:
        cases.open_review(
            db,
            proposer,
            case.id,
            ReviewIn(kind=ReviewKind.REVIEW, grounds="Decision re-examined in a test."),
        )
    if case.state == CaseState.PROPOSED:
        cases.withdraw_proposal(db, proposer, case.id)
    has_hits = db.scalar(select(ScreeningHit.id).where(ScreeningHit.case_id == case.id).limit(1))
    if case.state == CaseState.PENDING and has_hits:
        cases.start_interview(db, proposer, case.id)
    if case.state == CaseState.INTERVIEW:
        cases.record_hearing(
            db,
            proposer,
            case.id,
            HearingIn(held_on=utcnow().date(), statement="Heard in a test; denies the allegation."),
        )
    if case.state in (CaseState.PENDING, CaseState.INTERVIEW):
        cases.assess(db, proposer, case.id, AssessmentIn(assessment="Assessed in a test."))
    cases.propose_decision(
        db,
        proposer,
        case.id,
        DecisionIn(
            outcome=outcome,
            standard_of_proof=StandardOfProof.BALANCE_OF_PROBABILITIES,
            reasons="Decided in a test.",
            disclosed_reasons="Decided in a test (what the person may know).",
            conditions=conditions
            or ("Reports monthly." if outcome is Outcome.CLEARED_WITH_CONDITIONS else None),
            mechanism=mechanism or ("Test tribunal" if outcome is Outcome.REFERRED else None),
            protection=protection
            or (Protection.PRISONER_OF_WAR if outcome is Outcome.REFERRED else None),
        ),
    )
    cases.confirm_decision(db, fresh_actor(db, second), case.id)
    return case
