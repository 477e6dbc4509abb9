"""The rules of data sharing: agreements (drafted, brought into force, suspended, ended) and
the disclosure log that every outbound point writes (docs/disclosures.md).

Invariants:
- personal data leaves Haven by an export or a report only under an agreement in force today
  that covers the kind of disclosure and every field disclosed (`require_agreement`); a
  refusal writes nothing but its audit event, which the boundary records after rolling back
  (`record_refusal`);
- what the Geneva Convention requires to reach the tracing agency (GC III Art. 70, 122-123) is
  never refused: it is logged with its article, and with the agreement in force that covers
  it when there is one (`record_convention_disclosure`);
- each disclosure writes exactly one log entry, with the persons it carried, in the same
  transaction as its audit event; the log is append-only (revision 0043's triggers).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Collection, Iterable, Sequence
from datetime import date

from sqlalchemy.orm import Session

from haven.accounts import repository as accounts
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.types import utcnow
from haven.disclosures import repository
from haven.disclosures.lifecycle import (
    AGREEMENT,
    AgreementStatus,
    DisclosureKind,
    LegalBasis,
    PersonalField,
    RecipientKind,
)
from haven.disclosures.models import Disclosure, SharingAgreement
from haven.disclosures.schemas import AgreementIn
from haven.errors import Conflict, ValidationFailed
from haven.i18n import N_, Text
from haven.kernel.clock import local_today
from haven.security.fresh import require_fresh
from haven.security.permissions import Actor, Permission, require

# The tracing agency a Convention notice goes to when no agreement names it.
TRACING_AGENCY = "ICRC Central Tracing Agency"


class DisclosureRefused(ValidationFailed):
    """An export or report refused for want of a covering agreement (422, on `field`)."""

    code = "disclosure_refused"

    def __init__(
        self,
        message: str | Text,
        *,
        reason: str,
        kind: DisclosureKind,
        source: str,
        agreement_id: uuid.UUID | None,
        organisation_id: uuid.UUID | None,
        field: str = "agreement_id",
    ) -> None:
        super().__init__(fields={field: message})
        self.reason = reason
        self.kind = kind
        self.source = source
        self.agreement_id = agreement_id
        self.organisation_id = organisation_id


# --- agreements ----------------------------------------------------------------------------


def _check_dates(data: AgreementIn) -> None:
    if data.valid_until is not None and data.valid_until < data.valid_from:
        raise ValidationFailed(
            fields={"valid_until": N_("The end of validity cannot come before its start.")}
        )


def _check_recipient_organisation(session: Session, actor: Actor, data: AgreementIn) -> None:
    if data.recipient_organisation_id is None:
        return
    partners = {o.id for o in accounts.referral_partners(session, actor)}
    if data.recipient_organisation_id not in partners:
        raise ValidationFailed(
            fields={"recipient_organisation_id": N_("Choose an organisation from the list.")}
        )


def _apply(agreement: SharingAgreement, data: AgreementIn) -> None:
    agreement.recipient_name = data.recipient_name
    agreement.recipient_kind = data.recipient_kind.value
    agreement.recipient_organisation_id = data.recipient_organisation_id
    agreement.purpose = data.purpose
    agreement.legal_basis = data.legal_basis.value
    agreement.kinds = sorted({k.value for k in data.kinds})
    agreement.fields = sorted({f.value for f in data.fields})
    agreement.valid_from = data.valid_from
    agreement.valid_until = data.valid_until
    agreement.document_reference = data.document_reference


AUDITED = (
    "recipient_name", "recipient_kind", "recipient_organisation_id", "legal_basis", "kinds",
    "fields", "valid_from", "valid_until", "document_reference",
)  # fmt: skip


def create_agreement(session: Session, actor: Actor, data: AgreementIn) -> SharingAgreement:
    """A new agreement, as a draft (fresh login: it decides what may leave Haven)."""
    require(actor, Permission.SHARING_AGREEMENT_MANAGE)
    require_fresh(session, actor)
    _check_dates(data)
    _check_recipient_organisation(session, actor, data)
    if actor.organisation_id is None:
        raise Conflict(N_("Agreements belong to an organisation; act as one of its users."))
    agreement = SharingAgreement(
        organisation_id=actor.organisation_id,
        status=AgreementStatus.DRAFT.value,
        created_by_id=actor.user_id,
    )
    _apply(agreement, data)
    session.add(agreement)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.SHARING_AGREEMENT_CREATED,
        subject_type="sharing_agreement",
        subject_id=agreement.id,
        organisation_id=agreement.organisation_id,
        changes=audit.diff(
            dict.fromkeys(AUDITED), {name: getattr(agreement, name) for name in AUDITED}
        ),
    )
    return agreement


def get_agreement(session: Session, actor: Actor, agreement_id: uuid.UUID) -> SharingAgreement:
    return repository.Agreements(session).get_for(
        actor, agreement_id, Permission.SHARING_AGREEMENT_MANAGE
    )


def update_agreement(
    session: Session, actor: Actor, agreement_id: uuid.UUID, data: AgreementIn
) -> SharingAgreement:
    """Change a draft. An agreement in force is never edited: entries of the log relied on
    what it said; end it and draft another."""
    agreement = get_agreement(session, actor, agreement_id)
    require_fresh(session, actor)
    if agreement.status != AgreementStatus.DRAFT:
        raise Conflict(N_("Only a draft agreement can be changed; end it and draft a new one."))
    _check_dates(data)
    _check_recipient_organisation(session, actor, data)
    before = {name: getattr(agreement, name) for name in AUDITED}
    _apply(agreement, data)
    session.flush()
    changes = audit.diff(before, {name: getattr(agreement, name) for name in AUDITED})
    if changes:
        audit.record(
            session,
            actor,
            AuditAction.SHARING_AGREEMENT_UPDATED,
            subject_type="sharing_agreement",
            subject_id=agreement.id,
            organisation_id=agreement.organisation_id,
            changes=changes,
        )
    return agreement


def move_agreement(
    session: Session, actor: Actor, agreement_id: uuid.UUID, target: AgreementStatus
) -> SharingAgreement:
    """Bring into force, suspend, resume or end (409 on an illegal move)."""
    agreement = get_agreement(session, actor, agreement_id)
    require_fresh(session, actor)
    AGREEMENT.move(session, actor, agreement, target)
    session.flush()
    return agreement


def agreements(session: Session, actor: Actor) -> Sequence[SharingAgreement]:
    require(actor, Permission.SHARING_AGREEMENT_MANAGE)
    return repository.agreements(session, actor)


def agreement_choices(session: Session, actor: Actor) -> Sequence[SharingAgreement]:
    """Every agreement of the organisation, for the log's filter (names only)."""
    require(actor, Permission.DISCLOSURE_READ)
    return repository.agreements(session, actor)


