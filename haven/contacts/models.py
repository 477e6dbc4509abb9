"""Tables of first contacts: the contact under its code name, the log of exchanges, the
history of its moves, and its own data key.

Everything that could lead to the soldier or to whoever carries his messages (the channel
detail, the meeting point, the notes of each exchange, the reasons given for a move) is
encrypted under the *contact's* own data key (`contact_keys`), read only by holders of
CONTACT_READ (the negotiation team) whatever their clearance. Destroying the key (a
compromised contact wiped, or the linked person erased) shreds all of it at once.

The code name is plaintext, unique in the organisation: it is no real name, and the team
needs to find a contact by it. The bands (how many come with him, how many relatives to move)
are plaintext too: they are ranges, never counts or names.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TypeVar

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

# Foreign keys into other domains' tables (organisations, users, agreements, persons,
# reception events) are named by table only: the composing shell loads every table.
import haven.accounts.models  # noqa: F401
from haven.db.base import Base, IdMixin, TimestampMixin
from haven.db.types import utcnow
from haven.kernel.sensitivity import Sensitivity, sensitive
from haven.security import fields
from haven.security.fields import TEXT, Codec, DataKeys, EncryptedField
from haven.security.permissions import Permission

# Read by the negotiation team alone (CONTACT_READ), whatever a role's clearance.
SECRET = sensitive(Sensitivity.HIGHLY_CONFIDENTIAL, permission=Permission.CONTACT_READ)
T = TypeVar("T")


class ContactKey(Base):
    """A contact's 32-byte data key, wrapped under the keyring's `field_kek`."""

    __tablename__ = "contact_keys"

    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contacts.id"), primary_key=True)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


CONTACT_KEYS = DataKeys(ContactKey, owner_attr="contact_id", label="contact")


def _contact_keys() -> DataKeys:
    return CONTACT_KEYS


def _own_field(attr: str, codec: Codec[T]) -> EncryptedField[T]:
    return EncryptedField(attr, codec, keys=_contact_keys, owner_attr="id", assign_owner_id=True)


def _child_field(attr: str) -> EncryptedField[str | None]:
    return EncryptedField(attr, TEXT, keys=_contact_keys, owner_attr="contact_id")


class Contact(IdMixin, TimestampMixin, Base):
    """A soldier still inside who reached the programme, under a code name.

    `handler_id` is the negotiator who handles the contact; every negotiator of the
    organisation sees it (docs/contacts.md). `person_id` and `reception_id` are set when the
    contact is linked at crossing; erasing that person clears both and the encrypted details
    (`person_erased_at`). `details_wiped_at`: the details were shredded after a compromise.
    """

    __tablename__ = "contacts"
    __table_args__ = (
        UniqueConstraint("organisation_id", "code_name"),
        CheckConstraint(
            "status IN ('open', 'meeting_set', 'crossed', 'lost', 'compromised', 'withdrawn')",
            name="status",
        ),
        CheckConstraint(
            "channel IN ('phone', 'messenger', 'intermediary', 'in_person')", name="channel"
        ),
        CheckConstraint(
            "companions IN ('unknown', 'alone', '1-5', '6-20', '21-50', '50+')", name="companions"
        ),
        CheckConstraint("family IN ('unknown', 'none', '1-3', '4-10', '10+')", name="family"),
        # The list page: the organisation's contacts, newest first.
        Index("ix_contacts_organisation_created", "organisation_id", "created_at"),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    code_name: Mapped[str] = mapped_column(String(60))
    channel: Mapped[str] = mapped_column(String(20))
    channel_detail_ct: Mapped[bytes | None] = mapped_column(
        "channel_detail", LargeBinary, info=SECRET
    )
    companions: Mapped[str] = mapped_column(String(10), default="unknown")
    family: Mapped[str] = mapped_column(String(10), default="unknown")
    agreement_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agreements.id"), index=True)
    handler_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    meeting_point_ct: Mapped[bytes | None] = mapped_column(
        "meeting_point", LargeBinary, info=SECRET
    )
    meeting_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20), default="open")
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_changed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    crossed_at: Mapped[datetime | None]
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("persons.id"), index=True)
    reception_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("reception_events.id"), unique=True
    )
    person_erased_at: Mapped[datetime | None]
    details_wiped_at: Mapped[datetime | None]
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))

    channel_detail = _own_field("channel_detail_ct", TEXT)
    meeting_point = _own_field("meeting_point_ct", TEXT)

    @property
    def masked_fields(self) -> list[str]:
        return fields.masked_fields(self)


class ContactExchange(IdMixin, TimestampMixin, Base):
    """One dated exchange with the contact: when, by which channel, and what was said."""

    __tablename__ = "contact_exchanges"
    __table_args__ = (
        CheckConstraint(
            "channel IN ('phone', 'messenger', 'intermediary', 'in_person')", name="channel"
        ),
    )

    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contacts.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    occurred_at: Mapped[datetime]
    channel: Mapped[str] = mapped_column(String(20))
    note_ct: Mapped[bytes | None] = mapped_column("note", LargeBinary, info=SECRET)
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))

    note = _child_field("note_ct")


class ContactMove(IdMixin, Base):
    """One move of the contact's lifecycle: from, to, why (encrypted), who and when."""

    __tablename__ = "contact_moves"

    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contacts.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    reason_ct: Mapped[bytes | None] = mapped_column("reason", LargeBinary, info=SECRET)
    moved_at: Mapped[datetime] = mapped_column(default=utcnow)
    moved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))

    reason = _child_field("reason_ct")
