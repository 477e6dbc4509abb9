"""Who was received under an agreement, asked of the agreements domain.

A plan for an agreement moves the relatives of the people received under it; the agreements
domain sits above this one, so it answers through this port, registered when `haven.wiring`
loads `haven.agreements.handlers` (as the allowances answer `haven.kernel.plan_choices`).
Asking before that raises `NotWired`. The answer carries ids and the agreement's reference,
never its code name or terms.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from haven.kernel.events import NotWired


@dataclass(frozen=True)
class AgreementPeople:
    agreement_id: uuid.UUID
    organisation_id: uuid.UUID
    reference: str
    person_ids: frozenset[uuid.UUID]


Finder = Callable[[Session, uuid.UUID], AgreementPeople | None]
ReferenceFinder = Callable[[Session, list[uuid.UUID]], dict[uuid.UUID, str]]

_finders: list[Finder] = []
_references: list[ReferenceFinder] = []


def finds_agreement_people(finder: Finder) -> Finder:
    """Register the agreements domain's answer (latest wins)."""
    _finders[:] = [finder]
    return finder


def finds_agreement_references(finder: ReferenceFinder) -> ReferenceFinder:
    """Register the agreements domain's references by id (latest wins)."""
    _references[:] = [finder]
    return finder


def agreement_people(session: Session, agreement_id: uuid.UUID) -> AgreementPeople | None:
    """The agreement (any organisation: the caller checks the scope) and the people received
    under it, or None when there is no such agreement."""
    if not _finders:
        raise NotWired("agreement people asked before haven.wiring loaded the agreements domain")
    return _finders[0](session, agreement_id)


def agreement_references(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The agreements' references (A-…) by id, batched."""
    if not _references:
        raise NotWired("agreement references asked before haven.wiring loaded agreements")
    return _references[0](session, ids) if ids else {}
