"""Import as a background job through the real server, with another user served meanwhile.

    python -m bench.import_job [--rows 5000] [--baseline 500]          (make bench-import-job)

For each size: a temporary SQLCipher database (`haven db upgrade`, a key file of its own), an
organisation, a reception point and a registrar with two API tokens; the real server
(`haven serve` on 127.0.0.1, its job worker thread included). The synthetic file of
`bench.importing.realistic` is sent to `POST /api/receptions/import?dry_run=false` (202: a
job); while the job runs, a second client asks `GET /api/me` every 50 ms and the job's status
every 0.5 s. Reported: the job's rows per second (rows / (finished − started), both phases:
every row checked, then written), the latency of the concurrent requests (p50, p95, max),
whether any failed, and the ratio of per-row time to the baseline file in the same run.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx

from bench.importing import SETTINGS, _registrar, realistic
from haven.accounts import tokens
from haven.accounts.models import User
from haven.db.engine import make_engine
from haven.db.keyring import new_key_file, read_key_file
from haven.db.session import make_session_factory, transaction
from haven.kernel.sensitivity import bind_actor
from haven.reception.importing import COLUMNS, ImportRow
from haven.security.permissions import Actor

SYSTEM = Actor.system("bench")


@dataclass(frozen=True)
class Figures:
    rows: int
    seconds: float
    rows_per_second: float
    requests: int
    failed: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    imported: int


def _csv(rows: list[ImportRow]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    names = list(COLUMNS)
    writer.writerow(names)
    for row in rows:
        writer.writerow(["" if row.values.get(n) is None else row.values[n] for n in names])
    return out.getvalue().encode("utf-8")


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value)


def run(rows: list[ImportRow], folder: Path) -> Figures:  # noqa: PLR0915 - one scenario, in order
    key_file = folder / "keys" / "haven.key"
    key_file.parent.mkdir(mode=0o700)
    new_key_file(key_file)
    url = f"sqlite+pysqlcipher:///{folder / 'haven.db'}"
    env = {
        **os.environ,
        "HAVEN_DATABASE_URL": url,
        "HAVEN_KEY_FILE": str(key_file),
        "HAVEN_KEY_DIR": str(key_file.parent),
        "HAVEN_LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "-m", "haven", "db", "upgrade"], env=env, check=True, capture_output=True
    )
    keyring = read_key_file(key_file)
    engine = make_engine(url, keyring=keyring)
    factory = make_session_factory(engine, keyring)
    user_id = _registrar(factory)
    with transaction(factory) as session:
        bind_actor(session, SYSTEM)
        user = session.get(User, user_id)
        assert user is not None
        uploader, _ = tokens.issue(session, SYSTEM, user=user, name="bench upload")
        reader, _ = tokens.issue(session, SYSTEM, user=user, name="bench reader")
    engine.dispose()
    port = _port()
    log = (folder / "server.log").open("wb")
    server = subprocess.Popen(  # noqa: S603 - our own command, no shell
        [sys.executable, "-m", "haven", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            time.sleep(0.2)
        latencies: list[float] = []
        failed = 0
        done = threading.Event()

        def ask() -> None:
            nonlocal failed
            with httpx.Client(base_url=base, timeout=30) as client:
                headers = {"Authorization": f"Bearer {reader}"}
                while not done.is_set():
                    started = time.perf_counter()
                    try:
                        ok = client.get("/api/me", headers=headers).status_code == 200
                    except httpx.HTTPError:
                        ok = False
                    latencies.append(time.perf_counter() - started)
                    failed += 0 if ok else 1
                    time.sleep(0.05)

        asker = threading.Thread(target=ask)
        headers = {"Authorization": f"Bearer {uploader}"}
        with httpx.Client(base_url=base, timeout=120) as client:
            sent = client.post(
                "/api/receptions/import",
                params={"dry_run": "false"},
                files={"file": ("people.csv", _csv(rows), "text/csv")},
                headers=headers,
            )
            if sent.status_code != 202:
                raise SystemExit(f"expected a job (202), got {sent.status_code}")
            asker.start()
            status = sent.json()["status_url"]
            job = client.get(status, headers=headers).json()
            while job["state"] in ("queued", "running"):
                time.sleep(0.5)
                job = client.get(status, headers=headers).json()
        done.set()
        asker.join()
        if job["state"] != "done" or job["result"]["errors"]:
            raise SystemExit(f"the job ended {job['state']} with errors {job['result']}")
        seconds = (_when(job["finished_at"]) - _when(job["started_at"])).total_seconds()
        ordered = sorted(latencies)
        return Figures(
            rows=len(rows),
            seconds=seconds,
            rows_per_second=len(rows) / seconds,
            requests=len(latencies),
            failed=failed,
            p50_ms=statistics.median(ordered) * 1000,
            p95_ms=ordered[int(0.95 * (len(ordered) - 1))] * 1000,
            max_ms=ordered[-1] * 1000,
            imported=len(job["result"]["person_ids"]),
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--baseline", type=int, default=500)
    args = parser.parse_args(argv)
    _ = SETTINGS
    results: list[tuple[str, Figures]] = []
    for label, count, seed in (("baseline", args.baseline, 11), ("large", args.rows, 7)):
        with tempfile.TemporaryDirectory(prefix="haven-bench-job-") as folder:
            figures = run(realistic(count, seed), Path(folder))
        results.append((label, figures))
        print(f"{label}: {figures}", flush=True)
    load = os.getloadavg()
    base = results[0][1]
    print()
    print(f"Load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(
        "| file | rows | job time (s) | rows/s | per-row ratio to baseline | concurrent "
        "requests | failed | p50 (ms) | p95 (ms) | max (ms) | imported |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label, f in results:
        ratio = (f.seconds / f.rows) / (base.seconds / base.rows)
        print(
            f"| {label} | {f.rows:,} | {f.seconds:.1f} | {f.rows_per_second:.0f} | {ratio:.2f} "
            f"| {f.requests} | {f.failed} | {f.p50_ms:.0f} | {f.p95_ms:.0f} | {f.max_ms:.0f} "
            f"| {f.imported:,} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
