"""JSON endpoints of the vetting domain.

Allegations, hits and evidence are served only to vetting officers; everyone who may read a
person may read the person's vetting status. Proposing and confirming a decision need a
fresh login (`require_fresh`), which an API token never is: decisions are taken in the
pages, by two officers. The rest of due process is here too: the decision notice in the
person's language, recording that the person was told of it, and the person's appeal, which
a vetting officer or a case worker records on their behalf.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any, Literal

from fastapi import APIRouter, Form, Request, Response, UploadFile
from sqlalchemy.orm import Session

from haven import i18n
from haven.errors import ValidationFailed
from haven.i18n import N_, Text
from haven.security.permissions import Actor
from haven.vetting import cases, explanations, incidents, reports
from haven.vetting.appeals import AppealWindow
from haven.vetting.lifecycle import CaseState, Outcome, Protection, StandardOfProof
from haven.vetting.models import Incident, VettingCase
from haven.vetting.schemas import (
    AppealIn,
    AppealOut,
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
    NoticeOut,
    NotificationIn,
    PerpetratorOut,
    PersonAppealOut,
    ReviewIn,
    ReviewOut,
    StatusOut,
    WatchlistOut,
)
from haven.web import openapi
from haven.web.deps import DB, ApiActor, SettingsDep

router = APIRouter(prefix="/api/vetting", tags=["vetting"])


def _language(request: Request) -> str:
    return str(getattr(request.state, "language", i18n.DEFAULT_LANGUAGE))


def appeal_out(window: AppealWindow, language: str) -> AppealOut:
    return AppealOut(
        state=str(window.state),
        closes_on=window.closes_on,
        days_left=window.days_left,
        text=i18n.render(window.text, language),
    )


def case_out(session: Session, actor: Actor, case: VettingCase, language: str) -> CaseOut:
    return CaseOut(
        id=case.id,
        reference=case.reference,
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
                explanation=explanations.render(h.explanation, i18n.DEFAULT_LANGUAGE),
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
                standard_of_proof=d.standard_of_proof,
                reasons=d.reasons,
                disclosed_reasons=d.disclosed_reasons,
                conditions=d.conditions,
                mechanism=d.mechanism,
                protection=d.protection,
                proposed_by_id=d.proposed_by_id,
                proposed_at=d.proposed_at,
                confirmed_by_id=d.confirmed_by_id,
                confirmed_at=d.confirmed_at,
                withdrawn_at=d.withdrawn_at,
                superseded_at=d.superseded_at,
                notified_on=d.notified_on,
                notice_language=d.notice_language,
                appeal_closes_on=d.appeal_closes_on,
            )
            for d in cases.decisions_of(session, actor, case)
        ],
        reviews=[
            ReviewOut(
                id=r.id,
                kind=r.kind,
                lodged_on=r.lodged_on,
                opened_by_id=r.opened_by_id,
                appealed_decision_id=r.appealed_decision_id,
                grounds=r.grounds,
                created_at=r.created_at,
            )
            for r in cases.reviews_of(session, actor, case)
        ],
        appeal=appeal_out(cases.appeal_window(session, case), language),
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
    request: Request,
    session: DB,
    actor: ApiActor,
    state: CaseState | None = None,
    sort: Literal["waiting", "hits", "recent"] = "waiting",
) -> list[CaseSummaryOut]:
    """The vetting queue: cases oldest-waiting first (or most hits first, or most recent
    first), with their number of hits and where the person's right to appeal stands (days
    left, or the limit passed)."""
    rows, _total = cases.queue_page(session, actor, state=state, sort=sort, limit=200)
    windows = cases.appeal_windows(session, [c for c, _person, _n in rows])
    language = _language(request)
    return [
        CaseSummaryOut(
            id=c.id,
            reference=c.reference,
            person_id=c.person_id,
            state=c.state,
            status=str(cases.status_of(c)),
            hit_count=n,
            state_changed_at=c.state_changed_at,
            appeal=appeal_out(windows[c.id], language),
        )
        for c, _person, n in rows
    ]


@router.get("/cases/{vetting_case_id}")
def get_case(request: Request, vetting_case_id: uuid.UUID, session: DB, actor: ApiActor) -> CaseOut:
    """A case with its explained hits, hearings, decision history, reviews and appeals, and
    where the person's right to appeal stands (audited read)."""
    case = cases.get_case(session, actor, vetting_case_id)
    return case_out(session, actor, case, _language(request))


@router.post("/cases/{vetting_case_id}/interview")
def start_interview(
    request: Request, vetting_case_id: uuid.UUID, session: DB, actor: ApiActor
) -> CaseOut:
    """Open the interview in which the person is heard."""
    case = cases.start_interview(session, actor, vetting_case_id)
    return case_out(session, actor, case, _language(request))


@router.post("/cases/{vetting_case_id}/hearings", status_code=201)
def record_hearing(
    request: Request, vetting_case_id: uuid.UUID, data: HearingIn, session: DB, actor: ApiActor
) -> CaseOut:
    """Record the person's hearing: their account, or that they declined to speak."""
    hearing = cases.record_hearing(session, actor, vetting_case_id, data)
    case = cases.get_case(session, actor, hearing.case_id)
    return case_out(session, actor, case, _language(request))


