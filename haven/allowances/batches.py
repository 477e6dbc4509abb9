"""Payment batches: draft → submitted → approved → disbursed → reconciled (or cancelled).

Maker-checker: the approver is never the person who prepared the batch (the service refuses,
and a check constraint repeats it in the database); approving and disbursing need a fresh
login. Exactly once: an instalment sits in one live payment item at a time (unique on
instalment and generation), an item is disbursed once (unique on the item), and a repeated
request with the same idempotency key gets the first answer back. A reversal is a new row
that opens the next generation; nothing that moved money is edited.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from haven.allowances import funders as funders_module
from haven.allowances import ledger
from haven.allowances.facts import held
from haven.allowances.lifecycle import BATCH, BatchStatus
from haven.allowances.models import (
    Disbursement,
    Instalment,
    PaymentBatch,
    PaymentItem,
    Reversal,
)
from haven.allowances.plans import organisation_of, require_any
from haven.allowances.repository import (
    Batches,
    Disbursements,
    Instalments,
    Items,
    PlanComponents,
    Reversals,
)
from haven.allowances.rules import CURRENCY_EXPONENT, ChildDelivery, child_delivery, format_money
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.types import new_id, utcnow
from haven.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from haven.i18n import N_, Text
from haven.kernel.labels import Labelled
from haven.kernel.photos import MAX_PHOTO_BYTES, clean_jpeg
from haven.people.public import (
    ADULT_AGE,
    FamilyMember,
    family_by_person,
    live_person_ids,
    persons_by_id,
)
from haven.security.fresh import require_fresh
from haven.security.permissions import Actor, Permission, require
from haven.standing.public import Standing, standing_of, standings


class PaymentMethod(Labelled):
    """How the money was handed over (the database's check constraint lists the same)."""

    CASH = "cash", N_("Cash")
    MOBILE_MONEY = "mobile_money", N_("Mobile money")
    BANK = "bank", N_("Bank transfer")
    HAWALA = "hawala", N_("Hawala / hundi")
    IN_KIND = "in_kind", N_("In kind (goods or services, no money)")


class Recipient(Labelled):
    """Who received a payment: the person, or for a child (never handed cash) a guardian."""

    PERSON = "person", N_("The person")
    GUARDIAN = "guardian", N_("A guardian from the child's family")


class SkipReason(Labelled):
    """Why `add_due` left a due instalment out of a batch."""

    VETTING = "vetting", N_("vetting not cleared")  # held by the standing; never a child
    UNFUNDED = "unfunded", N_("component not fully funded")


READERS = (Permission.PAYMENT_READ, Permission.PAYMENT_PREPARE, Permission.PAYMENT_APPROVE)
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{8,80}$")
MAX_RECEIPT_BYTES = MAX_PHOTO_BYTES


def _move(
    session: Session, actor: Actor, batch: PaymentBatch, target: BatchStatus, action: AuditAction
) -> None:
    """Move the batch (the lifecycle refuses an illegal move and stamps `<state>_at`), then
    write this move's own audit action."""
    before = BATCH.move(session, actor, batch, target)
    session.flush()
    audit.record(
        session,
        actor,
        action,
        subject_type="allowance_batch",
        subject_id=batch.id,
        organisation_id=batch.organisation_id,
        changes={"status": {"before": before.value, "after": target.value}},
    )


def create_batch(
    session: Session,
    actor: Actor,
    *,
    title: str,
    currency: str,
    organisation_id: uuid.UUID | None = None,
) -> PaymentBatch:
    require(actor, Permission.PAYMENT_PREPARE)
    organisation = organisation_of(actor, organisation_id)
    fields: dict[str, Text | str] = {}
    title = (title or "").strip()
    if not title or len(title) > 200:
        fields["title"] = N_("Give the batch a title of at most 200 characters.")
    if currency not in CURRENCY_EXPONENT:
        fields["currency"] = N_("Choose MMK, THB or USD.")
    if fields:
        raise ValidationFailed(fields=fields)
    number = Batches(session).next_number(organisation)
    batch = PaymentBatch(
        organisation_id=organisation,
        number=number,
        title=title,
        currency=currency,
        status=BatchStatus.DRAFT.value,
        created_by_id=actor.user_id,
    )
    session.add(batch)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.ALLOWANCE_BATCH_CREATED,
        subject_type="allowance_batch",
        subject_id=batch.id,
        organisation_id=organisation,
        changes={"number": number, "currency": currency},
    )
    return batch


