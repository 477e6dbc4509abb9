"""Tables read as they are stored, whatever domain they belong to (backups and restores)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Connection, CursorResult, MetaData, Table, func, select

# Alembic's own bookkeeping: a restored database gets it from the migrations instead.
SKIPPED_TABLES = frozenset({"alembic_version"})


def data_tables(connection: Connection) -> list[Table]:
    """Every table of the database as it is (reflected), parents before children."""
    metadata = MetaData()
    metadata.reflect(connection)
    return [t for t in metadata.sorted_tables if t.name not in SKIPPED_TABLES]


def rows_in_key_order(connection: Connection, table: Table, *, batch: int) -> CursorResult[Any]:
    """Every row of `table` by its primary key (or all its columns), `batch` rows at a time."""
    order = list(table.primary_key.columns) or list(table.columns)
    return connection.execution_options(yield_per=batch).execute(select(table).order_by(*order))


def highest(connection: Connection, column: Column[Any]) -> Any:
    """The largest value in `column`, or None for an empty table."""
    return connection.execute(select(func.max(column))).scalar()
