"""What an agreement says about allowances, for the allowances domain to read.

`allowance_terms_for_person(session, person_id)` (defined below by the agreements domain)
returns the terms of the agreement the person arrived under, or None.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class AllowanceTerms:
    agreement_id: uuid.UUID
    plan_version_id: uuid.UUID | None  # the defection-plan version the agreement refers to
    # Component code -> amount in minor units of that component's currency, overriding the plan.
    overrides: Mapping[str, int] = field(default_factory=dict)
