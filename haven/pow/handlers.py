"""What the pow domain does when another domain's event happens (docs/architecture.md)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from haven.kernel.events import handles
from haven.people.public import PersonErased
from haven.pow import repository
from haven.security.permissions import Actor


@handles(
    PersonErased,
    clears=(
        "pow_records",
        "pow_deaths",
        "pow_medical_inspections",
        "pow_voluntariness_checks",
        "pow_risk_assessments",
    ),
)
def erase_prisoner_records(session: Session, actor: Actor, event: PersonErased) -> None:
    """Blank the prisoner's identity and the classified values recorded about them."""
    repository.erase_person(session, event.person_id)
