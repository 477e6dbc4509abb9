"""Demo agreements: one in negotiation, one being executed at the Demoso reception point with
a 40-person roll (a few already registered), and one completed with a reconciliation.

Every name, unit and place is invented. Finalization needs two different named approvers:
the demo accounts' two programme managers (`manager`, `manager2`); `manager2` is made here
too when an older demo database lacks it. Safe to run twice.
"""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy.orm import Session

from haven.accounts import mfa, sessions
from haven.accounts import repository as accounts
from haven.accounts import service as accounts_service
from haven.accounts.models import User
from haven.accounts.schemas import UserCreate
from haven.agreements import crossing, roll, service
from haven.agreements.models import Agreement
from haven.agreements.public import AgreementStatus, organisation_has_agreements
from haven.agreements.schemas import AgreementCreate, DeskRegistration
from haven.config import Settings, get_settings
from haven.db.types import utcnow
from haven.demo.accounts import DEMO_PASSWORD, DEMO_TOTP_SECRET
from haven.reception.importing import ImportRow
from haven.security.permissions import Actor, Role

GIVEN = ("Aung", "Zaw", "Kyaw", "Htet", "Min", "Naing", "Thura", "Ye", "Soe", "Hla", "Tun")
SECOND = ("Min", "Lin", "Oo", "Naing", "Htoo", "Aung", "Win", "Myint", "Zaw", "Thu", "Ko")
RANKS = ("Private", "Private", "Private", "Lance Corporal", "Corporal", "Sergeant")


def _second_approver(session: Session, settings: Settings, manager: User) -> User:
    existing = accounts.user_by_username(session, "manager2")
    if existing is not None:
        return existing
    system = Actor.system("demo")
    user = accounts_service.create_user(
        session,
        system,
        UserCreate(
            username="manager2",
            display_name="Demo Programme Manager 2",
            role=Role.MANAGER,
            password=DEMO_PASSWORD,
        ),
        organisation_id=manager.organisation_id,
        settings=settings,
    )
    if mfa.requires_second_factor(Role.MANAGER):
        mfa.provision_totp(session, system, user, secret=DEMO_TOTP_SECRET)
    return user


def _rows(rng: random.Random, count: int, unit: str) -> list[ImportRow]:
    return [
        ImportRow(
            number=i + 2,
            values={
                "name_latin": f"{rng.choice(GIVEN)} {rng.choice(SECOND)} {i + 1}",
                "rank": RANKS[rng.randrange(len(RANKS))],
                "unit": unit,
                "company": f"Coy {i % 3 + 1}",
                "weapons": "1",
                "family": str(rng.choice((0, 0, 1, 2, 3))),
            },
        )
        for i in range(count)
    ]


def _agreement(
    session: Session, negotiator: Actor, code_name: str, site_id: object, days: int
) -> Agreement:
    return service.create(
        session,
        negotiator,
        AgreementCreate.model_validate(
            {
                "code_name": code_name,
                "site_id": str(site_id),
                "expected_crossing_on": (utcnow() + timedelta(days=days)).date().isoformat(),
                "expected_headcount": 40,
                "terms": {
                    "crossing_place": "Demo ford north of the village (synthetic)",
                    "safe_passage": "Escort from the demo checkpoint (synthetic)",
                    "weapons_to_hand_over": "Personal weapons and two mortars (synthetic)",
                    "families_to_move": "About thirty relatives (synthetic)",
                },
                "notes": "Synthetic negotiation notes for the demo.",
                "parties": [
                    {"name": "Bo Demo Commander", "rank": "Lieutenant Colonel", "unit": "LIB 9xx"}
                ],
            }
        ),
    )


def _negotiate(
    session: Session, negotiator: Actor, approvers: list[User], agreement: Agreement
) -> None:
    service.transition(session, negotiator, agreement.id, AgreementStatus.NEGOTIATING)
    for user in approvers:
        service.name_approver(session, negotiator, agreement.id, user.id)


def _finalize(
    session: Session,
    negotiator: Actor,
    approvers: list[User],
    agreement: Agreement,
    settings: Settings,
) -> None:
    _negotiate(session, negotiator, approvers, agreement)
    for user in approvers:
        # Approving needs fresh authentication: each approver logs in with their demo
        # authenticator, approves, and logs out again.
        token, _login = sessions.start(session, user, settings, second_factor=mfa.TOTP)
        active = sessions.resolve(session, token, settings)
        service.approve(session, active.actor, agreement.id)
        sessions.end(session, active)


def seed_agreements(session: Session, *, seed: int = 2026, settings: Settings | None = None) -> int:
    """Create the demo agreements (none if they exist already); the number created."""
    negotiator_user = accounts.user_by_username(session, "negotiator")
    manager_user = accounts.user_by_username(session, "manager")
    registrar_user = accounts.user_by_username(session, "registrar")
    if negotiator_user is None or manager_user is None or registrar_user is None:
        return 0
    if organisation_has_agreements(session, negotiator_user.organisation_id):
        return 0
    rng = random.Random(seed)  # noqa: S311 - synthetic demo data, not a secret
    settings = settings or get_settings()
    second = _second_approver(session, settings, manager_user)
    negotiator = sessions.actor_for(negotiator_user)
    registrar = sessions.actor_for(registrar_user)
    approvers = [manager_user, second]
    site_id = registrar_user.site_id

    talking = _agreement(session, negotiator, "Operation Teak (demo)", site_id, 30)
    _negotiate(session, negotiator, approvers, talking)

    crossing_now = _agreement(session, negotiator, "Operation Bamboo (demo)", site_id, 0)
    roll.import_roll(session, negotiator, crossing_now.id, _rows(rng, 40, "LIB 901"), dry_run=False)
    _finalize(session, negotiator, approvers, crossing_now, settings)
    service.transition(session, negotiator, crossing_now.id, AgreementStatus.EXECUTING)
    for index, entry in enumerate(roll.roll(session, negotiator, crossing_now.id)[:5]):
        crossing.register_arrival(
            session,
            registrar,
            crossing_now.id,
            DeskRegistration.model_validate(
                {
                    "idempotency_key": f"demo-bamboo-{index:04d}",
                    "desk": "Demo desk 1",
                    "roll_entry_id": str(entry.id),
                    "weapons": [{"kind": "rifle", "serial_number": f"DEMO-{index:04d}"}],
                    "family_moved": entry.family_expected,
                }
            ),
        )

    done = _agreement(session, negotiator, "Operation Pine (demo)", site_id, -20)
    roll.import_roll(session, negotiator, done.id, _rows(rng, 12, "IB 902"), dry_run=False)
    _finalize(session, negotiator, approvers, done, settings)
    service.transition(session, negotiator, done.id, AgreementStatus.EXECUTING)
    for index, entry in enumerate(roll.roll(session, negotiator, done.id)[:10]):
        crossing.register_arrival(
            session,
            registrar,
            done.id,
            DeskRegistration.model_validate(
                {
                    "idempotency_key": f"demo-pine-{index:04d}",
                    "roll_entry_id": str(entry.id),
                    "weapons": [{"kind": "rifle"}] if index % 4 else [],
                }
            ),
        )
    service.transition(session, negotiator, done.id, AgreementStatus.COMPLETED)
    return 3
