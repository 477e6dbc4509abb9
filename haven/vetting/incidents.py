"""The incident registry and watchlists: recorded by vetting officers, read only by them.

Recording or importing incidents, or loading a watchlist, re-screens the people concerned
in the same transaction: those who served in an implicated unit, and those whose name the
name-matching function pairs with a new alleged perpetrator or list entry. The registry is
decrypted once for the whole re-screening (`screening.registry_for`).

CSV import is all-or-nothing: every row is validated first; one bad row writes nothing and
the answer lists each row's field messages.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError as PydanticValidationError
from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.errors import ValidationFailed
from haven.i18n import N_, Text
from haven.matching.public import IdentityRecord
from haven.security.permissions import Actor, Permission, require
from haven.text import has_myanmar
from haven.text.units import parse_unit
from haven.validation import fields_from_errors
from haven.vetting import names, repository, screening
from haven.vetting.models import (
    Evidence,
    Incident,
    IncidentUnit,
    Perpetrator,
    Watchlist,
    WatchlistEntry,
)
from haven.vetting.schemas import IncidentIn

MAX_CSV_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
INCIDENT_COLUMNS = (
    "kind",
    "period",
    "township",
    "village",
    "units",
    "perpetrators",
    "summary",
    "sources",
    "source_reliability",
    "information_credibility",
)
# "aliases": other names of the entry, separated by ";" (stored in the name as "a.k.a.",
# which is how screening reads them: `names.split_aliases`).
WATCHLIST_COLUMNS = ("name", "birth_year", "unit", "note", "aliases")


@dataclass(frozen=True)
class Rescreen:
    """How many people were screened again, and how many new hits that found."""

    screened: int
    new_hits: int


def _identity(
    key: uuid.UUID, written: str, unit: str | None, rank: str | None = None
) -> IdentityRecord:
    """An entry's identity as screening's registry builds it (aliases split off the name)."""
    code = parse_unit(unit, assume="unicode") if unit else None
    name, aliases = names.split_aliases(written)
    burmese = has_myanmar(name)
    return IdentityRecord(
        key=key,
        name_my=name if burmese else None,
        name_latin=None if burmese else name,
        unit=code.label if code else None,
        rank=rank or None,
        aliases=aliases,
    )


def _rescreen(
    session: Session,
    actor: Actor,
    organisation_id: uuid.UUID,
    *,
    unit_codes: set[str],
    entries: list[IdentityRecord],
) -> Rescreen:
    screening.forget_registry(session)
    concerned = screening.people_concerned(
        session, organisation_id, unit_codes=unit_codes, entries=entries
    )
    screened, hits = screening.screen_people(
        session, sorted(concerned), organisation_id=organisation_id, requested_by=actor
    )
    return Rescreen(screened=screened, new_hits=hits)


def _organisation(actor: Actor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise ValidationFailed(N_("Record incidents as a user of an organisation."))
    return actor.organisation_id


def _reference(session: Session, organisation_id: uuid.UUID, year: int) -> str:
    count = repository.incident_count(session, organisation_id)
    return f"INC-{year}-{count + 1:04d}"


def _add(
    session: Session, actor: Actor, organisation_id: uuid.UUID, data: IncidentIn
) -> tuple[Incident, list[IdentityRecord]]:
    """The incident, and its alleged perpetrators as identities for re-screening."""
    start, end = data.dates
    incident = Incident(
        organisation_id=organisation_id,
        reference=_reference(session, organisation_id, start.year),
        kind=str(data.kind),
        occurred_from=start,
        occurred_to=end,
        period_text=data.period,
        township=data.township,
        village=data.village,
        source_reliability=data.source_reliability,
        information_credibility=data.information_credibility,
        recorded_by_id=actor.user_id,
    )
    session.add(incident)
    session.flush()
    incident.summary = data.summary
    incident.sources = data.sources
    for code in data.units:
        session.add(
            IncidentUnit(incident_id=incident.id, organisation_id=organisation_id, unit_code=code)
        )
    entries: list[IdentityRecord] = []
    for given in data.perpetrators:
        perpetrator = Perpetrator(
            incident_id=incident.id,
            organisation_id=organisation_id,
            name=given.name,
            rank=given.rank,
            unit=given.unit,
        )
        session.add(perpetrator)
        session.flush()
        entries.append(_identity(perpetrator.id, given.name or "", given.unit, given.rank))
    audit.record(
        session,
        actor,
        AuditAction.INCIDENT_RECORDED,
        subject_type="vetting_incident",
        subject_id=incident.id,
        organisation_id=organisation_id,
        changes={
            "kind": incident.kind,
            "period": incident.period_text,
            "units": list(data.units),
            "perpetrators": len(data.perpetrators),
            "summary": "<changed>",
        },
    )
    return incident, entries


def record_incident(session: Session, actor: Actor, data: IncidentIn) -> tuple[Incident, Rescreen]:
    """Record a documented incident and re-screen the people it concerns."""
    require(actor, Permission.VETTING_DECIDE)
    organisation_id = _organisation(actor)
    incident, entries = _add(session, actor, organisation_id, data)
    result = _rescreen(session, actor, organisation_id, unit_codes=set(data.units), entries=entries)
    return incident, result


# --- CSV ---------------------------------------------------------------------------------------


def _read_csv(
    content: bytes, columns: Sequence[str], required: Sequence[str]
) -> list[dict[str, str]]:
    if len(content) > MAX_CSV_BYTES:
        raise ValidationFailed(fields={"file": N_("The file is too large: at most 5 MB.")})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed(
            fields={"file": N_("Save the file as CSV in UTF-8 and try again.")}
        ) from None
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
        missing = [c for c in required if c not in header]
        if missing:
            raise ValidationFailed(
                fields={
                    "file": Text(
                        N_("The file needs these columns: {columns}."),
                        {"columns": ", ".join(missing)},
                    )
                }
            )
        rows: list[dict[str, str]] = []
        for raw in reader:
            row = {
                (k or "").strip().lower(): (v or "").strip()
                for k, v in raw.items()
                if k is not None and isinstance(v, str)
            }
            if not any(row.values()):
                continue
            rows.append({c: row.get(c, "") for c in columns})
            if len(rows) > MAX_ROWS:
                raise ValidationFailed(
                    fields={"file": N_("The file has too many rows: at most 5000.")}
                )
    except csv.Error:
        raise ValidationFailed(
            fields={"file": N_("The file is not a readable CSV file.")}
        ) from None
    if not rows:
        raise ValidationFailed(fields={"file": N_("The file has no rows.")})
    return rows


def parse_perpetrators(value: str) -> list[dict[str, Any]]:
    """Alleged perpetrators written "Name | Rank | Unit", separated by ";" or one per line
    (rank and unit optional)."""
    found: list[dict[str, Any]] = []
    for part in re.split(r"[;\n]", value):
        if not part.strip():
            continue
        name, rank, unit = ([p.strip() or None for p in part.split("|")] + [None, None])[:3]
        found.append({"name": name, "rank": rank, "unit": unit})
    return found


def parse_incident_rows(content: bytes) -> list[IncidentIn]:
    """Every row validated; all the rows' errors raised together, nothing half-read."""
    rows = _read_csv(content, INCIDENT_COLUMNS, ("kind", "period", "summary"))
    parsed: list[IncidentIn] = []
    errors: dict[str, Text | str] = {}
    for number, row in enumerate(rows, start=2):
        data: dict[str, Any] = {k: v or None for k, v in row.items()}
        data["kind"] = (row["kind"] or "").lower().replace(" ", "_") or None
        data["units"] = row["units"]
        data["perpetrators"] = parse_perpetrators(row["perpetrators"])
        try:
            parsed.append(IncidentIn.model_validate(data))
        except PydanticValidationError as exc:
            for name, message in fields_from_errors(exc.errors()).items():
                errors[f"row {number}.{name}"] = message
    if errors:
        raise ValidationFailed(N_("Nothing was imported: correct these rows."), fields=errors)
    return parsed


