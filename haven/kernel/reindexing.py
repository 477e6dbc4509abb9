"""Recomputing stored derived values (search keys, blind indexes, match keys) after a rule
that derives them changes (`haven.text`, `haven.kernel.keys`).

Each domain that stores such a value recomputes it from the stored (decrypted) values, going
through its rows with `in_batches`; `haven.reindex` runs them all (`haven db reindex`,
revision 0024). `Recomputed` is what each reports: rows checked, rows whose value changed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.orm import Session

ROWS_PER_FLUSH = 1000
R = TypeVar("R")


@dataclass(frozen=True)
class Recomputed:
    """Rows checked, and how many of them had a derived value that changed."""

    checked: int = 0
    changed: int = 0

    def __add__(self, other: Recomputed) -> Recomputed:
        return Recomputed(self.checked + other.checked, self.changed + other.changed)


def in_batches(
    session: Session,
    fetch: Callable[[uuid.UUID | None, int], Sequence[R]],
    key: Callable[[R], uuid.UUID],
) -> Iterator[Sequence[R]]:
    """The rows `fetch(after, limit)` gives (ordered by `key`, after the key `after`), in
    batches of `ROWS_PER_FLUSH`; the session is flushed once after each batch. Rows of a
    finished batch are not held: the session's identity map forgets clean rows nobody holds,
    so memory stays flat whatever the table's size."""
    after: uuid.UUID | None = None
    while True:
        rows = fetch(after, ROWS_PER_FLUSH)
        if not rows:
            return
        yield rows
        session.flush()
        if len(rows) < ROWS_PER_FLUSH:
            return
        after = key(rows[-1])
