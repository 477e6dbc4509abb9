"""Agreements: creation, terms, parties, named approvers, the lifecycle and who sees what.

Who sees an agreement's parties (commanders' identities), terms and notes: the negotiation
team (AGREEMENT_READ in the organisation) and the approvers named on that agreement
(AGREEMENT_APPROVE and named). Every such read is audited. Everyone else sees at most the
status board's counts; crossing desks see a code name and the roll (`crossing.py`).

Lifecycle (`lifecycle.AGREEMENT`): draft → negotiating → finalized → executing → completed,
or collapsed / cancelled. Finalization is never a plain move: it happens when the second of
two different named approvers approves. Changing the terms while negotiating withdraws the
approvals already given, so two people always approve the same text. Commanders and the
roll are screened against the incident registry (`screening.py`) when added and again before
each approval; an approver must have acknowledged every hit to approve, and new hits
withdraw the approvals already given. The defection plan an
agreement refers to belongs to the allowances domain: setting it publishes
`AgreementTermsSet`, whose handler there refuses a plan version that does not exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from haven.accounts import repository as accounts
from haven.agreements import repository, screening
from haven.agreements.events import AgreementTermsSet
from haven.agreements.lifecycle import (
    AGREEMENT,
    EDITABLE,
    LOGISTICS_EDITABLE,
    LOGISTICS_FIELDS,
    AgreementStatus,
)
from haven.agreements.models import Agreement, AgreementApprover, AgreementParty
from haven.agreements.schemas import AgreementCreate, AgreementUpdate, PartyIn, TermsIn
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.types import new_id, utcnow
from haven.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from haven.i18n import N_, Text
from haven.kernel.events import publish
from haven.security.fields import unmasked
from haven.security.fresh import require_fresh
from haven.security.permissions import (
    ROLE_PERMISSIONS,
    Actor,
    Permission,
    Role,
    Scope,
    in_scope,
    require,
)

S = AgreementStatus
APPROVALS_NEEDED = 2
TERM_FIELDS = ("terms", "notes", "plan_version_id", "allowance_overrides", "expected_headcount")


def _status(agreement: Agreement) -> AgreementStatus:
    return AgreementStatus(agreement.status)


def _state_label(agreement: Agreement) -> Text:
    """The agreement's state as a message parameter, in the reader's language."""
    return Text(_status(agreement).label)


def _get(session: Session, agreement_id: uuid.UUID) -> Agreement:
    agreement = repository.agreement(session, agreement_id)
    if agreement is None:
        raise NotFound
    return agreement


def is_named_approver(session: Session, actor: Actor, agreement: Agreement) -> bool:
    return (
        actor.can(Permission.AGREEMENT_APPROVE)
        and repository.approver(session, agreement.id, actor.user_id) is not None
    )


def get_for_team(session: Session, actor: Actor, agreement_id: uuid.UUID) -> Agreement:
    """The agreement for the negotiation team (AGREEMENT_READ); 404 outside the scope."""
    agreement = _get(session, agreement_id)
    require(actor, Permission.AGREEMENT_READ, agreement)
    return agreement


def get_for_writer(session: Session, actor: Actor, agreement_id: uuid.UUID) -> Agreement:
    agreement = _get(session, agreement_id)
    require(actor, Permission.AGREEMENT_WRITE, agreement)
    return agreement


def get_for_approver(session: Session, actor: Actor, agreement_id: uuid.UUID) -> Agreement:
    """The agreement for an approver: AGREEMENT_APPROVE and named on it (403 otherwise)."""
    agreement = _get(session, agreement_id)
    require(actor, Permission.AGREEMENT_APPROVE, agreement)
    if not actor.is_system and not is_named_approver(session, actor, agreement):
        raise PermissionDenied(N_("Only the approvers named on this agreement may see it."))
    return agreement


def get_for_reader(session: Session, actor: Actor, agreement_id: uuid.UUID) -> Agreement:
    """The team's or a named approver's view, whichever the actor is entitled to."""
    agreement = _get(session, agreement_id)
    if actor.can(Permission.AGREEMENT_READ):
        require(actor, Permission.AGREEMENT_READ, agreement)
        return agreement
    return get_for_approver(session, actor, agreement_id)


def list_for_team(session: Session, actor: Actor) -> Sequence[Agreement]:
    require(actor, Permission.AGREEMENT_READ)
    return repository.agreements(session, actor)


def list_for_approver(session: Session, actor: Actor) -> Sequence[Agreement]:
    """The agreements on which the actor is a named approver."""
    require(actor, Permission.AGREEMENT_APPROVE)
    found = repository.agreements(session, actor)
    named = repository.approvals_of_user(session, [a.id for a in found], actor.user_id)
    return [a for a in found if a.id in named]


def board(session: Session, actor: Actor) -> dict[AgreementStatus, int]:
    """Counts by state (DASHBOARD_VIEW or REPORT_AGGREGATE): no agreement is named."""
    if not (actor.can(Permission.DASHBOARD_VIEW) or actor.can(Permission.REPORT_AGGREGATE)):
        raise PermissionDenied
    found = repository.counts_by_status(session, actor)
    return {state: found.get(str(state), 0) for state in AgreementStatus}


@dataclass(frozen=True)
class PartyView:
    id: uuid.UUID
    name: str | None
    rank: str | None
    position: str | None
    unit: str | None
    contact: str | None


@dataclass(frozen=True)
class Confidential:
    """What only the team and named approvers see, decrypted for one reader."""

    terms: dict[str, Any]
    notes: str | None
    parties: list[PartyView]


def read_confidential(session: Session, actor: Actor, agreement: Agreement) -> Confidential:
    """Decrypt parties, terms and notes for an entitled reader; the read is audited."""
    if not in_scope(actor, agreement):
        raise NotFound
    entitled = (
        actor.is_system
        or actor.can(Permission.AGREEMENT_READ)
        or is_named_approver(session, actor, agreement)
    )
    if not entitled:
        raise PermissionDenied
    with unmasked(session):
        terms = dict(agreement.terms or {})
        notes = agreement.notes
        parties = [
            PartyView(
                id=p.id,
                **{k: (p.identity or {}).get(k) for k in ("name", "rank", "position", "unit")},
                contact=(p.identity or {}).get("contact"),
            )
            for p in repository.parties_of(session, agreement.id)
        ]
    audit.record(
        session,
        actor,
        AuditAction.AGREEMENT_VIEWED,
        subject_type="agreement",
        subject_id=agreement.id,
        organisation_id=agreement.organisation_id,
        changes={"parties": {"before": None, "after": len(parties)}},
    )
    return Confidential(terms=terms, notes=notes, parties=parties)


def _check_site(session: Session, actor: Actor, site_id: uuid.UUID | None) -> None:
    if site_id is None:
        return
    site = accounts.site_by_id(session, site_id)
    if site is None or not in_scope(actor, site):
        raise ValidationFailed(fields={"site_id": N_("Choose a site of this organisation.")})


def _set_terms(
    session: Session, actor: Actor, agreement_id: uuid.UUID, plan_version_id: uuid.UUID | None
) -> None:
    """Tell the allowances domain, which owns the defection plan, before the terms are
    written: its handler refuses a plan version that does not exist (ValidationFailed)."""
    publish(
        session,
        actor,
        AgreementTermsSet(agreement_id=agreement_id, plan_version_id=plan_version_id),
    )


def _terms_dict(terms: TermsIn) -> dict[str, Any]:
    return terms.model_dump(exclude={"text_encoding"})


def _add_party(
    session: Session, actor: Actor, agreement: Agreement, data: PartyIn
) -> AgreementParty:
    party = AgreementParty(agreement_id=agreement.id, organisation_id=agreement.organisation_id)
    session.add(party)
    party.identity = data.model_dump(exclude={"text_encoding"})
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.AGREEMENT_PARTY_ADDED,
        subject_type="agreement",
        subject_id=agreement.id,
        organisation_id=agreement.organisation_id,
        changes={"party": audit.REDACTED},
    )
    screening.screen(session, actor, agreement, parties=[party])
    return party


def create(session: Session, actor: Actor, data: AgreementCreate) -> Agreement:
    """A new agreement in draft, with its first parties and terms."""
    require(actor, Permission.AGREEMENT_WRITE)
    organisation_id = actor.organisation_id
    if organisation_id is None:
        raise ValidationFailed(N_("The agreement needs an organisation."))
    _check_site(session, actor, data.site_id)
    agreement_id = new_id()
    _set_terms(session, actor, agreement_id, data.plan_version_id)
    if any(a.code_name == data.code_name for a in repository.agreements(session, actor)):
        raise ValidationFailed(fields={"code_name": N_("Another agreement has this code name.")})
    agreement = Agreement(
        id=agreement_id,
        organisation_id=organisation_id,
        site_id=data.site_id,
        code_name=data.code_name or "",
        status=str(S.DRAFT),
        status_changed_by_id=actor.user_id,
        created_by_id=actor.user_id,
        expected_crossing_on=data.expected_crossing_on,
        expected_headcount=data.expected_headcount,
        plan_version_id=data.plan_version_id,
        allowance_overrides=dict(data.allowance_overrides),
    )
    savepoint = session.begin_nested()
    try:
        session.add(agreement)
        agreement.terms = _terms_dict(data.terms)
        agreement.notes = data.notes
        session.flush()
    except IntegrityError:  # another negotiator took the code name a moment earlier
        savepoint.rollback()
        raise ValidationFailed(
            fields={"code_name": N_("Another agreement has this code name.")}
        ) from None
    savepoint.commit()
    audit.record(
        session,
        actor,
        AuditAction.AGREEMENT_CREATED,
        subject_type="agreement",
        subject_id=agreement.id,
        organisation_id=organisation_id,
        changes={
            "status": {"before": None, "after": agreement.status},
            "code_name": {"before": None, "after": agreement.code_name},
            "terms": audit.REDACTED,
        },
    )
    for party in data.parties:
        _add_party(session, actor, agreement, party)
    return agreement


def add_party(
    session: Session, actor: Actor, agreement_id: uuid.UUID, data: PartyIn
) -> AgreementParty:
    agreement = get_for_writer(session, actor, agreement_id)
    _require_editable(agreement)
    withdraw_approvals(session, actor, agreement)
    return _add_party(session, actor, agreement, data)


def _party(session: Session, agreement: Agreement, party_id: uuid.UUID) -> AgreementParty:
    party = repository.party(session, party_id)
    if party is None or party.agreement_id != agreement.id:
        raise NotFound
    return party


def party_of(
    session: Session, actor: Actor, agreement_id: uuid.UUID, party_id: uuid.UUID
) -> tuple[Agreement, PartyView]:
    """One commander, decrypted for the team's edit form (AGREEMENT_WRITE)."""
    agreement = get_for_writer(session, actor, agreement_id)
    party = _party(session, agreement, party_id)
    with unmasked(session):
        identity = dict(party.identity or {})
    view = PartyView(
        id=party.id,
        **{k: identity.get(k) for k in ("name", "rank", "position", "unit", "contact")},
    )
    return agreement, view


