"""The standing answers the questions lower domains ask it through kernel ports: what custody
may do to a prisoner (`haven.kernel.custody`). Loaded by `haven.wiring`."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from haven.i18n import Text
from haven.kernel import custody
from haven.kernel.custody import CustodyAct
from haven.standing.rules import custody_refusal
from haven.standing.service import standing_of


@custody.answers
def answer_custody(session: Session, person_id: uuid.UUID, act: CustodyAct) -> Text | None:
    """Why the person's standing refuses `act` (None when it allows it)."""
    return custody_refusal(standing_of(session, person_id), act)
