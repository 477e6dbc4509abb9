"""Cards through the services on both engines: the signing key at headquarters only, issue
and replace (one active card per person), verify with the photo check, print (the PDF read
back: names and number present, no unit, rank or word that says what the person was, in
either language), revoke, the signed revocation list, the audit trail without names, and
erasure."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.accounts.sessions import actor_for
from haven.audit.models import AuditEvent
from haven.cards import offline, payload, service, signing
from haven.cards.lifecycle import Reason, Shown
from haven.cards.models import Card
from haven.cards.payload import Verdict
from haven.errors import Conflict, PermissionDenied
from haven.forces.models import Rank
from haven.forces.public import ensure_reference_data
from haven.kernel.sensitivity import bind_actor
from haven.people import erasure
from haven.people import public as people
from haven.reception.models import ReceptionEvent
from haven.security.permissions import Actor, Role
from tests import factories as f
from tests.pow.pdf_glyphs import read

SYSTEM = Actor.system()
NAME_LATIN = "Aung Ko Htwe"
NAME_MY = "ဆော်လာထူး"
UNIT = "LIB 531 တပ်ရင်း"
VALIDITY = 365


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 80), (120, 90, 60)).save(out, format="JPEG")
    return out.getvalue()


def test_issue_verify_print_revoke_and_erase(  # noqa: PLR0915 - one story
    db: Session, tmp_path: Path
) -> None:
    army = ensure_reference_data(db)
    captain = db.scalars(
        select(Rank).where(Rank.force_id == army.id, Rank.name_en == "Captain")
    ).one()
    # The organisation's name says what its people were: the card says "Haven" instead.
    org = f.organisation(db, name="Karenni Defection Committee")
    site = f.site(db, organisation=org)
    registrar = actor_for(f.registrar(db, organisation=org, site=site))
    manager = actor_for(f.user(db, organisation=org, role=Role.MANAGER))
    received = f.receive(
        db,
        SYSTEM,
        site_id=str(site.id),
        name_latin=NAME_LATIN,
        name_my=NAME_MY,
        prefix="Bo",
        origin_unit=UNIT,
        rank_id=str(captain.id),
    )
    assert isinstance(received, ReceptionEvent)
    person_id = received.person_id
    people.set_photo(db, SYSTEM, person_id, photo())
    bind_actor(db, registrar)

    # No signing key here (a field node): issuing is refused, saying where cards are issued.
    with pytest.raises(signing.NoSigningKey) as refused:
        service.issue(db, registrar, person_id, validity_days=VALIDITY)
    assert refused.value.status == 409
    assert "headquarters" in str(refused.value.message)
    with pytest.raises(PermissionDenied):  # keys are the operator's, at the command line
        signing.create_key(db, registrar)
    signing.create_key(db, SYSTEM)

    first = service.issue(db, registrar, person_id, validity_days=VALIDITY)
    first_text = first.payload.decode()
    found = service.verify(db, registrar, first_text)
    assert found.result.verdict is Verdict.VALID
    assert found.result.fields is not None
    assert found.result.fields.name_my == NAME_MY
    assert found.result.fields.issuer == "Haven"
    assert (found.person_id, found.photo_matches) == (person_id, True)
    assert first.valid_until == service.today() + timedelta(days=VALIDITY)

    # Issuing again replaces: the first card is revoked as replaced, one card is active.
    second = service.issue(db, registrar, person_id, validity_days=VALIDITY)
    assert (first.status, first.revoked_reason) == ("revoked", "replaced")
    assert service.verify(db, registrar, first_text).result.verdict is Verdict.REVOKED
    assert [c.id for c in service.list_cards(db, registrar, shown_as=Shown.ACTIVE)] == [second.id]
    reference = people.person_by_id(db, person_id).reference  # type: ignore[union-attr]
    found_by_reference = service.list_cards(db, registrar, search=reference.lower())
    assert {c.id for c in found_by_reference} == {first.id, second.id}
    assert [c.id for c in service.list_cards(db, registrar, search=second.card_number)] == [
        second.id
    ]

    # The PDF, read back: what the card must say, and nothing that betrays its holder.
    with pytest.raises(PermissionDenied):  # the manager may not see the photo
        service.card_pdf(db, manager, second.id)
    text = read(service.card_pdf(db, registrar, second.id)).text()
    for present in (NAME_LATIN, NAME_MY, second.card_number, "Haven", "သက်သေခံကတ်ပြား"):
        assert present in text, present
    for absent in (
        "Defection",
        "defect",
        "desert",
        "prisoner",
        "Prisoner",
        "Captain",
        captain.name_my,
        "LIB 531",
        "တပ်ရင်း",
        "စစ်သုံ့ပန်း",
        "တပ်ပြေး",
        "တပ်ခွဲ",
        "ဗိုလ်",
        "Bo ",
    ):
        assert absent not in text, absent

    # Revoked: the database and the signed list both say so; a second revocation is refused.
    service.revoke(db, registrar, second.id, Reason.LOST)
    assert service.verify(db, registrar, second.payload.decode()).result.verdict is Verdict.REVOKED
    with pytest.raises(Conflict):
        service.revoke(db, registrar, second.id, Reason.STOLEN)
    listed = payload.read_revocations(service.revocation_list(db, SYSTEM), signing.public_keys(db))
    assert listed[first.card_number] == "replaced"
    assert listed[second.card_number] == "lost"
    # A field node keeps the list in its key folder; an altered file is not trusted at all.
    signed = service.revocation_list(db, SYSTEM)
    with pytest.raises(PermissionDenied):
        offline.keep(db, registrar, tmp_path, signed)
    assert offline.keep(db, SYSTEM, tmp_path, signed) == 2
    assert offline.known(db, tmp_path) == listed
    offline.path_in(tmp_path).write_bytes(signed.replace(b"lost", b"damaged"))
    assert offline.known(db, tmp_path) == {}

    # Expired: an active card past its date shows so in the list and in the check.
    third = service.issue(db, registrar, person_id, validity_days=VALIDITY)
    third.valid_until = service.today() - timedelta(days=1)
    db.flush()
    assert [c.id for c in service.list_cards(db, registrar, shown_as=Shown.EXPIRED)] == [third.id]

    # The trail: each step, and never a name.
    events = db.scalars(
        select(AuditEvent).where(AuditEvent.action.like("card.%")).order_by(AuditEvent.seq)
    ).all()
    actions = [e.action for e in events]
    for action in ("card.issued", "card.revoked", "card.printed", "card.verified"):
        assert action in actions
    trail = json.dumps([e.changes for e in events], ensure_ascii=False)
    assert NAME_LATIN not in trail
    assert NAME_MY not in trail
    assert "HVC1" not in trail

    # Erasure: the active card is revoked, every card's payload (the names) blanked.
    bind_actor(db, SYSTEM)
    erasure.erase_person(db, SYSTEM, person_id, reason="request", ledger=tmp_path / "ledger")
    db.flush()
    rows = db.scalars(select(Card).where(Card.person_id == person_id)).all()
    assert len(rows) == 3
    assert all(c.status == "revoked" and c.payload_ct is None for c in rows)
    assert {c.revoked_reason for c in rows} == {"replaced", "lost", "left_programme"}
