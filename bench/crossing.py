"""Crossing day benchmark: a 500-person battalion registered through the real server.

    python -m bench.crossing [--people 500] [--desks 4]     (make bench-crossing)

What it does, all on synthetic data:
1. a temporary SQLCipher database with its own key file, migrated (`haven db upgrade`);
2. one organisation, one reception point, a negotiator, two named approvers, and one
   registrar (API token) per desk; two agreements in executing state, each with the same
   500-person roll imported through the roll importer;
3. the real app served by uvicorn on 127.0.0.1 (`haven serve`), in its own process;
4. baseline: one desk registers the whole roll of the first agreement;
5. crossing: four desks at once (one thread and one HTTP client each) register the second
   agreement's roll. Each person is queued at one desk; one in ten also turns up at a second
   desk (the second desk must get 409), and one submission in twenty is sent twice (a double
   click: the same idempotency key must return the same registration, 200);
6. checks: exactly one arrival per person, no reception left behind by a refused claim, and
   an exact reconciliation (500 expected, 500 arrived, 0 missing, 0 unexpected, weapons 500).

Each registration is what a desk does: a roll search as you type (POST) and the
registration (POST) with one weapon. Latency is measured per registration (both requests).
Prints a markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import queue
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import func, select

from haven.accounts import service as accounts
from haven.accounts import sessions, tokens
from haven.accounts.schemas import UserCreate
from haven.accounts.sessions import actor_for
from haven.agreements import roll, service
from haven.agreements.lifecycle import AgreementStatus
from haven.agreements.models import Arrival
from haven.agreements.schemas import AgreementCreate
from haven.config import Settings
from haven.db.engine import make_engine
from haven.db.keyring import new_key_file, read_key_file
from haven.db.session import make_session_factory, transaction
from haven.kernel.sensitivity import bind_actor
from haven.reception.models import ReceptionEvent
from haven.reception.public import ImportRow
from haven.security.permissions import Actor, Role
from haven.wiring import wire

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Setup:
    url: str
    baseline_id: uuid.UUID
    crossing_id: uuid.UUID
    desk_tokens: list[str]
    negotiator_token: str
    entries: dict[uuid.UUID, list[tuple[uuid.UUID, str]]]  # agreement -> (entry id, name)


@dataclass
class Run:
    label: str
    desks: int
    wall: float = 0.0
    latencies: list[float] = field(default_factory=list)
    created: int = 0
    replayed: int = 0
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # failed requests, sent again
    lock: threading.Lock = field(default_factory=threading.Lock)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(folder: Path) -> dict[str, str]:
    key_dir = folder / "keys"
    key_file = key_dir / "haven.key"
    new_key_file(key_file)
    return {
        **os.environ,
        "HAVEN_DATABASE_URL": f"sqlite+pysqlcipher:///{folder / 'db' / 'haven.db'}",
        "HAVEN_KEY_FILE": str(key_file),
        "HAVEN_KEY_DIR": str(key_dir),
        "HAVEN_ARGON2_MEMORY_KIB": "1024",
        "HAVEN_ARGON2_TIME_COST": "1",
    }


def _haven(args: list[str], env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "haven", *args], env=env, check=True, cwd=ROOT)  # noqa: S603


def _seed(env: dict[str, str], people: int, desks: int) -> tuple[Setup, list[str]]:
    """Organisation, users, tokens, two executing agreements with the same roll."""
    wire()  # services publish in-transaction events: every domain's handlers are loaded
    keyring = read_key_file(Path(env["HAVEN_KEY_FILE"]))
    engine = make_engine(env["HAVEN_DATABASE_URL"], keyring=keyring)
    factory = make_session_factory(engine, keyring)
    settings = Settings(argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1)
    system = Actor.system("bench")
    rng = random.Random(500)
    with transaction(factory) as session:
        bind_actor(session, system)  # the seed acts as the operator, who reads every field
        org = accounts.create_organisation(
            session, system, name="Bench council", kind="interim_council"
        )
        site = accounts.create_site(
            session, system, organisation_id=org.id, name="Bench ford", township="Demoso"
        )

        def user(name: str, role: Role, *, at_site: bool = False):  # type: ignore[no-untyped-def]
            return accounts.create_user(
                session,
                system,
                UserCreate(
                    username=name,
                    display_name=name,
                    role=role,
                    site_id=site.id if at_site else None,
                    password="bench passphrase long enough",  # noqa: S106 - synthetic bench user
                ),
                organisation_id=org.id,
                settings=settings,
            )

        negotiator_user = user("bench-negotiator", Role.NEGOTIATOR)
        managers = [user(f"bench-manager{i}", Role.MANAGER) for i in (1, 2)]
        registrars = [user(f"bench-desk{i}", Role.REGISTRAR, at_site=True) for i in range(desks)]
        negotiator = actor_for(negotiator_user)
        rows = [
            ImportRow(
                number=i + 2,
                values={
                    "name_latin": f"Bench Soldier {i:04d}",
                    "rank": rng.choice(("Private", "Private", "Lance Corporal", "Corporal")),
                    "unit": "LIB 531",
                    "company": f"Coy {i * 5 // people + 1}",
                    "weapons": "1",
                    "family": str(rng.choice((0, 0, 1, 2))),
                },
            )
            for i in range(people)
        ]
        ids = []
        entries: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = {}
        for name in ("Bench baseline", "Bench crossing"):
            agreement = service.create(
                session,
                negotiator,
                AgreementCreate.model_validate({"code_name": name, "site_id": str(site.id)}),
            )
            report = roll.import_roll(session, negotiator, agreement.id, rows, dry_run=False)
            if not report.ok:
                raise SystemExit(f"roll import failed: {report.errors[:3]}")
            service.transition(session, negotiator, agreement.id, AgreementStatus.NEGOTIATING)
            for manager in managers:
                service.name_approver(session, negotiator, agreement.id, manager.id)
            for manager in managers:  # approving needs fresh authentication: log in first
                login_token, _login = sessions.start(
                    session, manager, settings, second_factor="totp"
                )
                approver = sessions.resolve(session, login_token, settings).actor
                service.approve(session, approver, agreement.id)
            service.transition(session, negotiator, agreement.id, AgreementStatus.EXECUTING)
            ids.append(agreement.id)
            entries[agreement.id] = [
                (e.id, e.name_latin or "") for e in roll.roll(session, negotiator, agreement.id)
            ]
        desk_tokens = [tokens.issue(session, system, user=u, name="bench")[0] for u in registrars]
        negotiator_token = tokens.issue(session, system, user=negotiator_user, name="bench")[0]
    engine.dispose()
    setup = Setup(
        url="",
        baseline_id=ids[0],
        crossing_id=ids[1],
        desk_tokens=desk_tokens,
        negotiator_token=negotiator_token,
        entries=entries,
    )
    return setup, [str(i) for i in ids]


def _register(
    client: httpx.Client,
    agreement_id: uuid.UUID,
    entry_id: uuid.UUID,
    name: str,
    key: str,
) -> tuple[int, float]:
    """A desk's work for one person: search as you type, then register. Status, seconds."""
    started = time.perf_counter()
    found = client.post(f"/api/crossing/{agreement_id}/search", json={"q": name[-9:]})
    if found.status_code != 200 or str(entry_id) not in found.text:
        raise RuntimeError(f"search failed: {found.status_code}")
    answer = client.post(
        f"/api/crossing/{agreement_id}/arrivals",
        json={
            "idempotency_key": key,
            "roll_entry_id": str(entry_id),
            "weapons": [{"kind": "rifle", "serial_number": f"SN-{key[-12:]}"}],
        },
    )
    if answer.status_code >= 500:
        raise RuntimeError(f"registration failed: {answer.status_code}")
    return answer.status_code, time.perf_counter() - started


