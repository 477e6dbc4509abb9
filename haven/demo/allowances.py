"""Demo allowances: a synthetic receiving force (its rank table and the equivalence of the
Myanmar military's ranks into it), a synthetic defection plan (published, plus a draft of the
next version) whose rank bands are set on that table, two funders sharing every component,
and the entitlements of the demo people.

All amounts are invented. Nobody is paid in the demo data: the demo vetting cases are still
undecided, and nothing is payable before vetting clears a person. Clear someone in the
vetting pages (`vetting`, then `vetting2`), then prepare a batch as `finance` and approve it
as `finance2`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from haven.accounts import repository, sessions
from haven.allowances.public import (
    create_version,
    has_versions,
    import_version,
    publish_version,
    recompute_organisation,
    save_budget_line,
    save_funder,
)
from haven.forces.public import (
    Force,
    ForceKind,
    add_equivalence,
    add_rank,
    create_force,
    ensure_reference_data,
    equivalences_of_ranks,
    force_by_name,
    ranks_of,
)
from haven.security.permissions import Actor

DEMO_RECEIVING_FORCE = "Karenni receiving force (demo)"
DEMO_RECEIVING_FORCE_MY = "ကရင်နီ လက်ခံတပ် (နမူနာ)"
# The receiving force's rank table: seniority, English, Burmese.
DEMO_RECEIVING_RANKS: list[tuple[int, str, str]] = [
    (1, "General", "ဗိုလ်ချုပ်"),
    (2, "Colonel", "ဗိုလ်မှူးကြီး"),
    (3, "Lieutenant Colonel", "ဒုတိယဗိုလ်မှူးကြီး"),
    (4, "Major", "ဗိုလ်မှူး"),
    (5, "Captain", "ဗိုလ်ကြီး"),
    (6, "Lieutenant", "ဗိုလ်"),
    (7, "Warrant officer", "အရာခံဗိုလ်"),
    (8, "Sergeant", "တပ်ကြပ်ကြီး"),
    (9, "Corporal", "တပ်ကြပ်"),
    (10, "Private", "တပ်သား"),
]
# Myanmar military seniority -> the receiving force's seniority (synthetic).
DEMO_EQUIVALENCE: dict[int, int] = {
    **dict.fromkeys(range(1, 7), 1),
    7: 2,
    8: 3,
    9: 4,
    10: 5,
    11: 6,
    12: 6,
    13: 7,
    14: 7,
    15: 8,
    16: 8,
    17: 9,
    18: 9,
    19: 10,
}
DEMO_EQUIVALENCE_FROM = date(2020, 1, 1)


def ensure_demo_receiving_force(session: Session) -> Force:
    """The demo's receiving force, its rank table and the equivalence of the Myanmar
    military's ranks into it (once; safe to run twice)."""
    system = Actor.system()
    army = ensure_reference_data(session)
    force = force_by_name(session, DEMO_RECEIVING_FORCE)
    if force is None:
        force = create_force(
            session,
            system,
            name=DEMO_RECEIVING_FORCE,
            name_my=DEMO_RECEIVING_FORCE_MY,
            kind=ForceKind.RECEIVING,
        )
    existing = {rank.seniority: rank for rank in ranks_of(session, force.id)}
    for seniority, name_en, name_my in DEMO_RECEIVING_RANKS:
        if seniority not in existing:
            existing[seniority] = add_rank(
                session,
                system,
                force_id=force.id,
                seniority=seniority,
                name_en=name_en,
                name_my=name_my,
            )
    targets = {
        source.id: existing[DEMO_EQUIVALENCE[source.seniority]]
        for source in ranks_of(session, army.id)
        if source.seniority in DEMO_EQUIVALENCE
    }
    known = equivalences_of_ranks(session, list(targets))
    for source_id, target in targets.items():
        if any(e.receiving_force_id == force.id for e in known.get(source_id, [])):
            continue
        add_equivalence(
            session,
            system,
            receiving_force_id=force.id,
            source_rank_id=source_id,
            target_rank_id=target.id,
            effective_from=DEMO_EQUIVALENCE_FROM,
        )
    return force


