"""The police, People's Militia/Pyusawhti and Border Guard Force rank tables load with the
Myanmar military's (Burmese names, flagged unverified), their ranks take equivalences into a
receiving force like the army's, and units beyond infantry (artillery, Tactical and Military
Operations Commands, police and militia units, BGF battalions) are read from every spelling
and screened by unit and period."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from haven.accounts import sessions
from haven.forces import repository, service
from haven.forces.models import RankAlias
from haven.forces.reference import (
    BORDER_GUARD_FORCE,
    MYANMAR_POLICE,
    PEOPLES_MILITIA,
    REFERENCE_FORCES,
)
from haven.kernel.sensitivity import bind_actor
from haven.people.models import Person
from haven.security.permissions import Actor, Role
from haven.text.units import UNIT_KINDS, UnitCode, parse_unit
from haven.vetting import incidents
from haven.vetting.models import ScreeningHit
from haven.vetting.schemas import IncidentIn
from tests import factories as f
from tests.vetting.support import officer

SYSTEM = Actor.system()


def test_the_reference_forces_load_once_with_burmese_names(db: Session, client: TestClient) -> None:
    service.ensure_reference_data(db)
    aliases = db.scalar(select(func.count()).select_from(RankAlias))
    again = service.ensure_reference_data(db)  # idempotent: nothing added twice
    assert db.scalar(select(func.count()).select_from(RankAlias)) == aliases
    user = f.user(db, organisation=f.organisation(db), role=Role.CASE_WORKER)
    headers = f.bearer(f.api_token(db, user=user))
    listed = {row["name"]: row for row in client.get("/api/forces", headers=headers).json()}
    for name, kind in (
        (MYANMAR_POLICE, "police"),
        (PEOPLES_MILITIA, "militia"),
        (BORDER_GUARD_FORCE, "state_army"),
    ):
        assert listed[name]["kind"] == kind
        assert listed[name]["name_my"]
        ranks = client.get(f"/api/forces/{listed[name]['id']}/ranks", headers=headers).json()
        assert len(ranks) >= 4
        assert all(r["name_my"] for r in ranks if r["name_en"] != "Staff Sergeant")
        assert not any(r["verified"] for r in ranks)  # shown unverified
        assert any(r["aliases"] for r in ranks)
    police = client.get(f"/api/forces/{listed[MYANMAR_POLICE]['id']}/ranks", headers=headers)
    by_name = {r["name_en"]: r for r in police.json()}
    assert by_name["Police Captain"]["name_my"] == "ရဲအုပ်"
    assert by_name["Police Captain"]["pay_group"] == "warrant_to_captain"
    assert again.id == service.ensure_reference_data(db).id


def test_a_table_an_administrator_changed_is_left_as_they_left_it(db: Session) -> None:
    service.ensure_reference_data(db)
    militia = repository.force_by_name(db, PEOPLES_MILITIA)
    assert militia is not None
    member = next(r for r in repository.ranks_of(db, militia.id) if r.name_en == "Militia member")
    service.update_rank(db, SYSTEM, member.id, name_my="ပြည်သူ့စစ်", verified=True, aliases=["PM"])
    service.ensure_reference_data(db)
    assert service.rank_aliases(db, [member.id])[member.id] == ["PM"]
    assert (member.name_my, member.verified) == ("ပြည်သူ့စစ်", True)


def test_police_ranks_take_an_equivalence_into_a_receiving_force(db: Session) -> None:
    service.ensure_reference_data(db)
    police = repository.force_by_name(db, MYANMAR_POLICE)
    assert police is not None
    captain = next(r for r in repository.ranks_of(db, police.id) if r.name_en == "Police Captain")
    receiving = service.create_force(db, SYSTEM, name="Receiving (police test)", kind="receiving")
    target = service.add_rank(
        db, SYSTEM, force_id=receiving.id, seniority=10, name_en="Company officer"
    )
    service.add_equivalence(
        db,
        SYSTEM,
        receiving_force_id=receiving.id,
        source_rank_id=captain.id,
        target_rank_id=target.id,
        effective_from=date(2024, 1, 1),
    )
    found = service.equivalent_rank(
        db, SYSTEM, source_rank_id=captain.id, receiving_force_id=receiving.id, on=date(2025, 1, 1)
    )
    assert found is not None
    assert found.id == target.id


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        ("TOC 2", "TOC-2"),
        ("Tactical Operations Command (2)", "TOC-2"),
        ("နည်းဗျူဟာ ၂", "TOC-2"),
        ("Artillery Battalion 344", "ARTY-344"),
        ("Field Artillery Battalion 344", "ARTY-344"),
        ("အမြောက်တပ်ရင်း ၃၄၄", "ARTY-344"),
        ("AOC 1", "AOC-1"),
        ("ROC 5", "ROC-5"),
        ("MOC 7", "MOC-7"),
        ("စကခ ၇", "MOC-7"),
        ("LID 66", "LID-66"),
        ("RMC 2", "RMC-2"),
        ("Police Battalion 12", "PB-12"),
        ("ရဲတပ်ရင်း ၁၂", "PB-12"),
        ("Lon Htein 5", "SPB-5"),
        ("လုံထိန်းတပ်ရင်း ၅", "SPB-5"),
        ("People's Militia 9", "PMF-9"),
        ("ပြည်သူ့စစ် ၉", "PMF-9"),
        ("Pyusawhti 3", "PSH-3"),
        ("ပျူစောထီး ၃", "PSH-3"),
        ("BGF 1004", "BGF-1004"),
        ("နယ်ခြားစောင့်တပ်ရင်း ၁၀၀၄", "BGF-1004"),
    ],
)
def test_units_beyond_infantry_are_read_from_every_spelling(typed: str, label: str) -> None:
    unit = parse_unit(typed)
    assert unit is not None, typed
    assert unit.label == label


def test_every_unit_kind_has_a_name() -> None:
    assert {"TOC", "ARTY", "AOC", "ROC", "PB", "SPB", "PMF", "PSH", "MOC", "LID", "BGF"} <= set(
        UNIT_KINDS
    )
    assert UnitCode("ARTY", "344").name == "Artillery Battalion"


def _incident(period: str, units: list[str]) -> IncidentIn:
    return IncidentIn.model_validate(
        {
            "kind": "attacks_on_civilians",
            "period": period,
            "township": "Demoso",
            "summary": "Shelling of a village (synthetic).",
            "source_reliability": "B",
            "information_credibility": 2,
            "units": units,
        }
    )


@pytest.mark.parametrize(
    ("served_in", "implicated"),
    [
        ("အမြောက်တပ်ရင်း ၃၄၄", "Artillery Battalion 344"),
        ("Tactical Operations Command 2", "နည်းဗျူဟာ ၂"),
        ("Police Battalion 12", "ရဲတပ်ရင်း ၁၂"),
        ("Pyusawhti 3", "PSH-3"),
    ],
)
def test_units_of_new_kinds_are_screened_by_unit_and_period(
    db: Session, served_in: str, implicated: str
) -> None:
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    bind_actor(db, SYSTEM)
    event = f.receive(
        db,
        SYSTEM,
        site_id=site.id,
        name_latin="Min Thu",
        origin_unit=served_in,
        service_months=12,
        received_on=date(2024, 6, 15),
    )
    person = db.get(Person, event.person_id)  # type: ignore[attr-defined]
    assert person is not None
    actor = sessions.actor_for(officer(db, org.id))
    bind_actor(db, actor)
    before, _ = incidents.record_incident(db, actor, _incident("2023-01", [implicated]))
    during, _ = incidents.record_incident(db, actor, _incident("2024-02", [implicated]))
    hits = db.scalars(select(ScreeningHit).where(ScreeningHit.person_id == person.id)).all()
    assert {(h.kind, h.incident_id) for h in hits} == {("unit_period", during.id)}
    assert before.id not in {h.incident_id for h in hits}
    assert parse_unit(served_in).label in (hits[0].explanation or "")  # type: ignore[union-attr]


def test_the_reference_tables_are_the_ones_documented() -> None:
    assert [t.name for t in REFERENCE_FORCES][1:] == [
        MYANMAR_POLICE,
        PEOPLES_MILITIA,
        BORDER_GUARD_FORCE,
    ]