def get_batch(session: Session, actor: Actor, batch_id: uuid.UUID) -> PaymentBatch:
    batch = Batches(session).get_for(actor, batch_id)
    require_any(actor, READERS, batch)
    return batch


def list_batches(session: Session, actor: Actor) -> Sequence[PaymentBatch]:
    require_any(actor, READERS)
    return Batches(session).listed(actor)


BATCH_SORTS = ("newest", "oldest")


def batch_page(
    session: Session,
    actor: Actor,
    *,
    status: BatchStatus | None = None,
    sort: str = "newest",
    limit: int = 25,
    offset: int = 0,
) -> tuple[list[PaymentBatch], int]:
    """One page of the payment batches (newest or oldest first), and how many match."""
    require_any(actor, READERS)
    return Batches(session).page(
        actor,
        status=str(status) if status else None,
        sort=sort if sort in BATCH_SORTS else "newest",
        limit=limit,
        offset=offset,
    )


def recent_batches(session: Session, actor: Actor, limit: int = 10) -> list[PaymentBatch]:
    """The newest batches, for the allowances landing page (the rest on the batches page)."""
    return batch_page(session, actor, limit=limit)[0]


def items_of(session: Session, batch: PaymentBatch) -> Sequence[PaymentItem]:
    return Items(session).of_batch(batch.id)


@dataclass(frozen=True)
class BatchTotals:
    count: int
    total: int
    disbursed_count: int
    disbursed_total: int


def totals(session: Session, batch: PaymentBatch) -> BatchTotals:
    return BatchTotals(*Items(session).totals(batch.id))


@dataclass
class AddResult:
    added: int = 0
    total: int = 0
    skipped: Counter[SkipReason] = field(default_factory=Counter)


def add_due(
    session: Session,
    actor: Actor,
    batch: PaymentBatch,
    *,
    due_by: date,
    component_codes: Sequence[str] | None = None,
    person_ids: Sequence[uuid.UUID] | None = None,
) -> AddResult:
    """Put every payable instalment due by `due_by` into a draft batch.

    Left out, and counted by reason: persons whose standing holds their support (an adult
    whose vetting is pending, or a person excluded; never a child), components not fully
    funded, and instalments of another currency. Instalments already in a live item are
    never candidates.
    """
    require(actor, Permission.PAYMENT_PREPARE, batch)
    if batch.status != BatchStatus.DRAFT:
        raise Conflict(N_("Only a draft batch can change."))
    rows = Instalments(session).due(
        batch,
        due_by=due_by,
        persons=live_person_ids(),
        component_codes=component_codes,
        person_ids=person_ids,
    )
    funded = funders_module.fully_funded(session, batch.organisation_id)
    standing = standings(session, [r[1] for r in rows])
    result = AddResult()
    values = []
    for instalment_id, person_id, code, amount, generation in rows:
        if held(standing[person_id]):
            result.skipped[SkipReason.VETTING] += 1
            continue
        if (code, batch.currency) not in funded:
            result.skipped[SkipReason.UNFUNDED] += 1
            continue
        values.append(
            {
                "id": new_id(),
                "batch_id": batch.id,
                "instalment_id": instalment_id,
                "generation": generation,
                "person_id": person_id,
                "organisation_id": batch.organisation_id,
                "amount_minor": amount,
                "currency": batch.currency,
                "created_at": utcnow(),
                "updated_at": utcnow(),
            }
        )
        result.added += 1
        result.total += amount
    if values:
        try:
            with session.begin_nested():
                Items(session).insert_rows(values)
        except IntegrityError:
            raise Conflict(
                N_("Another batch took some of these instalments at the same time: try again.")
            ) from None
    audit.record(
        session,
        actor,
        AuditAction.ALLOWANCE_BATCH_ITEMS_ADDED,
        subject_type="allowance_batch",
        subject_id=batch.id,
        organisation_id=batch.organisation_id,
        changes={
            "items_added": result.added,
            "amount_added": result.total,
            "due_by": due_by.isoformat(),
            "skipped": dict(result.skipped),
        },
    )
    return result


def due_persons(
    session: Session,
    actor: Actor,
    batch: PaymentBatch,
    *,
    due_by: date,
    after: uuid.UUID | None = None,
    limit: int | None = None,
) -> list[uuid.UUID]:
    """The persons (by id) with an instalment `add_due` could put into this draft batch,
    whether or not it would be left out: how many a preparation concerns, and the order in
    which a job prepares it a part at a time (the next `limit` after `after`)."""
    require(actor, Permission.PAYMENT_PREPARE, batch)
    return Instalments(session).due_persons(
        batch, due_by=due_by, persons=live_person_ids(), after=after, limit=limit
    )


