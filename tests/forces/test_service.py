from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from haven.accounts.sessions import actor_for
from haven.errors import Conflict, PermissionDenied
from haven.forces import repository, service
from haven.forces.reference import MYANMAR_ARMY_RANKS
from haven.security.permissions import Actor, Role
from tests import factories as f

SYSTEM = Actor.system()


def test_reference_data_seeds_the_myanmar_rank_table_once(db: Session) -> None:
    army = service.ensure_reference_data(db)
    again = service.ensure_reference_data(db)
    assert army.id == again.id
    ranks = repository.ranks_of(db, army.id)
    assert [r.name_en for r in ranks] == [r[1] for r in MYANMAR_ARMY_RANKS]
    captain = next(r for r in ranks if r.name_en == "Captain")
    assert captain.name_my == "ဗိုလ်ကြီး"
    assert captain.verified
    private = next(r for r in ranks if r.name_en == "Private")
    assert not private.verified  # the Burmese names of other ranks are unverified


def test_unverified_ranks_stay_editable(db: Session) -> None:
    army = service.ensure_reference_data(db)
    staff_sergeant = next(
        r for r in repository.ranks_of(db, army.id) if r.name_en == "Staff Sergeant"
    )
    service.update_rank(db, SYSTEM, staff_sergeant.id, name_my="တပ်ကြပ်ကြီး (စ)", verified=True)
    assert staff_sergeant.verified


def test_only_administrators_edit_reference_data(db: Session) -> None:
    org = f.organisation(db)
    worker = actor_for(f.user(db, organisation=org, role=Role.CASE_WORKER))
    army = service.ensure_reference_data(db)
    with pytest.raises(PermissionDenied):
        service.add_rank(db, worker, force_id=army.id, seniority=50, name_en="Cadet")


@pytest.mark.parametrize(
    "written",
    ["LIB 531", "LIB-531", "Light Infantry Battalion 531", "Kha Ma Ya 531", "ခမရ ၅၃၁", "lib531"],
)
def test_one_unit_written_many_ways_is_one_unit(db: Session, written: str) -> None:
    army = service.ensure_reference_data(db)
    canonical = service.resolve_unit(db, SYSTEM, army.id, "LIB-531")
    assert canonical is not None
    assert service.resolve_unit(db, SYSTEM, army.id, written).id == canonical.id  # type: ignore[union-attr]
    assert canonical.label == "LIB-531"


def test_unrecognised_unit_text_is_not_guessed(db: Session) -> None:
    army = service.ensure_reference_data(db)
    assert service.resolve_unit(db, SYSTEM, army.id, "the unit near the river") is None


def test_rank_equivalence_is_a_lookup_with_effective_dates(db: Session) -> None:
    army = service.ensure_reference_data(db)
    captain = next(r for r in repository.ranks_of(db, army.id) if r.name_en == "Captain")
    receiving = service.create_force(db, SYSTEM, name="Receiving force (test)", kind="receiving")
    old = service.add_rank(
        db, SYSTEM, force_id=receiving.id, seniority=5, name_en="Company commander"
    )
    new = service.add_rank(db, SYSTEM, force_id=receiving.id, seniority=4, name_en="Captain (PDF)")
    service.add_equivalence(
        db,
        SYSTEM,
        receiving_force_id=receiving.id,
        source_rank_id=captain.id,
        target_rank_id=old.id,
        effective_from=date(2024, 1, 1),
        effective_to=date(2026, 1, 1),
    )
    service.add_equivalence(
        db,
        SYSTEM,
        receiving_force_id=receiving.id,
        source_rank_id=captain.id,
        target_rank_id=new.id,
        effective_from=date(2026, 1, 1),
    )

    def lookup(on: date) -> str | None:
        rank = service.equivalent_rank(
            db, SYSTEM, source_rank_id=captain.id, receiving_force_id=receiving.id, on=on
        )
        return rank.name_en if rank else None

    assert lookup(date(2023, 12, 31)) is None
    assert lookup(date(2024, 1, 1)) == "Company commander"
    assert lookup(date(2025, 12, 31)) == "Company commander"
    assert lookup(date(2026, 1, 1)) == "Captain (PDF)"
    with pytest.raises(Conflict):
        service.add_equivalence(
            db,
            SYSTEM,
            receiving_force_id=receiving.id,
            source_rank_id=captain.id,
            target_rank_id=old.id,
            effective_from=date(2025, 6, 1),
            effective_to=date(2025, 7, 1),
        )


def test_kha_la_ya_is_an_infantry_battalion_not_a_light_infantry_battalion(db: Session) -> None:
    # ခလရ abbreviates ခြေလျင်တပ်ရင်း (Infantry Battalion); ခမရ is ခြေမြန် (Light Infantry).
    army = service.ensure_reference_data(db)
    ib = service.resolve_unit(db, SYSTEM, army.id, "ခလရ ၅၃၁")
    assert ib is not None
    assert ib.label == "IB-531"
    assert service.resolve_unit(db, SYSTEM, army.id, "Kha La Ya 531").id == ib.id  # type: ignore[union-attr]
