"""The vetting and prisoner-of-war compliance report's figures against records made in the
test (docs/reports.md, "Vetting and prisoner-of-war compliance")."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy.orm import Session

from haven.db.types import utcnow
from haven.kernel import clock
from haven.pow.models import CaptureCard, IcrcVisit, PowNotice, PowPlace, PowRecord
from haven.reports import service
from haven.reports.tables import Filters
from haven.vetting import repository as vetting
from haven.vetting.models import Decision, Review, VettingCase
from tests.reports.figures import World, cells, nothing_small_leaves, received, world


def _case(db: Session, w: World, person_id: uuid.UUID, state: str, days: int) -> VettingCase:
    """The person's vetting case (screening may have opened one), opened `days` ago."""
    case = vetting.case_of_person(db, person_id)
    if case is None:
        case = VettingCase(person_id=person_id, organisation_id=w.organisation.id, state=state)
        db.add(case)
    case.state = state
    case.created_at = utcnow() - timedelta(days=days)
    db.flush()
    return case


def _decide(db: Session, case: VettingCase, basis: str, outcome: str, days: int) -> None:
    referral = {"mechanism": "Court", "protection": "detainee"} if outcome == "referred" else {}
    db.add(
        Decision(
            case_id=case.id,
            person_id=case.person_id,
            organisation_id=case.organisation_id,
            basis=basis,
            outcome=outcome,
            confirmed_at=utcnow() - timedelta(days=days),
            **referral,
        )
    )


def _review(db: Session, case: VettingCase, kind: str, days: int) -> None:
    db.add(
        Review(
            case_id=case.id,
            person_id=case.person_id,
            organisation_id=case.organisation_id,
            kind=kind,
            created_at=utcnow() - timedelta(days=days),
        )
    )


def test_vetting_compliance_counts_decisions_waiting_cases_and_appeals(db: Session) -> None:
    w = world(db)
    filters = Filters(start=clock.local_today() - timedelta(days=30), end=clock.local_today())
    p = [event.person_id for event in received(db, w, 6)]
    for person in p:  # every case of the organisation is one of these six
        _case(db, w, person, "pending", 1)
    _case(db, w, p[0], "pending", 3)  # waiting under 14 days
    _case(db, w, p[1], "interview", 20)  # 14 to 29 days
    _case(db, w, p[2], "assessed", 40)  # 30 to 89: overdue
    _case(db, w, p[3], "pending", 100)  # 90 and more: overdue
    decided = _case(db, w, p[4], "decided", 60)
    decided.outcome = "cleared"
    _decide(db, decided, "initial", "cleared_with_conditions", 50)  # before the period
    _review(db, decided, "review", 5)  # reviewed, decided again
    _decide(db, decided, "review", "cleared", 2)
    appealed = _case(db, w, p[5], "review", 45)
    appealed.outcome = "referred"
    _decide(db, appealed, "initial", "referred", 10)
    _review(db, appealed, "appeal", 1)  # appeal lodged, still open
    db.flush()

    built = service.build(db, w.manager, "compliance", filters)
    by_key = {table.key: table for table in built.tables}

    assert cells(by_key["vetting-cases"]) == {
        "pending": (2,),
        "interview": (1,),
        "assessed": (1,),
        "proposed": (0,),
        "decided": (1,),
        "review": (1,),
    }
    # first decision, on review, on appeal
    assert cells(by_key["vetting-decisions"]) == {
        "cleared": (0, 1, 0),
        "cleared_with_conditions": (0, 0, 0),
        "referred": (1, 0, 0),
        "not_eligible": (0, 0, 0),
    }
    assert cells(by_key["vetting-waiting"]) == {
        "0-13": (1,),
        "14-29": (1,),
        "30-89": (1,),
        "90+": (1,),
    }
    # still open, decided again
    assert cells(by_key["vetting-reviews"]) == {
        "review": (0, 1),
        "appeal": (1, 0),
        "reopen": (0, 0),
    }
    nothing_small_leaves(built)
    other = world(db)
    unseen = service.build(db, other.manager, "compliance", filters).tables
    assert all(t.rows == () for t in unseen if t.key.startswith("vetting"))


