"""Encrypted backups, verified before anything is restored.

A backup file is

    MAGIC | u32 header length | header (JSON) | chunk … chunk(final)
    chunk = u32 length | AES-256-GCM ciphertext and tag of up to CHUNK_BYTES of payload

under `keyring.backup_key`. The header (format version, creation time, database kind,
Alembic revision, nonce prefix) is authenticated as associated data of every chunk, and each
chunk's nonce is the header's random prefix, the chunk's number and a "final" flag (the STREAM
construction), so a changed, removed, reordered or truncated chunk, a changed header or
trailing bytes are all refused. The payload streams through: a large database never has to
fit in memory.

The payload:
- SQLite/SQLCipher: `VACUUM INTO` a file (a consistent snapshot, itself SQLCipher-encrypted
  with the database key, so the temporary file is never plaintext), then its bytes.
- PostgreSQL: a logical dump of every table through SQLAlchemy, as JSON lines, read in one
  REPEATABLE READ transaction (a consistent snapshot). Not `pg_dump`: it is not on every
  machine, its version must match the server's, and its output would have to be encrypted
  from a pipe anyway; the JSON lines also restore into an older schema revision, which is then
  migrated forward.

Restore verifies every chunk before touching the database, refuses a backup of a newer schema
(or one made under other key material, or of the other kind of database), replaces the
database atomically (SQLite: `os.replace` of the whole file; PostgreSQL: one transaction),
migrates it to the code's revision, and re-applies the erasure ledger, so a person erased
after the backup was made stays erased.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import struct
import tempfile
import uuid
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from alembic import command
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Connection, Engine, Table, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from haven.db import tables as stored
from haven.db.engine import make_engine, sqlite_path
from haven.db.keyring import Keyring
from haven.db.migrate import MIGRATIONS_DIR, alembic_config, current_revision
from haven.kernel.sensitivity import bind_actor
from haven.people.public import LedgerDamaged, ledger_path, read_ledger, reapply_ledger
from haven.security.permissions import Actor

MAGIC = b"HAVENBK\x01"
FORMAT_VERSION = 1
CHUNK_BYTES = 1024 * 1024
NONCE_PREFIX_BYTES = 7
TAG_BYTES = 16
MAX_HEADER_BYTES = 64 * 1024
KIND_SQLITE = "sqlite"
KIND_POSTGRESQL = "postgresql"


class BackupRefused(RuntimeError):
    """The backup cannot be made or restored; the message says why. Nothing was changed."""


@dataclass(frozen=True)
class BackupHeader:
    format: int
    created_at: str
    kind: str
    revision: str
    key_id: str
    nonce_prefix: str

    def encode(self) -> bytes:
        return json.dumps(self.__dict__, sort_keys=True, separators=(",", ":")).encode()


@dataclass(frozen=True)
class RestoreResult:
    kind: str
    backup_revision: str
    revision: str | None
    created_at: str
    reapplied_erasures: int


def key_id(keyring: Keyring) -> str:
    """Names the key material a backup was made with, without revealing anything of it."""
    return hmac.new(keyring.backup_key, b"haven backup key id", hashlib.sha256).hexdigest()[:16]


def database_kind(url: str) -> str:
    return KIND_SQLITE if sqlite_path(url) is not None else KIND_POSTGRESQL


# --- the sealed stream ----------------------------------------------------------------------


def _nonce(prefix: bytes, counter: int, final: bool) -> bytes:
    return prefix + struct.pack(">IB", counter, 1 if final else 0)


class _Sealer:
    """Encrypts what is written to it, chunk by chunk, into `out`."""

    def __init__(self, out: IO[bytes], keyring: Keyring, header: BackupHeader) -> None:
        self._out = out
        self._aead = AESGCM(keyring.backup_key)
        self._prefix = bytes.fromhex(header.nonce_prefix)
        encoded = header.encode()
        self._aad = MAGIC + encoded
        self._buffer = bytearray()
        self._counter = 0
        out.write(MAGIC + struct.pack(">I", len(encoded)) + encoded)

    def write(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) > CHUNK_BYTES:
            self._emit(bytes(self._buffer[:CHUNK_BYTES]), final=False)
            del self._buffer[:CHUNK_BYTES]

    def close(self) -> None:
        self._emit(bytes(self._buffer), final=True)
        self._buffer.clear()

    def _emit(self, chunk: bytes, *, final: bool) -> None:
        if self._counter >= 2**32 - 1:
            raise BackupRefused("the database is too large for one backup file")
        sealed = self._aead.encrypt(_nonce(self._prefix, self._counter, final), chunk, self._aad)
        self._out.write(struct.pack(">I", len(sealed)) + sealed)
        self._counter += 1


def read_header(path: Path) -> BackupHeader:
    """The header of a backup file (not yet authenticated: `_open_chunks` does that)."""
    with path.open("rb") as handle:
        header, _ = _read_header(handle)
    return header


def _read_header(handle: IO[bytes]) -> tuple[BackupHeader, bytes]:
    if handle.read(len(MAGIC)) != MAGIC:
        raise BackupRefused("This file is not a Haven backup, or not one this Haven reads.")
    size_bytes = handle.read(4)
    if len(size_bytes) != 4:
        raise BackupRefused("The backup is truncated: nothing was restored.")
    (size,) = struct.unpack(">I", size_bytes)
    if size > MAX_HEADER_BYTES:
        raise BackupRefused("The backup's header is damaged: nothing was restored.")
    encoded = handle.read(size)
    try:
        fields = json.loads(encoded)
        header = BackupHeader(**fields)
    except (ValueError, TypeError):
        raise BackupRefused("The backup's header is damaged: nothing was restored.") from None
    if header.format != FORMAT_VERSION:
        raise BackupRefused(f"Backup format {header.format} is not one this Haven reads.")
    return header, MAGIC + encoded


def _open_chunks(path: Path, keyring: Keyring) -> Iterator[bytes]:
    """Yield the payload chunk by chunk; raise BackupRefused at the first sign of tampering."""
    tampered = BackupRefused(
        "The backup has been modified or damaged (its authentication failed): nothing was restored."
    )
    with path.open("rb") as handle:
        header, aad = _read_header(handle)
        if not hmac.compare_digest(header.key_id, key_id(keyring)):
            raise BackupRefused(
                "This backup was made under other key material: the current key cannot "
                "open it. Nothing was restored."
            )
        aead = AESGCM(keyring.backup_key)
        prefix = bytes.fromhex(header.nonce_prefix)
        counter = 0
        while True:
            size_bytes = handle.read(4)
            if len(size_bytes) != 4:
                raise tampered  # truncated before the final chunk
            (size,) = struct.unpack(">I", size_bytes)
            if size < TAG_BYTES or size > CHUNK_BYTES + TAG_BYTES:
                raise tampered
            sealed = handle.read(size)
            if len(sealed) != size:
                raise tampered
            for final in (False, True):
                try:
                    chunk = aead.decrypt(_nonce(prefix, counter, final), sealed, aad)
                except InvalidTag:
                    continue
                break
            else:
                raise tampered
            yield chunk
            counter += 1
            if final:
                if handle.read(1):
                    raise tampered  # bytes after the final chunk
                return


def verify(path: Path, keyring: Keyring) -> BackupHeader:
    """Authenticate the whole file without keeping anything of it."""
    header = read_header(path)
    # Reading every chunk authenticates it (GCM); the plaintext is dropped at once.
    deque(_open_chunks(path, keyring), maxlen=0)
    return header


# --- making a backup ------------------------------------------------------------------------


def create_backup(engine: Engine, keyring: Keyring, out: Path) -> BackupHeader:
    """Write an encrypted backup of the database behind `engine` to `out` (never overwritten)."""
    url = engine.url.render_as_string(hide_password=False)
    kind = database_kind(url)
    revision = current_revision(engine)
    if revision is None:
        raise BackupRefused("The database is empty (not migrated): there is nothing to back up.")
    header = BackupHeader(
        format=FORMAT_VERSION,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        kind=kind,
        revision=revision,
        key_id=key_id(keyring),
        nonce_prefix=secrets.token_bytes(NONCE_PREFIX_BYTES).hex(),
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial-{secrets.token_hex(4)}")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            sealer = _Sealer(handle, keyring, header)
            if kind == KIND_SQLITE:
                _sqlite_payload(engine, sealer)
            else:
                _postgresql_payload(engine, sealer)
            sealer.close()
            handle.flush()
            os.fsync(handle.fileno())
        # link, not rename: refuses to replace a file that appeared at `out` meanwhile.
        os.link(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return header


def _outside_transaction(engine: Engine, statement: str, *parameters: str) -> None:
    """VACUUM and checkpoints cannot run inside a transaction: use the driver's connection,
    which Haven keeps in autocommit (SQLAlchemy's `begin` hook is what issues BEGIN)."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(statement, parameters)
        cursor.close()
    finally:
        raw.close()


def _scratch_dir() -> str | None:
    """Memory-backed scratch space where there is one (the snapshot is ciphertext anyway)."""
    shm = Path("/dev/shm")  # noqa: S108 - tmpfs: the snapshot never reaches a disk
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


def _sqlite_payload(engine: Engine, sealer: _Sealer) -> None:
    with tempfile.TemporaryDirectory(prefix="haven-backup-", dir=_scratch_dir()) as scratch:
        snapshot = Path(scratch) / "snapshot.db"
        _outside_transaction(engine, "VACUUM INTO ?", str(snapshot))
        with snapshot.open("rb") as handle:
            while block := handle.read(CHUNK_BYTES):
                sealer.write(block)


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, uuid.UUID):
        return {"$": "uuid", "v": str(value)}
    if isinstance(value, datetime):
        return {"$": "datetime", "v": value.isoformat()}
    if isinstance(value, date):
        return {"$": "date", "v": value.isoformat()}
    if isinstance(value, time):
        return {"$": "time", "v": value.isoformat()}
    if isinstance(value, timedelta):
        return {"$": "timedelta", "v": value.total_seconds()}
    if isinstance(value, Decimal):
        return {"$": "decimal", "v": str(value)}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$": "bytes", "v": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, dict | list):
        return {"$": "json", "v": value}
    raise BackupRefused(f"cannot back up a value of type {type(value).__name__}")


