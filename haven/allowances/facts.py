"""Reading the facts an entitlement depends on, for many persons at once.

Facts come from other domains, read through their published contracts or tables: reception
(first reception date, latest classification, rank, weapons handed over), people
(dependants), forces (rank seniority), vetting (`vetting_statuses`), pathways
(`current_pathway`) and agreements (`allowance_terms_for_person`). No permission check here:
the allowances service has checked its actor before asking.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from haven.agreements.terms import AllowanceTerms, allowance_terms_for_person
from haven.allowances.rules import Facts
from haven.forces.models import Rank
from haven.pathways.status import current_pathway
from haven.people.models import FamilyMember, Person
from haven.reception.models import ReceptionEvent, WeaponItem
from haven.vetting.status import vetting_statuses

CHUNK = 500


@dataclass(frozen=True)
class PersonFacts:
    facts: Facts
    terms: AllowanceTerms | None


def _chunks(ids: Sequence[uuid.UUID]) -> Iterator[list[uuid.UUID]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def load(session: Session, person_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, PersonFacts]:
    """Facts of every given person who has been received (others are left out)."""
    wanted = list(dict.fromkeys(person_ids))
    result: dict[uuid.UUID, PersonFacts] = {}
    statuses = vetting_statuses(session, wanted)
    for chunk in _chunks(wanted):
        organisations: dict[uuid.UUID, uuid.UUID] = {
            row[0]: row[1]
            for row in session.execute(
                select(Person.id, Person.organisation_id).where(
                    Person.id.in_(chunk), Person.erased_at.is_(None)
                )
            ).all()
        }
        events = session.execute(
            select(
                ReceptionEvent.person_id,
                ReceptionEvent.received_on,
                ReceptionEvent.classification,
                Rank.seniority,
                Rank.name_en,
            )
            .outerjoin(Rank, Rank.id == ReceptionEvent.rank_id)
            .where(ReceptionEvent.person_id.in_(chunk))
            .order_by(
                ReceptionEvent.person_id, ReceptionEvent.received_on, ReceptionEvent.created_at
            )
        ).all()
        first: dict[uuid.UUID, tuple[object, ...]] = {}
        latest: dict[uuid.UUID, tuple[object, ...]] = {}
        for row in events:
            first.setdefault(row[0], tuple(row))
            latest[row[0]] = tuple(row)
        dependants: dict[uuid.UUID, int] = {
            row[0]: int(row[1])
            for row in session.execute(
                select(FamilyMember.person_id, func.count())
                .where(FamilyMember.person_id.in_(chunk), FamilyMember.is_dependant.is_(True))
                .group_by(FamilyMember.person_id)
            ).all()
        }
        weapons: dict[uuid.UUID, dict[str, int]] = defaultdict(dict)
        weapons_any: dict[uuid.UUID, dict[str, int]] = defaultdict(dict)
        rows = session.execute(
            select(
                ReceptionEvent.person_id,
                WeaponItem.kind,
                or_(WeaponItem.serviceable.is_(None), WeaponItem.serviceable.is_(True)),
                func.sum(WeaponItem.quantity),
            )
            .join(ReceptionEvent, ReceptionEvent.id == WeaponItem.reception_id)
            .where(ReceptionEvent.person_id.in_(chunk))
            .group_by(
                ReceptionEvent.person_id,
                WeaponItem.kind,
                or_(WeaponItem.serviceable.is_(None), WeaponItem.serviceable.is_(True)),
            )
        ).all()
        for person_id, kind, serviceable, quantity in rows:
            weapons_any[person_id][kind] = weapons_any[person_id].get(kind, 0) + int(quantity)
            if serviceable:
                weapons[person_id][kind] = weapons[person_id].get(kind, 0) + int(quantity)
        for person_id in chunk:
            if person_id not in organisations or person_id not in first:
                continue
            _, received_on, _, _, _ = first[person_id]
            _, _, classification, seniority, rank_name = latest[person_id]
            facts = Facts(
                person_id=person_id,
                organisation_id=organisations[person_id],
                received_on=received_on,  # type: ignore[arg-type]
                classification=str(classification),
                rank_seniority=seniority,  # type: ignore[arg-type]
                rank_name=rank_name,  # type: ignore[arg-type]
                dependants=int(dependants.get(person_id, 0)),
                weapons=weapons.get(person_id, {}),
                weapons_any=weapons_any.get(person_id, {}),
                pathway=current_pathway(session, person_id),
                vetting=statuses[person_id],
            )
            result[person_id] = PersonFacts(
                facts=facts, terms=allowance_terms_for_person(session, person_id)
            )
    return result