def update_party(
    session: Session, actor: Actor, agreement_id: uuid.UUID, party_id: uuid.UUID, data: PartyIn
) -> AgreementParty:
    """Correct a commander while drafting or negotiating: approvals given are withdrawn and
    the commander is screened again (hits already found stay on record)."""
    agreement = get_for_writer(session, actor, agreement_id)
    _require_editable(agreement)
    party = _party(session, agreement, party_id)
    after = data.model_dump(exclude={"text_encoding"})
    with unmasked(session):
        before = dict(party.identity or {})
    changed = sorted(k for k in after if (before.get(k) or None) != (after[k] or None))
    if not changed:
        return party
    withdraw_approvals(session, actor, agreement)
    party.identity = after
    session.flush()
    _record_update(
        session,
        actor,
        agreement,
        # The commander's identity is never copied into the trail: which fields changed.
        {f"party.{name}": audit.REDACTED for name in changed}
        | {"party_id": {"before": str(party.id), "after": str(party.id)}},
    )
    screening.screen(session, actor, agreement, parties=[party])
    return party


def remove_party(
    session: Session, actor: Actor, agreement_id: uuid.UUID, party_id: uuid.UUID
) -> None:
    """Remove a commander entered by mistake, while drafting or negotiating. A commander on
    whom screening found hits stays: the hits are a record of what the approvers saw."""
    agreement = get_for_writer(session, actor, agreement_id)
    _require_editable(agreement)
    party = _party(session, agreement, party_id)
    if repository.party_has_hits(session, party.id):
        raise Conflict(
            N_(
                "Screening found hits on this commander, which stay on record: correct the "
                "commander's details instead of removing them."
            )
        )
    withdraw_approvals(session, actor, agreement)
    session.delete(party)
    session.flush()
    _record_update(
        session,
        actor,
        agreement,
        {"party_id": {"before": str(party_id), "after": None}, "party": audit.REDACTED},
    )


