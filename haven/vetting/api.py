"""JSON endpoints of the vetting domain.

Allegations, hits and evidence are served only to vetting officers; everyone who may read a
person may read the person's vetting status. Proposing and confirming a decision need a
fresh login (`require_fresh`), which an API token never is: decisions are taken in the
pages, by two officers.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Form, Response, UploadFile
from sqlalchemy.orm import Session

from haven.errors import ValidationFailed
from haven.i18n import N_
from haven.security.permissions import Actor
from haven.vetting import cases, incidents, reports
from haven.vetting.lifecycle import CaseState
from haven.vetting.models import Incident, VettingCase
from haven.vetting.schemas import (
    AssessmentIn,
    CaseOut,
    CaseSummaryOut,
    DecisionOut,
    EvidenceOut,
    HearingIn,
    HearingOut,
    HitOut,
    ImportOut,
    IncidentIn,
    IncidentOut,
    PerpetratorOut,
    ReviewIn,
    StatusOut,
    WatchlistOut,
)
from haven.web.deps import DB, ApiActor

router = APIRouter(prefix="/api/vetting", tags=["vetting"])


def case_out(session: Session, actor: Actor, case: VettingCase) -> CaseOut:
    return CaseOut(
        id=case.id,
        person_id=case.person_id,
        state=case.state,
        status=str(cases.status_of(case)),
        outcome=case.outcome,
        state_changed_at=case.state_changed_at,
        last_screened_at=case.last_screened_at,
        decided_at=case.decided_at,
        assessment=case.assessment,
        hits=[
            HitOut(
                id=h.id,
                kind=h.kind,
                score=h.score,
                incident_id=h.incident_id,
                explanation=h.explanation,
                created_at=h.created_at,
            )
            for h in cases.hits_of(session, actor, case)
        ],
        hearings=[
            HearingOut(
                id=h.id,
                held_on=h.held_on,
                declined=h.declined,
                interpreter_present=h.interpreter_present,
                representative_present=h.representative_present,
                statement=h.statement,
            )
            for h in cases.hearings_of(session, actor, case)
        ],
        decisions=[
            DecisionOut(
                id=d.id,
                basis=d.basis,
                outcome=d.outcome,
                reasons=d.reasons,
                conditions=d.conditions,
                mechanism=d.mechanism,
                protection=d.protection,
                proposed_by_id=d.proposed_by_id,
                proposed_at=d.proposed_at,
                confirmed_by_id=d.confirmed_by_id,
                confirmed_at=d.confirmed_at,
                withdrawn_at=d.withdrawn_at,
                superseded_at=d.superseded_at,
            )
            for d in cases.decisions_of(session, actor, case)
        ],
    )


def incident_out(session: Session, actor: Actor, incident: Incident, *, full: bool) -> IncidentOut:
    out = IncidentOut(
        id=incident.id,
        reference=incident.reference,
        kind=incident.kind,
        occurred_from=incident.occurred_from,
        occurred_to=incident.occurred_to,
        period_text=incident.period_text,
        township=incident.township,
        village=incident.village,
        source_reliability=incident.source_reliability,
        information_credibility=incident.information_credibility,
        units=incidents.units_of(session, incident),
    )
    if full:
        out.summary = incident.summary
        out.sources = incident.sources
        out.perpetrators = [
            PerpetratorOut(name=p.name, rank=p.rank, unit=p.unit)
            for p in incidents.perpetrators_of(session, actor, incident)
        ]
        out.evidence = [
            EvidenceOut(
                id=e.id,
                filename=e.filename,
                description=e.description,
                content_type=e.content_type,
                size=e.size,
                sha256=e.sha256,
            )
            for e in incidents.evidence_of(session, actor, incident)
        ]
    return out


@router.get("/persons/{person_id}/status")
def person_status(person_id: uuid.UUID, session: DB, actor: ApiActor) -> StatusOut:
    """The person's vetting status only (pending, cleared, cleared with conditions,
    referred): for anyone who may read the person. Never allegations or hits."""
    return StatusOut(
        person_id=person_id, status=str(cases.person_status(session, actor, person_id))
    )


@router.get("/cases")
def list_cases(
    session: DB, actor: ApiActor, state: CaseState | None = None
) -> list[CaseSummaryOut]:
    """The vetting queue: cases oldest-waiting first, with their number of hits."""
    return [
        CaseSummaryOut(
            id=c.id,
            person_id=c.person_id,
            state=c.state,
            status=str(cases.status_of(c)),
            hit_count=n,
            state_changed_at=c.state_changed_at,
        )
        for c, _person, n in cases.list_cases(session, actor, state=state)
    ]


@router.get("/cases/{vetting_case_id}")
def get_case(vetting_case_id: uuid.UUID, session: DB, actor: ApiActor) -> CaseOut:
    """A case with its explained hits, hearings and decision history (audited read)."""
    return case_out(session, actor, cases.get_case(session, actor, vetting_case_id))


@router.post("/cases/{vetting_case_id}/interview")
def start_interview(vetting_case_id: uuid.UUID, session: DB, actor: ApiActor) -> CaseOut:
    """Open the interview in which the person is heard."""
    return case_out(session, actor, cases.start_interview(session, actor, vetting_case_id))


@router.post("/cases/{vetting_case_id}/hearings", status_code=201)
def record_hearing(
    vetting_case_id: uuid.UUID, data: HearingIn, session: DB, actor: ApiActor
) -> CaseOut:
    """Record the person's hearing: their account, or that they declined to speak."""
    hearing = cases.record_hearing(session, actor, vetting_case_id, data)
    return case_out(session, actor, cases.get_case(session, actor, hearing.case_id))


