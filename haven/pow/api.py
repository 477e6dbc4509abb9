"""JSON endpoints of the prisoner-of-war registry.

The signed bureau exports need a fresh login, which an API token never is: they are served by
the HTML pages only (`/pow/notices`).
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from fastapi.responses import Response

from haven.pow import board, bureau, care, ending, service, tracing, voluntariness
from haven.pow.schemas import (
    Art17In,
    Art122In,
    BoardOut,
    CardOut,
    CardSentIn,
    CheckOut,
    CorrespondenceIn,
    CorrespondenceOut,
    DeathIn,
    DeathOut,
    DefectIn,
    EffectIn,
    EffectOut,
    EscapeIn,
    InspectionIn,
    InspectionOut,
    NoticeOut,
    PayRateIn,
    PayRateOut,
    PlaceIn,
    PlaceOut,
    PowCapture,
    PowOut,
    PowRegister,
    ReleaseIn,
    ReleaseOut,
    RiskAssessmentOut,
    TracingIn,
    TracingOut,
    TransferIn,
    TransferOut,
    VisitIn,
    VisitOut,
    VoluntarinessIn,
    WishIn,
)
from haven.reception.public import ReceptionOut
from haven.web import openapi
from haven.web.deps import DB, ApiActor

router = APIRouter(prefix="/api/pow", tags=["pow"])
PDF = "application/pdf"


@router.get("/records")
def list_records(session: DB, actor: ApiActor) -> list[PowOut]:
    """Every POW record of the caller's organisation, newest capture first."""
    return [PowOut.model_validate(r) for r in service.list_records(session, actor)]


@router.post("/records", status_code=201)
def register(data: PowRegister, session: DB, actor: ApiActor) -> PowOut:
    """Open the record of a person received as surrendered or captured."""
    return PowOut.model_validate(service.register(session, actor, data))


@router.post("/captures", status_code=201)
def register_captured(data: PowCapture, session: DB, actor: ApiActor) -> PowOut:
    """Register a person taken prisoner whom no registrar received: reception records them
    (captured or surrendered) and their record is opened, in one transaction."""
    return PowOut.model_validate(service.register_captured(session, actor, data))


@router.get("/records/{pow_id}")
def get_record(pow_id: uuid.UUID, session: DB, actor: ApiActor) -> PowOut:
    """One record with its Art. 17 and Art. 122 items (the read is audited)."""
    return PowOut.model_validate(service.view_record(session, actor, pow_id))


@router.put("/records/{pow_id}/art17")
def update_art17(pow_id: uuid.UUID, data: Art17In, session: DB, actor: ApiActor) -> PowOut:
    """The Art. 17 items as given; refused items are listed in `refused`."""
    return PowOut.model_validate(service.update_art17(session, actor, pow_id, data))


@router.put("/records/{pow_id}/art122")
def update_art122(pow_id: uuid.UUID, data: Art122In, session: DB, actor: ApiActor) -> PowOut:
    """The Art. 122 items in so far as available; refused items are listed in `refused`."""
    return PowOut.model_validate(service.update_art122(session, actor, pow_id, data))


@router.get("/places")
def list_places(session: DB, actor: ApiActor) -> list[PlaceOut]:
    """Places of internment."""
    return [PlaceOut.model_validate(p) for p in service.list_places(session, actor)]


@router.post("/places", status_code=201)
def create_place(data: PlaceIn, session: DB, actor: ApiActor) -> PlaceOut:
    """A new place of internment."""
    return PlaceOut.model_validate(service.create_place(session, actor, data))


@router.get("/records/{pow_id}/transfers")
def list_transfers(pow_id: uuid.UUID, session: DB, actor: ApiActor) -> list[TransferOut]:
    """Transfers of the prisoner, oldest first."""
    return [TransferOut.model_validate(t) for t in service.transfers(session, actor, pow_id)]


@router.post("/records/{pow_id}/transfers", status_code=201)
def transfer(pow_id: uuid.UUID, data: TransferIn, session: DB, actor: ApiActor) -> TransferOut:
    """Transfer the prisoner; a new capture card falls due and a notice is owed."""
    return TransferOut.model_validate(service.transfer(session, actor, pow_id, data))


@router.get("/records/{pow_id}/cards")
def list_cards(pow_id: uuid.UUID, session: DB, actor: ApiActor) -> list[CardOut]:
    """Capture cards owed, sent and superseded."""
    return [CardOut.model_validate(c) for c in service.cards(session, actor, pow_id)]


