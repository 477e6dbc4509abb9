"""Events the people domain publishes (handled in other domains' `handlers.py`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from haven.kernel.events import Event


@dataclass(frozen=True)
class PersonChanged(Event):
    """A person's identity changed (names, birth, NRC, service number…): re-index, re-screen.
    `fields` names what changed, never the values."""

    person_id: uuid.UUID
    fields: frozenset[str]


@dataclass(frozen=True)
class FamilyChanged(Event):
    """A relative of the person was added, corrected or removed (`removed`): allowances
    recount the dependants; movement plans drop a removed relative."""

    person_id: uuid.UUID
    organisation_id: uuid.UUID
    member_id: uuid.UUID
    removed: bool = False


@dataclass(frozen=True)
class PersonErased(Event):
    """A person was erased (right to erasure, retention): every domain clears its rows about
    them. Handlers declare the tables they clear (`@handles(PersonErased, clears=(...))`)."""

    person_id: uuid.UUID