def remove_item(session: Session, actor: Actor, item_id: uuid.UUID) -> None:
    """Take an item out of a draft batch (by its maker) or out of an approved batch before it
    is paid (by an approver): no money has moved, so the item is simply deleted."""
    item = Items(session).get(item_id)
    if item is None:
        raise NotFound
    batch = Batches(session).get(item.batch_id)
    assert batch is not None  # noqa: S101 - foreign key
    if batch.status == BatchStatus.DRAFT:
        require(actor, Permission.PAYMENT_PREPARE, batch)
    elif batch.status == BatchStatus.APPROVED:
        require(actor, Permission.PAYMENT_APPROVE, batch)
    else:
        raise Conflict(N_("Items can be removed from a draft or an approved batch only."))
    if Disbursements(session).paid(item.id):
        raise Conflict(N_("This item was paid: reverse the payment instead."))
    session.delete(item)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.ALLOWANCE_ITEM_WITHDRAWN,
        subject_type="allowance_batch",
        subject_id=batch.id,
        organisation_id=batch.organisation_id,
        changes={"instalment_id": str(item.instalment_id), "amount": item.amount_minor},
    )
    _complete_if_paid(session, actor, batch)


def submit(session: Session, actor: Actor, batch: PaymentBatch) -> PaymentBatch:
    require(actor, Permission.PAYMENT_PREPARE, batch)
    if totals(session, batch).count == 0:
        raise Conflict(N_("An empty batch cannot be submitted."))
    BATCH.check(batch.status, BatchStatus.SUBMITTED)
    batch.submitted_by_id = actor.user_id
    _move(session, actor, batch, BatchStatus.SUBMITTED, AuditAction.ALLOWANCE_BATCH_SUBMITTED)
    return batch


def return_to_draft(session: Session, actor: Actor, batch: PaymentBatch) -> PaymentBatch:
    """The checker sends a submitted batch back to its maker."""
    require(actor, Permission.PAYMENT_APPROVE, batch)
    _move(session, actor, batch, BatchStatus.DRAFT, AuditAction.ALLOWANCE_BATCH_RETURNED)
    return batch


def cancel(session: Session, actor: Actor, batch: PaymentBatch) -> PaymentBatch:
    require(actor, Permission.PAYMENT_PREPARE, batch)
    if not BATCH.allows(batch.status, BatchStatus.CANCELLED):
        raise Conflict(N_("Only a draft or submitted batch can be cancelled."))
    Items(session).delete_of_batch(batch.id)
    _move(session, actor, batch, BatchStatus.CANCELLED, AuditAction.ALLOWANCE_BATCH_CANCELLED)
    return batch


def approve(session: Session, actor: Actor, batch: PaymentBatch) -> PaymentBatch:
    """The checker approves: not the maker, freshly logged in, every person still cleared,
    every funder's budget sufficient for its share."""
    require(actor, Permission.PAYMENT_APPROVE, batch)
    if actor.user_id is None:
        raise PermissionDenied(N_("A batch is approved by a named person, never by the system."))
    if actor.user_id in (batch.created_by_id, batch.submitted_by_id):
        raise PermissionDenied(
            N_("You prepared this batch: another finance officer must approve it.")
        )
    require_fresh(session, actor)
    if batch.status != BatchStatus.SUBMITTED:
        raise Conflict(N_("Only a submitted batch can be approved."))
    rows = Items(session).amounts(batch.id)
    standing = standings(session, [r[0] for r in rows])
    on_hold = {person for person, _, _ in rows if held(standing[person])}
    if on_hold:
        raise Conflict(
            Text(
                N_(
                    "{count} people in this batch are no longer cleared by vetting: return the "
                    "batch to its maker to take them out."
                ),
                {"count": len(on_hold)},
            )
        )
    needed: dict[tuple[str, str], int] = defaultdict(int)
    for _, code, amount in rows:
        needed[(code, batch.currency)] += amount
    funded = funders_module.fully_funded(session, batch.organisation_id)
    if any(key not in funded for key in needed):
        raise Conflict(N_("A component in this batch is no longer fully funded."))
    short = funders_module.check_budgets(
        session, batch.organisation_id, dict(needed), exclude_batch=batch.id
    )
    if short:
        _funder, code, currency, shortfall = short[0]
        raise Conflict(
            Text(
                N_("The budget for {code} falls short by {amount}."),
                {"code": code, "amount": format_money(shortfall, currency)},
            )
        )
    batch.approved_by_id = actor.user_id
    _move(session, actor, batch, BatchStatus.APPROVED, AuditAction.ALLOWANCE_BATCH_APPROVED)
    return batch


