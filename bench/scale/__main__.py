"""Pages at scale: p50/p95 of search, person page, duplicate check, lists and dashboards
on a database of N people (default 100,000) against a 1,000-people baseline in the same run,
on SQLCipher and on PostgreSQL.

    python -m bench.scale [--people 100000] [--baseline 1000] [--engines sqlcipher,postgres]
                          [--requests 50] [--postgres ADMIN_URL]        (make bench-scale)
                          [--keep DIR]

For each engine and each size: a fresh database (SQLCipher file with its own key file, or a
database on a throw-away PostgreSQL cluster on loopback), migrated with `haven db upgrade`;
filled by `bench.scale.build` (services for the organisation, users, plan and agreements;
bulk Core inserts with the real field encryption, blind indexes and search keys for the
people and everything they have); the real app served by `haven serve` in its own process;
each page requested `--requests` times (after 3 warm-up requests) by a user of the role the
page is for, logged in with a real session cookie (POSTs carry the CSRF token). Then
throughput: `--clients` concurrent clients cycling through every page for `--seconds`.
Memory: the server's resident set (VmRSS) after the run and its peak (VmHWM).
Prints markdown tables for docs/benchmarks.md. Synthetic data only.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx

from bench.scale.build import Built, build, relogin
from haven.db.engine import make_engine
from haven.db.keyring import new_key_file, read_key_file
from haven.db.session import make_session_factory
from haven.kernel.clock import local_today
from haven.wiring import wire
from tests.postgres import create_database, free_port, throwaway_cluster

ROOT = Path(__file__).resolve().parent.parent.parent


@dataclass(frozen=True)
class Page:
    name: str
    kind: str  # search, person, duplicates, list, dashboard, report
    method: str
    path: str
    roles: tuple[str, ...]  # the first role that gets a 200 is used
    body: Callable[[Built, random.Random], dict[str, str]] | None = None
    person: bool = False  # the path has {person_id}


def _pick(values: list[str], rng: random.Random) -> str:
    return rng.choice(values) if values else "Aung Aung"


def _typed(built: Built, rng: random.Random) -> dict[str, str]:
    """What the reception form sends while a registrar types a known person's name."""
    return {"name_latin": _pick(built.latin, rng), "birth_year": str(rng.randrange(1970, 2006))}


YEAR = f"start={local_today() - timedelta(days=364)}"  # the reports' period: a year

