from __future__ import annotations

from sqlalchemy.orm import Session

from haven.agreements import crossing, repository, service
from haven.agreements.schemas import AgreementStatus, AgreementUpdate, DeskRegistration
from haven.agreements.terms import allowance_terms_for_person
from haven.config import Settings
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