def in_force_for(
    session: Session, actor: Actor, kind: DisclosureKind, fields: Collection[PersonalField]
) -> list[SharingAgreement]:
    """The agreements an outbound form offers: in force today, covering the kind and fields."""
    if actor.organisation_id is None:
        return []
    return [
        a
        for a in repository.agreements_in_force(session, actor.organisation_id, local_today())
        if covers(a, kind, fields)
    ]


def covers(
    agreement: SharingAgreement, kind: DisclosureKind, fields: Collection[PersonalField]
) -> bool:
    return kind.value in agreement.kinds and {f.value for f in fields} <= set(agreement.fields)


def is_in_force(agreement: SharingAgreement, on: date) -> bool:
    return (
        agreement.status == AgreementStatus.IN_FORCE
        and agreement.valid_from <= on
        and (agreement.valid_until is None or on <= agreement.valid_until)
    )


# --- the checks before anything leaves ----------------------------------------------------


def require_agreement(
    session: Session,
    actor: Actor,
    agreement_id: uuid.UUID | None,
    *,
    kind: DisclosureKind,
    source: str,
    fields: Collection[PersonalField],
    organisation_id: uuid.UUID | None = None,
) -> SharingAgreement:
    """The agreement under which an export or report may leave, or DisclosureRefused naming
    what is wrong. Called before anything is produced."""
    organisation_id = organisation_id or actor.organisation_id

    def refuse(message: str | Text, reason: str) -> DisclosureRefused:
        return DisclosureRefused(
            message,
            reason=reason,
            kind=kind,
            source=source,
            agreement_id=agreement_id,
            organisation_id=organisation_id,
        )

    if agreement_id is None:
        raise refuse(N_("Choose the data-sharing agreement under which this leaves Haven."), "none")
    agreement = repository.Agreements(session).get(agreement_id)
    if agreement is None or agreement.organisation_id != organisation_id:
        raise refuse(N_("Choose an agreement from the list."), "unknown")
    today = local_today()
    if agreement.status != AgreementStatus.IN_FORCE:
        raise refuse(
            Text(
                N_("This agreement is not in force (it is “{state}”)."),
                {"state": Text(AgreementStatus(agreement.status).label)},
            ),
            agreement.status,
        )
    if today < agreement.valid_from:
        raise refuse(N_("This agreement is not valid yet."), "not_yet_valid")
    if agreement.valid_until is not None and agreement.valid_until < today:
        raise refuse(N_("This agreement has expired."), "expired")
    if kind.value not in agreement.kinds:
        raise refuse(
            Text(
                N_("This agreement does not cover this kind of disclosure ({kind})."),
                {"kind": Text(kind.label)},
            ),
            "kind_not_covered",
        )
    missing = [f for f in PersonalField if f in set(fields) and f.value not in agreement.fields]
    if missing:
        # Named by their labels (in the reader's language): the first, and how many more.
        first = Text(missing[0].label)
        raise refuse(
            Text(N_("This agreement does not allow the field “{field}”."), {"field": first})
            if len(missing) == 1
            else Text(
                N_("This agreement does not allow “{field}” and {count} other fields."),
                {"field": first, "count": len(missing) - 1},
            ),
            "fields_not_covered",
        )
    return agreement


