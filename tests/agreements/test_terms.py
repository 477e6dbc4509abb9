from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy.orm import Session

from haven.agreements import crossing, repository, service
from haven.agreements.lifecycle import AgreementStatus
from haven.agreements.public import allowance_terms_for_person
from haven.agreements.schemas import AgreementCreate, AgreementUpdate, DeskRegistration
from haven.allowances import plans
from haven.config import Settings
from haven.errors import ValidationFailed
from haven.security.permissions import Actor
from tests import factories as f
from tests.agreements.helpers import draft, executing, team


def test_the_allowance_terms_follow_the_agreement_a_person_arrived_under(
    db: Session, fast_settings: Settings
) -> None:
    t = team(db, fast_settings)
    agreement = draft(db, t)
    service.update(
        db,
        t.negotiator,
        agreement.id,
        AgreementUpdate.model_validate({"allowance_overrides": {"monthly": 150000}}),
    )
    assert agreement.allowance_overrides == {"monthly": 150000}
    running = executing(db, t, size=2)
    running.allowance_overrides = {"monthly": 120000, "weapon_bonus": 50000}
    entry = repository.roll_of(db, running.id)[0]
    done = crossing.register_arrival(
        db,
        t.registrar,
        running.id,
        DeskRegistration(idempotency_key="terms-0001", roll_entry_id=entry.id),
    )
    terms = allowance_terms_for_person(db, done.arrival.person_id)
    assert terms is not None
    assert terms.agreement_id == running.id
    assert terms.plan_version_id is None
    assert dict(terms.overrides) == {"monthly": 120000, "weapon_bonus": 50000}
    alone = f.receive(db, t.registrar, name_latin="Came Alone")
    assert allowance_terms_for_person(db, alone.person_id) is None  # type: ignore[attr-defined]
    service.transition(db, t.negotiator, running.id, AgreementStatus.COLLAPSED)
    # Those who crossed keep what they were promised when the rest of the unit never came.
    assert allowance_terms_for_person(db, done.arrival.person_id) == terms


def test_an_agreement_refers_only_to_a_plan_version_that_exists(
    db: Session, fast_settings: Settings
) -> None:
    """The allowances domain owns the plan: its handler of AgreementTermsSet refuses an
    unknown version, on creation and on update, and nothing is written."""
    t = team(db, fast_settings)
    unknown = str(uuid.uuid4())
    before = len(repository.agreements(db, t.negotiator))
    with pytest.raises(ValidationFailed) as refused:
        service.create(
            db,
            t.negotiator,
            AgreementCreate.model_validate({"code_name": "Op Ghost", "plan_version_id": unknown}),
        )
    assert refused.value.fields == {"plan_version_id": "Choose a version of the defection plan."}
    assert len(repository.agreements(db, t.negotiator)) == before
    agreement = draft(db, t)
    with pytest.raises(ValidationFailed) as refused:
        service.update(
            db,
            t.negotiator,
            agreement.id,
            AgreementUpdate.model_validate({"plan_version_id": unknown}),
        )
    assert "plan_version_id" in refused.value.fields
    assert agreement.plan_version_id is None
    version = plans.create_version(
        db, Actor.system(), name="Plan", effective_from=date(2026, 1, 1), organisation_id=t.org.id
    )
    service.update(
        db,
        t.negotiator,
        agreement.id,
        AgreementUpdate.model_validate({"plan_version_id": str(version.id)}),
    )
    assert agreement.plan_version_id == version.id
