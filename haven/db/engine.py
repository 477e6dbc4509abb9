"""Engines for the embedded database (SQLCipher, or plain SQLite) and for PostgreSQL.

The embedded default is `sqlite+pysqlcipher:///path`: SQLCipher 4 (the `sqlcipher3` wheel)
through SQLAlchemy's pysqlcipher dialect. The page key is the keyring's raw 32-byte
`database_key`, given as `PRAGMA key = "x'…'"` (raw-key form: no second KDF inside
SQLCipher) as the very first statement of every connection; temporary tables and indices stay
in memory. A plain `sqlite:///` URL still works when asked for explicitly (unencrypted).
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import Any

import sqlcipher3  # type: ignore[import-untyped]
from sqlalchemy import Connection, Engine, TextClause, create_engine, event
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlcipher import SQLiteDialect_pysqlcipher
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import QueuePool

from haven.db.keyring import Keyring

SQLCIPHER_DRIVER = "pysqlcipher"
# The first 16 bytes of every unencrypted SQLite file; an SQLCipher file starts with its salt.
PLAIN_SQLITE_HEADER = b"SQLite format 3\x00"


class WrongDatabaseKey(RuntimeError):
    """The key does not open this database (or the file is not a Haven database)."""


class HavenSQLCipherDialect(SQLiteDialect_pysqlcipher):
    """SQLAlchemy's pysqlcipher dialect, minus its `PRAGMA key` taken from the URL password.

    Haven never puts a key in a URL (URLs end up in settings, logs and error messages): the
    key comes from the keyring, set by `make_engine` when the connection is opened. The stock
    dialect would otherwise run `PRAGMA key=""`, which SQLCipher 4 rejects.
    """

    supports_statement_cache = True

    def on_connect_url(self, url: URL) -> Any:
        if url.password:
            raise ValueError("Haven takes the database key from its keyring, never from the URL")
        return SQLiteDialect_pysqlite.on_connect_url(self, url)


registry.register("sqlite.pysqlcipher", __name__, "HavenSQLCipherDialect")


def is_sqlite(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def is_sqlcipher(url: str | URL) -> bool:
    parsed = make_url(url)
    return parsed.get_backend_name() == "sqlite" and parsed.get_driver_name() == SQLCIPHER_DRIVER


def sqlite_path(url: str | URL) -> Path | None:
    """The database file of an SQLite URL (None for PostgreSQL and in-memory databases)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    return Path(database)


