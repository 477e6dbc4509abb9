"""Ranks written as people write them: Burmese short forms and abbreviations, romanisations,
English abbreviations, across case and spacing; each names one rank of its force's table, and
anything a table does not list names none (never a guess). Table-driven, against the seeded
tables (through the service and the API)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven.config import Settings
from haven.errors import Conflict
from haven.forces import repository, service
from haven.forces.ranktext import rank_key
from haven.forces.reference import (
    BORDER_GUARD_FORCE,
    MYANMAR_ARMY,
    MYANMAR_POLICE,
    NO_BURMESE_NAME,
    PEOPLES_MILITIA,
    REFERENCE_FORCES,
)
from haven.security.permissions import Actor, Role
from tests import factories as f

SYSTEM = Actor.system()

ARMY = [
    # Burmese: the full names, short forms (ဒု for ဒုတိယ) and abbreviations
    ("ဗိုလ်ကြီး", "Captain"),
    ("ဒုတိယ ဗိုလ်မှူးကြီး", "Lieutenant Colonel"),
    ("ဒုဗိုလ်မှူးကြီး", "Lieutenant Colonel"),
    ("ဒုဗိုလ်", "Second Lieutenant"),
    ("ဒုဗိုလ်ချုပ်ကြီး", "Lieutenant General"),
    ("ဒုဗိုလ်ချုပ်မှူးကြီး", "Vice-Senior General"),
    ("ဗိုလ်ချုပ်မှူးကြီး", "Senior General"),
    ("ဗမက", "Colonel"),
    ("ဒုဗမက", "Lieutenant Colonel"),
    ("ဗမ", "Major"),
    ("ဗက", "Captain"),
    ("ဒုဗ", "Second Lieutenant"),
    ("ဗခ", "Major General"),
    ("ဗမခ", "Brigadier General"),
    ("ဗခက", "General"),
    ("ဒုဗခက", "Lieutenant General"),
    ("တပ်ကြပ်ကြီး", "Sergeant"),
    ("ဒု တပ်ကြပ်", "Lance Corporal"),
    ("တပ်သား", "Private"),
    # romanisations, in their usual spellings
    ("Bo Gyi", "Captain"),
    ("bogyi", "Captain"),
    ("Bo Kyi", "Captain"),
    ("Bo Hmu", "Major"),
    ("Bo Hmu Gyi", "Colonel"),
    ("BO HMU KYI", "Colonel"),
    ("Du Bo Hmu Gyi", "Lieutenant Colonel"),
    ("Dutiya Bo Hmu Gyi", "Lieutenant Colonel"),
    ("Bo Hmu Chok", "Brigadier General"),
    ("Bogyoke", "Major General"),
    ("Bo", "Lieutenant"),
    ("Du Bo", "Second Lieutenant"),
    ("Tat Kyat Gyi", "Sergeant"),
    ("Tat Thar", "Private"),
    # English names and abbreviations
    ("  captain ", "Captain"),
    ("CAPTAIN", "Captain"),
    ("Lt.", "Lieutenant"),
    ("Capt.", "Captain"),
    ("Maj.", "Major"),
    ("Lt Col", "Lieutenant Colonel"),
    ("Lt. Col.", "Lieutenant Colonel"),
    ("LT-COL", "Lieutenant Colonel"),
    ("lieutenant-colonel", "Lieutenant Colonel"),
    ("Col.", "Colonel"),
    ("Brig Gen", "Brigadier General"),
    ("Maj-Gen", "Major General"),
    ("Lt Gen", "Lieutenant General"),
    ("Gen.", "General"),
    ("Sr Gen", "Senior General"),
    ("Deputy Senior General", "Vice-Senior General"),
    ("Vice Senior General", "Vice-Senior General"),
    ("2nd Lt", "Second Lieutenant"),
    ("2/Lt", "Second Lieutenant"),
    ("2Lt", "Second Lieutenant"),
    ("WO1", "Warrant Officer I"),
    ("WO II", "Warrant Officer II"),
    ("S/Sgt", "Staff Sergeant"),
    ("Sgt", "Sergeant"),
    ("Cpl", "Corporal"),
    ("L/Cpl", "Lance Corporal"),
    ("Lance Cpl", "Lance Corporal"),
    ("Pte", "Private"),
    ("PVT.", "Private"),
]

OTHER_FORCES = [
    (MYANMAR_POLICE, "ဒုရဲအုပ်", "Police Lieutenant"),
    (MYANMAR_POLICE, "ရဲအုပ်", "Police Captain"),
    (MYANMAR_POLICE, "ရဲဒုဗိုလ်ချုပ်ကြီး", "Police Lieutenant General"),
    (MYANMAR_POLICE, "ဒုရဲမှူးကြီး", "Police Lieutenant Colonel"),
    (MYANMAR_POLICE, "Pol. Capt.", "Police Captain"),
    (MYANMAR_POLICE, "Police Inspector", "Police Captain"),
    (MYANMAR_POLICE, "Sub-Inspector", "Police Lieutenant"),
    (MYANMAR_POLICE, "Capt", "Police Captain"),  # in a police roll, Capt is the police's
    (MYANMAR_POLICE, "Ye Hmu Gyi", "Police Colonel"),
    (MYANMAR_POLICE, "Police Constable", "Police Private"),
    (PEOPLES_MILITIA, "ဒုတပ်မှူး", "Deputy militia commander"),
    (PEOPLES_MILITIA, "Commander", "Militia commander"),
    (PEOPLES_MILITIA, "ပျူစောထီးအဖွဲ့ဝင်", "Militia member"),
    (BORDER_GUARD_FORCE, "Bo Hmu", "Major"),
    (BORDER_GUARD_FORCE, "ဒုဗိုလ်မှူးကြီး", "Lieutenant Colonel"),
    (BORDER_GUARD_FORCE, "Sgt", "Sergeant"),
]

UNKNOWN = ["Field Marshal", "Bo Lay", "ဗိုလ်ချုပ်မှူး", "Colonel General", "Gyi", "ဒု", "Hmu", "—"]


def _forces(db: Session) -> dict[str, object]:
    service.ensure_reference_data(db)
    return {t.name: repository.force_by_name(db, t.name) for t in REFERENCE_FORCES}


@pytest.mark.parametrize(("written", "rank"), ARMY)
def test_army_ranks_are_found_however_written(db: Session, written: str, rank: str) -> None:
    army = service.ensure_reference_data(db)
    found = service.find_rank(db, SYSTEM, army.id, written)
    assert found is not None, written
    assert found.name_en == rank


@pytest.mark.parametrize(("force", "written", "rank"), OTHER_FORCES)
def test_police_militia_and_bgf_ranks_are_found_in_their_own_table(
    db: Session, force: str, written: str, rank: str
) -> None:
    table = _forces(db)[force]
    found = service.find_rank(db, SYSTEM, table.id, written)  # type: ignore[attr-defined]
    assert found is not None, written
    assert (found.name_en, found.force_id) == (rank, table.id)  # type: ignore[attr-defined]


@pytest.mark.parametrize("written", UNKNOWN)
def test_what_no_table_lists_names_no_rank(db: Session, written: str) -> None:
    army = service.ensure_reference_data(db)
    assert service.find_rank(db, SYSTEM, army.id, written) is None


def test_a_key_ignores_case_spacing_punctuation_and_spelling() -> None:
    assert rank_key("Lt. Col.") == rank_key("lieutenant colonel") == rank_key("LTCOL")
    assert rank_key("Bo Hmu Gyi") == rank_key("boh hmu kyi") == rank_key("Bo-Hmu-Gyi")
    assert rank_key("ဒုတိယဗိုလ်မှူးကြီး") == rank_key("ဒု ဗိုလ်မှူးကြီး")
    assert rank_key("Colonel") != rank_key("Lieutenant Colonel")
    assert rank_key(" - ") == ""


@pytest.mark.parametrize("table", REFERENCE_FORCES, ids=lambda t: t.name)
def test_every_way_of_writing_a_table_names_one_rank(table: object) -> None:
    owner: dict[str, str] = {}
    for row in table.ranks:  # type: ignore[attr-defined]
        for written in (row.name_en, row.name_my, *row.aliases):
            if not written:
                continue
            key = rank_key(written)
            assert key, written
            assert owner.setdefault(key, row.name_en) == row.name_en, (written, owner[key])


def test_the_lookup_api_finds_a_short_form_and_404s_the_unknown(
    db: Session, client: TestClient, fast_settings: Settings
) -> None:
    user = f.user(db, organisation=f.organisation(db), role=Role.CASE_WORKER)
    headers = f.bearer(f.api_token(db, user=user))
    police = _forces(db)[MYANMAR_POLICE]
    found = client.get("/api/ranks/lookup", params={"text": "ဒုဗိုလ်မှူးကြီး"}, headers=headers)
    assert found.status_code == 200, found.text
    assert found.json()["name_en"] == "Lieutenant Colonel"
    assert "ဒုဗမက" in found.json()["aliases"]
    in_police = client.get(
        "/api/ranks/lookup",
        params={"text": "Sub Inspector", "force_id": str(police.id)},  # type: ignore[attr-defined]
        headers=headers,
    )
    assert in_police.json()["name_en"] == "Police Lieutenant"
    missing = client.get("/api/ranks/lookup", params={"text": "Bo Lay"}, headers=headers)
    assert missing.status_code == 404
    assert missing.json()["detail"]


def test_administrators_add_other_forms_and_an_ambiguous_one_is_refused(
    db: Session, client: TestClient
) -> None:
    admin = f.user(db, organisation=f.organisation(db), role=Role.ADMINISTRATOR)
    headers = f.bearer(f.api_token(db, user=admin))
    army = service.ensure_reference_data(db)
    ranks = {r.name_en: r for r in repository.ranks_of(db, army.id)}
    wo1 = ranks["Warrant Officer I"]
    listed = client.get(f"/api/forces/{army.id}/ranks", headers=headers).json()
    before = next(r["aliases"] for r in listed if r["name_en"] == "Warrant Officer I")
    assert "WO1" in before
    added = client.patch(
        f"/api/ranks/{wo1.id}",
        json={"name_my": wo1.name_my, "verified": False, "aliases": [*before, "Bo Lay Gyi"]},
        headers=headers,
    )
    assert added.status_code == 200, added.text
    assert "Bo Lay Gyi" in added.json()["aliases"]
    assert service.find_rank(db, SYSTEM, army.id, "bo lay gyi").id == wo1.id  # type: ignore[union-attr]
    clash = client.patch(
        f"/api/ranks/{wo1.id}",
        json={"name_my": wo1.name_my, "verified": False, "aliases": ["Bo Gyi"]},
        headers=headers,
    )
    assert clash.status_code == 409
    assert "Captain" in clash.json()["fields"]["aliases"]
    assert service.find_rank(db, SYSTEM, army.id, "Bo Gyi").name_en == "Captain"  # type: ignore[union-attr]
    # A Burmese name another rank already has is refused too.
    with pytest.raises(Conflict):
        service.update_rank(
            db, SYSTEM, ranks["Staff Sergeant"].id, name_my="တပ်ကြပ်ကြီး", verified=False
        )


def test_staff_sergeant_has_no_burmese_name_and_says_why(
    db: Session, client: TestClient, fast_settings: Settings
) -> None:
    army = service.ensure_reference_data(db)
    staff = next(r for r in repository.ranks_of(db, army.id) if r.name_en == "Staff Sergeant")
    assert (staff.name_my, staff.verified) == (None, False)
    assert "Staff Sergeant" in NO_BURMESE_NAME
    f.user(db, organisation=f.organisation(db), username="ranks.reader", settings=fast_settings)
    f.login(client, username="ranks.reader")
    page = client.get(f"/forces/{army.id}")
    assert page.status_code == 200
    assert "Saya Gyi" in page.text  # the reason, on the force's page
    assert "ဗမက" in page.text  # the other forms are listed


def test_every_other_rank_of_the_tables_has_a_burmese_name_flagged_as_checked_or_not(
    db: Session,
) -> None:
    forces = _forces(db)
    for table in REFERENCE_FORCES:
        force = forces[table.name]
        ranks = repository.ranks_of(db, force.id)  # type: ignore[attr-defined]
        assert [r.name_en for r in ranks] == [row.name_en for row in table.ranks]
        for rank in ranks:
            assert rank.name_my or rank.name_en in NO_BURMESE_NAME, (table.name, rank.name_en)
            if table.name != MYANMAR_ARMY:
                assert not rank.verified  # no published source checked for these tables
    army = repository.ranks_of(db, forces[MYANMAR_ARMY].id)  # type: ignore[attr-defined]
    assert all(r.verified for r in army if r.seniority <= 12)  # officers: published
    assert not any(r.verified for r in army if r.seniority > 12)
