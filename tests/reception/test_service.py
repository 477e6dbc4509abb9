from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from haven.accounts.sessions import actor_for
from haven.errors import PermissionDenied, ValidationFailed
from haven.forces import repository as forces_repo
from haven.forces import service as forces
from haven.people.models import Person
from haven.reception.models import ReceptionEvent, WeaponItem
from haven.reception.schemas import Classification, ReceptionCreate
from haven.security.permissions import Role
from tests import factories as f

ZAWGYI_NAME = "ေမာင္ေအာင္ေက်ာ္"  # "Maung Aung Kyaw" typed with a Zawgyi keyboard
UNICODE_NAME = "မောင်အောင်ကျော်"


@pytest.fixture
def setting(db: Session, fast_settings):  # type: ignore[no-untyped-def]
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    registrar = actor_for(f.registrar(db, organisation=org, site=site, settings=fast_settings))
    return org, site, registrar


@pytest.mark.parametrize("classification", ["defector", "surrendered", "captured", "disengaged"])
def test_each_adult_classification_is_received_with_military_details(
    db: Session, setting, classification: str
) -> None:  # type: ignore[no-untyped-def]
    _org, site, registrar = setting
    army = forces.ensure_reference_data(db)
    captain = next(r for r in forces_repo.ranks_of(db, army.id) if r.name_en == "Captain")
    event = f.receive(
        db,
        registrar,
        classification=classification,
        origin_unit="Kha Ma Ya 531",
        rank_id=str(captain.id),
        position="Company commander",
        service_months=96,
    )
    assert event.classification == classification
    assert event.site_id == site.id
    assert event.rank_id == captain.id
    assert event.origin_unit_text == "Kha Ma Ya 531"
    assert event.child_protection_due_at is None
    assert forces_repo.unit_by_code(db, army.id, "LIB", "531").id == event.origin_unit_id  # type: ignore[union-attr]


def test_a_child_is_flagged_for_handover_within_48_hours(db: Session, setting) -> None:  # type: ignore[no-untyped-def]
    _org, _site, registrar = setting
    before = datetime.now(UTC)
    event = f.receive(db, registrar, classification="child", name_latin="Mg Hla")
    assert event.child_protection_due_at is not None
    assert (
        timedelta(hours=47, minutes=59)
        < event.child_protection_due_at - before
        <= timedelta(hours=48, minutes=1)
    )


def test_no_military_question_is_stored_for_a_child(db: Session, setting) -> None:  # type: ignore[no-untyped-def]
    _org, _site, registrar = setting
    with pytest.raises(ValidationFailed) as info:
        f.receive(db, registrar, classification="child", origin_unit="LIB 531", position="runner")
    assert {"origin_unit", "position"} <= set(info.value.fields)
    assert db.scalars(select(Person)).all() == []  # nothing written


def test_the_database_itself_refuses_military_data_for_a_child(db: Session, setting) -> None:  # type: ignore[no-untyped-def]
    _org, _site, registrar = setting
    event = f.receive(db, registrar, classification="child", name_latin="Mg Hla")
    event.position = "runner"
    with pytest.raises(IntegrityError):
        db.flush()


def test_age_doubt_is_resolved_in_the_childs_favour(db: Session, setting) -> None:  # type: ignore[no-untyped-def]
    _org, _site, registrar = setting
    this_year = datetime.now(UTC).year
    with pytest.raises(ValidationFailed) as info:
        f.receive(db, registrar, classification="defector", birth_year=this_year - 18)  # 17 or 18
    assert "classification" in info.value.fields
    adult = f.receive(
        db, registrar, classification="defector", birth_year=this_year - 19
    )  # 18 or 19
    assert adult.classification == "defector"


def test_same_name_in_zawgyi_and_unicode_is_stored_identically(db: Session, setting) -> None:  # type: ignore[no-untyped-def]
    _org, _site, registrar = setting
    a = f.receive(db, registrar, name_latin=None, name_my=UNICODE_NAME)
    b = f.receive(db, registrar, name_latin=None, name_my=ZAWGYI_NAME, text_encoding="zawgyi")
    c = f.receive(db, registrar, name_latin=None, name_my=ZAWGYI_NAME)
    people = [db.get(Person, e.person_id) for e in (a, b, c)]
    assert {(p.prefix, p.name_my) for p in people} == {(people[0].prefix, people[0].name_my)}  # type: ignore[union-attr]
    assert people[0].name_my == "အောင်ကျော်"  # type: ignore[union-attr]
    assert people[0].prefix == "မောင်"  # type: ignore[union-attr]


def test_a_name_is_required_in_at_least_one_script(db: Session, setting) -> None:  # type: ignore[no-untyped-def]
    _org, _site, registrar = setting
    with pytest.raises(ValidationFailed) as info:
        f.receive(db, registrar, name_latin="  ")
    assert "name_latin" in info.value.fields


def test_weapons_each_get_a_receipt_number(db: Session, setting) -> None:  # type: ignore[no-untyped-def]
    _org, _site, registrar = setting
    event = f.receive(
        db,
        registrar,
        weapons=[
            {"kind": "rifle", "serial_number": "MA1-0001", "tag": "T-1", "serviceable": True},
            {"kind": "ammunition", "quantity": 120},
        ],
    )
    items = db.scalars(select(WeaponItem).where(WeaponItem.reception_id == event.id)).all()
    assert len(items) == 2
    assert len({i.receipt_number for i in items}) == 2
    assert all(i.receipt_number.startswith("WR-") for i in items)


def test_a_registrar_receives_only_at_their_own_site(db: Session, setting) -> None:  # type: ignore[no-untyped-def]
    org, _site, registrar = setting
    other = f.site(db, organisation=org)
    with pytest.raises(ValidationFailed) as info:
        f.receive(db, registrar, site_id=str(other.id))
    assert "site_id" in info.value.fields


def test_roles_without_reception_rights_cannot_receive(db: Session, fast_settings) -> None:  # type: ignore[no-untyped-def]
    org = f.organisation(db)
    worker = actor_for(f.user(db, organisation=org, role=Role.CASE_WORKER, settings=fast_settings))
    with pytest.raises(PermissionDenied):
        f.receive(db, worker)


def test_unknown_classification_is_refused() -> None:
    with pytest.raises(ValidationError):
        ReceptionCreate.model_validate({"name_latin": "Aung", "classification": "tourist"})
    assert {c.value for c in Classification} == {
        "defector",
        "surrendered",
        "captured",
        "disengaged",
        "child",
    }


def test_reception_is_audited(db: Session, setting) -> None:  # type: ignore[no-untyped-def]
    _org, _site, registrar = setting
    event = f.receive(db, registrar)
    actions = (
        db.execute(
            text("SELECT action FROM audit_events WHERE subject_id = :s"),
            {"s": event.person_id.hex if db.bind.dialect.name == "sqlite" else event.person_id},
        )
        .scalars()
        .all()
    )  # type: ignore[union-attr]
    assert "person.received" in actions
    assert db.scalars(select(ReceptionEvent)).one().recorded_by_id == registrar.user_id