@router.get(
    "/cards/{card_id}/pdf",
    response_class=Response,
    responses=openapi.binary(PDF, "The capture card (PDF)."),
)
def card_pdf(card_id: uuid.UUID, session: DB, actor: ApiActor) -> Response:
    """The capture card as a PDF in English and Burmese (printing is audited)."""
    content = bureau.capture_card_pdf(session, actor, card_id)
    return Response(content, media_type=PDF)


@router.post("/cards/{card_id}/sent")
def card_sent(card_id: uuid.UUID, data: CardSentIn, session: DB, actor: ApiActor) -> CardOut:
    """Record that the card was sent."""
    return CardOut.model_validate(service.mark_card_sent(session, actor, card_id, data))


@router.get("/records/{pow_id}/inspections")
def list_inspections(pow_id: uuid.UUID, session: DB, actor: ApiActor) -> list[InspectionOut]:
    """Medical inspections, newest first."""
    return [InspectionOut.model_validate(i) for i in care.inspections(session, actor, pow_id)]


@router.post("/records/{pow_id}/inspections", status_code=201)
def inspect(pow_id: uuid.UUID, data: InspectionIn, session: DB, actor: ApiActor) -> InspectionOut:
    """A monthly medical inspection (Art. 31)."""
    return InspectionOut.model_validate(care.record_inspection(session, actor, pow_id, data))


@router.get("/records/{pow_id}/effects")
def list_effects(pow_id: uuid.UUID, session: DB, actor: ApiActor) -> list[EffectOut]:
    """Articles of value taken, each with its receipt."""
    return [EffectOut.model_validate(e) for e in care.effects(session, actor, pow_id)]


@router.post("/records/{pow_id}/effects", status_code=201)
def take_effect(pow_id: uuid.UUID, data: EffectIn, session: DB, actor: ApiActor) -> EffectOut:
    """Take an article of value against a receipt (Art. 18)."""
    return EffectOut.model_validate(care.take_effect(session, actor, pow_id, data))


@router.post("/effects/{effect_id}/return")
def return_effect(effect_id: uuid.UUID, session: DB, actor: ApiActor) -> EffectOut:
    """Record that the article was given back."""
    return EffectOut.model_validate(care.return_effect(session, actor, effect_id))


@router.get("/records/{pow_id}/correspondence")
def list_mail(pow_id: uuid.UUID, session: DB, actor: ApiActor) -> list[CorrespondenceOut]:
    """Letters and cards sent and received (Art. 71)."""
    return [
        CorrespondenceOut.model_validate(c) for c in care.correspondence(session, actor, pow_id)
    ]


@router.post("/records/{pow_id}/correspondence", status_code=201)
def log_mail(
    pow_id: uuid.UUID, data: CorrespondenceIn, session: DB, actor: ApiActor
) -> CorrespondenceOut:
    """Log one letter or card (the content is never stored)."""
    return CorrespondenceOut.model_validate(care.log_correspondence(session, actor, pow_id, data))


@router.get("/visits")
def list_visits(session: DB, actor: ApiActor) -> list[VisitOut]:
    """ICRC visits, newest first."""
    return [VisitOut.model_validate(v) for v in care.visits(session, actor)]


@router.post("/visits", status_code=201)
def record_visit(data: VisitIn, session: DB, actor: ApiActor) -> VisitOut:
    """An ICRC visit: date, delegates, private interviews held (Art. 126)."""
    return VisitOut.model_validate(care.record_visit(session, actor, data))


@router.get("/pay-rates")
def pay_rates(session: DB, actor: ApiActor) -> list[PayRateOut]:
    """Monthly advances of pay by rank category (Art. 60)."""
    return [PayRateOut.model_validate(r) for r in care.pay_rates(session, actor)]


@router.put("/pay-rates/{rate_id}")
def set_pay_rate(rate_id: uuid.UUID, data: PayRateIn, session: DB, actor: ApiActor) -> PayRateOut:
    """Change one category's monthly advance."""
    return PayRateOut.model_validate(care.set_pay_rate(session, actor, rate_id, data))


@router.post("/records/{pow_id}/death", status_code=201)
def record_death(pow_id: uuid.UUID, data: DeathIn, session: DB, actor: ApiActor) -> DeathOut:
    """The death (Art. 120) with the grave's registration."""
    return DeathOut.model_validate(ending.record_death(session, actor, pow_id, data))


