"""Cards through the JSON API and the pages (the real app): issue, list and find, print,
verify by text and by image, revoke, the public key and the signed list; scope (another
organisation's card is 404, the registrar's other site too); refused input writes nothing."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from haven.cards import payload, qr, signing
from haven.cards.models import Card
from haven.config import Settings
from haven.kernel.sensitivity import bind_actor
from haven.reception.models import ReceptionEvent
from haven.security.permissions import Actor, Role
from tests import factories as f

SYSTEM = Actor.system()


def _text(db: Session, card_id: str) -> str:
    """The QR text of a card, as printed on it."""
    bind_actor(db, SYSTEM)
    card = db.get(Card, uuid.UUID(card_id))
    assert card is not None
    return card.payload.decode()


def test_cards_api_and_pages(  # noqa: PLR0915 - one story
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    org = f.organisation(db, name="Council (cards)")
    site, other_site = f.site(db, organisation=org), f.site(db, organisation=org)
    stranger_org = f.organisation(db, name="Stranger (cards)")

    def token(organisation: object, role: Role, at: object = None) -> dict[str, str]:
        user = f.user(db, organisation=organisation, role=role, site=at, settings=fast_settings)  # type: ignore[arg-type]
        return f.bearer(f.api_token(db, user=user))

    worker = token(org, Role.CASE_WORKER)
    elsewhere = token(org, Role.REGISTRAR, other_site)
    stranger = token(stranger_org, Role.CASE_WORKER)
    vetting = token(org, Role.VETTING_OFFICER)
    f.user(db, organisation=org, role=Role.CASE_WORKER, settings=fast_settings, username="cw.cards")
    received = f.receive(db, SYSTEM, site_id=str(site.id), name_latin="Nyi Nyi Lwin")
    assert isinstance(received, ReceptionEvent)
    person = str(received.person_id)

    # No signing key: 409 with the reason, nothing written.
    refused = client.post("/api/cards", json={"person_id": person}, headers=worker)
    assert refused.status_code == 409
    assert refused.json()["error"] == "no_card_signing_key"
    assert db.scalar(select(func.count()).select_from(Card)) == 0
    signing.create_key(db, SYSTEM)

    bad = client.post(
        "/api/cards", json={"person_id": person, "valid_until": "2000-01-01"}, headers=worker
    )
    assert bad.status_code == 422
    assert "valid_until" in bad.json()["fields"]
    issued = client.post("/api/cards", json={"person_id": person}, headers=worker)
    assert issued.status_code == 201, issued.text
    card = issued.json()
    assert card["shown"] == "active"
    assert "name" not in str(card).lower()
    assert client.get(f"/api/cards/{card['id']}", headers=stranger).status_code == 404
    assert client.get(f"/api/cards/{card['id']}", headers=elsewhere).status_code == 404
    assert client.get(f"/api/cards/{card['id']}", headers=vetting).status_code == 403
    listed = client.get(
        "/api/cards", params={"status": "active", "q": card["card_number"]}, headers=worker
    )
    assert [c["id"] for c in listed.json()] == [card["id"]]
    assert (
        client.get("/api/cards", params={"person_id": person}, headers=worker).json()[0]["id"]
        == card["id"]
    )
    pdf = client.get(f"/api/cards/{card['id']}/pdf", headers=worker)
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")

    # Verify: the text, and a photo of the code; anyone at a checkpoint may.
    text = _text(db, card["id"])
    answer = client.post("/api/cards/verify", json={"payload": text}, headers=vetting).json()
    assert answer["verdict"] == "valid"
    assert answer["fields"]["name_latin"] == "Nyi Nyi Lwin"
    assert answer["person_id"] is None  # the vetting officer may not see the photo
    image = client.post(
        "/api/cards/verify/image",
        files={"image": ("card.png", qr.png(text), "image/png")},
        headers=worker,
    ).json()
    assert (image["verdict"], image["photo_matches"]) == ("valid", True)
    blank = client.post(
        "/api/cards/verify/image",
        files={"image": ("x.png", b"not an image", "image/png")},
        headers=worker,
    )
    assert blank.status_code == 422
    altered = client.post("/api/cards/verify", json={"payload": text[:-4] + "0000"}, headers=worker)
    assert altered.json()["verdict"] == "altered"

    # Revoke: a reason is required; then revoked everywhere; twice is 409.
    assert (
        client.post(
            f"/api/cards/{card['id']}/revoke", json={"reason": "x"}, headers=worker
        ).status_code
        == 422
    )
    revoked = client.post(
        f"/api/cards/{card['id']}/revoke", json={"reason": "seized"}, headers=worker
    )
    assert revoked.json()["shown"] == "revoked"
    assert (
        client.post(
            f"/api/cards/{card['id']}/revoke", json={"reason": "lost"}, headers=worker
        ).status_code
        == 409
    )
    again = client.post("/api/cards/verify", json={"payload": text}, headers=worker).json()
    assert (again["verdict"], again["reason"]) == ("revoked", "seized")
    keys = signing.public_keys(db)
    listed_revoked = payload.read_revocations(
        client.get("/api/cards/revocations", headers=worker).content, keys
    )
    assert listed_revoked == {card["card_number"]: "seized"}
    key_file = client.get("/api/cards/public-key", headers=vetting).content
    assert payload.read_public_key_file(key_file)[0] in keys

    # The pages: the person's panel, issue, the list, verify by upload, revoke.
    f.login(client, username="cw.cards")
    # The camera's decoder is served from node_modules, under the CSP's 'self'.
    assert client.get("/static/vendor/jsqr/jsQR.js").status_code == 200
    person_page = client.get(f"/people/{person}")
    assert 'id="card-issue"' in person_page.text
    assert card["card_number"] in person_page.text
    csrf = f.csrf_from(client, f"/people/{person}")
    made = client.post(
        "/cards/issue", data={"csrf_token": csrf, "person_id": person}, follow_redirects=False
    )
    assert made.status_code == 303
    new = db.scalars(select(Card).where(Card.status == "active")).one()
    listing = client.get("/cards", params={"status": "active"})
    assert new.card_number in listing.text
    assert card["card_number"] not in listing.text
    empty = client.post("/cards/verify", data={"csrf_token": csrf})
    assert empty.status_code == 422
    assert 'href="#field-payload"' in empty.text
    checked = client.post(
        "/cards/verify",
        data={"csrf_token": csrf},
        files={"image": ("card.png", qr.png(_text(db, str(new.id))), "image/png")},
    )
    assert 'data-verdict="valid"' in checked.text
    assert "Nyi Nyi Lwin" in checked.text
    no_reason = client.post(f"/cards/{new.id}/revoke", data={"csrf_token": csrf, "reason": ""})
    assert no_reason.status_code == 422
    assert new.status == "active"
    gone = client.post(
        f"/cards/{new.id}/revoke",
        data={"csrf_token": csrf, "reason": "lost"},
        follow_redirects=False,
    )
    assert gone.status_code == 303
    db.refresh(new)
    assert (new.status, new.revoked_reason) == ("revoked", "lost")
