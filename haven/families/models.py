"""Tables of family-movement plans: a plan, the relatives it moves, its steps, and its key.

A plan belongs to one person (their relatives) or to one agreement (the relatives of the
people received under it). Where the relatives are taken from and to, the steps' wording and
the reasons of a suspension or cancellation are encrypted under the plan's own data key
(`family_plan_keys`), on SQLite as on PostgreSQL: a plan outlives the erasure of one of an
agreement's people, and a person's plan goes with them (its key destroyed, its rows deleted).
The relatives themselves are people's `family_members` rows: a plan holds their ids only.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

# Foreign keys into other domains' tables (persons, family members, agreements, users) are
# named by table only; `haven.db.registry` loads every table.
import haven.accounts.models  # noqa: F401
from haven.db.base import Base, IdMixin, TimestampMixin
from haven.db.types import utcnow
from haven.kernel.sensitivity import Sensitivity, sensitive
from haven.security import fields
from haven.security.fields import TEXT, Codec, DataKeys, EncryptedField
from haven.security.permissions import Permission

# Routes, places and steps of a movement: read by those who move families (case workers,
# negotiators, managers: FAMILY_MOVE_READ), whatever their clearance; masked for others.
ROUTE = sensitive(Sensitivity.HIGHLY_CONFIDENTIAL, permission=Permission.FAMILY_MOVE_READ)
T = TypeVar("T")


class FamilyPlanKey(Base):
    """A plan's 32-byte data key, wrapped under the keyring's `field_kek`."""

    __tablename__ = "family_plan_keys"

    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("family_plans.id"), primary_key=True)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


PLAN_KEYS = DataKeys(FamilyPlanKey, owner_attr="plan_id", label="family plan")


def _plan_keys() -> DataKeys:
    return PLAN_KEYS


def _own_field(attr: str, codec: Codec[T]) -> EncryptedField[T]:
    return EncryptedField(attr, codec, keys=_plan_keys, owner_attr="id", assign_owner_id=True)


def _child_field(attr: str, codec: Codec[T]) -> EncryptedField[T]:
    return EncryptedField(attr, codec, keys=_plan_keys, owner_attr="plan_id")


class FamilyPlan(IdMixin, TimestampMixin, Base):
    """Moving relatives from danger (a military compound or a village) to a safe place.

    Exactly one of `person_id` and `agreement_id`. `unnamed_relatives`: relatives expected
    but not yet recorded by name (the roll's family count, say); they count in the plan, never
    as moved. `erased_relatives`/`erased_moved`: relatives of an agreement's person who was
    erased: their rows went, their counts stay in the plan's progress.
    """

    __tablename__ = "family_plans"
    __table_args__ = (
        CheckConstraint(
            "(person_id IS NULL) <> (agreement_id IS NULL)", name="person_or_agreement"
        ),
        CheckConstraint(
            "status IN ('planned', 'under_way', 'completed', 'suspended', 'cancelled')",
            name="status",
        ),
        CheckConstraint("origin_kind IN ('compound', 'village')", name="origin_kind"),
        CheckConstraint("unnamed_relatives >= 0", name="unnamed"),
        CheckConstraint("erased_moved >= 0 AND erased_relatives >= erased_moved", name="erased"),
        # The list page: the organisation's plans, newest first.
        Index("ix_family_plans_organisation_created", "organisation_id", "created_at"),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("persons.id"), index=True)
    agreement_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agreements.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="planned")
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_changed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    origin_kind: Mapped[str] = mapped_column(String(10))
    origin_ct: Mapped[bytes | None] = mapped_column("origin", LargeBinary, info=ROUTE)
    destination_ct: Mapped[bytes | None] = mapped_column("destination", LargeBinary, info=ROUTE)
    status_reason_ct: Mapped[bytes | None] = mapped_column("status_reason", LargeBinary, info=ROUTE)
    unnamed_relatives: Mapped[int] = mapped_column(default=0)
    erased_relatives: Mapped[int] = mapped_column(default=0)
    erased_moved: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))

    origin = _own_field("origin_ct", TEXT)
    destination = _own_field("destination_ct", TEXT)
    status_reason = _own_field("status_reason_ct", TEXT)

    @property
    def masked_fields(self) -> list[str]:
        return fields.masked_fields(self)


class FamilyPlanMember(IdMixin, TimestampMixin, Base):
    """A relative in a plan; `moved_at` when they reached the safe place."""

    __tablename__ = "family_plan_members"
    __table_args__ = (UniqueConstraint("plan_id", "family_member_id"),)

    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("family_plans.id"), index=True)
    # A relative removed from the person's family leaves the plans with them.
    family_member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("family_members.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    moved_at: Mapped[datetime | None]
    moved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class FamilyPlanStep(IdMixin, TimestampMixin, Base):
    """One step of a plan: what (encrypted), planned and done dates, who is responsible (a
    user, or a partner named in `responsible_partner`). Overdue: not done, planned before
    today."""

    __tablename__ = "family_plan_steps"

    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("family_plans.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    position: Mapped[int]
    title_ct: Mapped[bytes | None] = mapped_column("title", LargeBinary, info=ROUTE)
    planned_on: Mapped[date | None]
    done_on: Mapped[date | None]
    done_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    responsible_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    responsible_partner: Mapped[str | None] = mapped_column(String(200))

    title = _child_field("title_ct", TEXT)

    @property
    def masked_fields(self) -> list[str]:
        return fields.masked_fields(self)