@router.get(
    "/deaths/{death_id}/certificate",
    response_class=Response,
    responses=openapi.binary(PDF, "The death certificate (PDF)."),
)
def death_certificate(death_id: uuid.UUID, session: DB, actor: ApiActor) -> Response:
    """The death certificate as a PDF (the read is audited)."""
    death = ending.get_death(session, actor, death_id)
    return Response(bureau.death_certificate_pdf(session, actor, death.pow_id), media_type=PDF)


@router.put("/records/{pow_id}/repatriation-wish")
def set_wish(pow_id: uuid.UUID, data: WishIn, session: DB, actor: ApiActor) -> PowOut:
    """Record whether the person wishes not to be repatriated."""
    return PowOut.model_validate(ending.set_wish(session, actor, pow_id, data))


@router.post("/records/{pow_id}/release", status_code=201)
def release(pow_id: uuid.UUID, data: ReleaseIn, session: DB, actor: ApiActor) -> ReleaseOut:
    """Release or repatriate (never repatriation against the recorded wish)."""
    return ReleaseOut.model_validate(ending.release(session, actor, pow_id, data))


@router.post("/records/{pow_id}/escape")
def escape(pow_id: uuid.UUID, data: EscapeIn, session: DB, actor: ApiActor) -> PowOut:
    """Record an escape; a notice is owed."""
    return PowOut.model_validate(ending.escape(session, actor, pow_id, data))


@router.get("/records/{pow_id}/voluntariness-checks")
def list_checks(pow_id: uuid.UUID, session: DB, actor: ApiActor) -> list[CheckOut]:
    """Voluntariness checks of the prisoner, complete or not."""
    return [CheckOut.model_validate(c) for c in voluntariness.checks(session, actor, pow_id)]


@router.post("/records/{pow_id}/voluntariness-checks", status_code=201)
def record_check(
    pow_id: uuid.UUID, data: VoluntarinessIn, session: DB, actor: ApiActor
) -> CheckOut:
    """Document the voluntariness interview; `missing` names what an incomplete check lacks.
    No path (defect, serve, home, exile) changes without a complete one."""
    return CheckOut.model_validate(voluntariness.record_check(session, actor, pow_id, data))


@router.post("/records/{pow_id}/defect")
def defect(pow_id: uuid.UUID, data: DefectIn, session: DB, actor: ApiActor) -> ReceptionOut:
    """Change the prisoner to a defector: 409 without a completed, voluntary check of this
    path. Queues no notice for the tracing agency unless `tracing` records the person's choice."""
    return ReceptionOut.model_validate(ending.defect(session, actor, pow_id, data))


@router.get("/records/{pow_id}/tracing-choices")
def list_tracing_choices(pow_id: uuid.UUID, session: DB, actor: ApiActor) -> list[TracingOut]:
    """The choices of a person who changed sides about the tracing agency, oldest first."""
    return [TracingOut.model_validate(c) for c in tracing.consents(session, actor, pow_id)]


@router.post("/records/{pow_id}/tracing-choices", status_code=201)
def record_tracing_choice(
    pow_id: uuid.UUID, data: TracingIn, session: DB, actor: ApiActor
) -> TracingOut:
    """Record the person's informed choice (no notice, family privately, as released), with
    the date and the witness; only this queues a notice, and only the one it names."""
    return TracingOut.model_validate(ending.record_tracing_choice(session, actor, pow_id, data))


@router.get("/records/{pow_id}/risk-assessments")
def list_risk_assessments(
    pow_id: uuid.UUID, session: DB, actor: ApiActor
) -> list[RiskAssessmentOut]:
    """The risk assessments of the prisoner's transfers, releases and repatriation."""
    found = service.risk_assessments(session, actor, pow_id)
    return [RiskAssessmentOut.model_validate(a) for a in found]


@router.get("/notices")
def pending_notices(session: DB, actor: ApiActor) -> list[NoticeOut]:
    """Notices waiting to be sent to the Information Bureau."""
    return [NoticeOut.model_validate(n) for n in bureau.pending_notices(session, actor)]


@router.get("/board")
def compliance_board(session: DB, actor: ApiActor) -> BoardOut:
    """Cards due, overdue and sent; inspections overdue; visits; notices pending."""
    found = board.board(session, actor)
    return BoardOut(
        today=found.today,
        cards_due=[CardOut.model_validate(c) for c in found.cards_due],
        cards_overdue=[CardOut.model_validate(c) for c in found.cards_overdue],
        cards_sent=[CardOut.model_validate(c) for c in found.cards_sent],
        inspections_overdue=[e.record.id for e in found.inspections_overdue],
        notices_pending=len(found.notices_pending),
        visits=[VisitOut.model_validate(p.last_visit) for p in found.places if p.last_visit],
    )
