"""The demo sets Karenni's framework: a non-international armed conflict, GC III standards
applied by the armed group's unilateral declaration; loading it twice changes nothing."""

from __future__ import annotations

from sqlalchemy.orm import Session

from haven.config import Settings
from haven.demo.accounts import seed_accounts
from haven.demo.programme import seed_programme
from haven.programme.public import Commitment, Conflict, framework_of


def test_demo_framework_is_non_international_by_declaration(
    db: Session, fast_settings: Settings
) -> None:
    result = seed_accounts(db, fast_settings)
    assert seed_programme(db, result.organisations) == 2
    council, pag, partner = result.organisations
    for organisation in (council, pag):
        framework = framework_of(db, organisation.id)
        assert framework.conflict is Conflict.NON_INTERNATIONAL
        assert framework.commitment_kind is Commitment.UNILATERAL_DECLARATION
        assert "synthetic" in (framework.commitment_reference or "")
        assert framework.status_line.en.startswith("Person detained in relation to the conflict")
    assert framework_of(db, partner.id).recorded is False
    assert seed_programme(db, result.organisations) == 0
