"""The people list and search (issue 20, finding 1): the search crosses scripts and spellings
through the duplicate check's phonetic keys, ranks whole names first, and pages; the list is
not empty before a search and shows each person's unit, date and classification."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven.accounts.models import Organisation, Site
from haven.config import Settings
from haven.people import public as people_public
from haven.people import repository as people_repository
from haven.security.permissions import Role
from tests import factories as f

# Zawgyi encodings (ICU's my-Zawgyi) of ဦးအောင်ကျော်ထွန်း and ဇော်မင်းထက်.
AUNG_KYAW_HTUN_ZAWGYI = (
    "\u1026\u1038\u1031\u1021\u102c\u1004\u1039\u1031\u1000\u103a\u102c\u1039"
    "\u1011\u103c\u1014\u1039\u1038"
)
ZAW_MIN_HTET_ZAWGYI = "\u1031\u1007\u102c\u1039\u1019\u1004\u1039\u1038\u1011\u1000\u1039"
PERSON_LINK = re.compile(r'href="/people/([0-9a-f-]{36})"')


@dataclass
class World:
    org: Organisation
    site: Site
    registrar: dict[str, str]


@pytest.fixture
def world(db: Session, fast_settings: Settings) -> World:
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    user = f.user(
        db,
        settings=fast_settings,
        organisation=org,
        role=Role.REGISTRAR,
        site=site,
        username="search.desk",
    )
    return World(org, site, f.bearer(f.api_token(db, user=user)))


def _receive(client: TestClient, world: World, **fields: object) -> str:
    body = {"classification": "defector", **fields}
    response = client.post("/api/receptions", json=body, headers=world.registrar)
    assert response.status_code == 201, response.text
    return str(response.json()["person_id"])


def _found(client: TestClient, world: World, query: str, **extra: object) -> list[str]:
    response = client.post(
        "/api/people/search", json={"q": query, **extra}, headers=world.registrar
    )
    assert response.status_code == 200, response.text
    return [p["id"] for p in response.json()]


def test_search_crosses_scripts_and_spellings(client: TestClient, world: World) -> None:
    burmese_only = _receive(client, world, name_my="ဦးအောင်ကျော်ထွန်း")
    latin_only = _receive(client, world, name_latin="Zaw Min Htet")
    unrelated = _receive(client, world, name_latin="Thein Zaw", name_my="သိန်းဇော်")
    partial = _receive(client, world, name_latin="Kyaw Htun Aung")  # the same syllables, moved

    # A Latin spelling, its variants and the run-together form find the Burmese-only person,
    # whole-name matches first.
    for query in (
        "Aung Kyaw Htun",
        "aung kyaw tun",
        "Aung Kyaw Thun",
        "Aung Kyau Htun",
        "U Aung Kyaw Htoon",
        "AungKyawHtun",
        AUNG_KYAW_HTUN_ZAWGYI,
    ):
        found = _found(client, world, query)
        assert found[:1] == [burmese_only], query
        assert unrelated not in found, query
        assert latin_only not in found, query
    # Burmese script (Unicode or Zawgyi, with or without honorific) and Latin variants find
    # the Latin-only person.
    for query in ("ဇော်မင်းထက်", "ကိုဇော်မင်းထက်", ZAW_MIN_HTET_ZAWGYI, "Zaw Minn Htet", "zaw min htet"):
        found = _found(client, world, query)
        assert found == [latin_only], query
    # Part of a name, as whole syllables in a row, in either script: the whole name first.
    kyaw_htun = _found(client, world, "ကျော်ထွန်း")
    assert set(kyaw_htun) == {burmese_only, partial}
    assert unrelated not in _found(client, world, "Kyaw Htun")
    # A syllable later in a name is keyed voiceless (Thein Zaw is "tein saw"): still found.
    assert {latin_only, unrelated} <= set(_found(client, world, "Zaw"))
    # Paging and the total in the headers.
    response = client.post(
        "/api/people/search",
        json={"q": "Kyaw Tun", "per_page": 1, "page": 2, "sort": "newest"},
        headers=world.registrar,
    )
    assert response.headers["X-Total-Count"] == "2"
    assert response.headers["X-Page-Count"] == "2"
    assert [p["id"] for p in response.json()] == [burmese_only]


def test_the_list_pages_filters_and_shows_the_reception(
    client: TestClient, db: Session, world: World, fast_settings: Settings
) -> None:
    first = _receive(client, world, name_latin="Hla Min", origin_unit="LIB 531")
    others = [
        _receive(
            client,
            world,
            name_latin=f"Soe Win {n}",
            classification="surrendered",
            received_on="2026-03-0" + str(n + 1),
        )
        for n in range(3)
    ]
    f.login(client, username="search.desk")
    page = client.get("/people?per_page=2")
    assert page.status_code == 200
    assert PERSON_LINK.findall(page.text) == [others[2], others[1]]  # newest first, 2 a page
    assert "Showing 1–2 of 4" in page.text
    assert 'href="/people?per_page=2&amp;page=2"' in page.text
    last = client.get("/people?per_page=2&page=2&sort=oldest")
    assert PERSON_LINK.findall(last.text) == [others[1], others[2]]
    by_unit = client.get("/people?unit=LIB+531")
    assert PERSON_LINK.findall(by_unit.text) == [first]
    assert "LIB 531" in by_unit.text  # the unit, the date received and the classification
    surrendered = client.get("/people?classification=surrendered&received_from=2026-03-02")
    assert set(PERSON_LINK.findall(surrendered.text)) == set(others[1:])
    assert "Surrendered" in surrendered.text
    # Whatever is sent, a page answers: the last page for one beyond the end, field errors.
    for sent in ("page=99", "page=-1", "sort=x", "received_from=junk", "unit=%25%25", "site=1"):
        response = client.get(f"/people?{sent}")
        assert response.status_code == 200, sent
        assert PERSON_LINK.findall(response.text), sent
    wrong = client.get("/people?received_from=2026-05-01&received_to=2026-01-01")
    assert "must not be after" in wrong.text
    # A search posts (no name in a URL) and pages with the form's buttons.
    token = f.csrf_from(client, "/people")
    found = client.post("/people", data={"csrf_token": token, "q": "စိုးဝင်း", "per_page": "2"})
    assert found.status_code == 200
    assert len(PERSON_LINK.findall(found.text)) == 2
    assert 'form="people-search" name="page" value="2"' in found.text
    empty = client.post(
        "/people",
        data={"csrf_token": token, "q": "", "unit": "LIB 531"},
        follow_redirects=False,
    )
    assert empty.status_code == 303
    assert empty.headers["location"] == "/people?unit=LIB+531"


@pytest.mark.parametrize("plan", ["gathered", "read newest first"])
def test_a_common_name_is_counted_up_to_a_bound_best_matches_first(
    client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch, plan: str
) -> None:
    """At 100,000 people a common name finds thousands: the count stops at a bound ("more
    than"), the page is the same whichever plan reads it, the best group still first."""
    whole = _receive(client, world, name_latin="Aung Min")
    part_old = _receive(client, world, name_latin="Aung Min Htet")
    part_new = _receive(client, world, name_latin="Kyaw Aung Min")
    by_father = _receive(client, world, name_latin="Tun Tun")
    father = {"father_name": "Aung Min"}
    assert client.patch(f"/api/people/{by_father}", json=father, headers=world.registrar).is_success
    for module in (people_repository, people_public):
        monkeypatch.setattr(module, "COUNT_UP_TO", 2)
    few = 0 if plan == "read newest first" else 1000
    monkeypatch.setattr(people_repository, "_GATHER_UP_TO", few)
    monkeypatch.setattr(people_repository, "_COUNT_GATHER_UP_TO", few)

    assert _found(client, world, "Aung Min") == [whole, part_new, part_old, by_father]
    newest = [by_father, part_new, part_old, whole]
    assert _found(client, world, "Aung Min", sort="newest") == newest
    first = client.post(
        "/api/people/search", json={"q": "Aung Min", "per_page": 2}, headers=world.registrar
    )
    assert [first.headers[h] for h in ("X-Total-Count", "X-Total-Relation", "X-Page-Count")] == [
        "2",
        "gt",
        "2",
    ]
    assert [p["id"] for p in first.json()] == [whole, part_new]
    # A page beyond the bound is counted to its end: the exact total when it is there.
    second = client.post(
        "/api/people/search",
        json={"q": "Aung Min", "per_page": 2, "page": 2},
        headers=world.registrar,
    )
    assert [second.headers[h] for h in ("X-Total-Count", "X-Total-Relation")] == ["4", "eq"]
    assert [p["id"] for p in second.json()] == [part_old, by_father]
    assert _found(client, world, "Tun Tun") == [by_father]  # a rare name: exact, gathered
    assert _found(client, world, first.json()[0]["reference"])[:1] == [whole]  # an id tier

    f.login(client, username="search.desk")
    token = f.csrf_from(client, "/people")
    page = client.post("/people", data={"csrf_token": token, "q": "Aung Min", "per_page": "2"})
    assert "Showing 1–2 of more than 2" in page.text
    assert 'id="narrow-search"' in page.text
    assert PERSON_LINK.findall(page.text) == [whole, part_new]
    assert 'value="2"' in page.text
    assert 'value="3"' not in page.text  # no last page: it is not known
    client.cookies.set("haven_language", "my")
    burmese = client.post("/people", data={"csrf_token": token, "q": "Aung Min", "per_page": "2"})
    assert 'id="narrow-search"' in burmese.text
    assert "Showing 1–2 of 4" not in burmese.text
