"""Roll entries' derived values computed again by today's rules (`haven db reindex`).

A roll entry's name is encrypted under its agreement's key; a person linked after the
crossing finds their entry by `name_index`, the blind index of the name key
(`haven.kernel.keys.name_key`: the name splitter's prefixes, case folding). When the rule
changes, this recomputes the index from the decrypted names. Entries whose person was erased
are left: their names and index are blank.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from haven.agreements import repository
from haven.agreements.models import RollEntry
from haven.agreements.roll import name_index_of
from haven.kernel.reindexing import Recomputed, in_batches
from haven.security.fields import unmasked


def _id(entry: RollEntry) -> uuid.UUID:
    return entry.id


def reindex_roll_entries(session: Session) -> Recomputed:
    """Every roll entry not erased: its name index from the stored names."""
    checked = changed = 0
    with unmasked(session):  # the names must be read whoever runs it, to be indexed
        for entries in in_batches(
            session,
            lambda after, limit: repository.live_roll_entries_after(session, after, limit),
            _id,
        ):
            for entry in entries:
                checked += 1
                index = name_index_of(session, entry.name_latin, entry.name_my)
                if entry.name_index != index:
                    entry.name_index = index
                    changed += 1
    return Recomputed(checked, changed)
