"""Issue 17 in the prisoner-of-war registry, through the JSON API: voluntariness as a gate
(defect, serve, home, exile), tracing notices only by the person's own choice, and no
transfer, release or handover to the party the person left (with a risk assessment each
time)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.forces.public import MYANMAR_ARMY, ForceKind, create_force, force_by_name
from haven.i18n import Text, render
from haven.kernel.sensitivity import bind_actor
from haven.pow.ending import HOME_NEEDS_CHECK
from haven.pow.public import (
    PARTY_LEFT,
    PrisonerPath,
    latest_voluntariness,
    parties_left,
    voluntariness_completed,
)
from haven.pow.safeguards import REAL_RISK
from haven.pow.voluntariness import INCOMPLETE, NO_CHECK, OTHER_PATH, REPLACED
from haven.security.permissions import Actor, Role
from haven.standing.public import StandingState
from haven.standing.rules import REFUSED_PRISONER
from haven.text import has_myanmar
from tests import factories as f
from tests.pathways.support import SAFEGUARDS
from tests.pow.conftest import ASSESSED, Setting, captured, complete_check

SYSTEM = Actor.system()


@dataclass
class Desk:
    officer: dict[str, str]
    worker: dict[str, str]
    text: str


@pytest.fixture
def desk(client: TestClient, db: Session, fast_settings: Settings, setting: Setting) -> Desk:
    def token(role: Role) -> dict[str, str]:
        user = f.user(db, organisation=setting.organisation, role=role, settings=fast_settings)
        return f.bearer(f.api_token(db, user=user))

    admin = token(Role.ADMINISTRATOR)
    body = {"language": "en", "text": "Serve, go home, or exile: the choice is yours alone."}
    text = client.post("/api/consent-texts", json=body, headers=admin)
    assert text.status_code == 201, text.text
    return Desk(
        officer=token(Role.POW_OFFICER), worker=token(Role.CASE_WORKER), text=text.json()["id"]
    )


def _prisoner(client: TestClient, db: Session, setting: Setting, desk: Desk, name: str) -> dict:
    event = captured(db, setting, name=name)
    made = client.post(
        "/api/pow/records",
        json={"person_id": str(event.person_id), "captured_on": "2026-11-01"},
        headers=desk.officer,
    )
    assert made.status_code == 201, made.text
    return dict(made.json())


def _post(
    client: TestClient, url: str, body: dict, headers: dict[str, str], language: str = "en"
) -> tuple[int, dict]:
    response = client.post(url, json=body, headers={**headers, "Accept-Language": language})
    return response.status_code, dict(response.json())


def _check(client: TestClient, desk: Desk, pow_id: str, **overrides: object) -> dict:
    status, body = _post(
        client,
        f"/api/pow/records/{pow_id}/voluntariness-checks",
        complete_check(**overrides),
        desk.officer,
    )
    assert status == 201, body
    return body


def _refused_in_both_languages(
    client: TestClient, url: str, body: dict, headers: dict[str, str], msgid: str
) -> None:
    for language in ("en", "my"):
        status, answer = _post(client, url, body, headers, language)
        assert status == 409, answer
        assert answer["detail"] == render(Text(msgid), language), answer


def _choice(client: TestClient, desk: Desk, person_id: str, pathway: str, language: str = "en"):
    body = {
        "pathway": pathway,
        "language": "en",
        "consent_text_id": desk.text,
        "explained": True,
        **SAFEGUARDS,
    }
    return _post(client, f"/api/people/{person_id}/pathway-choices", body, desk.worker, language)


def _pending(client: TestClient, desk: Desk, pow_id: str) -> list[str]:
    notices = client.get("/api/pow/notices", headers=desk.officer).json()
    return [n["kind"] for n in notices if n["pow_id"] == pow_id]


# --- voluntariness as a gate -------------------------------------------------------------------


def test_no_path_changes_without_a_completed_check(
    client: TestClient, db: Session, setting: Setting, desk: Desk
) -> None:
    record = _prisoner(client, db, setting, desk, "Aung Ko Gate")
    pow_id, person_id = record["id"], record["person_id"]
    # Defect: no check at all.
    defect = f"/api/pow/records/{pow_id}/defect"
    _refused_in_both_languages(
        client, defect, {"check_id": str(uuid.uuid4())}, desk.officer, NO_CHECK
    )
    status, answer = _post(client, defect, {"check_id": str(uuid.uuid4())}, desk.officer, "my")
    assert has_myanmar(answer["detail"])
    # Serve, home, exile (the pathway choice asks the standing, which asks this registry).
    refusal = Text(REFUSED_PRISONER, {"standing": Text(StandingState.PRISONER_OF_WAR.label)})
    for pathway in ("serve", "home", "exile"):
        for language in ("en", "my"):
            status, answer = _choice(client, desk, person_id, pathway, language)
            assert status == 409, answer
            assert answer["detail"] == render(refusal, language)
    # Home through the registry: repatriation.
    repatriate = f"/api/pow/records/{pow_id}/release"
    body = {"kind": "repatriation", "grounds": "end_of_hostilities", **ASSESSED}
    _refused_in_both_languages(client, repatriate, body, desk.officer, HOME_NEEDS_CHECK)

    # A check without the person's mark is kept, but is not complete.
    partial = _check(client, desk, pow_id, mark=None, paths=["defect", "serve", "home", "exile"])
    assert partial["completed_at"] is None
    assert partial["missing"] == ["mark", "mark_attested_by"]
    _refused_in_both_languages(
        client, defect, {"check_id": partial["id"]}, desk.officer, INCOMPLETE
    )
    for pathway in ("serve", "home", "exile"):
        assert _choice(client, desk, person_id, pathway)[0] == 409
    # Each other item of a complete check is required too.
    for gap in (
        {"former_commanders_absent": False},
        {"present": None},
        {"statement_language": None},
        {"paths": []},
        {"witness": None},
        {"witness": "none"},  # …and why none was available
        {"witness": "icrc"},  # …and which visit
        {"detaining_unit_absent": False},
        {"interviewer_independent": False},
        {"outcome": "inconclusive"},
    ):
        check = _check(client, desk, pow_id, **gap)
        assert check["completed_at"] is None, gap
        _refused_in_both_languages(
            client, defect, {"check_id": check["id"]}, desk.officer, INCOMPLETE
        )
    assert client.get(f"/api/pow/records/{pow_id}", headers=desk.officer).json()["status"] == (
        "interned"
    )
    assert client.get("/api/cases", headers=desk.worker).json() == []
    # Every attempt was audited, complete or not.
    events = db.scalars(
        select(AuditEvent).where(AuditEvent.action == "pow.voluntariness_checked")
    ).all()
    assert len(events) == 11
    assert events[0].changes["missing"] == ["mark", "mark_attested_by"]
    assert events[0].changes["statement"] != complete_check()["statement"]


def test_a_completed_check_allows_the_path_it_names(
    client: TestClient, db: Session, setting: Setting, desk: Desk
) -> None:
    # Serve: allowed once a complete check records serve as the person's own choice; going
    # home, which the check does not name, is still refused.
    serving = _prisoner(client, db, setting, desk, "Min Serve")
    _check(client, desk, serving["id"], paths=["serve"])
    assert voluntariness_completed(db, uuid.UUID(serving["person_id"]), PrisonerPath.SERVE)
    assert not voluntariness_completed(db, uuid.UUID(serving["person_id"]), "home")
    assert _choice(client, desk, serving["person_id"], "home")[0] == 409
    status, chosen = _choice(client, desk, serving["person_id"], "serve")
    assert status == 201, chosen
    assert chosen["pathway"] == "serve"

    # Defect.
    defecting = _prisoner(client, db, setting, desk, "Kyaw Defect")
    url = f"/api/pow/records/{defecting['id']}/defect"
    home_only = _check(client, desk, defecting["id"], paths=["home"])
    _refused_in_both_languages(client, url, {"check_id": home_only["id"]}, desk.officer, OTHER_PATH)
    earlier = _check(client, desk, defecting["id"], interviewed_on="2026-11-02")
    _refused_in_both_languages(client, url, {"check_id": earlier["id"]}, desk.officer, REPLACED)
    check = _check(client, desk, defecting["id"], interviewed_on="2026-11-04")
    status, event = _post(
        client, url, {"check_id": check["id"], "changed_on": "2026-11-05"}, desk.officer
    )
    assert status == 200, event
    assert event["classification"] == "defector"
    got = client.get(f"/api/pow/records/{defecting['id']}", headers=desk.officer).json()
    assert got["status"] == "defected"
    summary = latest_voluntariness(db, uuid.UUID(defecting["person_id"]))
    assert summary is not None
    assert (summary.check_id, summary.complete, summary.paths) == (
        uuid.UUID(check["id"]),
        True,
        ("defect",),
    )

    # Home: repatriation, with the check and the risk assessment.
    going = _prisoner(client, db, setting, desk, "Tun Home")
    _check(client, desk, going["id"], paths=["home"])
    status, released = _post(
        client,
        f"/api/pow/records/{going['id']}/release",
        {"kind": "repatriation", "grounds": "end_of_hostilities", **ASSESSED},
        desk.officer,
    )
    assert status == 201, released
    assert released["kind"] == "repatriation"
    assert released["risk_assessment_id"] is not None

    # A later complete check that finds the choice not voluntary replaces an earlier one.
    doubted = _prisoner(client, db, setting, desk, "Zaw Doubt")
    _check(client, desk, doubted["id"], paths=["exile"], interviewed_on="2026-11-02")
    assert voluntariness_completed(db, uuid.UUID(doubted["person_id"]), "exile")
    _check(client, desk, doubted["id"], paths=["exile"], outcome="not_voluntary")
    assert not voluntariness_completed(db, uuid.UUID(doubted["person_id"]), "exile")
    assert _choice(client, desk, doubted["person_id"], "exile")[0] == 409


def test_a_check_names_a_real_icrc_visit(
    client: TestClient, db: Session, setting: Setting, desk: Desk
) -> None:
    camp = client.post("/api/pow/places", json={"name": "Camp Visit"}, headers=desk.officer)
    record = _prisoner(client, db, setting, desk, "Saw Visit")
    status, _ = _post(
        client,
        f"/api/pow/records/{record['id']}/voluntariness-checks",
        complete_check(witness="icrc", icrc_visit_id=str(uuid.uuid4())),
        desk.officer,
    )
    assert status == 422
    visit = client.post(
        "/api/pow/visits",
        json={"place_id": camp.json()["id"], "visited_on": "2026-11-03", "delegates": "ICRC"},
        headers=desk.officer,
    ).json()
    check = _check(client, desk, record["id"], witness="icrc", icrc_visit_id=visit["id"])
    assert check["completed_at"] is not None
    assert check["witness_name"] is None


# --- tracing notices with consent --------------------------------------------------------------


def _defected(client: TestClient, db: Session, setting: Setting, desk: Desk, name: str, **extra):
    record = _prisoner(client, db, setting, desk, name)
    check = _check(client, desk, record["id"])
    status, body = _post(
        client,
        f"/api/pow/records/{record['id']}/defect",
        {"check_id": check["id"], "changed_on": "2026-11-05", **extra},
        desk.officer,
    )
    assert status == 200, body
    return record


def test_defection_queues_no_notice_unless_the_person_chooses_one(
    client: TestClient, db: Session, setting: Setting, desk: Desk
) -> None:
    record = _prisoner(client, db, setting, desk, "Nyi Tracing")
    pow_id = record["id"]
    assert _pending(client, desk, pow_id) == ["capture"]
    check = _check(client, desk, pow_id)
    status, _ = _post(
        client,
        f"/api/pow/records/{pow_id}/defect",
        {"check_id": check["id"], "changed_on": "2026-11-05"},
        desk.officer,
    )
    assert status == 200
    # No release notice, and the capture notice that had not left is withheld.
    assert _pending(client, desk, pow_id) == []
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "pow.defected")).one()
    assert (event.changes["notices_withheld"], event.changes["cards_superseded"]) == (1, 1)
    assert (
        client.get(f"/api/pow/records/{pow_id}/tracing-choices", headers=desk.officer).json() == []
    )

    url = f"/api/pow/records/{pow_id}/tracing-choices"
    status, refused = _post(client, url, {"choice": "as_released"}, desk.officer)
    assert status == 422
    assert set(refused["fields"]) == {"witness_name", "informed"}
    assert _pending(client, desk, pow_id) == []

    choice = {"witness_name": "Daw Mya (church elder)", "informed": True, "chosen_on": "2026-11-06"}
    status, family = _post(client, url, {"choice": "family_privately", **choice}, desk.officer)
    assert status == 201, family
    assert _pending(client, desk, pow_id) == ["family_private"]
    status, released = _post(client, url, {"choice": "as_released", **choice}, desk.officer)
    assert status == 201, released
    notices = [
        n
        for n in client.get("/api/pow/notices", headers=desk.officer).json()
        if n["pow_id"] == pow_id
    ]
    assert [(n["kind"], n["occurred_on"]) for n in notices] == [("release", "2026-11-05")]
    status, _ = _post(client, url, {"choice": "as_released", **choice}, desk.officer)
    assert status == 409
    status, _ = _post(client, url, {"choice": "no_notice", **choice}, desk.officer)
    assert status == 201
    assert _pending(client, desk, pow_id) == []
    history = client.get(url, headers=desk.officer).json()
    assert [c["choice"] for c in history] == ["family_privately", "as_released", "no_notice"]
    assert [c["superseded_at"] is None for c in history] == [False, False, True]
    assert [c["witness_name"] for c in history] == [choice["witness_name"]] * 3
    audited = db.scalars(
        select(AuditEvent).where(AuditEvent.action == "pow.tracing_choice_recorded")
    ).all()
    assert [e.changes["choice"]["after"] for e in audited] == [
        "family_privately",
        "as_released",
        "no_notice",
    ]
    # No capture card is printed for a person who changed sides.
    cards = client.get(f"/api/pow/records/{pow_id}/cards", headers=desk.officer).json()
    assert (
        client.get(f"/api/pow/cards/{cards[0]['id']}/pdf", headers=desk.officer).status_code == 409
    )


def test_a_choice_given_at_the_defection_queues_only_that_notice(
    client: TestClient, db: Session, setting: Setting, desk: Desk
) -> None:
    tracing = {"choice": "family_privately", "witness_name": "Naw Paw", "informed": True}
    record = _defected(client, db, setting, desk, "Hla Family", tracing=tracing)
    assert _pending(client, desk, record["id"]) == ["family_private"]
    # A prisoner still interned has no such choice: their notices follow the Convention.
    interned = _prisoner(client, db, setting, desk, "Soe Interned")
    status, _ = _post(
        client,
        f"/api/pow/records/{interned['id']}/tracing-choices",
        {**tracing, "choice": "no_notice"},
        desk.officer,
    )
    assert status == 409


# --- non-refoulement ---------------------------------------------------------------------------


def test_nobody_goes_to_the_party_they_left(
    client: TestClient, db: Session, setting: Setting, desk: Desk
) -> None:
    army = force_by_name(db, MYANMAR_ARMY)
    assert army is not None
    bind_actor(db, SYSTEM)
    ally = create_force(db, SYSTEM, name="Allied Defence Force (test)", kind=ForceKind.ARMED_GROUP)
    camp = client.post("/api/pow/places", json={"name": "Camp Far"}, headers=desk.officer).json()
    record = _prisoner(client, db, setting, desk, "Thant Party")
    pow_id = record["id"]
    assert parties_left(db, uuid.UUID(record["person_id"])) == {army.id}

    to_army = {"receiving_force_id": str(army.id), **ASSESSED}
    transfer = f"/api/pow/records/{pow_id}/transfers"
    _refused_in_both_languages(
        client, transfer, {"to_place_id": camp["id"], **to_army}, desk.officer, PARTY_LEFT
    )
    status, answer = _post(
        client, transfer, {"to_place_id": camp["id"], **to_army}, desk.officer, "my"
    )
    release = f"/api/pow/records/{pow_id}/release"
    for kind in ("release", "repatriation"):
        _refused_in_both_languages(
            client,
            release,
            {"kind": kind, "grounds": "end_of_hostilities", **to_army},
            desk.officer,
            PARTY_LEFT,
        )
    # Without exception: not even a repatriation the person chose freely.
    _check(client, desk, pow_id, paths=["home"])
    _refused_in_both_languages(
        client,
        release,
        {"kind": "repatriation", "grounds": "end_of_hostilities", **to_army},
        desk.officer,
        PARTY_LEFT,
    )

    # Elsewhere: the risk assessment is required, item by item.
    status, missing = _post(client, transfer, {"to_place_id": camp["id"]}, desk.officer)
    assert status == 422
    assert set(missing["fields"]) == {"risk_assessed_by", "risks", "risk_conclusion"}
    late = {**ASSESSED, "risk_assessed_on": "2026-11-04", "moved_on": "2026-11-03"}
    status, answer = _post(client, transfer, {"to_place_id": camp["id"], **late}, desk.officer)
    assert (status, list(answer["fields"])) == (422, ["risk_assessed_on"])
    risky = {**ASSESSED, "risk_conclusion": "real_risk"}
    _refused_in_both_languages(
        client, transfer, {"to_place_id": camp["id"], **risky}, desk.officer, REAL_RISK
    )
    assert client.get(f"/api/pow/records/{pow_id}/transfers", headers=desk.officer).json() == []

    body = {
        "to_place_id": camp["id"],
        "receiving_force_id": str(ally.id),
        "risk_notes": "Mother in Loikaw",
        **ASSESSED,
    }
    status, moved = _post(client, transfer, body, desk.officer)
    assert status == 201, moved
    assert moved["receiving_force_id"] == str(ally.id)
    (assessment,) = client.get(
        f"/api/pow/records/{pow_id}/risk-assessments", headers=desk.officer
    ).json()
    assert assessment["id"] == moved["risk_assessment_id"]
    assert assessment["movement"] == "transfer"
    assert assessment["assessed_by"] == ASSESSED["risk_assessed_by"]
    assert sorted(assessment["risks"]) == sorted(ASSESSED["risks"])
    assert assessment["conclusion"] == "no_real_risk"
    assert assessment["notes"] == "Mother in Loikaw"
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "pow.transferred")).one()
    assert event.changes["risk_assessment_id"] == assessment["id"]
    assert event.changes["receiving_force_id"] == str(ally.id)
    assert "Loikaw" not in str(event.changes)


def test_a_check_names_this_prisoners_own_check(
    client: TestClient, db: Session, setting: Setting, desk: Desk
) -> None:
    one = _prisoner(client, db, setting, desk, "Ko One")
    two = _prisoner(client, db, setting, desk, "Ko Two")
    _check(client, desk, one["id"])
    theirs = _check(client, desk, two["id"])
    url = f"/api/pow/records/{one['id']}/defect"
    for wrong in (str(uuid.uuid4()), theirs["id"]):
        _refused_in_both_languages(client, url, {"check_id": wrong}, desk.officer, NO_CHECK)
    assert client.get(f"/api/pow/records/{one['id']}", headers=desk.officer).json()["status"] == (
        "interned"
    )


def test_a_defector_is_checked_again_before_choosing_a_pathway(
    client: TestClient, db: Session, setting: Setting, desk: Desk
) -> None:
    record = _defected(client, db, setting, desk, "Htet Pathway")
    person_id = uuid.UUID(record["person_id"])
    assert not voluntariness_completed(db, person_id, "serve")
    _check(client, desk, record["id"], paths=["serve"], interviewed_on="2026-11-06")
    assert voluntariness_completed(db, person_id, "serve")
    assert not voluntariness_completed(db, person_id, "defect")  # the latest check decides


def test_the_party_left_stays_refused_after_a_defection(
    client: TestClient, db: Session, setting: Setting, desk: Desk
) -> None:
    record = _defected(client, db, setting, desk, "Wai Left")
    army = force_by_name(db, MYANMAR_ARMY)
    assert army is not None
    # Two receptions now (captured, then defector): both name the same party.
    assert parties_left(db, uuid.UUID(record["person_id"])) == {army.id}
