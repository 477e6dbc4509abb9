"""allowances: rank bands on a receiving force's table; a child's support to a guardian or in kind

- `allowance_plan_components`: a defection payment's rank bands were raw seniority numbers,
  which mean different ranks in different forces. They are now set on a receiving force's
  rank table (`rules.force_id`, and each band's `from_rank_id`/`to_rank_id`; `from`/`to`
  stay as the places of those ranks in that table). Existing bands are mapped to the
  receiving force whose table has a rank at every place they name (the first such force by
  name), each band to that force's ranks of the same seniority. Where no receiving force's
  table has them all, the component is left as it was: its bands name no receiving force,
  and a recomputation says so instead of paying by raw seniority (docs/allowances.md).
- `allowance_disbursements`: `method` may be `in_kind`; `recipient` (`person`, or `guardian`
  for a child, who is never handed cash) and `guardian_id` (the family member who received
  it). Existing rows were paid to the person (`recipient = 'person'`). On SQLite the columns
  are added in place and the `method` constraint is edited in the table's definition rather
  than by rebuilding the table, which ledger entries and reversals refer to (see
  `_rewrite_sqlite_schema`).

Downgrade removes the receiving-force references from the bands (their places stay) and the
two columns; it refuses while any payment was made in kind or to a guardian, which the
previous schema cannot record.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "allowance_disbursements"
METHODS_BEFORE = "method IN ('cash', 'mobile_money', 'bank', 'hawala')"
METHODS_AFTER = "method IN ('cash', 'mobile_money', 'bank', 'hawala', 'in_kind')"
RECIPIENT = "recipient IN ('person', 'guardian')"
GUARDIAN_NAMED = "(recipient = 'guardian') = (guardian_id IS NOT NULL)"

COMPONENTS = sa.table(
    "allowance_plan_components",
    sa.column("id", sa.Uuid()),
    sa.column("kind", sa.String()),
    sa.column("rules", sa.JSON()),
)
FORCES = sa.table(
    "forces",
    sa.column("id", sa.Uuid()),
    sa.column("name", sa.String()),
    sa.column("is_receiving", sa.Boolean()),
)
RANKS = sa.table(
    "ranks",
    sa.column("id", sa.Uuid()),
    sa.column("force_id", sa.Uuid()),
    sa.column("seniority", sa.Integer()),
)


def _defection_components() -> list[tuple[uuid.UUID, dict[str, Any]]]:
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(COMPONENTS.c.id, COMPONENTS.c.rules).where(
            COMPONENTS.c.kind == "defection_payment"
        )
    )
    return [(row.id, dict(row.rules or {})) for row in rows]


def _receiving_tables() -> list[tuple[uuid.UUID, dict[int, uuid.UUID]]]:
    """Each receiving force (by name) with its ranks by seniority."""
    bind = op.get_bind()
    forces = bind.execute(
        sa.select(FORCES.c.id).where(FORCES.c.is_receiving.is_(True)).order_by(FORCES.c.name)
    ).all()
    tables: list[tuple[uuid.UUID, dict[int, uuid.UUID]]] = []
    for (force_id,) in forces:
        ranks = bind.execute(
            sa.select(RANKS.c.seniority, RANKS.c.id).where(RANKS.c.force_id == force_id)
        ).all()
        tables.append((force_id, {int(seniority): rank_id for seniority, rank_id in ranks}))
    return tables


def _map_bands() -> None:
    bind = op.get_bind()
    tables = _receiving_tables()
    for component_id, rules in _defection_components():
        bands = rules.get("bands")
        if rules.get("force_id") or not isinstance(bands, list) or not bands:
            continue
        places = {band.get(end) for band in bands for end in ("from", "to")}
        chosen = next(
            ((force_id, ranks) for force_id, ranks in tables if places <= set(ranks)), None
        )
        if chosen is None:
            continue  # no receiving force has these places: the bands stay unmapped
        force_id, ranks = chosen
        mapped = [
            {
                **band,
                "from_rank_id": str(ranks[band["from"]]),
                "to_rank_id": str(ranks[band["to"]]),
            }
            for band in bands
        ]
        bind.execute(
            COMPONENTS.update()
            .where(COMPONENTS.c.id == component_id)
            .values(rules={**rules, "force_id": str(force_id), "bands": mapped})
        )


def _unmap_bands() -> None:
    bind = op.get_bind()
    for component_id, rules in _defection_components():
        if "force_id" not in rules:
            continue
        bands = [
            {k: v for k, v in band.items() if k not in ("from_rank_id", "to_rank_id")}
            for band in rules.get("bands", [])
        ]
        kept = {k: v for k, v in rules.items() if k != "force_id"}
        bind.execute(
            COMPONENTS.update()
            .where(COMPONENTS.c.id == component_id)
            .values(rules={**kept, "bands": bands})
        )


def _rewrite_sqlite_schema(old: str, new: str) -> None:
    """Change a CHECK constraint of `allowance_disbursements` in place on SQLite.

    Rebuilding the table (Alembic's batch mode) drops it, and dropping a table that ledger
    entries and reversals refer to fails on a database with payments while foreign keys are
    enforced, which cannot be switched off inside the migration's transaction. A CHECK
    constraint's text changes nothing stored on disk, so SQLite's documented procedure for
    such changes is used instead (https://www.sqlite.org/lang_altertable.html, "making other
    kinds of table schema changes"): edit the table's definition and bump the schema version.
    """
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


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    if _sqlite():
        # Columns are added in place (their CHECK constraints with them): existing rows were
        # paid to the person. See `_rewrite_sqlite_schema` for why the table is not rebuilt.
        op.execute(
            f"ALTER TABLE {TABLE} ADD COLUMN recipient VARCHAR(20) DEFAULT 'person' NOT NULL "
            f"CONSTRAINT ck_{TABLE}_recipient CHECK ({RECIPIENT})"
        )
        op.execute(
            f"ALTER TABLE {TABLE} ADD COLUMN guardian_id CHAR(32) "
            f"CONSTRAINT ck_{TABLE}_guardian_named CHECK ({GUARDIAN_NAMED})"
        )
        _rewrite_sqlite_schema(METHODS_BEFORE, METHODS_AFTER)
    else:
        with op.batch_alter_table(TABLE, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "recipient", sa.String(length=20), server_default="person", nullable=False
                )
            )
            batch_op.add_column(sa.Column("guardian_id", sa.Uuid(), nullable=True))
            batch_op.drop_constraint(op.f(f"ck_{TABLE}_method"), type_="check")
            batch_op.create_check_constraint(op.f(f"ck_{TABLE}_method"), METHODS_AFTER)
            batch_op.create_check_constraint(op.f(f"ck_{TABLE}_recipient"), RECIPIENT)
            batch_op.create_check_constraint(op.f(f"ck_{TABLE}_guardian_named"), GUARDIAN_NAMED)
    _map_bands()


def downgrade() -> None:
    bind = op.get_bind()
    unrecordable = bind.execute(
        sa.text(
            f"SELECT count(*) FROM {TABLE} "  # noqa: S608 - a constant table name
            "WHERE method = 'in_kind' OR recipient <> 'person'"
        )
    ).scalar()
    if unrecordable:
        raise RuntimeError(
            f"{unrecordable} payments were made in kind or to a guardian: the previous schema "
            "cannot record them, so this downgrade would lose them."
        )
    _unmap_bands()
    if _sqlite():
        # Each column's CHECK constraint goes with it; guardian_id's names recipient, so first.
        op.execute(f"ALTER TABLE {TABLE} DROP COLUMN guardian_id")
        op.execute(f"ALTER TABLE {TABLE} DROP COLUMN recipient")
        _rewrite_sqlite_schema(METHODS_AFTER, METHODS_BEFORE)
        return
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f"ck_{TABLE}_guardian_named"), type_="check")
        batch_op.drop_constraint(op.f(f"ck_{TABLE}_recipient"), type_="check")
        batch_op.drop_constraint(op.f(f"ck_{TABLE}_method"), type_="check")
        batch_op.create_check_constraint(op.f(f"ck_{TABLE}_method"), METHODS_BEFORE)
        batch_op.drop_column("guardian_id")
        batch_op.drop_column("recipient")
