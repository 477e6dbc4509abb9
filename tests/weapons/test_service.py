"""The weapons services' rules: keys, intake once, refusals that write nothing, the ledger's
triggers, the scope of a registrar's site, encrypted locations and reasons; and allowances'
weapon reward following what the stores actually received."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from haven.accounts.sessions import actor_for
from haven.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from haven.weapons import checks, intake, moves, repository, service
from haven.weapons.models import WeaponIntake, WeaponMovement
from haven.weapons.schemas import (
    CountIn,
    IntakeIn,
    IntakeLine,
    KeyIn,
    KeyReturnIn,
    LineIn,
    ReissueIn,
    StockCheckIn,
    StoreIn,
    TransferIn,
)
from tests import factories as f
from tests.allowances import support as allowances
from tests.weapons import support as s


def _movements(db: Session) -> int:
    return int(db.scalar(select(func.count()).select_from(WeaponMovement)) or 0)


def test_custody_rules(db: Session) -> None:  # noqa: PLR0915 - one world, many rules
    w = s.world(db)
    armoury, field = s.store(db, w), s.store(db, w, name="Field store", kind="field")
    items = {
        i.serial_number or i.calibre or "": i
        for i in repository.items_of_reception(db, w.reception.id)
    }
    assert b"clinic" not in (armoury.location_ct or b"")  # the location is encrypted
    assert armoury.location == "Behind the clinic"

    # Keys: the last key of an open store is handed on, never just returned.
    holder = repository.KeyHolders(db).current(armoury.id)[0]
    with pytest.raises(Conflict):
        service.return_key(db, w.keeper, armoury.id, KeyReturnIn(user_id=holder.user_id))
    deputy = f.registrar(db, organisation=w.org, site=w.site)
    service.hand_key(db, w.keeper, armoury.id, KeyIn(user_id=deputy.id))
    service.return_key(db, w.keeper, armoury.id, KeyReturnIn(user_id=deputy.id))
    assert len(repository.KeyHolders(db).history(armoury.id)) == 2
    with pytest.raises(Conflict):  # only a key holder records movements
        intake.take_in(
            db,
            actor_for(deputy),
            armoury.id,
            IntakeIn(lines=[IntakeLine(item_id=items["R-001"].id)]),
        )

    # Intake: ammunition by calibre, a reason for what was not received, each item once.
    with pytest.raises(ValidationFailed):
        intake.take_in(
            db,
            w.keeper,
            armoury.id,
            IntakeIn(lines=[IntakeLine(item_id=items["P-001"].id, received=False)]),
        )
    intake.take_in(
        db,
        w.keeper,
        armoury.id,
        IntakeIn(
            lines=[
                IntakeLine(item_id=items["R-001"].id, serviceable=False),
                IntakeLine(item_id=items["P-001"].id, received=False, reason="Kept by his brother"),
            ]
        ),
    )
    not_received = db.scalar(select(WeaponIntake).where(WeaponIntake.item_id == items["P-001"].id))
    assert not_received is not None
    assert not_received.reason == "Kept by his brother"
    assert b"brother" not in (not_received.reason_ct or b"")
    with pytest.raises(Conflict):
        intake.take_in(
            db, w.keeper, armoury.id, IntakeIn(lines=[IntakeLine(item_id=items["R-001"].id)])
        )
    intake.take_in(db, w.keeper, armoury.id, IntakeIn(reception_id=w.reception.id))  # the rest
    assert repository.calibre_balances(db, armoury.id) == {"7.62x39": 800, "9x19": 200}
    assert service.waiting_items(db, w.keeper) == []

    # Refusals write nothing: an overdraw, a weapon not in the store, a closed store.
    before = _movements(db)
    with pytest.raises(Conflict):
        moves.transfer(
            db,
            w.keeper,
            armoury.id,
            TransferIn(
                to_store_id=field.id,
                lines=[LineIn(item_id=items["R-002"].id), LineIn(calibre="9x19", quantity=201)],
            ),
        )
    with pytest.raises(Conflict):
        moves.transfer(
            db,
            w.keeper,
            field.id,
            TransferIn(to_store_id=armoury.id, lines=[LineIn(item_id=items["R-002"].id)]),
        )
    assert _movements(db) == before
    moves.transfer(
        db,
        w.keeper,
        armoury.id,
        TransferIn(to_store_id=field.id, lines=[LineIn(calibre="9x19", quantity=200)]),
    )
    assert repository.calibre_balances(db, field.id) == {"9x19": 200}
    with pytest.raises(Conflict):  # not empty
        service.close_store(db, w.keeper, field.id)

    # A stock check counts every line and explains each difference.
    counts = [CountIn(calibre="9x19", counted=190)]
    with pytest.raises(ValidationFailed):
        checks.stock_check(
            db, w.keeper, field.id, StockCheckIn(witness_name="A", witness_role="B", counts=counts)
        )
    counts = [CountIn(calibre="9x19", counted=190, reason="Ten rounds wet")]
    checks.stock_check(
        db, w.keeper, field.id, StockCheckIn(witness_name="A", witness_role="B", counts=counts)
    )
    assert repository.calibre_balances(db, field.id) == {"9x19": 190}

    # Re-issue goes to a receiving force only, and needs a manager.
    line = {"calibre": "9x19", "quantity": 190}
    data = {
        "force_id": str(w.force.id),
        "representative_name": "Capt. Synthetic",
        "representative_position": "Quartermaster",
        "signature": s.PNG_B64,
        "lines": [line],
    }
    with pytest.raises(PermissionDenied):  # a registrar may not
        moves.reissue(db, w.keeper, field.id, ReissueIn.model_validate(data))
    doc = moves.reissue(db, w.manager, field.id, ReissueIn.model_validate(data))
    assert doc.representative == {"name": "Capt. Synthetic", "position": "Quartermaster"}
    assert doc.signature[:2] == b"\xff\xd8"
    service.close_store(db, w.keeper, field.id)
    assert repository.KeyHolders(db).current(field.id) == []

    # The ledger is append-only on both engines.
    db.flush()
    with pytest.raises(DBAPIError), db.begin_nested():
        db.execute(text("UPDATE weapon_movements SET quantity = 5"))
    with pytest.raises(DBAPIError), db.begin_nested():
        db.execute(text("DELETE FROM weapon_movements"))

    # A registrar of another site does not know the store.
    elsewhere = actor_for(f.registrar(db, organisation=w.org, site=f.site(db, organisation=w.org)))
    with pytest.raises(NotFound):
        service.get_store(db, elsewhere, armoury.id)
    assert service.stores(db, elsewhere) == []


def test_the_weapon_reward_follows_what_was_received(db: Session) -> None:
    w = allowances.world(db)
    allowances.publish_plan(db, w)
    pid = allowances.person(
        db,
        w,
        weapons=[
            {"kind": "rifle", "quantity": 2, "serviceable": True},
            {"kind": "rifle", "quantity": 1, "serviceable": False},
            {"kind": "machine_gun", "quantity": 1},
        ],
    )
    # Waiting for intake, items count as reception declared them.
    assert allowances.owed(db, pid)[("weapons", 1)] == 2 * 300_000 + 1_000_000
    store = service.open_store(
        db, w.registrar, StoreIn.model_validate({"name": "Armoury", "kind": "armoury"})
    )
    items = {(i.kind, i.quantity): i for i in repository.waiting_items(db, w.registrar)}
    intake.take_in(
        db,
        w.registrar,
        store.id,
        IntakeIn(
            lines=[
                IntakeLine(
                    item_id=items[("rifle", 2)].id, received=False, reason="Never handed in"
                ),
                IntakeLine(item_id=items[("rifle", 1)].id, serviceable=True),
                IntakeLine(item_id=items[("machine_gun", 1)].id, serviceable=False),
            ]
        ),
    )
    # Only what the store took in counts, with the serviceability assessed there.
    assert allowances.owed(db, pid)[("weapons", 1)] == 300_000


def test_a_weapon_missing_at_a_check_can_be_found_at_a_later_one(db: Session) -> None:
    w = s.world(db, weapons=[{"kind": "rifle", "serial_number": "F-1"}])
    armoury, other = s.store(db, w), s.store(db, w, name="Other store")
    rifle = repository.items_of_reception(db, w.reception.id)[0]
    intake.take_in(db, w.keeper, armoury.id, IntakeIn(lines=[IntakeLine(item_id=rifle.id)]))
    missing = [CountIn(item_id=rifle.id, counted=0, reason="Not on the rack")]
    checks.stock_check(
        db, w.keeper, armoury.id, StockCheckIn(witness_name="A", witness_role="B", counts=missing)
    )
    assert repository.item_balances(db, armoury.id) == {}
    assert [item.id for item, _ in service.lost_items(db, w.keeper, armoury)] == [rifle.id]
    # Another store's check does not know it; this one's may count it found (with a reason).
    found = [CountIn(item_id=rifle.id, counted=1, reason="Found in the back room")]
    with pytest.raises(Conflict):
        checks.stock_check(
            db, w.keeper, other.id, StockCheckIn(witness_name="A", witness_role="B", counts=found)
        )
    unexplained = [CountIn(item_id=rifle.id, counted=1)]
    with pytest.raises(ValidationFailed):
        checks.stock_check(
            db,
            w.keeper,
            armoury.id,
            StockCheckIn(witness_name="A", witness_role="B", counts=unexplained),
        )
    checks.stock_check(
        db, w.keeper, armoury.id, StockCheckIn(witness_name="A", witness_role="B", counts=found)
    )
    assert repository.item_balances(db, armoury.id) == {rifle.id: 1}
    assert service.lost_items(db, w.keeper, armoury) == []
    # Found, it is counted like any other line: not found again, nor counted twice.
    with pytest.raises(ValidationFailed):
        checks.stock_check(
            db, w.keeper, armoury.id, StockCheckIn(witness_name="A", witness_role="B", counts=[])
        )
