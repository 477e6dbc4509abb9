"""JSON endpoints of the agreements domain: agreements, approvals, rolls, crossing desks,
reconciliation and late links. Search is by POST: names never travel in URLs."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from haven import i18n
from haven.accounts import repository as accounts
from haven.agreements import approval, crossing, posting, repository, roll, service
from haven.agreements.lifecycle import AgreementStatus
from haven.agreements.models import Agreement
from haven.agreements.schemas import (
    GIVE_REFERENCE,
    AcknowledgeIn,
    AcknowledgementOut,
    AgreementCreate,
    AgreementDetail,
    AgreementSummary,
    AgreementUpdate,
    ApproverIn,
    ApproverOut,
    ArrivalOut,
    BoardCounts,
    DeskAgreement,
    DeskEntry,
    DeskRegistration,
    DeskSearch,
    LinkIn,
    PartyIn,
    PartyOut,
    PostingOverrideOut,
    Reconciliation,
    RollEntryOut,
    RollImportReport,
    RollRowError,
    RollRowWarning,
    ScreeningHitOut,
    ScreeningOut,
    TransitionIn,
)
from haven.agreements.screening import HitsUnacknowledged
from haven.db.session import end_transaction
from haven.errors import ValidationFailed
from haven.i18n import N_
from haven.people.public import person_for_reference
from haven.reception.public import MAX_BYTES
from haven.security.permissions import Actor, Permission, require
from haven.web.deps import DB, ApiActor
from haven.web.errors import haven_error_response

router = APIRouter(prefix="/api", tags=["agreements"])

ROLL_FAILED = N_("Some rows of the roll need correcting. Nothing was saved.")


def screening_out(session: Session, actor: Actor, agreement: Agreement) -> ScreeningOut:
    found = approval.screening_for_approver(session, actor, agreement)
    return ScreeningOut(
        hits=[ScreeningHitOut.model_validate(h) for h in found.hits],
        unacknowledged_by_you=len(found.pending),
        acknowledgements=[AcknowledgementOut.model_validate(a) for a in found.acknowledgements],
    )


def detail(
    session: Session, actor: Actor, agreement: Agreement, *, for_approver: bool = False
) -> AgreementDetail:
    """The full agreement for an entitled reader (the read is audited); a named approver's
    view carries the screening hits they must acknowledge."""
    secret = service.read_confidential(session, actor, agreement)
    approvers = []
    rows = repository.approvers_of(session, agreement.id)
    users = accounts.users_by_id(session, [row.user_id for row in rows])
    for row in rows:
        user = users.get(row.user_id)
        approvers.append(
            ApproverOut(
                user_id=row.user_id,
                username=user.username if user else "",
                approved_at=row.approved_at,
            )
        )
    return AgreementDetail(
        id=agreement.id,
        reference=agreement.reference,
        code_name=agreement.code_name,
        status=AgreementStatus(agreement.status),
        site_id=agreement.site_id,
        expected_crossing_on=agreement.expected_crossing_on,
        expected_headcount=agreement.expected_headcount,
        status_changed_at=agreement.status_changed_at,
        finalized_at=agreement.finalized_at,
        plan_version_id=agreement.plan_version_id,
        allowance_overrides={
            str(k): int(v) for k, v in (agreement.allowance_overrides or {}).items()
        },
        terms=secret.terms,
        notes=secret.notes,
        parties=[PartyOut(**vars(p)) for p in secret.parties],
        approvers=approvers,
        roll_size=repository.roll_size(session, agreement.id),
        allowed_moves=service.allowed_moves(agreement),
        screening_hits=repository.hit_count(session, agreement.id),
        screening=screening_out(session, actor, agreement) if for_approver else None,
    )


@router.get("/agreements/board")
def board(session: DB, actor: ApiActor) -> BoardCounts:
    """Agreements by state, counts only (everyone with the dashboard)."""
    counts = service.board(session, actor)
    return BoardCounts(counts=counts, total=sum(counts.values()))


@router.get("/agreements")
def list_agreements(session: DB, actor: ApiActor) -> list[AgreementSummary]:
    """The organisation's agreements, for the negotiation team."""
    return [AgreementSummary.model_validate(a) for a in service.list_for_team(session, actor)]


@router.post("/agreements", status_code=201)
def create_agreement(data: AgreementCreate, session: DB, actor: ApiActor) -> AgreementDetail:
    """Draft a new agreement with its parties (commanders) and terms."""
    agreement = service.create(session, actor, data)
    return detail(session, actor, agreement)


@router.get("/agreements/{agreement_id}")
def get_agreement(agreement_id: uuid.UUID, session: DB, actor: ApiActor) -> AgreementDetail:
    """An agreement with its parties, terms and notes (negotiation team; the read is audited)."""
    return detail(session, actor, service.get_for_team(session, actor, agreement_id))


