"""JSON endpoints of the cards domain: issue, list, print, revoke, verify; the public key and
the signed revocation list for checkpoints."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, UploadFile

from haven.cards import offline, qr, service, signing
from haven.cards.lifecycle import Shown
from haven.cards.models import Card
from haven.cards.schemas import CardOut, IssueIn, RevokeIn, SignedFields, VerdictOut, VerifyIn
from haven.errors import ValidationFailed
from haven.i18n import N_
from haven.web import openapi
from haven.web.deps import DB, ApiActor, SettingsDep

router = APIRouter(prefix="/api/cards", tags=["cards"])
PDF = "application/pdf"
MAX_IMAGE_BYTES = 10 * 1024 * 1024
NO_CODE = N_("No QR code was found in the image. Take the photo again, closer and in focus.")


def card_out(card: Card) -> CardOut:
    return CardOut(
        id=card.id,
        person_id=card.person_id,
        card_number=card.card_number,
        key_id=card.key_id,
        status=card.status,
        shown=service.shown(card).value,
        issued_on=card.issued_on,
        valid_until=card.valid_until,
        issued_at=card.issued_at,
        revoked_at=card.revoked_at,
        revoked_reason=card.revoked_reason,
    )


def verdict_out(found: service.Verification) -> VerdictOut:
    result = found.result
    return VerdictOut(
        verdict=result.verdict.value,
        label=result.verdict.label,
        valid=result.verdict.value == "valid",
        fields=SignedFields(**result.fields.as_dict()) if result.fields else None,
        reason=result.reason,
        person_id=found.person_id,
        photo_matches=found.photo_matches,
    )


@router.get("")
def list_cards(
    session: DB,
    actor: ApiActor,
    status: Shown | None = None,
    q: str | None = None,
    person_id: uuid.UUID | None = None,
) -> list[CardOut]:
    """Cards issued, newest first (at most 200): by what they show today (active, expired,
    revoked), for a person's reference number or a card number (`q`), or for one person."""
    if person_id is not None:
        return [card_out(c) for c in service.cards_of_person(session, actor, person_id)]
    found = service.list_cards(session, actor, shown_as=status, search=q)
    return [card_out(c) for c in found]


@router.post("", status_code=201)
def issue_card(data: IssueIn, session: DB, actor: ApiActor, settings: SettingsDep) -> CardOut:
    """Issue a card to a person, signed with the programme's key (headquarters only: a field
    node answers 409 `no_card_signing_key`). A card the person held is revoked as replaced."""
    card = service.issue(
        session,
        actor,
        data.person_id,
        validity_days=settings.card_validity_days,
        valid_until=data.valid_until,
    )
    return card_out(card)


@router.get(
    "/public-key",
    response_class=Response,
    responses=openapi.raw_json("The public key file (JSON: key id, algorithm, key)."),
)
def public_key(session: DB, actor: ApiActor) -> Response:
    """The signing key's public half, for a checkpoint's `haven card verify --public-key`."""
    service.require_verify(actor)
    return Response(signing.public_key_file(session), media_type="application/json")


@router.get(
    "/revocations",
    response_class=Response,
    responses=openapi.raw_json("The signed revocation list (JSON)."),
)
def revocations(session: DB, actor: ApiActor) -> Response:
    """The signed list of the organisation's revoked cards, for `--revocations` at a
    checkpoint without the database."""
    return Response(service.revocation_list(session, actor), media_type="application/json")


@router.post("/verify")
def verify(data: VerifyIn, session: DB, actor: ApiActor, settings: SettingsDep) -> VerdictOut:
    """Verify a QR code's text with the keys and revocations known here: valid, altered,
    revoked, expired, unknown key or unreadable, with the signed fields when the signature
    holds."""
    revoked = offline.known(session, settings.key_dir)
    return verdict_out(service.verify(session, actor, data.payload, revoked=revoked))


@router.post("/verify/image")
def verify_image(
    image: UploadFile, session: DB, actor: ApiActor, settings: SettingsDep
) -> VerdictOut:
    """Verify the QR code in a photo or scan of a card (PNG or JPEG)."""
    service.require_verify(actor)
    text = qr.decode_image(image.file.read(MAX_IMAGE_BYTES + 1)[:MAX_IMAGE_BYTES])
    if text is None:
        raise ValidationFailed(fields={"image": NO_CODE})
    revoked = offline.known(session, settings.key_dir)
    return verdict_out(service.verify(session, actor, text, revoked=revoked))


@router.get("/{id_card_id}")
def get_card(id_card_id: uuid.UUID, session: DB, actor: ApiActor) -> CardOut:
    """One card (never the names: they are on the person's record)."""
    return card_out(service.get_card(session, actor, id_card_id))


@router.get(
    "/{id_card_id}/pdf",
    response_class=Response,
    responses=openapi.binary(PDF, "The card to print (PDF)."),
)
def card_pdf(id_card_id: uuid.UUID, session: DB, actor: ApiActor) -> Response:
    """The card to print, front and back (needs the clearance to see the photo; audited)."""
    return Response(service.card_pdf(session, actor, id_card_id), media_type=PDF)


@router.post("/{id_card_id}/revoke")
def revoke_card(id_card_id: uuid.UUID, data: RevokeIn, session: DB, actor: ApiActor) -> CardOut:
    """Revoke a card: lost, stolen, seized, damaged, replaced or left the programme. A
    revoked card stays revoked (409 on a second revocation)."""
    return card_out(service.revoke(session, actor, id_card_id, data.reason))
