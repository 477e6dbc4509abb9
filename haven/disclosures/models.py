"""Tables of disclosures: data-sharing agreements, and the append-only log of what left Haven.

Nothing here is a received person's data: an agreement names an organisation, a log entry
names the recipient, the fields (from the catalogue, never their values), the count and the
SHA-256 of what left. `disclosure_people` links an entry to the persons whose data left (ids
only), so that a person's page can show where their data went; it survives erasure, pointing
to the anonymous skeleton `persons` keeps (docs/disclosures.md). The log is append-only:
triggers refuse UPDATE and DELETE on both tables (revision 0043).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from haven.db.base import Base, IdMixin, TimestampMixin
from haven.db.types import utcnow


class SharingAgreement(IdMixin, TimestampMixin, Base):
    """Who may receive which personal fields, by which kinds of disclosure, for what purpose,
    on what legal basis, between which dates. Editable only as a draft: what an agreement in
    force covered is what the log's entries under it relied on."""

    __tablename__ = "sharing_agreements"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'in_force', 'suspended', 'ended')", name="status"),
        CheckConstraint("valid_until IS NULL OR valid_until >= valid_from", name="validity"),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    recipient_name: Mapped[str] = mapped_column(String(200))
    recipient_kind: Mapped[str] = mapped_column(String(20))
    # The recipient when it is an organisation on this Haven (referrals reach it here).
    recipient_organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisations.id"), index=True
    )
    purpose: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str] = mapped_column(String(30))
    kinds: Mapped[list[str]] = mapped_column(JSON)
    fields: Mapped[list[str]] = mapped_column(JSON)
    valid_from: Mapped[date]
    valid_until: Mapped[date | None]
    document_reference: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12), default="draft")
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    in_force_at: Mapped[datetime | None]
    in_force_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    suspended_at: Mapped[datetime | None]
    suspended_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    ended_at: Mapped[datetime | None]
    ended_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class Disclosure(IdMixin, Base):
    """One export, notice, referral or report that left Haven with personal data.

    The recipient and legal basis are copied from the agreement (or, for a transmission the
    Geneva Convention requires, its article), so the entry stays true if the agreement later
    changes state."""

    __tablename__ = "disclosures"
    __table_args__ = (
        CheckConstraint("kind IN ('export', 'notice', 'referral', 'report')", name="kind"),
        CheckConstraint("people_count >= 0", name="people_count"),
        Index("ix_disclosures_organisation_id_disclosed_at", "organisation_id", "disclosed_at"),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    kind: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(30))
    agreement_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("sharing_agreements.id"), index=True
    )
    recipient_name: Mapped[str] = mapped_column(String(200))
    recipient_kind: Mapped[str] = mapped_column(String(20))
    legal_basis: Mapped[str | None] = mapped_column(String(30))
    legal_reference: Mapped[str | None] = mapped_column(String(100))
    fields: Mapped[list[str]] = mapped_column(JSON)
    people_count: Mapped[int]
    format: Mapped[str] = mapped_column(String(10))
    sha256: Mapped[str | None] = mapped_column(String(64))
    reference: Mapped[str | None] = mapped_column(String(80))
    disclosed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    disclosed_at: Mapped[datetime] = mapped_column(default=utcnow)


class DisclosurePerson(Base):
    """A person whose data left in a disclosure (ids only)."""

    __tablename__ = "disclosure_people"

    disclosure_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("disclosures.id"), primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("persons.id"), primary_key=True, index=True
    )
