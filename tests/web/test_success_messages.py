"""Success messages after the person page's own forms (issue 20: every action that changes
state ends with a message saying what was done, never whose record it was)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven.config import Settings
from haven.security.permissions import Actor, Role
from tests import factories as f


def test_adding_a_family_member_says_so_without_naming_anyone(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    f.user(
        db,
        organisation=org,
        site=site,
        role=Role.REGISTRAR,
        username="reg.notice",
        settings=fast_settings,
    )
    event = f.receive(db, Actor.system(), site_id=site.id, name_latin="Kyaw Zin")
    person = f"/people/{event.person_id}"  # type: ignore[attr-defined]
    f.login(client, username="reg.notice")
    token = f.csrf_from(client, person)
    response = client.post(
        f"{person}/family",
        data={"csrf_token": token, "relationship": "son", "name": "Zaw Min", "age": "9"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert "Zaw" not in response.headers["set-cookie"]
    shown = client.get(response.headers["location"]).text
    assert 'role="status" id="notice">The family member was added.</div>' in shown