def record_refusal(session: Session, actor: Actor, refused: DisclosureRefused) -> None:
    """The audit event of a refused disclosure: written by the boundary after it rolled back
    the refused request's transaction, so the refusal is kept and nothing else is."""
    audit.record(
        session,
        actor,
        AuditAction.DISCLOSURE_REFUSED,
        subject_type="disclosure",
        subject_id=None,
        organisation_id=refused.organisation_id,
        changes={
            "kind": refused.kind.value,
            "source": refused.source,
            "reason": refused.reason,
            "agreement_id": str(refused.agreement_id) if refused.agreement_id else None,
        },
    )


# --- the log -------------------------------------------------------------------------------


def _ordered(values: Iterable[PersonalField]) -> list[str]:
    order = list(PersonalField)
    return [f.value for f in sorted(set(values), key=order.index)]


def record_disclosure(
    session: Session,
    actor: Actor,
    *,
    kind: DisclosureKind,
    source: str,
    fields: Collection[PersonalField],
    person_ids: Iterable[uuid.UUID],
    fmt: str,
    content: bytes | None,
    agreement: SharingAgreement | None,
    reference: str | None = None,
    organisation_id: uuid.UUID | None = None,
    recipient_name: str | None = None,
    recipient_kind: RecipientKind | None = None,
    legal_basis: LegalBasis | None = None,
    legal_reference: str | None = None,
) -> Disclosure:
    """One log entry and its audit event, in the caller's transaction. The recipient and
    legal basis are the agreement's unless given (a Convention notice without one)."""
    people = list(dict.fromkeys(person_ids))
    org = (
        organisation_id
        or actor.organisation_id
        or (agreement.organisation_id if agreement else None)
    )
    if org is None:
        raise Conflict(N_("A disclosure belongs to an organisation; act as one of its users."))
    entry = Disclosure(
        organisation_id=org,
        kind=kind.value,
        source=source,
        agreement_id=agreement.id if agreement else None,
        recipient_name=recipient_name or (agreement.recipient_name if agreement else "—"),
        recipient_kind=(
            recipient_kind.value
            if recipient_kind
            else (agreement.recipient_kind if agreement else RecipientKind.SERVICE_PROVIDER.value)
        ),
        legal_basis=(
            legal_basis.value if legal_basis else (agreement.legal_basis if agreement else None)
        ),
        legal_reference=legal_reference,
        fields=_ordered(fields),
        people_count=len(people),
        format=fmt,
        sha256=hashlib.sha256(content).hexdigest() if content is not None else None,
        reference=reference,
        disclosed_by_id=actor.user_id,
        disclosed_at=utcnow(),
    )
    session.add(entry)
    session.flush()
    repository.add_people(session, entry.id, people)
    audit.record(
        session,
        actor,
        AuditAction.DISCLOSURE_RECORDED,
        subject_type="disclosure",
        subject_id=entry.id,
        organisation_id=org,
        changes={
            "kind": entry.kind,
            "source": source,
            "agreement_id": str(entry.agreement_id) if entry.agreement_id else None,
            "fields": entry.fields,
            "people": len(people),
            "format": fmt,
            "sha256": entry.sha256,
        },
    )
    return entry


