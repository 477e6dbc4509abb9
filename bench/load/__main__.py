"""Load test: 50 users doing their day's work against a real server on loopback.

    python -m bench.load [--users 50] [--minutes 10] [--people 3000] [--spawn-rate 5]
                         [--postgres [ADMIN_URL]] [--data DIR]          (make bench-load)

What it does, all on synthetic data:
1. a temporary SQLCipher database with its own key file, migrated (`haven db upgrade`); with
   --postgres a database on a throw-away PostgreSQL cluster on loopback (tests/postgres.py)
   or on the server of the admin URL given;
2. the demo data at a realistic size (`haven demo --people N`: people with their receptions,
   weapons, families, vetting cases and screening hits, children's cases, pathway choices and
   entitlements), then, through the services: one account per simulated user (registrars at
   the two Demoso/Hpruso reception points, case workers, finance officers with an
   authenticator app), API tokens for registrars and finance officers, a pathway choice (so a
   case) for a few hundred adults, half of the vetting cases decided "cleared" (a bulk update,
   as bench/allowances.py does: the vetting workflow is not what is measured) and two payment
   batches (one submitted with every due instalment, one draft);
3. the real app served by `haven serve` on 127.0.0.1 in its own process;
4. Locust, headless, with `bench/load/locustfile.py` (registrars, case workers and finance
   officers with their weights and think times); every request checks its status;
5. a markdown table per request type (count, failures, p50, p95, p99, requests/s), the
   overall figures, the server's memory (RSS, peak and at the end) and CPU, the errors in
   the server log, and the load average of the machine.

--data DIR keeps the prepared database and the fixture in DIR and reuses them on the next run
(development: the setup takes minutes). Without it everything lives in a temporary folder.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pyotp
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from haven.accounts import mfa, sessions, tokens
from haven.accounts import repository as accounts_repository
from haven.accounts import service as accounts
from haven.accounts.models import User
from haven.accounts.schemas import UserCreate
from haven.allowances.public import add_due, create_batch, submit
from haven.config import Settings
from haven.db.engine import make_engine
from haven.db.keyring import new_key_file, read_key_file
from haven.db.session import make_session_factory, transaction
from haven.demo.accounts import ORGANISATIONS
from haven.kernel.marks import Mark
from haven.kernel.sensitivity import bind_actor
from haven.pathways import repository as pathways_repository
from haven.pathways import service as pathways
from haven.pathways.models import Case
from haven.pathways.public import Pathway, without_choice
from haven.pathways.schemas import ChoiceIn
from haven.people.models import Person
from haven.reception.public import latest_receptions, persons_received
from haven.security.permissions import Actor, Role
from haven.vetting.models import VettingCase
from haven.wiring import wire
from tests.postgres import create_database, throwaway_cluster

ROOT = Path(__file__).resolve().parent.parent.parent
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
PASSWORD = "load test passphrase, synthetic"  # noqa: S105 - synthetic load-test users only
SYSTEM = Actor.system("bench-load")
CHEAP = Settings(argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1)
# Errors the server may write to its log; each is counted and the first lines shown.
LOG_ERRORS = re.compile(
    r"Traceback|database is locked|OperationalError|Internal Server Error|\" 5\d\d ", re.I
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(folder: Path, database_url: str | None) -> dict[str, str]:
    key_dir = folder / "keys"
    key_file = key_dir / "haven.key"
    if not key_file.exists():
        new_key_file(key_file)
    (folder / "db").mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "HAVEN_DATABASE_URL": database_url or f"sqlite+pysqlcipher:///{folder / 'db' / 'haven.db'}",
        "HAVEN_KEY_FILE": str(key_file),
        "HAVEN_KEY_DIR": str(key_dir),
        # Cheap password hashing, as the other benchmarks: logins are a few per user per day,
        # and the full cost (64 MiB, 3 passes) would only measure Argon2.
        "HAVEN_ARGON2_MEMORY_KIB": "1024",
        "HAVEN_ARGON2_TIME_COST": "1",
        "HAVEN_ARGON2_PARALLELISM": "1",
    }


def _haven(args: list[str], env: dict[str, str]) -> None:
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "haven", *args],
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )


# --- setup -------------------------------------------------------------------------------------


def _user(
    session: Session,
    username: str,
    role: Role,
    organisation_id: uuid.UUID,
    site_id: uuid.UUID | None,
) -> User:
    return accounts.create_user(
        session,
        SYSTEM,
        UserCreate(
            username=username,
            display_name=username.replace("-", " ").title(),
            role=role,
            site_id=site_id,
            password=PASSWORD,
        ),
        organisation_id=organisation_id,
        settings=CHEAP,
    )


def _fresh_actor(session: Session, user: User) -> Actor:
    """The user as a request's actor just after a login with a second factor."""
    token, _ = sessions.start(session, user, CHEAP, second_factor="totp")
    actor = sessions.resolve(session, token, CHEAP).actor
    bind_actor(session, actor)
    return actor


