"""Property: through any sequence of entitlement changes, payments and reversals, the ledger
reconciles — per transaction, per person, and funders against money paid out."""

from __future__ import annotations

import uuid
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.allowances import batches, entitlements, ledger
from haven.allowances.models import Disbursement, Instalment, Reversal
from haven.people.public import (
    FamilyMember,
    FamilyMemberIn,
    add_family_member,
    remove_family_member,
)
from tests.allowances import support as s
from tests.vetting.support import clear_person

STEP = st.one_of(
    st.tuples(st.just("add_dependant"), st.integers(0, 2)),
    st.tuples(st.just("remove_dependant"), st.integers(0, 2)),
    st.tuples(st.just("pay"), st.sampled_from(["MMK", "THB"]), st.integers(0, 7)),
    st.tuples(st.just("reverse"), st.integers(0, 50)),
    st.tuples(st.just("recompute"), st.just(0)),
)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=1, max_size=7))
def test_ledger_always_reconciles(db: Session, steps: list[tuple[object, ...]]) -> None:
    # The people, plan and funders are made once per test; each example runs in a savepoint
    # rolled back at its end, so every example starts from the same state.
    if "allowance_world" not in db.info:
        w = s.world(db)
        s.publish_plan(db, w)
        s.fund_everything(db, w)
        ids = [s.person(db, w, name=f"Prop {n}", dependants=1) for n in range(3)]
        for pid in ids:
            clear_person(db, pid)
        db.info["allowance_world"] = (w, ids)
    w, ids = db.info["allowance_world"]
    savepoint = db.begin_nested()
    try:
        entitlements.recompute(db, w.maker(db), ids)
        _run(db, w, ids, steps)
    finally:
        savepoint.rollback()


def _run(db: Session, w: s.World, ids: list[uuid.UUID], steps: list[tuple[object, ...]]) -> None:
    for step in steps:
        kind = step[0]
        if kind == "add_dependant":
            pid = ids[int(step[1])]  # type: ignore[call-overload]
            add_family_member(
                db, s.SYSTEM, pid, FamilyMemberIn(relationship="child", age=3, is_dependant=True)
            )
            entitlements.recompute(db, w.maker(db), [pid])
        elif kind == "remove_dependant":
            pid = ids[int(step[1])]  # type: ignore[call-overload]
            member = db.scalars(select(FamilyMember).where(FamilyMember.person_id == pid)).first()
            if member is not None:
                remove_family_member(db, s.SYSTEM, pid, member.id)
                entitlements.recompute(db, w.maker(db), [pid])
        elif kind == "pay":
            batch = batches.create_batch(db, w.maker(db), title="Run", currency=str(step[1]))
            if batches.add_due(db, w.maker(db), batch, due_by=date(2026, 12, 31)).added:
                batches.submit(db, w.maker(db), batch)
                batches.approve(db, w.checker(db), batch)
                pick = int(step[2])  # type: ignore[call-overload]
                for n, item in enumerate(batches.items_of(db, batch)):
                    if (pick >> (n % 3)) & 1:
                        batches.disburse(
                            db,
                            w.checker(db),
                            item.id,
                            idempotency_key=uuid.uuid4().hex,
                            method="cash",
                            receipt_reference=f"R{n}",
                        )
        elif kind == "reverse":
            reversed_ids = set(db.scalars(select(Reversal.disbursement_id)).all())
            live = [
                d
                for d in db.scalars(select(Disbursement).order_by(Disbursement.id)).all()
                if d.id not in reversed_ids
            ]
            if live:
                chosen = live[int(step[1]) % len(live)]  # type: ignore[call-overload]
                batches.reverse(db, w.checker(db), chosen.id, reason="Property test")
        else:
            entitlements.recompute(db, w.maker(db), ids)
        db.flush()
        assert ledger.reconcile(db, w.org.id) == [], step
        assert db.scalar(select(Instalment.id).where(Instalment.amount_minor < 0)) is None
        for pid in ids:
            assert all(v >= 0 for v in ledger.person_balances(db, pid).values()), step
