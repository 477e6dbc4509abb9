"""Short write transactions (haven.db.engine, READ_FIRST): a request reads without the write
lock and takes it at its first write; concurrent writers wait for each other and never
answer "database is locked". Real engines, committed transactions, the real app."""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from haven.accounts import tokens
from haven.agreements import repository
from haven.agreements.models import Arrival
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.db.engine import make_engine
from haven.db.keyring import Keyring
from haven.db.session import make_session_factory, transaction
from haven.kernel.sensitivity import bind_actor
from haven.security.permissions import Actor
from haven.web.app import create_app
from tests import factories as f
from tests.agreements.helpers import Team, executing, team
from tests.conftest import BACKENDS

DESKS = 4
ROLL = 12


@dataclass
class Crossing:
    engine: Engine
    factory: sessionmaker[Session]
    client: TestClient
    agreement_id: uuid.UUID
    entries: list[tuple[uuid.UUID, str]]
    desk_tokens: list[str]


@pytest.fixture
def crossing(
    private_database_url: str, keyring: Keyring, fast_settings: Settings
) -> Iterator[Crossing]:
    """An executing agreement, four registrars with API tokens, and the app on a committed
    database of the test's own (the app's sessions are the ones `haven serve` uses)."""
    engine = make_engine(private_database_url, keyring=keyring)
    factory = make_session_factory(engine, keyring)
    with transaction(factory) as session:
        bind_actor(session, Actor.system())
        t: Team = team(session, fast_settings)
        agreement = executing(session, t, size=ROLL)
        entries = [(e.id, e.name_latin or "") for e in repository.roll_of(session, agreement.id)]
        desks = [
            f.registrar(session, organisation=t.org, site=t.site, settings=fast_settings)
            for _ in range(DESKS)
        ]
        desk_tokens = [tokens.issue(session, Actor.system(), user=u, name="desk")[0] for u in desks]
        agreement_id = agreement.id
    settings = fast_settings.model_copy(update={"database_url": private_database_url})
    app = create_app(settings, engine=engine, keyring=keyring, check_migrations=False)
    with TestClient(app, base_url="http://testserver") as client:
        yield Crossing(engine, factory, client, agreement_id, entries, desk_tokens)
    engine.dispose()


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.skipif("sqlite" not in BACKENDS, reason="the SQLite write lock")
@pytest.mark.parametrize("private_database_url", ["sqlite"], indirect=True)
def test_a_read_request_is_answered_while_another_connection_writes(crossing: Crossing) -> None:
    """Reading takes no lock. (A read that shows confidential fields, such as the roll search,
    writes its audit event in a short transaction of its own afterwards: that one waits for
    the lock, as every write does.)"""
    token = crossing.desk_tokens[0]
    # The token's first use notes when it was used (a write, once a minute at most).
    assert crossing.client.get("/api/crossing", headers=_bearer(token)).status_code == 200
    holding = threading.Event()
    release = threading.Event()
    outcome: dict[str, bool] = {}

    def writer() -> None:
        with transaction(crossing.factory) as session:  # BEGIN IMMEDIATE: the write lock
            session.execute(text("UPDATE users SET display_name = display_name"))
            holding.set()
            # Released by the test once the reads are answered; a read that waited for this
            # lock would leave it waiting here until the timeout.
            outcome["released"] = release.wait(timeout=20)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert holding.wait(timeout=20)
        listed = crossing.client.get("/api/crossing", headers=_bearer(token))
    finally:
        release.set()
        thread.join()
    assert listed.status_code == 200, listed.text
    assert [line["expected"] for line in listed.json()] == [ROLL]
    assert outcome["released"] is True  # answered while the writer held the lock


def test_concurrent_writers_never_answer_database_is_locked(crossing: Crossing) -> None:
    """Four desks register the same roll at once through the API, each person searched then
    submitted twice at every desk: one arrival each, the others 409 or the same registration,
    and no 5xx (no "database is locked", no SQLITE_BUSY)."""
    statuses: list[int] = []
    failures: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(DESKS)
    base = f"/api/crossing/{crossing.agreement_id}"

    def desk(n: int) -> None:
        headers = _bearer(crossing.desk_tokens[n])
        order = crossing.entries[n:] + crossing.entries[:n]
        start.wait()
        for entry_id, name in order:
            try:
                crossing.client.post(f"{base}/search", json={"q": name}, headers=headers)
                for _ in range(2):
                    answer = crossing.client.post(
                        f"{base}/arrivals",
                        json={
                            "idempotency_key": f"d{n}-{entry_id.hex}",
                            "roll_entry_id": str(entry_id),
                            "weapons": [{"kind": "rifle", "serial_number": f"S{n}{entry_id.hex}"}],
                        },
                        headers=headers,
                    )
                    with lock:
                        statuses.append(answer.status_code)
                        if answer.status_code >= 500 or "locked" in answer.text:
                            failures.append(answer.text)
            except Exception as error:  # noqa: BLE001 - reported by the test
                with lock:
                    failures.append(repr(error))

    threads = [threading.Thread(target=desk, args=(n,)) for n in range(DESKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert statuses.count(201) == ROLL
    assert set(statuses) <= {200, 201, 409}
    with transaction(crossing.factory) as session:
        arrivals = session.scalars(
            select(Arrival).where(Arrival.agreement_id == crossing.agreement_id)
        ).all()
        assert sorted(str(a.roll_entry_id) for a in arrivals) == sorted(
            str(e) for e, _ in crossing.entries
        )
        # The audit chain stayed one chain: every seq taken once, each event linked to the one
        # before it (writers of the chain are serialised whatever the transaction read first).
        events = session.execute(
            select(AuditEvent.seq, AuditEvent.prev_hash, AuditEvent.event_hash).order_by(
                AuditEvent.seq
            )
        ).all()
        assert [e.seq for e in events] == list(range(events[0].seq, events[0].seq + len(events)))
        assert all(b.prev_hash == a.event_hash for a, b in itertools.pairwise(events))


def test_a_read_first_transaction_writes_after_others_committed(tmp_path: Path) -> None:
    """SQLite would refuse to turn a stale read transaction into a write (SQLITE_BUSY_SNAPSHOT,
    "database is locked", at once): the first write ends the read and begins IMMEDIATE, then
    sees what was committed meanwhile; a writer that holds the lock is waited for."""
    engine = make_engine(f"sqlite:///{tmp_path / 'plain.db'}")
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        session.execute(text("CREATE TABLE desk (id INTEGER PRIMARY KEY, who TEXT)"))
    holding = threading.Event()

    def other(who: str, hold: float) -> None:
        with transaction(factory) as session:
            session.execute(text("INSERT INTO desk (who) VALUES (:who)"), {"who": who})
            holding.set()
            time.sleep(hold)

    with transaction(factory, read_first=True) as session:
        assert session.scalar(text("SELECT count(*) FROM desk")) == 0  # the snapshot
        other("committed meanwhile", 0)
        holding.clear()
        thread = threading.Thread(target=other, args=("holding the lock", 0.5))
        thread.start()
        assert holding.wait(timeout=20)
        session.execute(text("INSERT INTO desk (who) VALUES ('reader')"))  # waits, then writes
        seen = session.scalars(text("SELECT who FROM desk ORDER BY id")).all()
        thread.join()
    assert seen == ["committed meanwhile", "holding the lock", "reader"]
    engine.dispose()
