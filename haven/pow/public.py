"""The pow domain's public surface: the only module other domains may import
(docs/architecture.md, "Between domains").

Other domains learn of a prisoner's status changing from `PrisonerStatusChanged`.
"""

from __future__ import annotations

from haven.pow.events import PrisonerStatusChanged
from haven.pow.lifecycle import PowStatus
from haven.pow.repository import has_places, record_of_person

__all__ = ["PowStatus", "PrisonerStatusChanged", "has_places", "record_of_person"]
