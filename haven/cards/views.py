"""HTML pages of the cards domain: the cards issued (filter, find by reference or number),
issue / print / revoke from the person page's panel, and the verification page (camera or
uploaded image, or the code's text typed or pasted).

Forms work without JavaScript (the camera needs it; the upload does not): a POST answers with
a redirect (303) on success, or the page with the error beside the field (422).
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from haven.cards import offline, qr, service
from haven.cards.lifecycle import CARD_LABELS, Reason, Shown
from haven.cards.payload import Verdict
from haven.errors import HavenError, NotFound, ValidationFailed
from haven.i18n import N_
from haven.people import public as people
from haven.security.permissions import Actor
from haven.web import notices
from haven.web.deps import DB, Form, HtmlActor, HtmlFormActor, SettingsDep, form_uuid
from haven.web.templating import render

router = APIRouter(include_in_schema=False)

ISSUED = notices.register(N_("The card is issued. Print it and hand it to the person."))
REVOKED = notices.register(N_("The card is revoked."))
MAX_IMAGE_BYTES = 10 * 1024 * 1024
NO_CODE = N_("No QR code was found in the image. Take the photo again, closer and in focus.")
ENTER_CODE = N_("Scan the card, upload a photo of its code, or paste the code's text.")
PICK_REASON = N_("Choose why the card is revoked.")


def _list_context(session: Session, actor: Actor, status: str, q: str) -> dict[str, Any]:
    shown_as = Shown(status) if status in {s.value for s in Shown} else None
    cards = service.list_cards(session, actor, shown_as=shown_as, search=q[:60] or None)
    persons = people.persons_by_id(session, [c.person_id for c in cards])
    on = service.today()
    return {
        "rows": [
            (card, service.shown(card, on).value, persons.get(card.person_id)) for card in cards
        ],
        "status": shown_as.value if shown_as else "",
        "q": q[:60],
        "statuses": list(Shown),
        "labels": CARD_LABELS,
    }


@router.get("/cards", response_class=HTMLResponse)
def cards_page(
    request: Request, session: DB, actor: HtmlActor, status: str = "", q: str = ""
) -> Response:
    """The cards issued, newest first: filter by what they show, find by reference or number."""
    return render(request, "cards/list.html", _list_context(session, actor, status, q))


def _person_page(person_id: uuid.UUID) -> str:
    return f"/people/{person_id}#cards"


@router.post("/cards/issue", response_class=HTMLResponse)
def issue(
    request: Request, session: DB, actor: HtmlFormActor, form: Form, settings: SettingsDep
) -> Response:
    person_id = form_uuid(str(form.get("person_id", "")))
    if person_id is None:
        raise NotFound
    try:
        service.issue(session, actor, person_id, validity_days=settings.card_validity_days)
    except HavenError as error:
        session.rollback()
        return _panel_error(request, session, actor, person_id, error)
    return notices.redirect(_person_page(person_id), ISSUED)


def _panel_error(
    request: Request, session: Session, actor: Actor, person_id: uuid.UUID, error: HavenError
) -> Response:
    """An expected refusal (no signing key here, a revoked card…) on a page of its own that
    leads back to the person."""
    if isinstance(error, NotFound):
        raise error
    return render(
        request,
        "cards/refused.html",
        {"error": error, "person_id": person_id},
        status_code=error.status,
    )


@router.get("/cards/{card_id}/pdf")
def card_pdf(card_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    content = service.card_pdf(session, actor, card_id)
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="card-{card_id}.pdf"'},
    )


@router.post("/cards/{card_id}/revoke", response_class=HTMLResponse)
def revoke(
    request: Request, card_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    card = service.get_card(session, actor, card_id)
    reason = str(form.get("reason", ""))
    try:
        if reason not in {r.value for r in Reason}:
            raise ValidationFailed(fields={"reason": PICK_REASON})
        service.revoke(session, actor, card.id, Reason(reason))
    except HavenError as error:
        session.rollback()
        return _panel_error(request, session, actor, card.person_id, error)
    return notices.redirect(_person_page(card.person_id), REVOKED)


# --- verification ---------------------------------------------------------------------------


def _verify_page(
    request: Request,
    *,
    found: service.Verification | None = None,
    error: ValidationFailed | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "cards/verify.html",
        {
            "found": found,
            "error": error,
            "verdicts": {v.value: v.label for v in Verdict},
            "reasons": CARD_LABELS,
        },
        status_code=status_code,
    )


@router.get("/cards/verify", response_class=HTMLResponse)
def verify_page(request: Request, actor: HtmlActor) -> Response:
    """Check a card: the camera reads its code in the browser (jsQR), or a photo of it is
    uploaded and read here (zxing-cpp), or the code's text is pasted."""
    service.require_verify(actor)
    return _verify_page(request)


@router.post("/cards/verify", response_class=HTMLResponse)
def verify(
    request: Request, session: DB, actor: HtmlFormActor, form: Form, settings: SettingsDep
) -> Response:
    service.require_verify(actor)
    text = str(form.get("payload", "")).strip()[:2000]
    image = form.get("image")
    if not text and isinstance(image, UploadFile) and image.filename:
        decoded = qr.decode_image(image.file.read(MAX_IMAGE_BYTES + 1)[:MAX_IMAGE_BYTES])
        if decoded is None:
            return _verify_page(
                request, error=ValidationFailed(fields={"image": NO_CODE}), status_code=422
            )
        text = decoded
    if not text:
        return _verify_page(
            request, error=ValidationFailed(fields={"payload": ENTER_CODE}), status_code=422
        )
    revoked = offline.known(session, settings.key_dir)  # a field node's list from headquarters
    found = service.verify(session, actor, text, revoked=revoked)
    return _verify_page(request, found=found)
