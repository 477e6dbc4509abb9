"""A POW officer, a registrar and a captured prisoner received at the registrar's site.

Each helper binds the reader of the actor it acts as (the test is the boundary): a test that
then acts as another actor binds that actor first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy.orm import Session

from haven.accounts.models import Organisation, Site
from haven.accounts.sessions import actor_for
from haven.config import Settings
from haven.forces import repository as forces_repository
from haven.forces import service as forces
from haven.kernel.sensitivity import bind_actor
from haven.people import service as people
from haven.people.schemas import ProfileUpdate
from haven.pow import service
from haven.pow.models import PowPlace, PowRecord
from haven.pow.schemas import PlaceIn, PowRegister
from haven.reception.models import ReceptionEvent
from haven.security.permissions import Actor, Role
from tests import factories as f


@dataclass
class Setting:
    organisation: Organisation
    site: Site
    registrar: Actor
    officer: Actor


@pytest.fixture
def setting(db: Session, fast_settings: Settings) -> Setting:
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    registrar = actor_for(f.registrar(db, organisation=org, site=site, settings=fast_settings))
    officer = actor_for(f.user(db, organisation=org, role=Role.POW_OFFICER, settings=fast_settings))
    return Setting(organisation=org, site=site, registrar=registrar, officer=officer)


def captured(
    db: Session,
    setting: Setting,
    *,
    name: str = "Zaw Min Htet",
    classification: str = "captured",
    received_on: date = date(2026, 11, 1),
) -> ReceptionEvent:
    army = forces.ensure_reference_data(db)
    sergeant = next(r for r in forces_repository.ranks_of(db, army.id) if r.name_en == "Sergeant")
    bind_actor(db, setting.registrar)
    event = f.receive(
        db,
        setting.registrar,
        name_latin=name,
        classification=classification,
        received_on=received_on.isoformat(),
        birth_year=1990,
        origin_unit="LIB 531",
        rank_id=str(sergeant.id),
    )
    assert isinstance(event, ReceptionEvent)
    system = Actor.system()
    bind_actor(db, system)
    people.update_profile(
        db,
        system,
        event.person_id,
        ProfileUpdate(father_name="U Ba Tin", service_number="BA-123456", nrc="12/OuKaMa(N)123456"),
    )
    return event


def place(db: Session, setting: Setting, name: str = "Camp One") -> PowPlace:
    bind_actor(db, setting.officer)
    return service.create_place(db, setting.officer, PlaceIn(name=name))


def register(
    db: Session,
    setting: Setting,
    *,
    captured_on: date = date(2026, 11, 1),
    arrived_on: date | None = None,
    at: PowPlace | None = None,
    name: str = "Zaw Min Htet",
) -> PowRecord:
    event = captured(db, setting, name=name, received_on=captured_on)
    bind_actor(db, setting.officer)
    return service.register(
        db,
        setting.officer,
        PowRegister(
            person_id=event.person_id,
            captured_on=captured_on,
            arrived_on=arrived_on,
            place_id=at.id if at else None,
        ),
    )


# The risk assessment every transfer and release records (non-refoulement, docs/pow.md).
ASSESSED: dict[str, object] = {
    "risk_assessed_by": "Naw Paw (protection officer)",
    "risk_assessed_on": "2026-11-02",
    "risks": ["persecution", "family_reprisals"],
    "risk_conclusion": "no_real_risk",
}


def complete_check(**overrides: object) -> dict[str, object]:
    """The items of a complete voluntariness check in which the person chooses to defect."""
    return {
        "interviewer_name": "Naw Htoo (protection officer)",
        "interviewer_independent": True,
        "detaining_unit_absent": True,
        "former_commanders_absent": True,
        "present": "Naw Htoo; Saw Ler (interpreter)",
        "statement": "ကျွန်တော့်ဆန္ဒအလျောက် တော်လှန်ရေးဘက်သို့ ပါဝင်ချင်ပါသည်။",
        "statement_language": "Burmese",
        "paths": ["defect"],
        "witness": "independent",
        "witness_name": "Daw Mya (church elder)",
        "mark": "thumbprint",
        "mark_attested_by": "Daw Mya",
        "outcome": "voluntary",
        "interviewed_on": "2026-11-03",
        **overrides,
    }
