"""The queries of references: which drawn values a table already holds; a record by its
reference within the actor's scope."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from haven.kernel.repository import Repository
from haven.security.permissions import Actor

M = TypeVar("M")

_BATCH = 500


def taken(session: Session, column: InstrumentedAttribute[Any], values: Sequence[str]) -> set[str]:
    """The values among `values` already in `column` (any organisation: unique per table)."""
    found: set[str] = set()
    for start in range(0, len(values), _BATCH):
        chunk = values[start : start + _BATCH]
        found.update(session.scalars(select(column).where(column.in_(chunk))))
    return found


def readable_by_reference(records: Repository[M], actor: Actor, reference: str) -> M | None:
    """The record with that reference among those the actor may know exist (one
    organisation's, and one site's for site-bound roles), or None."""
    query = records.readable(actor).where(records.model.reference == reference)
    return records.first(query)
