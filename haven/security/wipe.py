"""Emergency wipe: destroy the key material first, stop every running server, then the data.

Every key Haven uses is derived from one root secret (`haven.db.keyring`); the root
exists only as the key file, or as the passphrase stretched over the salt in the key
directory. Overwriting and unlinking those few bytes makes the database, its WAL, every
backup and every wrapped field key unreadable at once — that is what takes well under a
second. A server already running still holds the derived keys in memory and the database
open, so the wipe then writes the wipe marker and signals every registered server
(`haven.security.running`): each drops its keys, closes the database and stops within a
second or two; one that does not exit after SIGTERM is killed. Removing the SQLite files (or
dropping PostgreSQL's schema) afterwards is tidiness, so that Haven then behaves like a fresh
install.

Overwriting is best effort: on flash storage and copy-on-write or journalled file systems the
old blocks may survive an overwrite. That is why the key file and key directory belong on
storage that can be destroyed or removed (a USB stick, an encrypted home), never beside the
database, and why destroying the key, not the ciphertext, is the guarantee.

Nothing here asks for the old key: the wipe must work for an operator under pressure.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text

from haven.config import Settings
from haven.db.engine import make_engine, sqlite_path
from haven.db.keyring import LEDGER_FILE, passphrase_files
from haven.security import running

SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")


@dataclass
class WipeReport:
    destroyed_keys: list[Path] = field(default_factory=list)
    removed_files: list[Path] = field(default_factory=list)
    dropped_schema: bool = False
    database_error: str | None = None
    key_seconds: float = 0.0
    total_seconds: float = 0.0
    keys_gone_at: float = 0.0  # time.monotonic() when the last key file was unlinked
    servers_signalled: list[int] = field(default_factory=list)
    servers_killed: list[int] = field(default_factory=list)
    servers_seconds: float = 0.0  # from the marker to the last server gone


def destroy_file(path: Path) -> bool:
    """Overwrite a file with random bytes, flush it to disk, then unlink it."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return False
    with contextlib.suppress(OSError), path.open("r+b", buffering=0) as handle:
        handle.write(secrets.token_bytes(max(size, 64)))
        os.fsync(handle.fileno())
    path.unlink(missing_ok=True)
    return True


def key_material(settings: Settings) -> list[Path]:
    """The files whose destruction makes every Haven key unrecoverable."""
    files = [settings.key_file] if settings.key_file is not None else []
    return [*files, *passphrase_files(settings.key_dir)]


def emergency_wipe(settings: Settings) -> WipeReport:
    """Destroy the keys, then the database; never prompts, never needs the old key."""
    report = WipeReport()
    started = time.monotonic()
    for path in key_material(settings):
        if destroy_file(path):
            report.destroyed_keys.append(path)
    _sync_directories(key_material(settings))
    report.keys_gone_at = time.monotonic()
    report.key_seconds = report.keys_gone_at - started
    # Running servers: the marker trips each one at its next request (or within a second),
    # the signal makes it exit; the database goes only once they have closed it.
    marked = time.monotonic()
    # A key directory that cannot be written: the signals still reach the servers.
    with contextlib.suppress(OSError):
        running.mark_wiped(settings.key_dir)
    report.servers_signalled, report.servers_killed = running.stop_servers(settings.key_dir)
    report.servers_seconds = time.monotonic() - marked
    # The ledger names erased people only; with every record gone it has nothing to protect.
    destroy_file(settings.key_dir / LEDGER_FILE)
    database = sqlite_path(settings.database_url)
    if database is not None:
        for suffix in SQLITE_SUFFIXES:
            candidate = Path(f"{database}{suffix}")
            if candidate.exists():
                candidate.unlink()
                report.removed_files.append(candidate)
    elif settings.database_url.startswith("postgresql"):
        report.dropped_schema, report.database_error = _drop_postgresql_schema(
            settings.database_url
        )
    report.total_seconds = time.monotonic() - started
    return report


def _sync_directories(paths: list[Path]) -> None:
    """Make the unlinks durable (a power cut must not bring a key file back)."""
    for folder in {p.parent for p in paths}:
        with contextlib.suppress(OSError):
            fd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def _drop_postgresql_schema(url: str) -> tuple[bool, str | None]:
    engine = make_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.begin() as connection:
            # Do not wait behind a running server's locks for long; the keys are gone already.
            connection.execute(text("SET LOCAL lock_timeout = '3s'"))
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    except Exception as exc:  # noqa: BLE001 - report, the keys are destroyed whatever happens
        return False, type(exc).__name__
    finally:
        engine.dispose()
    return True, None
