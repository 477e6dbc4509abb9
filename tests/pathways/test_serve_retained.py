"""The serve posting keeps the agreement's promise (issue 17, point 3), through the JSON API.

A Lieutenant Colonel received as battalion commander, under an agreement that retains ranks
and positions, is refused a posting as cook (409, in English and Burmese) until a programme
manager records an override with a reason; the override is audited and listed on the
agreement. Equivalence is taken on the date the terms were fixed (or the reception date),
so a table changed afterwards does not change the promise. Only someone whose standing lets
them serve is claimed, verified or posted.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.agreements import repository as agreements_repository
from haven.audit.actions import AuditAction
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.forces import repository as forces_repository
from haven.forces import service as forces
from haven.i18n import Text, render
from haven.kernel import clock
from haven.pathways import tracks
from haven.security.permissions import Actor
from haven.text import has_myanmar
from haven.vetting.lifecycle import Outcome
from tests.pathways.serve_world import (
    World,
    build_world,
    named,
    post,
    serving,
    verified,
)
from tests.vetting.support import clear_person

SYSTEM = Actor.system()
TODAY = clock.local_today()  # the programme's today: due dates are checked by it
LONG_AGO = date(2020, 1, 1)
BELOW_POSITION = (
    "The agreement retains the person's position: {posted} is below {kept}, the equivalent "
    "position on {date}, the date the terms were fixed. A programme manager may allow this "
    "posting by recording an override with a reason."
)
BELOW_RANK = (
    "The agreement retains the person's rank: {posted} is below {kept}, the equivalent rank "
    "on {date}, the date the terms were fixed. A programme manager may allow this posting by "
    "recording an override with a reason."
)


@pytest.fixture
def world(client: TestClient, db: Session, fast_settings: Settings) -> World:
    return build_world(client, db, fast_settings)


def test_a_battalion_commander_posted_as_cook_is_refused(client: TestClient, world: World) -> None:
    w = world
    _person, base = serving(client, w)
    record = verified(client, w, base)
    # The written position was resolved to the army's table; the words stay as said.
    commander, cook = w.their_positions["battalion_commander"], w.their_positions["cook"]
    assert record["claimed_position"] == "Battalion commander"
    assert record["claimed_position_id"] == str(w.army_positions["battalion_commander"].id)
    assert record["verified_position_id"] == record["claimed_position_id"]
    assert record["proposed_rank_id"] == str(w.their_lt_col.id)
    assert record["proposed_position_id"] == str(commander.id)
    terms_on = w.agreement.finalized_at.date()  # type: ignore[union-attr]
    assert record["equivalence_on"] == terms_on.isoformat()

    # Posted as cook: refused, with the reason in both languages; nothing is posted.
    for language in ("en", "my"):
        refused = client.post(
            f"{base}/post",
            json={
                "unit": "Battalion 2",
                "personnel_number": "KA-0001",
                "position_id": str(cook.id),
            },
            headers={**w.worker, "Accept-Language": language},
        )
        assert refused.status_code == 409, refused.text
        assert refused.json()["error"] == "below_terms"
        params = {"posted": named(cook), "kept": named(commander), "date": terms_on.isoformat()}
        expected = render(Text(BELOW_POSITION, params), language)
        assert refused.json()["detail"] == expected
        if language == "my":
            assert expected != render(Text(BELOW_POSITION, params), "en")
            assert has_myanmar(expected)
    # Below his rank, in his own position: refused too.
    below_rank = post(
        client,
        w,
        base,
        "KA-0001",
        rank_id=str(w.their_private.id),
        position_id=str(commander.id),
    )
    assert below_rank.status_code == 409  # type: ignore[attr-defined]
    assert "Private" in below_rank.json()["detail"]  # type: ignore[attr-defined]
    # The agreement retains his position: a posting must name one from the table.
    unnamed = post(client, w, base, "KA-0001")
    assert unnamed.status_code == 422  # type: ignore[attr-defined]
    assert "position_id" in unnamed.json()["fields"]  # type: ignore[attr-defined]
    assert client.get(base, headers=w.worker).json()["status"] == "verified"


def test_a_manager_override_with_a_reason_allows_the_posting_and_is_listed(
    client: TestClient, db: Session, world: World
) -> None:
    w = world
    person, base = serving(client, w)
    verified(client, w, base)
    commander, cook = w.their_positions["battalion_commander"], w.their_positions["cook"]
    terms_on = w.agreement.finalized_at.date()  # type: ignore[union-attr]
    refused = post(client, w, base, "KA-0001", position_id=str(cook.id))
    assert refused.status_code == 409  # type: ignore[attr-defined]
    # Only a programme manager overrides, and only with a reason.
    override = {"position_id": str(cook.id), "reason": "He asked for it: an injured hand."}
    assert client.post(f"{base}/override", json=override, headers=w.worker).status_code == 403
    no_reason = client.post(
        f"{base}/override", json={"position_id": str(cook.id)}, headers=w.manager
    )
    assert no_reason.status_code == 422
    # An override of a posting that keeps the terms is refused: nothing to override.
    needless = {"position_id": str(commander.id), "reason": "No reason at all."}
    assert client.post(f"{base}/override", json=needless, headers=w.manager).status_code == 409
    recorded = client.post(f"{base}/override", json=override, headers=w.manager)
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["to_position_id"] == str(cook.id)
    assert recorded.json()["from_position_id"] == str(commander.id)
    assert recorded.json()["to_rank_id"] is None  # his rank is kept

    # The override allows exactly that posting: not a lower rank as well.
    worse = post(
        client, w, base, "KA-0001", rank_id=str(w.their_private.id), position_id=str(cook.id)
    )
    assert worse.status_code == 409  # type: ignore[attr-defined]
    posted = post(client, w, base, "KA-0001", position_id=str(cook.id))
    assert posted.status_code == 200, posted.text  # type: ignore[attr-defined]
    body = posted.json()  # type: ignore[attr-defined]
    assert body["status"] == "posted"
    assert body["posted_position_id"] == str(cook.id)
    assert body["posted_rank_id"] == str(w.their_lt_col.id)
    assert body["posting_override_id"] == recorded.json()["id"]

    # The agreement lists the override: who, when, person, from and to, the reason.
    listed = client.get(f"/api/agreements/{w.agreement.id}/overrides", headers=w.negotiator)
    assert listed.status_code == 200, listed.text
    (line,) = listed.json()
    assert line["person_id"] == person
    assert w.manager_name in line["recorded_by"]
    assert line["from_position"]["name_en"] == "Battalion commander"
    assert line["to_position"]["name_en"] == "Cook"
    assert line["to_position"]["name_my"] == cook.name_my
    assert line["reason"] == "He asked for it: an injured hand."
    assert line["terms_on"] == terms_on.isoformat()
    assert (
        client.get(f"/api/agreements/{w.agreement.id}/overrides", headers=w.worker).status_code
        == 403
    )
    # Audited on the agreement, the reason redacted.
    event = db.scalars(
        select(AuditEvent).where(
            AuditEvent.action == AuditAction.AGREEMENT_POSTING_OVERRIDDEN,
            AuditEvent.subject_id == w.agreement.id,
        )
    ).one()
    assert event.changes["person_id"]["after"] == person
    assert "injured" not in str(event.changes)
    assert client.get(f"/api/agreements/{w.agreement.id}", headers=w.negotiator).json()[
        "finalized_at"
    ]


def test_a_posting_that_keeps_the_terms_or_without_an_agreement_goes_through(
    client: TestClient, world: World
) -> None:
    w = world
    _person, base = serving(client, w)
    verified(client, w, base)
    # His equivalent position, and a more senior rank: nothing is taken away.
    kept = post(
        client,
        w,
        base,
        "KA-0100",
        position_id=str(w.their_positions["battalion_commander"].id),
    )
    assert kept.status_code == 200, kept.text  # type: ignore[attr-defined]
    assert kept.json()["posting_override_id"] is None  # type: ignore[attr-defined]

    # Without an agreement, nothing was promised: a posting as cook is the person's choice.
    _other, free = serving(client, w, agreement=False)
    verified(client, w, free)
    cook = post(client, w, free, "KA-0101", position_id=str(w.their_positions["cook"].id))
    assert cook.status_code == 200, cook.text  # type: ignore[attr-defined]
    needless = {"position_id": str(w.their_positions["cook"].id), "reason": "Not needed."}
    _third, third = serving(client, w, agreement=False)
    verified(client, w, third)
    assert client.post(f"{third}/override", json=needless, headers=w.manager).status_code == 409


def test_equivalence_is_taken_on_the_terms_date_not_today(
    client: TestClient, db: Session, world: World
) -> None:
    w = world
    fixed = TODAY - timedelta(days=60)
    changed = TODAY - timedelta(days=30)
    # The agreement's terms were fixed 60 days ago; 30 days ago the tables changed: a
    # Lieutenant Colonel now becomes a Major, a battalion commander a company commander.
    w.agreement.finalized_at = datetime.combine(fixed, datetime.min.time(), tzinfo=UTC)
    for equivalence in forces_repository.equivalences(db, w.receiving.id, w.lt_col.id):
        equivalence.effective_to = changed
    commander = w.army_positions["battalion_commander"]
    for found in forces_repository.position_equivalences(db, w.receiving.id, commander.id):
        found.effective_to = changed
    db.flush()
    forces.add_equivalence(
        db,
        SYSTEM,
        receiving_force_id=w.receiving.id,
        source_rank_id=w.lt_col.id,
        target_rank_id=w.their_major.id,
        effective_from=changed,
    )
    forces.add_position_equivalence(
        db,
        SYSTEM,
        receiving_force_id=w.receiving.id,
        source_position_id=commander.id,
        target_position_id=w.their_positions["company_commander"].id,
        effective_from=changed,
    )

    _person, base = serving(client, w)
    record = verified(client, w, base)
    assert record["equivalence_on"] == fixed.isoformat()
    assert record["proposed_rank_id"] == str(w.their_lt_col.id)  # not today's Major
    assert record["proposed_position_id"] == str(w.their_positions["battalion_commander"].id)
    # Today's table would make him a Major and a company commander: below the promise.
    today = post(
        client,
        w,
        base,
        "KA-0200",
        rank_id=str(w.their_major.id),
        position_id=str(w.their_positions["battalion_commander"].id),
    )
    assert today.status_code == 409  # type: ignore[attr-defined]
    expected = render(
        Text(
            BELOW_RANK,
            {
                "posted": named(w.their_major),
                "kept": named(w.their_lt_col),
                "date": fixed.isoformat(),
            },
        ),
        "en",
    )
    assert today.json()["detail"] == expected  # type: ignore[attr-defined]

    # Without an agreement, the reception date fixes the terms.
    _other, free = serving(client, w, agreement=False, received_on=fixed.isoformat())
    unbound = verified(client, w, free)
    assert unbound["equivalence_on"] == fixed.isoformat()
    assert unbound["proposed_rank_id"] == str(w.their_lt_col.id)
    _late, late = serving(client, w, agreement=False, received_on=TODAY.isoformat())
    assert verified(client, w, late)["proposed_rank_id"] == str(w.their_major.id)


def test_the_terms_date_is_the_second_approval(
    client: TestClient, db: Session, world: World
) -> None:
    w = world
    approvals = [a.approved_at for a in agreements_repository.approvers_of(db, w.agreement.id)]
    second = max(a for a in approvals if a is not None)
    assert w.agreement.finalized_at is not None
    assert timedelta(0) <= w.agreement.finalized_at - second < timedelta(minutes=1)
    person, _base = serving(client, w)
    on, terms = tracks.terms_date(db, uuid.UUID(person))
    assert terms is not None
    assert (terms.ranks_retained, terms.positions_retained) == (True, True)
    assert on == w.agreement.finalized_at.date()  # type: ignore[union-attr]


def test_a_referred_person_is_neither_verified_nor_posted(
    client: TestClient, db: Session, world: World
) -> None:
    w = world
    person, base = serving(client, w)
    claim = client.post(
        f"{base}/claim", json={"receiving_force_id": str(w.receiving.id)}, headers=w.worker
    )
    assert claim.status_code == 200
    clear_person(db, uuid.UUID(person), outcome=Outcome.REFERRED)
    verify = client.post(
        f"{base}/verify", json={"status": "verified", "evidence": ["roll"]}, headers=w.worker
    )
    assert verify.status_code == 409
    assert verify.json()["error"] == "standing_refuses"
    again = client.post(
        f"{base}/claim", json={"receiving_force_id": str(w.receiving.id)}, headers=w.worker
    )
    assert again.status_code == 409


def test_a_referred_person_verified_earlier_is_not_posted(
    client: TestClient, db: Session, world: World
) -> None:
    w = world
    person, base = serving(client, w)
    verified(client, w, base)
    clear_person(db, uuid.UUID(person), outcome=Outcome.REFERRED)
    posted = post(
        client, w, base, "KA-0300", position_id=str(w.their_positions["battalion_commander"].id)
    )
    assert posted.status_code == 409  # type: ignore[attr-defined]
    assert posted.json()["error"] == "standing_refuses"  # type: ignore[attr-defined]
    assert client.get(base, headers=w.worker).json()["status"] == "verified"
