"""positions are data; equivalence on the terms date; overrides of retained ranks and positions

- `positions`: each force's appointments (battalion commander, clerk, cook …) with English
  and Burmese names and a grade (1 = most senior); `position_equivalences`: which position
  of a receiving force a source position becomes, from a date (until a date), like ranks.
  The seeded tables (the Myanmar military's, and the standard appointments of every
  receiving force) are added by `haven db upgrade` (`forces.ensure_reference_data`), as the
  rank table is.
- `agreements.finalized_at`: when the terms were fixed (the second named approval), the date
  rank and position equivalence are taken on. Existing finalized (or later) agreements get
  the time of their last approval when two named approvers approved; others keep NULL and
  fall back on their last change of state.
- `agreement_posting_overrides`: a programme manager's override of an agreement's retained
  rank or position for one person's posting (the reason encrypted under the agreement's
  key).
- `serve_records`: the claimed, verified and proposed positions (ids from the forces'
  tables; `claimed_position` keeps the person's words), the date equivalence was taken on,
  the posted rank and position, and the override a posting went through. Existing records
  keep NULL: the next claim resolves the position and proposes again.

Downgrade drops them (the positions, equivalences and overrides are lost).

Revision ID: 0013
Revises: 0016
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import haven.db.types

revision: str = "0013"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FINALIZED_OR_LATER = "('finalized', 'executing', 'completed', 'collapsed')"

SERVE_POSITIONS = (
    "claimed_position_id",
    "verified_position_id",
    "proposed_position_id",
    "posted_position_id",
)


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "positions",
        sa.Column("force_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=True),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("name_my", sa.String(length=100), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=False),
        *_timestamps(),
        sa.CheckConstraint("grade >= 1", name=op.f("ck_positions_grade")),
        sa.ForeignKeyConstraint(
            ["force_id"], ["forces.id"], name=op.f("fk_positions_force_id_forces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_positions")),
        sa.UniqueConstraint("force_id", "code", name=op.f("uq_positions_force_id_code")),
        sa.UniqueConstraint("force_id", "name_en", name=op.f("uq_positions_force_id_name_en")),
    )
    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_positions_force_id"), ["force_id"], unique=False)

    op.create_table(
        "position_equivalences",
        sa.Column("receiving_force_id", sa.Uuid(), nullable=False),
        sa.Column("source_position_id", sa.Uuid(), nullable=False),
        sa.Column("target_position_id", sa.Uuid(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        *_timestamps(),
        sa.CheckConstraint(
            "effective_to IS NULL OR effective_to > effective_from",
            name=op.f("ck_position_equivalences_period"),
        ),
        sa.ForeignKeyConstraint(
            ["receiving_force_id"],
            ["forces.id"],
            name=op.f("fk_position_equivalences_receiving_force_id_forces"),
        ),
        sa.ForeignKeyConstraint(
            ["source_position_id"],
            ["positions.id"],
            name=op.f("fk_position_equivalences_source_position_id_positions"),
        ),
        sa.ForeignKeyConstraint(
            ["target_position_id"],
            ["positions.id"],
            name=op.f("fk_position_equivalences_target_position_id_positions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_position_equivalences")),
    )
    with op.batch_alter_table("position_equivalences", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_position_equivalences_receiving_force_id"),
            ["receiving_force_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_position_equivalences_source_position_id"),
            ["source_position_id"],
            unique=False,
        )

    op.add_column(
        "agreements",
        sa.Column("finalized_at", haven.db.types.UTCDateTime(timezone=True), nullable=True),
    )
    # The terms were fixed by the second named approval: the latest approval time of an
    # agreement two approvers approved (approvals are withdrawn only before finalization).
    op.execute(
        "UPDATE agreements SET finalized_at = ("
        " SELECT max(a.approved_at) FROM agreement_approvers a"
        " WHERE a.agreement_id = agreements.id AND a.approved_at IS NOT NULL)"
        f" WHERE status IN {FINALIZED_OR_LATER} AND ("
        " SELECT count(*) FROM agreement_approvers a"
        " WHERE a.agreement_id = agreements.id AND a.approved_at IS NOT NULL) >= 2"
    )

    op.create_table(
        "agreement_posting_overrides",
        sa.Column("agreement_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=True),
        sa.Column("terms_on", sa.Date(), nullable=False),
        sa.Column("from_rank_id", sa.Uuid(), nullable=True),
        sa.Column("to_rank_id", sa.Uuid(), nullable=True),
        sa.Column("from_position_id", sa.Uuid(), nullable=True),
        sa.Column("to_position_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.LargeBinary(), nullable=True),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_posting_overrides_agreement_id_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_agreement_posting_overrides_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_agreement_posting_overrides_person_id_persons"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_agreement_posting_overrides_recorded_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["from_rank_id"],
            ["ranks.id"],
            name=op.f("fk_agreement_posting_overrides_from_rank_id_ranks"),
        ),
        sa.ForeignKeyConstraint(
            ["to_rank_id"],
            ["ranks.id"],
            name=op.f("fk_agreement_posting_overrides_to_rank_id_ranks"),
        ),
        sa.ForeignKeyConstraint(
            ["from_position_id"],
            ["positions.id"],
            name=op.f("fk_agreement_posting_overrides_from_position_id_positions"),
        ),
        sa.ForeignKeyConstraint(
            ["to_position_id"],
            ["positions.id"],
            name=op.f("fk_agreement_posting_overrides_to_position_id_positions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_posting_overrides")),
    )
    with op.batch_alter_table("agreement_posting_overrides", schema=None) as batch_op:
        for column in ("agreement_id", "organisation_id", "person_id"):
            batch_op.create_index(
                batch_op.f(f"ix_agreement_posting_overrides_{column}"), [column], unique=False
            )

    with op.batch_alter_table("serve_records", schema=None) as batch_op:
        for column in SERVE_POSITIONS:
            batch_op.add_column(sa.Column(column, sa.Uuid(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f(f"fk_serve_records_{column}_positions"),
                "positions",
                [column],
                ["id"],
            )
        batch_op.add_column(sa.Column("equivalence_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("posted_rank_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_serve_records_posted_rank_id_ranks"), "ranks", ["posted_rank_id"], ["id"]
        )
        batch_op.add_column(sa.Column("posting_override_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_serve_records_posting_override_id_agreement_posting_overrides"),
            "agreement_posting_overrides",
            ["posting_override_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("serve_records", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_serve_records_posting_override_id_agreement_posting_overrides"),
            type_="foreignkey",
        )
        batch_op.drop_column("posting_override_id")
        batch_op.drop_constraint(
            batch_op.f("fk_serve_records_posted_rank_id_ranks"), type_="foreignkey"
        )
        batch_op.drop_column("posted_rank_id")
        batch_op.drop_column("equivalence_on")
        for column in reversed(SERVE_POSITIONS):
            batch_op.drop_constraint(
                batch_op.f(f"fk_serve_records_{column}_positions"), type_="foreignkey"
            )
            batch_op.drop_column(column)

    with op.batch_alter_table("agreement_posting_overrides", schema=None) as batch_op:
        for column in ("person_id", "organisation_id", "agreement_id"):
            batch_op.drop_index(batch_op.f(f"ix_agreement_posting_overrides_{column}"))
    op.drop_table("agreement_posting_overrides")

    # Not a batch: on SQLite a batch would rebuild `agreements`, which other tables refer to.
    op.execute("ALTER TABLE agreements DROP COLUMN finalized_at")

    with op.batch_alter_table("position_equivalences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_position_equivalences_source_position_id"))
        batch_op.drop_index(batch_op.f("ix_position_equivalences_receiving_force_id"))
    op.drop_table("position_equivalences")
    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_positions_force_id"))
    op.drop_table("positions")
