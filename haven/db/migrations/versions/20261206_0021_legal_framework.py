"""programme settings: the legal framework of the conflict, one row per organisation

- `programme_settings`: per organisation, the kind of conflict (international or
  non-international) and, for a non-international one, the commitment that applies the Third
  Geneva Convention's standards (unilateral declaration or special agreement, its date and
  reference). Check constraints keep a commitment exactly when the conflict is
  non-international.
- Existing organisations get no row: an organisation without one reads as an international
  armed conflict, which is what every page and document said before this revision, until an
  administrator or programme manager records the framework.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import haven.db.types

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "programme_settings",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("conflict", sa.String(length=30), nullable=False),
        sa.Column("commitment_kind", sa.String(length=30), nullable=True),
        sa.Column("commitment_date", sa.Date(), nullable=True),
        sa.Column("commitment_reference", sa.String(length=300), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "conflict IN ('international', 'non_international')",
            name=op.f("ck_programme_settings_conflict_known"),
        ),
        sa.CheckConstraint(
            "(conflict = 'international' AND commitment_kind IS NULL AND commitment_date IS NULL "
            "AND commitment_reference IS NULL) OR (conflict = 'non_international' "
            "AND commitment_kind IN ('unilateral_declaration', 'special_agreement') "
            "AND commitment_date IS NOT NULL AND commitment_reference IS NOT NULL)",
            name=op.f("ck_programme_settings_commitment_matches_conflict"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_programme_settings_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_settings")),
        sa.UniqueConstraint("organisation_id", name=op.f("uq_programme_settings_organisation_id")),
    )


def downgrade() -> None:
    op.drop_table("programme_settings")
