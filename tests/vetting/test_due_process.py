"""Due process in vetting, through the API and the pages: the standard of proof recorded with
every decision, the decision notice in the person's language, the appeal the person lodges
(recorded on their behalf), its time limit shown on the queue, the appeal decided by a third
and a fourth officer, the new outcome and the new incident kinds."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.accounts.models import Organisation, Site, User
from haven.config import Settings
from haven.db.types import utcnow
from haven.errors import ValidationFailed
from haven.i18n import Text
from haven.kernel.clock import local_today
from haven.kernel.custody import CustodyAct
from haven.security.permissions import Actor, Role
from haven.standing.rules import (
    REFUSED_NOT_ELIGIBLE,
    Facts,
    Path,
    StandingState,
    custody_refusal,
    decide,
)
from haven.validation import parse
from haven.vetting.models import Decision
from haven.vetting.schemas import DecisionIn, IncidentKind
from haven.vetting.status import VettingStatus
from tests import factories as f
from tests.vetting.support import case_of

Login = Callable[[str], TestClient]

NEW_KINDS = (
    IncidentKind.SEXUAL_VIOLENCE,
    IncidentKind.DETAINEES,
    IncidentKind.FORCED_LABOUR,
    IncidentKind.HUMAN_SHIELDS,
    IncidentKind.ATTACKS_ON_CIVILIANS,
    IncidentKind.BURNING_AND_PILLAGE,
    IncidentKind.CHILDREN,
)

CONFIDENTIAL = "Witness W-7 (synthetic) saw him at the checkpoint."
DISCLOSED = "Two accounts place you at the checkpoint when the detainees were beaten."


@pytest.fixture
def login(app: FastAPI) -> Iterator[Login]:
    """A logged-in browser per user (each officer signs in once, freshly)."""
    with ExitStack() as stack:

        def open_as(username: str) -> TestClient:
            client = stack.enter_context(TestClient(app, base_url="http://testserver"))
            f.login(client, username=username)
            return client

        yield open_as


def _world(
    db: Session, settings: Settings, officers: int = 4
) -> tuple[Organisation, Site, list[User], User]:
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    tag = uuid.uuid4().hex[:6]
    vetting = [
        f.user(
            db,
            organisation=org,
            role=Role.VETTING_OFFICER,
            username=f"vo{n}-{tag}",
            settings=settings,
        )
        for n in range(1, officers + 1)
    ]
    worker = f.user(
        db, organisation=org, role=Role.CASE_WORKER, username=f"cw-{tag}", settings=settings
    )
    return org, site, vetting, worker


def _person(db: Session, site: Site, name: str = "Aung Min") -> uuid.UUID:
    event = f.receive(db, Actor.system(), site_id=site.id, name_latin=name)
    return event.person_id  # type: ignore[attr-defined, no-any-return]


def _post(client: TestClient, path: str, data: dict[str, str], *, page: str) -> int:
    token = f.csrf_from(client, page)
    response = client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)
    return response.status_code


def _decide(
    first: TestClient, second: TestClient, case_id: uuid.UUID, decision: dict[str, str]
) -> None:
    """Assessment (no hits) and a proposal by the first officer, confirmation by the second."""
    page = f"/vetting/cases/{case_id}"
    if "assessment-form" in first.get(page).text:
        status = _post(first, f"{page}/assessment", {"assessment": "No hits."}, page=page)
        assert status == 303
    assert _post(first, f"{page}/proposal", decision, page=page) == 303
    offered = second.get(page).text  # the second officer confirms in a step of its own
    assert 'id="confirm-decision-step"' in offered
    assert "Yes: confirm the decision" in offered
    assert _post(second, f"{page}/confirmation", {}, page=page) == 303


REFERRAL = {
    "outcome": "referred",
    "standard_of_proof": "reasonable_grounds",
    "reasons": CONFIDENTIAL,
    "disclosed_reasons": DISCLOSED,
    "mechanism": "Synthetic interim council tribunal",
    "protection": "detainee",
}


def test_an_appeal_is_decided_by_a_third_and_fourth_officer_not_the_first_two(
    db: Session, settings: Settings, client: TestClient, login: Login
) -> None:
    _org, site, (vo1, vo2, vo3, vo4), worker = _world(db, settings)
    person_id = _person(db, site)
    case = case_of(db, person_id)
    first, second = login(vo1.username), login(vo2.username)
    _decide(first, second, case.id, REFERRAL)

    # The person lodges the appeal; their case worker records it on their behalf.
    today = local_today()
    appeal = {"lodged_on": today.isoformat(), "grounds": "I was the cook; I never went there."}
    cw_token = f.api_token(db, user=worker)
    response = client.post(
        f"/api/vetting/persons/{person_id}/appeals", json=appeal, headers=f.bearer(cw_token)
    )
    assert response.status_code == 201, response.text
    assert response.json()["appeal"]["state"] == "lodged"
    assert response.json()["status"] == "referred"  # in force until the appeal is decided
    assert "hits" not in response.json()

    page = f"/vetting/cases/{case.id}"
    appeal_decision = {
        "outcome": "cleared_with_conditions",
        "standard_of_proof": "balance_of_probabilities",
        "reasons": "The checkpoint roster shows he was elsewhere (synthetic).",
        "disclosed_reasons": "The roster shows you were not at the checkpoint.",
        "conditions": "Reports monthly to the case worker.",
    }
    # The two officers who decided may not decide the appeal: neither propose...
    for officer in (first, second):
        token = f.csrf_from(officer, page)
        refused = officer.post(f"{page}/proposal", data={"csrf_token": token, **appeal_decision})
        assert refused.status_code == 409
        assert "You took part in the decision under appeal" in refused.text
    third, fourth = login(vo3.username), login(vo4.username)
    assert _post(third, f"{page}/proposal", appeal_decision, page=page) == 303
    # ...nor confirm (nor send the proposal back); the proposer cannot confirm either.
    for officer in (first, second):
        token = f.csrf_from(officer, page)
        refused = officer.post(f"{page}/confirmation", data={"csrf_token": token})
        assert refused.status_code == 409
        assert "Two other vetting officers must propose and confirm" in refused.text
        assert officer.post(f"{page}/withdrawal", data={"csrf_token": token}).status_code == 409
    assert _post(third, f"{page}/confirmation", {}, page=page) == 409
    assert _post(fourth, f"{page}/confirmation", {}, page=page) == 303

    officer_token = f.api_token(db, user=vo1)
    body = client.get(f"/api/vetting/cases/{case.id}", headers=f.bearer(officer_token)).json()
    assert body["status"] == "cleared_with_conditions"
    on_appeal = body["decisions"][-1]
    assert (on_appeal["basis"], on_appeal["proposed_by_id"], on_appeal["confirmed_by_id"]) == (
        "appeal",
        str(vo3.id),
        str(vo4.id),
    )
    assert on_appeal["standard_of_proof"] == "balance_of_probabilities"
    lodged = body["reviews"][-1]
    assert (lodged["kind"], lodged["lodged_on"], lodged["opened_by_id"]) == (
        "appeal",
        today.isoformat(),
        str(worker.id),
    )
    assert lodged["grounds"] == "I was the cook; I never went there."
    assert lodged["appealed_decision_id"] == body["decisions"][0]["id"]
    assert body["appeal"]["state"] == "final"
    # A decision taken on appeal cannot be appealed again.
    again = client.post(
        f"/api/vetting/persons/{person_id}/appeals", json=appeal, headers=f.bearer(cw_token)
    )
    assert again.status_code == 409
    assert again.json()["error"] == "appeal_final"


def test_the_notice_tells_the_person_in_their_language_what_they_may_know(
    db: Session, settings: Settings, client: TestClient, login: Login
) -> None:
    _org, site, (vo1, vo2, _vo3, _vo4), _worker = _world(db, settings)
    person_id = _person(db, site)
    case = case_of(db, person_id)
    officer = login(vo1.username)
    _decide(officer, login(vo2.username), case.id, REFERRAL)
    headers = f.bearer(f.api_token(db, user=vo1))

    # Before the person is told, the notice says how long they will have.
    body = client.get(f"/api/vetting/cases/{case.id}/notice?language=en", headers=headers).json()
    assert body["appeal"]["state"] == "not_notified"
    assert "within 30 days of receiving this notice" in body["appeal_rights"]
    today = local_today()
    told = client.post(
        f"/api/vetting/cases/{case.id}/notification",
        json={"notified_on": today.isoformat(), "language": "my"},
        headers=headers,
    )
    assert told.status_code == 200, told.text
    closes = (today + timedelta(days=30)).isoformat()
    assert told.json()["decisions"][-1]["appeal_closes_on"] == closes
    assert told.json()["appeal"]["days_left"] == 30

    # The notice defaults to the language the person was told in.
    notice = client.get(f"/api/vetting/cases/{case.id}/notice", headers=headers).json()
    assert notice["language"] == "my"
    assert notice["outcome_label"] == "တာဝန်ခံမှုအတွက် လွှဲပြောင်းထားသည်"  # referred, in Burmese
    assert notice["standard_of_proof"] == "reasonable_grounds"
    assert notice["disclosed_reasons"] == DISCLOSED
    assert CONFIDENTIAL not in str(notice)
    assert closes in notice["appeal_rights"]
    english = client.get(f"/api/vetting/cases/{case.id}/notice?language=en", headers=headers)
    assert english.json()["outcome_label"] == "Referred for accountability"
    assert english.json()["standard_of_proof_label"] == "Reasonable grounds to believe"
    assert (
        (english.json()["protection_label"])
        == "Detainee (common article 3 and customary international humanitarian law)"
    )
    assert "You may appeal this decision until " + closes in english.json()["appeal_rights"]
    bad = client.get(f"/api/vetting/cases/{case.id}/notice?language=fr", headers=headers)
    assert bad.status_code == 422
    assert "language" in bad.json()["fields"]
    # Told twice: refused.
    twice = client.post(
        f"/api/vetting/cases/{case.id}/notification",
        json={"notified_on": today.isoformat(), "language": "en"},
        headers=headers,
    )
    assert twice.status_code == 409

    page = officer.get(f"/vetting/cases/{case.id}/notice?language=my")
    assert page.status_code == 200
    assert 'lang="my"' in page.text
    assert DISCLOSED in page.text
    assert CONFIDENTIAL not in page.text
    assert "Reasonable grounds to believe" in officer.get(f"/vetting/cases/{case.id}").text


def test_the_time_limit_is_shown_on_the_queue_and_a_late_appeal_is_refused(
    db: Session, settings: Settings, client: TestClient, login: Login
) -> None:
    _org, site, (vo1, vo2, _vo3, _vo4), worker = _world(db, settings)
    on_time = _person(db, site, "Kyaw Zin")
    late = _person(db, site, "Zaw Lin")
    first, second = login(vo1.username), login(vo2.username)
    for person_id in (on_time, late):
        _decide(first, second, case_of(db, person_id).id, REFERRAL)
    # The second decision was taken (and the person told of it) weeks ago.
    late_case = case_of(db, late)
    decision = db.scalar(select(Decision).where(Decision.case_id == late_case.id))
    assert decision is not None
    decision.confirmed_at = utcnow() - timedelta(days=45)
    db.flush()
    headers = f.bearer(f.api_token(db, user=vo1))
    today = local_today()
    for person_id, told_on in ((on_time, today), (late, today - timedelta(days=40))):
        case_id = case_of(db, person_id).id
        response = client.post(
            f"/api/vetting/cases/{case_id}/notification",
            json={"notified_on": told_on.isoformat(), "language": "en"},
            headers=headers,
        )
        assert response.status_code == 200, response.text

    queue = {
        row["person_id"]: row["appeal"]
        for row in client.get("/api/vetting/cases", headers=headers).json()
    }
    assert queue[str(on_time)]["state"] == "open"
    assert queue[str(on_time)]["days_left"] == 30
    assert queue[str(late)]["state"] == "closed"
    assert queue[str(late)]["days_left"] == -10

    # An appeal lodged today is past the limit: refused, saying what remains possible.
    cw = f.bearer(f.api_token(db, user=worker))
    grounds = {"lodged_on": today.isoformat(), "grounds": "Nobody told me I could appeal."}
    refused = client.post(f"/api/vetting/persons/{late}/appeals", json=grounds, headers=cw)
    assert refused.status_code == 409
    assert refused.json()["error"] == "appeal_time_limit_passed"
    closed_on = (today - timedelta(days=10)).isoformat()
    assert closed_on in refused.json()["detail"]
    assert "new evidence reopens the case" in refused.json()["detail"]
    # One the person lodged in time counts, even when it is recorded later.
    in_time = {"lodged_on": (today - timedelta(days=11)).isoformat(), "grounds": "I said so."}
    accepted = client.post(f"/api/vetting/persons/{late}/appeals", json=in_time, headers=cw)
    assert accepted.status_code == 201, accepted.text
    # A lodging day before the decision, or in the future: field-level 422.
    early = {"lodged_on": (today - timedelta(days=50)).isoformat(), "grounds": "x"}
    response = client.post(f"/api/vetting/persons/{on_time}/appeals", json=early, headers=cw)
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"lodged_on"}
    future = {"lodged_on": (today + timedelta(days=2)).isoformat(), "grounds": "x"}
    response = client.post(f"/api/vetting/persons/{on_time}/appeals", json=future, headers=cw)
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"lodged_on"}


def test_the_queue_page_shows_days_left_and_the_limit_passed(
    db: Session, settings: Settings, login: Login
) -> None:
    _org, site, (vo1, vo2, _vo3, _vo4), worker = _world(db, settings)
    person_id = _person(db, site, "Htet Aung")
    case = case_of(db, person_id)
    first, second = login(vo1.username), login(vo2.username)
    _decide(first, second, case.id, REFERRAL)
    page = f"/vetting/cases/{case.id}"
    today = local_today()
    told = {"notified_on": today.isoformat(), "language": "my"}
    assert _post(first, f"{page}/notification", told, page=page) == 303
    closes = (today + timedelta(days=30)).isoformat()
    queue = first.get("/vetting").text
    assert f"Days left to appeal: 30 (until {closes})" in queue
    assert 'data-days-left="30"' in queue
    assert f"Days left to appeal: 30 (until {closes})" in first.get(page).text

    # The case worker records the person's appeal on its page; the queue then says so.
    cw = login(worker.username)
    appeal_page = f"/vetting/persons/{person_id}/appeal"
    assert f"Days left to appeal: 30 (until {closes})" in cw.get(appeal_page).text
    empty = {"lodged_on": today.isoformat(), "grounds": ""}
    assert _post(cw, appeal_page, empty, page=appeal_page) == 422
    lodged = {"lodged_on": today.isoformat(), "grounds": "I was forced to carry loads."}
    assert _post(cw, appeal_page, lodged, page=appeal_page) == 303
    assert cw.get("/vetting").status_code == 403  # the case worker never sees the queue
    queue = first.get("/vetting").text
    assert f"Appeal lodged on {today.isoformat()}" in queue

    # A limit that has passed shows as such.
    other = _person(db, site, "Nay Lin")
    other_case = case_of(db, other)
    _decide(first, second, other_case.id, REFERRAL)
    passed = db.scalar(select(Decision).where(Decision.case_id == other_case.id))
    assert passed is not None
    passed.notified_on = today - timedelta(days=31)
    passed.notice_language = "en"
    passed.appeal_closes_on = today - timedelta(days=1)
    db.flush()
    queue = first.get("/vetting").text
    yesterday = (today - timedelta(days=1)).isoformat()
    assert f"Time limit for appealing passed on {yesterday}" in queue
    assert 'data-appeal="closed"' in queue


def test_the_standard_of_proof_is_required_field_by_field(
    db: Session, settings: Settings, login: Login
) -> None:
    with pytest.raises(ValidationFailed) as missing:
        parse(DecisionIn, {"outcome": "cleared", "reasons": "x", "disclosed_reasons": "y"})
    assert set(missing.value.fields) == {"standard_of_proof"}
    with pytest.raises(ValidationFailed) as wrong:
        parse(
            DecisionIn,
            {
                "outcome": "cleared",
                "standard_of_proof": "beyond_reasonable_doubt",
                "reasons": "x",
                "disclosed_reasons": "y",
            },
        )
    assert set(wrong.value.fields) == {"standard_of_proof"}

    _org, site, (vo1, _vo2), _worker = _world(db, settings, officers=2)
    case = case_of(db, _person(db, site))
    officer = login(vo1.username)
    page = f"/vetting/cases/{case.id}"
    assert _post(officer, f"{page}/assessment", {"assessment": "No hits."}, page=page) == 303
    token = f.csrf_from(officer, page)
    response = officer.post(
        f"{page}/proposal",
        data={"csrf_token": token, "outcome": "cleared", "reasons": "No hits."},
    )
    assert response.status_code == 422
    assert 'id="error-standard_of_proof"' in response.text
    assert "Choose the standard of proof the decision&#39;s findings meet." in response.text
    assert 'id="error-disclosed_reasons"' in response.text
    assert 'id="error-reasons"' not in response.text


def test_not_a_member_of_the_force_is_an_outcome_that_closes_serving_and_allowances(
    db: Session, settings: Settings, client: TestClient, login: Login
) -> None:
    _org, site, (vo1, vo2, _vo3, _vo4), worker = _world(db, settings)
    person_id = _person(db, site, "Infiltrator Test")
    case = case_of(db, person_id)
    _decide(
        login(vo1.username),
        login(vo2.username),
        case.id,
        {
            "outcome": "not_eligible",
            "standard_of_proof": "clear_and_convincing",
            "reasons": "No unit roster or comrade knows him (synthetic).",
            "disclosed_reasons": "Nobody from the unit you named knows you.",
        },
    )
    headers = f.bearer(f.api_token(db, user=worker))
    status = client.get(f"/api/vetting/persons/{person_id}/status", headers=headers).json()
    assert status["status"] == "not_eligible"
    standing = client.get(f"/api/people/{person_id}/standing", headers=headers)
    assert standing.status_code == 200, standing.text
    body = standing.json()
    assert body["state"] == "not_eligible"
    assert body["excluded"] is True
    assert body["may_serve"] is False
    assert (body["may_go_home"], body["may_go_into_exile"]) == (True, True)
    assert body["home_under_conditions"] is False
    # The person may appeal it (recorded by their case worker).
    appeal = {"lodged_on": local_today().isoformat(), "grounds": "I served in LIB 12 (sic)."}
    lodged = client.post(f"/api/vetting/persons/{person_id}/appeals", json=appeal, headers=headers)
    assert lodged.status_code == 201, lodged.text
    assert lodged.json()["status"] == "not_eligible"


@pytest.mark.parametrize("kind", NEW_KINDS, ids=str)
def test_each_new_incident_kind_is_recorded_through_the_api(
    kind: IncidentKind, db: Session, settings: Settings, client: TestClient
) -> None:
    _org, _site, (vo1,), _worker = _world(db, settings, officers=1)
    headers = f.bearer(f.api_token(db, user=vo1))
    response = client.post(
        "/api/vetting/incidents",
        json={
            "kind": str(kind),
            "period": "2023-06",
            "township": "Demoso",
            "units": ["LIB 531"],
            "summary": f"{kind.label} (synthetic).",
            "source_reliability": "B",
            "information_credibility": 2,
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["kind"] == str(kind)
    listed = client.get("/api/vetting/incidents", headers=headers).json()
    assert [i["kind"] for i in listed] == [str(kind)]
    assert len(str(kind)) <= 30  # the column's width


def test_a_cleared_person_has_nothing_to_appeal(
    db: Session, settings: Settings, client: TestClient, login: Login
) -> None:
    _org, site, (vo1, vo2, _vo3, _vo4), worker = _world(db, settings)
    person_id = _person(db, site)
    case = case_of(db, person_id)
    cleared = {
        "outcome": "cleared",
        "standard_of_proof": "balance_of_probabilities",
        "reasons": "No hits.",
        "disclosed_reasons": "Nothing links you to any incident.",
    }
    _decide(login(vo1.username), login(vo2.username), case.id, cleared)
    headers = f.bearer(f.api_token(db, user=worker))
    state = client.get(f"/api/vetting/persons/{person_id}/appeal", headers=headers).json()
    assert state["appeal"]["state"] == "not_appealable"
    appeal = {"lodged_on": local_today().isoformat(), "grounds": "x"}
    refused = client.post(f"/api/vetting/persons/{person_id}/appeals", json=appeal, headers=headers)
    assert refused.status_code == 409


def test_the_standing_of_a_person_not_eligible() -> None:
    """Not a defector: serving closed, no allowance; home and exile open; no custody for the
    justice referral (only a referral keeps a prisoner in custody)."""
    person = uuid.uuid4()
    standing = decide(Facts(person_id=person, vetting=VettingStatus.NOT_ELIGIBLE))
    assert standing.state is StandingState.NOT_ELIGIBLE
    assert standing.open_paths == (Path.HOME, Path.EXILE)
    assert standing.refusal(Path.SERVE) == Text(
        REFUSED_NOT_ELIGIBLE, {"standing": Text(StandingState.NOT_ELIGIBLE.label)}
    )
    assert standing.excluded
    assert not standing.support_held
    assert not standing.home_under_conditions
    assert custody_refusal(standing, CustodyAct.RELEASE) is None
    referred = decide(Facts(person_id=person, vetting=VettingStatus.REFERRED))
    assert custody_refusal(referred, CustodyAct.RELEASE) is not None