def _desk(
    setup: Setup,
    run: Run,
    agreement_id: uuid.UUID,
    token: str,
    work: queue.Queue[tuple[uuid.UUID, str, str, bool] | None],
    start: threading.Barrier,
) -> None:
    with httpx.Client(
        base_url=setup.url, headers={"Authorization": f"Bearer {token}"}, timeout=60
    ) as client:
        start.wait()
        while True:
            item = work.get()
            if item is None:
                return
            entry_id, name, key, double = item
            for _submission in range(2 if double else 1):
                _submit(client, run, agreement_id, entry_id, name, key)


def _submit(
    client: httpx.Client,
    run: Run,
    agreement_id: uuid.UUID,
    entry_id: uuid.UUID,
    name: str,
    key: str,
) -> None:
    """One desk submission. Like a real desk, a failed request (5xx, dropped connection) is
    sent again with the same idempotency key, at most three times: safe by design."""
    for attempt in range(3):
        try:
            status, seconds = _register(client, agreement_id, entry_id, name, key)
        except (httpx.HTTPError, RuntimeError) as error:
            with run.lock:
                run.failures.append(repr(error))
            if attempt == 2:
                with run.lock:
                    run.errors.append(repr(error))
            continue
        with run.lock:
            run.latencies.append(seconds)
            if status == 201:
                run.created += 1
            elif status == 200:
                run.replayed += 1
            elif status == 409:
                run.conflicts += 1
            else:
                run.errors.append(f"HTTP {status}")
        return


