"""Payment batches: lifecycle, maker-checker, vetting holds, budgets, exactly once, reversals."""

from __future__ import annotations

import io
import uuid
from datetime import date

import pytest
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from haven.accounts.sessions import actor_for
from haven.allowances import batches, entitlements, funders, ledger
from haven.allowances.models import Disbursement, LedgerEntry, PaymentItem
from haven.errors import Conflict, PermissionDenied, ValidationFailed
from haven.kernel.sensitivity import bind_actor
from haven.security.errors import FreshAuthRequired
from haven.vetting.public import Outcome
from tests.allowances import support as s
from tests.vetting.support import clear_person

DUE = date(2026, 12, 31)


def _ready(db: Session, *, people: int = 2) -> tuple[s.World, list[uuid.UUID]]:
    w = s.world(db)
    s.publish_plan(db, w)
    s.fund_everything(db, w)
    ids = [s.person(db, w, name=f"Person {n}") for n in range(people)]
    for pid in ids:
        clear_person(db, pid)
    entitlements.recompute(db, w.maker(db), ids)
    return w, ids


def _approved(db: Session, w: s.World) -> batches.PaymentBatch:
    batch = batches.create_batch(db, w.maker(db), title="March cash", currency="MMK")
    batches.add_due(db, w.maker(db), batch, due_by=DUE)
    batches.submit(db, w.maker(db), batch)
    return batches.approve(db, w.checker(db), batch)


def test_full_lifecycle_and_ledger(db: Session) -> None:
    w, ids = _ready(db)
    batch = _approved(db, w)
    items = batches.items_of(db, batch)
    assert len(items) == 2  # the defection payment of each (stipend is THB)
    disburser = w.checker(db)
    for n, item in enumerate(items):
        result = batches.disburse(
            db,
            disburser,
            item.id,
            idempotency_key=f"key-{n:08d}",
            method="cash",
            receipt_reference=f"R-{n}",
        )
        assert result.created
    assert batch.status == "disbursed"
    batches.reconcile_batch(db, w.checker(db), batch)
    assert batch.status == "reconciled"
    assert ledger.reconcile(db, w.org.id) == []
    balances = ledger.person_balances(db, ids[0])
    assert balances["MMK"] == 0  # the defection payment was the only MMK line
    # 60/40 split between the two funders
    shares = sorted(
        db.scalars(
            select(LedgerEntry.amount_minor).where(
                LedgerEntry.account == "funder", LedgerEntry.kind == "payment"
            )
        ).all()
    )
    assert shares == [200_000, 200_000, 300_000, 300_000]


def test_maker_cannot_approve_their_own_batch(db: Session) -> None:
    w, _ = _ready(db, people=1)
    batch = batches.create_batch(db, w.maker(db), title="Own", currency="MMK")
    batches.add_due(db, w.maker(db), batch, due_by=DUE)
    batches.submit(db, w.maker(db), batch)
    with pytest.raises(PermissionDenied):
        batches.approve(db, w.maker(db), batch)
    assert batch.status == "submitted"
    with pytest.raises(PermissionDenied):
        batches.approve(db, s.SYSTEM, batch)  # the command line is nobody: cannot check


def test_approval_needs_a_fresh_login(db: Session) -> None:
    w, _ = _ready(db, people=1)
    batch = batches.create_batch(db, w.maker(db), title="Stale", currency="MMK")
    batches.add_due(db, w.maker(db), batch, due_by=DUE)
    batches.submit(db, w.maker(db), batch)
    with pytest.raises(FreshAuthRequired):
        batches.approve(db, actor_for(w.checker_user), batch)


def test_illegal_moves_are_conflicts(db: Session) -> None:
    w, _ = _ready(db, people=1)
    batch = batches.create_batch(db, w.maker(db), title="Empty", currency="MMK")
    with pytest.raises(Conflict):
        batches.submit(db, w.maker(db), batch)  # empty
    with pytest.raises(Conflict):
        batches.reconcile_batch(db, w.checker(db), batch)
    batches.cancel(db, w.maker(db), batch)
    with pytest.raises(Conflict):
        batches.cancel(db, w.maker(db), batch)


def test_nothing_payable_while_vetting_is_pending_or_after_exclusion(db: Session) -> None:
    w = s.world(db)
    s.publish_plan(db, w)
    s.fund_everything(db, w)
    pending = s.person(db, w)
    cleared = s.person(db, w, name="Kyaw Min")
    clear_person(db, cleared)
    entitlements.recompute(db, w.maker(db), [pending, cleared])
    batch = batches.create_batch(db, w.maker(db), title="Mixed", currency="MMK")
    result = batches.add_due(db, w.maker(db), batch, due_by=DUE)
    assert result.added == 1
    assert result.skipped["vetting"] == 1
    batches.submit(db, w.maker(db), batch)
    # Excluded between submission and approval: approval refuses.
    clear_person(db, cleared, outcome=Outcome.REFERRED)
    with pytest.raises(Conflict):
        batches.approve(db, w.checker(db), batch)


