"""Retention: an administrator sets until when a person's record is kept; past it, erased.

The rule is a date on the person (`retention_until`), set by an administrator of the
person's organisation (or the operator at the command line); `haven person apply-retention`
(run daily, e.g. from cron or a systemd timer) erases every person whose date has passed,
through `haven.people.erasure.erase_person`, ledgered like any erasure. No date: kept.
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.errors import NotFound
from haven.kernel.clock import local_today
from haven.people import repository
from haven.people.erasure import erase_person
from haven.security.permissions import Actor, Permission, in_scope, require

# Administrators manage sites and users; setting retention is part of running the
# organisation's data, not of working a case. (A dedicated permission may replace this.)
RETENTION_PERMISSION = Permission.USER_MANAGE
RETENTION_REASON = "retention period ended"


def set_retention(
    session: Session, actor: Actor, person_id: uuid.UUID, until: date | None
) -> date | None:
    """Set (or clear, with None) the date after which the person is erased; audited."""
    person = repository.person_by_id(session, person_id)
    if person is None:
        raise NotFound
    require(actor, RETENTION_PERMISSION, person)
    before = person.retention_until
    person.retention_until = until
    if before != until:
        session.flush()
        audit.record(
            session,
            actor,
            AuditAction.PERSON_RETENTION_SET,
            subject_type="person",
            subject_id=person.id,
            organisation_id=person.organisation_id,
            changes=audit.diff({"retention_until": before}, {"retention_until": until}),
        )
    return until


def apply_retention(
    session: Session, actor: Actor, *, today: date | None = None, ledger: Path | None = None
) -> list[uuid.UUID]:
    """Erase every person whose retention date is before `today`; their ids."""
    today = today or local_today()
    erased: list[uuid.UUID] = []
    for person_id in repository.due_for_retention(session, today):
        person = repository.person_by_id(session, person_id)
        if person is None or not in_scope(actor, person):
            continue
        erase_person(session, actor, person_id, reason=RETENTION_REASON, ledger=ledger)
        erased.append(person_id)
    return erased
