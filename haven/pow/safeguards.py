"""Non-refoulement: no transfer, release or handover of anyone to the party they left,
without exception, and a risk assessment recorded before every one (docs/pow.md).

The party a person left is the force they came from, as reception recorded it: each
reception's origin force, or the force of its origin unit. A movement names the party that
receives the person (`receiving_force_id`; none when they stay in the detaining
organisation's custody or go free without being handed to anyone); a party they left is
refused whatever the assessment says.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.orm import Session

from haven.errors import Conflict, ValidationFailed
from haven.forces.public import list_forces, units_by_id
from haven.i18n import N_, Text
from haven.pow.models import PowRecord, RiskAssessment
from haven.pow.schemas import Movement, RiskAssessmentIn, RiskConclusion
from haven.reception.public import receptions_by_person
from haven.security.permissions import Actor

PARTY_LEFT = N_(
    "This person cannot be transferred, released or handed over to the party they left, "
    "whatever the circumstances: choose a receiving party other than the one they came from, "
    "or keep them in this organisation's care."
)
REAL_RISK = N_(
    "The risk assessment found a real risk of serious harm: the person cannot be moved there. "
    "Choose another destination, or keep them where they are."
)


def parties_left(session: Session, person_id: uuid.UUID) -> frozenset[uuid.UUID]:
    """The forces the person came from, from every reception (origin force, else the force
    of the origin unit)."""
    events = receptions_by_person(session, [person_id])[person_id]
    units = units_by_id(session, [e.origin_unit_id for e in events if e.origin_force_id is None])
    found: set[uuid.UUID] = set()
    for event in events:
        if event.origin_force_id is not None:
            found.add(event.origin_force_id)
        elif event.origin_unit_id in units:
            found.add(units[event.origin_unit_id].force_id)
    return frozenset(found)


def refuse_party_left(session: Session, person_id: uuid.UUID, force_id: uuid.UUID | None) -> None:
    """A 409 when `force_id` is a party the person left; nothing otherwise."""
    if force_id is not None and force_id in parties_left(session, person_id):
        raise Conflict(PARTY_LEFT)


def assess(
    session: Session,
    actor: Actor,
    record: PowRecord,
    movement: Movement,
    data: RiskAssessmentIn,
    *,
    moved_on: date,
) -> RiskAssessment:
    """Check and keep the risk assessment of one movement (added to the session, not yet
    flushed): the party they left is refused (409) first, then every missing item is named
    (422), then a real risk found refuses the movement (409)."""
    refuse_party_left(session, record.person_id, data.receiving_force_id)
    fields: dict[str, Text | str] = {}
    if data.receiving_force_id is not None and data.receiving_force_id not in {
        force.id for force in list_forces(session, actor)
    }:
        fields["receiving_force_id"] = N_("Choose a receiving party from the list.")
    if not data.risk_assessed_by:
        fields["risk_assessed_by"] = N_("Name who assessed the risks (name and role).")
    if not data.risks:
        fields["risks"] = N_("Tick each risk the assessment considered.")
    if data.risk_conclusion is None:
        fields["risk_conclusion"] = N_("Record the conclusion of the risk assessment.")
    if data.risk_assessed_on > moved_on:
        fields["risk_assessed_on"] = N_("The risks are assessed before the person is moved.")
    if fields:
        raise ValidationFailed(fields=fields)
    if data.risk_conclusion is RiskConclusion.REAL_RISK:
        raise Conflict(REAL_RISK)
    assessment = RiskAssessment(
        pow_id=record.id,
        person_id=record.person_id,
        organisation_id=record.organisation_id,
        movement=str(movement),
        receiving_force_id=data.receiving_force_id,
        assessed_by=data.risk_assessed_by or "",
        assessed_on=data.risk_assessed_on,
        risks=sorted({str(r) for r in data.risks}),
        conclusion=str(data.risk_conclusion),
        recorded_by_id=actor.user_id,
    )
    session.add(assessment)
    assessment.notes = data.risk_notes
    return assessment


def assessment_changes(assessment: RiskAssessment) -> dict[str, object]:
    """What the audit event of a movement says of its assessment (never the notes' text)."""
    return {
        "risk_assessment_id": str(assessment.id),
        "receiving_force_id": (
            str(assessment.receiving_force_id) if assessment.receiving_force_id else None
        ),
        "risks": assessment.risks,
        "conclusion": assessment.conclusion,
        "assessed_by": assessment.assessed_by,
        "assessed_on": assessment.assessed_on.isoformat(),
    }
