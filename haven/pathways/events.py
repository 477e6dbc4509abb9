"""Events the pathways domain publishes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from haven.kernel.events import Event


@dataclass(frozen=True)
class PathwayChosen(Event):
    """A person's choice of pathway (serve, home, exile…) was recorded."""

    person_id: uuid.UUID
    choice_id: uuid.UUID
    pathway: str
