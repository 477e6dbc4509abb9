"""Reading the trail (the auditor's viewer), verifying it and signing checkpoints on demand.

Auditors see the events of their own organisation only (deny by default; an event of another
organisation answers 404). Every read of the trail is itself an audit event.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.orm import Session

from haven.audit import chain, checkpoints, repository, witness
from haven.audit.actions import AuditAction
from haven.audit.models import AuditAttestation, AuditCheckpoint, AuditEvent
from haven.audit.schemas import EventQuery
from haven.audit.service import append_pending, record
from haven.audit.verify import Problem, VerifyReport, verify
from haven.audit.witness import Attestation, Witness
from haven.db.types import utcnow
from haven.errors import Conflict, HavenError, NotFound, PermissionDenied
from haven.i18n import N_
from haven.security.permissions import Actor, Permission, require, visible_to


class SigningKeyMissing(HavenError):
    code = "signing_key_missing"
    status = 409
    default_message = N_(
        "The audit signing key is not loaded. Start Haven with its key file (HAVEN_KEY_FILE)."
    )


class AttestationUntrusted(HavenError):
    code = "attestation_untrusted"
    status = 422
    default_message = N_(
        "This attestation is not signed by an operator key this laptop trusts "
        "(haven audit trust): it was not imported."
    )


class AttestationMismatch(Conflict):
    code = "attestation_mismatch"
    default_message = N_(
        "The attested event is not in this trail as it was attested: the trail was changed, "
        "or the attestation is of another installation. It was not imported."
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


def verify_trail(
    session: Session,
    actor: Actor,
    *,
    operator_keys: Iterable[Ed25519PublicKey] = (),
    witnesses: Iterable[Witness] = (),
) -> VerifyReport:
    """Verify the whole chain, every checkpoint (signatures need the session's keyring), every
    operator attestation (against `operator_keys`) and every witnessed head."""
    require(actor, Permission.AUDIT_READ)
    keyring = checkpoints.keyring_in(session)
    public_key = keyring.audit_signing_key.public_key() if keyring else None
    report = verify(
        session, public_key=public_key, operator_keys=operator_keys, witnesses=witnesses
    )
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
            "vouched_seq": report.vouched_seq,
            "witnesses": report.witnesses,
        },
    )
    return replace(report, problems=problems)


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
    append_pending(session)  # the event's seq, now
    if checkpoints.last_checkpoint_seq(session) == event.seq:
        existing = repository.checkpoint_at(session, event.seq)
        if existing is not None:  # the interval fell on this very event
            return existing
    seq, head_hash = chain.head(session)
    return checkpoints.sign(session, keyring.audit_signing_key, seq=seq, event_hash=head_hash)


def witness_head(session: Session, actor: Actor) -> tuple[int, str]:
    """Record that the head was witnessed, and answer the head (that event included)."""
    if not actor.is_system:
        raise PermissionDenied
    record(
        session,
        actor,
        AuditAction.AUDIT_WITNESSED,
        subject_type="audit_trail",
        subject_id=None,
        organisation_id=None,
    )
    return chain.head(session)


def import_attestation(
    session: Session,
    actor: Actor,
    attestation: Attestation,
    operator_keys: list[Ed25519PublicKey],
) -> AuditAttestation:
    """Keep an operator's attestation, once its signature and the chain it vouches for check."""
    if not actor.is_system:
        raise PermissionDenied
    signer = witness.signed_by(
        seq=attestation.seq,
        event_hash=attestation.event_hash,
        signed_at=attestation.signed_at,
        signer=attestation.key_id,
        signature=attestation.signature,
        keys=operator_keys,
    )
    if signer is None:
        raise AttestationUntrusted
    if repository.event_hash_at(session, attestation.seq) != attestation.event_hash:
        raise AttestationMismatch
    existing = repository.attestation_at(session, attestation.seq, attestation.key_id)
    if existing is not None:
        return existing
    stored = AuditAttestation(
        seq=attestation.seq,
        event_hash=attestation.event_hash,
        signed_at=attestation.signed_at,
        key_id=attestation.key_id,
        signature=attestation.signature,
        imported_at=utcnow(),
    )
    session.add(stored)
    session.flush()
    record(
        session,
        actor,
        AuditAction.AUDIT_ATTESTATION_IMPORTED,
        subject_type="audit_trail",
        subject_id=None,
        organisation_id=None,
        changes={"seq": attestation.seq, "key_id": attestation.key_id},
    )
    return stored


def operator_key_trusted(session: Session, actor: Actor, key: str) -> None:
    """Record that an operator key was added to the laptop's trusted keys."""
    if not actor.is_system:
        raise PermissionDenied
    record(
        session,
        actor,
        AuditAction.AUDIT_OPERATOR_KEY_TRUSTED,
        subject_type="audit_trail",
        subject_id=None,
        organisation_id=None,
        changes={"key_id": key},
    )


@dataclass(frozen=True)
class RolledBack:
    from_seq: int
    to_seq: int


def note_rollback(session: Session, actor: Actor, known: Witness) -> RolledBack | None:
    """After a restore: if the trail no longer holds the last head known before it, record in
    the trail that it was rolled back (from that head to the restored one) and say so."""
    if not actor.is_system:
        raise PermissionDenied
    if known.seq == 0:
        return None
    at = repository.event_hash_at(session, known.seq)
    if at is not None and known.matches(at):
        return None
    restored_seq, restored_hash = chain.head(session)
    record(
        session,
        actor,
        AuditAction.AUDIT_ROLLED_BACK,
        subject_type="audit_trail",
        subject_id=None,
        organisation_id=None,
        changes={
            "from_seq": known.seq,
            "from_hash": known.event_hash,
            "to_seq": restored_seq,
            "to_hash": restored_hash,
        },
    )
    return RolledBack(from_seq=known.seq, to_seq=restored_seq)
