"""The versions of the defection plan an agreement may refer to, asked of the allowances domain.

An agreement names a plan version (`Agreement.plan_version_id`); the plan belongs to the
allowances domain, which sits above agreements, so the agreement's forms cannot import it. The
allowances domain answers through this port instead, registered when `haven.wiring` loads
`haven.allowances.handlers` (as `custody` is answered by the standing). Asking before that
raises `NotWired`. The answer carries what a form shows (name, number, date, state), never an
amount.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from haven.kernel.events import NotWired
from haven.security.permissions import Actor


@dataclass(frozen=True)
class PlanChoice:
    id: uuid.UUID
    name: str
    number: int
    effective_from: date
    status_label: str  # an English msgid: the template translates it


Lister = Callable[[Session, Actor], Sequence[PlanChoice]]

_listers: list[Lister] = []


def lists(lister: Lister) -> Lister:
    """Register the function that lists the versions (the allowances domain's; latest wins)."""
    _listers[:] = [lister]
    return lister


def plan_choices(session: Session, actor: Actor) -> Sequence[PlanChoice]:
    """The plan versions of the actor's organisation, newest first (no permission check
    beyond the organisation: a negotiator picks the version an agreement refers to)."""
    if not _listers:
        raise NotWired("plan versions asked before haven.wiring loaded the allowances domain")
    return _listers[0](session, actor)
