"""Events the reception domain publishes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from haven.kernel.events import Event


@dataclass(frozen=True)
class PersonReceived(Event):
    """A person was received (a reception event recorded: defection, surrender, capture)."""

    person_id: uuid.UUID
    reception_id: uuid.UUID