def _check_request(idempotency_key: str, method: str, receipt_reference: str) -> str:
    fields: dict[str, Text | str] = {}
    if not IDEMPOTENCY_KEY.match(idempotency_key or ""):
        fields["idempotency_key"] = N_("The request key is missing or malformed: reload the form.")
    if method not in set(PaymentMethod):
        fields["method"] = N_("Choose how the money was handed over.")
    receipt_reference = (receipt_reference or "").strip()
    if not receipt_reference or len(receipt_reference) > 100:
        fields["receipt_reference"] = N_("Enter the receipt reference (at most 100 characters).")
    if fields:
        raise ValidationFailed(fields=fields)
    return receipt_reference


@dataclass(frozen=True)
class DisburseResult:
    disbursement: Disbursement
    created: bool  # False: the same request was made before; this is its answer


def _guardian(session: Session, person_id: uuid.UUID, guardian_id: uuid.UUID | None) -> uuid.UUID:
    """The family member named as the child's guardian: an adult of the child's family."""
    for member in family_by_person(session, [person_id]).get(person_id, []):
        if member.id == guardian_id and member.age is not None and member.age >= ADULT_AGE:
            return member.id
    raise ValidationFailed(
        fields={
            "guardian_id": N_(
                "Choose an adult of the child's family (age 18 or more recorded) as the guardian."
            )
        }
    )


def _check_recipient(
    session: Session,
    standing: Standing,
    instalment: Instalment,
    *,
    method: str,
    recipient: str,
    guardian_id: uuid.UUID | None,
) -> uuid.UUID | None:
    """Who may receive this payment; the guardian's id when a guardian received it.

    A child is never handed cash (the Paris Principles): a child's support goes to a
    guardian from the child's family, or is given in kind, as the component says."""
    if recipient not in set(Recipient):
        raise ValidationFailed(fields={"recipient": N_("Choose who received it.")})
    if standing.may_receive_cash:
        if recipient != Recipient.PERSON:
            raise ValidationFailed(
                fields={
                    "recipient": N_(
                        "Only a child's support is handed to a guardian: an adult receives "
                        "their own."
                    )
                }
            )
        return None
    component = PlanComponents(session).by_code(
        instalment.plan_version_id, instalment.component_code
    )
    delivery = child_delivery(component.eligibility if component is not None else {})
    if delivery is ChildDelivery.NOT_OPEN:
        raise Conflict(
            N_("This component is not open to children: recompute the child's entitlements.")
        )
    if delivery is ChildDelivery.IN_KIND and method != PaymentMethod.IN_KIND:
        raise ValidationFailed(
            fields={
                "method": N_(
                    "For a child this component is given in kind only: record what was given."
                )
            }
        )
    if recipient == Recipient.GUARDIAN:
        return _guardian(session, instalment.person_id, guardian_id)
    if method != PaymentMethod.IN_KIND:
        raise ValidationFailed(
            fields={
                "recipient": N_(
                    "A child is never handed cash: name the guardian from the child's family "
                    "who received it, or give it in kind."
                )
            }
        )
    return None


