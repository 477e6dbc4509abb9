"""What a browser test needs, built in the test process through Haven's own services.

Each test makes its own organisation(s), sites, users and records, with names no other test
uses, and commits them to the server's database before it drives the browser; no test reads
another's records or depends on the demo data. Functions take an open session (see the
`haven` fixture's `transaction()`), keyword-only options, and flush like any service; the
caller's transaction commits. Synthetic values only.
"""

from __future__ import annotations

import secrets
import string
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from haven.accounts import mfa, sessions
from haven.accounts import service as accounts
from haven.accounts.models import Organisation, Site
from haven.accounts.schemas import UserCreate
from haven.agreements import crossing, roll
from haven.agreements import service as agreements
from haven.agreements.schemas import AgreementCreate, AgreementStatus, DeskRegistration
from haven.allowances import entitlements, funders, plans
from haven.config import Settings
from haven.db.types import utcnow
from haven.demo.allowances import DEMO_PLAN, ensure_demo_receiving_force
from haven.demo.names import MALE_SYLLABLES, PUBLIC_FIGURES, YOUNG, DemoName
from haven.demo.pathways import EXPLANATION_EN, EXPLANATION_MY
from haven.pathways import service as pathways
from haven.pathways.schemas import ConsentTextIn
from haven.pow import service as pow_registry
from haven.pow.schemas import PlaceIn
from haven.reception import service as reception
from haven.reception.importing import ImportRow
from haven.reception.schemas import ReceptionCreate
from haven.security import totp
from haven.security.permissions import Actor, Role
from tests import factories as f

PASSWORD = "browser-test-passphrase"
SYSTEM = Actor.system("browser-test")
# Real Argon2id with small costs: the server verifies any parameters a hash carries.
HASHING = Settings(
    argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1, database_url="sqlite://"
)

_USERNAME_STEMS: dict[Role, str] = {
    Role.REGISTRAR: "registrar",
    Role.CASE_WORKER: "caseworker",
    Role.VETTING_OFFICER: "vetting",
    Role.FINANCE_OFFICER: "finance",
    Role.POW_OFFICER: "pow",
    Role.NEGOTIATOR: "negotiator",
    Role.MANAGER: "manager",
    Role.AUDITOR: "auditor",
    Role.ADMINISTRATOR: "admin",
}


def tag() -> str:
    """A short random suffix that makes a test's names its own."""
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(6))


def burmese_name(*, syllables: int = 3) -> DemoName:
    """A synthetic male name of distinct random syllables (both scripts), no prefix.

    Three syllables from the demo's forty give tens of thousands of names: a search for one
    finds only the person the test made.
    """
    pool = list(MALE_SYLLABLES)
    while True:
        chosen = [pool.pop(secrets.randbelow(len(pool))) for _ in range(syllables)]
        latin = tuple(s.latin[0] for s in chosen)
        if tuple(s.casefold() for s in latin) not in PUBLIC_FIGURES:
            return DemoName(tuple(s.my for s in chosen), latin)
        pool = list(MALE_SYLLABLES)


def young_man(name: DemoName) -> DemoName:
    """The same name with the honorific of a young man (Ko, ကို)."""
    return DemoName(name.syllables_my, name.syllables_latin, YOUNG["male"])