def import_incidents(session: Session, actor: Actor, content: bytes) -> tuple[int, Rescreen]:
    """Import incidents from CSV (all or nothing) and re-screen everyone concerned once."""
    require(actor, Permission.VETTING_DECIDE)
    organisation_id = _organisation(actor)
    rows = parse_incident_rows(content)
    units: set[str] = set()
    entries: list[IdentityRecord] = []
    for data in rows:
        _incident, found = _add(session, actor, organisation_id, data)
        units.update(data.units)
        entries.extend(found)
    audit.record(
        session,
        actor,
        AuditAction.INCIDENTS_IMPORTED,
        subject_type="vetting_incident",
        subject_id=None,
        organisation_id=organisation_id,
        changes={"incidents": len(rows), "sha256": hashlib.sha256(content).hexdigest()},
    )
    return len(rows), _rescreen(session, actor, organisation_id, unit_codes=units, entries=entries)


def load_watchlist(
    session: Session, actor: Actor, *, name: str, content: bytes
) -> tuple[Watchlist, Rescreen]:
    """Load a watchlist file (CSV: name, birth_year, unit, note, aliases) and re-screen by
    name; the aliases (";"-separated) are kept in the name ("a.k.a.") and screened too."""
    require(actor, Permission.VETTING_DECIDE)
    organisation_id = _organisation(actor)
    title = " ".join((name or "").split())
    if not title or len(title) > 200:
        raise ValidationFailed(fields={"name": N_("Name the list (at most 200 characters).")})
    rows = _read_csv(content, WATCHLIST_COLUMNS, ("name",))
    errors: dict[str, Text | str] = {}
    for number, row in enumerate(rows, start=2):
        if not row["name"] or len(row["name"]) > 200:
            errors[f"row {number}.name"] = N_("Enter the name (at most 200 characters).")
        year = row["birth_year"]
        if year and not (year.isdigit() and 1900 <= int(year) <= 2100):
            errors[f"row {number}.birth_year"] = N_("Enter a year such as 1985, or leave it empty.")
    if errors:
        raise ValidationFailed(N_("Nothing was imported: correct these rows."), fields=errors)
    watchlist = Watchlist(
        organisation_id=organisation_id,
        name=title,
        source_sha256=hashlib.sha256(content).hexdigest(),
        entry_count=len(rows),
        loaded_by_id=actor.user_id,
    )
    session.add(watchlist)
    session.flush()
    entries: list[IdentityRecord] = []
    for row in rows:
        written = names.join_aliases(row["name"], row["aliases"].split(";"))
        entry = WatchlistEntry(
            watchlist_id=watchlist.id,
            organisation_id=organisation_id,
            birth_year=int(row["birth_year"]) if row["birth_year"] else None,
            name=written,
            unit=row["unit"] or None,
            note=row["note"] or None,
        )
        session.add(entry)
        session.flush()
        entries.append(_identity(entry.id, written, row["unit"] or None))
    audit.record(
        session,
        actor,
        AuditAction.WATCHLIST_LOADED,
        subject_type="vetting_watchlist",
        subject_id=watchlist.id,
        organisation_id=organisation_id,
        changes={"entries": len(rows), "sha256": watchlist.source_sha256},
    )
    return watchlist, _rescreen(session, actor, organisation_id, unit_codes=set(), entries=entries)


