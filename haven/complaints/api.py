"""JSON endpoints of complaints and feedback: take one down, list, read, handle (acknowledge,
respond, escalate, close, reopen, assign, confidentiality), the deadlines and the report."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from haven.complaints import service
from haven.complaints.lifecycle import Category, ComplaintStatus
from haven.complaints.models import Complaint
from haven.complaints.schemas import (
    AcknowledgeIn,
    AssignIn,
    ComplaintDetail,
    ComplaintIn,
    ComplaintList,
    ComplaintOut,
    ComplaintSummary,
    ConfidentialityIn,
    CountByMonth,
    CountByState,
    DeadlineIn,
    DeadlineOut,
    EntryIn,
    EntryOut,
    ReasonIn,
    Report,
)
from haven.db.types import utcnow
from haven.security.permissions import Actor
from haven.web.deps import DB, ApiActor

router = APIRouter(prefix="/api/complaints", tags=["complaints"])


def _summary(complaint: Complaint) -> ComplaintSummary:
    flags = service.flags(complaint, utcnow())
    return ComplaintSummary(
        id=complaint.id,
        reference=complaint.reference,
        kind=complaint.kind,
        category=complaint.category,
        channel=complaint.channel,
        complainant=complaint.complainant,
        confidential=complaint.confidential,
        status=complaint.status,
        received_at=complaint.received_at,
        respond_by=complaint.respond_by,
        assigned_to_id=complaint.assigned_to_id,
        overdue_acknowledgement=flags.overdue_acknowledgement,
        overdue_response=flags.overdue_response,
        needs_manager=flags.needs_manager,
    )


def _out(complaint: Complaint) -> ComplaintOut:
    return ComplaintOut(
        **_summary(complaint).model_dump(),
        person_id=complaint.person_id,
        family_member_id=complaint.family_member_id,
        instalment_id=complaint.instalment_id,
        complainant_name=complaint.complainant_name,
        contact=complaint.contact,
        text=complaint.body,
        acknowledge_by=complaint.acknowledge_by,
        acknowledged_at=complaint.acknowledged_at,
        first_responded_at=complaint.first_responded_at,
        escalated_at=complaint.escalated_at,
        closed_at=complaint.closed_at,
    )


def _detail(session: Session, actor: Actor, complaint: Complaint) -> ComplaintDetail:
    entries = service.entries(session, actor, complaint)
    return ComplaintDetail(
        **_out(complaint).model_dump(),
        entries=[EntryOut.model_validate(e) for e in entries],
    )


@router.get("")
def list_complaints(
    session: DB,
    actor: ApiActor,
    status: ComplaintStatus | None = None,
    category: Category | None = None,
    overdue: bool = False,
    escalated: bool = False,
    mine: bool = False,
    limit: int = Query(default=50, ge=1, le=200),
    offset: int = Query(default=0, ge=0, le=1_000_000),
) -> ComplaintList:
    """The complaints the caller may see, newest first, without names or text. A confidential
    complaint is listed only for those who may see it. `escalated`: escalated, or past its
    respond-by date; `overdue`: past a deadline; `mine`: assigned to the caller."""
    rows, total = service.page(
        session,
        actor,
        status=status,
        category=category,
        overdue=overdue,
        escalated=escalated,
        mine=mine,
        limit=limit,
        offset=offset,
    )
    return ComplaintList(items=[_summary(c) for c in rows], total=total)


@router.post("", status_code=201)
def record_complaint(data: ComplaintIn, session: DB, actor: ApiActor) -> ComplaintOut:
    """Take a complaint or feedback down, by any channel. An anonymous one keeps no person,
    relative, name or contact; mistreatment and data concerns are confidential by default."""
    return _out(service.record(session, actor, data))


@router.get("/report")
def complaints_report(session: DB, actor: ApiActor) -> Report:
    """Figures without names, references or text: counts by category and state, by month
    received (the last 12), overdue, and the median days to a first response."""
    figures = service.report(session, actor)
    return Report(
        total=figures.total,
        by_category_and_state=[
            CountByState(category=c, status=s, count=n) for c, s, n in figures.by_category_and_state
        ],
        by_month=[CountByMonth(month=m, count=n) for m, n in figures.by_month],
        overdue_acknowledgement=figures.overdue_acknowledgement,
        overdue_response=figures.overdue_response,
        median_days_to_respond=figures.median_days_to_respond,
        responded=figures.responded,
    )


@router.get("/deadlines")
def list_deadlines(session: DB, actor: ApiActor) -> list[DeadlineOut]:
    """Days to acknowledge and to respond, by category, for the caller's organisation."""
    return [
        DeadlineOut(category=c, acknowledge_days=a, respond_days=r, default=d)
        for c, a, r, d in service.deadlines(session, actor)
    ]


@router.put("/deadlines")
def set_deadline(data: DeadlineIn, session: DB, actor: ApiActor) -> DeadlineOut:
    """Set one category's days (programme managers); complaints received keep their dates."""
    row = service.set_deadline(session, actor, data)
    return DeadlineOut(
        category=data.category,
        acknowledge_days=row.acknowledge_days,
        respond_days=row.respond_days,
        default=False,
    )


@router.get("/{complaint_id}")
def get_complaint(complaint_id: uuid.UUID, session: DB, actor: ApiActor) -> ComplaintDetail:
    """A complaint with what was said and its log; the read is audited."""
    return _detail(session, actor, service.get(session, actor, complaint_id))


@router.post("/{complaint_id}/acknowledge")
def acknowledge(
    complaint_id: uuid.UUID, data: AcknowledgeIn, session: DB, actor: ApiActor
) -> ComplaintOut:
    """The complainant was told it was received (how it was given)."""
    return _out(service.acknowledge(session, actor, complaint_id, data))


@router.post("/{complaint_id}/entries", status_code=201)
def add_entry(complaint_id: uuid.UUID, data: EntryIn, session: DB, actor: ApiActor) -> EntryOut:
    """An internal note, or a response given to the complainant (with how it was given): the
    first response moves the complaint to responded."""
    return EntryOut.model_validate(service.add_entry(session, actor, complaint_id, data))


@router.post("/{complaint_id}/escalate")
def escalate(complaint_id: uuid.UUID, data: ReasonIn, session: DB, actor: ApiActor) -> ComplaintOut:
    """To the programme managers, with the reason."""
    return _out(service.escalate(session, actor, complaint_id, data))


@router.post("/{complaint_id}/close")
def close(complaint_id: uuid.UUID, data: ReasonIn, session: DB, actor: ApiActor) -> ComplaintOut:
    """Closed after a response, with the reason."""
    return _out(service.close(session, actor, complaint_id, data))


@router.post("/{complaint_id}/reopen")
def reopen(complaint_id: uuid.UUID, data: ReasonIn, session: DB, actor: ApiActor) -> ComplaintOut:
    """Reopened with the reason: a new respond-by date from today."""
    return _out(service.reopen(session, actor, complaint_id, data))


@router.post("/{complaint_id}/assign")
def assign(complaint_id: uuid.UUID, data: AssignIn, session: DB, actor: ApiActor) -> ComplaintOut:
    """Give the complaint to a handler of the organisation (none: unassigned)."""
    return _out(service.assign(session, actor, complaint_id, data))


@router.post("/{complaint_id}/confidentiality")
def set_confidentiality(
    complaint_id: uuid.UUID, data: ConfidentialityIn, session: DB, actor: ApiActor
) -> ComplaintOut:
    """Make a complaint confidential (or, for programme managers, not confidential)."""
    return _out(service.set_confidentiality(session, actor, complaint_id, data))
