"""Exports of persons (CSV or XLSX): fresh authentication, masking, audit, formula-safe cells."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any, Literal

from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.exports import to_csv, to_xlsx
from haven.people import service
from haven.security.fresh import require_fresh
from haven.security.permissions import Actor, Permission, require

HEADER = (
    "id", "prefix", "name_my", "name_latin", "father_name", "birth_year", "sex", "nrc",
    "service_number",
)  # fmt: skip
MAX_ROWS = 5000


def export_people(
    session: Session,
    actor: Actor,
    query: str,
    *,
    kind: Literal["csv", "xlsx"],
    person_ids: Collection[uuid.UUID] = (),
) -> bytes:
    """The persons a search finds (`person_ids` too, as in `service.search`), as the actor
    may see them (masked fields stay empty).

    An export leaves Haven's protection, so it needs a fresh login (last 5 minutes) and is
    audited with its size, never its content.
    """
    require(actor, Permission.PERSON_READ)
    require_fresh(session, actor)
    found = service.search(session, actor, query, limit=MAX_ROWS, person_ids=person_ids)
    rows: list[list[Any]] = [[getattr(p, column) for column in HEADER] for p in found]
    audit.record(
        session,
        actor,
        AuditAction.PEOPLE_EXPORTED,
        subject_type="people",
        subject_id=None,
        organisation_id=actor.organisation_id,
        changes={"rows": {"before": None, "after": len(rows)}, "format": kind},
    )
    if kind == "xlsx":
        return to_xlsx(HEADER, rows, title="People")
    return to_csv(HEADER, rows)
