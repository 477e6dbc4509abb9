"""Prisoners: where a person was captured (issue 20, finding 7).

The prisoner-of-war officer now registers a captured person directly (docs/pow.md,
"Registering a prisoner"); the record keeps the place of capture as given, beside the date.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("pow_records", sa.Column("captured_place", sa.String(length=200), nullable=True))


def downgrade() -> None:
    # A plain DROP COLUMN on both engines: a batch (copy-and-move) rebuild on SQLite would
    # rewrite the table's foreign keys as table constraints, which an older revision's
    # downgrade dropping `rank_id` cannot then remove.
    op.drop_column("pow_records", "captured_place")
