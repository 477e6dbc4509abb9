"""The standing read from its parts through the real services: reception and the child rule,
vetting's decision in force (two officers), the prisoner-of-war registry."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from haven.errors import Conflict
from haven.forces import repository as forces_repository
from haven.forces import service as forces
from haven.i18n import render
from haven.kernel.sensitivity import bind_actor
from haven.people import service as people
from haven.people.schemas import ProfileUpdate
from haven.pow import service as pow_service
from haven.pow.schemas import PowRegister
from haven.reception.models import ReceptionEvent
from haven.security.permissions import Actor, Role
from haven.standing.public import (
    Path,
    StandingState,
    require_may_choose,
    require_may_serve,
    standing_of,
    standings,
)
from haven.vetting.lifecycle import Outcome
from haven.vetting.models import VettingCase
from haven.vetting.public import VettingStatus, screen_person
from tests import factories as f
from tests.vetting.support import clear_person

SYSTEM = Actor.system()
THIS_YEAR = datetime.now(UTC).year


def _receive(db: Session, **fields: object) -> uuid.UUID:
    bind_actor(db, SYSTEM)
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    event = f.receive(db, SYSTEM, site_id=str(site.id), **fields)
    assert isinstance(event, ReceptionEvent)
    return event.person_id


def _vetting_cases(db: Session, person_id: uuid.UUID) -> int:
    return int(
        db.scalar(
            select(func.count()).select_from(VettingCase).where(VettingCase.person_id == person_id)
        )
        or 0
    )


def test_an_adult_stands_by_the_vetting_decision_in_force(db: Session) -> None:
    person = _receive(db, name_latin="Kyaw Zin Oo", birth_year=1990)
    pending = standing_of(db, person)
    assert pending.state is StandingState.PENDING_VETTING
    assert pending.vetting is VettingStatus.PENDING
    assert pending.support_held
    assert pending.may_serve
    assert require_may_serve(db, person) == pending
    clear_person(db, person, outcome=Outcome.REFERRED)
    referred = standing_of(db, person)
    assert referred.state is StandingState.REFERRED
    assert referred.open_paths == (Path.HOME, Path.EXILE, Path.CUSTODY_AND_JUSTICE)
    assert referred.excluded
    assert referred.home_under_conditions
    with pytest.raises(Conflict) as refused:
        require_may_serve(db, person)
    assert refused.value.code == "standing_refuses"
    english = render(refused.value.message, "en")
    assert "“Referred for accountability”" in english
    assert "exile" in english
    assert require_may_choose(db, person, Path.HOME) == referred
    assert require_may_choose(db, person, "exile") == referred


def test_a_child_is_never_put_through_war_crimes_vetting(db: Session) -> None:
    child = _receive(db, name_latin="Saw Eh Doh", classification="child", birth_year=THIS_YEAR - 15)
    # Reception published PersonReceived: vetting screened no one, no case, no hold.
    assert _vetting_cases(db, child) == 0
    assert screen_person(db, child) == []
    assert _vetting_cases(db, child) == 0
    standing = standing_of(db, child)
    assert standing.state is StandingState.CHILD
    assert standing.vetting is None
    assert not standing.support_held
    assert not standing.may_receive_cash
    assert standing.open_paths == (Path.HOME, Path.EXILE)
    # An adult received the same way is screened: the rule is the child's, not the form's.
    adult = _receive(db, name_latin="Saw Eh Doh", birth_year=1990)
    assert _vetting_cases(db, adult) == 1
    assert standing_of(db, adult).support_held


def test_a_person_found_to_be_under_18_counts_as_a_child_whatever_vetting_says(
    db: Session,
) -> None:
    person = _receive(db, name_latin="Naw Paw", birth_year=1990)
    assert _vetting_cases(db, person) == 1  # received as an adult: screened
    # The year of birth is corrected: the person may be under 18 (doubt in their favour).
    people.update_profile(db, SYSTEM, person, ProfileUpdate(birth_year=THIS_YEAR - 17))
    standing = standing_of(db, person)
    assert standing.state is StandingState.CHILD
    assert not standing.support_held  # the open vetting case holds nothing any more
    assert standing.open_paths == (Path.HOME, Path.EXILE)
    # Judged on a day when they are certainly an adult, they stand by vetting again.
    later = standing_of(db, person, on=date(THIS_YEAR + 19, 1, 1))
    assert later.state is StandingState.PENDING_VETTING


def test_an_interned_prisoner_may_not_change_path_without_a_voluntariness_check(
    db: Session, fast_settings: object
) -> None:
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    bind_actor(db, SYSTEM)
    army = forces.ensure_reference_data(db)
    sergeant = next(r for r in forces_repository.ranks_of(db, army.id) if r.name_en == "Sergeant")
    event = f.receive(
        db,
        SYSTEM,
        site_id=str(site.id),
        name_latin="Zaw Min Htet",
        classification="captured",
        received_on="2026-11-01",
        birth_year=1990,
        rank_id=str(sergeant.id),
    )
    assert isinstance(event, ReceptionEvent)
    officer = f.user(db, organisation=org, role=Role.POW_OFFICER, settings=fast_settings)  # type: ignore[arg-type]
    assert officer is not None
    pow_service.register(
        db, SYSTEM, PowRegister(person_id=event.person_id, captured_on=date(2026, 11, 1))
    )
    standing = standing_of(db, event.person_id)
    assert standing.state is StandingState.PRISONER_OF_WAR
    assert standing.open_paths == ()
    for path in (Path.SERVE, Path.HOME, Path.EXILE):
        with pytest.raises(Conflict) as refused:
            require_may_choose(db, event.person_id, path)
        assert "voluntariness check" in render(refused.value.message, "en")


def test_standings_answers_every_id_as_standing_of_does(db: Session) -> None:
    adult = _receive(db, name_latin="Min Thu", birth_year=1988)
    child = _receive(db, name_latin="Saw Htoo", classification="child", birth_year=THIS_YEAR - 12)
    referred = _receive(db, name_latin="Aung Myo", birth_year=1980)
    clear_person(db, referred, outcome=Outcome.REFERRED)
    unknown = uuid.uuid4()
    found = standings(db, [adult, child, referred, unknown, adult])
    assert list(found) == [adult, child, referred, unknown]
    for person_id, standing in found.items():
        assert standing == standing_of(db, person_id)
    assert [found[p].state for p in (adult, child, referred)] == [
        StandingState.PENDING_VETTING,
        StandingState.CHILD,
        StandingState.REFERRED,
    ]
