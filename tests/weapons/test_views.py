"""The weapons pages through the real app: a store opened, items taken in (one marked not
received, refused without its reason, nothing written), a stock check with an explained
difference, the forms out of the store, a destruction with its photos, the document and its
images; and the API's answers for the same store."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from haven.config import Settings
from haven.kernel.sensitivity import bind_actor
from haven.reception.models import ReceptionEvent
from haven.security.permissions import Actor, Role
from haven.weapons import repository
from haven.weapons.models import WeaponIntake, WeaponStore
from tests import factories as f
from tests.weapons import support as s

SYSTEM = Actor.system()


def test_weapons_through_the_pages(  # noqa: PLR0915 - one flow through the pages
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    org = f.organisation(db, name="Council (weapons views)")
    site = f.site(db, organisation=org)
    f.registrar(db, organisation=org, site=site, settings=fast_settings, username="keeper.wv")
    f.user(db, organisation=org, role=Role.MANAGER, settings=fast_settings, username="mgr.wv")
    s.receiving_force(db)
    bind_actor(db, SYSTEM)
    event = f.receive(
        db,
        SYSTEM,
        site_id=str(site.id),
        weapons=[
            {"kind": "rifle", "serial_number": "WV-1"},
            {"kind": "pistol", "serial_number": "WV-2"},
            {"kind": "ammunition", "quantity": 120, "calibre": "9x19"},
        ],
    )
    assert isinstance(event, ReceptionEvent)
    items = repository.items_of_reception(db, event.id)
    f.login(client, username="keeper.wv")
    token = f.csrf_from(client, "/weapons")
    assert "WV-1" in client.get("/weapons").text  # waiting for intake

    opened = client.post(
        "/weapons/stores",
        data={"csrf_token": token, "name": "North armoury", "kind": "armoury", "location": "Hut 4"},
        follow_redirects=False,
    )
    assert opened.status_code == 303, opened.text
    store_path = opened.headers["location"]
    store = db.scalar(select(WeaponStore).where(WeaponStore.name == "North armoury"))
    assert store is not None
    assert store.location_ct is not None
    assert b"Hut 4" not in store.location_ct  # encrypted at rest

    intake_path = f"{store_path}/intake"
    page = client.get(intake_path).text
    rows = {m[1]: int(m[0]) for m in re.findall(r'name="item-(\d+)" value="([0-9a-f-]+)"', page)}
    by_kind = {i.kind: rows[str(i.id)] for i in items}
    form = {"csrf_token": token, **{f"item-{n}": item_id for item_id, n in rows.items()}}
    form[f"outcome-{by_kind['rifle']}"] = "received"
    form[f"serviceable-{by_kind['rifle']}"] = "no"
    form[f"outcome-{by_kind['ammunition']}"] = "received"
    form[f"outcome-{by_kind['pistol']}"] = "not_received"
    refused = client.post(intake_path, data=form)
    assert refused.status_code == 422
    assert f'id="error-reason-{by_kind["pistol"]}"' in refused.text
    assert db.scalar(select(func.count()).select_from(WeaponIntake)) == 0
    form[f"reason-{by_kind['pistol']}"] = "Kept by the unit commander"
    taken = client.post(intake_path, data=form, follow_redirects=False)
    assert taken.status_code == 303, taken.text
    store_page = client.get(store_path).text
    assert "WV-1" in store_page
    assert "120" in store_page

    check_path = f"{store_path}/stock-check"
    check = client.get(check_path).text
    keys = dict(re.findall(r'name="key-(\d+)" value="([a-z]+:[^"]+)"', check))
    rounds_row = next(k for k, v in keys.items() if v.startswith("calibre:"))
    rifle_row = next(k for k, v in keys.items() if v.startswith("item:"))
    counts = {
        "csrf_token": token,
        **{f"key-{k}": v for k, v in keys.items()},
        f"counted-{rifle_row}": "1",
        f"counted-{rounds_row}": "100",
        "witness_name": "Sgt. Witness",
        "witness_role": "Guard commander",
    }
    unexplained = client.post(check_path, data=counts)
    assert unexplained.status_code == 422
    assert f'id="error-reason-{rounds_row}"' in unexplained.text
    counts[f"reason-{rounds_row}"] = "Twenty rounds used in training"
    checked = client.post(check_path, data=counts, follow_redirects=False)
    assert checked.status_code == 303, checked.text
    assert repository.calibre_balances(db, store.id) == {"9x19": 100}
    assert client.get(f"{store_path}/transfer").status_code == 200

    # A store holding something stays open; an empty one is closed from its page.
    kept_open = client.post(f"{store_path}/close", data={"csrf_token": token})
    assert kept_open.status_code == 409
    assert "The store is not empty" in kept_open.text
    spare = client.post(
        "/weapons/stores",
        data={"csrf_token": token, "name": "Spare store", "kind": "field", "location": "Hut 5"},
        follow_redirects=False,
    )
    spare_path = spare.headers["location"]
    assert 'id="close-store"' in client.get(spare_path).text
    closed = client.post(f"{spare_path}/close", data={"csrf_token": token}, follow_redirects=False)
    assert closed.status_code == 303, closed.text
    assert 'id="close-store"' not in client.get(spare_path).text
    spare_store = db.scalar(select(WeaponStore).where(WeaponStore.name == "Spare store"))
    assert spare_store is not None
    assert spare_store.status == "closed"

    # The API reads the same store.
    bearer = f.bearer(f.api_token(db, user=f.user(db, organisation=org, role=Role.AUDITOR)))
    balance = client.get(f"/api/weapons/stores/{store.id}/balance", headers=bearer).json()
    assert balance["calibres"] == [{"calibre": "9x19", "rounds": 100}]
    assert [i["serial_number"] for i in balance["items"]] == ["WV-1"]

    client.post("/logout", data={"csrf_token": token})
    f.login(client, username="mgr.wv")
    token = f.csrf_from(client, store_path)
    assert client.get(f"{store_path}/reissue").status_code == 200
    destruction_path = f"{store_path}/destruction"
    assert client.get(destruction_path).status_code == 200
    photo = ("photo.png", s.png(), "image/png")
    destroyed = client.post(
        destruction_path,
        data={
            "csrf_token": token,
            "method": "crushing",
            "place": "Range 3",
            "witness_name-0": "Witness A",
            "witness_role-0": "Observer",
            "witness_name-1": "Witness B",
            "witness_role-1": "Medic",
            "item": str(next(i.id for i in items if i.kind == "rifle")),
            "calibre-0": "9x19",
            "rounds-0": "40",
        },
        files={"photo_before": photo, "photo_after": photo},
        follow_redirects=False,
    )
    assert destroyed.status_code == 303, destroyed.text
    assert repository.item_balances(db, store.id) == {}
    assert repository.calibre_balances(db, store.id) == {"9x19": 60}
    ledger = client.get(store_path).text
    document_path = re.findall(r'href="(/weapons/documents/[0-9a-f-]+)"', ledger)[0]
    document = client.get(document_path)
    assert document.status_code == 200
    assert "Witness B" in document.text
    image = client.get(f"{document_path}/image/after")
    assert image.status_code == 200
    assert image.content[:2] == b"\xff\xd8"