@dataclass(frozen=True)
class ApprovalProgress:
    """Where the approvals stand: how many approvers are named, how many approved."""

    named: int
    given: int
    needed: int = APPROVALS_NEEDED

    @property
    def still_needed(self) -> int:
        return max(self.needed - self.given, 0)


def approval_progress(session: Session, agreement: Agreement) -> ApprovalProgress:
    rows = repository.approvers_of(session, agreement.id)
    return ApprovalProgress(
        named=len(rows), given=sum(1 for row in rows if row.approved_at is not None)
    )


def _require_editable(agreement: Agreement) -> None:
    if _status(agreement) not in EDITABLE:
        raise Conflict(
            Text(
                N_("The terms of an agreement in state {state} can no longer be changed."),
                {"state": _state_label(agreement)},
            )
        )


def editable_fields(agreement: Agreement) -> frozenset[str]:
    """What may still change in the agreement's state: everything while drafting or
    negotiating; once finalized only the logistics (reception point, expected date); nothing
    once the crossing started or the agreement ended."""
    status = _status(agreement)
    if status in EDITABLE:
        return frozenset({*TERM_FIELDS, *LOGISTICS_FIELDS, "parties"})
    if status in LOGISTICS_EDITABLE:
        return LOGISTICS_FIELDS
    return frozenset()