@router.post("/cases/{vetting_case_id}/assessment")
def assess(vetting_case_id: uuid.UUID, data: AssessmentIn, session: DB, actor: ApiActor) -> CaseOut:
    """Record the assessment of hits and hearing; the case is then ready for a decision."""
    return case_out(session, actor, cases.assess(session, actor, vetting_case_id, data))


@router.post("/cases/{vetting_case_id}/reviews", status_code=201)
def open_review(
    vetting_case_id: uuid.UUID, data: ReviewIn, session: DB, actor: ApiActor
) -> CaseOut:
    """Open a review or an appeal of a decision, or reopen the case on new evidence."""
    cases.open_review(session, actor, vetting_case_id, data)
    return case_out(session, actor, cases.get_case(session, actor, vetting_case_id))


@router.get("/incidents")
def list_incidents(session: DB, actor: ApiActor) -> list[IncidentOut]:
    """The incident registry (without allegation details; read one incident for those)."""
    return [
        incident_out(session, actor, i, full=False)
        for i in incidents.list_incidents(session, actor)
    ]


@router.post("/incidents", status_code=201)
def record_incident(data: IncidentIn, session: DB, actor: ApiActor) -> IncidentOut:
    """Record a documented incident; the people it concerns are screened again."""
    incident, _ = incidents.record_incident(session, actor, data)
    return incident_out(session, actor, incident, full=True)


@router.post("/incidents/import")
def import_incidents(file: UploadFile, session: DB, actor: ApiActor) -> ImportOut:
    """Import incidents from CSV (all or nothing); the people concerned are screened again."""
    content = file.file.read(incidents.MAX_CSV_BYTES + 1)
    created, result = incidents.import_incidents(session, actor, content)
    return ImportOut(
        created=created, errors={}, rescreened=result.screened, new_hits=result.new_hits
    )


@router.get("/incidents/{vetting_incident_id}")
def get_incident(vetting_incident_id: uuid.UUID, session: DB, actor: ApiActor) -> IncidentOut:
    """An incident with its allegations, alleged perpetrators and evidence (audited read)."""
    incident = incidents.get_incident(session, actor, vetting_incident_id)
    return incident_out(session, actor, incident, full=True)


@router.post("/incidents/{vetting_incident_id}/evidence", status_code=201)
def add_evidence(
    vetting_incident_id: uuid.UUID,
    file: UploadFile,
    session: DB,
    actor: ApiActor,
    description: str | None = Form(default=None, max_length=1000),
) -> EvidenceOut:
    """Attach an evidence file; it is stored encrypted and its SHA-256 recorded."""
    content = file.file.read(incidents.MAX_EVIDENCE_BYTES + 1)
    e = incidents.add_evidence(
        session,
        actor,
        vetting_incident_id,
        filename=file.filename or "evidence",
        content_type=file.content_type or "application/octet-stream",
        content=content,
        description=description,
    )
    return EvidenceOut(
        id=e.id,
        filename=e.filename,
        description=e.description,
        content_type=e.content_type,
        size=e.size,
        sha256=e.sha256,
    )


@router.get("/evidence/{vetting_evidence_id}")
def get_evidence(vetting_evidence_id: uuid.UUID, session: DB, actor: ApiActor) -> Response:
    """Download an evidence file (audited)."""
    e = incidents.get_evidence(session, actor, vetting_evidence_id)
    return Response(
        e.content,
        media_type="application/octet-stream",
        headers={"Content-Disposition": 'attachment; filename="evidence.bin"'},
    )


@router.get("/watchlists")
def list_watchlists(session: DB, actor: ApiActor) -> list[WatchlistOut]:
    """The watchlists loaded (names and sizes only)."""
    return [
        WatchlistOut(
            id=w.id,
            name=w.name,
            entry_count=w.entry_count,
            source_sha256=w.source_sha256,
            rescreened=0,
            new_hits=0,
        )
        for w in incidents.list_watchlists(session, actor)
    ]


@router.post("/watchlists", status_code=201)
def load_watchlist(
    file: UploadFile,
    session: DB,
    actor: ApiActor,
    name: str | None = Form(default=None, max_length=200),
) -> WatchlistOut:
    """Load a watchlist from CSV (name, birth_year, unit, note); matching people are
    screened again. The list is named `name`, or after the file."""
    content = file.file.read(incidents.MAX_CSV_BYTES + 1)
    if not content:
        raise ValidationFailed(fields={"file": N_("Choose a file.")})
    title = name or (file.filename or "").rsplit(".", 1)[0] or "Watchlist"
    watchlist, result = incidents.load_watchlist(session, actor, name=title, content=content)
    return WatchlistOut(
        id=watchlist.id,
        name=watchlist.name,
        entry_count=watchlist.entry_count,
        source_sha256=watchlist.source_sha256,
        rescreened=result.screened,
        new_hits=result.new_hits,
    )


@router.get("/reports")
def vetting_report(session: DB, actor: ApiActor) -> dict[str, Any]:
    """Workload, time to decision and hits by kind (aggregates only)."""
    return asdict(reports.report(session, actor))
