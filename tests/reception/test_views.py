"""The reception form and person pages through the real app (HTML)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.accounts.models import User
from haven.accounts.sessions import actor_for
from haven.config import Settings
from haven.kernel.sensitivity import bind_actor
from haven.people.models import Person
from haven.reception.models import ReceptionEvent, WeaponItem
from tests import factories as f


def _registrar(client: TestClient, db: Session, fast_settings: Settings) -> User:
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    user = f.registrar(db, organisation=org, site=site, settings=fast_settings, username="desk.one")
    f.login(client, username="desk.one")
    return user


def test_minimum_reception_then_profile(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    registrar = _registrar(client, db, fast_settings)
    token = f.csrf_from(client, "/reception/new")
    response = client.post(
        "/reception/new",
        data={
            "csrf_token": token,
            "name_my": "ကိုဇော်မင်း",
            "classification": "defector",
            "origin_unit": "LIB 531",
            "received_on": "2026-11-20",
            "legal_basis": "public_interest",
            "weapon_kind": "rifle",
            "weapon_serial_number": "AK-991",
            "weapon_serviceable": "yes",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    person_url = response.headers["location"].split("?")[0]
    page = client.get(person_url)
    assert "ဇော်မင်း" in page.text
    assert "LIB-531" in page.text
    assert "WR-20261120-" in page.text
    receipt_link = page.text.split('href="/weapons/')[1].split('"')[0]
    receipt = client.get(f"/weapons/{receipt_link}")
    assert receipt.status_code == 200
    assert "AK-991" not in receipt.text  # the safe-to-carry form is the default
    assert "AK-991" in client.get(f"/weapons/{receipt_link}?form=full").text

    token = f.csrf_from(client, f"{person_url}/profile")
    saved = client.post(
        f"{person_url}/profile",
        data={
            "csrf_token": token,
            "name_my": "ဇော်မင်း",
            "prefix": "ကို",
            "father_name": "ဦးဘ",
            "birth_year": "1995",
            "sex": "male",
            "nrc": "12/OuKaMa(N)123456",
            "wg_seeing": "no_difficulty",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    db.expire_all()
    bind_actor(db, actor_for(registrar))  # the registrar reads back what they saved
    person = db.scalars(select(Person)).one()
    assert person.father_name == "ဦးဘ"
    assert person.birth_year == 1995
    assert person.nrc == "12/OUKAMA(N)123456"
    assert person.disability == {"seeing": "no_difficulty"}


def test_errors_name_the_field_keep_values_and_write_nothing(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    _registrar(client, db, fast_settings)
    token = f.csrf_from(client, "/reception/new")
    response = client.post(
        "/reception/new",
        data={
            "csrf_token": token,
            "name_latin": "Aung Aung",
            "classification": "defector",
            "birth_year": "2015",  # may be under 18: a child, and no military question
            "origin_unit": "IB 12",
            "position": "runner",
        },
    )
    assert response.status_code == 422
    assert 'href="#field-classification"' in response.text
    assert 'value="Aung Aung"' in response.text
    assert 'id="field-origin_unit"' not in response.text  # shown again without them
    assert 'id="no-military-questions"' in response.text
    assert db.scalars(select(Person)).all() == []


def test_a_child_is_asked_nothing_military_and_what_was_typed_is_not_kept(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    """The form hides the military fields once "child" is chosen (CSS, no script); whatever
    was typed in them before is not kept (the API, which has no such form, answers 422)."""
    _registrar(client, db, fast_settings)
    page = client.get("/reception/new").text
    assert 'class="adult-only"' in page
    assert 'id="classification-child"' in page
    token = f.csrf_from(client, "/reception/new")
    response = client.post(
        "/reception/new",
        data={
            "csrf_token": token,
            "name_latin": "Aung Aung",
            "classification": "child",
            "origin_unit": "IB 12",
            "position": "runner",
            "weapon_kind": "rifle",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    event = db.scalars(select(ReceptionEvent)).one()
    assert (event.origin_unit_text, event.position, event.origin_force_id) == (None, None, None)
    assert db.scalars(select(WeaponItem)).all() == []


def test_errors_in_burmese(client: TestClient, db: Session, fast_settings: Settings) -> None:
    _registrar(client, db, fast_settings)
    token = f.csrf_from(client, "/reception/new")
    client.post("/language", data={"language": "my", "next": "/", "csrf_token": token})
    token = f.csrf_from(client, "/reception/new")
    response = client.post(
        "/reception/new", data={"csrf_token": token, "classification": "defector"}
    )
    assert response.status_code == 422
    assert "အမည်" in response.text  # the missing-name message, in Burmese


def test_invalid_nrc_on_the_profile_form(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    _registrar(client, db, fast_settings)
    token = f.csrf_from(client, "/reception/new")
    location = (
        client.post(
            "/reception/new",
            data={"csrf_token": token, "name_latin": "Kyaw Kyaw", "classification": "disengaged"},
            follow_redirects=False,
        )
        .headers["location"]
        .split("?")[0]
    )
    token = f.csrf_from(client, f"{location}/profile")
    response = client.post(
        f"{location}/profile",
        data={"csrf_token": token, "name_latin": "Kyaw Kyaw", "nrc": "0/ABC(N)12"},
    )
    assert response.status_code == 422
    assert 'href="#field-nrc"' in response.text
    assert 'value="0/ABC(N)12"' in response.text


def test_search_page_and_htmx_fragment(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    _registrar(client, db, fast_settings)
    token = f.csrf_from(client, "/reception/new")
    client.post(
        "/reception/new",
        data={"csrf_token": token, "name_latin": "Saw Eh Htoo", "classification": "surrendered"},
    )
    page = client.post("/people", data={"q": "eh htoo", "csrf_token": token})
    assert "Eh Htoo" in page.text
    fragment = client.post(
        "/people", data={"q": "eh htoo"}, headers={"HX-Request": "true", "X-CSRF-Token": token}
    )
    assert "htoo" not in str(fragment.url)  # the query never travels in a URL
    assert "htoo" not in str(page.url)
    assert "<html" not in fragment.text
    assert "Eh Htoo" in fragment.text


def test_duplicates_panel_fragment(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    _registrar(client, db, fast_settings)
    token = f.csrf_from(client, "/reception/new")
    client.post(
        "/reception/new",
        data={"csrf_token": token, "name_latin": "Nyi Nyi", "classification": "defector"},
    )
    panel = client.post(
        "/reception/duplicates", data={"name_latin": "Ko Nyi Nyi"}, headers={"X-CSRF-Token": token}
    )
    assert panel.status_code == 200
    assert "Nyi Nyi" in panel.text
    assert "<html" not in panel.text


def test_dashboard_shows_figures_and_children_due_for_handover(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    _registrar(client, db, fast_settings)
    token = f.csrf_from(client, "/reception/new")
    for name, kind in (("Aye Aye", "defector"), ("Mg Lay", "child"), ("Ko Tun", "captured")):
        response = client.post(
            "/reception/new",
            data={"csrf_token": token, "name_latin": name, "classification": kind},
            follow_redirects=False,
        )
        assert response.status_code == 303
    page = client.get("/")
    figures = page.text.split('id="reception-figures"')[1].split("</article>")[0]
    assert figures.count('class="figure-cell">1<') == 3
    assert 'id="children-handover"' in page.text
    assert "due by" in page.text
    # The children a page at a time, the most urgent first: a second child, one a page.
    client.post(
        "/reception/new",
        data={"csrf_token": token, "name_latin": "Ma Hla", "classification": "child"},
    )
    paged = client.get("/?per_page=1").text.split('id="children-handover"')[1]
    paged = paged.split("</article>")[0]
    assert "Lay" in paged
    assert "Hla" not in paged
    assert "Showing 1 of 2" in paged
    assert 'href="/?per_page=1&amp;page=2"' in paged


def test_uncertain_zawgyi_is_asked_never_guessed(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    _registrar(client, db, fast_settings)
    token = f.csrf_from(client, "/reception/new")
    ambiguous = "ဥက္ကလာပ"  # reads differently as Zawgyi and as Unicode; the detector cannot tell
    asked = client.post(
        "/reception/new",
        data={"csrf_token": token, "name_my": ambiguous, "classification": "defector"},
    )
    assert asked.status_code == 422
    assert 'id="field-text_encoding"' in asked.text  # the user is asked which it is
    assert db.scalars(select(Person)).all() == []
    answered = client.post(
        "/reception/new",
        data={
            "csrf_token": token,
            "name_my": ambiguous,
            "classification": "defector",
            "text_encoding": "unicode",
        },
        follow_redirects=False,
    )
    assert answered.status_code == 303
    db.expire_all()
    assert db.scalars(select(Person.name_my)).one() == ambiguous
