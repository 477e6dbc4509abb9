"""Crossing day benchmark: a 500-person battalion registered through the real server.

    python -m bench.crossing [--people 500] [--desks 4] [--postgres [ADMIN_URL]]
                                                            (make bench-crossing)

What it does, all on synthetic data:
1. a temporary SQLCipher database with its own key file, migrated (`haven db upgrade`); with
   --postgres a database on a throw-away PostgreSQL cluster on loopback (tests/postgres.py,
   the suite's settings) or on the server of the admin URL given;
2. two organisations, one for each run (so that the duplicate check of one run never meets
   the other's people), each with a reception point, a negotiator, two named approvers, one
   registrar (API token) per desk, and an agreement in executing state with the same
   500-person roll imported through the roll importer: distinct three-syllable Myanmar names
   (--numbered-names: "Bench Soldier NNNN", as before 6 December 2026, which the duplicate
   check takes for one another);
3. the real app served by uvicorn on 127.0.0.1 (`haven serve`), in its own process;
4. baseline: one desk registers the whole roll of the first agreement;
5. crossing: four desks at once (one thread and one HTTP client each) register the second
   agreement's roll. Each person is queued at one desk; one in ten also turns up at a second
   desk (the second desk must get 409), and one submission in twenty is sent twice (a double
   click: the same idempotency key must return the same registration, 200);
6. checks: exactly one arrival per person, no reception left behind by a refused claim, and
   an exact reconciliation (500 expected, 500 arrived, 0 missing, 0 unexpected, weapons 500).

Each registration is what a desk does: a roll search as you type (POST) and the
registration (POST) with one weapon. Latency is measured per registration (both requests),
and the server's CPU time per run (how busy its Python processes were). --processes N
serves with N server processes (`haven serve --processes N`; their CPU time is counted
together). --requests-begin-immediate serves as before short write transactions (every
request's transaction begins IMMEDIATE on SQLite), for a comparison in the same session.
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
from tests.postgres import create_database, throwaway_cluster

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Setup:
    url: str
    baseline_id: uuid.UUID
    crossing_id: uuid.UUID
    desk_tokens: dict[uuid.UUID, list[str]]  # agreement -> its desks' API tokens
    negotiator_tokens: dict[uuid.UUID, str]
    entries: dict[uuid.UUID, list[tuple[uuid.UUID, str]]]  # agreement -> (entry id, name)


@dataclass
class Run:
    label: str
    desks: int
    wall: float = 0.0
    server_cpu: float = 0.0  # CPU seconds the server process used during the run
    machine_cpu: float = 0.0  # CPU seconds the whole machine used (all processes, all cores)
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


def _env(folder: Path, database_url: str | None = None) -> dict[str, str]:
    key_dir = folder / "keys"
    key_file = key_dir / "haven.key"
    new_key_file(key_file)
    return {
        **os.environ,
        "HAVEN_DATABASE_URL": database_url or f"sqlite+pysqlcipher:///{folder / 'db' / 'haven.db'}",
        "HAVEN_KEY_FILE": str(key_file),
        "HAVEN_KEY_DIR": str(key_dir),
        "HAVEN_ARGON2_MEMORY_KIB": "1024",
        "HAVEN_ARGON2_TIME_COST": "1",
    }


def _haven(args: list[str], env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "haven", *args], env=env, check=True, cwd=ROOT)  # noqa: S603


def _seed(
    env: dict[str, str], people: int, desks: int, *, numbered: bool = False
) -> tuple[Setup, list[str]]:
    """Two organisations (one for each run, so that neither run's duplicate check meets the
    other's people), each with its users, tokens and an executing agreement; the same roll."""
    wire()  # services publish in-transaction events: every domain's handlers are loaded
    keyring = read_key_file(Path(env["HAVEN_KEY_FILE"]))
    engine = make_engine(env["HAVEN_DATABASE_URL"], keyring=keyring)
    factory = make_session_factory(engine, keyring)
    settings = Settings(argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1)
    system = Actor.system("bench")
    rng = random.Random(500)
    names = _names(rng, people)
    rows = [
        ImportRow(
            number=i + 2,
            values={
                "name_latin": f"Bench Soldier {i:04d}" if numbered else names[i],
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
    desk_tokens: dict[uuid.UUID, list[str]] = {}
    negotiator_tokens: dict[uuid.UUID, str] = {}
    for label in ("baseline", "crossing"):
        with transaction(factory) as session:
            bind_actor(session, system)  # the seed acts as the operator, who reads every field
            org = accounts.create_organisation(
                session, system, name=f"Bench council {label}", kind="interim_council"
            )
            site = accounts.create_site(
                session, system, organisation_id=org.id, name="Bench ford", township="Demoso"
            )

            def user(  # type: ignore[no-untyped-def]
                name: str, role: Role, *, at_site: bool = False, label: str = label, site=site
            ):
                return accounts.create_user(
                    session,
                    system,
                    UserCreate(
                        username=f"{label}-{name}",
                        display_name=name,
                        role=role,
                        site_id=site.id if at_site else None,
                        password="bench passphrase long enough",  # noqa: S106 - synthetic user
                    ),
                    organisation_id=site.organisation_id,
                    settings=settings,
                )

            negotiator_user = user("bench-negotiator", Role.NEGOTIATOR)
            managers = [user(f"bench-manager{i}", Role.MANAGER) for i in (1, 2)]
            registrars = [
                user(f"bench-desk{i}", Role.REGISTRAR, at_site=True) for i in range(desks)
            ]
            negotiator = actor_for(negotiator_user)
            agreement = service.create(
                session,
                negotiator,
                AgreementCreate.model_validate(
                    {"code_name": f"Bench {label}", "site_id": str(site.id)}
                ),
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
            desk_tokens[agreement.id] = [
                tokens.issue(session, system, user=u, name="bench")[0] for u in registrars
            ]
            negotiator_tokens[agreement.id] = tokens.issue(
                session, system, user=negotiator_user, name="bench"
            )[0]
    engine.dispose()
    setup = Setup(
        url="",
        baseline_id=ids[0],
        crossing_id=ids[1],
        desk_tokens=desk_tokens,
        negotiator_tokens=negotiator_tokens,
        entries=entries,
    )
    return setup, [str(i) for i in ids]


# Common syllables of Myanmar names (romanised): synthetic names that repeat syllables as real
# rolls do, without 500 people differing only in a number (which the duplicate check rightly
# takes for one another: ~17 reviews opened per registration).
_SYLLABLES = [
    "Aung",
    "Kyaw",
    "Min",
    "Htet",
    "Zaw",
    "Naing",
    "Soe",
    "Win",
    "Thura",
    "Tun",
    "Myo",
    "Hlaing",
    "Thant",
    "Oo",
    "Lin",
    "Ko",
    "Phyo",
    "Wai",
    "Yan",
    "Naung",
    "Hein",
    "Pyae",
    "Sithu",
    "Thiha",
    "Khant",
    "Nyi",
    "Thet",
    "Paing",
    "Zin",
    "Moe",
    "Hla",
    "Maung",
    "Thein",
    "Than",
    "Chit",
    "Ye",
]


def _names(rng: random.Random, people: int) -> list[str]:
    """Distinct three-syllable names (a desk types until the list shows one person)."""
    names: dict[str, None] = {}
    while len(names) < people:
        names[" ".join(rng.choice(_SYLLABLES) for _ in range(3))] = None
    return list(names)


def _register(
    client: httpx.Client,
    agreement_id: uuid.UUID,
    entry_id: uuid.UUID,
    name: str,
    key: str,
) -> tuple[int, float]:
    """A desk's work for one person: search as you type, then register. Status, seconds."""
    started = time.perf_counter()
    found = client.post(f"/api/crossing/{agreement_id}/search", json={"q": name})
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


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time so far of a process and its live children (the server
    processes of `haven serve --processes N`), from Linux /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return own + sum(_cpu_seconds(int(child)) for child in children)


def _machine_cpu() -> float:
    """CPU seconds every core of the machine has been busy so far (/proc/stat: all but idle
    and iowait): how much of the machine a run used — the server, PostgreSQL, the desks."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def _run(
    setup: Setup, label: str, agreement_id: uuid.UUID, desks: int, *, noisy: bool, pid: int
) -> Run:
    run = Run(label=label, desks=desks)
    cpu = _cpu_seconds(pid)
    machine = _machine_cpu()
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
            args=(setup, run, agreement_id, setup.desk_tokens[agreement_id][n], queues[n], start),
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
    run.server_cpu = _cpu_seconds(pid) - cpu
    run.machine_cpu = _machine_cpu() - machine
    return run


def _check(env: dict[str, str], setup: Setup, agreement_id: uuid.UUID, people: int) -> list[str]:
    """Exactly once and an exact reconciliation; the problems found (none: empty)."""
    problems: list[str] = []
    with httpx.Client(
        base_url=setup.url,
        headers={"Authorization": f"Bearer {setup.negotiator_tokens[agreement_id]}"},
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
    parser.add_argument(
        "--postgres",
        nargs="?",
        const="throwaway",
        metavar="ADMIN_URL",
        help="PostgreSQL instead of SQLCipher: a throw-away cluster on loopback, or the "
        "server of this admin URL",
    )
    parser.add_argument(
        "--numbered-names",
        action="store_true",
        help="name everyone 'Bench Soldier NNNN' (the runs of 25 November 2026)",
    )
    parser.add_argument(
        "--requests-begin-immediate",
        action="store_true",
        help="serve as before short write transactions: every request's transaction begins "
        "IMMEDIATE on SQLite (holding the write lock from its first read)",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="server processes (`haven serve --processes N`; default 1)",
    )
    args = parser.parse_args()
    if args.postgres == "throwaway":
        with throwaway_cluster() as admin_url:
            _bench(args, admin_url)
    else:
        _bench(args, args.postgres)


# The server as it was before short write transactions (6 December 2026), for comparison in
# the same run: every transaction begins IMMEDIATE on SQLite, a request's reads included.
_BEFORE = (
    "import haven.db.engine as e\n"
    "def begin(connection):\n"
    "    connection.exec_driver_sql('BEGIN IMMEDIATE')\n"
    "e._sqlite_begin = begin\n"
    "from haven.cli.main import app\n"
    "app()\n"
)


def _listen(port: int) -> list[str]:
    return ["--host", "127.0.0.1", "--port", str(port)]


def _server_command(begin_immediate: bool) -> list[str]:
    if begin_immediate:
        return [sys.executable, "-c", _BEFORE]
    return [sys.executable, "-m", "haven"]


def _mode(args: argparse.Namespace) -> str:
    before = ", requests begin IMMEDIATE (as before)" if args.requests_begin_immediate else ""
    return before + (f", {args.processes} server processes" if args.processes > 1 else "")


def _log_problems(path: Path) -> list[str]:
    """The server's warnings, errors and refusals (its log carries no values)."""
    lines = path.read_text().splitlines()
    return [
        line[:300] for line in lines if any(m in line for m in ('"WARNING"', '"ERROR"', " 409"))
    ][:20]


def _bench(args: argparse.Namespace, postgres: str | None) -> None:
    engine_name = "PostgreSQL" if postgres else "SQLCipher"
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="haven-bench-crossing-") as tmp:
        folder = Path(tmp)
        url = create_database(postgres, "haven_bench_crossing") if postgres else None
        env = _env(folder, url)
        print(f"migrating a temporary {engine_name} database ({folder}) …", flush=True)
        _haven(["db", "upgrade"], env)
        os.environ.update({k: v for k, v in env.items() if k.startswith("HAVEN_")})
        setup, _ = _seed(env, args.people, args.desks, numbered=args.numbered_names)
        port = _free_port()
        log = (folder / "server.log").open("w")
        server = subprocess.Popen(  # noqa: S603
            [
                *_server_command(args.requests_begin_immediate),
                "serve",
                "--processes",
                str(args.processes),
                *_listen(port),
            ],
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
            baseline = _run(
                setup, "baseline: 1 desk", setup.baseline_id, 1, noisy=False, pid=server.pid
            )
            print(f"{args.desks} desks at once …", flush=True)
            crossing = _run(
                setup,
                f"{args.desks} desks at once",
                setup.crossing_id,
                args.desks,
                noisy=True,
                pid=server.pid,
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
            problems += _log_problems(folder / "server.log") if problems else []
    load = os.getloadavg()
    median = statistics.median(baseline.latencies + crossing.latencies) * 1000
    print()
    print(f"{engine_name}{_mode(args)}, {args.people} people, {time.strftime('%Y-%m-%d %H:%M')}")
    print(
        "| run | desks | people | wall time | people/min | p50 per person | p95 per person "
        "| 409 (other desk) | 200 (retry) | requests failed and resent "
        "| server CPU (busy) | machine busy (cores) | exactly once, reconciliation exact |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for run in (baseline, crossing):
        print(
            f"| {run.label} | {run.desks} | {run.created} | {run.wall:.1f} s "
            f"| {60 * run.created / run.wall:.0f} | {_ms(run.latencies, 0.5):.0f} ms "
            f"| {_ms(run.latencies, 0.95):.0f} ms | {run.conflicts} | {run.replayed} "
            f"| {len(run.failures)} | {run.server_cpu:.1f} s ({run.server_cpu / run.wall:.0%}) "
            f"| {run.machine_cpu / run.wall:.2f} of {os.cpu_count()} "
            f"| {'yes' if not problems else 'NO'} |"
        )
    print()
    print(
        f"speed-up of {args.desks} desks over 1: {baseline.wall / crossing.wall:.2f}x; "
        f"CPUs: {os.cpu_count()}, load average at the start {load_start:.1f}, at the end "
        "(1/5/15 min): "
        f"{load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}; "
        f"median of all latencies: {median:.0f} ms"
    )
    if problems:
        print("PROBLEMS:", *problems, sep="\n  ")
        raise SystemExit(1)


if __name__ == "__main__":
    main()