@router.patch("/agreements/{agreement_id}")
def update_agreement(
    agreement_id: uuid.UUID, data: AgreementUpdate, session: DB, actor: ApiActor
) -> AgreementDetail:
    """Change terms or plans while drafting or negotiating; approvals given are withdrawn."""
    agreement = service.update(session, actor, agreement_id, data)
    return detail(session, actor, agreement)


@router.post("/agreements/{agreement_id}/parties", status_code=201)
def add_party(
    agreement_id: uuid.UUID, data: PartyIn, session: DB, actor: ApiActor
) -> AgreementDetail:
    """Add a commander party to the agreement."""
    service.add_party(session, actor, agreement_id, data)
    return detail(session, actor, service.get_for_team(session, actor, agreement_id))


@router.post("/agreements/{agreement_id}/approvers", status_code=201)
def name_approver(
    agreement_id: uuid.UUID, data: ApproverIn, session: DB, actor: ApiActor
) -> ApproverOut:
    """Name a user (whose role may approve agreements) as an approver of this agreement."""
    row = service.name_approver(session, actor, agreement_id, data.user_id)
    user = accounts.user_by_id(session, row.user_id)
    return ApproverOut(
        user_id=row.user_id, username=user.username if user else "", approved_at=row.approved_at
    )


@router.post("/agreements/{agreement_id}/transition")
def transition(
    agreement_id: uuid.UUID, data: TransitionIn, session: DB, actor: ApiActor
) -> AgreementSummary:
    """Move the agreement along its lifecycle; an illegal move answers 409."""
    agreement = service.transition(session, actor, agreement_id, data.to, reason=data.reason)
    return AgreementSummary.model_validate(agreement)


@router.get("/agreements/{agreement_id}/overrides")
def list_overrides(
    agreement_id: uuid.UUID, session: DB, actor: ApiActor
) -> list[PostingOverrideOut]:
    """Every posting below the agreement's rank or position terms that a programme manager
    allowed: who, when, person, from and to, reason (the negotiation team; named approvers
    read them on the agreement's page)."""
    agreement = service.get_for_team(session, actor, agreement_id)
    return [
        PostingOverrideOut.model_validate(line)
        for line in posting.overrides_of(session, actor, agreement)
    ]


@router.get("/agreements/{agreement_id}/approval")
def approval_view(agreement_id: uuid.UUID, session: DB, actor: ApiActor) -> AgreementDetail:
    """The agreement as a named approver sees it, with the screening hits on its commanders
    and roll that the approver must acknowledge (the read is audited)."""
    agreement = service.get_for_approver(session, actor, agreement_id)
    return detail(session, actor, agreement, for_approver=True)


@router.get("/agreements/{agreement_id}/screening")
def screening(agreement_id: uuid.UUID, session: DB, actor: ApiActor) -> ScreeningOut:
    """The screening hits on the commanders and the roll, and who acknowledged them when
    (named approvers; the read is audited)."""
    agreement = service.get_for_approver(session, actor, agreement_id)
    return screening_out(session, actor, agreement)


@router.post("/agreements/{agreement_id}/screening/acknowledgements", status_code=201)
def acknowledge(
    agreement_id: uuid.UUID, data: AcknowledgeIn, session: DB, actor: ApiActor
) -> ScreeningOut:
    """Acknowledge the hits shown (by id) with a note saying why the agreement may still go
    ahead; who and when are recorded. Each named approver acknowledges for themselves."""
    approval.acknowledge(session, actor, agreement_id, data.hit_ids, data.note or "")
    agreement = service.get_for_approver(session, actor, agreement_id)
    return screening_out(session, actor, agreement)


@router.post(
    "/agreements/{agreement_id}/approve",
    response_model=AgreementSummary,
    responses={
        403: {
            "description": "Always for an API token (`token_not_fresh`): approving needs fresh "
            "authentication, which a token never is. Approve on the agreement's page."
        },
        409: {
            "description": "Not under negotiation, already approved by you, or screening "
            "hits you have not acknowledged (`screening_unacknowledged`)."
        },
    },
)
def approve(request: Request, agreement_id: uuid.UUID, session: DB, actor: ApiActor) -> Response:
    """Approve as a named approver; the second different approver's approval finalizes.
    Approval needs fresh authentication (a person who has just confirmed who they are), so a
    token is refused with 403 `token_not_fresh`: approve on the agreement's page. The
    commanders and the roll are screened again first: a hit the approver has not acknowledged
    refuses the approval (409), and the hits found are kept."""
    try:
        agreement = service.approve(session, actor, agreement_id)
    except HitsUnacknowledged as refused:
        return haven_error_response(request, refused)  # commits: the new hits stay
    return JSONResponse(AgreementSummary.model_validate(agreement).model_dump(mode="json"))


