"""Property: through any sequence of movements (intake, transfer, re-issue, destruction,
stock-check adjustments, refused overdraws) the weapons ledger balances after every step:
each store's balance (summed by the database) equals an independent model, nothing is ever
negative, a serialised weapon is in at most one place, and what came in equals what went
out plus what is on hand. A refused movement writes nothing."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from haven.errors import Conflict
from haven.weapons import checks, intake, moves, repository
from haven.weapons.models import WeaponMovement
from haven.weapons.schemas import (
    CountIn,
    DestructionIn,
    IntakeIn,
    IntakeLine,
    LineIn,
    ReissueIn,
    StockCheckIn,
    TransferIn,
)
from tests.weapons import support as s

STORES = 3
ITEMS = len(s.WEAPONS)
CALIBRES = ("7.62x39", "9x19")
WHAT = st.one_of(st.integers(0, ITEMS - 1), st.sampled_from(CALIBRES))
INTAKE = st.tuples(st.just("intake"), st.integers(0, STORES - 1), st.integers(0, ITEMS - 1))
STEP = st.one_of(
    INTAKE,
    st.tuples(
        st.just("transfer"),
        st.integers(0, STORES - 1),
        st.integers(0, STORES - 1),
        WHAT,
        st.integers(1, 900),
    ),
    st.tuples(st.just("reissue"), st.integers(0, STORES - 1), WHAT, st.integers(1, 900)),
    st.tuples(st.just("destroy"), st.integers(0, STORES - 1), WHAT, st.integers(1, 900)),
    st.tuples(st.just("check"), st.integers(0, STORES - 1), st.integers(-50, 50), st.booleans()),
)
Model = dict[int, Counter[Any]]  # store index -> {item id or calibre: quantity}
SETTLED = -1  # the model's entry of the items taken in (once each)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    intakes=st.lists(INTAKE, min_size=2, max_size=6),
    steps=st.lists(STEP, min_size=1, max_size=10),
)
def test_the_ledger_always_balances(
    db: Session, intakes: list[tuple[Any, ...]], steps: list[tuple[Any, ...]]
) -> None:
    # The world is made once per test; each example runs in a savepoint rolled back at its
    # end, so every example starts from the same state.
    if "weapons_world" not in db.info:
        w = s.world(db)
        stores = [s.store(db, w, name=f"Store {n}") for n in range(STORES)]
        items = repository.items_of_reception(db, w.reception.id)
        db.info["weapons_world"] = (w, [x.id for x in stores], items)
    w, store_ids, items = db.info["weapons_world"]
    savepoint = db.begin_nested()
    try:
        model: Model = {n: Counter() for n in range(-1, STORES)}
        for step in [*intakes, *steps]:
            _step(db, w, store_ids, items, model, step)
            _assert_balanced(db, store_ids, items, model, step)
    finally:
        savepoint.rollback()


def _line(items: list[Any], what: int | str, quantity: int) -> LineIn:
    if isinstance(what, int):
        return LineIn(item_id=items[what].id)
    return LineIn(calibre=what, quantity=quantity)


def _key(items: list[Any], what: int | str) -> Any:
    return items[what].id if isinstance(what, int) else what


def _attempt(db: Session, action: Any) -> bool:
    """Run one service call in its own savepoint: True when it went through."""
    nested = db.begin_nested()
    try:
        action()
    except Conflict as error:
        nested.rollback()
        db.info["refused"] = error.message
        return False
    nested.commit()
    return True


def _step(
    db: Session,
    w: s.World,
    store_ids: list[uuid.UUID],
    items: list[Any],
    model: Model,
    step: tuple[Any, ...],
) -> None:
    kind = step[0]
    if kind == "intake":
        item = items[step[2]]
        taken = model[SETTLED][item.id] > 0
        ok = _attempt(
            db,
            lambda: intake.take_in(
                db, w.keeper, store_ids[step[1]], IntakeIn(lines=[IntakeLine(item_id=item.id)])
            ),
        )
        assert ok != taken, (step, db.info.get("refused"))
        if ok:
            model[SETTLED][item.id] = 1
            key = item.calibre if item.kind == "ammunition" else item.id
            model[step[1]][key] += item.quantity
        return
    if kind == "check":
        _check(db, w, store_ids, items, model, step)
        return
    store, what, quantity = step[1], step[-2], step[-1]
    key = _key(items, what)
    held = model[store][key]
    moved = held if isinstance(what, int) else quantity
    possible = held > 0 and moved <= held
    line = _line(items, what, quantity)
    if kind == "transfer":
        target = step[2]
        if target == store:
            return
        ok = _attempt(
            db,
            lambda: moves.transfer(
                db,
                w.keeper,
                store_ids[store],
                TransferIn(to_store_id=store_ids[target], lines=[line]),
            ),
        )
    elif kind == "reissue":
        data = ReissueIn.model_validate(
            {
                "force_id": str(w.force.id),
                "representative_name": "Lt. Synthetic",
                "representative_position": "Quartermaster",
                "signature": s.PNG_B64,
                "lines": [line.model_dump(exclude={"text_encoding"})],
            }
        )
        ok = _attempt(db, lambda: moves.reissue(db, w.manager, store_ids[store], data))
        target = None
    else:
        data_d = DestructionIn.model_validate(
            {
                "method": "cutting",
                "place": "Range 3",
                "witnesses": [{"name": "Witness A", "role": "Observer"}] * 2,
                "photo_before": s.PNG_B64,
                "photo_after": s.PNG_B64,
                "lines": [line.model_dump(exclude={"text_encoding"})],
            }
        )
        ok = _attempt(db, lambda: moves.destroy(db, w.manager, store_ids[store], data_d))
        target = None
    assert ok == possible, (step, held)
    if ok:
        model[store][key] -= moved
        if target is not None:
            model[target][key] += moved


def _check(
    db: Session,
    w: s.World,
    store_ids: list[uuid.UUID],
    items: list[Any],
    model: Model,
    step: tuple[Any, ...],
) -> None:
    """Count the store: rounds of each calibre off by `delta` (never below none), and the
    first weapon missing when `lose` is set; each difference explained."""
    store, delta, lose = step[1], step[2], step[3]
    counts: list[CountIn] = []
    lost_one = False
    for key, quantity in sorted(model[store].items(), key=str):
        if quantity == 0:
            continue
        if isinstance(key, str):
            counted = max(0, quantity + delta)
        else:
            counted = 0 if lose and not lost_one else quantity
            lost_one = lost_one or counted == 0
        counts.append(
            CountIn(
                item_id=None if isinstance(key, str) else key,
                calibre=key if isinstance(key, str) else None,
                counted=counted,
                reason="Recounted with the witness" if counted != quantity else None,
            )
        )
        model[store][key] = counted
    checks.stock_check(
        db,
        w.keeper,
        store_ids[store],
        StockCheckIn(witness_name="Sgt. Witness", witness_role="Guard commander", counts=counts),
    )


def _assert_balanced(
    db: Session,
    store_ids: list[uuid.UUID],
    items: list[Any],
    model: Model,
    step: tuple[Any, ...],
) -> None:
    db.flush()
    on_hand = 0
    for index, store_id in enumerate(store_ids):
        expected = {k: v for k, v in model[index].items() if v != 0}
        found: dict[Any, int] = {
            **repository.item_balances(db, store_id),
            **repository.calibre_balances(db, store_id),
        }
        assert found == expected, step
        assert all(v > 0 for v in found.values()), step
        # The database's sums agree with the movements read one by one.
        rows = db.scalars(select(WeaponMovement).where(WeaponMovement.store_id == store_id))
        by_hand: Counter[Any] = Counter()
        for m in rows:
            by_hand[m.calibre if m.calibre is not None else m.item_id] += m.quantity
        assert {k: v for k, v in by_hand.items() if v} == found, step
        on_hand += sum(found.values())
    places = repository.item_places(db, [x.id for x in items])
    assert all(len(p) == 1 for p in places.values()), step
    came_in = (
        db.scalar(
            select(func.coalesce(func.sum(WeaponMovement.quantity), 0)).where(
                WeaponMovement.quantity > 0
            )
        )
        or 0
    )
    went_out = (
        db.scalar(
            select(func.coalesce(func.sum(-WeaponMovement.quantity), 0)).where(
                WeaponMovement.quantity < 0
            )
        )
        or 0
    )
    assert came_in == went_out + on_hand, step
