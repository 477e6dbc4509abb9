"""Forces, rank tables and equivalences through the HTML pages (administrators)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven.config import Settings
from haven.forces import repository
from haven.forces import service as forces
from haven.security.permissions import Actor, Role
from tests import factories as f


def test_administrator_corrects_an_unverified_rank_and_adds_an_equivalence(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    f.user(db, organisation=f.organisation(db), username="ref.admin", settings=fast_settings)
    army = forces.ensure_reference_data(db)
    private = next(r for r in repository.ranks_of(db, army.id) if r.name_en == "Private")
    receiving = forces.create_force(
        db, Actor.system(), name="Receiving (views test)", kind="receiving"
    )
    target = forces.add_rank(
        db, Actor.system(), force_id=receiving.id, seniority=20, name_en="Soldier"
    )
    f.login(client, username="ref.admin")

    page = client.get(f"/forces/{army.id}")
    assert page.status_code == 200
    assert "Unverified" in page.text
    token = f.csrf_from(client, f"/forces/{army.id}")
    response = client.post(
        f"/ranks/{private.id}",
        data={"csrf_token": token, "name_my": "တပ်သား", "verified": "yes"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    shown = client.get(response.headers["location"])
    assert 'role="status" id="notice">The rank was saved.</div>' in shown.text
    db.expire_all()
    assert private.verified

    response = client.post(
        f"/forces/{army.id}/equivalences",
        data={
            "csrf_token": token,
            "receiving_force_id": str(receiving.id),
            "source_rank_id": str(private.id),
            "target_rank_id": str(target.id),
            "effective_from": "2026-01-01",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    shown = client.get(response.headers["location"])
    assert 'id="notice">The rank equivalence was added.</div>' in shown.text
    assert "Soldier" in shown.text

    bad = client.post(
        f"/forces/{army.id}/equivalences",
        data={
            "csrf_token": token,
            "receiving_force_id": str(receiving.id),
            "source_rank_id": str(private.id),
            "target_rank_id": str(target.id),
            "effective_from": "2026-06-01",
        },
    )
    assert bad.status_code == 409
    assert "overlaps" in bad.text


def test_other_roles_see_ranks_but_cannot_edit(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    f.user(
        db,
        organisation=f.organisation(db),
        username="ref.worker",
        role=Role.CASE_WORKER,
        settings=fast_settings,
    )
    army = forces.ensure_reference_data(db)
    private = next(r for r in repository.ranks_of(db, army.id) if r.name_en == "Private")
    f.login(client, username="ref.worker")
    page = client.get(f"/forces/{army.id}")
    assert page.status_code == 200
    assert 'action="/ranks/' not in page.text
    token = f.csrf_from(client, "/")
    response = client.post(
        f"/ranks/{private.id}", data={"csrf_token": token, "name_my": "x", "verified": "yes"}
    )
    assert response.status_code == 403


def test_administrator_edits_the_other_forms_of_a_rank_on_the_force_page(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    f.user(db, organisation=f.organisation(db), username="ref.forms", settings=fast_settings)
    army = forces.ensure_reference_data(db)
    ranks = {r.name_en: r for r in repository.ranks_of(db, army.id)}
    wo2 = ranks["Warrant Officer II"]
    f.login(client, username="ref.forms")
    token = f.csrf_from(client, f"/forces/{army.id}")
    saved = client.post(
        f"/ranks/{wo2.id}",
        data={
            "csrf_token": token,
            "name_my": wo2.name_my,
            "aliases": "WO2, Du Bo Lay, ",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    assert forces.rank_aliases(db, [wo2.id])[wo2.id] == ["WO2", "Du Bo Lay"]
    assert forces.find_rank(db, Actor.system(), army.id, "du bo lay").id == wo2.id  # type: ignore[union-attr]
    page = client.get(f"/forces/{army.id}")
    assert "Du Bo Lay" in page.text
    clash = client.post(
        f"/ranks/{wo2.id}",
        data={"csrf_token": token, "name_my": wo2.name_my, "aliases": "Bo Hmu"},
    )
    assert clash.status_code == 409
    assert "Major" in clash.text
    assert forces.rank_aliases(db, [wo2.id])[wo2.id] == ["WO2", "Du Bo Lay"]
