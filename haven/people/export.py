"""Exports of persons (CSV or XLSX): fresh authentication, masking, audit, formula-safe cells."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Any, Literal

from sqlalchemy import Select
from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.disclosures.public import (
    DisclosureKind,
    PersonalField,
    record_disclosure,
    require_agreement,
)
from haven.exports import to_csv, to_xlsx
from haven.people import service
from haven.people.models import Person
from haven.security.fresh import require_fresh
from haven.security.permissions import Actor, Permission, require

HEADER = (
    "id", "prefix", "name_my", "name_latin", "father_name", "birth_year", "sex", "nrc",
    "service_number",
)  # fmt: skip
MAX_ROWS = 5000
# The catalogue's fields that HEADER carries (haven.disclosures: what an agreement must allow).
FIELDS = frozenset(
    {
        PersonalField.NAMES,
        PersonalField.FATHER_NAME,
        PersonalField.DATE_OF_BIRTH,
        PersonalField.SEX,
        PersonalField.NRC,
        PersonalField.SERVICE_NUMBER,
    }
)


def export_people(
    session: Session,
    actor: Actor,
    query: str,
    *,
    kind: Literal["csv", "xlsx"],
    person_ids: Collection[uuid.UUID] = (),
    tiers: Sequence[Collection[uuid.UUID] | Select[uuid.UUID]] = (),
    agreement_id: uuid.UUID | None = None,
) -> bytes:
    """The persons a search finds (`person_ids` and `tiers` too, as in
    `service.find_people`), best first, as the actor may see them (masked fields stay
    empty).

    An export leaves Haven's protection, so it needs a fresh login (last 5 minutes) and is
    audited with its size, never its content. It leaves only under a data-sharing agreement
    in force that covers exports and every column (`DisclosureRefused` otherwise, before
    anything is read), and writes one entry of the disclosure log with the persons it holds.
    """
    require(actor, Permission.PERSON_READ)
    require_fresh(session, actor)
    agreement = require_agreement(
        session,
        actor,
        agreement_id,
        kind=DisclosureKind.EXPORT,
        source="people_export",
        fields=FIELDS,
    )
    query = " ".join(query.split())
    if len(query) < 2:
        found: list[Person] = []
    else:
        found, _ = service.find_people(
            session, actor, query, tiers=[*tiers, person_ids], sort="best", limit=MAX_ROWS
        )
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
    content = to_xlsx(HEADER, rows, title="People") if kind == "xlsx" else to_csv(HEADER, rows)
    if found:
        record_disclosure(
            session,
            actor,
            kind=DisclosureKind.EXPORT,
            source="people_export",
            fields=FIELDS,
            person_ids=[p.id for p in found],
            fmt=kind,
            content=content,
            agreement=agreement,
        )
    return content
