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


@dataclass(frozen=True)
class ReceptionCorrected(Event):
    """A reception was corrected after the fact (`reception.corrections.correct_reception`),
    or weapons were added to it later (`add_weapons_later`, fields: "weapons"): `fields` names
    what changed (never the values). Subscribers: matching indexes the person again (the unit
    is in their comparison profile), allowances recompute what is owed (rank, weapons). A
    correction of the names or the year of birth also publishes people's `PersonChanged`."""

    person_id: uuid.UUID
    reception_id: uuid.UUID
    organisation_id: uuid.UUID
    fields: frozenset[str]


@dataclass(frozen=True)
class ChildHandedOver(Event):
    """A child was handed over to child protection (`reception.service.record_child_handover`):
    the deadline no longer runs. Subscribers: pathways closes the case's child-protection
    task."""

    person_id: uuid.UUID
    reception_id: uuid.UUID
    organisation_id: uuid.UUID
