"""Events the protection domain publishes (handled in other domains' `handlers.py`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from haven.kernel.events import Event


@dataclass(frozen=True)
class DeviceCompromised(Event):
    """A field laptop was reported lost or seized in a security incident: synchronisation
    revokes its node at once (whoever reported it: speed over ceremony) and hands back what
    it held (`protection.public.record_device_holdings`). `node` is the laptop's name or id
    as the reporter gave it; a handler that cannot find it refuses the incident on that
    field."""

    incident_id: uuid.UUID
    organisation_id: uuid.UUID
    node: str
    seized: bool