PAGES = (
    Page("search: Latin name", "search", "POST", "/people", ("registrar",),
         lambda b, r: {"q": _pick(b.latin, r)}),
    Page("search: Burmese name", "search", "POST", "/people", ("registrar",),
         lambda b, r: {"q": _pick(b.burmese, r)}),
    Page("search: NRC", "search", "POST", "/people", ("registrar",),
         lambda b, r: {"q": _pick(b.nrc, r)}),
    Page("search: service number", "search", "POST", "/people", ("registrar",),
         lambda b, r: {"q": _pick(b.service_numbers, r)}),
    Page("list: people", "list", "GET", "/people", ("registrar",)),
    Page("person page", "person", "GET", "/people/{person_id}", ("registrar",), person=True),
    Page("duplicate check (reception form)", "duplicates", "POST", "/reception/duplicates",
         ("registrar",),
         _typed),
    Page("list: cases (case worker)", "list", "GET", "/cases", ("case_worker",)),
    Page("list: cases (manager)", "list", "GET", "/cases", ("manager",)),
    Page("list: vetting cases", "list", "GET", "/vetting", ("vetting_officer",)),
    Page("list: incidents", "list", "GET", "/vetting/incidents", ("vetting_officer",)),
    Page("list: prisoners", "list", "GET", "/pow", ("pow_officer",)),
    Page("list: prisoner notices", "list", "GET", "/pow/notices", ("pow_officer",)),
    Page("list: agreements", "list", "GET", "/agreements", ("negotiator", "manager")),
    Page("list: plans, batches, budgets", "list", "GET", "/allowances", ("finance_officer",)),
    Page("list: duplicate reviews", "list", "GET", "/matching/review",
         ("manager", "registrar", "case_worker")),
    Page("list: audit trail", "list", "GET", "/audit", ("auditor",)),
    Page("list: users", "list", "GET", "/users", ("administrator",)),
    Page("list: jobs", "list", "GET", "/jobs", ("administrator", "manager")),
    Page("dashboard: home (registrar)", "dashboard", "GET", "/", ("registrar",)),
    Page("dashboard: home (manager)", "dashboard", "GET", "/", ("manager",)),
    Page("dashboard: programme", "dashboard", "GET", "/programme", ("manager", "administrator")),
    Page("dashboard: vetting reports", "dashboard", "GET", "/vetting/reports",
         ("manager", "vetting_officer")),
    Page("dashboard: allowance reports", "dashboard", "GET", "/allowances/reports",
         ("finance_officer", "manager")),
    # Programme reports (issue 25) over the last year, every figure grouped in the database;
    # the XLSX download adds suppression (and its audit) and the workbook.
    Page("report: arrivals", "report", "GET", f"/reports/arrivals?{YEAR}", ("manager",)),
    Page("report: crossing day", "report", "GET", f"/reports/crossing?{YEAR}", ("manager",)),
    Page("report: pathways", "report", "GET", f"/reports/pathways?{YEAR}", ("manager",)),
    Page("report: payments", "report", "GET", f"/reports/payments?{YEAR}",
         ("finance_officer",)),
    Page("report: compliance", "report", "GET", f"/reports/compliance?{YEAR}", ("manager",)),
    Page("report: arrivals, XLSX", "report", "GET",
         f"/reports/arrivals/download/xlsx?{YEAR}", ("manager",)),
)  # fmt: skip


