"""pathways: a defector's choice is protected from coercion as a prisoner's is

`pathway_choices` gains who was present (encrypted under the person's data key, like the
statement), the language of the person's own words, that no former commander was present,
the person's mark (signature or thumbprint) and who attested it. Choices recorded before this
revision keep NULL in each: the case page says they were recorded before these were asked.

Revision ID: 0017
Revises: 0014
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "pathway_choices"


def upgrade() -> None:
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.add_column(sa.Column("present", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("statement_language", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("former_commanders_absent", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("mark", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("mark_attested_by", sa.String(length=120), nullable=True))
        batch_op.create_check_constraint(
            "mark", sa.text("mark IS NULL OR mark IN ('signature', 'thumbprint')")
        )


def downgrade() -> None:
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_pathway_choices_mark"), type_="check")
        batch_op.drop_column("mark_attested_by")
        batch_op.drop_column("mark")
        batch_op.drop_column("former_commanders_absent")
        batch_op.drop_column("statement_language")
        batch_op.drop_column("present")
