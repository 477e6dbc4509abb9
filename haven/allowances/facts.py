"""Reading the facts an entitlement depends on, for many persons at once.

Facts come from other domains, read through their public contracts, batched: reception
(first reception date, latest classification, rank), weapons (what was handed over, as the
stores received it: `weapons_received_by_person`), people (the
organisation, dependants), forces (the rank and its equivalent in every receiving force),
standing (`standings`: excluded, child, vetting), pathways (`current_pathways`) and
agreements (`allowance_terms_for_people`), each a few queries for a chunk of persons. No
permission check here: the allowances service has checked its actor before asking.

Rank equivalence is taken on the date the person's terms were fixed: the date the agreement
they arrived under fixed its terms, or else their first reception date. When no equivalence
was in force on that date (the table was entered later), the one in force today is used and
the line says so (`Equivalent.today`); nothing else falls back to today.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from haven.agreements.public import AllowanceTerms, allowance_terms_for_people
from haven.allowances.rules import Equivalent, Facts, RankRef, RankTable
from haven.forces.public import (
    Rank,
    equivalences_of_ranks,
    ranks_by_force,
    ranks_by_id,
    receiving_forces,
)
from haven.kernel.clock import local_today
from haven.pathways.public import current_pathways
from haven.people.public import dependants_count, persons_by_id
from haven.reception.public import receptions_by_person
from haven.standing.public import Standing, standings
from haven.weapons.public import weapons_received_by_person

CHUNK = 500


@dataclass(frozen=True)
class PersonFacts:
    facts: Facts
    terms: AllowanceTerms | None


def _chunks(ids: Sequence[uuid.UUID]) -> Iterator[list[uuid.UUID]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def held(standing: Standing) -> bool:
    """Whether nothing may be paid to the person now: an adult whose vetting is pending, or
    a person excluded (referred for accountability). A child's support is never held by
    vetting (docs/allowances.md)."""
    return standing.support_held or standing.excluded


def rank_ref(rank: Rank) -> RankRef:
    return RankRef(
        id=str(rank.id), seniority=rank.seniority, name_en=rank.name_en, name_my=rank.name_my
    )


def rank_tables(session: Session) -> dict[str, RankTable]:
    """The receiving forces' rank tables by force id: what rank bands are set on."""
    forces = receiving_forces(session)
    ranks = ranks_by_force(session, [force.id for force in forces])
    return {
        str(force.id): RankTable(
            force_id=str(force.id),
            name=force.name,
            name_my=force.name_my,
            ranks=tuple(rank_ref(rank) for rank in ranks.get(force.id, [])),
        )
        for force in forces
    }


def terms_fixed_on(terms: AllowanceTerms | None, received_on: date) -> date:
    """The date the person's rank equivalence is taken on: the date the agreement they
    arrived under fixed its terms (`AllowanceTerms.terms_on`), else their first reception
    date."""
    return terms.terms_on if terms is not None else received_on


class _Equivalences:
    """Every equivalence of the ranks of a chunk, and their target ranks, read at once."""

    def __init__(self, session: Session, rank_ids: set[uuid.UUID]) -> None:
        self.by_rank = equivalences_of_ranks(session, rank_ids)
        targets = {e.target_rank_id for found in self.by_rank.values() for e in found}
        self.targets = ranks_by_id(session, targets)
        self.receiving = {force.id for force in receiving_forces(session)}
        self.today = local_today()

    def of(self, rank: Rank, on: date) -> dict[str, Equivalent]:
        """Receiving force id -> the rank's equivalent there on `on` (today's as the named
        fallback). A rank of a receiving force is its own equivalent in that force."""
        result: dict[str, Equivalent] = {}
        if rank.force_id in self.receiving:
            result[str(rank.force_id)] = Equivalent(rank=rank_ref(rank), on=on)
        forces = {e.receiving_force_id for e in self.by_rank.get(rank.id, [])}
        for force_id in forces:
            found = self._on(rank.id, force_id, on)
            today = False
            if found is None:
                found, today = self._on(rank.id, force_id, self.today), True
            if found is not None:
                result[str(force_id)] = Equivalent(rank=rank_ref(found), on=on, today=today)
        return result

    def _on(self, rank_id: uuid.UUID, force_id: uuid.UUID, on: date) -> Rank | None:
        for equivalence in self.by_rank.get(rank_id, []):
            if equivalence.receiving_force_id != force_id or equivalence.effective_from > on:
                continue
            if equivalence.effective_to is not None and equivalence.effective_to <= on:
                continue
            return self.targets.get(equivalence.target_rank_id)
        return None


def load(session: Session, person_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, PersonFacts]:
    """Facts of every given person who has been received and not erased (others are left
    out)."""
    wanted = list(dict.fromkeys(person_ids))
    result: dict[uuid.UUID, PersonFacts] = {}
    for chunk in _chunks(wanted):
        organisations = {
            person.id: person.organisation_id
            for person in persons_by_id(session, chunk).values()
            if person.erased_at is None
        }
        standing = standings(session, chunk)
        events = receptions_by_person(session, chunk)  # each oldest first
        ranks = ranks_by_id(
            session, {e[-1].rank_id for e in events.values() if e and e[-1].rank_id is not None}
        )
        equivalences = _Equivalences(session, set(ranks))
        dependants = dependants_count(session, chunk)
        handed_over = weapons_received_by_person(session, chunk)  # docs/weapons.md
        received_ids = [p for p in chunk if p in organisations and events.get(p)]
        all_terms = allowance_terms_for_people(session, received_ids)
        pathways = current_pathways(session, received_ids)
        for person_id in chunk:
            received = events.get(person_id)
            if person_id not in organisations or not received:
                continue
            first, latest = received[0], received[-1]
            terms = all_terms.get(person_id)
            rank = ranks.get(latest.rank_id) if latest.rank_id is not None else None
            weapons: dict[str, int] = {}
            weapons_any: dict[str, int] = {}
            for item in handed_over.get(person_id, []):
                weapons_any[item.kind] = weapons_any.get(item.kind, 0) + item.quantity
                if item.serviceable is None or item.serviceable:
                    weapons[item.kind] = weapons.get(item.kind, 0) + item.quantity
            equivalents: Mapping[str, Equivalent] = (
                equivalences.of(
                    rank,
                    terms_fixed_on(terms, first.received_on),
                )
                if rank is not None
                else {}
            )
            person_standing = standing[person_id]
            facts = Facts(
                person_id=person_id,
                organisation_id=organisations[person_id],
                received_on=first.received_on,
                classification=str(latest.classification),
                rank_id=str(rank.id) if rank is not None else None,
                rank_name=rank.name_en if rank is not None else None,
                equivalents=equivalents,
                dependants=int(dependants.get(person_id, 0)),
                weapons=weapons,
                weapons_any=weapons_any,
                pathway=pathways.get(person_id),
                vetting=person_standing.vetting,
                child=person_standing.child,
                excluded=person_standing.excluded,
            )
            result[person_id] = PersonFacts(facts=facts, terms=terms)
    return result
