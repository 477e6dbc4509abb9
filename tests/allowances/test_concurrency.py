"""50 simultaneous disbursement requests pay exactly once, on SQLite and on PostgreSQL.

Real threads, each with its own session and transaction against a real, committed database
(not the rolled-back test connection), all released at once by a barrier.
"""

from __future__ import annotations

import threading
import uuid
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from haven.accounts import sessions
from haven.allowances import batches, entitlements, ledger
from haven.allowances.models import Disbursement, LedgerEntry
from haven.config import Settings
from haven.db.engine import make_engine
from haven.db.keyring import Keyring
from haven.db.session import make_session_factory, transaction
from haven.errors import Conflict
from tests.allowances import support as s
from tests.vetting.support import clear_person

THREADS = 50
SETTINGS = Settings(database_url="sqlite://")


def test_fifty_simultaneous_identical_requests_pay_once(
    private_database_url: str, keyring: Keyring
) -> None:
    engine = make_engine(
        private_database_url, keyring=keyring, pool_size=THREADS + 5, max_overflow=10
    )
    factory = make_session_factory(engine, keyring)
    with transaction(factory) as db:
        w = s.world(db)
        s.publish_plan(db, w)
        s.fund_everything(db, w)
        ids = [s.person(db, w, name=f"Racer {n}") for n in range(2)]
        for pid in ids:
            clear_person(db, pid)
        entitlements.recompute(db, w.maker(db), ids)
        batch = batches.create_batch(db, w.maker(db), title="Race", currency="MMK")
        batches.add_due(db, w.maker(db), batch, due_by=date(2026, 12, 31))
        batches.submit(db, w.maker(db), batch)
        batches.approve(db, w.checker(db), batch)
        same_item, other_item = (item.id for item in batches.items_of(db, batch))
        token, _ = sessions.start(db, w.checker_user, SETTINGS, second_factor="totp")

    barrier = threading.Barrier(THREADS)
    outcomes: list[object] = []
    lock = threading.Lock()

    def request(item_id: uuid.UUID, key: str) -> None:
        try:
            barrier.wait(timeout=60)
            with transaction(factory) as session:
                actor = sessions.resolve(session, token, SETTINGS).actor
                result = batches.disburse(
                    session,
                    actor,
                    item_id,
                    idempotency_key=key,
                    method="cash",
                    receipt_reference="R-RACE",
                )
                answer: object = result.disbursement.id
        except Conflict as conflict:
            answer = conflict
        except BaseException as exc:  # noqa: BLE001 - reported by the assertions
            answer = exc
        with lock:
            outcomes.append(answer)

    def race(item_id: uuid.UUID, keys: list[str]) -> list[object]:
        outcomes.clear()
        threads = [threading.Thread(target=request, args=(item_id, key)) for key in keys]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return list(outcomes)

    # 50 identical requests (same idempotency key): one payment, the same answer for all.
    answers = race(same_item, ["identical-request-key"] * THREADS)
    assert all(isinstance(a, uuid.UUID) for a in answers), [
        a for a in answers if not isinstance(a, uuid.UUID)
    ][:3]
    assert len(set(answers)) == 1
    # 50 different requests for the other item: one wins, 49 are told it is already paid.
    answers = race(other_item, [f"distinct-key-{n:04d}" for n in range(THREADS)])
    assert sum(isinstance(a, uuid.UUID) for a in answers) == 1
    assert sum(isinstance(a, Conflict) for a in answers) == THREADS - 1

    with Session(engine) as check:
        assert check.scalar(select(func.count()).select_from(Disbursement)) == 2
        payments = check.scalar(
            select(func.count(func.distinct(LedgerEntry.transaction_id))).where(
                LedgerEntry.kind == "payment"
            )
        )
        assert payments == 2
        assert ledger.reconcile(check) == []
    engine.dispose()
