"""The arrivals report's figures against receptions made here, and the crossing-day report's
against an agreement's roll and arrivals (synthetic people)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy.orm import Session

from haven.accounts.sessions import actor_for
from haven.agreements import crossing, repository
from haven.agreements.schemas import DeskRegistration
from haven.config import Settings
from haven.forces import public as forces
from haven.kernel.clock import local_today
from haven.reports import arrivals
from haven.reports import crossing as reports_crossing
from haven.reports.tables import Filters, Table
from haven.security.permissions import Actor, Role
from tests import factories as f
from tests.agreements.helpers import draft, executing, team


def _cells(table: Table) -> dict[str, dict[str, int]]:
    return {
        row.key: {c.key: v for c, v in zip(table.columns, row.values, strict=True) if v}
        for row in table.rows
    }


def test_arrivals_are_counted_by_week_classification_sex_age_township_and_force(
    db: Session,
) -> None:
    organisation = f.organisation(db)
    demoso = f.site(db, organisation=organisation)
    loikaw = f.site(db, organisation=organisation)
    loikaw.township = "Loikaw"
    manager = actor_for(f.user(db, organisation=organisation, role=Role.MANAGER))
    at_demoso = actor_for(f.registrar(db, organisation=organisation, site=demoso))
    at_loikaw = actor_for(f.registrar(db, organisation=organisation, site=loikaw))
    army = forces.ensure_reference_data(db)
    today = local_today()
    this_week = today - timedelta(days=today.weekday())
    last_week = this_week - timedelta(weeks=1)
    year = today.year

    def receive(actor: Actor, **fields: object) -> None:
        f.receive(db, actor, **fields)

    receive(
        at_demoso,
        sex="female",
        birth_year=year - 20,
        received_on=this_week,
        origin_force_id=army.id,
    )
    receive(at_demoso, sex="male", received_on=this_week, classification="surrendered")
    receive(
        at_loikaw,
        sex="male",
        birth_year=year - 40,
        received_on=last_week,
        classification="captured",
        origin_force_id=army.id,
    )
    receive(at_loikaw, sex="female", birth_year=year - 60, received_on=last_week)
    # Outside the period, and of another organisation: not counted.
    receive(at_demoso, sex="male", received_on=last_week - timedelta(weeks=3))
    other = f.organisation(db)
    other_site = f.site(db, organisation=other)
    receive(
        actor_for(f.registrar(db, organisation=other, site=other_site)),
        sex="male",
        received_on=this_week,
    )

    report = arrivals.build(db, manager, Filters(start=last_week, end=today))

    by_week = report.table("by-week")
    assert [r.key for r in by_week.rows] == [last_week.isoformat(), this_week.isoformat()]
    assert _cells(by_week) == {
        last_week.isoformat(): {"captured": 1, "defector": 1},
        this_week.isoformat(): {"defector": 1, "surrendered": 1},
    }
    assert by_week.grand_total == 4
    assert by_week.rows[1].label == "{}-W{:02d}".format(*this_week.isocalendar()[:2])
    assert _cells(report.table("by-age-sex")) == {
        "0-17": {},
        "18-24": {"female": 1},
        "25-34": {},
        "35-49": {"male": 1},
        "50+": {"female": 1},
        "unknown": {"male": 1},
    }
    assert _cells(report.table("by-township")) == {
        "Demoso": {"defector": 1, "surrendered": 1},
        "Loikaw": {"captured": 1, "defector": 1},
    }
    # Reception takes the regime's army when no force is given.
    assert _cells(report.table("by-force")) == {
        army.name: {"defector": 2, "captured": 1, "surrendered": 1}
    }
    # Filters: one site, one week.
    one_site = arrivals.build(db, manager, Filters(start=last_week, end=today, site_id=loikaw.id))
    assert one_site.table("by-week").grand_total == 2
    one_week = arrivals.build(db, manager, Filters(start=this_week, end=today))
    assert one_week.table("by-week").grand_total == 2
    # A registrar of one site sees only that site's arrivals.
    mine = arrivals.build(db, at_demoso, Filters(start=last_week, end=today))
    assert mine.table("by-week").grand_total == 2


def test_crossing_day_results_per_agreement(db: Session, fast_settings: Settings) -> None:
    t = team(db, fast_settings)
    agreement = executing(db, t, size=4)  # one weapon each; 2 family members on row 1
    other = draft(db, t)  # no crossing in the period
    entries = repository.roll_of(db, agreement.id)

    def arrive(key: str, entry: uuid.UUID | None, **fields: object) -> None:
        data = DeskRegistration.model_validate(
            {"idempotency_key": key, "roll_entry_id": entry, "name_latin": "Soldier X", **fields}
        )
        crossing.register_arrival(db, t.registrar, agreement.id, data)

    arrive("desk-0001", entries[0].id, family_moved=2, weapons=[{"kind": "rifle"}])
    arrive("desk-0002", entries[1].id, weapons=[{"kind": "rifle", "quantity": 2}])
    arrive("desk-0003", None)  # not on the roll
    today = local_today()
    report = reports_crossing.build(db, t.manager1, Filters(start=today, end=today))
    (table,) = report.tables
    assert [row.key for row in table.rows] == [str(agreement.id)]
    assert str(other.id) not in {row.key for row in table.rows}
    assert dict(zip([c.key for c in table.columns], table.rows[0].values, strict=True)) == {
        "expected": 4,
        "arrived": 2,
        "no_show": 2,
        "unexpected": 1,
        "weapons_expected": 4,
        "weapons_received": 3,
        "family_expected": 2,
        "family_moved": 2,
        "screening_flagged": 0,
    }
    assert table.rows[0].label == agreement.reference  # never the code name
    # An agreement whose crossing day is planned in the period is listed before anyone comes.
    other.expected_crossing_on = today + timedelta(days=7)
    later = reports_crossing.build(db, t.manager1, Filters(start=today, end=today + timedelta(7)))
    assert [row.key for row in later.tables[0].rows] == [str(other.id), str(agreement.id)]
