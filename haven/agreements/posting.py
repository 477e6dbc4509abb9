"""What an agreement promises about rank and position, and the overrides of that promise.

The pathways domain reads the promise through `haven.agreements.public`
(`service_terms_for_person`): the date the terms were fixed (the second named approver's
approval, `Agreement.finalized_at`), and whether ranks and positions are retained — never
any other term, never a party. A posting below what the terms retain is refused unless a
programme manager (POSTING_OVERRIDE) records an override with a reason
(`record_posting_override`); every override is audited and listed on the agreement's page
(`overrides_of`), where the team and the named approvers read it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from haven.accounts import repository as accounts
from haven.agreements import repository
from haven.agreements.models import Agreement, PostingOverride
from haven.agreements.terms import binding_agreement, terms_date
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.errors import NotFound, PermissionDenied, ValidationFailed
from haven.forces.public import Position, Rank, positions_by_id, ranks_by_id
from haven.i18n import N_
from haven.people.public import Person, persons_by_id
from haven.security.fields import unmasked
from haven.security.permissions import Actor, Permission, in_scope, require


@dataclass(frozen=True)
class ServiceTerms:
    """What the person's agreement promises about serving: read by the serve track."""

    agreement_id: uuid.UUID
    organisation_id: uuid.UUID
    terms_on: date  # the date the terms were fixed: equivalence is taken on this date
    ranks_retained: bool
    positions_retained: bool


def service_terms_for_person(session: Session, person_id: uuid.UUID) -> ServiceTerms | None:
    """The rank and position terms of the agreement that binds for the person, or None.

    No permission check: this reads two yes-or-no terms and a date, never the parties or the
    other terms, for the serve track's service that checks its own. A term the agreement's
    text does not state is not retained (nothing was promised).
    """
    agreement = binding_agreement(session, person_id)
    if agreement is None:
        return None
    with unmasked(session):
        terms = dict(agreement.terms or {})
    return ServiceTerms(
        agreement_id=agreement.id,
        organisation_id=agreement.organisation_id,
        terms_on=terms_date(agreement),
        ranks_retained=bool(terms.get("ranks_retained", False)),
        positions_retained=bool(terms.get("positions_retained", False)),
    )


@dataclass(frozen=True)
class PostingOverrideRecord:
    """An override as the serve track reads it: what it allows, never its reason."""

    id: uuid.UUID
    agreement_id: uuid.UUID
    person_id: uuid.UUID
    terms_on: date
    from_rank_id: uuid.UUID | None
    to_rank_id: uuid.UUID | None
    from_position_id: uuid.UUID | None
    to_position_id: uuid.UUID | None
    recorded_at: datetime
    recorded_by_id: uuid.UUID | None


def _record_of(row: PostingOverride) -> PostingOverrideRecord:
    return PostingOverrideRecord(
        id=row.id,
        agreement_id=row.agreement_id,
        person_id=row.person_id,
        terms_on=row.terms_on,
        from_rank_id=row.from_rank_id,
        to_rank_id=row.to_rank_id,
        from_position_id=row.from_position_id,
        to_position_id=row.to_position_id,
        recorded_at=row.created_at,
        recorded_by_id=row.recorded_by_id,
    )


def posting_overrides_for_person(
    session: Session, agreement_id: uuid.UUID, person_id: uuid.UUID
) -> list[PostingOverrideRecord]:
    """The person's overrides under the agreement, newest first (no reasons; no permission
    check: for the serve track's service, which checks its own)."""
    return [_record_of(r) for r in repository.overrides_of_person(session, agreement_id, person_id)]