@router.post("/cases/{vetting_case_id}/assessment")
def assess(
    request: Request, vetting_case_id: uuid.UUID, data: AssessmentIn, session: DB, actor: ApiActor
) -> CaseOut:
    """Record the assessment of hits and hearing; the case is then ready for a decision."""
    case = cases.assess(session, actor, vetting_case_id, data)
    return case_out(session, actor, case, _language(request))


@router.post("/cases/{vetting_case_id}/reviews", status_code=201)
def open_review(
    request: Request, vetting_case_id: uuid.UUID, data: ReviewIn, session: DB, actor: ApiActor
) -> CaseOut:
    """Open the officers' review of a decision, or reopen the case on new evidence. An
    appeal (`kind: appeal`) is recorded as the person's, lodged today: prefer
    `POST /api/vetting/persons/{person_id}/appeals`, which says when they lodged it."""
    cases.open_review(session, actor, vetting_case_id, data)
    case = cases.get_case(session, actor, vetting_case_id)
    return case_out(session, actor, case, _language(request))


@router.post("/cases/{vetting_case_id}/notification")
def record_notification(
    request: Request,
    vetting_case_id: uuid.UUID,
    data: NotificationIn,
    session: DB,
    actor: ApiActor,
    settings: SettingsDep,
) -> CaseOut:
    """Record that the person was told of the decision in force (the notice, in their
    language): the time limit for appealing starts, `HAVEN_VETTING_APPEAL_DAYS` long."""
    cases.record_notification(
        session, actor, vetting_case_id, data, appeal_days=settings.vetting_appeal_days
    )
    case = cases.get_case(session, actor, vetting_case_id)
    return case_out(session, actor, case, _language(request))


def notice_out(notice: cases.Notice, language: str) -> NoticeOut:
    d = notice.decision
    standard = StandardOfProof(d.standard_of_proof) if d.standard_of_proof else None
    return NoticeOut(
        language=language,
        decision_id=d.id,
        outcome=d.outcome,
        outcome_label=i18n.render(Outcome(d.outcome).label, language),
        decided_on=notice.decided_on,
        standard_of_proof=d.standard_of_proof,
        standard_of_proof_label=i18n.render(
            standard.label if standard else Text(cases.NOT_RECORDED), language
        ),
        disclosed_reasons=d.disclosed_reasons,
        conditions=d.conditions,
        protection_label=i18n.render(Protection(d.protection).label, language)
        if d.protection
        else None,
        notified_on=d.notified_on,
        appeal=appeal_out(notice.window, language),
        appeal_rights=i18n.render(notice.rights, language),
    )


@router.get("/cases/{vetting_case_id}/notice")
def decision_notice(
    request: Request,
    vetting_case_id: uuid.UUID,
    session: DB,
    actor: ApiActor,
    settings: SettingsDep,
    language: str | None = None,
) -> NoticeOut:
    """The decision notice for the person, in `language` (`en` or `my`; by default the
    language they were told in, else the reader's): the outcome, the standard of proof, the
    reasons they may know (never the confidential ones), conditions, the protection kept and
    their right to appeal (audited read)."""
    notice = cases.notice(session, actor, vetting_case_id, appeal_days=settings.vetting_appeal_days)
    chosen = cases.notice_language(notice, language, _language(request))
    return notice_out(notice, chosen)


def person_appeal_out(
    session: Session, actor: Actor, person_id: uuid.UUID, language: str
) -> PersonAppealOut:
    status, window = cases.person_appeal(session, actor, person_id)
    return PersonAppealOut(
        person_id=person_id, status=str(status), appeal=appeal_out(window, language)
    )


@router.get("/persons/{person_id}/appeal")
def person_appeal(
    request: Request, person_id: uuid.UUID, session: DB, actor: ApiActor
) -> PersonAppealOut:
    """Where the person's right to appeal their vetting decision stands (for vetting
    officers and case workers): never allegations or hits."""
    return person_appeal_out(session, actor, person_id, _language(request))


@router.post("/persons/{person_id}/appeals", status_code=201)
def lodge_appeal(
    request: Request, person_id: uuid.UUID, data: AppealIn, session: DB, actor: ApiActor
) -> PersonAppealOut:
    """Record the person's appeal on their behalf (a vetting officer or case worker): the
    day they lodged it and their grounds in their own words. Refused (409) after the time
    limit, for a full clearance and for a decision already taken on appeal."""
    cases.lodge_appeal(session, actor, person_id, data)
    return person_appeal_out(session, actor, person_id, _language(request))


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


@router.get(
    "/evidence/{vetting_evidence_id}",
    response_class=Response,
    responses=openapi.binary("application/octet-stream", "The evidence file as uploaded."),
)
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
    """Load a watchlist from CSV (name, birth_year, unit, note, and optionally aliases
    separated by ";"); matching people are screened again. The list is named `name`, or
    after the file."""
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
