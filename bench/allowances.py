"""Benchmark: compute entitlements and prepare, submit and approve one payment batch for
10,000 people through the service layer, against a 1,000-person baseline in the same run.

    python -m bench.allowances [--people 10000] [--baseline 1000] [--postgres URL]

Setup (not timed) writes the minimum facts with bulk inserts into a fresh SQLCipher database
(or a PostgreSQL database given by URL): synthetic persons, a reception event each with a
rank, some dependants and weapons, and a decided vetting case (cleared) each — the vetting
workflow itself is not what is measured here. The plan, funders and users go through the
services. Timed:

1. the job `allowances.recompute` (what "Recompute everyone" starts for more than a few
   hundred people): run by the job runner in this process, a part of the persons per step,
   each step committed with the job's progress;
2. (the instalments and ledger legs it wrote are then deleted, untimed, so that the same
   work can be measured again) `entitlements.recompute` for everyone in one transaction
   (facts read in a few queries a chunk, plan applied, instalments and ledger legs written
   in bulk, one audit event per 1,000 persons);
3. the job `allowances.prepare_batch` (what "Add due instalments" starts for more than a
   few hundred people) filling a new batch, a part of the persons per step (its items are
   then deleted, untimed);
4. `batches.create_batch` + `add_due` + `submit` by the maker, then `approve` by a second
   finance officer with a fresh login (vetting re-checked, budgets checked), in one
   transaction.

Prints a markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.orm import Session, sessionmaker

from haven.accounts import service as accounts
from haven.accounts import sessions
from haven.accounts.models import User
from haven.accounts.schemas import UserCreate
from haven.allowances.models import Instalment, LedgerEntry, PaymentItem
from haven.allowances.public import (
    add_due,
    approve,
    create_batch,
    import_version,
    publish_version,
    recompute,
    save_budget_line,
    save_funder,
    submit,
)
from haven.config import Settings
from haven.db.engine import make_engine
from haven.db.keyring import Keyring
from haven.db.migrate import upgrade
from haven.db.session import make_session_factory, transaction
from haven.db.types import new_id
from haven.demo.allowances import DEMO_PLAN, ensure_demo_receiving_force
from haven.forces import service as forces
from haven.forces.models import Rank
from haven.jobs import public as jobs
from haven.jobs.runner import Runner
from haven.kernel.sensitivity import bind_actor
from haven.people.models import FamilyMember, Person
from haven.reception.models import ReceptionEvent, WeaponItem
from haven.security.permissions import Actor, Role
from haven.vetting.models import VettingCase
from haven.wiring import wire
from tests.postgres import create_database

SETTINGS = Settings(database_url="sqlite://", argon2_time_cost=1, argon2_memory_kib=1024)
SYSTEM = Actor.system("bench")
PASSWORD = "bench passphrase long enough"  # noqa: S105 - synthetic bench users only


@dataclass
class Figures:
    people: int
    instalments: int
    items: int
    job_s: float
    job_steps: int
    compute_s: float
    batch_job_s: float
    batch_steps: int
    batch_s: float


def _timed(action: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def _user(session: Session, org: uuid.UUID, name: str) -> User:
    return accounts.create_user(
        session,
        SYSTEM,
        UserCreate(
            username=name,
            display_name=name,
            role=Role.FINANCE_OFFICER,
            site_id=None,
            password=PASSWORD,
            language="en",
        ),
        organisation_id=org,
        settings=SETTINGS,
    )


def _setup(factory: sessionmaker[Session], people: int) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """Organisation, users, plan, funders (services); persons and facts (bulk)."""
    rng = random.Random(people)
    now = datetime.now(UTC)
    with transaction(factory) as session:
        bind_actor(session, SYSTEM)  # the setup acts as the operator, who reads every field
        org = accounts.create_organisation(
            session, SYSTEM, name="Bench org", kind="interim_council"
        )
        site = accounts.create_site(session, SYSTEM, organisation_id=org.id, name="Bench site")
        _user(session, org.id, "bench.maker")
        _user(session, org.id, "bench.checker")
        admin = Actor.system("bench-admin")
        ensure_demo_receiving_force(session)  # the demo plan's bands are set on its table
        version = import_version(session, admin, DEMO_PLAN, organisation_id=org.id)
        publish_version(session, admin, version)
        for name, share in (("Bench funder A", 6000), ("Bench funder B", 4000)):
            funder = save_funder(session, admin, name=name, organisation_id=org.id)
            for component in DEMO_PLAN["components"]:
                save_budget_line(
                    session,
                    admin,
                    funder,
                    component_code=component["code"],
                    currency=component["currency"],
                    share_bp=share,
                    budget_minor=10**12,
                )
        army = forces.ensure_reference_data(session)
        rank_ids = list(session.scalars(select(Rank.id).where(Rank.force_id == army.id)).all())
        ids = [new_id() for _ in range(people)]
        rows_person, rows_event, rows_family, rows_weapon, rows_case = [], [], [], [], []
        for n, pid in enumerate(ids):
            rows_person.append(
                {
                    "id": pid,
                    "organisation_id": org.id,
                    "site_id": site.id,
                    "name_latin": f"Bench Person {n}",
                    "name_key": f"bench person {n}",
                    "aliases": [],
                    "languages": [],
                    "skills": [],
                    "weapon_specialisations": [],
                    "birth_approximate": False,
                    "sex": "male",
                    "created_at": now,
                    "updated_at": now,
                }
            )
            event_id = new_id()
            rows_event.append(
                {
                    "id": event_id,
                    "person_id": pid,
                    "organisation_id": org.id,
                    "site_id": site.id,
                    "classification": "defector",
                    "received_on": date(2026, 1, 1) + timedelta(days=rng.randrange(300)),
                    "rank_id": rng.choice(rank_ids),
                    "origin_force_id": army.id,
                    "legal_basis": "public_interest",
                    "terms_signed": True,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            for _ in range(rng.randrange(4)):
                rows_family.append(
                    {
                        "id": new_id(),
                        "person_id": pid,
                        "organisation_id": org.id,
                        "relationship": "child",
                        "is_dependant": True,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            if rng.random() < 0.6:
                rows_weapon.append(
                    {
                        "id": new_id(),
                        "reception_id": event_id,
                        "organisation_id": org.id,
                        "site_id": site.id,
                        "kind": rng.choice(["rifle", "pistol", "machine_gun"]),
                        "quantity": 1,
                        "serviceable": True,
                        "receipt_number": f"WR-B-{n}",
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            rows_case.append(
                {
                    "id": new_id(),
                    "person_id": pid,
                    "organisation_id": org.id,
                    "state": "decided",
                    "outcome": "cleared",
                    "state_changed_at": now,
                    "decided_at": now,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        for model, rows in (
            (Person, rows_person),
            (ReceptionEvent, rows_event),
            (FamilyMember, rows_family),
            (WeaponItem, rows_weapon),
            (VettingCase, rows_case),
        ):
            for start in range(0, len(rows), 2000):
                session.execute(insert(model), rows[start : start + 2000])
        return org.id, ids


def _actor(session: Session, username: str) -> Actor:
    """The user as a request's actor, bound to the session as a request's login binds it."""
    user = session.scalars(select(User).where(User.username == username)).one()
    token, _ = sessions.start(session, user, SETTINGS, second_factor="totp")
    actor = sessions.resolve(session, token, SETTINGS).actor
    bind_actor(session, actor)
    return actor


def run(engine: Engine, keyring: Keyring | None, people: int) -> Figures:
    factory = make_session_factory(engine, keyring)
    _, ids = _setup(factory, people)

    def as_job() -> int:
        with transaction(factory) as session:
            jobs.enqueue(
                session, _actor(session, "bench.maker"), "allowances.recompute", {}, total=people
            )
        [outcome] = Runner(factory).run_pending()
        assert outcome.state == "done", outcome
        return outcome.steps

    job_steps, job_s = _timed(as_job)
    with transaction(factory) as session:  # untimed: the same work again, in one transaction
        session.execute(delete(LedgerEntry))
        session.execute(delete(Instalment))

    def compute() -> int:
        with transaction(factory) as session:
            changes = recompute(session, _actor(session, "bench.maker"), ids)
            return sum(len(c.changes) for c in changes)

    instalments, compute_s = _timed(compute)

    def batch() -> int:
        with transaction(factory) as session:
            maker = _actor(session, "bench.maker")
            made = create_batch(session, maker, title="Bench batch", currency="MMK")
            added = add_due(session, maker, made, due_by=date(2027, 12, 31))
            submit(session, maker, made)
            approve(session, _actor(session, "bench.checker"), made)
            return added.added

    def batch_as_job() -> int:
        with transaction(factory) as session:
            maker = _actor(session, "bench.maker")
            made = create_batch(session, maker, title="Bench job batch", currency="MMK")
            payload = {"batch_id": str(made.id), "due_by": "2027-12-31"}
            jobs.enqueue(session, maker, "allowances.prepare_batch", payload, total=people)
            batch_id = made.id
        [outcome] = Runner(factory).run_pending()
        assert outcome.state == "done", outcome
        with transaction(factory) as session:  # untimed: the same instalments again below
            session.execute(delete(PaymentItem).where(PaymentItem.batch_id == batch_id))
        return outcome.steps

    batch_steps, batch_job_s = _timed(batch_as_job)
    items, batch_s = _timed(batch)
    return Figures(
        people, instalments, items, job_s, job_steps, compute_s, batch_job_s, batch_steps, batch_s
    )


def _database(label: str, postgres: str | None, folder: Path) -> tuple[str, Keyring | None]:
    if postgres:
        return create_database(postgres, f"haven_bench_{label}"), None
    return f"sqlite+pysqlcipher:///{folder / (label + '.db')}", Keyring(root=os.urandom(32))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--baseline", type=int, default=1_000)
    parser.add_argument("--postgres", help="an admin URL of a PostgreSQL server to use instead")
    args = parser.parse_args()
    wire()  # the job kinds
    figures = []
    with tempfile.TemporaryDirectory(prefix="haven-bench-") as folder:
        for people in (args.baseline, args.people):
            url, keyring = _database(f"p{people}", args.postgres, Path(folder))
            engine = make_engine(url, keyring=keyring)
            upgrade(url, engine, keyring=keyring)
            figures.append(run(engine, keyring, people))
            engine.dispose()
    engine_name = "PostgreSQL" if args.postgres else "SQLCipher"
    base = figures[0]
    print(
        "| people | engine | instalments computed | entitlements as a job (s, steps) "
        "| entitlements in one transaction (s) | per person (ms) "
        "| batch items | batch prepared as a job (s, steps) | prepare + submit + approve (s) "
        f"| ratio to {base.people:,} (job, batch) |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for f in figures:
        print(
            f"| {f.people:,} | {engine_name} | {f.instalments:,} | {f.job_s:.1f} ({f.job_steps}) "
            f"| {f.compute_s:.1f} | {1000 * f.job_s / f.people:.2f} | {f.items:,} "
            f"| {f.batch_job_s:.1f} ({f.batch_steps}) | {f.batch_s:.1f} "
            f"| {f.job_s / base.job_s:.1f}×, {f.batch_s / base.batch_s:.1f}× |"
        )


if __name__ == "__main__":
    main()
