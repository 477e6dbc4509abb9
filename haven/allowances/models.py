"""Tables of the allowances domain: defection-plan versions and their components, funders and
budget lines, entitlement instalments, payment batches, disbursements, reversals and the ledger.

Money is always an integer amount of minor units (`*_minor`) with its ISO currency code.
Nothing that moved money is ever edited: a reversal is a new row, the ledger is append-only.
The same instalment can be paid once per "generation": `payment_items` is unique on
(instalment_id, generation), the generation being the number of reversals the instalment has
had, and `disbursements` is unique on the item and on the idempotency key.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from haven.db.base import Base, IdMixin, TimestampMixin
from haven.db.types import utcnow
from haven.kernel.references import Kind, reference_column
from haven.kernel.sensitivity import Sensitivity, sensitive
from haven.people.public import PERSON_KEYS
from haven.security import fields
from haven.security.fields import BYTES, DataKeys, EncryptedField

CONFIDENTIAL = sensitive(Sensitivity.CONFIDENTIAL)


class PlanVersion(IdMixin, TimestampMixin, Base):
    """One version of an organisation's defection plan.

    A draft is edited freely; publishing freezes it. The version in force on a date is the
    published version with the latest `effective_from` on or before that date.
    """

    __tablename__ = "allowance_plan_versions"
    __table_args__ = (
        UniqueConstraint("organisation_id", "number"),
        CheckConstraint("status IN ('draft', 'published', 'retired')", name="status"),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    effective_from: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), default="draft")
    notes: Mapped[str | None] = mapped_column(String(2000))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class PlanComponent(IdMixin, TimestampMixin, Base):
    """A component of a plan version: what it pays, to whom, in which currency.

    `rules` holds the kind-specific amounts (rank bands, instalments, per-dependant amount,
    reward per weapon kind, a flat grant); `eligibility` the classifications and pathways it
    is open to. Both are validated by `haven.allowances.rules` before they are stored.
    """

    __tablename__ = "allowance_plan_components"
    __table_args__ = (
        UniqueConstraint("plan_version_id", "code"),
        CheckConstraint("length(currency) = 3", name="currency"),
    )

    plan_version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("allowance_plan_versions.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(30))
    name_en: Mapped[str] = mapped_column(String(200))
    name_my: Mapped[str | None] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))
    position: Mapped[int] = mapped_column(default=0)
    rules: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    eligibility: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Funder(IdMixin, TimestampMixin, Base):
    """Someone who pays for part of the plan: a People's Administration Group, a donor."""

    __tablename__ = "allowance_funders"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_my: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)


class BudgetLine(IdMixin, TimestampMixin, Base):
    """A funder's budget for one plan component (by code, so it spans plan versions) and its
    share of that component's cost in basis points (10,000 = all of it)."""

    __tablename__ = "allowance_budget_lines"
    __table_args__ = (
        UniqueConstraint("funder_id", "component_code", "currency"),
        CheckConstraint("share_bp > 0 AND share_bp <= 10000", name="share"),
        CheckConstraint("budget_minor >= 0", name="budget"),
        CheckConstraint("length(currency) = 3", name="currency"),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    funder_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("allowance_funders.id"), index=True)
    component_code: Mapped[str] = mapped_column(String(40), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    share_bp: Mapped[int]
    budget_minor: Mapped[int] = mapped_column(BigInteger)


class Instalment(IdMixin, TimestampMixin, Base):
    """One amount owed to a person for a stated reason: a component's instalment.

    Identified by (person, component code, instalment number, part): part 0 is the plan's
    amount, parts 1… are top-ups created when a recomputation raises an instalment that was
    already paid. `amount_minor` never goes below zero; an instalment no longer owed is
    `cancelled`, never deleted. `detail` holds the facts behind the amount (band, count…)
    for the line-by-line explanation.
    """

    __tablename__ = "allowance_instalments"
    __table_args__ = (
        UniqueConstraint("person_id", "component_code", "number", "part"),
        CheckConstraint("amount_minor >= 0", name="not_negative"),
        CheckConstraint("status IN ('owed', 'cancelled')", name="status"),
        CheckConstraint("length(currency) = 3", name="currency"),
        # The most recently computed persons (migration 0026).
        Index("ix_allowance_instalments_organisation_created", "organisation_id", "created_at"),
        # Covers the report's sums of what is owed (migration 0032): read from the index alone.
        Index(
            "ix_allowance_instalments_outstanding",
            "organisation_id",
            "status",
            "component_code",
            "due_on",
            "currency",
            "amount_minor",
            "id",
            "generation",
        ),
        # A batch prepared a part at a time: the next persons owed, in order (migration 0035).
        Index(
            "ix_allowance_instalments_organisation_status_person",
            "organisation_id",
            "status",
            "person_id",
        ),
    )

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    plan_version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("allowance_plan_versions.id"))
    component_code: Mapped[str] = mapped_column(String(40))
    number: Mapped[int]
    part: Mapped[int] = mapped_column(default=0)
    due_on: Mapped[date]
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20), default="owed")
    overridden: Mapped[bool] = mapped_column(default=False)
    # Number of reversed payments: the next payment item takes this generation.
    generation: Mapped[int] = mapped_column(default=0)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class PaymentBatch(IdMixin, TimestampMixin, Base):
    """A batch of instalments to pay: draft → submitted → approved → disbursed → reconciled.

    The approver must be someone other than the maker (`created_by_id`); the check
    constraint repeats the rule in the database.
    """

    __tablename__ = "allowance_batches"
    __table_args__ = (
        UniqueConstraint("organisation_id", "number"),
        CheckConstraint(
            "approved_by_id IS NULL OR approved_by_id <> created_by_id", name="maker_checker"
        ),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    reference: Mapped[str] = reference_column(Kind.BATCH)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    disbursed_at: Mapped[datetime | None]
    reconciled_at: Mapped[datetime | None]
    reconciled_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None]