def private_database_file(path: Path) -> None:
    """Create the database file readable by its owner only (0600, in a 0700 folder when
    Haven makes the folder), before SQLite opens it: SQLite gives its WAL and shared-memory
    files the same mode. An existing database, WAL or SHM file that others could read is made
    private too (a database made by an older Haven, or copied in)."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for suffix in ("", "-wal", "-shm", "-journal"):
        candidate = Path(f"{path}{suffix}")
        with contextlib.suppress(OSError):
            info = candidate.stat()
            if info.st_uid == os.getuid() and info.st_mode & 0o077:
                candidate.chmod(0o600)


PLAN_FOR_EACH_RUN = "-c plan_cache_mode=force_custom_plan"


def make_engine(url: str, keyring: Keyring | None = None, **kwargs: Any) -> Engine:
    """Create an engine; for SQLite, create the file (owner only) and its folder, and turn on
    WAL and foreign keys.

    An SQLCipher URL needs the keyring (there is no unencrypted fallback). PostgreSQL ignores
    it: there the keyring serves field encryption and audit signing, through the sessions.
    """
    if not is_sqlite(url):
        # Every execution planned for its own values: psycopg prepares a statement run five
        # times on a connection, and after five more PostgreSQL may keep one generic plan for
        # every value, blind to how many rows a period or a site selects. The arrivals report's
        # queries over a year of 100,000 receptions took 135 ms with plans of their own and
        # 425 ms from their eleventh run with the generic plan (docs/benchmarks.md).
        connect_args = {"options": PLAN_FOR_EACH_RUN, **kwargs.pop("connect_args", {})}
        # hide_parameters: an IntegrityError's text must never carry a person's data into a log.
        return create_engine(
            url,
            pool_pre_ping=True,
            hide_parameters=True,
            connect_args=connect_args,
            **kwargs,
        )
    path = sqlite_path(url)
    if path is not None:
        private_database_file(path)
    options: dict[str, Any] = {
        "connect_args": {"timeout": 30, "check_same_thread": False},
        "hide_parameters": True,
    }
    encrypted = is_sqlcipher(url)
    if encrypted:
        if keyring is None:
            raise ValueError("an SQLCipher database needs Haven's keyring to open it")
        options["module"] = sqlcipher3
        if path is not None:
            # The dialect's default (SingletonThreadPool) suits :memory: only; a file gets the
            # same pool as plain SQLite.
            options["poolclass"] = QueuePool
    engine = create_engine(url, **options, **kwargs)
    if encrypted:
        assert keyring is not None  # noqa: S101 - checked above; for the type checker
        event.listen(engine, "do_connect", _keyed_connect(keyring.database_key, path))
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin)
    event.listen(engine, "before_execute", _sqlite_before_execute)
    event.listen(engine, "commit", _sqlite_end)
    event.listen(engine, "rollback", _sqlite_end)
    return engine


def _keyed_connect(key: bytes, path: Path | None) -> Any:
    pragma = f"PRAGMA key = \"x'{key.hex()}'\""

    def connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        connection = dialect.loaded_dbapi.connect(*cargs, **cparams)
        try:
            cursor = connection.cursor()
            # SQLCipher logs failed page checks (a wrong key) to stderr; Haven reports it itself.
            cursor.execute("PRAGMA cipher_log_level = NONE")
            # The key first: before it, nothing may read or write a page.
            cursor.execute(pragma)
            cursor.execute("SELECT count(*) FROM sqlite_master").fetchone()
            cursor.close()
        except dialect.loaded_dbapi.DatabaseError:
            connection.close()
            raise WrongDatabaseKey(_wrong_key_message(path)) from None
        return connection

    return connect


def _wrong_key_message(path: Path | None) -> str:
    where = f" ({path})" if path is not None else ""
    try:
        plain = path is not None and path.open("rb").read(16) == PLAIN_SQLITE_HEADER
    except OSError:
        plain = False
    if plain:
        return (
            f"The database file{where} is not encrypted (plain SQLite). Haven opens only "
            "encrypted databases: move it aside and run `haven db upgrade`, or use an "
            "explicit sqlite:/// URL to read it."
        )
    return (
        f"The key does not open this database{where}. Check HAVEN_KEY_FILE or the "
        "passphrase; no key Haven can produce from other key material will open it."
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin, so that
    # SAVEPOINTs work (the pysqlite recipe in SQLAlchemy's SQLite dialect documentation).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    if type(dbapi_connection).__module__.startswith("sqlcipher3"):
        # SQLCipher's default since 4.5.0, said out loud: its own key material is wiped and
        # locked out of swap regardless; wiping every page buffer as well cost ten times per
        # inserted row and protected nothing Python's heap does not hold in plain text anyway
        # (docs/security.md, "Memory of a running laptop").
        cursor.execute("PRAGMA cipher_memory_security = OFF")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA temp_store=MEMORY")
    # 16 MB of pages per connection instead of SQLite's 2 MB: SQLCipher decrypts every page
    # it loads into this cache, so pages read again (the search's indexes, a list's newest
    # persons) cost nothing. Measured at 100,000 people: the people search's p95 76 ms with
    # 2 MB, 37 ms with 16 MB; 64 MB brought little more once the search reads indexes only.
    # Modest, because each pooled connection has its own and a cheap laptop runs the server.
    cursor.execute("PRAGMA cache_size=-16384")
    cursor.close()


# Transactions on SQLite (docs/architecture.md, "Transactions").
#
# By default a transaction begins IMMEDIATE: it takes the database's write lock up front, so
# concurrent writers wait (busy_timeout) instead of failing with "database is locked" when a
# read transaction tries to become a write. Command-line sessions, jobs and tests keep that.
#
# A session opened with the execution option READ_FIRST (every web request: `transaction(…,
# read_first=True)`) begins DEFERRED instead: in WAL mode it reads a snapshot, holds no lock
# and waits for nobody. At its first write (INSERT, UPDATE, DELETE, DDL, a SAVEPOINT, or a
# SELECT … FOR UPDATE, which on PostgreSQL locks rows) the read transaction is ended and the
# same connection begins IMMEDIATE: the write lock is held only from the first write to the
# commit, and what follows sees everything committed before it. A read transaction is never
# upgraded in place (SQLite would answer SQLITE_BUSY_SNAPSHOT at once, not wait), so no
# request fails with "database is locked" for having read first. Like READ COMMITTED on
# PostgreSQL, what was read before the first write may have changed by then: a decision that
# must hold at the write locks first (`SELECT … FOR UPDATE`, `take_write_lock`) and re-reads,
# or rests on a unique constraint.
READ_FIRST = "haven_read_first"
_READING = "haven_reading"  # connection.info: a READ_FIRST transaction that has not written


def _sqlite_begin(connection: Any) -> None:
    connection.info.pop(_READING, None)
    if connection.get_execution_options().get(READ_FIRST):
        connection.exec_driver_sql("BEGIN DEFERRED")
        connection.info[_READING] = True
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_end(connection: Any) -> None:
    connection.info.pop(_READING, None)


_READS = re.compile(r"\s*(SELECT|PRAGMA|EXPLAIN|VALUES|BEGIN|COMMIT|ROLLBACK|END)\b", re.I)
_CHANGES = re.compile(r"\b(INSERT|UPDATE|DELETE|REPLACE)\b", re.I)


def _writes(statement: Any) -> bool:
    """Whether a statement about to run writes or locks (unknown kinds count as writes)."""
    if getattr(statement, "is_select", False):
        return getattr(statement, "_for_update_arg", None) is not None
    if isinstance(statement, TextClause):
        statement = statement.text
    if isinstance(statement, str):
        if re.match(r"\s*WITH\b", statement, re.I):
            return _CHANGES.search(statement) is not None
        return _READS.match(statement) is None
    return True


def _sqlite_before_execute(connection: Any, statement: Any, *_args: Any) -> None:
    if connection.info.get(_READING) and _writes(statement):
        take_write_lock(connection)


def take_write_lock(connection: Connection) -> None:
    """Make the connection's READ_FIRST transaction a write transaction now (SQLite): end the
    read snapshot, begin IMMEDIATE (waiting for the lock up to busy_timeout). Nothing for a
    transaction that holds the lock already, and for PostgreSQL."""
    if connection.info.pop(_READING, False):
        dbapi = connection.connection.dbapi_connection
        if dbapi is None:  # pragma: no cover - a connection in a transaction has one
            raise RuntimeError("the connection has no database connection")
        dbapi.execute("COMMIT")
        dbapi.execute("BEGIN IMMEDIATE")


def refresh_statistics(engine: Engine) -> None:
    """Keep SQLite's query-planner statistics current (`PRAGMA optimize`, as SQLite advises
    long-lived connections: at start, then every few hours). Without them the planner cannot
    tell a selective index from a wide one: a people search read every person of the
    organisation through (organisation, created_at) instead of the name keys' index (187 ms
    against 0.7 ms at 20,000 people). Only tables whose statistics are missing, or whose size
    changed tenfold since, are analysed: nothing most hours. Whole tables, not a sample
    (`analysis_limit`): sampled from the start of an index whose first column is the
    organisation, the statistics took 1,000 people for an organisation of 100,000. PostgreSQL's
    autovacuum does this itself."""
    if engine.dialect.name != "sqlite":
        return
    with engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA optimize = 0x10002")
