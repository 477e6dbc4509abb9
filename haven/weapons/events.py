"""Events the weapons domain publishes (handled in other domains' `handlers.py`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from haven.kernel.events import Event


@dataclass(frozen=True)
class WeaponsReceivedChanged(Event):
    """What a person's weapons count as received changed: an item was taken into a store
    (with the serviceability assessed there) or marked not received. Subscribers:
    allowances recompute the weapon reward."""

    person_id: uuid.UUID
    organisation_id: uuid.UUID
