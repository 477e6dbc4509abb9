"""The programme settings table: one row per organisation.

Per organisation, not per installation: one Haven may serve several organisations (an armed
group, a People's Administration Group, an interim council, a partner), and the commitment to
apply the Third Geneva Convention's standards in a non-international armed conflict is made by
a party to the conflict, each with its own declaration or agreement, its date and its
reference. Every prisoner's record, card and notice belongs to one organisation, so the
organisation's row says which framework its documents cite. An organisation without a row
reads as an international armed conflict (the wording Haven used before the setting existed),
shown as "not yet recorded".
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from haven.db.base import Base, IdMixin, TimestampMixin


class ProgrammeSettings(IdMixin, TimestampMixin, Base):
    """The legal framework an organisation works under (and room for its other settings)."""

    __tablename__ = "programme_settings"
    __table_args__ = (
        CheckConstraint(
            "conflict IN ('international', 'non_international')", name="conflict_known"
        ),
        # A commitment (which, its date, its reference) is recorded exactly when the conflict
        # is non-international: in an international conflict the Convention binds as such.
        CheckConstraint(
            "(conflict = 'international' AND commitment_kind IS NULL AND commitment_date IS NULL "
            "AND commitment_reference IS NULL) OR (conflict = 'non_international' "
            "AND commitment_kind IN ('unilateral_declaration', 'special_agreement') "
            "AND commitment_date IS NOT NULL AND commitment_reference IS NOT NULL)",
            name="commitment_matches_conflict",
        ),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), unique=True)
    conflict: Mapped[str] = mapped_column(String(30))
    commitment_kind: Mapped[str | None] = mapped_column(String(30))
    commitment_date: Mapped[date | None]
    commitment_reference: Mapped[str | None] = mapped_column(String(300))