def test_budget_shortfall_blocks_approval(db: Session) -> None:
    w = s.world(db)
    s.publish_plan(db, w)
    s.fund_everything(db, w, budget=100_000)
    pid = s.person(db, w)
    clear_person(db, pid)
    entitlements.recompute(db, w.maker(db), [pid])
    batch = batches.create_batch(db, w.maker(db), title="Too much", currency="MMK")
    batches.add_due(db, w.maker(db), batch, due_by=DUE)
    batches.submit(db, w.maker(db), batch)
    with pytest.raises(Conflict) as caught:
        batches.approve(db, w.checker(db), batch)
    assert "falls short" in str(caught.value.message)


def test_unfunded_components_are_left_out(db: Session) -> None:
    w = s.world(db)
    s.publish_plan(db, w)
    only = funders.save_funder(db, w.admin, name="Half funder")
    funders.save_budget_line(
        db,
        w.admin,
        only,
        component_code="defection",
        currency="MMK",
        share_bp=5000,
        budget_minor=10**9,
    )
    pid = s.person(db, w)
    clear_person(db, pid)
    entitlements.recompute(db, w.maker(db), [pid])
    batch = batches.create_batch(db, w.maker(db), title="Half", currency="MMK")
    result = batches.add_due(db, w.maker(db), batch, due_by=DUE)
    assert result.added == 0
    assert result.skipped["unfunded"] == 1
    with pytest.raises(ValidationFailed):
        funders.save_budget_line(
            db,
            w.admin,
            funders.save_funder(db, w.admin, name="Greedy"),
            component_code="defection",
            currency="MMK",
            share_bp=6000,
            budget_minor=1,
        )


def test_same_request_twice_pays_once_and_another_key_is_refused(db: Session) -> None:
    w, _ = _ready(db, people=1)
    batch = _approved(db, w)
    item = batches.items_of(db, batch)[0]
    actor = w.checker(db)
    first = batches.disburse(
        db, actor, item.id, idempotency_key="same-key-123", method="hawala", receipt_reference="H-1"
    )
    again = batches.disburse(
        db, actor, item.id, idempotency_key="same-key-123", method="hawala", receipt_reference="H-1"
    )
    assert first.created
    assert not again.created
    assert again.disbursement.id == first.disbursement.id
    with pytest.raises(Conflict):
        batches.disburse(
            db,
            actor,
            item.id,
            idempotency_key="other-key-456",
            method="cash",
            receipt_reference="C-1",
        )
    assert db.scalar(select(func.count()).select_from(Disbursement)) == 1


def test_an_instalment_cannot_sit_in_two_batches(db: Session) -> None:
    w, _ = _ready(db, people=1)
    first = batches.create_batch(db, w.maker(db), title="One", currency="MMK")
    assert batches.add_due(db, w.maker(db), first, due_by=DUE).added == 1
    second = batches.create_batch(db, w.maker(db), title="Two", currency="MMK")
    assert batches.add_due(db, w.maker(db), second, due_by=DUE).added == 0
    item = batches.items_of(db, first)[0]
    duplicate = PaymentItem(
        batch_id=second.id,
        instalment_id=item.instalment_id,
        generation=0,
        person_id=item.person_id,
        organisation_id=item.organisation_id,
        amount_minor=1,
        currency="MMK",
    )
    savepoint = db.begin_nested()
    db.add(duplicate)
    with pytest.raises(IntegrityError):
        db.flush()
    savepoint.rollback()


def test_reversal_is_a_new_entry_and_reopens_the_instalment(db: Session) -> None:
    w, ids = _ready(db, people=1)
    batch = _approved(db, w)
    item = batches.items_of(db, batch)[0]
    paid = batches.disburse(
        db,
        w.checker(db),
        item.id,
        idempotency_key="pay-once-1",
        method="mobile_money",
        receipt_reference="M-1",
    ).disbursement
    assert ledger.person_balances(db, ids[0])["MMK"] == 0
    batches.reverse(db, w.checker(db), paid.id, reason="Paid to the wrong person")
    with pytest.raises(Conflict):
        batches.reverse(db, w.checker(db), paid.id, reason="Twice")
    assert ledger.person_balances(db, ids[0])["MMK"] == 500_000
    assert ledger.reconcile(db, w.org.id) == []
    assert db.get(Disbursement, paid.id) is not None  # never edited nor deleted
    again = batches.create_batch(db, w.maker(db), title="Again", currency="MMK")
    assert batches.add_due(db, w.maker(db), again, due_by=DUE).added == 1


def test_receipt_photo_is_reencoded_and_encrypted(db: Session) -> None:
    w, _ = _ready(db, people=1)
    batch = _approved(db, w)
    item = batches.items_of(db, batch)[0]
    image = Image.new("RGB", (40, 30), "white")
    raw = io.BytesIO()
    image.save(raw, format="PNG")
    done = batches.disburse(
        db,
        w.checker(db),
        item.id,
        idempotency_key="photo-key-1",
        method="cash",
        receipt_reference="P-1",
        receipt_photo=raw.getvalue(),
    ).disbursement
    db.flush()
    assert done.receipt_photo_ct is not None
    assert b"JFIF" not in done.receipt_photo_ct
    reader = w.checker(db)
    bind_actor(db, reader)  # a finance officer reads the receipt photo
    photo = batches.receipt_photo(db, reader, done.id)
    assert photo.startswith(b"\xff\xd8")
    with pytest.raises(ValidationFailed):
        batches.disburse(
            db,
            w.checker(db),
            item.id,
            idempotency_key="photo-key-2",
            method="cash",
            receipt_reference="P-2",
            receipt_photo=b"not an image",
        )
