"""Reading the facts an entitlement depends on, for many persons at once.

Facts come from other domains, read through their public contracts, batched: reception
(first reception date, latest classification, rank, weapons handed over), people (the
organisation, dependants), forces (rank seniority), vetting (`vetting_statuses`), pathways
(`current_pathway`) and agreements (`allowance_terms_for_person`). No permission check here:
the allowances service has checked its actor before asking.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from haven.agreements.public import AllowanceTerms, allowance_terms_for_person
from haven.allowances.rules import Facts
from haven.forces.public import ranks_by_id
from haven.pathways.public import current_pathway
from haven.people.public import dependants_count, persons_by_id
from haven.reception.public import receptions_by_person, weapons_by_person
from haven.vetting.public import vetting_statuses

CHUNK = 500


@dataclass(frozen=True)
class PersonFacts:
    facts: Facts
    terms: AllowanceTerms | None


def _chunks(ids: Sequence[uuid.UUID]) -> Iterator[list[uuid.UUID]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def load(session: Session, person_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, PersonFacts]:
    """Facts of every given person who has been received and not erased (others are left
    out)."""
    wanted = list(dict.fromkeys(person_ids))
    result: dict[uuid.UUID, PersonFacts] = {}
    statuses = vetting_statuses(session, wanted)
    for chunk in _chunks(wanted):
        organisations = {
            person.id: person.organisation_id
            for person in persons_by_id(session, chunk).values()
            if person.erased_at is None
        }
        events = receptions_by_person(session, chunk)  # each oldest first
        ranks = ranks_by_id(
            session, {e[-1].rank_id for e in events.values() if e and e[-1].rank_id is not None}
        )
        dependants = dependants_count(session, chunk)
        handed_over = weapons_by_person(session, chunk)
        for person_id in chunk:
            received = events.get(person_id)
            if person_id not in organisations or not received:
                continue
            first, latest = received[0], received[-1]
            rank = ranks.get(latest.rank_id) if latest.rank_id is not None else None
            weapons: dict[str, int] = {}
            weapons_any: dict[str, int] = {}
            for item in handed_over.get(person_id, []):
                weapons_any[item.kind] = weapons_any.get(item.kind, 0) + item.quantity
                if item.serviceable is None or item.serviceable:
                    weapons[item.kind] = weapons.get(item.kind, 0) + item.quantity
            facts = Facts(
                person_id=person_id,
                organisation_id=organisations[person_id],
                received_on=first.received_on,
                classification=str(latest.classification),
                rank_seniority=rank.seniority if rank is not None else None,
                rank_name=rank.name_en if rank is not None else None,
                dependants=int(dependants.get(person_id, 0)),
                weapons=weapons,
                weapons_any=weapons_any,
                pathway=current_pathway(session, person_id),
                vetting=statuses[person_id],
            )
            result[person_id] = PersonFacts(
                facts=facts, terms=allowance_terms_for_person(session, person_id)
            )
    return result
