"""What an agreement says about allowances, for the allowances domain to read.

`allowance_terms_for_person(session, person_id)` (defined below by the agreements domain)
returns the terms of the agreement the person arrived under, or None.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from sqlalchemy import select
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class AllowanceTerms:
    agreement_id: uuid.UUID
    plan_version_id: uuid.UUID | None  # the defection-plan version the agreement refers to
    # Component code -> amount in minor units of that component's currency, overriding the plan.
    overrides: Mapping[str, int] = field(default_factory=dict)


# Agreements whose terms bind: a draft, a negotiation or a cancelled agreement promises
# nothing, so the plan's defaults apply. Someone who crossed under an agreement that later
# collapsed (the rest of the unit never came) keeps what they were promised.
BINDING_STATES = frozenset({"finalized", "executing", "completed"})
BINDING_FOR_ARRIVALS = BINDING_STATES | {"collapsed"}


def allowance_terms_for_person(session: Session, person_id: uuid.UUID) -> AllowanceTerms | None:
    """The allowance terms of the agreement the person arrived under, or None.

    The person's agreement is the one of their arrival (crossing desk or linked afterwards),
    else the `agreement_id` of their latest reception event. Only a finalized, executing or
    completed agreement binds. No permission check: this reads no identity, only the plan
    version and the overrides, for a service of the allowances domain that checks its own.
    """
    from haven.agreements.models import Agreement, Arrival
    from haven.reception.models import ReceptionEvent

    agreement_id = session.scalars(
        select(Arrival.agreement_id)
        .where(Arrival.person_id == person_id)
        .order_by(Arrival.created_at.desc())
        .limit(1)
    ).first()
    binding = BINDING_FOR_ARRIVALS
    if agreement_id is None:
        binding = BINDING_STATES
        agreement_id = session.scalars(
            select(ReceptionEvent.agreement_id)
            .where(ReceptionEvent.person_id == person_id, ReceptionEvent.agreement_id.is_not(None))
            .order_by(ReceptionEvent.received_on.desc(), ReceptionEvent.created_at.desc())
            .limit(1)
        ).first()
    if agreement_id is None:
        return None
    agreement = session.get(Agreement, agreement_id)
    if agreement is None or agreement.status not in binding:
        return None
    overrides = {str(k): int(v) for k, v in (agreement.allowance_overrides or {}).items()}
    return AllowanceTerms(
        agreement_id=agreement.id,
        plan_version_id=agreement.plan_version_id,
        overrides=MappingProxyType(overrides),
    )
