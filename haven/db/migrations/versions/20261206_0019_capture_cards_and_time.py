"""capture cards as the Convention's model (GC III Annex IV B)

- `pow_records.prisoner_number` (the card's "Prisoner No.", unique in the organisation) and
  `pow_records.rank_id` (the rank of the forces' tables that the recorded rank names, whose
  Burmese name goes on the card). Existing rows: every record is given a number
  (POW-<year of capture>-<six hex digits>); the rank is linked when the reception's rank
  has exactly the recorded English name.
- `pow_capture_cards.place_id` (the card's present address) and `coming_from_id` (the camp
  or hospital a transfer came from). Existing rows: a transfer card takes the transfer of
  its day (last of the day), a capture card the first place the prisoner was held, any
  other card the place where the prisoner was held on its date.
- `pow_medical_inspections.state_of_health` (the model card's choices) and `examined_by`.
  Existing inspections recorded no state: their cards say "not recorded", never "good".

The programme's time zone is a setting (`HAVEN_TIME_ZONE`), not a schema change.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""

import secrets
import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RECORDS = sa.table(
    "pow_records",
    sa.column("id", sa.Uuid()),
    sa.column("organisation_id", sa.Uuid()),
    sa.column("captured_on", sa.Date()),
    sa.column("place_id", sa.Uuid()),
    sa.column("prisoner_number", sa.String()),
)
TRANSFERS = sa.table(
    "pow_transfers",
    sa.column("pow_id", sa.Uuid()),
    sa.column("from_place_id", sa.Uuid()),
    sa.column("to_place_id", sa.Uuid()),
    sa.column("moved_on", sa.Date()),
    sa.column("created_at"),
)
CARDS = sa.table(
    "pow_capture_cards",
    sa.column("id", sa.Uuid()),
    sa.column("pow_id", sa.Uuid()),
    sa.column("occasion", sa.String()),
    sa.column("occasion_on", sa.Date()),
    sa.column("place_id", sa.Uuid()),
    sa.column("coming_from_id", sa.Uuid()),
)


# The columns added, and each foreign key's name and table. On SQLite they are added in
# place: rebuilding `pow_records` (Alembic's batch mode) would drop a table that every other
# table of the registry refers to, which fails while foreign keys are enforced.
ADDED: dict[str, list[tuple[str, sa.types.TypeEngine[Any], str | None]]] = {
    "pow_records": [
        ("prisoner_number", sa.String(length=40), None),
        ("rank_id", sa.Uuid(), "ranks"),
    ],
    "pow_capture_cards": [
        ("place_id", sa.Uuid(), "pow_places"),
        ("coming_from_id", sa.Uuid(), "pow_places"),
    ],
    "pow_medical_inspections": [
        ("state_of_health", sa.String(length=30), None),
        ("examined_by", sa.String(length=200), None),
    ],
}
NUMBER_INDEX = "ix_pow_records_prisoner_number"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _add_columns() -> None:
    for table, columns in ADDED.items():
        for name, kind, target in columns:
            if _sqlite():
                sql_type = kind.compile(dialect=op.get_bind().dialect)
                reference = (
                    f" CONSTRAINT fk_{table}_{name}_{target} REFERENCES {target} (id)"
                    if target
                    else ""
                )
                op.execute(f"ALTER TABLE {table} ADD COLUMN {name} {sql_type}{reference}")
                continue
            op.add_column(table, sa.Column(name, kind, nullable=True))
            if target:
                op.create_foreign_key(
                    op.f(f"fk_{table}_{name}_{target}"), table, target, [name], ["id"]
                )


def _require_prisoner_number() -> None:
    """`pow_records.prisoner_number` NOT NULL once every row has one. On SQLite the column's
    definition is edited in place (https://www.sqlite.org/lang_altertable.html, "making
    other kinds of table schema changes"): every row already satisfies the constraint."""
    if not _sqlite():
        op.alter_column(
            "pow_records", "prisoner_number", existing_type=sa.String(length=40), nullable=False
        )
        return
    bind = op.get_bind()
    sql = bind.execute(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'pow_records'")
    ).scalar_one()
    old, new = "prisoner_number VARCHAR(40)", "prisoner_number VARCHAR(40) NOT NULL"
    if sql.count(old) != 1:
        raise RuntimeError("pow_records: the prisoner_number column was not found")
    version = int(bind.execute(sa.text("PRAGMA schema_version")).scalar_one())
    bind.execute(sa.text("PRAGMA writable_schema = ON"))
    bind.execute(
        sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = :name"),
        {"sql": sql.replace(old, new), "name": "pow_records"},
    )
    bind.execute(sa.text(f"PRAGMA schema_version = {version + 1}"))
    bind.execute(sa.text("PRAGMA writable_schema = OFF"))
    problems = bind.execute(sa.text("PRAGMA quick_check(pow_records)")).scalars().all()
    if problems != ["ok"]:
        raise RuntimeError(f"pow_records: {problems}")


def upgrade() -> None:
    _add_columns()
    connection = op.get_bind()
    _number_records(connection)
    _link_ranks(connection)
    _place_cards(connection)
    _require_prisoner_number()
    op.create_index(
        NUMBER_INDEX, "pow_records", ["organisation_id", "prisoner_number"], unique=True
    )


def _number_records(connection: sa.Connection) -> None:
    given: dict[uuid.UUID, set[str]] = defaultdict(set)
    rows = connection.execute(
        sa.select(RECORDS.c.id, RECORDS.c.organisation_id, RECORDS.c.captured_on)
    ).all()
    for pow_id, organisation_id, captured_on in rows:
        number = ""
        while not number or number in given[organisation_id]:
            number = f"POW-{captured_on.year}-{secrets.token_hex(3).upper()}"
        given[organisation_id].add(number)
        connection.execute(
            sa.update(RECORDS).where(RECORDS.c.id == pow_id).values(prisoner_number=number)
        )


def _link_ranks(connection: sa.Connection) -> None:
    connection.execute(
        sa.text(
            "UPDATE pow_records SET rank_id = ("
            " SELECT ranks.id FROM reception_events"
            " JOIN ranks ON ranks.id = reception_events.rank_id"
            " WHERE reception_events.id = pow_records.reception_id"
            " AND ranks.name_en = pow_records.rank)"
        )
    )


def _place_cards(connection: sa.Connection) -> None:
    places = dict(connection.execute(sa.select(RECORDS.c.id, RECORDS.c.place_id)).all())
    moves: dict[uuid.UUID, list[tuple[date, uuid.UUID | None, uuid.UUID]]] = defaultdict(list)
    for pow_id, from_id, to_id, moved_on, _created in connection.execute(
        sa.select(
            TRANSFERS.c.pow_id,
            TRANSFERS.c.from_place_id,
            TRANSFERS.c.to_place_id,
            TRANSFERS.c.moved_on,
            TRANSFERS.c.created_at,
        ).order_by(TRANSFERS.c.moved_on, TRANSFERS.c.created_at)
    ):
        moves[pow_id].append((moved_on, from_id, to_id))
    cards = connection.execute(
        sa.select(CARDS.c.id, CARDS.c.pow_id, CARDS.c.occasion, CARDS.c.occasion_on)
    ).all()
    for card_id, pow_id, occasion, occasion_on in cards:
        done = moves.get(pow_id, [])
        first = done[0][1] if done else places.get(pow_id)
        place, coming_from = first, None
        if occasion != "capture":
            earlier = [m for m in done if m[0] <= occasion_on]
            if earlier:
                place = earlier[-1][2]
            same_day = [m for m in done if m[0] == occasion_on]
            if occasion == "transfer" and same_day:
                coming_from, place = same_day[-1][1], same_day[-1][2]
        connection.execute(
            sa.update(CARDS)
            .where(CARDS.c.id == card_id)
            .values(place_id=place, coming_from_id=coming_from)
        )


def downgrade() -> None:
    op.drop_index(NUMBER_INDEX, table_name="pow_records")
    for table, columns in reversed(ADDED.items()):
        for name, _kind, target in reversed(columns):
            if _sqlite():
                # A column's own foreign key goes with it.
                op.execute(f"ALTER TABLE {table} DROP COLUMN {name}")
                continue
            if target:
                op.drop_constraint(op.f(f"fk_{table}_{name}_{target}"), table, type_="foreignkey")
            op.drop_column(table, name)
