"""Demo people: every classification, both scripts, audited, idempotent, deterministic."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from haven.accounts.models import Organisation, Site
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.demo.accounts import seed_accounts
from haven.demo.names import (
    FEMALE_SYLLABLES,
    MALE_SYLLABLES,
    PUBLIC_FIGURES,
    NameGenerator,
)
from haven.demo.people import plan_people, seed_people
from haven.forces.models import Unit
from haven.kernel.sensitivity import bind_actor
from haven.people.models import FamilyMember, Person
from haven.reception.models import ReceptionEvent, WeaponItem
from haven.security.permissions import Actor
from haven.text import has_myanmar, is_latin, split_name

Pairs = list[tuple[Organisation, Sequence[Site]]]


@pytest.fixture
def demo_sites(db: Session, fast_settings: Settings) -> Pairs:
    # The demo is seeded by the operator (`haven demo`), who reads every field.
    bind_actor(db, Actor.system("demo"))
    accounts = seed_accounts(db, fast_settings)
    return list(zip(accounts.organisations, accounts.sites, strict=True))


def _count(db: Session, model: Any) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def _people(db: Session) -> list[tuple[str, ...]]:
    rows = db.execute(
        select(Person, ReceptionEvent).join(ReceptionEvent, ReceptionEvent.person_id == Person.id)
    ).all()
    return sorted(
        tuple(
            map(
                str,
                (
                    p.prefix,
                    p.name_my,
                    p.name_latin,
                    p.father_name,
                    p.nrc,
                    p.birth_year,
                    e.classification,
                    e.received_on,
                ),
            )
        )
        for p, e in rows
    )


def test_several_hundred_people_of_every_kind_in_both_scripts(
    db: Session, demo_sites: Pairs
) -> None:
    created = seed_people(db, organisations_sites=demo_sites, count=200)
    assert created == 200
    assert _count(db, Person) == 200
    by_class = Counter(db.scalars(select(ReceptionEvent.classification)))
    assert set(by_class) == {"defector", "surrendered", "captured", "disengaged", "child"}
    assert all(n >= 5 for n in by_class.values()), by_class

    people = db.scalars(select(Person)).all()
    assert sum(1 for p in people if p.name_my and p.name_latin) > 50
    assert sum(1 for p in people if p.name_my and not p.name_latin) > 10
    assert sum(1 for p in people if p.name_latin and not p.name_my) > 10
    assert all(has_myanmar(p.name_my) for p in people if p.name_my)
    assert all(is_latin(p.name_latin) for p in people if p.name_latin)
    assert sum(1 for p in people if p.father_name) > 40
    assert sum(1 for p in people if p.nrc) > 15
    assert sum(1 for p in people if p.service_number) > 15
    assert len({p.site_id for p in people}) == 5  # every demo site receives someone

    children = db.scalars(select(ReceptionEvent).where(ReceptionEvent.classification == "child"))
    for child in children:
        assert child.rank_id is None
        assert child.origin_unit_text is None
        assert child.child_protection_due_at is not None
    units = {f"{u.kind}-{u.number}" for u in db.scalars(select(Unit))}
    assert {"LIB-531", "LIB-427", "IB-54", "IB-102", "BGF-1004"} <= units
    written = set(db.scalars(select(ReceptionEvent.origin_unit_text)))
    assert {"LIB 531", "ခမရ ၅၃၁", "Kha Ma Ya 531"} & written  # one unit written several ways
    assert len(written) > 15
    ranks = db.scalars(select(func.count(func.distinct(ReceptionEvent.rank_id)))).one()
    assert ranks >= 8
    assert _count(db, WeaponItem) > 30
    family = db.scalars(select(FamilyMember)).all()
    assert len(family) > 30
    assert all(m.whereabouts for m in family)

    received = db.scalars(select(AuditEvent).where(AuditEvent.action == "person.received")).all()
    assert len(received) == 200
    assert {e.actor_label for e in received} == {"demo"}


def test_seeding_twice_creates_nobody_the_second_time(db: Session, demo_sites: Pairs) -> None:
    assert seed_people(db, organisations_sites=demo_sites, count=30) == 30
    assert seed_people(db, organisations_sites=demo_sites, count=30) == 0
    assert _count(db, Person) == 30


def test_the_same_seed_gives_the_same_people(db: Session, demo_sites: Pairs) -> None:
    savepoint = db.begin_nested()
    seed_people(db, organisations_sites=demo_sites, count=25, seed=7)
    first = _people(db)
    savepoint.rollback()
    assert _count(db, Person) == 0

    savepoint = db.begin_nested()
    seed_people(db, organisations_sites=demo_sites, count=25, seed=7)
    assert _people(db) == first
    savepoint.rollback()

    seed_people(db, organisations_sites=demo_sites, count=25, seed=8)
    assert _people(db) != first
    assert len(first) == 25


def test_plans_depend_on_the_seed_only() -> None:
    today = datetime.now(UTC).date()
    a = plan_people(count=50, seed=1, site_weights=[3, 1], today=today)
    b = plan_people(count=50, seed=1, site_weights=[3, 1], today=today)
    c = plan_people(count=50, seed=2, site_weights=[3, 1], today=today)
    assert a == b
    assert a != c


def test_generated_names_are_well_formed_and_never_public_figures() -> None:
    generator = NameGenerator(random.Random(5))  # noqa: S311 - synthetic names
    for index in range(2000):
        sex = "male" if index % 2 else "female"
        name = generator.name(sex, age=index % 70)
        assert 1 <= len(name.syllables_my) == len(name.syllables_latin) <= 4
        assert tuple(s.casefold() for s in name.syllables_latin) not in PUBLIC_FIGURES
        # The prefix rule of haven.text.names splits exactly the prefix we put there.
        latin = split_name(name.full_latin)
        assert (latin.prefix, latin.name) == (
            name.prefix.latin if name.prefix else None,
            name.name_latin,
        )
        burmese = split_name(name.full_my)
        assert (burmese.prefix, burmese.name) == (
            name.prefix.my if name.prefix else None,
            name.name_my,
        )
    father = generator.parent("male")
    assert father.prefix is not None
    assert (father.prefix.latin, father.prefix.my) == ("U", "ဦး")
    spellings = {s.my: s.latin for s in (*MALE_SYLLABLES, *FEMALE_SYLLABLES)}
    assert spellings["ထွန်း"] == ("Htun", "Tun", "Htoon")
    assert all(
        has_myanmar(my) and all(is_latin(x) for x in latin) for my, latin in spellings.items()
    )
