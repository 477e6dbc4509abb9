"""The vetting domain's public surface: the only module other domains may import
(docs/architecture.md, "Between domains").

Other domains learn a person's vetting status, never allegations or hits; they learn of a
decision coming into force from `VettingOutcomeDecided`.
"""

from __future__ import annotations

from haven.vetting.events import VettingOutcomeDecided
from haven.vetting.lifecycle import Outcome
from haven.vetting.repository import has_incidents
from haven.vetting.screening import screen_person
from haven.vetting.status import (
    PAYABLE,
    STATUS_LABELS,
    VettingStatus,
    vetting_status,
    vetting_statuses,
)

__all__ = [
    "PAYABLE",
    "STATUS_LABELS",
    "Outcome",
    "VettingOutcomeDecided",
    "VettingStatus",
    "has_incidents",
    "screen_person",
    "vetting_status",
    "vetting_statuses",
]
