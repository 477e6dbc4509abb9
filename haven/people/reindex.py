"""Persons' derived values computed again by today's rules (`haven db reindex`).

A person's name keys (`name_key`, `father_key`: the name splitter's prefixes, case folding)
and the blind indexes of their NRC and service number (`nrc_index`, `service_number_index`:
`haven.kernel.keys`) are written when the values are entered. When a rule changes, the values
already stored keep the keys of the old rule until this recomputes them from the stored
names and the decrypted numbers. Erased persons are left: their key is destroyed and their
indexes are already blank.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy.orm import Session

from haven.kernel.reindexing import Recomputed, in_batches
from haven.people import repository
from haven.people.models import Person, PersonKey
from haven.people.service import set_names
from haven.security.fields import recompute_blind_indexes, unmasked


def load_person_keys(session: Session, person_ids: Iterable[uuid.UUID]) -> list[PersonKey]:
    """Load these persons' data keys in a few queries; hold the list while decrypting their
    fields (another domain's rows encrypted under them) so that no row asks for its key."""
    return repository.keys_of(session, person_ids)


def _id(person: Person) -> uuid.UUID:
    return person.id


def reindex_persons(session: Session) -> Recomputed:
    """Every person not erased: name keys and blind indexes from the stored values."""
    checked = changed = 0
    with unmasked(session):  # the numbers must be read whoever runs it, to be indexed
        for persons in in_batches(
            session, lambda after, limit: repository.live_persons_after(session, after, limit), _id
        ):
            _held = load_person_keys(session, [person.id for person in persons])
            for person in persons:
                names = (person.name_key, person.father_key)
                set_names(person)
                indexes_moved = recompute_blind_indexes(session, person)
                checked += 1
                changed += indexes_moved or (person.name_key, person.father_key) != names
    return Recomputed(checked, changed)