def _decode(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    tag, raw = value["$"], value["v"]
    decoders: dict[str, Any] = {
        "uuid": uuid.UUID,
        "datetime": datetime.fromisoformat,
        "date": date.fromisoformat,
        "time": time.fromisoformat,
        "timedelta": lambda v: timedelta(seconds=v),
        "decimal": Decimal,
        "bytes": base64.b64decode,
        "json": lambda v: v,
    }
    return decoders[tag](raw)


def _postgresql_payload(engine: Engine, sealer: _Sealer) -> None:
    snapshot = engine.connect().execution_options(isolation_level="REPEATABLE READ")
    with snapshot as connection, connection.begin():
        for table in stored.data_tables(connection):
            columns = [c.name for c in table.columns]
            line = {"table": table.name, "columns": columns}
            sealer.write(json.dumps(line).encode() + b"\n")
            for row in stored.rows_in_key_order(connection, table, batch=1000):
                encoded = [_encode(v) for v in row]
                sealer.write(json.dumps({"row": encoded}, ensure_ascii=False).encode() + b"\n")


# --- restoring ------------------------------------------------------------------------------


def _check_revision(header: BackupHeader) -> None:
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    try:
        known = script.get_revision(header.revision)
    except CommandError:
        known = None
    if known is None:
        raise BackupRefused(
            f"The backup is of schema revision {header.revision}, which this Haven does not "
            "know (a newer Haven made it). Upgrade Haven first; nothing was restored."
        )


def restore_backup(
    path: Path, url: str, keyring: Keyring, *, key_dir: Path | None = None
) -> RestoreResult:
    """Verify `path` completely, then replace the database at `url` with its content.

    Every check happens before the database is touched, and the restored copy is migrated
    and has the erasure ledger re-applied before it replaces the live one: any failure
    leaves the database as it was.
    """
    header = verify(path, keyring)
    kind = database_kind(url)
    if header.kind != kind:
        raise BackupRefused(
            f"This is a backup of a {header.kind} database; the configured database is "
            f"{kind}. Nothing was restored."
        )
    _check_revision(header)
    try:
        erased = read_ledger(ledger_path(key_dir)) if key_dir is not None else []
    except LedgerDamaged as exc:
        raise BackupRefused(
            f"{exc} The restore stopped so that no erased person comes back. Repair the ledger "
            "and restore again."
        ) from None
    if kind == KIND_SQLITE:
        reapplied = _restore_sqlite(path, url, keyring, erased)
    else:
        reapplied = _restore_postgresql(path, url, keyring, erased)
    engine = make_engine(url, keyring=keyring)
    try:
        revision = current_revision(engine)
    finally:
        engine.dispose()
    return RestoreResult(
        kind=kind,
        backup_revision=header.revision,
        revision=revision,
        created_at=header.created_at,
        reapplied_erasures=reapplied,
    )


def _finish(connection: Connection, url: str, keyring: Keyring, erased: list[uuid.UUID]) -> int:
    """Migrate the restored data to the code's revision and erase again whoever was erased."""
    config = alembic_config(url)
    config.attributes["connection"] = connection
    config.attributes["keyring"] = keyring  # data migrations that encrypt fields need it
    command.upgrade(config, "head")
    if not erased:
        return 0
    session = Session(bind=connection, info={"keyring": keyring}, expire_on_commit=False)
    bind_actor(session, Actor.system("restore"))
    try:
        reapply_ledger(session, erased)
        session.flush()
    finally:
        session.close()
    return len(erased)


def _restore_sqlite(path: Path, url: str, keyring: Keyring, erased: list[uuid.UUID]) -> int:
    target = sqlite_path(url)
    assert target is not None  # noqa: S101 - database_kind said SQLite with a file
    target.parent.mkdir(parents=True, exist_ok=True)
    # Beside the target, so that the final rename is atomic (same file system); the payload
    # is the SQLCipher file, ciphertext under the database key.
    staged = target.with_name(f".{target.name}.restore-{secrets.token_hex(4)}")
    try:
        fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            for chunk in _open_chunks(path, keyring):
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        staged_url = make_url(url).set(database=str(staged)).render_as_string(False)
        check = make_engine(staged_url, keyring=keyring)
        try:
            with check.connect() as connection:
                result = connection.exec_driver_sql("PRAGMA quick_check").scalar()
            if result != "ok":
                raise BackupRefused("The backed-up database is damaged: nothing was restored.")
            with check.begin() as connection:
                reapplied = _finish(connection, staged_url, keyring, erased)
        finally:
            check.dispose()
        # Fold the live database's WAL into it, so that no stale WAL outlives the swap.
        if target.exists():
            live = make_engine(url, keyring=keyring)
            try:
                _outside_transaction(live, "PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                live.dispose()
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        os.replace(staged, target)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{staged}{suffix}").unlink(missing_ok=True)
    return reapplied


def _rows(path: Path, keyring: Keyring) -> Iterator[dict[str, Any]]:
    pending = b""
    for chunk in _open_chunks(path, keyring):
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            yield json.loads(line)
    if pending:
        yield json.loads(pending)


def _restore_postgresql(path: Path, url: str, keyring: Keyring, erased: list[uuid.UUID]) -> int:
    engine = make_engine(url, keyring=keyring)
    try:
        with engine.begin() as connection:
            # One transaction (PostgreSQL's DDL is transactional): all of it, or nothing.
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
            header = read_header(path)
            config = alembic_config(url)
            config.attributes["connection"] = connection
            config.attributes["keyring"] = keyring
            command.upgrade(config, header.revision)
            tables = {t.name: t for t in stored.data_tables(connection)}
            table: Table | None = None
            batch: list[dict[str, Any]] = []
            columns: list[str] = []
            for record in _rows(path, keyring):
                if "table" in record:
                    _flush(connection, table, batch)
                    table = tables.get(record["table"])
                    if table is None:
                        raise BackupRefused(
                            f"The backup has a table {record['table']!r} that its own schema "
                            "revision does not: nothing was restored."
                        )
                    columns = record["columns"]
                    continue
                batch.append(dict(zip(columns, map(_decode, record["row"]), strict=True)))
                if len(batch) >= 1000:
                    _flush(connection, table, batch)
            _flush(connection, table, batch)
            _reset_sequences(connection, list(tables.values()))
            return _finish(connection, url, keyring, erased)
    finally:
        engine.dispose()


def _flush(connection: Connection, table: Table | None, batch: list[dict[str, Any]]) -> None:
    if table is not None and batch:
        connection.execute(table.insert(), batch)
    batch.clear()


def _reset_sequences(connection: Connection, tables: list[Table]) -> None:
    """Integer keys drawn from a sequence continue after the restored rows."""
    for table in tables:
        for column in table.primary_key.columns:
            if column.type.python_type is not int:
                continue
            sequence = connection.execute(
                text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
            ).scalar()
            if sequence is None:
                continue
            highest = stored.highest(connection, column)
            connection.execute(
                text("SELECT setval(:s, :v, false)"), {"s": sequence, "v": (highest or 0) + 1}
            )


# --- the erasure ledger ---------------------------------------------------------------------
