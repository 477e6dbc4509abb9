"""Screening: unit-and-period overlap on edge dates, name hits, re-screening on import."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.accounts import sessions
from haven.accounts.models import Organisation, Site
from haven.errors import PermissionDenied, ValidationFailed
from haven.forces import public as forces
from haven.kernel.sensitivity import bind_actor
from haven.matching.public import IdentityRecord, Watchlist
from haven.people.models import Person
from haven.security.permissions import Actor, Role
from haven.vetting import cases, explanations, incidents
from haven.vetting.models import ScreeningHit
from haven.vetting.names import baseline, join_aliases, split_aliases
from haven.vetting.schemas import IncidentIn, parse_period
from haven.vetting.screening import Service, overlaps, screen_identities, service_from
from haven.vetting.status import VettingStatus, vetting_status
from tests import factories as f
from tests.vetting.support import case_of, clear_person, officer

RECEIVED = date(2022, 6, 15)
SERVICE = service_from(RECEIVED, 15, "LIB-531")  # 2021-03-01 .. 2022-06-15


def test_service_starts_on_the_first_day_of_the_month_and_ends_on_arrival() -> None:
    assert Service(unit="LIB-531", start=date(2021, 3, 1), end=RECEIVED) == SERVICE
    assert service_from(date(2022, 1, 31), 1, "IB-1").start == date(2021, 12, 1)


@pytest.mark.parametrize(
    ("period", "hit"),
    [
        ("2021-02-28", False),  # the day before service began
        ("2021-03-01", True),  # the first day
        ("2022-06-15", True),  # the last day (arrival)
        ("2022-06-16", False),  # the day after
        ("2020", False),  # a year-only period wholly before
        ("2021", True),  # a year-only period overlapping the start
        ("2022", True),  # a year-only period overlapping the end
        ("2021-01/2021-02", False),  # a period ending the day before
        ("2022-06-16/2022-07", False),
        ("2020-12-31/2021-03-01", True),  # a period ending on the first day
    ],
)
def test_unit_and_period_overlap_on_edge_dates(period: str, hit: bool) -> None:
    start, end = parse_period(period)
    assert overlaps(SERVICE, start, end) is hit


def test_unknown_length_of_service_counts_every_earlier_incident() -> None:
    unknown = service_from(RECEIVED, None, "LIB-531")
    assert overlaps(unknown, date(2005, 1, 1), date(2005, 1, 1))
    assert not overlaps(unknown, date(2022, 6, 16), date(2022, 6, 16))


def test_a_birth_year_mismatch_alone_never_clears_a_name_hit() -> None:
    person = IdentityRecord(key=uuid.uuid4(), name_latin="U Kyaw Zin Oo", birth_year=1990)
    entry = IdentityRecord(key=uuid.uuid4(), name_latin="Kyaw Zin Oo", birth_year=1970)
    other = IdentityRecord(key=uuid.uuid4(), name_latin="Thura Aung")
    matches = baseline(person, [entry, other])
    assert [m.entry_key for m in matches] == [entry.key]
    assert "birth year differs (does not clear the hit)" in matches[0].reasons
    burmese = IdentityRecord(key=uuid.uuid4(), name_my="ကျော်ဇင်ဦး")
    assert baseline(IdentityRecord(key=uuid.uuid4(), name_my="ဦးကျော်ဇင်ဦး"), [burmese])


@pytest.mark.parametrize(
    ("written", "name", "aliases"),
    [
        ("Aung Aung a.k.a. Bo Nyi, Nyi Nyi", "Aung Aung", ("Bo Nyi", "Nyi Nyi")),
        ("Aung Aung (alias Bo Nyi)", "Aung Aung", ("Bo Nyi",)),
        ("Aung Aung AKA Bo Nyi / Ko Nyi", "Aung Aung", ("Bo Nyi", "Ko Nyi")),
        ("အောင်အောင် (ခ) ဘိုညီ", "အောင်အောင်", ("ဘိုညီ",)),
        ("Aung Aung", "Aung Aung", ()),
        ("Aka Naw", "Aka Naw", ()),  # a name that begins so is a name
        (join_aliases("Aung Aung", ["Bo Nyi", " ", "Ko Nyi"]), "Aung Aung", ("Bo Nyi", "Ko Nyi")),
    ],
)
def test_aliases_are_read_from_a_list_entrys_name(
    written: str, name: str, aliases: tuple[str, ...]
) -> None:
    assert split_aliases(written) == (name, aliases)


def test_a_person_is_screened_with_every_unit_they_declared() -> None:
    """A list names the unit it knew, which may be one the person served in before the last:
    each unit is screened, and each entry kept once, with its strongest match."""
    entry = IdentityRecord(key=uuid.uuid4(), name_latin="Aung Kyaw Oo", unit="LIB 99")
    last = IdentityRecord(key=uuid.uuid4(), name_latin="Aung Kyaw Oo", unit="IB-12")
    share = Watchlist([entry], name_share=lambda _key: 1 / 500).screen
    assert share(last) == []  # a common name in another unit
    (match,) = screen_identities(share, [last, replace(last, unit="LIB-99"), last])
    assert match.entry_key == entry.key
    assert "same unit" in match.reasons


def _setup(db: Session) -> tuple[Organisation, Site, Actor]:
    """An organisation, a site and a vetting officer, who acts (their reader is bound)."""
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    actor = sessions.actor_for(officer(db, org.id))
    bind_actor(db, actor)
    return org, site, actor


def _receive(db: Session, site: Site, name: str, **fields: object) -> Person:
    """Receive a person as the system (bound here): the test binds its officer again after."""
    system = Actor.system()
    bind_actor(db, system)
    event = f.receive(db, system, site_id=site.id, name_latin=name, **fields)
    person = db.get(Person, event.person_id)  # type: ignore[attr-defined]
    assert person is not None
    return person


def _incident(period: str, **fields: object) -> IncidentIn:
    data = {
        "kind": "arson",
        "period": period,
        "township": "Hpruso",
        "summary": "Village burned (synthetic).",
        "source_reliability": "B",
        "information_credibility": 2,
        **fields,
    }
    return IncidentIn.model_validate(data)


def _hits(db: Session, person: Person) -> list[ScreeningHit]:
    return list(db.scalars(select(ScreeningHit).where(ScreeningHit.person_id == person.id)))


def test_recording_incidents_screens_the_unit_on_edge_dates(db: Session) -> None:
    _org, site, actor = _setup(db)
    person = _receive(
        db, site, "Min Thu", origin_unit="LIB 531", service_months=15, received_on=RECEIVED
    )
    bind_actor(db, actor)
    assert _hits(db, person) == []
    hit_on: dict[str, bool] = {}
    for period in ("2021-02-28", "2021-03-01", "2022-06-15", "2022-06-16", "2021"):
        incident, _ = incidents.record_incident(db, actor, _incident(period, units=["LIB-531"]))
        hit_on[period] = any(h.incident_id == incident.id for h in _hits(db, person))
    assert hit_on == {
        "2021-02-28": False,
        "2021-03-01": True,
        "2022-06-15": True,
        "2022-06-16": False,
        "2021": True,
    }
    explanation = explanations.render(_hits(db, person)[0].explanation, "en")
    assert "LIB-531" in explanation
    assert "from 2021-03-01 to 2022-06-15" in explanation


def test_a_name_hit_at_reception_is_explained(db: Session) -> None:
    _org, site, actor = _setup(db)
    incidents.record_incident(
        db,
        actor,
        _incident(
            "2021-12-24",
            kind="massacre",
            perpetrators=[{"name": "Kyaw Zin Oo", "rank": "Bo Gyi", "unit": "IB 12"}],
        ),
    )
    # The rank declared at reception (the table's "Captain") is the perpetrator's "Bo Gyi".
    army = forces.ensure_reference_data(db)
    captain = next(r for r in forces.ranks_of(db, army.id) if r.name_en == "Captain")
    person = _receive(
        db, site, "U Kyaw Zin Oo", origin_unit="IB-12", service_months=3, rank_id=str(captain.id)
    )
    bind_actor(db, actor)
    (hit,) = _hits(db, person)
    assert hit.kind == "perpetrator"
    assert hit.explanation is not None
    assert "Bo Gyi Kyaw Zin Oo" in hit.explanation
    assert "same unit" in hit.explanation
    assert "same rank" in hit.explanation
    # Another role reads no allegation: the explanation is masked, the case refused.
    caseworker = sessions.actor_for(
        f.user(db, organisation=db.get(Organisation, person.organisation_id), role=Role.CASE_WORKER)  # type: ignore[arg-type]
    )
    bind_actor(db, caseworker)
    with pytest.raises(PermissionDenied):
        cases.get_case(db, caseworker, case_of(db, person.id).id)
    db.expire(hit)
    assert hit.explanation is None


CSV = (
    "kind,period,township,village,units,perpetrators,summary,sources,"
    "source_reliability,information_credibility\n"
    "massacre,2021-12-24,Hpruso,Mo So,LIB 531,,Civilians killed (synthetic).,Witnesses,B,2\n"
    'destruction of homes,2022,Demoso,,,"Thura Aung | Sergeant | IB 250",Homes razed.,,C,3\n'
)


def test_importing_incidents_rescreens_the_people_concerned(db: Session) -> None:
    _org, site, actor = _setup(db)
    in_unit = _receive(
        db, site, "Min Thu", origin_unit="LIB-531", service_months=12, received_on=RECEIVED
    )
    named = _receive(db, site, "Thura Aung", origin_unit="IB 250", service_months=6)
    unrelated = _receive(db, site, "Zaw Win", origin_unit="IB-99", service_months=2)
    bind_actor(db, actor)
    clear_person(db, named.id)
    assert vetting_status(db, named.id) is VettingStatus.CLEARED
    created, result = incidents.import_incidents(db, actor, CSV.encode())
    assert created == 2
    assert result.screened == 2  # only the two concerned, not everyone
    assert result.new_hits == 2
    assert [h.kind for h in _hits(db, in_unit)] == ["unit_period"]
    assert [h.kind for h in _hits(db, named)] == ["perpetrator"]
    assert _hits(db, unrelated) == []
    # New evidence reopened the cleared person's case: allowances are on hold again.
    assert vetting_status(db, named.id) is VettingStatus.PENDING
    assert case_of(db, named.id).state == "pending"


def test_a_bad_row_imports_nothing(db: Session) -> None:
    _org, _site, actor = _setup(db)
    bad = CSV.replace("2021-12-24", "2021-13-45").replace("C,3", "Z,3")
    with pytest.raises(ValidationFailed) as refused:
        incidents.import_incidents(db, actor, bad.encode())
    assert set(refused.value.fields) == {"row 2.period", "row 3.source_reliability"}
    assert incidents.list_incidents(db, actor) == []


def test_watchlist_names_are_screened(db: Session) -> None:
    _org, site, actor = _setup(db)
    person = _receive(db, site, "Aung Naing Soe", birth_year=1990, origin_unit="LIB 77")
    known_as = _receive(db, site, "Min Htet")
    known_as.aliases = ["Bo Bo"]  # the profile's aliases: screened like names
    db.flush()
    bind_actor(db, actor)
    watchlist, result = incidents.load_watchlist(
        db,
        actor,
        name="Sanctions list (synthetic)",
        content=(
            b"name,birth_year,unit,note,aliases\nAung Naing Soe,1971,LIB 77,Sanctioned,\n"
            b"Bo Bo,,IB 5,,Thiha Zaw; Ko Thiha\n"
        ),
    )
    assert watchlist.entry_count == 2
    assert result.new_hits == 2
    (alias_hit,) = _hits(db, known_as)
    assert alias_hit.explanation is not None
    assert "matched on an alias" in alias_hit.explanation
    (hit,) = _hits(db, person)
    assert hit.kind == "watchlist"
    assert hit.explanation is not None
    assert "birth year differs" in hit.explanation
    # An alias of the list is screened like a name, at reception too, and the hit says so.
    aliased = _receive(db, site, "Thiha Zaw", origin_unit="IB-5")
    bind_actor(db, actor)
    (hit,) = _hits(db, aliased)
    assert hit.explanation is not None
    assert "matched on an alias" in hit.explanation
    assert "Bo Bo (a.k.a. Thiha Zaw, Ko Thiha)" in hit.explanation
