"""rank aliases; a roll entry's force and the rank it wrote when no rank matched

- `rank_aliases`: the other ways a rank is written (abbreviations such as Lt Col or ဗမက,
  Burmese short forms such as ဒုဗိုလ်မှူးကြီး, romanisations such as Bo Gyi), each with its
  key (`haven.forces.ranktext.rank_key`), unique within the force. The reference aliases
  (and the police, militia and Border Guard Force rank tables) are added by `haven db
  upgrade` (`forces.ensure_reference_data`), as the rank tables are: existing ranks get the
  aliases of their table then.
- `agreement_roll_entries.force_id`: the force the roll names for the row (NULL: the Myanmar
  army, which is what every existing entry was imported against).
- `agreement_roll_entries.rank_text`: the rank as the roll wrote it when no rank of the
  table matched (encrypted under the agreement's key, like the entry's rank). Existing
  entries keep NULL: an import with an unknown rank was refused as a whole before.

Downgrade drops them (aliases, the entries' force and unmatched rank texts are lost).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import haven.db.types

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLL = "agreement_roll_entries"


def upgrade() -> None:
    op.create_table(
        "rank_aliases",
        sa.Column("force_id", sa.Uuid(), nullable=False),
        sa.Column("rank_id", sa.Uuid(), nullable=False),
        sa.Column("text", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["force_id"], ["forces.id"], name=op.f("fk_rank_aliases_force_id_forces")
        ),
        sa.ForeignKeyConstraint(
            ["rank_id"], ["ranks.id"], name=op.f("fk_rank_aliases_rank_id_ranks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rank_aliases")),
        sa.UniqueConstraint("force_id", "key", name=op.f("uq_rank_aliases_force_id_key")),
    )
    with op.batch_alter_table("rank_aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rank_aliases_force_id"), ["force_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_rank_aliases_rank_id"), ["rank_id"], unique=False)

    with op.batch_alter_table(ROLL, schema=None) as batch_op:
        batch_op.add_column(sa.Column("rank_text", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("force_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f(f"fk_{ROLL}_force_id_forces"), "forces", ["force_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table(ROLL, schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(f"fk_{ROLL}_force_id_forces"), type_="foreignkey")
        batch_op.drop_column("force_id")
        batch_op.drop_column("rank_text")
    with op.batch_alter_table("rank_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rank_aliases_rank_id"))
        batch_op.drop_index(batch_op.f("ix_rank_aliases_force_id"))
    op.drop_table("rank_aliases")