def test_pow_compliance_counts_cards_within_7_days_notices_and_visits(db: Session) -> None:
    w = world(db)
    today = clock.local_today()
    filters = Filters(start=today - timedelta(days=30), end=today)
    org = w.organisation.id
    north, east, empty = (
        PowPlace(organisation_id=org, name=name, kind=kind)
        for name, kind in (
            ("Camp North", "camp"),
            ("Hospital East", "hospital"),
            ("Camp Z", "camp"),
        )
    )
    db.add_all([north, east, empty])
    db.flush()
    prisoners = []
    for index, event in enumerate(received(db, w, 3)):
        prisoner = PowRecord(
            person_id=event.person_id,
            organisation_id=org,
            prisoner_number=f"POW-2026-00000{index}",
            site_id=w.site.id,
            reception_id=event.id,
            classification="captured",
            status="released" if index == 2 else "interned",
            status_changed_at=utcnow(),
            captured_on=today - timedelta(days=20),
            place_id=east.id if index == 2 else north.id,
        )
        db.add(prisoner)
        prisoners.append(prisoner)
    db.flush()
    q0, q1, q2 = (prisoner.id for prisoner in prisoners)

    def card(pow_id: uuid.UUID, occasion: str, days: int, sent: int | None, **more: object) -> None:
        on = today - timedelta(days=days)
        db.add(
            CaptureCard(
                pow_id=pow_id,
                organisation_id=org,
                occasion=occasion,
                occasion_on=on,
                due_on=on + timedelta(days=7),
                sent_on=None if sent is None else today - timedelta(days=sent),
                **more,
            )
        )

    card(q0, "capture", 20, sent=15)  # within 7 days
    card(q1, "capture", 20, sent=10)  # late
    card(q2, "capture", 20, sent=None)  # overdue
    card(q0, "transfer", 2, sent=None)  # still on time
    card(q1, "hospital", 25, sent=None, superseded_at=utcnow())  # not owed any more
    card(q2, "illness", 60, sent=59)  # before the period

    def notice(pow_id: uuid.UUID, kind: str, days: int, **more: object) -> None:
        on = today - timedelta(days=days)
        db.add(PowNotice(pow_id=pow_id, organisation_id=org, kind=kind, occurred_on=on, **more))

    notice(q0, "capture", 20, exported_at=utcnow())
    notice(q1, "capture", 20)
    notice(q0, "transfer", 2, withheld_at=utcnow())
    notice(q2, "release", 40, exported_at=utcnow())  # before the period
    for place, days, interviews in ((north, 10, 3), (north, 3, 2), (east, 45, 4)):
        db.add(
            IcrcVisit(
                organisation_id=org,
                place_id=place.id,
                visited_on=today - timedelta(days=days),
                delegates="Delegates A and B",
                private_interviews=interviews,
            )
        )
    db.flush()

    built = service.build(db, w.manager, "compliance", filters)
    by_key = {table.key: table for table in built.tables}

    # on time, late, overdue, not due yet
    assert cells(by_key["pow-cards"]) == {
        "capture": (1, 1, 1, 0),
        "transfer": (0, 0, 0, 1),
        "hospital": (0, 0, 0, 0),
        "illness": (0, 0, 0, 0),
    }
    notices = cells(by_key["pow-notices"])  # sent, waiting, withheld
    assert notices.pop("capture") == (1, 1, 0)
    assert notices.pop("transfer") == (0, 0, 1)
    assert set(notices.values()) == {(0, 0, 0)}
    # visits, private interviews, prisoners held today
    assert cells(by_key["pow-visits"]) == {
        "Camp North": (2, 5, 2),
        "Camp Z": (0, 0, 0),
        "Hospital East": (0, 0, 0),
    }
    nothing_small_leaves(built)
    other = world(db)
    unseen = service.build(db, other.manager, "compliance", filters).tables
    assert all(t.rows == () for t in unseen if t.key.startswith("pow"))
