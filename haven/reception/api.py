"""JSON endpoints for receiving people and the weapons they hand over."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from fastapi.responses import Response

from haven.people.public import get_person
from haven.reception import corrections, service, xlsform
from haven.reception.schemas import (
    ChildHandoverIn,
    CorrectionOut,
    ReceptionCorrectionIn,
    ReceptionCreate,
    ReceptionOut,
    WeaponIn,
    WeaponOut,
)
from haven.web.deps import DB, ApiActor

router = APIRouter(prefix="/api", tags=["reception"])


@router.post("/receptions", status_code=201)
def receive(data: ReceptionCreate, session: DB, actor: ApiActor) -> ReceptionOut:
    """Receive a person: minimum identity, classification, unit, rank, site, weapons."""
    return ReceptionOut.model_validate(service.receive(session, actor, data))


# Before `/receptions/{reception_id}`, which would take `xlsform` for an id.
@router.get(
    "/receptions/xlsform",
    response_class=Response,
    responses={
        200: {
            "content": {xlsform.MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            "description": "The XLSForm workbook (sheets survey, choices, settings).",
        }
    },
)
def reception_xlsform(session: DB, actor: ApiActor) -> Response:
    """The reception form as an XLSForm, for KoBoToolbox and ODK.

    Sheets `survey`, `choices` and `settings` with pyxform's columns, labels and hints in
    English and Burmese. Every question is named after a column of the import, so an export of
    its submissions (CSV or XLSX, XML values) is imported by `POST /api/receptions/import` as
    it is. The `version` setting changes whenever a question or a choice does.
    """
    return Response(
        xlsform.reception_xlsform(session, actor),
        media_type=xlsform.MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{xlsform.FILENAME}"'},
    )


@router.get("/receptions/{reception_id}")
def get_reception(reception_id: uuid.UUID, session: DB, actor: ApiActor) -> ReceptionOut:
    """One reception event."""
    return ReceptionOut.model_validate(service.get_event(session, actor, reception_id))


@router.get("/people/{person_id}/receptions")
def receptions_of(person_id: uuid.UUID, session: DB, actor: ApiActor) -> list[ReceptionOut]:
    """Every reception of a person, oldest first."""
    person = get_person(session, actor, person_id)
    return [ReceptionOut.model_validate(e) for e in service.events_of(session, actor, person)]


@router.get("/receptions/{reception_id}/weapons")
def list_weapons(reception_id: uuid.UUID, session: DB, actor: ApiActor) -> list[WeaponOut]:
    """Weapons and equipment handed over at this reception."""
    event = service.get_event(session, actor, reception_id)
    return [WeaponOut.model_validate(w) for w in service.weapons_of(session, actor, event)]


@router.post("/receptions/{reception_id}/weapons", status_code=201)
def add_weapon(reception_id: uuid.UUID, data: WeaponIn, session: DB, actor: ApiActor) -> WeaponOut:
    """Record one more weapon or piece of equipment; it gets its own receipt number."""
    event = service.get_event(session, actor, reception_id)
    [item] = corrections.add_weapons_later(session, actor, event, [data])
    return WeaponOut.model_validate(item)


@router.post("/receptions/{reception_id}/corrections", status_code=201)
def correct_reception(
    reception_id: uuid.UUID, data: ReceptionCorrectionIn, session: DB, actor: ApiActor
) -> CorrectionOut:
    """Correct a reception after the fact: only the fields sent change (sent as null: cleared);
    `reason` is required. Names and year of birth change on the person; rank, unit, position,
    length of service and the date on the reception. Nothing military for a child (422).
    The correction, with old and new values, joins the reception's history."""
    correction = corrections.correct_reception(session, actor, reception_id, data)
    return CorrectionOut.model_validate(correction)


@router.get("/receptions/{reception_id}/corrections")
def list_corrections(reception_id: uuid.UUID, session: DB, actor: ApiActor) -> list[CorrectionOut]:
    """The corrections of a reception, newest first (values masked above the reader's
    clearance)."""
    found = corrections.corrections_of_event(session, actor, reception_id)
    return [CorrectionOut.model_validate(c) for c in found]


@router.post("/receptions/{reception_id}/handover")
def record_child_handover(
    reception_id: uuid.UUID, data: ChildHandoverIn, session: DB, actor: ApiActor
) -> ReceptionOut:
    """Record that a child was handed over to child protection (once; 409 for an adult's
    reception or a second time). `handed_over_at` without an offset is in the programme's
    time zone; without it, now."""
    event = corrections.record_child_handover(session, actor, reception_id, data)
    return ReceptionOut.model_validate(event)