def disburse(
    session: Session,
    actor: Actor,
    item_id: uuid.UUID,
    *,
    idempotency_key: str,
    method: str,
    receipt_reference: str,
    receipt_photo: bytes | None = None,
    recipient: str = Recipient.PERSON,
    guardian_id: uuid.UUID | None = None,
) -> DisburseResult:
    """Record that an approved item was paid. Exactly once, whatever the number of attempts.

    Nothing is paid to a person whose standing holds their support; a child's payment goes to
    a guardian from the child's family or is given in kind (`_check_recipient`)."""
    require(actor, Permission.PAYMENT_DISBURSE)
    receipt_reference = _check_request(idempotency_key, method, receipt_reference)
    photo = (
        clean_jpeg(receipt_photo, field="receipt_photo", max_side=1600) if receipt_photo else None
    )
    item = Items(session).get(item_id)
    if item is None:
        raise NotFound
    require(actor, Permission.PAYMENT_DISBURSE, item)
    require_fresh(session, actor)
    # The batch row is locked (PostgreSQL; SQLite serialises writers anyway): disbursements
    # of one batch queue up, so the "all paid" check below sees every earlier one.
    batch = Batches(session).lock(item.batch_id)
    previous = _previous(session, item.id, idempotency_key)
    if previous is not None:
        return previous
    if batch.status != BatchStatus.APPROVED:
        raise Conflict(N_("Only items of an approved batch can be paid."))
    standing = standing_of(session, item.person_id)
    if held(standing):
        raise Conflict(N_("This person is not cleared by vetting: nothing may be paid."))
    instalment = Instalments(session).get(item.instalment_id)
    assert instalment is not None  # noqa: S101 - foreign key
    if instalment.generation != item.generation or instalment.status != "owed":
        raise Conflict(N_("This instalment is no longer owed as it stood in the batch."))
    guardian = _check_recipient(
        session,
        standing,
        instalment,
        method=method,
        recipient=recipient,
        guardian_id=guardian_id,
    )
    shares = ledger.shares_for(
        session, item.organisation_id, instalment.component_code, item.currency
    )
    if sum(bp for _, bp in shares) != funders_module.FULL_SHARE:
        raise Conflict(N_("This component is no longer fully funded."))
    disbursement = Disbursement(
        id=new_id(),
        item_id=item.id,
        idempotency_key=idempotency_key,
        organisation_id=item.organisation_id,
        person_id=item.person_id,
        method=method,
        recipient=str(Recipient.GUARDIAN if guardian is not None else Recipient.PERSON),
        guardian_id=guardian,
        receipt_reference=receipt_reference,
        disbursed_by_id=actor.user_id,
        disbursed_at=utcnow(),
        receipt_content_type="image/jpeg" if photo else None,
    )
    try:
        with session.begin_nested():
            session.add(disbursement)
            session.flush()
    except IntegrityError:
        # A simultaneous request won the race: answer as it did, or refuse a different one.
        again = _previous(session, item.id, idempotency_key)
        if again is not None:
            return again
        raise Conflict(N_("This instalment has already been paid.")) from None
    if photo is not None:
        disbursement.receipt_photo = photo
    ledger.post_payment(
        session,
        instalment,
        item.amount_minor,
        ledger.split(item.amount_minor, shares),
        disbursement_id=disbursement.id,
    )
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.ALLOWANCE_PAYMENT_DISBURSED,
        subject_type="allowance_batch",
        subject_id=batch.id,
        organisation_id=batch.organisation_id,
        changes={
            "item_id": str(item.id),
            "amount": item.amount_minor,
            "currency": item.currency,
            "method": method,
            "recipient": disbursement.recipient,
            "receipt_photo": photo is not None,
        },
    )
    _complete_if_paid(session, actor, batch)
    return DisburseResult(disbursement, True)


def _previous(session: Session, item_id: uuid.UUID, key: str) -> DisburseResult | None:
    disbursements = Disbursements(session)
    found = disbursements.of_item(item_id)
    if found is None:
        if disbursements.key_used(key):
            raise Conflict(N_("This request key was used for another payment."))
        return None
    if found.idempotency_key == key:
        return DisburseResult(found, False)
    raise Conflict(N_("This instalment has already been paid."))


def _complete_if_paid(session: Session, actor: Actor, batch: PaymentBatch) -> None:
    if batch.status != BatchStatus.APPROVED:
        return
    result = totals(session, batch)
    if result.count > 0 and result.disbursed_count == result.count:
        _move(session, actor, batch, BatchStatus.DISBURSED, AuditAction.ALLOWANCE_BATCH_DISBURSED)


def reconcile_batch(session: Session, actor: Actor, batch: PaymentBatch) -> PaymentBatch:
    """Confirm a disbursed batch against the ledger; refuses while any difference remains."""
    require(actor, Permission.PAYMENT_APPROVE, batch)
    if batch.status != BatchStatus.DISBURSED:
        raise Conflict(N_("Only a disbursed batch can be reconciled."))
    problems = ledger.reconcile(session, batch.organisation_id)
    if problems:
        raise Conflict(
            Text(
                N_("The ledger does not reconcile ({count} differences): nothing was changed."),
                {"count": len(problems)},
            )
        )
    batch.reconciled_by_id = actor.user_id
    _move(session, actor, batch, BatchStatus.RECONCILED, AuditAction.ALLOWANCE_BATCH_RECONCILED)
    return batch