def withdraw_approvals(session: Session, actor: Actor, agreement: Agreement) -> int:
    """Approvals given are withdrawn (changed terms, new screening hits): both approvers must
    approve the same text, having seen the same hits."""
    withdrawn = 0
    for row in repository.approvers_of(session, agreement.id):
        if row.approved_at is not None:
            row.approved_at = None
            withdrawn += 1
    if withdrawn:
        session.flush()
        _record_update(
            session,
            actor,
            agreement,
            {"approvals": {"before": withdrawn, "after": 0}},
        )
    return withdrawn


def _require_changeable(agreement: Agreement, names: set[str]) -> None:
    if names <= editable_fields(agreement):
        return
    if _status(agreement) in LOGISTICS_EDITABLE:
        _require_editable(agreement)  # the terms are fixed; the logistics may still change
    raise Conflict(
        Text(
            N_("An agreement in state {state} can no longer be changed."),
            {"state": _state_label(agreement)},
        )
    )


def update(
    session: Session, actor: Actor, agreement_id: uuid.UUID, data: AgreementUpdate
) -> Agreement:
    """Change terms or plans while drafting or negotiating (approvals given are withdrawn);
    the reception point and the expected date also once finalized (`editable_fields`)."""
    agreement = get_for_writer(session, actor, agreement_id)
    given = data.model_fields_set - {"text_encoding"}
    _require_changeable(agreement, given)
    if "site_id" in given:
        _check_site(session, actor, data.site_id)
    if "plan_version_id" in given:
        _set_terms(session, actor, agreement.id, data.plan_version_id)
    with unmasked(session):
        before: dict[str, Any] = {
            "site_id": agreement.site_id,
            "expected_crossing_on": agreement.expected_crossing_on,
            "expected_headcount": agreement.expected_headcount,
            "plan_version_id": agreement.plan_version_id,
            "allowance_overrides": dict(agreement.allowance_overrides or {}),
            "terms": agreement.terms,
            "notes": agreement.notes,
        }
    after = dict(before)
    for name in given:
        value = getattr(data, name)
        if name == "terms":
            value = _terms_dict(value) if value is not None else {}
        if name == "allowance_overrides":
            value = dict(value or {})
        after[name] = value
    changes = audit.diff(before, after, sensitive=("terms", "notes"))
    if not changes:
        return agreement
    for name, value in after.items():
        if name in ("terms", "notes"):
            if before[name] != value:
                setattr(agreement, name, value)
        else:
            setattr(agreement, name, value)
    session.flush()
    _record_update(
        session,
        actor,
        agreement,
        {k: (str(v) if not isinstance(v, dict | str) else v) for k, v in changes.items()},
    )
    if set(changes) & set(TERM_FIELDS):
        withdraw_approvals(session, actor, agreement)
    return agreement


