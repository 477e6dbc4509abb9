"""The demo programme's legal framework: Karenni is a non-international armed conflict, and
the demo interim council applies the Third Geneva Convention's standards by its own unilateral
declaration (synthetic: the date and reference below are invented for the demo). Safe to run
twice: an organisation whose framework is recorded already is left as it is."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from haven.accounts.models import Organisation
from haven.programme.public import (
    Commitment,
    Conflict,
    LegalFrameworkIn,
    framework_of,
    set_legal_framework,
)
from haven.security.permissions import Actor

DECLARATION = LegalFrameworkIn(
    conflict=Conflict.NON_INTERNATIONAL,
    commitment_kind=Commitment.UNILATERAL_DECLARATION,
    commitment_date=date(2023, 6, 20),
    commitment_reference="Declaration on the treatment of detained persons (demo, synthetic)",
)


def seed_programme(session: Session, organisations: list[Organisation]) -> int:
    """Record the demo framework for each demo organisation that holds people (not the
    civil-society partner) and has none yet; the number set."""
    actor = Actor.system("demo")
    count = 0
    for organisation in organisations:
        if organisation.kind == "partner" or framework_of(session, organisation.id).recorded:
            continue
        set_legal_framework(session, actor, DECLARATION, organisation_id=organisation.id)
        count += 1
    return count
