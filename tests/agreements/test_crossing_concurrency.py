"""Four desks at once on a real database (committed transactions, one thread per desk):
every person on the roll is registered exactly once, retries return the same registration,
and the reconciliation is exact. Runs on SQLite (SQLCipher) and PostgreSQL."""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from haven.accounts.sessions import actor_for
from haven.agreements import crossing, repository
from haven.agreements.models import Arrival
from haven.agreements.schemas import DeskRegistration
from haven.config import Settings
from haven.db.engine import make_engine
from haven.db.keyring import Keyring
from haven.db.session import make_session_factory, transaction
from haven.errors import Conflict
from haven.people.models import Person
from haven.reception.models import ReceptionEvent
from haven.security.permissions import Actor, Role
from tests import factories as f
from tests.agreements.helpers import Team, executing, team

ROLL = 40
DESKS = 4


@pytest.fixture
def factory(private_database_url: str, keyring: Keyring) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(private_database_url, keyring=keyring)
    yield make_session_factory(engine, keyring)
    engine.dispose()


def _desk(
    factory: sessionmaker[Session],
    actor: Actor,
    agreement_id: uuid.UUID,
    entry_ids: list[uuid.UUID],
    desk: int,
    outcome: dict[str, list[object]],
    start: threading.Barrier,
) -> None:
    order = list(entry_ids)
    random.Random(desk).shuffle(order)  # noqa: S311 - a test's desk order
    start.wait()
    for entry_id in order:
        key = f"desk{desk}-{entry_id.hex}"
        data = DeskRegistration(idempotency_key=key, desk=f"D{desk}", roll_entry_id=entry_id)
        for attempt in range(2):  # every submission is sent twice: a double click
            try:
                with transaction(factory) as session:
                    done = crossing.register_arrival(session, actor, agreement_id, data)
                    outcome["created" if done.created else "replayed"].append(
                        (done.arrival.id, attempt)
                    )
            except Conflict:
                outcome["conflicts"].append(entry_id)
            except BaseException as error:  # noqa: BLE001 - reported by the test
                outcome["errors"].append(error)


def test_four_desks_register_each_person_exactly_once(
    factory: sessionmaker[Session], fast_settings: Settings
) -> None:
    with transaction(factory) as session:
        t: Team = team(session, fast_settings)
        agreement = executing(session, t, size=ROLL)
        entry_ids = [e.id for e in repository.roll_of(session, agreement.id)]
        second = actor_for(
            f.registrar(session, organisation=t.org, site=t.site, settings=fast_settings)
        )
        desks = [t.registrar, t.negotiator, second, t.negotiator]
        agreement_id = agreement.id
    assert desks[0].role is Role.REGISTRAR
    outcome: dict[str, list[object]] = {
        "created": [],
        "replayed": [],
        "conflicts": [],
        "errors": [],
    }
    start = threading.Barrier(DESKS)
    threads = [
        threading.Thread(
            target=_desk, args=(factory, desks[n], agreement_id, entry_ids, n, outcome, start)
        )
        for n in range(DESKS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcome["errors"] == []
    assert len(outcome["created"]) == ROLL
    # Each created registration was submitted twice: the retry found it, whatever the desk.
    assert len(outcome["replayed"]) == ROLL
    assert len(outcome["conflicts"]) == (DESKS - 1) * ROLL * 2
    with transaction(factory) as session:
        arrivals = session.scalars(
            select(Arrival).where(Arrival.agreement_id == agreement_id)
        ).all()
        assert len(arrivals) == ROLL
        assert {a.roll_entry_id for a in arrivals} == set(entry_ids)
        received = session.scalar(
            select(func.count())
            .select_from(ReceptionEvent)
            .where(ReceptionEvent.agreement_id == agreement_id)
        )
        assert received == ROLL  # no reception left behind by a refused claim
        assert session.scalar(select(func.count()).select_from(Person)) == ROLL
        summary = crossing.reconcile(session, Actor.system(), agreement_id)
        assert summary.totals.expected == ROLL
        assert summary.totals.arrived == ROLL
        assert summary.totals.missing == 0
        assert summary.totals.unexpected == 0
        assert summary.follow_up == []


def test_a_registration_stopped_by_another_constraint_asks_to_be_sent_again(
    db: Session,
    fast_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A constraint other than "this person is registered" (two registrations saved at the same
    moment meeting on something else) is not "registered at another desk": the desk is told to
    send it again, nothing of it is kept, the log names the constraint and no value, and the
    same submission sent again is registered once."""
    t = team(db, fast_settings)
    agreement = executing(db, t, size=1)
    (entry,) = repository.roll_of(db, agreement.id)
    data = DeskRegistration(idempotency_key="desk-again", desk="D1", roll_entry_id=entry.id)
    real = crossing.receive

    def meets_a_constraint(*args: object, **kwargs: object) -> object:
        real(*args, **kwargs)  # type: ignore[arg-type]
        raise IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed: persons.reference"))

    monkeypatch.setattr(crossing, "receive", meets_a_constraint)
    with pytest.raises(Conflict) as refused:
        crossing.register_arrival(db, t.registrar, agreement.id, data)
    assert refused.value.message == crossing.SAVED_MEANWHILE
    assert repository.arrival_for_entry(db, entry.id) is None
    assert db.scalar(select(func.count()).select_from(Arrival)) == 0
    warned = [r for r in caplog.records if r.getMessage() == "registration met a constraint"]
    assert [getattr(r, "constraint", None) for r in warned] == [
        "UNIQUE constraint failed: persons.reference"
    ]
    monkeypatch.setattr(crossing, "receive", real)
    done = crossing.register_arrival(db, t.registrar, agreement.id, data)
    assert done.created
    assert crossing.register_arrival(db, t.registrar, agreement.id, data).created is False