def reverse(session: Session, actor: Actor, disbursement_id: uuid.UUID, *, reason: str) -> Reversal:
    """Undo a payment with a new entry: the funders' shares go back, the person is owed the
    instalment again, and it may be paid in a later batch (the next generation)."""
    disbursement = Disbursements(session).get(disbursement_id)
    if disbursement is None:
        raise NotFound
    require(actor, Permission.PAYMENT_APPROVE, disbursement)
    require_fresh(session, actor)
    reason = (reason or "").strip()
    if not reason or len(reason) > 500:
        raise ValidationFailed(fields={"reason": N_("Say why the payment is reversed.")})
    item = Items(session).get(disbursement.item_id)
    assert item is not None  # noqa: S101 - foreign key
    instalment = Instalments(session).lock(item.instalment_id)
    if Reversals(session).exists_for(disbursement.id):
        raise Conflict(N_("This payment was already reversed."))
    reversal = Reversal(
        id=new_id(),
        disbursement_id=disbursement.id,
        organisation_id=disbursement.organisation_id,
        reason=reason,
        reversed_by_id=actor.user_id,
    )
    try:
        with session.begin_nested():
            session.add(reversal)
            session.flush()
    except IntegrityError:
        raise Conflict(N_("This payment was already reversed.")) from None
    instalment.generation += 1
    ledger.post_payment(
        session,
        instalment,
        item.amount_minor,
        ledger.payment_parts(session, disbursement.id),
        disbursement_id=disbursement.id,
        reverse=True,
    )
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.ALLOWANCE_PAYMENT_REVERSED,
        subject_type="allowance_batch",
        subject_id=item.batch_id,
        organisation_id=disbursement.organisation_id,
        changes={
            "disbursement_id": str(disbursement.id),
            "amount": item.amount_minor,
            "currency": item.currency,
        },
    )
    return reversal


def receipt_photo(session: Session, actor: Actor, disbursement_id: uuid.UUID) -> bytes:
    """The signed receipt's photo, for finance; the read is audited."""
    disbursement = Disbursements(session).get(disbursement_id)
    if disbursement is None:
        raise NotFound
    require_any(actor, (Permission.PAYMENT_APPROVE, Permission.PAYMENT_DISBURSE), disbursement)
    if disbursement.receipt_photo_ct is None:
        raise NotFound
    data = disbursement.receipt_photo
    if not data:
        raise PermissionDenied
    audit.record(
        session,
        actor,
        AuditAction.ALLOWANCE_RECEIPT_VIEWED,
        subject_type="allowance_disbursement",
        subject_id=disbursement.id,
        organisation_id=disbursement.organisation_id,
    )
    return data


def disbursements_of(session: Session, batch: PaymentBatch) -> dict[uuid.UUID, Disbursement]:
    """Item id → its disbursement."""
    return Disbursements(session).of_batch(batch.id)


def reversed_ids(session: Session, disbursement_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    return Reversals(session).reversed_among(disbursement_ids)


def item_labels(
    session: Session, items: Sequence[PaymentItem]
) -> tuple[dict[uuid.UUID, str], dict[uuid.UUID, str]]:
    """What a batch page shows of its items, batched: person id → name (Burmese, then Latin
    script) and instalment id → "code #number"."""
    persons = persons_by_id(session, {item.person_id for item in items})
    names = {
        person_id: " ".join(x for x in (person.name_my, person.name_latin) if x)
        for person_id, person in persons.items()
    }
    return names, Instalments(session).labels(item.instalment_id for item in items)


@dataclass(frozen=True)
class ChildItems:
    """What a batch page needs to pay a child's items: how each is delivered, and the adults
    of each child's family who may receive it as guardian."""

    delivery: dict[uuid.UUID, str]  # item id -> ChildDelivery value
    guardians: dict[uuid.UUID, list[FamilyMember]]  # person id -> adult family members


def child_items(session: Session, items: Sequence[PaymentItem]) -> ChildItems:
    """The children's items among these (by the delivery their instalment was computed
    with) and their guardians, batched."""
    deliveries = Instalments(session).deliveries(item.instalment_id for item in items)
    delivery = {
        item.id: deliveries[item.instalment_id]
        for item in items
        if item.instalment_id in deliveries
    }
    persons = {item.person_id for item in items if item.id in delivery}
    family = family_by_person(session, persons) if persons else {}
    guardians = {
        person_id: [m for m in members if m.age is not None and m.age >= ADULT_AGE]
        for person_id, members in family.items()
    }
    return ChildItems(delivery=delivery, guardians=guardians)
