"""Entitlements per plan component, plan-version boundaries, overrides, recomputation."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.allowances import entitlements, ledger, plans
from haven.allowances.models import Instalment, PlanVersion
from haven.allowances.rules import ComponentKind, explain
from haven.errors import Conflict, ValidationFailed
from haven.pathways.public import Pathway
from haven.people.public import FamilyMember
from haven.vetting.public import Outcome
from tests.allowances import support as s
from tests.pathways.support import choose
from tests.vetting.support import clear_person


def _compute(db: Session, w: s.World, person_id: object) -> entitlements.PersonChange:
    return entitlements.recompute(db, w.maker(db), [person_id])[0]  # type: ignore[list-item]


def test_defection_payment_by_rank_band(db: Session) -> None:
    w = s.world(db)
    s.publish_plan(db, w)
    captain = s.person(db, w, seniority=10)
    major = s.person(db, w, seniority=9, name="Kyaw Min")
    private = s.person(db, w, seniority=19, name="Zaw Win")
    unranked = s.person(db, w, seniority=None, name="Tun Tun")
    for pid in (captain, major, private, unranked):
        _compute(db, w, pid)
    assert s.owed(db, captain)[("defection", 1)] == 500_000
    assert s.owed(db, major)[("defection", 1)] == 1_000_000
    assert s.owed(db, private)[("defection", 1)] == 200_000
    assert ("defection", 1) not in s.owed(db, unranked)
    line = next(
        x
        for x in entitlements.statement(db, s.SYSTEM, captain).lines
        if x.instalment.component_code == "defection"
    )
    text = explain(
        ComponentKind.DEFECTION_PAYMENT,
        "Defection payment",
        line.instalment.amount_minor,
        "MMK",
        line.instalment.detail,
        gettext=lambda m: m,
    )
    assert text == (
        "Defection payment, Captain band: 500,000 MMK "
        "(equivalent rank in the receiving force: Captain, on 2026-03-10)"
    )


def test_disengaged_is_not_eligible_for_the_defection_payment(db: Session) -> None:
    w = s.world(db)
    s.publish_plan(db, w)
    pid = s.person(db, w, classification="disengaged")
    change = _compute(db, w, pid)
    assert "defection" in change.not_eligible
    assert ("defection", 1) not in s.owed(db, pid)


def test_monthly_stipend_decreasing_with_dependant_top_up(db: Session) -> None:
    w = s.world(db)
    s.publish_plan(db, w)
    pid = s.person(db, w, dependants=2, received_on=date(2026, 1, 31))
    _compute(db, w, pid)
    owed = s.owed(db, pid)
    assert [owed[("stipend", n)] for n in (1, 2, 3)] == [190_000, 190_000, 140_000]
    dues = sorted(
        db.scalars(
            select(Instalment.due_on).where(
                Instalment.person_id == pid, Instalment.component_code == "stipend"
            )
        ).all()
    )
    assert dues == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]


def test_dependant_allowance_is_capped(db: Session) -> None:
    w = s.world(db)
    s.publish_plan(db, w)
    pid = s.person(db, w, dependants=6)
    _compute(db, w, pid)
    assert s.owed(db, pid)[("dependants", 1)] == 4 * 50_000
    nobody = s.person(db, w, dependants=0, name="Min Min")
    assert "dependants" in _compute(db, w, nobody).not_eligible


def test_weapon_reward_counts_serviceable_items(db: Session) -> None:
    w = s.world(db)
    s.publish_plan(db, w)
    pid = s.person(
        db,
        w,
        weapons=[
            {"kind": "rifle", "quantity": 2, "serviceable": True},
            {"kind": "rifle", "quantity": 1, "serviceable": False},
            {"kind": "machine_gun", "quantity": 1},
            {"kind": "radio", "quantity": 1},
        ],
    )
    _compute(db, w, pid)
    assert s.owed(db, pid)[("weapons", 1)] == 2 * 300_000 + 1_000_000


def test_relocation_and_settlement_follow_the_pathway(db: Session) -> None:
    w = s.world(db)
    s.publish_plan(db, w)
    pid = s.person(db, w)
    change = _compute(db, w, pid)
    assert change.not_eligible["relocation"] == "Pathway not chosen yet."
    choose(db, pid, Pathway.EXILE)
    change = _compute(db, w, pid)
    assert s.owed(db, pid)[("relocation", 1)] == 30_000
    assert ("settlement", 1) not in s.owed(db, pid)
    choose(db, pid, Pathway.HOME)
    change = _compute(db, w, pid)
    owed = s.owed(db, pid)
    assert ("relocation", 1) not in owed  # cancelled: it was never paid
    assert owed[("settlement", 1)] == 400_000
    # The choice itself brought the entitlements up to date (an event): nothing left to do.
    assert not change.changed


def test_plan_version_change_on_a_date_boundary(db: Session) -> None:
    w = s.world(db)
    s.publish_plan(db, w)
    second = {**s.PLAN, "name": "Plan from April", "effective_from": "2026-04-01"}
    second["components"] = [
        {
            **c,
            "rules": {
                **c["rules"],
                "bands": [
                    {"label": "Captain", "from": "Captain", "to": "Captain", "amount": 700_000}
                ],
            },
        }
        if c["code"] == "defection"
        else c
        for c in s.PLAN["components"]
    ]
    s.publish_plan(db, w, second)
    before = s.person(db, w, received_on=date(2026, 3, 31))
    on_day = s.person(db, w, received_on=date(2026, 4, 1), name="Kyaw Min")
    assert _compute(db, w, before).plan_version_id != _compute(db, w, on_day).plan_version_id
    assert s.owed(db, before)[("defection", 1)] == 500_000
    assert s.owed(db, on_day)[("defection", 1)] == 700_000
    nobody_yet = s.person(db, w, received_on=date(2025, 12, 31), name="Zaw Zaw")
    assert _compute(db, w, nobody_yet).problem is not None


def test_published_versions_are_frozen_and_dates_unique(db: Session) -> None:
    w = s.world(db)
    version = s.publish_plan(db, w)
    with pytest.raises(Conflict):
        plans.save_component(
            db,
            w.admin,
            version,
            code="extra",
            kind="settlement_grant",
            name_en="x",
            name_my=None,
            currency="MMK",
            rules={"amount": 1},
            eligibility={},
        )
    with pytest.raises(Conflict):
        s.publish_plan(db, w)  # same effective date


def test_import_reports_the_component_at_fault_and_writes_nothing(db: Session) -> None:
    w = s.world(db)
    bad = {
        **s.PLAN,
        "components": [
            s.PLAN["components"][0],
            {**s.PLAN["components"][1], "rules": {"instalments": [-5]}},
        ],
    }
    with db.begin_nested():
        with pytest.raises(ValidationFailed) as caught:
            plans.import_version(db, w.admin, bad)
        db.rollback() if False else None
    assert "components.1.rules" in caught.value.fields


def test_recompute_shows_and_audits_the_difference_never_negative(db: Session) -> None:
    w = s.world(db)
    s.publish_plan(db, w)
    pid = s.person(db, w, dependants=1)
    # Owed as soon as the dependant was recorded (the family change recomputes at once).
    assert s.owed(db, pid)[("dependants", 1)] == 50_000
    again = _compute(db, w, pid)
    assert not again.changed  # deterministic: same facts, nothing to change
    # A dependant written behind the events' back (adding one through the service recomputes
    # at once, haven.allowances.handlers): the recompute has a difference to show.
    db.add(
        FamilyMember(
            person_id=pid, organisation_id=w.org.id, relationship="parent", is_dependant=True
        )
    )
    db.flush()
    preview = entitlements.preview(db, w.maker(db), pid)
    change = _compute(db, w, pid)
    assert [(c.component_code, c.before, c.after) for c in change.changes] == [
        (c.component_code, c.before, c.after) for c in preview.changes
    ]
    assert ("dependants", 50_000, 100_000) in [
        (c.component_code, c.before, c.after) for c in change.changes
    ]
    assert db.scalar(select(Instalment).where(Instalment.amount_minor < 0)) is None
    assert ledger.reconcile(db, w.org.id) == []


def test_agreement_override_and_referral_exclusion(db: Session) -> None:
    w = s.world(db)
    s.publish_plan(db, w)
    pid = s.person(db, w)
    clear_person(db, pid, outcome=Outcome.REFERRED)
    change = _compute(db, w, pid)
    assert s.owed(db, pid) == {}
    assert change.not_eligible["defection"].startswith("Referred")
    versions = db.scalars(select(PlanVersion)).all()
    assert versions
