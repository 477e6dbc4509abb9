"""Tables of reception events and the weapons and equipment handed over."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from haven.db.base import Base, IdMixin, TimestampMixin
from haven.kernel.sensitivity import Sensitivity, sensitive
from haven.people.public import PERSON_KEYS
from haven.security.fields import JSON_OBJECT, TEXT, DataKeys, EncryptedField

CONFIDENTIAL = sensitive(Sensitivity.CONFIDENTIAL)


def _person_keys() -> DataKeys:
    return PERSON_KEYS


class ReceptionEvent(IdMixin, TimestampMixin, Base):
    """One arrival of a person at a site: how they came, from which unit, under which terms.

    For a child (classification `child`), nothing military is stored: the check constraint
    keeps unit, rank, position and length of service empty, whatever the caller sends.
    `agreement_id` links an arrival to a defection agreement (the agreements package).
    """

    __tablename__ = "reception_events"
    __table_args__ = (
        CheckConstraint(
            "classification <> 'child' OR (origin_unit_id IS NULL AND rank_id IS NULL "
            "AND position IS NULL AND service_months IS NULL AND origin_unit_text IS NULL)",
            name="child_no_military",
        ),
        CheckConstraint("service_months IS NULL OR service_months >= 0", name="service"),
        # The dashboard's counts by classification, from the index alone (migration 0026).
        Index(
            "ix_reception_events_organisation_classification", "organisation_id", "classification"
        ),
        # The dashboards' arrivals by date window, from the index alone (migration 0032).
        Index(
            "ix_reception_events_organisation_received", "organisation_id", "received_on", "site_id"
        ),
        # A registrar's counts by classification, and the children waiting for child
        # protection, most urgent first (migration 0033).
        Index(
            "ix_reception_events_organisation_site_classification",
            "organisation_id",
            "site_id",
            "classification",
        ),
        Index(
            "ix_reception_events_children_waiting",
            "organisation_id",
            "classification",
            "child_protection_handed_over_at",
            "child_protection_due_at",
            "site_id",
        ),
    )

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    classification: Mapped[str] = mapped_column(String(20), index=True)
    received_on: Mapped[date]
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    origin_force_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("forces.id"))
    origin_unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("units.id"), index=True)
    origin_unit_text: Mapped[str | None] = mapped_column(String(100))
    rank_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ranks.id"))
    position: Mapped[str | None] = mapped_column(String(200))
    service_months: Mapped[int | None]
    agreement_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    legal_basis: Mapped[str] = mapped_column(String(30))
    terms_signed: Mapped[bool] = mapped_column(default=False)
    terms_version: Mapped[str | None] = mapped_column(String(40))
    child_protection_due_at: Mapped[datetime | None]
    child_protection_handed_over_at: Mapped[datetime | None]
    # The handover (migration 0028): to which kind of child-protection actor, which one (an
    # organisation or office, not the child), recorded by whom.
    child_protection_handed_over_to: Mapped[str | None] = mapped_column(String(30))
    child_protection_receiver: Mapped[str | None] = mapped_column(String(200))
    child_protection_handed_over_by_id: Mapped[uuid.UUID | None]  # a user (no key: 0028)


class ReceptionCorrection(IdMixin, TimestampMixin, Base):
    """One correction of a reception after the fact: which fields changed (names only, for
    lists and the audit trail), their old and new values and the reason, both encrypted under
    the person's data key (erasing the person shreds them), who corrected it and when
    (`created_at`). Rows are never edited: the history is the list of corrections."""

    __tablename__ = "reception_corrections"

    reception_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reception_events.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    corrected_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    fields: Mapped[str] = mapped_column(String(400))  # field names, comma-separated
    changes_ct: Mapped[bytes | None] = mapped_column("changes", LargeBinary, info=CONFIDENTIAL)
    reason_ct: Mapped[bytes | None] = mapped_column("reason", LargeBinary, info=CONFIDENTIAL)

    changes = EncryptedField("changes_ct", JSON_OBJECT, keys=_person_keys, owner_attr="person_id")
    reason = EncryptedField("reason_ct", TEXT, keys=_person_keys, owner_attr="person_id")


class WeaponItem(IdMixin, TimestampMixin, Base):
    """A weapon or piece of equipment handed over at reception; each has a receipt number."""

    __tablename__ = "weapon_items"
    __table_args__ = (UniqueConstraint("organisation_id", "receipt_number"),)

    reception_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reception_events.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    description: Mapped[str | None] = mapped_column(String(200))
    serial_number: Mapped[str | None] = mapped_column(String(100), index=True)
    tag: Mapped[str | None] = mapped_column(String(100))
    serviceable: Mapped[bool | None]
    quantity: Mapped[int] = mapped_column(default=1)
    # Ammunition's calibre (a code of `haven.weapons.lifecycle.Calibre`, or the words written
    # for another): the weapons stores count rounds by calibre (docs/weapons.md).
    calibre: Mapped[str | None] = mapped_column(String(40))
    receipt_number: Mapped[str] = mapped_column(String(40))