def record_posting_override(
    session: Session,
    actor: Actor,
    *,
    agreement_id: uuid.UUID,
    person_id: uuid.UUID,
    terms_on: date,
    from_rank_id: uuid.UUID | None,
    to_rank_id: uuid.UUID | None,
    from_position_id: uuid.UUID | None,
    to_position_id: uuid.UUID | None,
    reason: str,
) -> PostingOverrideRecord:
    """A programme manager allows a posting below the agreement's terms, with a reason.

    404 for an agreement outside the actor's organisation, 403 without POSTING_OVERRIDE.
    The serve track decides what is below the terms; this records and audits the decision.
    """
    agreement = repository.agreement(session, agreement_id)
    if agreement is None:
        raise NotFound
    require(actor, Permission.POSTING_OVERRIDE, agreement)
    if not reason or not reason.strip():
        raise ValidationFailed(
            fields={"reason": N_("Say why the person may be posted below the agreement's terms.")}
        )
    if to_rank_id is None and to_position_id is None:
        raise ValidationFailed(
            fields={"to_position_id": N_("Choose the rank or the position of the posting.")}
        )
    row = PostingOverride(
        agreement_id=agreement.id,
        organisation_id=agreement.organisation_id,
        person_id=person_id,
        recorded_by_id=actor.user_id,
        terms_on=terms_on,
        from_rank_id=from_rank_id,
        to_rank_id=to_rank_id,
        from_position_id=from_position_id,
        to_position_id=to_position_id,
    )
    session.add(row)
    row.reason = reason.strip()
    session.flush()

    def _id(value: uuid.UUID | None) -> dict[str, str | None]:
        return {"before": None, "after": str(value) if value else None}

    audit.record(
        session,
        actor,
        AuditAction.AGREEMENT_POSTING_OVERRIDDEN,
        subject_type="agreement",
        subject_id=agreement.id,
        organisation_id=agreement.organisation_id,
        changes={
            "override_id": _id(row.id),
            "person_id": _id(person_id),
            "terms_on": {"before": None, "after": terms_on.isoformat()},
            "from_rank_id": _id(from_rank_id),
            "to_rank_id": _id(to_rank_id),
            "from_position_id": _id(from_position_id),
            "to_position_id": _id(to_position_id),
            "reason": audit.REDACTED,
        },
    )
    return _record_of(row)


@dataclass(frozen=True)
class OverrideLine:
    """One override as the agreement's page lists it."""

    id: uuid.UUID
    recorded_at: datetime
    recorded_by: str
    person_id: uuid.UUID
    person_name: str
    terms_on: date
    from_rank: Rank | None
    to_rank: Rank | None
    from_position: Position | None
    to_position: Position | None
    reason: str | None


def _person_name(person: Person | None) -> str:
    if person is None or person.is_erased:
        return "—"
    return " ".join(p for p in (person.prefix, person.name_latin or person.name_my) if p) or "—"


def overrides_of(session: Session, actor: Actor, agreement: Agreement) -> list[OverrideLine]:
    """Every override of the agreement — who, when, person, from and to, reason — for the
    negotiation team and the named approvers (the same readers as its terms), batched."""
    if not in_scope(actor, agreement):
        raise NotFound
    entitled = (
        actor.is_system
        or actor.can(Permission.AGREEMENT_READ)
        or (
            actor.can(Permission.AGREEMENT_APPROVE)
            and repository.approver(session, agreement.id, actor.user_id) is not None
        )
    )
    if not entitled:
        raise PermissionDenied
    rows = repository.overrides_of_agreement(session, agreement.id)
    users = accounts.users_by_id(session, [r.recorded_by_id for r in rows])
    persons = persons_by_id(session, [r.person_id for r in rows])
    ranks = ranks_by_id(session, [i for r in rows for i in (r.from_rank_id, r.to_rank_id)])
    positions = positions_by_id(
        session, [i for r in rows for i in (r.from_position_id, r.to_position_id)]
    )
    with unmasked(session):
        reasons = {r.id: r.reason for r in rows}

    def recorder(user_id: uuid.UUID | None) -> str:
        user = users.get(user_id) if user_id else None
        return f"{user.display_name} ({user.username})" if user else "—"

    return [
        OverrideLine(
            id=r.id,
            recorded_at=r.created_at,
            recorded_by=recorder(r.recorded_by_id),
            person_id=r.person_id,
            person_name=_person_name(persons.get(r.person_id)),
            terms_on=r.terms_on,
            from_rank=ranks.get(r.from_rank_id) if r.from_rank_id else None,
            to_rank=ranks.get(r.to_rank_id) if r.to_rank_id else None,
            from_position=positions.get(r.from_position_id) if r.from_position_id else None,
            to_position=positions.get(r.to_position_id) if r.to_position_id else None,
            reason=reasons.get(r.id),
        )
        for r in rows
    ]


def erase_override_reasons_of(session: Session, person_id: uuid.UUID) -> None:
    """Erasure: the person's overrides keep who decided and from what to what; the reasons,
    which speak of the person, are blanked."""
    repository.erase_override_reasons_of(session, person_id)
