"""reception corrections and the child's handover

`reception_corrections`: one row per correction of a reception after the fact (rank, unit,
position, length of service, date received, the person's names and year of birth), with
the names of the fields changed, their old and new values and the reason encrypted under
the person's data key, who corrected it and when. `reception_events` gains the handover of a
child to child protection: to which kind of actor, which one, and who recorded it (the time
was already there). Nothing existing changes; plain ADD COLUMN on both engines (no table
rebuild, so the reception table's check constraints stay as they are); downgrade drops them.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import haven.db.types

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_HANDOVER = (
    sa.Column("child_protection_handed_over_to", sa.String(length=30), nullable=True),
    sa.Column("child_protection_receiver", sa.String(length=200), nullable=True),
    sa.Column("child_protection_handed_over_by_id", sa.Uuid(), nullable=True),
)


def upgrade() -> None:
    when = haven.db.types.UTCDateTime(timezone=True)
    op.create_table(
        "reception_corrections",
        sa.Column("reception_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("corrected_by_id", sa.Uuid(), nullable=True),
        sa.Column("fields", sa.String(length=400), nullable=False),
        sa.Column("changes", sa.LargeBinary(), nullable=True),
        sa.Column("reason", sa.LargeBinary(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", when, nullable=False),
        sa.Column("updated_at", when, nullable=False),
        sa.ForeignKeyConstraint(
            ["reception_id"],
            ["reception_events.id"],
            name=op.f("fk_reception_corrections_reception_id_reception_events"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_reception_corrections_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_reception_corrections_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["corrected_by_id"],
            ["users.id"],
            name=op.f("fk_reception_corrections_corrected_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reception_corrections")),
    )
    for column in ("reception_id", "person_id", "organisation_id"):
        op.create_index(
            op.f(f"ix_reception_corrections_{column}"), "reception_corrections", [column]
        )
    for added in _HANDOVER:
        op.add_column("reception_events", added._copy())


def downgrade() -> None:
    for dropped in reversed(_HANDOVER):
        op.drop_column("reception_events", dropped.name)  # SQLite 3.35+: no table rebuild
    for column in ("organisation_id", "person_id", "reception_id"):
        op.drop_index(
            op.f(f"ix_reception_corrections_{column}"), table_name="reception_corrections"
        )
    op.drop_table("reception_corrections")