def _seed(env: dict[str, str], users: int, cases: int) -> dict[str, Any]:
    """Accounts, tokens, cases, cleared vetting and batches; the fixture the locustfile reads
    (ids, usernames and tokens only: no personal data)."""
    wire()
    keyring = read_key_file(Path(env["HAVEN_KEY_FILE"]))
    engine = make_engine(env["HAVEN_DATABASE_URL"], keyring=keyring)
    factory = make_session_factory(engine, keyring)
    fixture: dict[str, Any] = {"password": PASSWORD, "totp_secret": pyotp.random_base32()}
    with transaction(factory) as session:
        _seed_accounts(session, fixture, users)
    with transaction(factory) as session:
        chosen = _seed_cases(session, fixture, cases)
    with transaction(factory) as session:
        _seed_cleared(session, fixture)
    fixture["batches"] = []
    try:
        with transaction(factory) as session:
            _seed_batches(session, fixture)
    except Exception as error:  # noqa: BLE001 - batches are a bonus for the finance pages
        print(f"(payment batches not prepared: {error!r})", flush=True)
    engine.dispose()
    fixture["counts"] = {
        "people": len(fixture["people"]),
        "cases": len(fixture["cases"]),
        "cleared": len(fixture["cleared"]),
        "batches": len(fixture["batches"]),
        "new choices": chosen,
    }
    return fixture


def _seed_accounts(session: Session, fixture: dict[str, Any], users: int) -> None:
    """One account per simulated user of each kind, at the first two reception points."""
    bind_actor(session, SYSTEM)
    org = accounts_repository.organisation_by_name(session, ORGANISATIONS[0][0])
    if org is None:
        raise SystemExit("the demo data is missing")
    site_ids = [
        s.id
        for name, _township in ORGANISATIONS[0][2][:2]
        if (s := accounts_repository.site_by_name(session, org.id, name)) is not None
    ]
    fixture.update(registrars=[], caseworkers=[], finance=[])
    for n in range(users):
        site_id = site_ids[n % len(site_ids)]
        user = _user(session, f"load-registrar-{n:02d}", Role.REGISTRAR, org.id, site_id)
        token = tokens.issue(session, SYSTEM, user=user, name="load test")[0]
        fixture["registrars"].append(
            {"username": user.username, "token": token, "site_id": str(site_id)}
        )
        user = _user(session, f"load-caseworker-{n:02d}", Role.CASE_WORKER, org.id, None)
        fixture["caseworkers"].append({"username": user.username})
        user = _user(session, f"load-finance-{n:02d}", Role.FINANCE_OFFICER, org.id, None)
        mfa.provision_totp(session, SYSTEM, user, secret=fixture["totp_secret"])
        token = tokens.issue(session, SYSTEM, user=user, name="load test")[0]
        fixture["finance"].append({"username": user.username, "token": token})


