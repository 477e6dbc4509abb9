"""Session factories. Only the boundary (a request, a CLI command, a job) commits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from haven.db.keyring import Keyring


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
    uploaded file) holds no lock: on SQLite every transaction takes the write lock when it
    begins, and a request's first query (its authentication) begins one. The session stays
    usable; its next query begins a new transaction."""
    session.commit()


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit when the block ends normally, roll back on any exception."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
