"""Events the agreements domain publishes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from haven.kernel.events import Event


@dataclass(frozen=True)
class AgreementTermsSet(Event):
    """An agreement's terms were written or changed. The allowances domain, which owns the
    defection plan, refuses a reference to a plan version that does not exist."""

    agreement_id: uuid.UUID
    plan_version_id: uuid.UUID | None
