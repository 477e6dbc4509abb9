"""Events the reception domain publishes (handled in other domains' `handlers.py`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from haven.kernel.events import Event


@dataclass(frozen=True)
class PersonReceived(Event):
    """A person was received (a reception event recorded: defection, surrender, capture, or
    a child), published by `reception.service.receive` once the person, the event and the
    weapons handed over are flushed. Subscribers: matching indexes the person and queues
    likely duplicates, vetting screens them, pathways opens a child's case and its
    child-protection task."""

    person_id: uuid.UUID
    reception_id: uuid.UUID
    organisation_id: uuid.UUID
    classification: str  # a `Classification` value ("child" for a child)
