"""Demo prisoner-of-war registry: places, records for most demo prisoners, a transfer, cards
sent and overdue, inspections and an ICRC visit, recorded by the demo POW officer.

Every name and place is invented. Some demo prisoners are left unregistered, so that the
registration page has someone to register. Safe to run twice.
"""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy.orm import Session

from haven.accounts import repository as accounts
from haven.accounts import sessions
from haven.pow import care, service
from haven.pow.deadlines import local_today
from haven.pow.public import has_places
from haven.pow.schemas import (
    Art122In,
    CardSentIn,
    InspectionIn,
    PlaceIn,
    PowRegister,
    TransferIn,
    VisitIn,
)

PLACES = (
    ("Demoso holding camp (demo)", "camp", "Demoso"),
    ("Loikaw transit camp (demo)", "transit_camp", "Loikaw"),
    ("Hpruso field hospital (demo)", "hospital", "Hpruso"),
)
POWERS = ("State Administration Council (synthetic)", None)


def seed_pow(session: Session, *, seed: int = 2026) -> int:
    """Register the demo prisoners of the demo POW officer's organisation; the number."""
    user = accounts.user_by_username(session, "pow")
    if user is None:
        return 0
    officer = sessions.actor_for(user)
    if has_places(session, user.organisation_id):
        return 0
    rng = random.Random(seed)  # noqa: S311 - synthetic demo data, not security
    places = [
        service.create_place(session, officer, PlaceIn(name=name, kind=kind, township=town))
        for name, kind, town in PLACES
    ]
    today = local_today()
    waiting = list(service.waiting(session, officer, limit=200)[0])
    count = 0
    for index, event in enumerate(waiting):
        if index % 2 == 1:  # leave half for the registration page
            continue
        captured_on = min(event.received_on, today)
        record = service.register(
            session,
            officer,
            PowRegister(person_id=event.person_id, captured_on=captured_on, place_id=places[0].id),
        )
        count += 1
        service.update_art122(
            session,
            officer,
            record.id,
            Art122In(
                power_depended_on=POWERS[index % 2],
                place_of_birth=rng.choice(("Loikaw", "Taunggyi", "Mandalay", None)),
                refused=["address"] if index % 5 == 0 else [],
            ),
        )
        age = (today - captured_on).days
        if age > 10 and index % 3 == 0:
            moved_on = captured_on + timedelta(days=rng.randint(2, min(age - 1, 30)))
            service.transfer(
                session,
                officer,
                record.id,
                TransferIn(
                    to_place_id=places[1].id,
                    moved_on=moved_on,
                    risk_assessed_by="Protection officer (demo)",
                    risk_assessed_on=moved_on,
                    risks=["persecution", "exposure"],
                    risk_conclusion="no_real_risk",
                ),
            )
        for card in service.cards(session, officer, record.id):
            if card.superseded_at is None and card.due_on < today and index % 7 != 0:
                sent_on = card.occasion_on + timedelta(days=rng.randint(1, 6))
                service.mark_card_sent(session, officer, card.id, CardSentIn(sent_on=sent_on))
        if age > 20 and index % 2 == 0:
            care.record_inspection(
                session,
                officer,
                record.id,
                InspectionIn(
                    inspected_on=today - timedelta(days=rng.randint(1, 20)),
                    weight_grams=rng.randint(52000, 78000),
                    state_of_health="sick" if index % 11 == 0 else "healthy",
                    examined_by="Camp medic (demo)",
                    seriously_ill=index % 11 == 0,
                ),
            )
    care.record_visit(
        session,
        officer,
        VisitIn(
            place_id=places[0].id,
            visited_on=today - timedelta(days=12),
            delegates="Two ICRC delegates (synthetic)",
            private_interviews=6,
        ),
    )
    return count
