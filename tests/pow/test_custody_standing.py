"""What custody may do to a prisoner asks the person's standing (issue 17, point 1): a
prisoner referred for accountability is not released or repatriated (409, in English and
Burmese) but may still be transferred, and a new vetting decision clearing them lets the
release go ahead; the port refuses to answer before the standing is wired."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven.config import Settings
from haven.i18n import Text, render
from haven.kernel import custody
from haven.kernel.custody import CustodyAct
from haven.kernel.events import NotWired
from haven.security.permissions import Role
from haven.standing.public import StandingState
from haven.standing.rules import REFUSED_RELEASE_REFERRED
from haven.text import has_myanmar
from haven.vetting.lifecycle import Outcome
from tests import factories as f
from tests.pow.conftest import ASSESSED, Setting, captured, complete_check
from tests.vetting.support import clear_person


def _officer(db: Session, setting: Setting, settings: Settings) -> dict[str, str]:
    user = f.user(db, organisation=setting.organisation, role=Role.POW_OFFICER, settings=settings)
    return f.bearer(f.api_token(db, user=user))


def test_a_prisoner_referred_for_accountability_stays_in_custody(
    client: TestClient, db: Session, setting: Setting, fast_settings: Settings
) -> None:
    officer = _officer(db, setting, fast_settings)
    event = captured(db, setting, name="Hla Custody")
    made = client.post(
        "/api/pow/records",
        json={"person_id": str(event.person_id), "captured_on": "2026-11-01"},
        headers=officer,
    )
    assert made.status_code == 201, made.text
    pow_id = made.json()["id"]
    clear_person(db, event.person_id, outcome=Outcome.REFERRED)
    # The person chose to go home, freely: the check is complete, yet the standing keeps them.
    check = client.post(
        f"/api/pow/records/{pow_id}/voluntariness-checks",
        json=complete_check(paths=["home"]),
        headers=officer,
    )
    assert check.status_code == 201, check.text
    release = f"/api/pow/records/{pow_id}/release"
    refusal = Text(REFUSED_RELEASE_REFERRED, {"standing": Text(StandingState.REFERRED.label)})
    for kind in ("release", "repatriation"):
        for language in ("en", "my"):
            answer = client.post(
                release,
                json={"kind": kind, "grounds": "end_of_hostilities", **ASSESSED},
                headers={**officer, "Accept-Language": language},
            )
            assert answer.status_code == 409, answer.text
            assert answer.json()["error"] == "standing_refuses"
            assert answer.json()["detail"] == render(refusal, language)
            if language == "my":
                assert has_myanmar(answer.json()["detail"])
    record = client.get(f"/api/pow/records/{pow_id}", headers=officer).json()
    assert record["status"] == "interned"
    assessed = client.get(f"/api/pow/records/{pow_id}/risk-assessments", headers=officer)
    assert assessed.json() == []  # refused before anything was recorded
    # A transfer is still allowed (custody continues).
    camp = client.post("/api/pow/places", json={"name": "Camp Justice"}, headers=officer).json()
    moved = client.post(
        f"/api/pow/records/{pow_id}/transfers",
        json={"to_place_id": camp["id"], **ASSESSED},
        headers=officer,
    )
    assert moved.status_code == 201, moved.text
    # A new decision by two vetting officers clearing the person lets the release go ahead.
    clear_person(db, event.person_id, outcome=Outcome.CLEARED)
    released = client.post(
        release,
        json={"kind": "release", "grounds": "end_of_hostilities", **ASSESSED},
        headers=officer,
    )
    assert released.status_code == 201, released.text


def test_custody_is_never_decided_without_the_standing(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(custody, "_answers", [])
    with pytest.raises(NotWired):
        custody.require_allowed(db, uuid.uuid4(), CustodyAct.TRANSFER)
