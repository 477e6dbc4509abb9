"""What a prisoner's custody may do, asked of the person's standing (docs/standing.md).

The prisoner-of-war registry (`haven.pow`) moves people: it transfers them, releases and
repatriates them, and prints their capture cards. Each of these asks the person's standing
first. The standing sits above pow (it reads pow's records, with vetting's decision and the
person's age), so pow cannot import it: the standing answers through this port instead,
registered when `haven.wiring` loads `haven.standing.handlers`, as event handlers are. Asking
before that raises `NotWired`, so no check can be silently skipped.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from enum import StrEnum

from sqlalchemy.orm import Session

from haven.errors import Conflict
from haven.i18n import Text
from haven.kernel.events import NotWired


class CustodyAct(StrEnum):
    """What custody may do to a person, each asked of their standing."""

    TRANSFER = "transfer"
    RELEASE = "release"
    REPATRIATION = "repatriation"
    CAPTURE_CARD = "capture_card"


Answer = Callable[[Session, uuid.UUID, CustodyAct], Text | None]

_answers: list[Answer] = []


def answers(answer: Answer) -> Answer:
    """Register the function that answers (the standing's; one only, the latest wins)."""
    _answers[:] = [answer]
    return answer


def refusal(session: Session, person_id: uuid.UUID, act: CustodyAct) -> Text | None:
    """Why the person's standing refuses `act` (None when it allows it)."""
    if not _answers:
        raise NotWired(f"custody act {act} asked before haven.wiring loaded the standing")
    return _answers[0](session, person_id, act)


def require_allowed(session: Session, person_id: uuid.UUID, act: CustodyAct) -> None:
    """A Conflict (409, code `standing_refuses`) naming the standing when it refuses `act`."""
    found = refusal(session, person_id, act)
    if found is not None:
        raise Conflict(found, code="standing_refuses")
