"""The agreement's "link a person" form and API take the person's reference number (as on
their record and receipt), forgive its typing, name a typo, and name the person back."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven.config import Settings
from haven.kernel.references import ALPHABET
from haven.people.public import Person
from haven.security.permissions import Role
from tests import factories as f
from tests.agreements.helpers import executing, team


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def _typo(reference: str) -> str:
    last = reference[-1]
    return reference[:-1] + next(c for c in ALPHABET if c != last)


def test_the_link_form_takes_a_reference_and_names_the_person_back(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    t = team(db, fast_settings)
    agreement = executing(db, t)
    event = f.receive(db, t.registrar, name_latin="Kyaw Lin Oo", site_id=str(t.site.id))
    person = db.get(Person, event.person_id)  # type: ignore[attr-defined]
    assert person is not None
    f.user(db, organisation=t.org, role=Role.NEGOTIATOR, settings=fast_settings, username="neg.r")
    f.login(client, username="neg.r")
    page = client.get(f"/agreements/{agreement.id}")
    assert 'name="reference"' in page.text
    assert f'id="agreement-reference">{agreement.reference}<' in page.text
    assert agreement.reference in client.get("/agreements").text  # the team's list
    assert "Haven number" not in page.text
    token = _csrf(page.text)
    url = f"/agreements/{agreement.id}/links"

    typo = client.post(url, data={"csrf_token": token, "reference": _typo(person.reference)})
    assert typo.status_code == 422
    assert "has a typo" in typo.text
    assert f'value="{_typo(person.reference)}"' in typo.text  # kept for correcting

    empty = client.post(url, data={"csrf_token": token, "reference": ""})
    assert empty.status_code == 422
    assert 'href="#field-reference"' in empty.text

    # Typed as people do: lower case, a space instead of the hyphen.
    typed = person.reference.lower().replace("-", " ")
    linked = client.post(url, data={"csrf_token": token, "reference": typed})
    assert linked.status_code == 200, linked.text
    assert 'id="linked-person"' in linked.text
    assert "Kyaw Lin Oo" in linked.text
    assert person.reference in linked.text


def test_the_link_api_takes_a_reference_and_refuses_another_organisations(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    t = team(db, fast_settings)
    agreement = executing(db, t)
    event = f.receive(db, t.registrar, name_latin="Min Thu", site_id=str(t.site.id))
    person = db.get(Person, event.person_id)  # type: ignore[attr-defined]
    assert person is not None
    other = team(db, fast_settings)
    stranger_event = f.receive(
        db, other.registrar, name_latin="Other Org", site_id=str(other.site.id)
    )
    stranger = db.get(Person, stranger_event.person_id)  # type: ignore[attr-defined]
    assert stranger is not None
    user = f.user(db, organisation=t.org, role=Role.NEGOTIATOR, settings=fast_settings)
    headers = f.bearer(f.api_token(db, user=user))
    url = f"/api/agreements/{agreement.id}/links"

    typo = client.post(url, headers=headers, json={"person_reference": _typo(person.reference)})
    assert typo.status_code == 422
    assert "person_reference" in typo.json()["fields"]
    unknown = client.post(url, headers=headers, json={"person_reference": stranger.reference})
    assert unknown.status_code == 422
    neither = client.post(url, headers=headers, json={})
    assert neither.status_code == 422
    done = client.post(url, headers=headers, json={"person_reference": person.reference})
    assert done.status_code == 201, done.text