def _seed_cases(session: Session, fixture: dict[str, Any], cases: int) -> int:
    """A case for `cases` adults: a pathway choice each, recorded by the demo case worker."""
    worker_user = accounts_repository.user_by_username(session, "caseworker")
    if worker_user is None or worker_user.organisation_id is None:
        raise SystemExit("the demo case worker is missing")
    worker = sessions.actor_for(worker_user)
    bind_actor(session, worker)
    org_id = worker_user.organisation_id
    text_en = pathways_repository.latest_consent_text(session, org_id, "en")
    if text_en is None:
        raise SystemExit("the demo explanation texts are missing")
    received = latest_receptions(session, persons_received(session, org_id))
    adults = without_choice(
        session,
        sorted(
            person_id
            for person_id, event in received.items()
            if event.classification in ("defector", "disengaged")
        ),
    )
    rng = random.Random(22)
    chosen = 0
    for person_id in rng.sample(adults, min(len(adults), cases)):
        pathways.record_choice(
            session,
            worker,
            person_id,
            ChoiceIn(
                pathway=rng.choice(list(Pathway)),
                language="en",
                consent_text_id=text_en.id,
                explained=True,
                statement="Synthetic load-test statement.",
                statement_language="English",
                present="Load-test case worker",
                former_commanders_absent=True,
                mark=Mark.SIGNATURE,
                mark_attested_by="Load-test case worker",
            ),
        )
        chosen += 1
    fixture["organisation_id"] = str(org_id)
    fixture["cases"] = [
        str(c) for c in session.scalars(select(Case.id).where(Case.organisation_id == org_id))
    ]
    fixture["people"] = []
    fixture["people_by_site"] = {}
    for person_id, site_id in session.execute(
        select(Person.id, Person.site_id).where(Person.organisation_id == org_id)
    ):
        fixture["people"].append(str(person_id))
        fixture["people_by_site"].setdefault(str(site_id), []).append(str(person_id))
    return chosen


def _seed_cleared(session: Session, fixture: dict[str, Any]) -> None:
    """Half of the vetting cases cleared (bulk; the vetting workflow is not measured here)."""
    now = datetime.now(UTC)
    rows = list(
        session.execute(
            select(VettingCase.id, VettingCase.person_id).where(
                VettingCase.organisation_id == uuid.UUID(fixture["organisation_id"])
            )
        )
    )
    cleared = rows[::2]
    session.execute(
        update(VettingCase)
        .where(VettingCase.id.in_([c.id for c in cleared]))
        .values(state="decided", outcome="cleared", state_changed_at=now, decided_at=now)
    )
    fixture["cleared"] = [str(c.person_id) for c in cleared]


def _seed_batches(session: Session, fixture: dict[str, Any]) -> None:
    """Two payment batches: one submitted with every due instalment, one draft."""
    maker_user = session.scalars(
        select(User).where(User.username == fixture["finance"][0]["username"])
    ).one()
    maker = _fresh_actor(session, maker_user)
    batch = create_batch(session, maker, title="Load-test batch 1", currency="MMK")
    add_due(session, maker, batch, due_by=datetime.now(UTC).date() + timedelta(days=400))
    submit(session, maker, batch)
    draft = create_batch(session, maker, title="Load-test batch 2", currency="MMK")
    fixture["batches"] = [str(batch.id), str(draft.id)]


# --- measuring the server ----------------------------------------------------------------------


@dataclass
class ServerWatch:
    pid: int
    peak_rss_kib: int = 0
    samples: list[int] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def pids(self) -> list[int]:
        """The server and its server processes (`haven serve --processes N`)."""
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
        return [self.pid, *map(int, children)]

    def rss_kib(self) -> int:
        """Resident memory of the server's processes together."""
        total = 0
        for pid in self.pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        return total

    def cpu_seconds(self) -> float:
        total = 0.0
        for pid in self.pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    def run(self) -> None:
        while not self.stop.wait(5):
            try:
                rss = self.rss_kib()
            except OSError:
                return
            self.samples.append(rss)
            self.peak_rss_kib = max(self.peak_rss_kib, rss)


