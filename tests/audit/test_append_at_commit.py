"""A short write transaction (a request, a job's step) appends its audit events to the chain at
commit: until then it holds no lock on the chain, so another writer is not kept waiting for
its duplicate check and screening; a rolled-back savepoint takes its events with it; reading
the trail in the transaction sees its own events (haven.audit.service). Real engines,
committed transactions."""

from __future__ import annotations

import threading

from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.audit import service
from haven.audit.actions import AuditAction
from haven.audit.models import AuditEvent
from haven.audit.verify import verify
from haven.db.engine import make_engine
from haven.db.keyring import Keyring
from haven.db.session import make_session_factory, transaction
from haven.security.permissions import Actor

ACTOR = Actor.system("append test")


def _record(session: Session, label: str) -> AuditEvent:
    return service.record(
        session,
        ACTOR,
        AuditAction.PERSON_UPDATED,
        subject_type=label,
        subject_id=None,
        organisation_id=None,
    )


def test_events_wait_for_the_commit_and_the_chain_holds(
    private_database_url: str, keyring: Keyring
) -> None:
    engine = make_engine(private_database_url, keyring=keyring)
    factory = make_session_factory(engine, keyring)
    try:
        with transaction(factory, read_first=True) as first:
            early = _record(first, "early")
            assert early.seq is None  # not yet in the chain: no lock taken for it

            # Another writer appends and commits meanwhile, from another thread (were the
            # chain locked by `first`, it would wait until `first` ends: it must not).
            def other_writer() -> None:
                with transaction(factory, read_first=True) as second:
                    _record(second, "other")

            other = threading.Thread(target=other_writer)
            other.start()
            other.join(timeout=20)
            assert not other.is_alive(), "the second writer waited for the first"

            savepoint = first.begin_nested()
            _record(first, "dropped")
            savepoint.rollback()
            late = _record(first, "late")
            # Reading the trail in the transaction appends what waits first.
            own = first.scalars(
                select(AuditEvent.subject_type).where(AuditEvent.actor_label == ACTOR.label)
            ).all()
            assert list(own) == ["other", "early", "late"]
            assert early.seq is not None
            assert late.seq == early.seq + 1
        with factory() as session:
            labels = session.scalars(
                select(AuditEvent.subject_type)
                .where(AuditEvent.actor_label == ACTOR.label)
                .order_by(AuditEvent.seq)
            ).all()
            assert list(labels) == ["other", "early", "late"]
            report = verify(session, public_key=keyring.audit_signing_key.public_key())
            assert report.ok, report
    finally:
        engine.dispose()
