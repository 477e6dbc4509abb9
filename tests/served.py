"""A real Haven server for tests that need one: `haven db upgrade` on an encrypted database
of its own, then `haven serve` on a free loopback port (a subprocess), stopped at the end.

Used by the browser tests (one server per worker) and by tests that must show what a running
server does (concurrent requests during an upload, an emergency wipe).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from haven.db.engine import make_engine
from haven.db.keyring import Keyring, new_key_file, read_key_file
from haven.db.session import make_session_factory, transaction
from tests.postgres import free_port


def run_haven(args: list[str], env: dict[str, str]) -> None:
    """Run a `haven` command; fail with its output if it fails."""
    subprocess.run([sys.executable, "-m", "haven", *args], env=env, check=True, capture_output=True)


def start_server(
    env: dict[str, str], log_path: Path, *, processes: int = 1
) -> tuple[subprocess.Popen[bytes], int]:
    """`haven serve` on a free loopback port, once it answers; another port if it exits
    first (another process may take the port between `free_port()` and the bind)."""
    command = [sys.executable, "-m", "haven", "serve", "--processes", str(processes)]
    for _attempt in range(3):
        port = free_port()
        with log_path.open("a") as log:
            process = subprocess.Popen(
                [*command, "--host", "127.0.0.1", "--port", str(port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        # A loaded 2-core machine (other suites running) can take long to start the server.
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and process.poll() is None:
            with contextlib.suppress(httpx.HTTPError):
                answered = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                if answered.status_code == 200 and process.poll() is None:
                    return process, port  # ours answered, not another process on the port
            time.sleep(0.2)
        if process.poll() is None:  # never answered: no use trying another port
            process.terminate()
            process.wait(timeout=10)
            break
    raise RuntimeError(log_path.read_text())


@dataclass(frozen=True)
class Served:
    """A running server: its address, environment, and its database opened from the test."""

    host: str
    port: int
    env: dict[str, str]
    engine: Engine
    keyring: Keyring
    log: Path
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work on the server's database, committed when the block ends."""
        with transaction(make_session_factory(self.engine, self.keyring)) as session:
            yield session


@contextmanager
def served(folder: Path, key_folder: Path, *, processes: int = 1) -> Iterator[Served]:
    """A migrated database with reference data only, served on a free loopback port; the
    key file in a folder of its own (never beside the database), as deployed."""
    key_file = key_folder / "haven.key"
    new_key_file(key_file)
    database_url = f"sqlite+pysqlcipher:///{folder / 'haven.db'}"
    env = {
        **os.environ,
        "HAVEN_DATABASE_URL": database_url,
        "HAVEN_KEY_FILE": str(key_file),
        "HAVEN_KEY_DIR": str(key_file.parent),
        "HAVEN_ARGON2_MEMORY_KIB": "1024",
        "HAVEN_ARGON2_TIME_COST": "1",
    }
    run_haven(["db", "upgrade"], env)
    log_path = folder / "server.log"
    process, port = start_server(env, log_path, processes=processes)
    keyring = read_key_file(key_file)
    engine = make_engine(database_url, keyring=keyring)
    try:
        yield Served("127.0.0.1", port, env, engine, keyring, log_path, process)
    finally:
        engine.dispose()
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)
