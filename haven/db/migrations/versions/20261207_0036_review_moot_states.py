"""review groups: reviews closed as moot by transitivity

An undecided pair review that other decisions answer (its two people became one person, or
one of them became one person with someone decided not to be the other) is closed without a
reviewer: two new states, `moot_linked` and `moot_not_same`, and `closed_by_id`, the review
whose decision made it moot (`haven.matching.transitive`). The existing states keep their
meaning. Both engines.

On SQLite the CHECK constraint's text is edited in place, as in migration 0016: rebuilding
`match_reviews` (Alembic's batch mode) would drop a table that `match_merges` refers to.

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None

TABLE = "match_reviews"
STATES_BEFORE = "state IN ('open', 'awaiting_second', 'linked', 'not_same')"
STATES_AFTER = (
    "state IN ('open', 'awaiting_second', 'linked', 'not_same', 'moot_linked', 'moot_not_same')"
)
FK = "fk_match_reviews_closed_by_id_match_reviews"
INDEX = "ix_match_reviews_closed_by_id"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _rewrite_sqlite_check(old: str, new: str) -> None:
    """Change the state CHECK of `match_reviews` in place on SQLite (see migration 0016:
    a CHECK constraint's text changes nothing stored on disk)."""
    bind = op.get_bind()
    sql = bind.execute(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :name"),
        {"name": TABLE},
    ).scalar_one()
    if old not in sql:
        raise RuntimeError(f"{TABLE}: the constraint to change was not found: {old}")
    version = int(bind.execute(sa.text("PRAGMA schema_version")).scalar_one())
    bind.execute(sa.text("PRAGMA writable_schema = ON"))
    bind.execute(
        sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = :name"),
        {"sql": sql.replace(old, new), "name": TABLE},
    )
    bind.execute(sa.text(f"PRAGMA schema_version = {version + 1}"))
    bind.execute(sa.text("PRAGMA writable_schema = OFF"))
    problems = bind.execute(sa.text(f"PRAGMA quick_check({TABLE})")).scalars().all()
    if problems != ["ok"]:
        raise RuntimeError(f"{TABLE}: {problems}")


def upgrade() -> None:
    if _sqlite():
        op.execute(
            f"ALTER TABLE {TABLE} ADD COLUMN closed_by_id CHAR(32) "
            f"CONSTRAINT {FK} REFERENCES {TABLE} (id)"
        )
        _rewrite_sqlite_check(STATES_BEFORE, STATES_AFTER)
    else:
        op.add_column(TABLE, sa.Column("closed_by_id", sa.Uuid(), nullable=True))
        op.create_foreign_key(op.f(FK), TABLE, TABLE, ["closed_by_id"], ["id"])
        op.drop_constraint(op.f("ck_match_reviews_state"), TABLE, type_="check")
        op.create_check_constraint(op.f("ck_match_reviews_state"), TABLE, STATES_AFTER)
    op.create_index(op.f(INDEX), TABLE, ["closed_by_id"])


def downgrade() -> None:
    bind = op.get_bind()
    closed = bind.execute(
        sa.text(
            f"SELECT count(*) FROM {TABLE} "  # noqa: S608 - a constant table name
            "WHERE state IN ('moot_linked', 'moot_not_same')"
        )
    ).scalar()
    if closed:
        raise RuntimeError(
            f"{closed} reviews were closed as moot: the previous schema cannot record them, "
            "so this downgrade would lose them."
        )
    op.drop_index(op.f(INDEX), table_name=TABLE)
    if _sqlite():
        op.execute(f"ALTER TABLE {TABLE} DROP COLUMN closed_by_id")
        _rewrite_sqlite_check(STATES_AFTER, STATES_BEFORE)
        return
    op.drop_constraint(op.f(FK), TABLE, type_="foreignkey")
    op.drop_column(TABLE, "closed_by_id")
    op.drop_constraint(op.f("ck_match_reviews_state"), TABLE, type_="check")
    op.create_check_constraint(op.f("ck_match_reviews_state"), TABLE, STATES_BEFORE)
