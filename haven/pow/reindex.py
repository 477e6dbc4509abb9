"""Prisoners' derived values computed again by today's rules (`haven db reindex`).

A prisoner-of-war record's service number is indexed for exact search
(`service_number_index`, by `haven.kernel.keys.canonical_service_number`) when it is entered;
when the rule changes, this recomputes the index from the decrypted number. Records of erased
persons are left: the key under which the number was encrypted is destroyed.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from haven.kernel.reindexing import Recomputed, in_batches
from haven.people.public import load_person_keys
from haven.pow import repository
from haven.pow.models import PowRecord
from haven.security.fields import recompute_blind_indexes, unmasked


def _id(record: PowRecord) -> uuid.UUID:
    return record.id


def reindex_prisoner_records(session: Session) -> Recomputed:
    """Every record of a person not erased: its blind indexes from the stored values."""
    checked = changed = 0
    with unmasked(session):  # the number must be read whoever runs it, to be indexed
        for records in in_batches(
            session, lambda after, limit: repository.live_records_after(session, after, limit), _id
        ):
            _held = load_person_keys(session, [record.person_id for record in records])
            for record in records:
                checked += 1
                changed += recompute_blind_indexes(session, record)
    return Recomputed(checked, changed)
