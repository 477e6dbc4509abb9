"""Demo allowances: a synthetic defection plan (published, plus a draft of the next version),
two funders sharing every component, and the entitlements of the demo people.

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
                "bands": [
                    {"label": "General officer", "from": 1, "to": 6, "amount": 5_000_000},
                    {"label": "Field officer", "from": 7, "to": 9, "amount": 2_000_000},
                    {"label": "Captain", "from": 10, "to": 10, "amount": 1_000_000},
                    {"label": "Junior officer", "from": 11, "to": 14, "amount": 700_000},
                    {"label": "Other ranks", "from": 15, "to": 19, "amount": 500_000},
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