@dataclass
class Result:
    role: str = ""
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    status: int = 0

    def ms(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class Measured:
    engine: str
    people: int
    build_s: float
    rows: int
    pages: dict[str, Result]
    throughput: float
    throughput_errors: int
    rss_mb: float
    peak_mb: float
    size_mb: float


def _env(folder: Path, database_url: str | None) -> dict[str, str]:
    key_dir = folder / "keys"
    key_file = key_dir / "haven.key"
    if not key_file.exists():  # a kept database keeps its key
        new_key_file(key_file)
    (folder / "db").mkdir(exist_ok=True)
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


def _wait_healthy(url: str, folder: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.5)
    raise SystemExit((folder / "server.log").read_text())


@contextlib.contextmanager
def _server(env: dict[str, str], folder: Path) -> Iterator[tuple[str, int]]:
    port = free_port()
    log = (folder / "server.log").open("w")
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "haven", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, folder)
        yield url, server.pid
    except BaseException:
        print((folder / "server.log").read_text()[-3000:], file=sys.stderr)
        raise
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _memory(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of the process, MB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def _client(url: str, built: Built, role: str) -> httpx.Client:
    token, csrf = built.logins[role]
    return httpx.Client(
        base_url=url,
        cookies={"haven_session": token},
        headers={"x-csrf-token": csrf},
        timeout=120,
    )


def _request(client: httpx.Client, page: Page, built: Built, rng: random.Random) -> int:
    """The status of one request (599: no answer, the connection failed)."""
    path = page.path
    if page.person:
        path = path.format(person_id=rng.choice(built.person_ids))
    try:
        if page.method == "GET":
            return client.get(path).status_code
        return client.post(path, data=page.body(built, rng) if page.body else {},
                           headers={"hx-request": "true"}).status_code  # fmt: skip
    except httpx.HTTPError:
        return 599


def _measure(url: str, built: Built, requests: int) -> dict[str, Result]:
    results: dict[str, Result] = {}
    clients = {role: _client(url, built, role) for role in built.logins}
    rng = random.Random(7)
    try:
        for page in PAGES:
            result = Result()
            for role in page.roles:  # the role the page is for: the first that gets a 200
                result.status = _request(clients[role], page, built, rng)
                if result.status == 200:
                    result.role = role
                    break
            if not result.role:
                result.role = page.roles[0]
                result.errors = requests
                results[page.name] = result
                print(f"  {page.name}: HTTP {result.status}", flush=True)
                continue
            client = clients[result.role]
            for _ in range(2):
                _request(client, page, built, rng)
            budget = time.monotonic() + 60  # a very slow page: at least 5 requests, ~60 s
            for n in range(requests):
                if n >= 5 and time.monotonic() > budget:
                    break
                began = time.perf_counter()
                status = _request(client, page, built, rng)
                result.latencies.append(time.perf_counter() - began)
                if status != 200:
                    result.errors += 1
            results[page.name] = result
            print(
                f"  {page.name:40} {result.role:16} p50 {result.ms(0.5):7.1f} ms  "
                f"p95 {result.ms(0.95):7.1f} ms  errors {result.errors}",
                flush=True,
            )
    finally:
        for client in clients.values():
            client.close()
    return results


def _throughput(
    url: str, built: Built, results: dict[str, Result], clients: int, seconds: float
) -> tuple[float, int]:
    """Requests per second of `clients` concurrent clients cycling through every page."""
    pages = [p for p in PAGES if results[p.name].role and not results[p.name].errors]
    done = [0] * clients
    errors = [0] * clients
    ready = threading.Barrier(clients + 1)
    stop = [float("inf")]  # set when every client is ready

    def work(n: int) -> None:
        rng = random.Random(n)
        own = {role: _client(url, built, role) for role in built.logins}
        ready.wait()  # every client made (TLS contexts take a while) before the clock starts
        try:
            while time.monotonic() < stop[0]:
                page = rng.choice(pages)
                if _request(own[results[page.name].role], page, built, rng) != 200:
                    errors[n] += 1
                done[n] += 1
        finally:
            for client in own.values():
                client.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    ready.wait()
    began = time.monotonic()
    stop[0] = began + seconds
    for thread in threads:
        thread.join()
    return sum(done) / (time.monotonic() - began), sum(errors)


@contextlib.contextmanager
def _folder(keep: Path | None, engine: str, people: int) -> Iterator[Path]:
    """A temporary folder, or with --keep a folder kept for the next run."""
    if keep is None:
        with tempfile.TemporaryDirectory(prefix="haven-bench-scale-") as tmp:
            yield Path(tmp)
    else:
        folder = keep / f"{engine.lower()}-{people}"
        folder.mkdir(parents=True, exist_ok=True)
        yield folder


def _one(engine: str, people: int, admin_url: str | None, args: argparse.Namespace) -> Measured:
    with _folder(args.keep, engine, people) as folder:
        kept = folder / "built.json"
        name = f"haven_bench_scale_{people}"
        url = None
        if admin_url:
            reused = admin_url.rsplit("/", 1)[0] + f"/{name}"
            url = reused if kept.exists() else create_database(admin_url, name)
        env = _env(folder, url)
        print(f"{engine}, {people:,} people: migrating …", flush=True)
        _haven(["db", "upgrade"], env)
        os.environ.update({k: v for k, v in env.items() if k.startswith("HAVEN_")})
        keyring = read_key_file(Path(env["HAVEN_KEY_FILE"]))
        db = make_engine(env["HAVEN_DATABASE_URL"], keyring=keyring)
        factory = make_session_factory(db, keyring)
        if kept.exists():
            print(f"{engine}, {people:,} people: the kept database ({folder})", flush=True)
            built = Built.from_json(kept.read_text())
            relogin(factory, built)
        else:
            print(f"{engine}, {people:,} people: building …", flush=True)
            built = build(factory, people)
            if args.keep is not None:
                kept.write_text(built.to_json())
        db.dispose()
        size = (folder / "db" / "haven.db").stat().st_size / 1e6 if not admin_url else float("nan")
        print(
            f"{engine}, {people:,} people: built {built.rows:,} rows in {built.seconds:.0f} s; "
            "serving",
            flush=True,
        )
        with _server(env, folder) as (server_url, pid):
            pages = _measure(server_url, built, args.requests)
            rate, errors = _throughput(server_url, built, pages, args.clients, args.seconds)
            rss, peak = _memory(pid)
        print(f"  throughput {rate:.1f} req/s ({errors} errors), RSS {rss:.0f} MB", flush=True)
        return Measured(engine, people, built.seconds, built.rows, pages, rate, errors, rss, peak,
                        size)  # fmt: skip


def _table(runs: list[Measured]) -> None:
    by = {(m.engine, m.people): m for m in runs}
    engines = list(dict.fromkeys(m.engine for m in runs))
    sizes = sorted({m.people for m in runs})
    small, large = sizes[0], sizes[-1]
    head = "| page | role |"
    rule = "|---|---|"
    for engine in engines:
        head += f" {engine} {small:,}: p50 / p95 | {engine} {large:,}: p50 / p95 | p95 ratio |"
        rule += "---:|---:|---:|"
    print(head)
    print(rule)
    for page in PAGES:
        line = f"| {page.name} | {by[(engines[0], small)].pages[page.name].role} |"
        for engine in engines:
            a, b = by[(engine, small)].pages[page.name], by[(engine, large)].pages[page.name]
            mark = " ✗" if b.ms(0.95) > 200 else ""
            line += (
                f" {a.ms(0.5):.0f} / {a.ms(0.95):.0f} ms | {b.ms(0.5):.0f} / "
                f"**{b.ms(0.95):.0f}**{mark} ms | {b.ms(0.95) / a.ms(0.95):.1f}× |"
            )
            if a.errors or b.errors:
                line += f" (errors {a.errors}/{b.errors})"
        print(line)
    print()
    print("| engine | people | build | rows | throughput | errors | server RSS / peak |"
          " file |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for m in runs:
        print(
            f"| {m.engine} | {m.people:,} | {m.build_s:.0f} s | {m.rows:,} | "
            f"{m.throughput:.1f} req/s | {m.throughput_errors} | {m.rss_mb:.0f} / "
            f"{m.peak_mb:.0f} MB | {m.size_mb:.0f} MB |"
        )
    print()
    for engine in engines:
        slow = [
            f"{p.name} {by[(engine, large)].pages[p.name].ms(0.95):.0f} ms"
            for p in PAGES
            if by[(engine, large)].pages[p.name].ms(0.95) > 200
        ]
        print(f"{engine}: p95 > 200 ms at {large:,}: {', '.join(slow) or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=1_000)
    parser.add_argument("--engines", default="sqlcipher,postgres")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--postgres", metavar="ADMIN_URL", help="an existing server's admin URL")
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="keep each database in DIR and measure a kept one again instead of building "
        "(PostgreSQL: with --postgres, whose server outlives the run)",
    )
    args = parser.parse_args()
    if args.keep is not None and "postgres" in args.engines and not args.postgres:
        parser.error("--keep with PostgreSQL needs --postgres ADMIN_URL")
    wire()  # services publish in-transaction events: every domain's handlers are loaded
    started = time.strftime("%Y-%m-%d %H:%M")
    load_start = os.getloadavg()
    runs: list[Measured] = []
    for engine in args.engines.split(","):
        if engine == "postgres":
            with (
                contextlib.nullcontext(args.postgres)
                if args.postgres
                else throwaway_cluster() as admin_url
            ):
                for people in (args.baseline, args.people):
                    runs.append(_one("PostgreSQL", people, admin_url, args))
        else:
            for people in (args.baseline, args.people):
                runs.append(_one("SQLCipher", people, None, args))
    load = os.getloadavg()
    print()
    print(
        f"## {started}, CPUs {os.cpu_count()}, load average at the start "
        f"{load_start[0]:.1f}/{load_start[1]:.1f}/{load_start[2]:.1f}, at the end "
        f"{load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}; {args.requests} requests a page"
    )
    print()
    _table(runs)


if __name__ == "__main__":
    main()
