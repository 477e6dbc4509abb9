"""JSON endpoints of the audit trail, for auditors: events, one event, and verification."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Request

from haven import i18n
from haven.audit import trail
from haven.audit.schemas import (
    PAGE_SIZE,
    AuditEventOut,
    EventQuery,
    EventsPage,
    ProblemOut,
    VerifyOut,
)
from haven.audit.verify import Problem, VerifyReport
from haven.audit.witness import trail_anchors
from haven.validation import parse
from haven.web.deps import DB, ApiActor, get_settings

router = APIRouter(prefix="/api/audit", tags=["audit"])


def _language(request: Request) -> str:
    return getattr(request.state, "language", i18n.DEFAULT_LANGUAGE)


def problem_out(problem: Problem, language: str) -> ProblemOut:
    return ProblemOut(
        kind=str(problem.kind),
        seq=problem.seq,
        event_id=problem.event_id,
        message=problem.message.render(language),
    )


def verify_out(report: VerifyReport, language: str) -> VerifyOut:
    problems = [problem_out(p, language) for p in report.problems]
    return VerifyOut(
        ok=report.ok,
        events=report.events,
        head_seq=report.head_seq,
        head_hash=report.head_hash,
        checkpoints=report.checkpoints,
        last_checkpoint_seq=report.last_checkpoint_seq,
        signatures_checked=report.signatures_checked,
        attestations=report.attestations,
        witnesses=report.witnesses,
        vouched_seq=report.vouched_seq,
        first_problem=problems[0] if problems else None,
        problems=problems,
    )


@router.get("/events")
def list_events(
    session: DB,
    actor: ApiActor,
    action: str | None = None,
    actor_label: str | None = None,
    subject_id: str | None = None,
    occurred_from: date | None = None,
    occurred_to: date | None = None,
    before: int | None = None,
    limit: int = PAGE_SIZE,
) -> EventsPage:
    """Events of the caller's organisation, newest first (auditors). Filter by action, actor
    (username), subject id and a period of days (UTC); page with `before`. The read is audited."""
    query = parse(
        EventQuery,
        {
            "action": action,
            "actor": actor_label,
            "subject_id": subject_id,
            "occurred_from": occurred_from,
            "occurred_to": occurred_to,
            "before": before,
            "limit": limit,
        },
    )
    page = trail.list_events(session, actor, query)
    return EventsPage(
        events=[AuditEventOut.model_validate(e) for e in page.events],
        next_before=page.next_before,
    )


@router.get("/events/{event_id}")
def get_event(event_id: uuid.UUID, session: DB, actor: ApiActor) -> AuditEventOut:
    """One event; 404 for an event of another organisation. The read is audited."""
    return AuditEventOut.model_validate(trail.get_event(session, actor, event_id))


@router.get("/verify")
def verify(request: Request, session: DB, actor: ApiActor) -> VerifyOut:
    """Verify the whole hash chain, the signed checkpoints, the operator attestations and the
    last head this laptop witnessed; names the first bad event."""
    operator_keys, witnesses = trail_anchors(get_settings(request).key_dir)
    report = trail.verify_trail(session, actor, operator_keys=operator_keys, witnesses=witnesses)
    return verify_out(report, _language(request))