# --- people who log in -----------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    """A user the browser logs in as: a known password and, for privileged roles, the secret
    of their authenticator app (set by the operator, as a device prepared in advance)."""

    username: str
    password: str
    totp_secret: str | None
    actor: Actor


_used_steps: dict[str, int] = {}


def totp_code(username: str, secret: str) -> str:
    """A code for now that this user has not used yet: Haven accepts each 30-second step
    once per user, so a second login in the same step takes the next one (accepted a step
    early), and a third waits for the clock. Never a past step, which a slow page might see
    expire."""
    while True:
        now = totp.step_at(utcnow())
        for step in (now, now + 1):
            if step > _used_steps.get(username, -1):
                _used_steps[username] = step
                return totp.code_for_step(secret, step)
        time.sleep(1)


def code_for(account: Account) -> str:
    assert account.totp_secret, f"{account.username} has no authenticator app"
    return totp_code(account.username, account.totp_secret)


def organisation(session: Session, *, name: str, kind: str = "interim_council") -> Organisation:
    return accounts.create_organisation(session, SYSTEM, name=name, kind=kind)


def site(
    session: Session, *, organisation: Organisation, name: str, township: str = "Demoso"
) -> Site:
    return accounts.create_site(
        session, SYSTEM, organisation_id=organisation.id, name=name, township=township
    )


def account(
    session: Session,
    *,
    organisation: Organisation,
    role: Role,
    suffix: str,
    stem: str | None = None,
    site: Site | None = None,
    authenticator: bool | None = None,
) -> Account:
    """A user `<stem>-<suffix>` (the stem defaults to the role's short name).

    `authenticator`: give the user a TOTP secret; by default exactly the roles that need a
    second factor get one. A privileged user who never logs in may go without.
    """
    username = f"{stem or _USERNAME_STEMS[role]}-{suffix}"
    user = accounts.create_user(
        session,
        SYSTEM,
        UserCreate(
            username=username,
            display_name=f"Browser {username}",
            role=role,
            site_id=site.id if site else None,
            password=PASSWORD,
        ),
        organisation_id=organisation.id,
        settings=HASHING,
    )
    secret = None
    if mfa.requires_second_factor(role) if authenticator is None else authenticator:
        secret = totp.new_secret()
        mfa.provision_totp(session, SYSTEM, user, secret=secret)
    return Account(
        username=username,
        password=PASSWORD,
        totp_secret=secret,
        actor=sessions.actor_for(user),
    )


# --- reception -------------------------------------------------------------------------------


def receive(
    session: Session,
    *,
    by: Actor = SYSTEM,
    site: Site | None = None,
    classification: str = "defector",
    name_latin: str | None = None,
    name_my: str | None = None,
    days_ago: int = 0,
    **fields: Any,
) -> uuid.UUID:
    """Receive a person (the registrar's site, or `site` for the system); their id."""
    data = {
        "name_latin": name_latin,
        "name_my": name_my,
        "classification": classification,
        "received_on": (utcnow() - timedelta(days=days_ago)).date(),
        "site_id": site.id if site else None,
        **fields,
    }
    event = reception.receive(session, by, ReceptionCreate.model_validate(data))
    return event.person_id


# --- agreements ------------------------------------------------------------------------------

_ROLL_RANKS = ("Private", "Private", "Private", "Lance Corporal", "Corporal", "Sergeant")


def _roll_rows(count: int, unit: str) -> list[ImportRow]:
    """Roll lines named like the demo's (`<two syllables> <line number>`), one rifle each."""
    rows = []
    for index in range(count):
        name = burmese_name(syllables=2)
        rows.append(
            ImportRow(
                number=index + 2,
                values={
                    "name_latin": f"{name.name_latin} {index + 1}",
                    "rank": _ROLL_RANKS[index % len(_ROLL_RANKS)],
                    "unit": unit,
                    "company": f"Coy {index % 3 + 1}",
                    "weapons": "1",
                    "family": str(index % 3),
                },
            )
        )
    return rows


def executing_agreement(
    session: Session,
    *,
    negotiator: Actor,
    approvers: Sequence[Actor],
    desk: Actor,
    site: Site,
    code_name: str,
    commander: str,
    roll_size: int = 40,
    unit: str = "LIB 901",
    arrived: int = 5,
) -> uuid.UUID:
    """An agreement finalized by two approvers and being executed at `site`, with a roll of
    `roll_size` and the first `arrived` lines already registered at `desk`; its id."""
    agreement = agreements.create(
        session,
        negotiator,
        AgreementCreate.model_validate(
            {
                "code_name": code_name,
                "site_id": str(site.id),
                "expected_crossing_on": utcnow().date().isoformat(),
                "expected_headcount": roll_size,
                "terms": {
                    "crossing_place": "Ford north of the village (synthetic)",
                    "safe_passage": "Escort from the checkpoint (synthetic)",
                    "weapons_to_hand_over": "Personal weapons (synthetic)",
                    "families_to_move": "Some relatives (synthetic)",
                },
                "notes": "Synthetic negotiation notes.",
                "parties": [{"name": commander, "rank": "Lieutenant Colonel", "unit": unit}],
            }
        ),
    )
    roll.import_roll(session, negotiator, agreement.id, _roll_rows(roll_size, unit), dry_run=False)
    agreements.transition(session, negotiator, agreement.id, AgreementStatus.NEGOTIATING)
    for approver in approvers:
        assert approver.user_id is not None
        agreements.name_approver(session, negotiator, agreement.id, approver.user_id)
    for approver in approvers:
        agreements.approve(session, f.fresh(session, approver), agreement.id)
    agreements.transition(session, negotiator, agreement.id, AgreementStatus.EXECUTING)
    for entry in roll.roll(session, negotiator, agreement.id)[:arrived]:
        crossing.register_arrival(
            session,
            desk,
            agreement.id,
            DeskRegistration.model_validate(
                {
                    "idempotency_key": str(uuid.uuid4()),
                    "desk": "Desk 1",
                    "roll_entry_id": str(entry.id),
                    "weapons": [{"kind": "rifle", "serial_number": f"SN-{entry.row_number}"}],
                    "family_moved": entry.family_expected,
                }
            ),
        )
    return agreement.id


# --- allowances ------------------------------------------------------------------------------


def published_plan(
    session: Session, *, administrator: Actor, name: str, draft_name: str
) -> uuid.UUID:
    """The demo plan's components under `name`, published, and a draft of the next version
    (`draft_name`) copied from it; the published version's id."""
    ensure_demo_receiving_force(session)  # the demo plan's rank bands are set on its table
    version = plans.import_version(session, administrator, {**DEMO_PLAN, "name": name})
    plans.publish(session, administrator, version)
    plans.create_version(
        session,
        administrator,
        name=draft_name,
        effective_from=date(utcnow().year + 1, 1, 1),
        copy_from=version.id,
    )
    return version.id


def plan_funders(session: Session, *, administrator: Actor, shares: dict[str, int]) -> None:
    """Funders (name: share in basis points) that together fund every demo plan component."""
    for name, share_bp in shares.items():
        funder = funders.save_funder(session, administrator, name=name)
        for component in DEMO_PLAN["components"]:
            currency = component["currency"]
            funders.save_budget_line(
                session,
                administrator,
                funder,
                component_code=component["code"],
                currency=currency,
                share_bp=share_bp,
                budget_minor=2_000_000_000 if currency == "MMK" else 50_000_000,
            )


def compute_entitlements(
    session: Session, *, finance: Actor, person_ids: Sequence[uuid.UUID]
) -> None:
    entitlements.recompute(session, finance, list(person_ids), reason="browser test")


# --- pathways and POW ------------------------------------------------------------------------


def explanation_texts(session: Session, *, organisation: Organisation) -> None:
    """The demo's explanation of the pathways, in English and Burmese, for this organisation."""
    for language, body in (("en", EXPLANATION_EN), ("my", EXPLANATION_MY)):
        pathways.add_consent_text(
            session,
            SYSTEM,
            ConsentTextIn(language=language, text=body),
            organisation_id=organisation.id,
        )


def pow_places(session: Session, *, officer: Actor, places: Sequence[tuple[str, str, str]]) -> None:
    """Places of internment: (name, kind, township) each."""
    for name, kind, township in places:
        pow_registry.create_place(
            session,
            officer,
            PlaceIn.model_validate({"name": name, "kind": kind, "township": township}),
        )
