"""Events the vetting domain publishes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from haven.kernel.events import Event


@dataclass(frozen=True)
class VettingOutcomeDecided(Event):
    """A vetting decision came into force (confirmed by the second officer, or on review)."""

    person_id: uuid.UUID
    case_id: uuid.UUID
    outcome: str  # an `Outcome` value (haven.vetting.lifecycle)
