"""Match profiles and blocking keys computed again by today's rules (`haven db reindex`).

A person's profile (`match_profiles`) and keys (`match_keys`) are derived from their names
(the name splitter, the phonetic keys), their blind indexes and the unit of their latest
reception, and are rebuilt whenever a person is received or changed (`service.refresh`).
When a rule changes, this rebuilds them for every person not erased, after the persons' own
indexes were recomputed (`haven.people.public.reindex_persons`). Only profiles and keys that
differ are written; no review is queued (`haven matching dedupe` finds the pairs that the new
keys bring together).
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from haven.kernel.reindexing import Recomputed, in_batches
from haven.matching import repository
from haven.matching.models import MatchProfile
from haven.matching.service import fill_profile, keys_of, profile_row
from haven.people.public import Person, live_persons_after
from haven.reception.public import latest_receptions


def _id(person: Person) -> uuid.UUID:
    return person.id


def reindex_profiles(session: Session) -> Recomputed:
    """Every person not erased: their profile and blocking keys from today's rules."""
    checked = changed = 0
    for persons in in_batches(
        session, lambda after, limit: live_persons_after(session, after, limit), _id
    ):
        ids = [person.id for person in persons]
        latest = latest_receptions(session, ids)
        profiles = repository.profiles_by_person(session, ids)
        stored = repository.keys_by_person(session, ids)
        replaced: dict[uuid.UUID, tuple[uuid.UUID, set[tuple[str, str]]]] = {}
        for person in persons:
            checked += 1
            reception = latest.get(person.id)
            row = profile_row(person, reception.origin_unit_text if reception else None)
            profile = profiles.get(person.id)
            if profile is None:
                profile = MatchProfile(person_id=person.id, organisation_id=person.organisation_id)
                session.add(profile)
            moved = fill_profile(profile, person, row)
            keys = keys_of(row)
            if keys != stored.get(person.id, set()):
                replaced[person.id] = (person.organisation_id, keys)
            changed += moved or person.id in replaced
        repository.replace_keys_of(session, replaced)
    return Recomputed(checked, changed)
