"""reference numbers: a short readable reference with a check character on every person,
pathway case, vetting case, agreement and payment batch

Each table gains `reference` (e.g. `P-7K3M9QR`: kind letter, six random characters of
Crockford's base 32, a Damm check character; `haven.kernel.references`), unique per table.
Existing rows get one drawn here, in Python, on both engines; then the column is NOT NULL
and uniquely indexed. On SQLite, where ALTER TABLE cannot make an existing column NOT NULL
without copying the table (which every other table refers to), the column is added NOT NULL
with an empty default that the backfill replaces; the models always give a value, and a
second empty one would clash on the unique index.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from haven.kernel.references import Kind, new_reference

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

_TABLES = (
    ("persons", Kind.PERSON),
    ("cases", Kind.PATHWAY_CASE),
    ("vetting_cases", Kind.VETTING_CASE),
    ("agreements", Kind.AGREEMENT),
    ("allowance_batches", Kind.BATCH),
)
_LENGTH = 12


def _backfill(name: str, kind: Kind) -> None:
    table = sa.table(name, sa.column("id", sa.Uuid()), sa.column("reference", sa.String()))
    connection = op.get_bind()
    ids = list(connection.scalars(sa.select(table.c.id)))
    drawn: set[str] = set()
    rows = []
    for row_id in ids:
        value = new_reference(kind)
        while value in drawn:
            value = new_reference(kind)
        drawn.add(value)
        rows.append({"row_id": row_id, "value": value})
    statement = (
        sa.update(table)
        .where(table.c.id == sa.bindparam("row_id", type_=sa.Uuid()))
        .values(reference=sa.bindparam("value"))
    )
    for start in range(0, len(rows), 1000):
        connection.execute(statement, rows[start : start + 1000])


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for name, kind in _TABLES:
        if sqlite:
            op.add_column(
                name,
                sa.Column(
                    "reference", sa.String(length=_LENGTH), nullable=False, server_default=""
                ),
            )
        else:
            op.add_column(name, sa.Column("reference", sa.String(length=_LENGTH), nullable=True))
        _backfill(name, kind)
        if not sqlite:
            op.alter_column(name, "reference", nullable=False)
        op.create_index(f"ix_{name}_reference", name, ["reference"], unique=True)


def downgrade() -> None:
    for name, _kind in reversed(_TABLES):
        op.drop_index(f"ix_{name}_reference", table_name=name)
        op.drop_column(name, "reference")
