"""Tables of the cards domain: the programme's card-signing keys and the cards issued.

A card's signed payload (names, reference, validity, issuer, photo hash, signature) is kept
encrypted under the *person's* data key (people's `PERSON_KEYS`), so that the card can be
printed again exactly as signed, and erasing the person crypto-shreds it. The card number,
status and dates stay in clear: a revocation list names cards by number only.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from haven.db.base import Base, IdMixin, TimestampMixin
from haven.kernel.sensitivity import Sensitivity, sensitive
from haven.people.public import PERSON_KEYS
from haven.security.fields import BYTES, DataKeys, EncryptedField

CONFIDENTIAL = sensitive(Sensitivity.CONFIDENTIAL)


def _person_keys() -> DataKeys:
    return PERSON_KEYS


class CardSigningKey(IdMixin, TimestampMixin, Base):
    """An Ed25519 key that signs cards' QR codes and revocation lists.

    `private_key` is the raw private key sealed under the keyring's field key-encryption key;
    it exists only where the key was made (headquarters). A field node or checkpoint holds
    the public key alone (imported with `haven card trust-key`), so it verifies and never
    issues. `key_id` (the first 8 hex digits of the public key's SHA-256) travels in every
    payload, so that a rotated key's cards still verify; a retired key's do not.
    """

    __tablename__ = "card_signing_keys"

    key_id: Mapped[str] = mapped_column(String(16), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    private_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    retired_at: Mapped[datetime | None]


class Card(IdMixin, TimestampMixin, Base):
    """One identity card issued to a person. At most one active card per person (a partial
    unique index): issuing again revokes the previous card as "replaced" first."""

    __tablename__ = "cards"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'revoked')", name="status"),
        CheckConstraint(
            "revoked_reason IS NULL OR revoked_reason IN "
            "('lost', 'stolen', 'seized', 'damaged', 'replaced', 'left_programme')",
            name="revoked_reason",
        ),
        Index(
            "uq_cards_active_person",
            "person_id",
            unique=True,
            sqlite_where="status = 'active'",
            postgresql_where="status = 'active'",
        ),
        Index("ix_cards_organisation_issued", "organisation_id", "issued_at"),
    )

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    # The person's site: registrars see the cards of their own site's people.
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    card_number: Mapped[str] = mapped_column(String(20), unique=True)
    key_id: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(10), default="active")
    issued_on: Mapped[date]
    valid_until: Mapped[date]
    issued_at: Mapped[datetime]
    issued_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    revoked_reason: Mapped[str | None] = mapped_column(String(20))
    # The QR's text exactly as signed (names inside): NULL once the person is erased.
    payload_ct: Mapped[bytes | None] = mapped_column("payload", LargeBinary, info=CONFIDENTIAL)

    payload = EncryptedField("payload_ct", BYTES, keys=_person_keys, owner_attr="person_id")
