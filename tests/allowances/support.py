"""Builders for allowances tests: an organisation with finance officers, a plan, funders and
received persons, all through the real services (synthetic data only)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.accounts.models import Organisation, Site, User
from haven.accounts.sessions import actor_for
from haven.allowances import entitlements, funders, plans
from haven.allowances.models import Funder, PlanVersion
from haven.forces.public import (
    Force,
    Rank,
    add_equivalence,
    add_rank,
    create_force,
    ensure_reference_data,
    force_by_name,
    ranks_of,
)
from haven.people.public import FamilyMemberIn, add_family_member
from haven.reception.public import ReceptionEvent
from haven.security.permissions import Actor, Role
from tests import factories as f
from tests.vetting.support import fresh_actor

SYSTEM = Actor.system()
RECEIVING_FORCE = "Receiving force (allowances tests)"
# The receiving force's rank table (seniority, English name) and, for each Myanmar military
# seniority, the receiving force's seniority it is equivalent to from 2020.
RECEIVING_RANKS = [
    (1, "General"),
    (2, "Colonel"),
    (3, "Lieutenant Colonel"),
    (4, "Major"),
    (5, "Captain"),
    (6, "Lieutenant"),
    (7, "Warrant officer"),
    (8, "Sergeant"),
    (9, "Corporal"),
    (10, "Private"),
]
ARMY_TO_RECEIVING = {
    **dict.fromkeys(range(1, 7), 1),
    **{7: 2, 8: 3, 9: 4, 10: 5, 11: 6, 12: 6, 13: 7, 14: 7},
    **{15: 8, 16: 8, 17: 9, 18: 9, 19: 10},
}

PLAN: dict[str, Any] = {
    "name": "Defection plan 2026",
    "effective_from": "2026-01-01",
    "components": [
        {
            "code": "defection",
            "kind": "defection_payment",
            "name_en": "Defection payment",
            "name_my": "တပ်ခွဲထွက်ငွေ",
            "currency": "MMK",
            "rules": {
                # On the receiving force's rank table, by name or by place in it.
                "force": RECEIVING_FORCE,
                "bands": [
                    {
                        "label": "Field officer",
                        "from": "Colonel",
                        "to": "Major",
                        "amount": 1_000_000,
                    },
                    {"label": "Captain", "from": "Captain", "to": "Captain", "amount": 500_000},
                    {"label": "Junior officer", "from": 6, "to": 7, "amount": 300_000},
                    {
                        "label": "Other ranks",
                        "from": "Sergeant",
                        "to": "Private",
                        "amount": 200_000,
                    },
                ],
            },
            "eligibility": {"classifications": ["defector", "surrendered"]},
        },
        {
            "code": "stipend",
            "kind": "monthly_stipend",
            "name_en": "Monthly stipend",
            "currency": "THB",
            "rules": {"instalments": [150_000, 150_000, 100_000], "per_dependant": 20_000},
            "eligibility": {},
        },
        {
            "code": "dependants",
            "kind": "dependant_allowance",
            "name_en": "Family allowance",
            "currency": "MMK",
            "rules": {"amount_per_dependant": 50_000, "max_dependants": 4},
            "eligibility": {},
        },
        {
            "code": "weapons",
            "kind": "weapon_reward",
            "name_en": "Weapon reward",
            "currency": "MMK",
            "rules": {"rewards": {"rifle": 300_000, "machine_gun": 1_000_000}},
            "eligibility": {},
        },
        {
            "code": "relocation",
            "kind": "relocation_grant",
            "name_en": "Relocation grant",
            "currency": "USD",
            "rules": {"amount": 30_000},
            "eligibility": {},
        },
        {
            "code": "settlement",
            "kind": "settlement_grant",
            "name_en": "Settlement grant",
            "currency": "MMK",
            "rules": {"amount": 400_000},
            "eligibility": {},
        },
    ],
}


@dataclass
class World:
    org: Organisation
    site: Site
    registrar: Actor
    admin: Actor
    maker_user: User
    checker_user: User

    def maker(self, db: Session) -> Actor:
        return fresh_actor(db, self.maker_user)

    def checker(self, db: Session) -> Actor:
        return fresh_actor(db, self.checker_user)


def receiving_force(
    db: Session,
    name: str = RECEIVING_FORCE,
    *,
    equivalence: dict[int, int] | None = None,
    effective_from: date = date(2020, 1, 1),
    effective_to: date | None = None,
) -> Force:
    """A receiving force with the rank table above and the Myanmar military's ranks'
    equivalence into it (`equivalence`: army seniority → receiving seniority), once."""
    force = force_by_name(db, name)
    if force is None:
        force = create_force(db, SYSTEM, name=name, kind="receiving", name_my=f"{name} (my)")
        for seniority, name_en in RECEIVING_RANKS:
            add_rank(db, SYSTEM, force_id=force.id, seniority=seniority, name_en=name_en)
    targets = {rank.seniority: rank.id for rank in ranks_of(db, force.id)}
    for army_seniority, target in (equivalence or ARMY_TO_RECEIVING).items():
        add_equivalence(
            db,
            SYSTEM,
            receiving_force_id=force.id,
            source_rank_id=rank_id(db, army_seniority),
            target_rank_id=targets[target],
            effective_from=effective_from,
            effective_to=effective_to,
        )
    return force


def world(db: Session) -> World:
    receiving_force(db)
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    registrar = actor_for(f.registrar(db, organisation=org, site=site))
    admin = actor_for(f.user(db, organisation=org, role=Role.ADMINISTRATOR))
    maker = f.user(db, organisation=org, role=Role.FINANCE_OFFICER)
    checker = f.user(db, organisation=org, role=Role.FINANCE_OFFICER)
    return World(org, site, registrar, admin, maker, checker)


def publish_plan(
    db: Session, w: World, data: dict[str, Any] | None = None, **changes: Any
) -> PlanVersion:
    version = plans.import_version(db, w.admin, {**(data or PLAN), **changes})
    return plans.publish(db, w.admin, version)


def fund_everything(db: Session, w: World, *, budget: int = 10**11) -> tuple[Funder, Funder]:
    """Two funders sharing every component 60/40 with large budgets."""
    first = funders.save_funder(db, w.admin, name="Karenni Interim Executive Council")
    second = funders.save_funder(db, w.admin, name="Township PAG")
    for component in PLAN["components"]:
        funders.save_budget_line(
            db,
            w.admin,
            first,
            component_code=component["code"],
            currency=component["currency"],
            share_bp=6000,
            budget_minor=budget,
        )
        funders.save_budget_line(
            db,
            w.admin,
            second,
            component_code=component["code"],
            currency=component["currency"],
            share_bp=4000,
            budget_minor=budget,
        )
    return first, second


def rank_id(db: Session, seniority: int) -> uuid.UUID:
    army = ensure_reference_data(db)
    found = db.scalar(select(Rank.id).where(Rank.force_id == army.id, Rank.seniority == seniority))
    assert found is not None
    return found


def person(
    db: Session,
    w: World,
    *,
    received_on: date = date(2026, 3, 10),
    seniority: int | None = 10,
    classification: str = "defector",
    weapons: list[dict[str, Any]] | None = None,
    dependants: int = 0,
    name: str = "Aung Kyaw",
    rank: Rank | None = None,
    birth_year: int | None = None,
) -> uuid.UUID:
    """A person received by the world's registrar: with the Myanmar military's rank of this
    seniority, or `rank` of another force; a child (`classification="child"`) with none."""
    fields: dict[str, Any] = {
        "name_latin": name,
        "classification": classification,
        "received_on": received_on.isoformat(),
        "site_id": str(w.site.id),
        "weapons": weapons or [],
    }
    if birth_year is not None:
        fields["birth_year"] = birth_year
    if rank is not None:
        fields["rank_id"], fields["origin_force_id"] = str(rank.id), str(rank.force_id)
    elif seniority is not None and classification != "child":
        fields["rank_id"] = str(rank_id(db, seniority))
    event = f.receive(db, w.registrar, **fields)
    assert isinstance(event, ReceptionEvent)
    for n in range(dependants):
        add_family_member(
            db,
            SYSTEM,
            event.person_id,
            FamilyMemberIn(relationship="child", name=f"Child {n}", age=5, is_dependant=True),
        )
    return event.person_id


def owed(db: Session, person_id: uuid.UUID) -> dict[tuple[str, int], int]:
    """(component, number) → amount owed (parts added), from the statement."""
    result: dict[tuple[str, int], int] = {}
    for line in entitlements.statement(db, SYSTEM, person_id).lines:
        key = (line.instalment.component_code, line.instalment.number)
        result[key] = result.get(key, 0) + line.instalment.amount_minor
    return result
