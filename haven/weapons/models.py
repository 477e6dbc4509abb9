"""Tables of the weapons stores and their ledger (docs/weapons.md).

- `weapon_stores`: a store (armoury, ammunition store, field store) at a site; where it is
  is encrypted under the store's own data key (`weapon_keys`), so a seized laptop does not
  reveal where weapons are kept.
- `weapon_key_holders`: who holds a store's keys, with the history of keys handed on and
  returned.
- `weapon_intakes`: what became of each item received at reception: taken into a store
  (with the serviceability assessed there) or not received (with the reason).
- `weapon_documents`: the paper behind each movement (intake, transfer, re-issue,
  destruction, stock check), its people's names, signatures and photos encrypted.
- `weapon_movements`: the ledger, append-only (triggers refuse UPDATE and DELETE on both
  engines). A serialised item moves whole (`item_id`, its quantity signed); ammunition
  moves in rounds by calibre. A store's balance is the sum of its movements.
- `weapon_check_lines`: a stock check's lines, expected against counted, with the reason
  of a discrepancy.

Nothing here names a received person: items reach a person only through the reception.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from haven.db.base import Base, IdMixin, TimestampMixin
from haven.db.types import utcnow
from haven.kernel.sensitivity import Sensitivity, sensitive
from haven.security.fields import BYTES, JSON_OBJECT, TEXT, Codec, DataKeys, EncryptedField
from haven.security.permissions import Permission
from haven.weapons.lifecycle import (
    DestructionMethod,
    DocumentKind,
    IntakeOutcome,
    MovementKind,
    StoreKind,
    StoreStatus,
)

# Read by whoever may read the stores (registrars, managers, auditors), whatever their
# clearance: it is about the programme's stores, not about a received person.
STORE_SECRET = sensitive(Sensitivity.CONFIDENTIAL, permission=Permission.WEAPON_READ)
T = TypeVar("T")


def _in(column: str, values: Any) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class WeaponKey(Base):
    """A store's (or a not-received intake's) 32-byte data key, wrapped under `field_kek`."""

    __tablename__ = "weapon_keys"

    owner_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


WEAPON_KEYS = DataKeys(WeaponKey, owner_attr="owner_id", label="weapons")


def _keys() -> DataKeys:
    return WEAPON_KEYS


def _field(attr: str, codec: Codec[T], owner: str = "store_id", own: bool = False) -> Any:
    return EncryptedField(attr, codec, keys=_keys, owner_attr=owner, assign_owner_id=own)


class WeaponStore(IdMixin, TimestampMixin, Base):
    __tablename__ = "weapon_stores"
    __table_args__ = (
        CheckConstraint(_in("kind", StoreKind), name="kind"),
        CheckConstraint(_in("status", StoreStatus), name="status"),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(8), default="open")
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    location_ct: Mapped[bytes | None] = mapped_column("location", LargeBinary, info=STORE_SECRET)

    location = _field("location_ct", TEXT, owner="id", own=True)


class KeyHolder(IdMixin, TimestampMixin, Base):
    """One user holding a store's key from `handed_at` until `returned_at`."""

    __tablename__ = "weapon_key_holders"
    __table_args__ = (Index("ix_weapon_key_holders_store_returned", "store_id", "returned_at"),)

    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("weapon_stores.id"))
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    handed_at: Mapped[datetime]
    handed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    returned_at: Mapped[datetime | None]
    returned_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class WeaponDocument(IdMixin, TimestampMixin, Base):
    """The paper behind movements. Which columns are filled depends on `kind`: a transfer
    names the store it went to; a re-issue the receiving force, unit, representative and
    the signed receipt; a destruction the method, place, witnesses and photos; a stock check
    its witness."""

    __tablename__ = "weapon_documents"
    __table_args__ = (
        CheckConstraint(_in("kind", DocumentKind), name="kind"),
        CheckConstraint(f"method IS NULL OR {_in('method', DestructionMethod)}", name="method"),
        Index("ix_weapon_documents_store_occurred", "store_id", "occurred_on"),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("weapon_stores.id"))
    kind: Mapped[str] = mapped_column(String(12))
    occurred_on: Mapped[date]
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    to_store_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("weapon_stores.id"))
    force_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("forces.id"))
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("units.id"))
    method: Mapped[str | None] = mapped_column(String(12))
    method_other: Mapped[str | None] = mapped_column(String(100))
    representative_ct: Mapped[bytes | None] = mapped_column(
        "representative", LargeBinary, info=STORE_SECRET
    )
    signature_ct: Mapped[bytes | None] = mapped_column("signature", LargeBinary, info=STORE_SECRET)
    place_ct: Mapped[bytes | None] = mapped_column("place", LargeBinary, info=STORE_SECRET)
    witnesses_ct: Mapped[bytes | None] = mapped_column("witnesses", LargeBinary, info=STORE_SECRET)
    photo_before_ct: Mapped[bytes | None] = mapped_column(
        "photo_before", LargeBinary, info=STORE_SECRET
    )
    photo_after_ct: Mapped[bytes | None] = mapped_column(
        "photo_after", LargeBinary, info=STORE_SECRET
    )
    note_ct: Mapped[bytes | None] = mapped_column("note", LargeBinary, info=STORE_SECRET)

    # {"name": …, "position": …} of the receiving force's representative.
    representative = _field("representative_ct", JSON_OBJECT)
    signature = _field("signature_ct", BYTES)
    place = _field("place_ct", TEXT)
    # {"people": [{"name": …, "role": …}, …]}: at least two for a destruction, one for a check.
    witnesses = _field("witnesses_ct", JSON_OBJECT)
    photo_before = _field("photo_before_ct", BYTES)
    photo_after = _field("photo_after_ct", BYTES)
    note = _field("note_ct", TEXT)


