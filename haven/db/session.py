"""Session factories. Only the boundary (a request, a CLI command, a job) commits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from haven.db import engine as engines
from haven.db.keyring import Keyring

# `session.info` key: the session keeps its write transaction short (a request, a job's step):
# work that serialises writers, such as appending to the audit chain, waits for the commit.
SHORT_WRITES = "haven.short_writes"


def make_session_factory(engine: Engine, keyring: Keyring | None = None) -> sessionmaker[Session]:
    """Sessions carry the keyring in `session.info`, for field encryption and audit signing."""
    return sessionmaker(
        bind=engine, expire_on_commit=False, autoflush=True, info={"keyring": keyring}
    )


def keyring_of(session: Session) -> Keyring:
    keyring = session.info.get("keyring")
    if keyring is None:
        raise RuntimeError("this session has no keyring: build it with make_session_factory")
    return keyring  # type: ignore[no-any-return]


def end_transaction(session: Session) -> None:
    """Commit what the session did so far, so that slow work needing no database (reading an
    uploaded file, a job's next step) holds no lock nor snapshot: on SQLite a transaction
    that has written holds the write lock until it ends. The session stays usable; its next
    query begins a new transaction (of the same kind: read first in a request)."""
    session.commit()


def take_write_lock(session: Session) -> None:
    """Hold the database's write lock from now until the transaction ends (SQLite; on
    PostgreSQL nothing: lock the rows that matter with `SELECT … FOR UPDATE`). For a check
    that must still hold when the write lands and that no constraint or row lock backs: a
    request's transaction reads a snapshot until its first write (`haven.db.engine`)."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        engines.take_write_lock(connection)


@contextmanager
def transaction(factory: sessionmaker[Session], *, read_first: bool = False) -> Iterator[Session]:
    """One unit of work: commit when the block ends normally, roll back on any exception.

    read_first (web requests): on SQLite the transaction begins DEFERRED and takes the write
    lock at its first write, so reading, checking and rendering hold no lock; otherwise it
    begins IMMEDIATE. PostgreSQL's transactions are the same either way. Either engine: its
    audit events are appended to the chain at commit (`SHORT_WRITES`, `haven.audit.service`)."""
    session = (
        factory(execution_options={engines.READ_FIRST: True}, info={SHORT_WRITES: True})
        if read_first
        else factory()
    )
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
