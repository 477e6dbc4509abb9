"""Reading the trail (the auditor's viewer), verifying it and signing checkpoints on demand.

Auditors see the events of their own organisation only (deny by default; an event of another
organisation answers 404). Every read of the trail is itself an audit event.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from haven.audit import chain, checkpoints, repository
from haven.audit.actions import AuditAction
from haven.audit.models import AuditCheckpoint, AuditEvent
from haven.audit.schemas import EventQuery
from haven.audit.service import record
from haven.audit.verify import Problem, VerifyReport, verify
from haven.errors import HavenError, NotFound, PermissionDenied
from haven.i18n import N_
from haven.security.permissions import Actor, Permission, require, visible_to


class SigningKeyMissing(HavenError):
    code = "signing_key_missing"
    status = 409
    default_message = N_(
        "The audit signing key is not loaded. Start Haven with its key file (HAVEN_KEY_FILE)."
    )


@dataclass(frozen=True)
class EventsPage:
    events: Sequence[AuditEvent]
    next_before: int | None


def _filters(query: EventQuery) -> dict[str, str]:
    """The filters as plain text, to record what the auditor looked for."""
    wanted = query.model_dump(exclude={"limit"}, exclude_none=True, mode="json")
    return {name: str(value) for name, value in wanted.items()}


def list_events(session: Session, actor: Actor, query: EventQuery) -> EventsPage:
    """Newest first, one page at a time; the read is audited with its filters."""
    require(actor, Permission.AUDIT_READ)
    wanted = repository.EventFilter(
        action=str(query.action) if query.action else None,
        actor=query.actor,
        subject_id=query.subject_id,
        occurred_from=query.occurred_from,
        occurred_to=query.occurred_to,
        before_seq=query.before,
    )
    scope = visible_to(actor, AuditEvent, site_column=None)
    found = list(repository.events_page(session, scope, wanted, limit=query.limit + 1))
    page = found[: query.limit]
    next_before = page[-1].seq if len(found) > query.limit else None
    record(
        session,
        actor,
        AuditAction.AUDIT_VIEWED,
        subject_type="audit_trail",
        subject_id=None,
        organisation_id=actor.organisation_id,
        changes=_filters(query),
    )
    return EventsPage(events=page, next_before=next_before)


def get_event(session: Session, actor: Actor, event_id: uuid.UUID) -> AuditEvent:
    """One event; 404 for an event outside the auditor's organisation."""
    event = repository.event_by_id(session, event_id)
    if event is None:
        raise NotFound
    require(actor, Permission.AUDIT_READ, event)
    record(
        session,
        actor,
        AuditAction.AUDIT_VIEWED,
        subject_type="audit_event",
        subject_id=event.id,
        organisation_id=actor.organisation_id,
    )
    return event


def _within_scope(session: Session, actor: Actor, problem: Problem) -> Problem:
    """An auditor may learn that the trail is broken, not the id of another organisation's event."""
    if actor.is_system or problem.event_id is None:
        return problem
    owner = repository.organisation_of_event(session, problem.event_id)
    return problem if owner == actor.organisation_id else problem.without_event_id()


def verify_trail(session: Session, actor: Actor) -> VerifyReport:
    """Verify the whole chain and every checkpoint (signatures need the session's keyring)."""
    require(actor, Permission.AUDIT_READ)
    keyring = checkpoints.keyring_in(session)
    public_key = keyring.audit_signing_key.public_key() if keyring else None
    report = verify(session, public_key=public_key)
    problems = tuple(_within_scope(session, actor, p) for p in report.problems)
    first = problems[0] if problems else None
    record(
        session,
        actor,
        AuditAction.AUDIT_VERIFIED,
        subject_type="audit_trail",
        subject_id=None,
        organisation_id=actor.organisation_id,
        changes={
            "result": str(first.kind) if first else "intact",
            "head_seq": report.head_seq,
            "signatures_checked": report.signatures_checked,
        },
    )
    return VerifyReport(
        events=report.events,
        head_seq=report.head_seq,
        head_hash=report.head_hash,
        checkpoints=report.checkpoints,
        last_checkpoint_seq=report.last_checkpoint_seq,
        signatures_checked=report.signatures_checked,
        problems=problems,
    )


def sign_checkpoint(session: Session, actor: Actor) -> AuditCheckpoint:
    """Sign the chain's head now (the operator, at the command line)."""
    if not actor.is_system:
        raise PermissionDenied
    keyring = checkpoints.keyring_in(session)
    if keyring is None:
        raise SigningKeyMissing
    event = record(
        session,
        actor,
        AuditAction.AUDIT_CHECKPOINT_SIGNED,
        subject_type="audit_trail",
        subject_id=None,
        organisation_id=None,
    )
    if checkpoints.last_checkpoint_seq(session) == event.seq:
        existing = repository.checkpoint_at(session, event.seq)
        if existing is not None:  # the interval fell on this very event
            return existing
    seq, head_hash = chain.head(session)
    return checkpoints.sign(session, keyring.audit_signing_key, seq=seq, event_hash=head_hash)
