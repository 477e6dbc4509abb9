"""Forms offer the places table's townships (free text still accepted); pages show a stored
place by the table's name in the reader's language."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven.config import Settings
from haven.security.permissions import Role
from haven.text.places import townships_of
from tests import factories as f


def _datalist(page: str) -> list[tuple[str, str]]:
    found = re.search(r'<datalist id="townships">(.*?)</datalist>', page, re.DOTALL)
    assert found is not None, "no township choices on the page"
    return re.findall(r'<option value="([^"]*)" label="([^"]*)">', found.group(1))


def _to_burmese(client: TestClient) -> None:
    token = f.csrf_from(client, "/")
    client.post("/language", data={"language": "my", "next": "/", "csrf_token": token})


def test_incident_form_offers_every_kayah_township_in_both_scripts(
    client: TestClient, db: Session, settings: Settings
) -> None:
    f.user(
        db,
        organisation=f.organisation(db),
        role=Role.VETTING_OFFICER,
        username="vo.places",
        settings=settings,
    )
    f.login(client, username="vo.places")
    page = client.get("/vetting/incidents").text
    assert re.search(r'id="field-township"[^>]*list="townships"', page, re.DOTALL)
    offered = _datalist(page)
    for township in townships_of("kayah"):
        assert (township.name_en, township.name_my) in offered
    _to_burmese(client)
    offered = _datalist(client.get("/vetting/incidents").text)
    for township in townships_of("kayah"):
        assert (township.name_my, township.name_en) in offered


def test_place_form_keeps_free_text_and_shows_table_names_in_the_readers_language(
    client: TestClient, db: Session, settings: Settings
) -> None:
    f.user(
        db,
        organisation=f.organisation(db),
        role=Role.POW_OFFICER,
        username="pow.places",
        settings=settings,
    )
    f.login(client, username="pow.places")
    page = client.get("/pow/places").text
    assert ("Hpasawng", "ဖားဆောင်း") in _datalist(page)
    token = f.csrf_from(client, "/pow/places")
    for name, township in (
        ("Synthetic camp A", "ဒီးမော့ဆို"),  # chosen in Burmese
        ("Synthetic camp B", "Synthetic hill tract"),  # free text, not in the table
    ):
        response = client.post(
            "/pow/places",
            data={"csrf_token": token, "name": name, "kind": "camp", "township": township},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
    page = client.get("/pow/places").text
    assert 'role="status" id="notice">The place of internment was added.</div>' in page
    table = page.split('id="places-table"')[1].split("</table>")[0]
    assert "<td>Demoso</td>" in table  # the table's English name for an English reader
    assert "<td>Synthetic hill tract</td>" in table  # free text as typed
    _to_burmese(client)
    table = client.get("/pow/places").text.split('id="places-table"')[1].split("</table>")[0]
    assert "<td>ဒီးမော့ဆို</td>" in table
    assert "<td>Synthetic hill tract</td>" in table
