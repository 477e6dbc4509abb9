"""What an agreement says about allowances, for the allowances domain to read (through
`haven.agreements.public`): the defection-plan version it refers to and its overrides."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from sqlalchemy.orm import Session

from haven.agreements import repository
from haven.agreements.lifecycle import BINDING_FOR_ARRIVALS, BINDING_STATES
from haven.agreements.models import Agreement
from haven.reception.public import latest_agreement_id, receptions_by_person


@dataclass(frozen=True)
class AllowanceTerms:
    agreement_id: uuid.UUID
    plan_version_id: uuid.UUID | None  # the defection-plan version the agreement refers to
    terms_on: date  # the date the terms were fixed: rank equivalence is taken on this date
    # Component code -> amount in minor units of that component's currency, overriding the plan.
    overrides: Mapping[str, int] = field(default_factory=dict)


def terms_date(agreement: Agreement) -> date:
    """The date an agreement's terms were fixed: its finalization (the second named
    approver's approval). An agreement finalized before Haven recorded that moment falls back
    on its last change of state."""
    fixed = agreement.finalized_at or agreement.status_changed_at
    return fixed.date()


def binding_agreement(session: Session, person_id: uuid.UUID) -> Agreement | None:
    """The agreement whose terms bind for the person, or None.

    The person's agreement is the one of their arrival (crossing desk or linked afterwards),
    else the `agreement_id` of their latest reception event. Only a finalized, executing or
    completed agreement binds (and a collapsed one, for those who arrived under it).
    """
    agreement_id = repository.latest_arrival_agreement(session, person_id)
    binding = BINDING_FOR_ARRIVALS
    if agreement_id is None:
        binding = BINDING_STATES
        agreement_id = latest_agreement_id(session, person_id)
    if agreement_id is None:
        return None
    agreement = repository.agreement(session, agreement_id)
    if agreement is None or agreement.status not in binding:
        return None
    return agreement


def _terms(agreement: Agreement) -> AllowanceTerms:
    overrides = {str(k): int(v) for k, v in (agreement.allowance_overrides or {}).items()}
    return AllowanceTerms(
        agreement_id=agreement.id,
        plan_version_id=agreement.plan_version_id,
        terms_on=terms_date(agreement),
        overrides=MappingProxyType(overrides),
    )


def allowance_terms_for_person(session: Session, person_id: uuid.UUID) -> AllowanceTerms | None:
    """The allowance terms of the agreement the person arrived under (`binding_agreement`),
    or None. No permission check: this reads no identity, only the plan version and the
    overrides, for a service of the allowances domain that checks its own.
    """
    agreement = binding_agreement(session, person_id)
    return _terms(agreement) if agreement is not None else None


def allowance_terms_for_people(
    session: Session, person_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, AllowanceTerms]:
    """`allowance_terms_for_person` for many persons in a few queries (the arrivals, the
    receptions of those without one, the agreements): person id -> their terms, for those
    whom an agreement binds (the others are absent). The same contract and the same rule
    (`binding_agreement`): no permission check, no identity read."""
    wanted = list(dict.fromkeys(person_ids))
    arrived = repository.latest_arrival_agreements(session, wanted)
    # The agreement named by the latest reception that names one, for those without arrival.
    named: dict[uuid.UUID, uuid.UUID] = {}
    others = [person_id for person_id in wanted if person_id not in arrived]
    for person_id, events in receptions_by_person(session, others).items():
        for event in events:  # oldest first: the last one naming an agreement wins
            if event.agreement_id is not None:
                named[person_id] = event.agreement_id
    agreements = repository.Agreements(session).many([*arrived.values(), *named.values()])
    found: dict[uuid.UUID, AllowanceTerms] = {}
    for person_id in wanted:
        if person_id in arrived:
            agreement, binding = agreements.get(arrived[person_id]), BINDING_FOR_ARRIVALS
        elif person_id in named:
            agreement, binding = agreements.get(named[person_id]), BINDING_STATES
        else:
            continue
        if agreement is not None and agreement.status in binding:
            found[person_id] = _terms(agreement)
    return found