def record_convention_disclosure(
    session: Session,
    actor: Actor,
    *,
    kind: DisclosureKind,
    source: str,
    article: str,
    fields: Collection[PersonalField],
    person_ids: Iterable[uuid.UUID],
    fmt: str,
    content: bytes | None,
    reference: str | None = None,
    organisation_id: uuid.UUID | None = None,
) -> Disclosure:
    """A transmission to the tracing agency that the Third Geneva Convention requires: never
    refused (refusing would breach the Convention), logged with its article as legal basis and
    with the tracing agency's agreement in force when one covers it."""
    org = organisation_id or actor.organisation_id
    agreement = None
    if org is not None:
        agreement = next(
            (
                a
                for a in repository.agreements_in_force(session, org, local_today())
                if a.recipient_kind == RecipientKind.TRACING_AGENCY and covers(a, kind, fields)
            ),
            None,
        )
    return record_disclosure(
        session,
        actor,
        kind=kind,
        source=source,
        fields=fields,
        person_ids=person_ids,
        fmt=fmt,
        content=content,
        agreement=agreement,
        reference=reference,
        organisation_id=org,
        recipient_name=agreement.recipient_name if agreement else TRACING_AGENCY,
        recipient_kind=RecipientKind.TRACING_AGENCY,
        legal_basis=LegalBasis.LEGAL_OBLIGATION,
        legal_reference=f"GC III Art. {article}",
    )


def record_referral_disclosure(
    session: Session,
    actor: Actor,
    *,
    to_organisation_id: uuid.UUID,
    fields: Collection[PersonalField],
    person_id: uuid.UUID,
    reference: str,
    organisation_id: uuid.UUID,
) -> Disclosure:
    """A referral to a partner organisation: logged with the agreement in force naming that
    organisation and covering referrals, or with none (the log's "no agreement" filter finds
    those); never refused, since a referral is made for the person's own care."""
    agreement = next(
        (
            a
            for a in repository.agreements_in_force(session, organisation_id, local_today())
            if a.recipient_organisation_id == to_organisation_id
            and covers(a, DisclosureKind.REFERRAL, fields)
        ),
        None,
    )
    partner = accounts.organisation_by_id(session, to_organisation_id)
    return record_disclosure(
        session,
        actor,
        kind=DisclosureKind.REFERRAL,
        source="referral",
        fields=fields,
        person_ids=[person_id],
        fmt="record",
        content=None,
        agreement=agreement,
        reference=reference,
        organisation_id=organisation_id,
        recipient_name=agreement.recipient_name
        if agreement
        else (partner.name if partner else "—"),
        recipient_kind=(
            RecipientKind(agreement.recipient_kind) if agreement else RecipientKind.SERVICE_PROVIDER
        ),
    )


def log_page(
    session: Session,
    actor: Actor,
    wanted: repository.LogFilter,
    *,
    limit: int,
    offset: int,
) -> tuple[Sequence[Disclosure], int]:
    require(actor, Permission.DISCLOSURE_READ)
    return repository.log_page(session, actor, wanted, limit=limit, offset=offset)


def get_disclosure(
    session: Session, actor: Actor, disclosure_id: uuid.UUID
) -> tuple[Disclosure, list[uuid.UUID]]:
    entry = repository.Disclosures(session).get_for(
        actor, disclosure_id, Permission.DISCLOSURE_READ
    )
    return entry, repository.people_of(session, entry.id)


def disclosures_of_person(
    session: Session, actor: Actor, person_id: uuid.UUID
) -> Sequence[Disclosure]:
    """Where a person's data went (the caller has checked the actor may see the person)."""
    require(actor, Permission.DISCLOSURE_READ)
    return repository.of_person(session, actor, person_id)