def _run(setup: Setup, label: str, agreement_id: uuid.UUID, desks: int, *, noisy: bool) -> Run:
    run = Run(label=label, desks=desks)
    rng = random.Random(desks)
    queues: list[queue.Queue[tuple[uuid.UUID, str, str, bool] | None]] = [
        queue.Queue() for _ in range(desks)
    ]
    people = list(setup.entries[agreement_id])
    rng.shuffle(people)
    for index, (entry_id, name) in enumerate(people):
        desk = index % desks
        double = noisy and rng.random() < 0.05
        queues[desk].put((entry_id, name, f"d{desk}-{entry_id.hex}", double))
        if noisy and desks > 1 and rng.random() < 0.10:  # also turns up at another desk
            other = (desk + 1 + rng.randrange(desks - 1)) % desks
            queues[other].put((entry_id, name, f"d{other}-{entry_id.hex}", False))
    for q in queues:
        q.put(None)
    start = threading.Barrier(desks + 1)
    threads = [
        threading.Thread(
            target=_desk,
            args=(setup, run, agreement_id, setup.desk_tokens[n], queues[n], start),
        )
        for n in range(desks)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    run.wall = time.perf_counter() - began
    return run


def _check(env: dict[str, str], setup: Setup, agreement_id: uuid.UUID, people: int) -> list[str]:
    """Exactly once and an exact reconciliation; the problems found (none: empty)."""
    problems: list[str] = []
    with httpx.Client(
        base_url=setup.url,
        headers={"Authorization": f"Bearer {setup.negotiator_token}"},
        timeout=60,
    ) as client:
        rec = client.get(f"/api/agreements/{agreement_id}/reconciliation").json()
    totals = rec["totals"]
    expected = {
        "expected": people,
        "arrived": people,
        "missing": 0,
        "unexpected": 0,
        "weapons_expected": people,
        "weapons_received": people,
    }
    for name, value in expected.items():
        if totals[name] != value:
            problems.append(f"reconciliation {name}: {totals[name]} != {value}")
    keyring = read_key_file(Path(env["HAVEN_KEY_FILE"]))
    engine = make_engine(env["HAVEN_DATABASE_URL"], keyring=keyring)
    with engine.connect() as conn:
        arrivals = conn.scalar(
            select(func.count()).select_from(Arrival).where(Arrival.agreement_id == agreement_id)
        )
        distinct = conn.scalar(
            select(func.count(func.distinct(Arrival.roll_entry_id))).where(
                Arrival.agreement_id == agreement_id
            )
        )
        receptions = conn.scalar(
            select(func.count())
            .select_from(ReceptionEvent)
            .where(ReceptionEvent.agreement_id == agreement_id)
        )
    engine.dispose()
    for name, value in (
        ("arrivals", arrivals),
        ("persons on the roll", distinct),
        ("receptions", receptions),
    ):
        if value != people:
            problems.append(f"{name}: {value} != {people}")
    return problems


def _ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--desks", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="haven-bench-crossing-") as tmp:
        folder = Path(tmp)
        env = _env(folder)
        print(f"migrating a temporary SQLCipher database in {folder} …", flush=True)
        _haven(["db", "upgrade"], env)
        os.environ.update({k: v for k, v in env.items() if k.startswith("HAVEN_")})
        setup, _ = _seed(env, args.people, args.desks)
        port = _free_port()
        log = (folder / "server.log").open("w")
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "haven", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        setup.url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"{setup.url}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.5)
            else:
                raise SystemExit((folder / "server.log").read_text())
            print("serving; baseline: one desk …", flush=True)
            baseline = _run(setup, "baseline: 1 desk", setup.baseline_id, 1, noisy=False)
            print(f"{args.desks} desks at once …", flush=True)
            crossing = _run(
                setup, f"{args.desks} desks at once", setup.crossing_id, args.desks, noisy=True
            )
            problems = []
            for run, agreement_id in ((baseline, setup.baseline_id), (crossing, setup.crossing_id)):
                problems += [f"{run.label}: {e}" for e in run.errors[:5]]
                problems += [
                    f"{run.label}: {p}" for p in _check(env, setup, agreement_id, args.people)
                ]
                if run.created != args.people:
                    problems.append(f"{run.label}: {run.created} created != {args.people}")
        finally:
            server.terminate()
            server.wait(timeout=20)
            log.close()
    load = os.getloadavg()[0]
    median = statistics.median(baseline.latencies + crossing.latencies) * 1000
    print()
    print(
        "| run | desks | people | wall time | people/min | p50 per person | p95 per person "
        "| 409 (other desk) | 200 (retry) | requests failed and resent "
        "| exactly once, reconciliation exact |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for run in (baseline, crossing):
        print(
            f"| {run.label} | {run.desks} | {run.created} | {run.wall:.1f} s "
            f"| {60 * run.created / run.wall:.0f} | {_ms(run.latencies, 0.5):.0f} ms "
            f"| {_ms(run.latencies, 0.95):.0f} ms | {run.conflicts} | {run.replayed} "
            f"| {len(run.failures)} | {'yes' if not problems else 'NO'} |"
        )
    print()
    print(
        f"speed-up of {args.desks} desks over 1: {baseline.wall / crossing.wall:.2f}x; "
        f"CPUs: {os.cpu_count()}, load average at the end: {load:.1f}; "
        f"median of all latencies: {median:.0f} ms"
    )
    if problems:
        print("PROBLEMS:", *problems, sep="\n  ")
        raise SystemExit(1)


if __name__ == "__main__":
    main()