DEMO_PLAN: dict[str, Any] = {
    "name": "Karenni defection plan (demo)",
    "effective_from": "2024-01-01",
    "notes": "Synthetic amounts for demonstration only.",
    "components": [
        {
            "code": "defection",
            "kind": "defection_payment",
            "name_en": "Defection payment",
            "name_my": "တပ်ခွဲထွက်ချီးမြှင့်ငွေ",
            "currency": "MMK",
            "rules": {
                # Set on the receiving force's rank table: a person is banded by the
                # equivalent of their rank there (docs/allowances.md).
                "force": DEMO_RECEIVING_FORCE,
                "bands": [
                    {
                        "label": "General officer",
                        "label_my": "ဗိုလ်ချုပ်အဆင့် အရာရှိ",
                        "from": "General",
                        "to": "General",
                        "amount": 5_000_000,
                    },
                    {
                        "label": "Field officer",
                        "label_my": "ဗိုလ်မှူးအဆင့် အရာရှိ",
                        "from": "Colonel",
                        "to": "Major",
                        "amount": 2_000_000,
                    },
                    {
                        "label": "Captain",
                        "label_my": "ဗိုလ်ကြီး",
                        "from": "Captain",
                        "to": "Captain",
                        "amount": 1_000_000,
                    },
                    {
                        "label": "Junior officer",
                        "label_my": "အငယ်တန်း အရာရှိ",
                        "from": "Lieutenant",
                        "to": "Warrant officer",
                        "amount": 700_000,
                    },
                    {
                        "label": "Other ranks",
                        "label_my": "အခြားအဆင့်များ",
                        "from": "Sergeant",
                        "to": "Private",
                        "amount": 500_000,
                    },
                ],
                "default_amount": 300_000,
            },
            "eligibility": {"classifications": ["defector", "surrendered"]},
        },
        {
            "code": "stipend",
            "kind": "monthly_stipend",
            "name_en": "Monthly stipend",
            "name_my": "လစဉ်ထောက်ပံ့ငွေ",
            "currency": "THB",
            "rules": {
                "instalments": [100_000, 100_000, 100_000, 75_000, 75_000, 50_000],
                "per_dependant": 20_000,
            },
            "eligibility": {},
        },
        {
            "code": "weapons",
            "kind": "weapon_reward",
            "name_en": "Weapon reward",
            "name_my": "လက်နက်အပ်နှံချီးမြှင့်ငွေ",
            "currency": "MMK",
            "rules": {
                "rewards": {
                    "rifle": 500_000,
                    "pistol": 300_000,
                    "machine_gun": 2_000_000,
                    "grenade_launcher": 1_500_000,
                    "radio": 200_000,
                },
                "serviceable_only": True,
            },
            "eligibility": {},
        },
        {
            "code": "relocation",
            "kind": "relocation_grant",
            "name_en": "Relocation grant",
            "name_my": "ပြည်ပအခြေချထောက်ပံ့ငွေ",
            "currency": "USD",
            "rules": {"amount": 30_000},
            "eligibility": {},
        },
        {
            "code": "settlement",
            "kind": "settlement_grant",
            "name_en": "Settlement grant",
            "name_my": "နေရပ်ပြန်ထောက်ပံ့ငွေ",
            "currency": "MMK",
            "rules": {"amount": 800_000},
            "eligibility": {},
        },
    ],
}


def seed_allowances(session: Session) -> int:
    """Load the demo plan, funders and entitlements (once); the number of persons computed."""
    admin = repository.user_by_username(session, "admin")
    finance = repository.user_by_username(session, "finance")
    if admin is None or finance is None:
        return 0
    if has_versions(session, admin.organisation_id):
        return 0
    administrator = sessions.actor_for(admin)
    ensure_demo_receiving_force(session)
    version = import_version(session, administrator, DEMO_PLAN)
    publish_version(session, administrator, version)
    create_version(
        session,
        administrator,
        name="Plan revision under discussion (demo)",
        effective_from=date(2027, 1, 1),
        copy_from=version.id,
    )
    council = save_funder(session, administrator, name="Interim Executive Council treasury (demo)")
    pag = save_funder(session, administrator, name="People's Administration Group Shadaw (demo)")
    for component in DEMO_PLAN["components"]:
        code, currency = component["code"], component["currency"]
        budget = 2_000_000_000 if currency == "MMK" else 50_000_000
        save_budget_line(
            session,
            administrator,
            council,
            component_code=code,
            currency=currency,
            share_bp=7000,
            budget_minor=budget,
        )
        save_budget_line(
            session,
            administrator,
            pag,
            component_code=code,
            currency=currency,
            share_bp=3000,
            budget_minor=budget // 2,
        )
    changes = recompute_organisation(session, sessions.actor_for(finance))
    return sum(1 for c in changes if c.problem is None)