def name_approver(
    session: Session, actor: Actor, agreement_id: uuid.UUID, user_id: uuid.UUID
) -> AgreementApprover:
    """Name a user of the organisation whose role may approve agreements."""
    agreement = get_for_writer(session, actor, agreement_id)
    _require_editable(agreement)
    user = accounts.user_by_id(session, user_id)
    if user is None or user.organisation_id != agreement.organisation_id or not user.is_active:
        raise ValidationFailed(
            fields={"user_id": N_("Choose an active user of this organisation.")}
        )
    try:
        role = Role(user.role)
    except ValueError:
        role = None
    if role is None or Permission.AGREEMENT_APPROVE not in ROLE_PERMISSIONS.get(role, frozenset()):
        raise ValidationFailed(
            fields={"user_id": N_("This user's role may not approve agreements.")}
        )
    existing = repository.approver(session, agreement.id, user_id)
    if existing is not None:
        return existing
    row = AgreementApprover(
        agreement_id=agreement.id, organisation_id=agreement.organisation_id, user_id=user_id
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.AGREEMENT_APPROVER_NAMED,
        subject_type="agreement",
        subject_id=agreement.id,
        organisation_id=agreement.organisation_id,
        changes={"approver_user_id": {"before": None, "after": str(user_id)}},
    )
    return row


def approve(session: Session, actor: Actor, agreement_id: uuid.UUID) -> Agreement:
    """A named approver approves the negotiated text; the second different one finalizes it.

    Fresh authentication first (the approver confirmed who they are in the last minutes, with
    their second factor): an API token is refused (403), a page asks again."""
    agreement = get_for_approver(session, actor, agreement_id)
    require_fresh(session, actor)
    if _status(agreement) is not S.NEGOTIATING:
        raise Conflict(
            Text(
                N_("Only an agreement under negotiation can be approved; this one is {state}."),
                {"state": _state_label(agreement)},
            )
        )
    row = repository.approver(session, agreement.id, actor.user_id)
    if row is None:
        raise PermissionDenied(N_("Only the approvers named on this agreement may approve it."))
    if row.approved_at is not None:
        raise Conflict(
            N_("You have already approved this agreement: a second, different approver must.")
        )
    # Screened again, everyone, before the approval: new hits withdraw approvals given.
    if screening.screen(session, actor, agreement):
        withdraw_approvals(session, actor, agreement)
    pending = screening.unacknowledged(session, agreement, actor)
    if pending:
        raise screening.HitsUnacknowledged(Text(screening.UNACKNOWLEDGED, {"count": len(pending)}))
    row.approved_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.AGREEMENT_APPROVED,
        subject_type="agreement",
        subject_id=agreement.id,
        organisation_id=agreement.organisation_id,
        changes={"approved_by": {"before": None, "after": str(actor.user_id)}},
    )
    approved = {r.user_id for r in repository.approvers_of(session, agreement.id) if r.approved_at}
    if len(approved) >= APPROVALS_NEEDED:
        _move(session, actor, agreement, S.FINALIZED, reason=None)
    return agreement


def allowed_moves(agreement: Agreement) -> list[AgreementStatus]:
    """Moves a negotiator may make by hand (finalization comes from approvals)."""
    return sorted(AGREEMENT.targets(agreement.status) - {S.FINALIZED}, key=list(S).index)


def transition(
    session: Session,
    actor: Actor,
    agreement_id: uuid.UUID,
    to: AgreementStatus,
    *,
    reason: str | None = None,
) -> Agreement:
    """Move the agreement along its lifecycle; an illegal move is a Conflict (409)."""
    agreement = get_for_writer(session, actor, agreement_id)
    AGREEMENT.check(agreement.status, to)
    if to is S.FINALIZED:
        raise Conflict(
            N_("An agreement is finalized only by the approval of two different named approvers.")
        )
    if to is S.EXECUTING and agreement.site_id is None:
        raise Conflict(N_("Choose the reception point of the crossing before executing."))
    _move(session, actor, agreement, to, reason=reason)
    return agreement


def _move(
    session: Session,
    actor: Actor,
    agreement: Agreement,
    to: AgreementStatus,
    *,
    reason: str | None,
) -> None:
    """Move and audit through the lifecycle; who moved it and when stay on the agreement."""
    agreement.status_changed_at = utcnow()
    agreement.status_changed_by_id = actor.user_id
    changes = {"reason": {"before": None, "after": reason}} if reason else None
    AGREEMENT.move(session, actor, agreement, to, changes=changes)
    session.flush()


def site_scoped(actor: Actor) -> bool:
    return actor.scope is Scope.SITE and not actor.is_system


def _record_update(
    session: Session, actor: Actor, agreement: Agreement, changes: dict[str, Any]
) -> None:
    """The audit event of a change to the agreement (its fields, parties or approvals)."""
    audit.record(
        session,
        actor,
        AuditAction.AGREEMENT_UPDATED,
        subject_type="agreement",
        subject_id=agreement.id,
        organisation_id=agreement.organisation_id,
        changes=changes,
    )
