"""Demo people: several hundred synthetic persons received at the demo sites.

Everything goes through the services with `Actor.system("demo")`, so the demo data is
validated and audited exactly like real data. The people are planned first (`plan_people`,
pure, from one `random.Random(seed)`) and written afterwards, so that the same seed on the
same day gives the same people. Dates are counted back from the day of seeding, so that the
demo always looks current; children arrive in the last days, so that some are still waiting
for their child-protection handover.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from haven.accounts.models import Organisation, Site
from haven.demo.names import NameGenerator, Sex
from haven.forces import service as forces
from haven.people import service as people
from haven.people.public import any_person_in
from haven.people.schemas import FamilyMemberIn, ProfileUpdate
from haven.reception import service as reception
from haven.reception.schemas import ReceptionCreate
from haven.security.permissions import Actor
from haven.text import to_burmese_digits

DEMO_ACTOR = "demo"

CLASSIFICATIONS = ("defector", "surrendered", "captured", "disengaged", "child")
CLASSIFICATION_WEIGHTS = (55, 14, 9, 10, 12)

# Battalions as people say them: one unit written several ways, plus BGF and free text.
UNITS: tuple[tuple[str, ...], ...] = (
    ("LIB 531", "Kha Ma Ya 531", "ခမရ ၅၃၁", "Light Infantry Battalion 531", "531st LIB"),
    ("LIB 427", "LIB-427", "ခမရ ၄၂၇", "Kha Ma Ya 427"),
    ("LIB 428", "L.I.B. 428", "ခမရ-၄၂၈"),
    ("LIB 250", "ခမရ-၂၅၀", "Light Infantry Battalion (250)"),
    ("IB 54", "Kha La Ya 54", "ခလရ ၅၄", "Infantry Battalion 54"),
    ("IB 72", "IB-72", "ခလရ ၇၂"),
    ("IB 102", "Infantry Battalion No. 102", "ခလရ ၁၀၂"),
    ("IB 135", "Kha La Ya 135"),
    ("BGF 1004", "Border Guard Force 1004"),
)
UNRECOGNISED_UNITS = ("Military police, Loikaw", "Signals company", "Artillery (not sure which)")

# English rank name, weight, service months (from, to), positions.
RANKS: tuple[tuple[str, int, tuple[int, int], tuple[str, ...]], ...] = (
    ("Private", 40, (4, 60), ("Rifleman", "Cook", "Driver", "Runner", "Sentry")),
    ("Lance Corporal", 12, (24, 96), ("Rifleman", "Machine gunner", "Radio operator")),
    ("Corporal", 11, (36, 144), ("Section second-in-command", "Medic", "Company clerk")),
    ("Sergeant", 9, (60, 216), ("Section leader", "Quartermaster sergeant")),
    ("Staff Sergeant", 3, (96, 264), ("Platoon sergeant",)),
    ("Warrant Officer II", 3, (120, 300), ("Company sergeant major",)),
    ("Warrant Officer I", 2, (144, 330), ("Battalion sergeant major",)),
    ("Second Lieutenant", 4, (6, 36), ("Platoon commander",)),
    ("Lieutenant", 4, (24, 72), ("Platoon commander", "Signals officer")),
    ("Captain", 4, (48, 144), ("Company commander", "Adjutant")),
    ("Major", 3, (96, 240), ("Battalion second-in-command", "Company commander")),
    ("Lieutenant Colonel", 1, (180, 330), ("Battalion commander",)),
)
OFFICERS = frozenset({"Second Lieutenant", "Lieutenant", "Captain", "Major", "Lieutenant Colonel"})

# Weapon kind, description, serial prefix (None: no serial), quantity range.
WEAPONS: tuple[tuple[str, str, str | None, tuple[int, int]], ...] = (
    ("rifle", "MA-1 assault rifle", "MA1", (1, 1)),
    ("rifle", "MA-11 assault rifle", "MA11", (1, 1)),
    ("rifle", "BA-63 rifle", "BA63", (1, 1)),
    ("pistol", "BA-9 pistol", "BA9", (1, 1)),
    ("machine_gun", "MA-15 light machine gun", "MA15", (1, 1)),
    ("grenade_launcher", "MA-2 grenade launcher", "MA2", (1, 1)),
    ("ammunition", "5.56 mm rounds", None, (30, 300)),
    ("radio", "Hand-held radio", "RD", (1, 1)),
)

# State or region, township codes in Latin and Burmese letters (synthetic NRC numbers).
NRC_TOWNSHIPS: tuple[tuple[int, tuple[str, ...], tuple[str, ...]], ...] = (
    (2, ("LaKaNa", "DaMaSa", "PhaYaSa"), ("လကန", "ဒမဆ")),
    (12, ("OuKaMa", "KaMaYa"), ("ဥကမ",)),
    (13, ("TaKaNa", "LaLaNa"), ("တကန",)),
    (9, ("MaHaMa", "AhMaYa"), ("မဟမ",)),
    (7, ("TaNgaNa",), ("တငန",)),
)

RELATIVES: tuple[tuple[str, Sex, bool], ...] = (
    ("wife", "female", True),
    ("mother", "female", False),
    ("father", "male", False),
    ("son", "male", True),
    ("daughter", "female", True),
    ("brother", "male", False),
    ("sister", "female", False),
)
WHEREABOUTS = (
    "Battalion family quarters, Loikaw",
    "Home village near Demoso",
    "With relatives in Taunggyi",
    "Displaced, camp near Hpruso",
    "In Thailand, Mae Hong Son",
    "Reported held by the military: follow up",
    "Not known",
    "မသိပါ",
)


@dataclass
class PlannedPerson:
    """One demo person as the services will receive them."""

    site_index: int
    reception: dict[str, Any]
    rank: str | None = None
    profile: dict[str, Any] | None = None
    family: list[dict[str, Any]] = field(default_factory=list)


def _names(
    generator: NameGenerator, rng: random.Random, sex: Sex, age: int | None
) -> dict[str, Any]:
    name = generator.name(sex, age=age)
    roll = rng.random()
    data: dict[str, Any] = {"text_encoding": "unicode"}
    if roll < 0.6:
        data |= {"name_my": name.full_my, "name_latin": name.full_latin}
    elif roll < 0.85:
        data["name_my"] = name.full_my
    else:
        data["name_latin"] = name.full_latin
    return data


def _military(rng: random.Random, planned: PlannedPerson) -> None:
    data = planned.reception
    roll = rng.random()
    if roll < 0.85:
        data["origin_unit"] = rng.choice(rng.choice(UNITS))
    elif roll < 0.9:
        data["origin_unit"] = rng.choice(UNRECOGNISED_UNITS)
    if rng.random() < 0.9:
        rank, _weight, months, positions = rng.choices(RANKS, [r[1] for r in RANKS])[0]
        planned.rank = rank
        data["position"] = rng.choice(positions)
        data["service_months"] = rng.randint(*months)
    elif rng.random() < 0.5:
        data["service_months"] = rng.randint(6, 120)


def _weapons(rng: random.Random, index: int, received_on: date) -> list[dict[str, Any]]:
    items = []
    for number in range(rng.choice((1, 1, 1, 2))):
        kind, description, serial, quantity = rng.choice(WEAPONS)
        item: dict[str, Any] = {
            "kind": kind,
            "description": description,
            "quantity": rng.randint(*quantity),
            "serviceable": rng.random() < 0.8,
            "tag": f"DEMO-{received_on:%y%m}-{index:04d}-{number + 1}",
        }
        if serial:
            item["serial_number"] = f"{serial}-{rng.randint(10000, 999999)}"
        items.append(item)
    return items


def _nrc(rng: random.Random) -> str:
    state, latin, burmese = rng.choice(NRC_TOWNSHIPS)
    number = f"{rng.randint(0, 999999):06d}"
    if rng.random() < 0.3:
        state_my, number_my = to_burmese_digits(str(state)), to_burmese_digits(number)
        return f"{state_my}/{rng.choice(burmese)}(နိုင်){number_my}"
    return f"{state}/{rng.choice(latin)}(N){number}"


def _profile(
    generator: NameGenerator, rng: random.Random, planned: PlannedPerson, child: bool
) -> dict[str, Any]:
    father = generator.parent("male")
    profile: dict[str, Any] = {
        "text_encoding": "unicode",
        "father_name": father.full_my if rng.random() < 0.5 else father.full_latin,
    }
    if rng.random() < 0.4:
        mother = generator.parent("female")
        profile["mother_name"] = mother.full_my if rng.random() < 0.5 else mother.full_latin
    if not child and rng.random() < 0.45:
        profile["nrc"] = _nrc(rng)
    if planned.rank is not None and rng.random() < 0.6:
        if planned.rank in OFFICERS:
            profile["service_number"] = f"BC-{rng.randint(10000, 99999)}"
        else:
            profile["service_number"] = str(rng.randint(100000, 999999))
    return profile


def _family(
    generator: NameGenerator, rng: random.Random, sex: Sex, age: int | None
) -> list[dict[str, Any]]:
    members = []
    for relationship, relative_sex, dependant in rng.sample(RELATIVES, rng.randint(1, 3)):
        if relationship == "wife" and (sex != "male" or (age is not None and age < 20)):
            continue
        if relationship in ("son", "daughter") and (age is None or age < 24):
            continue
        relative_age = None
        if age is not None:
            offset = {"mother": 25, "father": 28, "son": -24, "daughter": -24, "wife": -2}
            relative_age = max(0, age + offset.get(relationship, 0) + rng.randint(-4, 4))
        name = generator.name(relative_sex, age=relative_age)
        members.append(
            {
                "text_encoding": "unicode",
                "relationship": relationship,
                "name": name.full_my if rng.random() < 0.5 else name.full_latin,
                "age": relative_age,
                "is_dependant": dependant,
                "whereabouts": rng.choice(WHEREABOUTS),
            }
        )
    return members


def plan_people(
    *, count: int, seed: int, site_weights: Sequence[int], today: date
) -> list[PlannedPerson]:
    """The demo people, decided by `seed` alone (and `today`, which the dates count back from)."""
    rng = random.Random(seed)  # noqa: S311 - synthetic demo data, not security
    generator = NameGenerator(rng)
    planned: list[PlannedPerson] = []
    sites = range(len(site_weights))
    for index in range(count):
        classification = rng.choices(CLASSIFICATIONS, CLASSIFICATION_WEIGHTS)[0]
        child = classification == "child"
        sex: Sex = "male" if rng.random() < (0.85 if child else 0.92) else "female"
        received_on = today - timedelta(days=rng.randint(0, 10) if child else rng.randint(0, 540))
        age: int | None = rng.randint(14, 17) if child else rng.randint(19, 55)
        if not child and rng.random() < 0.15:
            age = None  # many adults do not know their year of birth
        person = PlannedPerson(
            site_index=rng.choices(sites, site_weights)[0],
            reception=_names(generator, rng, sex, age)
            | {
                "classification": classification,
                "received_on": received_on,
                "birth_year": received_on.year - age if age is not None else None,
                "sex": sex,
                "legal_basis": rng.choices(
                    ("public_interest", "vital_interest", "consent"), (70, 20, 10)
                )[0],
            },
        )
        if not child:
            _military(rng, person)
            person.reception["terms_signed"] = rng.random() < 0.85
            if person.reception["terms_signed"]:
                person.reception["terms_version"] = "demo-terms-1"
            if rng.random() < {"captured": 0.3, "disengaged": 0.15}.get(classification, 0.45):
                person.reception["weapons"] = _weapons(rng, index, received_on)
        if rng.random() < 0.45:
            person.profile = _profile(generator, rng, person, child)
        if rng.random() < (0.5 if child else 0.3):
            person.family = _family(generator, rng, sex, age)
        planned.append(person)
    return planned


def _site_weight(site: Site) -> int:
    return 3 if "reception" in site.name.casefold() else 1


def seed_people(
    session: Session,
    *,
    organisations_sites: Sequence[tuple[Organisation, Sequence[Site]]],
    count: int = 400,
    seed: int = 2026,
    today: date | None = None,
) -> int:
    """Receive `count` synthetic people across the given sites; the number created.

    Safe to run twice: when any person already exists in the demo organisations, nothing
    is created and 0 is returned.
    """
    organisation_ids = [organisation.id for organisation, _sites in organisations_sites]
    existing = any_person_in(session, organisation_ids)
    sites = [site for _organisation, org_sites in organisations_sites for site in org_sites]
    if existing or not sites or count <= 0:
        return 0
    actor = Actor.system(DEMO_ACTOR)
    army = forces.ensure_reference_data(session)
    # Kept referenced: the session's identity map holds objects weakly, and the service's
    # lookups of the army and its ranks then cost no query.
    rank_rows = forces.list_ranks(session, actor, army.id)
    ranks: dict[str, uuid.UUID] = {r.name_en: r.id for r in rank_rows}
    plan = plan_people(
        count=count,
        seed=seed,
        site_weights=[_site_weight(site) for site in sites],
        today=today or datetime.now(UTC).date(),
    )
    for person in plan:
        data = person.reception | {"site_id": sites[person.site_index].id}
        if data["classification"] != "child":
            data["origin_force_id"] = army.id  # known already: spares a lookup per person
        if person.rank is not None:
            data["rank_id"] = ranks[person.rank]
        event = reception.receive(session, actor, ReceptionCreate.model_validate(data))
        if person.profile is not None:
            people.update_profile(
                session, actor, event.person_id, ProfileUpdate.model_validate(person.profile)
            )
        for member in person.family:
            people.add_family_member(
                session, actor, event.person_id, FamilyMemberIn.model_validate(member)
            )
    return len(plan)