class WeaponIntake(IdMixin, TimestampMixin, Base):
    """What became of one item received at reception (at most one row per item)."""

    __tablename__ = "weapon_intakes"
    __table_args__ = (
        CheckConstraint(_in("outcome", IntakeOutcome), name="outcome"),
        CheckConstraint(
            "(outcome = 'received' AND store_id IS NOT NULL AND document_id IS NOT NULL)"
            " OR (outcome = 'not_received' AND store_id IS NULL)",
            name="where",
        ),
    )

    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("weapon_items.id"), unique=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(12))
    store_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("weapon_stores.id"), index=True)
    document_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("weapon_documents.id"))
    serviceable: Mapped[bool | None]
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime]
    reason_ct: Mapped[bytes | None] = mapped_column("reason", LargeBinary, info=STORE_SECRET)

    reason = _field("reason_ct", TEXT, owner="id", own=True)


class WeaponMovement(IdMixin, Base):
    """One line of the ledger; never updated or deleted."""

    __tablename__ = "weapon_movements"
    __table_args__ = (
        CheckConstraint(_in("kind", MovementKind), name="kind"),
        CheckConstraint("quantity <> 0", name="quantity"),
        CheckConstraint("item_id IS NOT NULL OR calibre IS NOT NULL", name="what"),
        Index("ix_weapon_movements_store_item", "store_id", "item_id"),
        Index("ix_weapon_movements_store_calibre", "store_id", "calibre"),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("weapon_stores.id"))
    kind: Mapped[str] = mapped_column(String(12))
    # A serialised item (calibre NULL), or ammunition by calibre (item_id: where the rounds
    # came from, on intake only).
    item_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("weapon_items.id"), index=True)
    calibre: Mapped[str | None] = mapped_column(String(40))
    quantity: Mapped[int]
    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("weapon_documents.id"), index=True)
    moved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    moved_at: Mapped[datetime]


class CheckLine(IdMixin, Base):
    """A stock check's line: what the ledger said and what was counted."""

    __tablename__ = "weapon_check_lines"

    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("weapon_documents.id"), index=True)
    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("weapon_stores.id"))
    item_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("weapon_items.id"))
    calibre: Mapped[str | None] = mapped_column(String(40))
    expected: Mapped[int]
    counted: Mapped[int]
    reason_ct: Mapped[bytes | None] = mapped_column("reason", LargeBinary, info=STORE_SECRET)

    reason = _field("reason_ct", TEXT)


ENCRYPTED_MODELS: tuple[type[Base], ...] = (WeaponStore, WeaponDocument, WeaponIntake, CheckLine)