# --- reading -----------------------------------------------------------------------------------


def list_incidents(session: Session, actor: Actor, *, limit: int = 500) -> Sequence[Incident]:
    """Incidents of the actor's organisation, newest first (details are not decrypted here)."""
    require(actor, Permission.VETTING_READ)
    return repository.incidents(session, actor, limit=limit)


def list_watchlists(session: Session, actor: Actor) -> Sequence[Watchlist]:
    require(actor, Permission.VETTING_READ)
    return repository.watchlists(session, actor)


def get_incident(session: Session, actor: Actor, incident_id: uuid.UUID) -> Incident:
    """An incident with its allegations: vetting officers only; the read is audited."""
    incident = repository.Incidents(session).get_for(actor, incident_id, Permission.VETTING_READ)
    audit.record(
        session,
        actor,
        AuditAction.INCIDENT_VIEWED,
        subject_type="vetting_incident",
        subject_id=incident.id,
        organisation_id=incident.organisation_id,
    )
    return incident


def units_of(session: Session, incident: Incident) -> list[str]:
    return repository.units_of(session, incident.id)


def perpetrators_of(session: Session, actor: Actor, incident: Incident) -> list[Perpetrator]:
    require(actor, Permission.VETTING_READ, incident)
    return repository.perpetrators_of(session, incident.id)


def evidence_of(session: Session, actor: Actor, incident: Incident) -> Sequence[Evidence]:
    require(actor, Permission.VETTING_READ, incident)
    return repository.evidence_of(session, incident.id)


def add_evidence(
    session: Session,
    actor: Actor,
    incident_id: uuid.UUID,
    *,
    filename: str,
    content_type: str,
    content: bytes,
    description: str | None = None,
) -> Evidence:
    """Attach a file, encrypted under the incident's key; its SHA-256 (of the plaintext) is
    kept in clear so that a copy produced later can be matched to it."""
    incident = repository.Incidents(session).get_for(actor, incident_id, Permission.VETTING_DECIDE)
    if not content:
        raise ValidationFailed(fields={"file": N_("Choose a file.")})
    if len(content) > MAX_EVIDENCE_BYTES:
        raise ValidationFailed(fields={"file": N_("The file is too large: at most 20 MB.")})
    digest = hashlib.sha256(content).hexdigest()
    evidence = Evidence(
        incident_id=incident.id,
        organisation_id=incident.organisation_id,
        sha256=digest,
        size=len(content),
        content_type=(content_type or "application/octet-stream")[:100],
        added_by_id=actor.user_id,
        filename=(filename or "evidence")[-200:],
        description=description,
        content=content,
    )
    session.add(evidence)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.EVIDENCE_ADDED,
        subject_type="vetting_incident",
        subject_id=incident.id,
        organisation_id=incident.organisation_id,
        changes={"evidence_id": str(evidence.id), "sha256": digest, "size": len(content)},
    )
    return evidence


def get_evidence(session: Session, actor: Actor, evidence_id: uuid.UUID) -> Evidence:
    """An evidence file for download; audited."""
    evidence = repository.EvidenceFiles(session).get_for(
        actor, evidence_id, Permission.VETTING_READ
    )
    audit.record(
        session,
        actor,
        AuditAction.EVIDENCE_DOWNLOADED,
        subject_type="vetting_incident",
        subject_id=evidence.incident_id,
        organisation_id=evidence.organisation_id,
        changes={"evidence_id": str(evidence.id), "sha256": evidence.sha256},
    )
    return evidence
