"""The chain migration on a trail written before it, and concurrent writers of the chain."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, column, select, table, text
from sqlalchemy.orm import Session, sessionmaker

from haven.audit import chain, service
from haven.audit.actions import AuditAction
from haven.audit.verify import verify
from haven.db.engine import make_engine
from haven.db.migrate import upgrade
from haven.db.session import make_session_factory, transaction
from haven.db.types import UTCDateTime
from haven.security.permissions import Actor
from tests.conftest import BACKENDS
from tests.postgres import create_database


@pytest.fixture(params=BACKENDS)
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh.db'}"
    return create_database(request.getfixturevalue("postgres_admin_url"), "haven_audit_fresh")


def test_the_migration_chains_events_written_before_it(fresh_url: str) -> None:
    engine = make_engine(fresh_url)
    upgrade(fresh_url, engine, "0002")
    old = table(
        "audit_events",
        column("id"),
        column("occurred_at", UTCDateTime()),
        column("actor_label"),
        column("action"),
        column("subject_type"),
        column("changes"),
    )
    start = datetime(2026, 11, 1, 8, 30, tzinfo=UTC)
    ids = [uuid.uuid4() for _ in range(3)]
    with engine.begin() as connection:
        for n, event_id in enumerate(ids):
            connection.execute(
                old.insert().values(
                    id=event_id.hex if connection.dialect.name == "sqlite" else event_id,
                    occurred_at=start + timedelta(minutes=n),
                    actor_label="system",
                    action="user.created",
                    subject_type="user",
                    changes='{"role": {"before": null, "after": "auditor"}}',
                )
            )
    upgrade(fresh_url, engine, "0003")
    with Session(engine) as session:
        report = verify(session, public_key=None)
        assert report.ok, report.problems
        assert report.events == 3
        order = session.execute(text("SELECT seq FROM audit_events ORDER BY occurred_at")).all()
        assert [row[0] for row in order] == [1, 2, 3]
        # New events carry on from the migrated chain.
        event = service.record(
            session,
            Actor.system(),
            AuditAction.USER_CREATED,
            subject_type="user",
            subject_id=None,
            organisation_id=None,
        )
        assert event.seq == 4
        assert event.prev_hash == report.head_hash
        assert verify(session, public_key=None).ok
    engine.dispose()


def _write(
    factory: sessionmaker[Session], label: str, count: int, errors: list[BaseException]
) -> None:
    try:
        for _ in range(count):
            with transaction(factory) as session:
                service.record(
                    session,
                    Actor.system(label),
                    AuditAction.USER_UPDATED,
                    subject_type="user",
                    subject_id=None,
                    organisation_id=None,
                )
    except BaseException as exc:  # noqa: BLE001 - reported by the test
        errors.append(exc)


def test_concurrent_writers_never_share_a_seq_or_a_link(fresh_url: str) -> None:
    engine: Engine = make_engine(fresh_url)
    upgrade(fresh_url, engine)
    factory = make_session_factory(engine)
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=_write, args=(factory, f"writer{n}", 15, errors)) for n in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Session(engine) as session:
        seqs = session.scalars(
            select(column("seq")).select_from(table("audit_events")).order_by(text("seq"))
        ).all()
        assert list(seqs) == list(range(1, 61))
        report = verify(session, public_key=None)
        assert report.ok, report.problems
        assert report.head_seq == 60
        assert chain.head(session)[0] == 60
    engine.dispose()
