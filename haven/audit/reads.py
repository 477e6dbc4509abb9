"""Reads of confidential fields, audited once per request (not once per field or per record).

The field reader (`haven.security.fields`) notes every confidential field it decrypts for the
acting reader — the subject it belongs to and the field's name and class, never its value.
At the end of a request the boundary (`haven.web.deps`) turns what was noted into one event,
`confidential.read`, naming the subjects, the fields and the route; subjects another event of
the same request already names (a `person.viewed`, an update) are left out, since that event
accounts for the request's dealing with them. Fields a service widens the reader for its own
rules (`unmasked`: screening, erasure) are shown to no one and are not noted.

The event is written in a short transaction of its own, after the request's transaction has
committed: on SQLite a read request's transaction never has to become a write (and wait for,
or fail on, the write lock), and if the event cannot be written the request fails instead of
answering unaudited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from haven.audit.actions import AuditAction
from haven.audit.models import AuditEvent
from haven.audit.service import record, take_audited_subjects
from haven.security.fields import take_reads
from haven.security.permissions import Actor


@dataclass(frozen=True)
class Reads:
    """What one request showed: subjects by kind, the fields (table.field) and their classes."""

    actor: Actor
    subjects: dict[str, list[uuid.UUID]]
    fields: list[str]
    classes: list[str]
    via: str

    def changes(self) -> dict[str, Any]:
        return {
            "via": self.via,
            "subjects": {kind: [str(i) for i in ids] for kind, ids in self.subjects.items()},
            "fields": self.fields,
            "classes": self.classes,
        }


def collect(session: Session, actor: Actor | None, via: str) -> Reads | None:
    """Take what the session noted; None when nothing confidential was shown unaccounted."""
    noted = take_reads(session)
    covered = take_audited_subjects(session)
    if actor is None or actor.is_system:
        return None  # the operator at the command line reads every field by design
    subjects: dict[str, set[uuid.UUID]] = {}
    fields: set[str] = set()
    classes: set[str] = set()
    for (kind, owner_id), seen in noted.items():
        if owner_id in covered:
            continue
        subjects.setdefault(kind, set()).add(owner_id)
        for name, level in seen:
            fields.add(name)
            classes.add(level)
    if not subjects:
        return None
    return Reads(
        actor=actor,
        subjects={kind: sorted(ids) for kind, ids in sorted(subjects.items())},
        fields=sorted(fields),
        classes=sorted(classes),
        via=via,
    )


def record_reads(session: Session, reads: Reads) -> AuditEvent:
    """One event for the request: the single subject as the event's subject, else none (the
    subjects are listed in `changes`, where the viewer's subject filter finds them too)."""
    everyone = [(kind, i) for kind, ids in reads.subjects.items() for i in ids]
    kind, subject_id = everyone[0] if len(everyone) == 1 else ("records", None)
    return record(
        session,
        reads.actor,
        AuditAction.CONFIDENTIAL_READ,
        subject_type=kind,
        subject_id=subject_id,
        organisation_id=reads.actor.organisation_id,
        changes=reads.changes(),
    )