@router.post(
    "/agreements/{agreement_id}/roll",
    response_model=RollImportReport,
    responses={422: {"description": "Rows need correcting (`roll_invalid`), or bad file."}},
)
def import_roll(
    request: Request,
    agreement_id: uuid.UUID,
    session: DB,
    actor: ApiActor,
    file: Annotated[UploadFile, File(description="CSV (UTF-8) or XLSX, headings in row 1.")],
    dry_run: bool = True,
) -> Response:
    """Import the unit's expected roll (appended). Dry run by default; any row error writes
    nothing and answers 422 with every error by row and column. A rank no table lists is
    not an error: the row is imported without a rank and listed in `warnings`
    (`unknown_rank`, the row, the text as written)."""
    service.get_for_writer(session, actor, agreement_id)
    language = getattr(request.state, "language", i18n.DEFAULT_LANGUAGE)
    # Read the file holding no database lock: a hostile workbook never stalls other users.
    end_transaction(session)
    content = file.file.read(MAX_BYTES + 1)
    table = roll.read_roll(content, filename=file.filename, content_type=file.content_type)
    report = roll.import_roll(session, actor, agreement_id, table.rows, dry_run=dry_run)
    body = RollImportReport(
        dry_run=report.dry_run,
        rows=report.rows,
        imported=report.imported,
        screening_hits=report.hits,
        errors=[
            RollRowError(row=e.row, field=e.field, message=i18n.render(e.message, language))
            for e in report.errors
        ],
        warnings=[
            RollRowWarning(
                row=w.row,
                field=w.field,
                text=w.text,
                code=w.code,
                message=i18n.render(w.message, language),
            )
            for w in report.warnings
        ],
    ).model_dump(mode="json")
    if report.errors:
        failed = {"error": "roll_invalid", "detail": i18n.render(ROLL_FAILED, language)}
        return JSONResponse(failed | body, status_code=422)
    return JSONResponse(body)


@router.get("/agreements/{agreement_id}/roll")
def get_roll(agreement_id: uuid.UUID, session: DB, actor: ApiActor) -> list[RollEntryOut]:
    """The expected roll, in file order."""
    return [RollEntryOut.model_validate(e) for e in roll.roll(session, actor, agreement_id)]


@router.get("/agreements/{agreement_id}/reconciliation")
def reconciliation(agreement_id: uuid.UUID, session: DB, actor: ApiActor) -> Reconciliation:
    """Expected, arrived, missing and unexpected by unit and company; weapons; families."""
    return crossing.reconcile(session, actor, agreement_id)


@router.post("/agreements/{agreement_id}/links", status_code=201)
def link_person(agreement_id: uuid.UUID, data: LinkIn, session: DB, actor: ApiActor) -> ArrivalOut:
    """Link a person received individually to this agreement afterwards (audited): the
    person by `person_reference` (their reference number) or `person_id`."""
    require(actor, Permission.AGREEMENT_WRITE)  # before a reference says whether it exists
    if data.person_reference is not None:
        person = person_for_reference(
            session, actor, data.person_reference, field="person_reference"
        )
        person_id = person.id
    elif data.person_id is not None:
        person_id = data.person_id
    else:  # LinkIn names exactly one
        raise ValidationFailed(fields={"person_reference": GIVE_REFERENCE})
    arrival = crossing.link_person(
        session, actor, agreement_id, person_id, roll_entry_id=data.roll_entry_id
    )
    return ArrivalOut.model_validate(arrival)


# --- crossing desks ------------------------------------------------------------------------


@router.get("/crossing")
def desk_agreements(session: DB, actor: ApiActor) -> list[DeskAgreement]:
    """Agreements being executed where the caller may register arrivals, with counts."""
    return [
        DeskAgreement(
            id=line.agreement.id,
            code_name=line.agreement.code_name,
            site_id=line.agreement.site_id,
            expected=line.expected,
            arrived=line.arrived,
            mine=line.mine,
        )
        for line in crossing.desk_agreements(session, actor)
    ]


@router.post("/crossing/{agreement_id}/search")
def desk_search(
    agreement_id: uuid.UUID, data: DeskSearch, session: DB, actor: ApiActor
) -> list[DeskEntry]:
    """Search the roll as you type (name in either script, unit or company)."""
    found = crossing.search_roll(session, actor, agreement_id, data.q)
    return [
        DeskEntry(**RollEntryOut.model_validate(e).model_dump(), arrived=arrived)
        for e, arrived in found
    ]


@router.post(
    "/crossing/{agreement_id}/arrivals",
    status_code=201,
    response_model=ArrivalOut,
    responses={200: {"model": ArrivalOut, "description": "The same submission, already made."}},
)
def register_arrival(
    agreement_id: uuid.UUID, data: DeskRegistration, session: DB, actor: ApiActor
) -> Response:
    """Register one arrival. The same `idempotency_key` again returns the first registration
    (200); a person already registered by another desk answers 409."""
    registered = crossing.register_arrival(session, actor, agreement_id, data)
    body = ArrivalOut.model_validate(registered.arrival).model_dump(mode="json")
    return JSONResponse(body, status_code=201 if registered.created else 200)
