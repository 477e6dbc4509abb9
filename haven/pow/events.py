"""Events the prisoner-of-war registry publishes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from haven.kernel.events import Event


@dataclass(frozen=True)
class PrisonerStatusChanged(Event):
    """A prisoner's status changed (escaped, interned again, released, repatriated, deceased,
    defected): published by `haven.pow.service.move`. `previous` and `status` are `PowStatus`
    values."""

    pow_record_id: uuid.UUID
    person_id: uuid.UUID
    previous: str
    status: str
