"""Tables of complaints and feedback, their log of entries, each complaint's data key and the
organisation's deadlines by category (docs/complaints.md).

What was said, who said it (when it is not a person of the programme) and how to reach them
are encrypted under the complaint's own data key (`complaint_keys`), on SQLite as on
PostgreSQL: an anonymous complaint has no person whose key could hold it, and erasing a
person destroys the keys of their complaints (and blanks the text) while the complaint stays
counted. Anonymity is a rule of the schema: an anonymous complaint has no link to a person or
relative and no name or contact detail (`anonymous_keeps_nothing`).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TypeVar

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from haven.db.base import Base, IdMixin, TimestampMixin
from haven.db.types import utcnow
from haven.kernel.references import Kind, reference_column
from haven.kernel.sensitivity import Sensitivity, sensitive
from haven.security.fields import TEXT, Codec, DataKeys, EncryptedField
from haven.security.permissions import Permission

# Read by whoever may record complaints, whatever their clearance (a programme manager's is
# PERSONAL); which complaints they reach at all is the service's rule (confidentiality).
COMPLAINT_TEXT = sensitive(Sensitivity.CONFIDENTIAL, permission=Permission.COMPLAINT_RECORD)
T = TypeVar("T")

KINDS = ("complaint", "feedback")
COMPLAINANTS = ("person", "relative", "other", "anonymous")
CATEGORIES = (
    "payment_not_received",
    "mistreatment",
    "data_concern",
    "safety",
    "living_conditions",
    "other",
)
CHANNELS = (
    "in_person",
    "phone",
    "hotline",
    "messenger",
    "letter",
    "complaint_box",
    "community_meeting",
    "through_staff",
    "other",
)
STATES = ("received", "acknowledged", "escalated", "responded", "closed", "reopened")
ENTRY_KINDS = ("note", "response", "acknowledgement", "escalation", "closure", "reopening")
# How an answer reached the complainant: the channels, and a public notice (the only way to
# answer an anonymous complaint).
GIVEN_BY = (*CHANNELS, "public_notice")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class ComplaintKey(Base):
    """A complaint's 32-byte data key, wrapped under the keyring's `field_kek`."""

    __tablename__ = "complaint_keys"

    complaint_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("complaints.id"), primary_key=True)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


COMPLAINT_KEYS = DataKeys(ComplaintKey, owner_attr="complaint_id", label="complaint")


def _complaint_keys() -> DataKeys:
    return COMPLAINT_KEYS


def _own_field(attr: str, codec: Codec[T]) -> EncryptedField[T]:
    return EncryptedField(attr, codec, keys=_complaint_keys, owner_attr="id", assign_owner_id=True)


def _entry_field(attr: str, codec: Codec[T]) -> EncryptedField[T]:
    return EncryptedField(attr, codec, keys=_complaint_keys, owner_attr="complaint_id")


class Complaint(IdMixin, TimestampMixin, Base):
    """A complaint or a piece of feedback, by any channel, from a person of the programme, a
    relative, someone else, or no one named.

    Deadlines are stamped when it is received (and the response's again when it is reopened)
    from the organisation's days for its category, so a later change of the days never moves
    a promise already made. `first_responded_at` is the first answer given, for the median
    time to respond. `site_id` is where it was taken down (a registrar sees their site's).
    """

    __tablename__ = "complaints"
    __table_args__ = (
        CheckConstraint(_in("kind", KINDS), name="kind"),
        # 'person' first: the value a row made from the metadata takes (erasure coverage).
        CheckConstraint(_in("complainant", COMPLAINANTS), name="complainant"),
        CheckConstraint(_in("category", CATEGORIES), name="category"),
        CheckConstraint(_in("channel", CHANNELS), name="channel"),
        CheckConstraint(_in("status", STATES), name="status"),
        CheckConstraint(
            "complainant <> 'anonymous' OR (person_id IS NULL AND family_member_id IS NULL"
            " AND complainant_name IS NULL AND contact IS NULL AND instalment_id IS NULL)",
            name="anonymous_keeps_nothing",
        ),
        CheckConstraint(
            "complainant NOT IN ('person', 'relative') OR person_id IS NOT NULL"
            " OR erased_at IS NOT NULL",
            name="linked",
        ),
        # The list, newest first, and the report's counts (by state, category, month).
        Index("ix_complaints_organisation_received", "organisation_id", "received_at"),
        Index("ix_complaints_organisation_status", "organisation_id", "status", "category"),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    site_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sites.id"), index=True)
    reference: Mapped[str] = reference_column(Kind.COMPLAINT)
    kind: Mapped[str] = mapped_column(String(10))
    complainant: Mapped[str] = mapped_column(String(10))
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("persons.id"), index=True)
    family_member_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("family_members.id", ondelete="SET NULL"), index=True
    )
    instalment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("allowance_instalments.id"))
    category: Mapped[str] = mapped_column(String(30))
    channel: Mapped[str] = mapped_column(String(20))
    confidential: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(15), default="received")
    received_at: Mapped[datetime]
    acknowledge_by: Mapped[datetime]
    respond_by: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    first_responded_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    status_changed_at: Mapped[datetime]
    status_changed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    assigned_to_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    erased_at: Mapped[datetime | None]
    complainant_name_ct: Mapped[bytes | None] = mapped_column(
        "complainant_name", LargeBinary, info=COMPLAINT_TEXT
    )
    contact_ct: Mapped[bytes | None] = mapped_column("contact", LargeBinary, info=COMPLAINT_TEXT)
    body_ct: Mapped[bytes | None] = mapped_column("body", LargeBinary, info=COMPLAINT_TEXT)

    complainant_name = _own_field("complainant_name_ct", TEXT)
    contact = _own_field("contact_ct", TEXT)
    body = _own_field("body_ct", TEXT)


class ComplaintEntry(IdMixin, TimestampMixin, Base):
    """One dated entry of a complaint's log: an internal note, a response given to the
    complainant (and how), or the reason of an acknowledgement, escalation, closure or
    reopening. Entries are never edited."""

    __tablename__ = "complaint_entries"
    __table_args__ = (
        CheckConstraint(_in("kind", ENTRY_KINDS), name="kind"),
        CheckConstraint(f"given_by IS NULL OR {_in('given_by', GIVEN_BY)}", name="given_by"),
    )

    complaint_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("complaints.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    given_by: Mapped[str | None] = mapped_column(String(20))
    entered_at: Mapped[datetime]
    entered_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    text_ct: Mapped[bytes | None] = mapped_column("text", LargeBinary, info=COMPLAINT_TEXT)

    text = _entry_field("text_ct", TEXT)


class ComplaintDeadline(IdMixin, TimestampMixin, Base):
    """An organisation's days to acknowledge and to respond for one category (the defaults of
    `haven.complaints.lifecycle.DEFAULT_DAYS` apply where there is no row)."""

    __tablename__ = "complaint_deadlines"
    __table_args__ = (
        UniqueConstraint("organisation_id", "category"),
        CheckConstraint(_in("category", CATEGORIES), name="category"),
        CheckConstraint(
            "acknowledge_days BETWEEN 0 AND 90 AND respond_days BETWEEN 1 AND 365"
            " AND acknowledge_days <= respond_days",
            name="days",
        ),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    category: Mapped[str] = mapped_column(String(30))
    acknowledge_days: Mapped[int]
    respond_days: Mapped[int]
    set_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


ENCRYPTED_MODELS: tuple[type[Base], ...] = (Complaint, ComplaintEntry)