def _wait_healthy(url: str, log_path: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(log_path.read_text()[-5000:])


# --- the report --------------------------------------------------------------------------------


def _num(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return 0.0


def _rows(stats_csv: Path) -> dict[str, dict[str, str]]:
    if not stats_csv.exists():
        return {}
    with stats_csv.open() as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


def _table(rows: dict[str, dict[str, str]], baseline: dict[str, dict[str, str]]) -> list[str]:
    lines = [
        "| request | count | failures | p50 | p95 | p99 | max | req/s | baseline p95 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in rows.items():
        before = baseline.get(name, {}).get("95%")
        cells = [
            row["Request Count"],
            row["Failure Count"],
            f"{row['50%']} ms",
            f"{row['95%']} ms",
            f"{row['99%']} ms",
            f"{_num(row['Max Response Time']):.0f} ms",
            f"{_num(row['Requests/s']):.2f}",
            f"{before} ms" if before else "–",
        ]
        if name == "Aggregated":
            cells = [f"**{c}**" for c in cells]
            name = "**all**"  # noqa: PLW2901 - the total's label
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def _failures(failures_csv: Path) -> list[str]:
    if not failures_csv.exists():
        return []
    with failures_csv.open() as handle:
        return [
            f"{row['Occurrences']}× {row['Method']} {row['Name']}: {row['Error'][:300]}"
            for row in csv.DictReader(handle)
        ]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def _server_times(log_path: Path, since: str) -> list[str]:
    """Time spent inside the server per route (its access log's duration_ms) during the main
    run: what the server itself took, without Locust's own queueing on a busy machine."""
    times: dict[str, list[float]] = {}
    for line in log_path.read_text(errors="replace").splitlines():
        if '"haven.access"' not in line:
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("time", "") < since or entry.get("route") == "/healthz":
            continue
        key = f"{entry.get('method')} {entry.get('route')}"
        times.setdefault(key, []).append(float(entry.get("duration_ms", 0.0)))
    every = [t for values in times.values() for t in values]
    if not every:
        return []
    slowest = sorted(times.items(), key=lambda item: -_pct(item[1], 0.95))[:6]
    return [
        f"inside the server (access log, {len(every)} requests): p50 {_pct(every, 0.5):.0f} ms, "
        f"p95 {_pct(every, 0.95):.0f} ms, p99 {_pct(every, 0.99):.0f} ms; highest p95: "
        + "; ".join(f"{k} {_pct(v, 0.95):.0f} ms" for k, v in slowest)
    ]


def _log_errors(log_path: Path) -> tuple[int, list[str]]:
    count = 0
    first: list[str] = []
    for line in log_path.read_text(errors="replace").splitlines():
        if LOG_ERRORS.search(line):
            count += 1
            if len(first) < 15:
                first.append(line[:300])
    return count, first


# --- main --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument(
        "--processes", type=int, default=1, help="server processes (haven serve --processes)"
    )
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument(
        "--baseline-users", type=int, default=5, help="users of the baseline run (0: none)"
    )
    parser.add_argument("--baseline-minutes", type=float, default=2)
    parser.add_argument("--people", type=int, default=3000, help="demo people (default 3000)")
    parser.add_argument("--cases", type=int, default=300, help="pathway choices added")
    parser.add_argument(
        "--postgres",
        nargs="?",
        const="throwaway",
        metavar="ADMIN_URL",
        help="PostgreSQL instead of SQLCipher: a throw-away cluster on loopback, or the "
        "server of this admin URL",
    )
    parser.add_argument(
        "--data", type=Path, help="keep (and reuse) the prepared database in this folder"
    )
    args = parser.parse_args()
    if args.postgres and args.data:
        raise SystemExit("--data is for SQLCipher only")
    if args.postgres == "throwaway":
        with throwaway_cluster() as admin_url:
            _bench(args, admin_url)
    else:
        _bench(args, args.postgres)


def _prepare(args: argparse.Namespace, folder: Path, postgres: str | None) -> dict[str, str]:
    url = create_database(postgres, "haven_bench_load") if postgres else None
    env = _env(folder, url)
    fixture_path = folder / "fixture.json"
    if fixture_path.exists():
        accounts = len(json.loads(fixture_path.read_text())["registrars"])
        if accounts < args.users:
            raise SystemExit(f"{folder} has accounts for {accounts} users: prepare it again")
        print(f"reusing the prepared database in {folder}", flush=True)
        return env
    engine_name = "PostgreSQL" if postgres else "SQLCipher"
    started = time.perf_counter()
    print(f"migrating a {engine_name} database ({folder}) …", flush=True)
    _haven(["db", "upgrade"], env)
    print(f"demo data for {args.people} people …", flush=True)
    _haven(["demo", "--people", str(args.people)], env)
    os.environ.update({k: v for k, v in env.items() if k.startswith("HAVEN_")})
    print("load-test accounts, cases, cleared vetting, batches …", flush=True)
    fixture = _seed(env, max(args.users, 50), args.cases)
    fixture_path.write_text(json.dumps(fixture))
    fixture_path.chmod(0o600)
    print(
        f"prepared in {time.perf_counter() - started:.0f} s: {fixture['counts']}",
        flush=True,
    )
    return env


def _bench(args: argparse.Namespace, postgres: str | None) -> None:
    engine_name = "PostgreSQL" if postgres else "SQLCipher"
    if args.data:
        args.data.mkdir(parents=True, exist_ok=True, mode=0o700)
        _run(args, args.data, postgres, engine_name)
    else:
        with tempfile.TemporaryDirectory(prefix="haven-bench-load-") as tmp:
            _run(args, Path(tmp), postgres, engine_name)


def _locust(
    url: str,
    env: dict[str, str],
    folder: Path,
    prefix: Path,
    users: int,
    minutes: float,
    rate: float,
) -> subprocess.CompletedProcess[str]:
    """Locust, headless, for `minutes` with `users` users started at `rate` a second."""
    done = subprocess.run(  # noqa: S603
        [
            str(Path(sys.executable).parent / "locust"),
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(rate),
            "--run-time",
            f"{int(minutes * 60)}s",
            "--stop-timeout",
            "30",
            "--host",
            url,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env={**env, "HAVEN_LOAD_FIXTURE": str(folder / "fixture.json")},
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
    )
    with (folder / "locust.log").open("a") as log:
        log.write(done.stdout + done.stderr)
    return done


@dataclass
class Measured:
    """What one run measured besides Locust's own figures."""

    wall: float = 0.0
    cpu: float = 0.0
    rss_start_kib: int = 0
    rss_end_kib: int = 0
    rss_peak_kib: int = 0
    load_start: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_end: tuple[float, float, float] = (0.0, 0.0, 0.0)
    since: str = ""  # when the main run began (UTC, as the server log writes times)


def _run(args: argparse.Namespace, folder: Path, postgres: str | None, engine_name: str) -> None:
    env = _prepare(args, folder, postgres)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = folder / "server.log"
    out = folder / "locust"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    measured = Measured()
    with log_path.open("w") as log:
        server = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "haven",
                "serve",
                "--processes",
                str(args.processes),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_healthy(url, log_path)
            if args.baseline_users and args.baseline_minutes:
                print(
                    f"serving on {url}; baseline: {args.baseline_users} users, "
                    f"{args.baseline_minutes:g} min …",
                    flush=True,
                )
                _locust(
                    url,
                    env,
                    folder,
                    out / "baseline",
                    args.baseline_users,
                    args.baseline_minutes,
                    args.spawn_rate,
                )
            watch = ServerWatch(server.pid)
            measured.rss_start_kib = watch.rss_kib()
            cpu_start = watch.cpu_seconds()
            threading.Thread(target=watch.run, daemon=True).start()
            measured.load_start = os.getloadavg()
            print(
                f"serving on {url}; Locust: {args.users} users, {args.minutes:g} min …",
                flush=True,
            )
            measured.since = datetime.now(UTC).isoformat(timespec="milliseconds")
            began = time.perf_counter()
            locust = _locust(
                url, env, folder, out / "load", args.users, args.minutes, args.spawn_rate
            )
            measured.wall = time.perf_counter() - began
            measured.load_end = os.getloadavg()
            watch.stop.set()
            measured.rss_end_kib = watch.rss_kib()
            measured.rss_peak_kib = max(watch.peak_rss_kib, measured.rss_end_kib)
            measured.cpu = watch.cpu_seconds() - cpu_start
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
    if not _report(args, engine_name, out, log_path, measured):
        if locust.returncode not in (0, 1):  # 1: some requests failed (shown above)
            print((locust.stdout + locust.stderr)[-3000:])
        raise SystemExit(1)


def _report(
    args: argparse.Namespace, engine_name: str, out: Path, log_path: Path, measured: Measured
) -> bool:
    """Print the table and the figures; whether the goal is met."""
    rows = _rows(out / "load_stats.csv")
    baseline = _rows(out / "baseline_stats.csv")
    lines = _table(rows, baseline)
    total = rows.get("Aggregated")
    before = baseline.get("Aggregated")
    failures = _failures(out / "load_failures.csv") + [
        f"(baseline) {f}" for f in _failures(out / "baseline_failures.csv")
    ]
    errors, first_errors = _log_errors(log_path)
    print()
    print(
        f"{engine_name}, {args.users} users (spawn {args.spawn_rate:g}/s), "
        f"{args.minutes:g} min, {time.strftime('%Y-%m-%d %H:%M')}"
    )
    print(*lines, sep="\n")
    print()
    p95 = _num(total["95%"]) if total else float("nan")
    failed = int(_num(total["Failure Count"])) if total else -1
    m = measured
    if before:
        print(
            f"baseline ({args.baseline_users} users, {args.baseline_minutes:g} min, same server "
            f"just before): {before['Request Count']} requests, {before['Failure Count']} "
            f"failed, p50 {before['50%']} ms, p95 {before['95%']} ms; p95 at {args.users} "
            f"users / baseline: {p95 / max(_num(before['95%']), 1):.2f}×"
        )
    print(*_server_times(log_path, m.since))
    print(
        f"server: RSS {m.rss_start_kib / 1024:.0f} MiB at the start, peak "
        f"{m.rss_peak_kib / 1024:.0f} MiB, {m.rss_end_kib / 1024:.0f} MiB at the end; "
        f"CPU {m.cpu:.0f} s in {m.wall:.0f} s ({m.cpu / m.wall:.0%} of one core); "
        f"errors in the server log: {errors}"
    )
    print(
        f"CPUs: {os.cpu_count()}; load average at the start (1/5/15 min) "
        f"{m.load_start[0]:.1f}/{m.load_start[1]:.1f}/{m.load_start[2]:.1f}, at the end "
        f"{m.load_end[0]:.1f}/{m.load_end[1]:.1f}/{m.load_end[2]:.1f} (shared machine)"
    )
    met = failed == 0 and errors == 0 and p95 <= 500
    print(
        f"goal (0 errors, p95 ≤ 500 ms): {'met' if met else 'NOT met'} "
        f"({failed} failed requests, p95 {p95:.0f} ms)"
    )
    if failures:
        print("failures (Locust):", *failures[:20], sep="\n  ")
    if first_errors:
        print("server log:", *first_errors, sep="\n  ")
    return met


if __name__ == "__main__":
    main()