class PaymentItem(IdMixin, TimestampMixin, Base):
    """An instalment placed in a batch. Unique per (instalment, generation): an instalment is
    in at most one live item until a reversal opens the next generation."""

    __tablename__ = "allowance_payment_items"
    __table_args__ = (
        UniqueConstraint("instalment_id", "generation"),
        CheckConstraint("amount_minor > 0", name="positive"),
    )

    batch_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("allowance_batches.id", ondelete="CASCADE"), index=True
    )
    instalment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("allowance_instalments.id"))
    generation: Mapped[int] = mapped_column(default=0)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))


def _person_keys() -> DataKeys:
    return PERSON_KEYS


class Disbursement(IdMixin, TimestampMixin, Base):
    """Money (or goods, `in_kind`) handed over for one payment item: once (unique item),
    idempotently (unique key)."""

    __tablename__ = "allowance_disbursements"
    __table_args__ = (
        CheckConstraint(
            "method IN ('cash', 'mobile_money', 'bank', 'hawala', 'in_kind')", name="method"
        ),
        CheckConstraint("recipient IN ('person', 'guardian')", name="recipient"),
        CheckConstraint(
            "(recipient = 'guardian') = (guardian_id IS NOT NULL)", name="guardian_named"
        ),
    )

    item_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("allowance_payment_items.id"), unique=True
    )
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    method: Mapped[str] = mapped_column(String(20))
    # Who received it: the person, or (for a child, who is never handed cash) a guardian from
    # the child's family, named by the family member's id.
    recipient: Mapped[str] = mapped_column(String(20), default="person", server_default="person")
    guardian_id: Mapped[uuid.UUID | None]
    receipt_reference: Mapped[str] = mapped_column(String(100))
    disbursed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    disbursed_at: Mapped[datetime] = mapped_column(default=utcnow)
    receipt_content_type: Mapped[str | None] = mapped_column(String(40))
    receipt_photo_ct: Mapped[bytes | None] = mapped_column(
        "receipt_photo", LargeBinary, info=CONFIDENTIAL
    )

    # Under the person's data key: erasing the person shreds their signed receipts too.
    receipt_photo = EncryptedField(
        "receipt_photo_ct", BYTES, keys=_person_keys, owner_attr="person_id"
    )

    @property
    def masked_fields(self) -> list[str]:
        return fields.masked_fields(self)


class Reversal(IdMixin, TimestampMixin, Base):
    """A disbursement undone (paid to the wrong person, cash lost before handover…): a new
    entry; the disbursement itself is never edited. One reversal per disbursement."""

    __tablename__ = "allowance_reversals"

    disbursement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("allowance_disbursements.id"), unique=True
    )
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    reason: Mapped[str] = mapped_column(String(500))
    reversed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class LedgerEntry(IdMixin, Base):
    """One leg of a double entry; the legs of a transaction sum to zero per currency.

    Accounts: `person` (what the programme still owes the person), `funder` (what the funder
    has paid out), `obligations` (the programme's counter-account for entitlements).
    """

    __tablename__ = "allowance_ledger_entries"
    __table_args__ = (
        CheckConstraint("account IN ('person', 'funder', 'obligations')", name="account"),
        Index("ix_allowance_ledger_entries_account_owner", "account", "owner_id"),
    )

    transaction_id: Mapped[uuid.UUID] = mapped_column(index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    account: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[uuid.UUID | None]
    kind: Mapped[str] = mapped_column(String(20))
    instalment_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("allowance_instalments.id"), index=True
    )
    component_code: Mapped[str] = mapped_column(String(40))
    disbursement_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("allowance_disbursements.id"), index=True
    )
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    posted_at: Mapped[datetime] = mapped_column(default=utcnow)
    month: Mapped[str] = mapped_column(String(7))


ENCRYPTED_MODELS: tuple[type[Base], ...] = (Disbursement,)
