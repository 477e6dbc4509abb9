"""HTML pages of the agreements domain: the landing page (status board, desks, agreements),
an agreement's page (team and named approvers), and the crossing-day desk.

The desk: type in the search box (HTMX search as you type, by POST), pick the person, check
the pre-filled minimum identity and weapons, register — three interactions for someone on
the roll. Without JavaScript the same forms work as full pages.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from haven import i18n
from haven.accounts import repository as accounts_repository
from haven.agreements import (
    approval,
    crossing,
    posting,
    repository,
    roll,
    roll_template,
    service,
)
from haven.agreements.lifecycle import STATUS_LABELS, AgreementStatus
from haven.agreements.models import Agreement, RollEntry
from haven.agreements.schemas import (
    AcknowledgeIn,
    AgreementCreate,
    AgreementUpdate,
    DeskRegistration,
    PartyIn,
)
from haven.agreements.screening import HitsUnacknowledged
from haven.db.session import end_transaction
from haven.errors import Conflict, HavenError, ValidationFailed
from haven.forces.public import ensure_reference_data, list_ranks
from haven.i18n import N_
from haven.kernel.plan_choices import PlanChoice, plan_choices
from haven.people.public import person_for_reference
from haven.reception.public import MAX_BYTES, FileRejected, WeaponKind
from haven.security.fresh import is_fresh
from haven.security.permissions import ROLE_PERMISSIONS, Actor, Permission, Role, require
from haven.validation import parse
from haven.web import notices
from haven.web.deps import DB, Form, HtmlActor, HtmlFormActor
from haven.web.templating import render

router = APIRouter(include_in_schema=False)

ROLL_COLUMNS_HELP: dict[str, str] = {
    "name_my": N_("Name in Myanmar script"),
    "name_latin": N_("Name in Latin letters (at least one of the two names)"),
    "prefix": N_("Honorific or prefix: U, Daw, Saw … (also recognised at the start of a name)"),
    "birth_year": N_("Year of birth, if known"),
    "rank": N_("Rank in English or Burmese: Captain, ဗိုလ်ကြီး …"),
    "force": N_("Armed force: police, militia, BGF … (empty: the Myanmar army)"),
    "unit": N_("Unit as the list writes it: LIB 531, ခမရ ၅၃၁ …"),
    "company": N_("Company"),
    "position": N_("Position"),
    "weapons": N_("Number of weapons the person is expected to hand over"),
    "family": N_("Number of family members to be moved"),
    "text_encoding": N_("unicode or zawgyi, when Haven cannot tell how the Burmese was typed"),
}


S = AgreementStatus


@dataclass(frozen=True)
class Move:
    """A lifecycle move as the page offers it: a button saying what it does, the consequence
    to confirm (None: no confirmation, the move is harmless) and the message after it."""

    to: AgreementStatus
    action: str
    consequence: str | None
    done: notices.Notice


MOVES: dict[AgreementStatus, Move] = {
    move.to: move
    for move in (
        Move(
            S.NEGOTIATING,
            N_("Start negotiating"),
            None,
            notices.register(N_("Negotiations have started: the named approvers may approve.")),
        ),
        Move(
            S.EXECUTING,
            N_("Start the crossing and open the desks"),
            N_(
                "The registrars at the reception point can register arrivals against the roll "
                "from now on. The terms stay as approved."
            ),
            notices.register(N_("The crossing has started: the desks are open.")),
        ),
        Move(
            S.COMPLETED,
            N_("Record that the crossing is complete"),
            N_(
                "The desks close. Everyone on the roll who has not arrived is listed for "
                "follow-up: they may have been caught. This cannot be undone."
            ),
            notices.register(N_("The crossing is recorded as complete.")),
        ),
        Move(
            S.COLLAPSED,
            N_("Record that the agreement collapsed"),
            N_(
                "The agreement ends: nobody more is registered under it. Those who already "
                "crossed under it keep what they were promised (rank, position, allowances). "
                "This cannot be undone."
            ),
            notices.register(N_("The agreement is recorded as collapsed.")),
        ),
        Move(
            S.CANCELLED,
            N_("Cancel the agreement"),
            N_(
                "A cancelled agreement binds no one, not even those already linked to it. "
                "What was recorded stays. This cannot be undone."
            ),
            notices.register(N_("The agreement is cancelled.")),
        ),
    )
}

APPROVED = notices.register(N_("Your approval is recorded. A second named approver must approve."))
FINALIZED = notices.register(
    N_("Your approval is recorded: the agreement is finalized and its terms are fixed.")
)
APPROVER_NAMED = notices.register(N_("The approver is named."))
SAVED = notices.register(N_("The agreement is saved."))
CREATED = notices.register(N_("The agreement was created as a draft."))
SAVED_WITHDRAWN = notices.register(
    N_(
        "The agreement is saved. The approvals already given are withdrawn: the named "
        "approvers must approve the changed text."
    )
)
PARTY_SAVED = notices.register(N_("The commander is saved."))
PARTY_SAVED_WITHDRAWN = notices.register(
    N_(
        "The commander is saved. The approvals already given are withdrawn: the named "
        "approvers must approve again."
    )
)
PARTY_REMOVED = notices.register(N_("The commander is removed."))


def _role_permissions(role: str) -> frozenset[Permission]:
    try:
        return ROLE_PERMISSIONS.get(Role(role), frozenset())
    except ValueError:
        return frozenset()


def _may_enter(actor: Actor) -> None:
    if not (
        actor.can(Permission.AGREEMENT_READ)
        or actor.can(Permission.AGREEMENT_APPROVE)
        or actor.can(Permission.CROSSING_DESK)
        or actor.can(Permission.DASHBOARD_VIEW)
    ):
        require(actor, Permission.AGREEMENT_READ)


@router.get("/agreements", response_class=HTMLResponse)
def landing(request: Request, session: DB, actor: HtmlActor) -> Response:
    """Status board (counts) for everyone; desks, the team's and approvers' lists by role."""
    _may_enter(actor)
    counts = service.board(session, actor)
    context: dict[str, Any] = {
        "STATUS_LABELS": STATUS_LABELS,
        "counts": counts,
        "total": sum(counts.values()),
        "desks": crossing.desk_agreements(session, actor)
        if actor.can(Permission.CROSSING_DESK)
        else [],
        "agreements": service.list_for_team(session, actor)
        if actor.can(Permission.AGREEMENT_READ)
        else [],
        "to_approve": service.list_for_approver(session, actor)
        if actor.can(Permission.AGREEMENT_APPROVE)
        else [],
    }
    return render(request, "agreements/index.html", context)


# --- a new agreement -----------------------------------------------------------------------

NEW_FIELDS = (
    "code_name",
    "site_id",
    "expected_crossing_on",
    "expected_headcount",
    "notes",
    "party_name",
    "party_rank",
    "party_position",
    "party_unit",
    "safe_passage",
    "weapons_to_hand_over",
    "families_to_move",
    "crossing_place",
    "plan_version_id",
)


def _plan_choices(session: Session, actor: Actor) -> list[PlanChoice]:
    return list(plan_choices(session, actor))


def _new_page(
    request: Request,
    session: Session,
    actor: Actor,
    values: dict[str, Any],
    error: ValidationFailed | None,
) -> Response:
    return render(
        request,
        "agreements/new.html",
        {
            "values": values,
            "error": error,
            "sites": accounts_repository.sites_visible(session, actor),
            "plans": _plan_choices(session, actor),
        },
        status_code=422 if error else 200,
    )


@router.get("/agreements/new", response_class=HTMLResponse)
def new_form(request: Request, session: DB, actor: HtmlActor) -> Response:
    require(actor, Permission.AGREEMENT_WRITE)
    return _new_page(
        request, session, actor, {"ranks_retained": True, "positions_retained": True}, None
    )


@router.post("/agreements/new", response_class=HTMLResponse)
def create(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    require(actor, Permission.AGREEMENT_WRITE)
    values: dict[str, Any] = {name: str(form.get(name, "")).strip() for name in NEW_FIELDS}
    data: dict[str, Any] = {
        "code_name": values["code_name"] or None,
        "site_id": values["site_id"],
        "expected_crossing_on": values["expected_crossing_on"],
        "expected_headcount": values["expected_headcount"] or None,
        "plan_version_id": values["plan_version_id"] or None,
        "notes": values["notes"] or None,
        "terms": {
            "ranks_retained": form.get("ranks_retained") == "yes",
            "positions_retained": form.get("positions_retained") == "yes",
            "safe_passage": values["safe_passage"] or None,
            "weapons_to_hand_over": values["weapons_to_hand_over"] or None,
            "families_to_move": values["families_to_move"] or None,
            "crossing_place": values["crossing_place"] or None,
        },
        "parties": [],
    }
    if values["party_name"]:
        data["parties"].append(
            {
                "name": values["party_name"],
                "rank": values["party_rank"] or None,
                "position": values["party_position"] or None,
                "unit": values["party_unit"] or None,
            }
        )
    try:
        agreement = service.create(session, actor, parse(AgreementCreate, data))
    except ValidationFailed as error:
        error.fields = {
            k.replace("parties.0.", "party_").replace("terms.", ""): v
            for k, v in error.fields.items()
        }
        session.rollback()
        values["ranks_retained"] = form.get("ranks_retained") == "yes"
        values["positions_retained"] = form.get("positions_retained") == "yes"
        return _new_page(request, session, actor, values, error)
    return notices.redirect(f"/agreements/{agreement.id}", CREATED)


# --- the nominal roll template --------------------------------------------------------------
# Declared before /agreements/{agreement_id}: "roll-template.csv" is no agreement's id.


@router.get("/agreements/roll-template.csv")
def roll_template_csv(actor: HtmlActor) -> Response:
    """The roll's headings, to fill in (the negotiation team)."""
    require(actor, Permission.AGREEMENT_WRITE)
    return Response(
        roll_template.template_csv(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="haven-nominal-roll.csv"'},
    )


@router.get("/agreements/roll-template.xlsx")
def roll_template_xlsx(actor: HtmlActor) -> Response:
    """The roll's headings on the first sheet; an example row and notes on the second."""
    require(actor, Permission.AGREEMENT_WRITE)
    content = roll_template.template_xlsx(
        ROLL_COLUMNS_HELP, i18n.gettext, example_title=i18n.gettext(N_("Example and notes"))
    )
    return Response(
        content,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="haven-nominal-roll.xlsx"'},
    )


# --- changing an agreement: terms, plan version, logistics ---------------------------------

TERM_TEXTS = ("crossing_place", "safe_passage", "weapons_to_hand_over", "families_to_move")


def _edit_values(session: Session, actor: Actor, agreement: Agreement) -> dict[str, Any]:
    secret = service.read_confidential(session, actor, agreement)
    terms = secret.terms
    return {
        "site_id": str(agreement.site_id or ""),
        "expected_crossing_on": agreement.expected_crossing_on.isoformat()
        if agreement.expected_crossing_on
        else "",
        "expected_headcount": ""
        if agreement.expected_headcount is None
        else str(agreement.expected_headcount),
        "plan_version_id": str(agreement.plan_version_id or ""),
        "ranks_retained": bool(terms.get("ranks_retained")),
        "positions_retained": bool(terms.get("positions_retained")),
        "notes": secret.notes or "",
    } | {name: terms.get(name) or "" for name in TERM_TEXTS}


def _edit_page(
    request: Request,
    session: Session,
    actor: Actor,
    agreement: Agreement,
    values: dict[str, Any],
    error: ValidationFailed | None,
) -> Response:
    progress = service.approval_progress(session, agreement)
    return render(
        request,
        "agreements/edit.html",
        {
            "agreement": agreement,
            "STATUS_LABELS": STATUS_LABELS,
            "values": values,
            "error": error,
            "editable": service.editable_fields(agreement),
            "approvals_given": progress.given,
            "sites": accounts_repository.sites_visible(session, actor),
            "plans": _plan_choices(session, actor),
        },
        status_code=error.status if error else 200,
    )


def _editable_agreement(session: Session, actor: Actor, agreement_id: uuid.UUID) -> Agreement:
    agreement = service.get_for_writer(session, actor, agreement_id)
    if not service.editable_fields(agreement):
        raise Conflict(
            i18n.Text(
                N_("An agreement in state {state} can no longer be changed."),
                {"state": i18n.Text(S(agreement.status).label)},
            )
        )
    return agreement


@router.get("/agreements/{agreement_id}/edit", response_class=HTMLResponse)
def edit_form(request: Request, agreement_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    """The agreement's terms, plan version and logistics, to change while still editable."""
    agreement = _editable_agreement(session, actor, agreement_id)
    return _edit_page(
        request, session, actor, agreement, _edit_values(session, actor, agreement), None
    )


@router.post("/agreements/{agreement_id}/edit", response_class=HTMLResponse)
def edit(
    request: Request, agreement_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    agreement = _editable_agreement(session, actor, agreement_id)
    editable = service.editable_fields(agreement)
    values: dict[str, Any] = {
        name: str(form.get(name, "")).strip()
        for name in (
            "site_id",
            "expected_crossing_on",
            "expected_headcount",
            "plan_version_id",
            "notes",
            *TERM_TEXTS,
        )
    }
    values["ranks_retained"] = form.get("ranks_retained") == "yes"
    values["positions_retained"] = form.get("positions_retained") == "yes"
    data: dict[str, Any] = {
        "site_id": values["site_id"] or None,
        "expected_crossing_on": values["expected_crossing_on"] or None,
    }
    if "terms" in editable:
        data |= {
            "expected_headcount": values["expected_headcount"] or None,
            "plan_version_id": values["plan_version_id"] or None,
            "notes": values["notes"] or None,
            "terms": {
                "ranks_retained": values["ranks_retained"],
                "positions_retained": values["positions_retained"],
            }
            | {name: values[name] or None for name in TERM_TEXTS},
        }
    given_before = service.approval_progress(session, agreement).given
    try:
        service.update(session, actor, agreement.id, parse(AgreementUpdate, data))
    except (ValidationFailed, Conflict) as error:
        session.rollback()
        failure = error if isinstance(error, ValidationFailed) else ValidationFailed(error.message)
        failure.fields = {k.replace("terms.", ""): v for k, v in failure.fields.items()}
        agreement = service.get_for_writer(session, actor, agreement_id)
        return _edit_page(request, session, actor, agreement, values, failure)
    withdrawn = given_before and not service.approval_progress(session, agreement).given
    return notices.redirect(f"/agreements/{agreement.id}", SAVED_WITHDRAWN if withdrawn else SAVED)


# --- commanders ----------------------------------------------------------------------------

PARTY_FIELDS = ("name", "rank", "position", "unit", "contact")


def _party_page(
    request: Request,
    session: Session,
    agreement: Agreement,
    party_id: uuid.UUID | None,
    values: dict[str, Any],
    error: ValidationFailed | None,
) -> Response:
    return render(
        request,
        "agreements/party.html",
        {
            "agreement": agreement,
            "party_id": party_id,
            "values": values,
            "error": error,
            "approvals_given": service.approval_progress(session, agreement).given,
        },
        status_code=error.status if error else 200,
    )


def _writable_for_parties(session: Session, actor: Actor, agreement_id: uuid.UUID) -> Agreement:
    agreement = service.get_for_writer(session, actor, agreement_id)
    if "parties" not in service.editable_fields(agreement):
        raise Conflict(
            i18n.Text(
                N_("The terms of an agreement in state {state} can no longer be changed."),
                {"state": i18n.Text(S(agreement.status).label)},
            )
        )
    return agreement


@router.get("/agreements/{agreement_id}/parties/new", response_class=HTMLResponse)
def new_party_form(
    request: Request, agreement_id: uuid.UUID, session: DB, actor: HtmlActor
) -> Response:
    agreement = _writable_for_parties(session, actor, agreement_id)
    return _party_page(request, session, agreement, None, {}, None)


@router.get("/agreements/{agreement_id}/parties/{party_id}", response_class=HTMLResponse)
def party_form(
    request: Request, agreement_id: uuid.UUID, party_id: uuid.UUID, session: DB, actor: HtmlActor
) -> Response:
    agreement = _writable_for_parties(session, actor, agreement_id)
    _agreement, party = service.party_of(session, actor, agreement_id, party_id)
    values = {name: getattr(party, name) or "" for name in PARTY_FIELDS}
    return _party_page(request, session, agreement, party_id, values, None)


def _save_party(
    request: Request,
    session: Session,
    actor: Actor,
    agreement_id: uuid.UUID,
    party_id: uuid.UUID | None,
    form: Any,
) -> Response:
    agreement = _writable_for_parties(session, actor, agreement_id)
    values = {name: str(form.get(name, "")).strip() for name in PARTY_FIELDS}
    given_before = service.approval_progress(session, agreement).given
    try:
        data = parse(PartyIn, {k: v or None for k, v in values.items()})
        if party_id is None:
            service.add_party(session, actor, agreement_id, data)
        else:
            service.update_party(session, actor, agreement_id, party_id, data)
    except (ValidationFailed, Conflict) as error:
        session.rollback()
        failure = error if isinstance(error, ValidationFailed) else ValidationFailed(error.message)
        agreement = service.get_for_writer(session, actor, agreement_id)
        return _party_page(request, session, agreement, party_id, values, failure)
    withdrawn = given_before and not service.approval_progress(session, agreement).given
    return notices.redirect(
        f"/agreements/{agreement_id}#parties", PARTY_SAVED_WITHDRAWN if withdrawn else PARTY_SAVED
    )


@router.post("/agreements/{agreement_id}/parties/new", response_class=HTMLResponse)
def add_party(
    request: Request, agreement_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    return _save_party(request, session, actor, agreement_id, None, form)


@router.post("/agreements/{agreement_id}/parties/{party_id}", response_class=HTMLResponse)
def update_party(
    request: Request,
    agreement_id: uuid.UUID,
    party_id: uuid.UUID,
    session: DB,
    actor: HtmlFormActor,
    form: Form,
) -> Response:
    return _save_party(request, session, actor, agreement_id, party_id, form)


@router.post("/agreements/{agreement_id}/parties/{party_id}/remove", response_class=HTMLResponse)
def remove_party(
    request: Request,
    agreement_id: uuid.UUID,
    party_id: uuid.UUID,
    session: DB,
    actor: HtmlFormActor,
) -> Response:
    try:
        service.remove_party(session, actor, agreement_id, party_id)
    except Conflict as error:
        session.rollback()
        agreement = service.get_for_writer(session, actor, agreement_id)
        _agreement, party = service.party_of(session, actor, agreement_id, party_id)
        values = {name: getattr(party, name) or "" for name in PARTY_FIELDS}
        failure = ValidationFailed(error.message)
        failure.status = error.status
        return _party_page(request, session, agreement, party_id, values, failure)
    return notices.redirect(f"/agreements/{agreement_id}#parties", PARTY_REMOVED)


# --- an agreement --------------------------------------------------------------------------


def _detail_context(
    session: Session, actor: Actor, agreement: Agreement, **extra: Any
) -> dict[str, Any]:
    secret = service.read_confidential(session, actor, agreement)
    rows = repository.approvers_of(session, agreement.id)
    users = accounts_repository.users_by_id(session, [row.user_id for row in rows])
    approvers = [(row, users.get(row.user_id)) for row in rows]
    is_team = actor.can(Permission.AGREEMENT_READ)
    named = {row.user_id for row, _user in approvers}
    # The team names approvers among the organisation's users whose role may approve.
    managers = (
        [
            u
            for u in accounts_repository.users_visible(session, actor)
            if u.is_active
            and u.id not in named
            and Permission.AGREEMENT_APPROVE in _role_permissions(u.role)
        ]
        if actor.can(Permission.AGREEMENT_WRITE)
        else []
    )
    is_named = service.is_named_approver(session, actor, agreement)
    screening = approval.screening_for_approver(session, actor, agreement) if is_named else None
    mine = next((row for row, _u in approvers if row.user_id == actor.user_id), None)
    can_write = actor.can(Permission.AGREEMENT_WRITE)
    plans = {choice.id: choice for choice in _plan_choices(session, actor)}
    context: dict[str, Any] = {
        "STATUS_LABELS": STATUS_LABELS,
        "agreement": agreement,
        "secret": secret,
        "progress": service.approval_progress(session, agreement),
        "my_approval": mine.approved_at if mine is not None else None,
        "editable": service.editable_fields(agreement) if can_write else frozenset(),
        "plan": plans.get(agreement.plan_version_id) if agreement.plan_version_id else None,
        "MOVES": MOVES,
        "approvers": approvers,
        "is_team": is_team,
        "can_write": can_write,
        "is_named": is_named,
        "has_approved": mine is not None and mine.approved_at is not None,
        "moves": service.allowed_moves(agreement) if actor.can(Permission.AGREEMENT_WRITE) else [],
        "site": accounts_repository.site_by_id(session, agreement.site_id)
        if agreement.site_id
        else None,
        "managers": managers,
        "roll_size": repository.roll_size(session, agreement.id),
        "screening_hits": repository.hit_count(session, agreement.id),
        "screening": screening,
        "overrides": posting.overrides_of(session, actor, agreement),
        "reconciliation": crossing.reconcile(session, actor, agreement.id) if is_team else None,
        "columns": ROLL_COLUMNS_HELP,
        "error": None,
        "report": None,
        "notice": None,
    }
    return context | extra


def _detail(
    request: Request,
    session: Session,
    actor: Actor,
    agreement_id: uuid.UUID,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    agreement = service.get_for_reader(session, actor, agreement_id)
    return render(
        request,
        "agreements/detail.html",
        _detail_context(session, actor, agreement, **extra),
        status_code=status_code,
    )


@router.get("/agreements/{agreement_id}", response_class=HTMLResponse)
def detail(request: Request, agreement_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    """The agreement for the negotiation team or a named approver (the read is audited)."""
    return _detail(request, session, actor, agreement_id)


def _after_error(
    request: Request,
    session: Session,
    actor: Actor,
    agreement_id: uuid.UUID,
    error: HavenError,
    **extra: Any,
) -> Response:
    session.rollback()
    failure = error if isinstance(error, ValidationFailed) else ValidationFailed(error.message)
    return _detail(
        request, session, actor, agreement_id, status_code=error.status, error=failure, **extra
    )


@router.post("/agreements/{agreement_id}/transition", response_class=HTMLResponse)
def transition(
    request: Request, agreement_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    try:
        target = AgreementStatus(str(form.get("to", "")))
        reason = str(form.get("reason", "")).strip()[:500] or None
        service.transition(session, actor, agreement_id, target, reason=reason)
    except ValueError:
        return _after_error(
            request, session, actor, agreement_id, Conflict(N_("Choose one of the moves."))
        )
    except (Conflict, ValidationFailed) as error:
        return _after_error(request, session, actor, agreement_id, error)
    return notices.redirect(f"/agreements/{agreement_id}", MOVES[target].done)


@router.post("/agreements/{agreement_id}/approve", response_class=HTMLResponse)
def approve(
    request: Request, agreement_id: uuid.UUID, session: DB, actor: HtmlFormActor
) -> Response:
    if not is_fresh(session, actor):  # approving needs fresh authentication: confirm, come back
        return RedirectResponse(f"/reauth?next=/agreements/{agreement_id}", status_code=303)
    try:
        agreement = service.approve(session, actor, agreement_id)
    except HitsUnacknowledged as error:
        # Not rolled back: the hits the screening just found are kept and shown.
        failure = ValidationFailed(error.message)
        return _detail(
            request, session, actor, agreement_id, status_code=error.status, error=failure
        )
    except Conflict as error:
        return _after_error(request, session, actor, agreement_id, error)
    done = FINALIZED if agreement.status == S.FINALIZED else APPROVED
    return notices.redirect(f"/agreements/{agreement_id}#approvals", done)


@router.post("/agreements/{agreement_id}/screening/acknowledge", response_class=HTMLResponse)
def acknowledge_hits(
    request: Request, agreement_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    """A named approver acknowledges the hits shown on the page, with a note."""
    try:
        data = parse(
            AcknowledgeIn,
            {"hit_ids": [str(v) for v in form.getlist("hit_id")], "note": form.get("note", "")},
        )
        approval.acknowledge(session, actor, agreement_id, data.hit_ids, data.note or "")
    except (Conflict, ValidationFailed) as error:
        return _after_error(request, session, actor, agreement_id, error)
    return _detail(
        request,
        session,
        actor,
        agreement_id,
        notice=N_("Your acknowledgement of the screening hits is recorded."),
    )


@router.post("/agreements/{agreement_id}/approvers", response_class=HTMLResponse)
def name_approver(
    request: Request, agreement_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    try:
        user_id = uuid.UUID(str(form.get("user_id", "")))
    except ValueError:
        error = ValidationFailed(fields={"user_id": N_("Choose a user.")})
        return _after_error(request, session, actor, agreement_id, error)
    try:
        service.name_approver(session, actor, agreement_id, user_id)
    except (Conflict, ValidationFailed) as error:
        return _after_error(request, session, actor, agreement_id, error)
    return notices.redirect(f"/agreements/{agreement_id}#approvals", APPROVER_NAMED)


@router.post("/agreements/{agreement_id}/roll", response_class=HTMLResponse)
def upload_roll(
    request: Request, agreement_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    """Check or import a roll file; errors are listed by row and column, nothing written."""
    service.get_for_writer(session, actor, agreement_id)
    dry_run = form.get("mode") != "import"
    upload = form.get("file")
    # Read the file holding no database lock: a hostile workbook never stalls other users.
    end_transaction(session)
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise FileRejected(N_("Choose a CSV or Excel (.xlsx) file."))
        content = upload.file.read(MAX_BYTES + 1)
        table = roll.read_roll(content, filename=upload.filename, content_type=upload.content_type)
        report = roll.import_roll(session, actor, agreement_id, table.rows, dry_run=dry_run)
    except (Conflict, ValidationFailed) as error:
        return _after_error(request, session, actor, agreement_id, error)
    return _detail(
        request,
        session,
        actor,
        agreement_id,
        status_code=422 if report.errors else 200,
        report=report,
    )


@router.post("/agreements/{agreement_id}/links", response_class=HTMLResponse)
def link_person(
    request: Request, agreement_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    """Link a person received individually to this agreement, by the person's reference
    number (`P-7K3M9QR`, as on their record and receipt); the page then names them back."""
    text = str(form.get("reference", "")).strip()
    try:
        require(actor, Permission.AGREEMENT_WRITE)  # before a reference says it exists
        person = person_for_reference(session, actor, text, field="reference")
        crossing.link_person(session, actor, agreement_id, person.id)
    except (Conflict, ValidationFailed) as error:
        if isinstance(error, ValidationFailed) and "person_id" in error.fields:
            error.fields["reference"] = error.fields.pop("person_id")
        return _after_error(
            request, session, actor, agreement_id, error, link_values={"reference": text}
        )
    return _detail(
        request,
        session,
        actor,
        agreement_id,
        notice=N_("The person is linked to the agreement."),
        linked=person,
    )


# --- crossing-day desk ---------------------------------------------------------------------


def _desk_page(
    request: Request,
    session: Session,
    actor: Actor,
    agreement_id: uuid.UUID,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    line = crossing.desk_line(session, actor, agreement_id)
    context: dict[str, Any] = {
        "line": line,
        "q": "",
        "results": None,
        "entry": None,
        "values": {},
        "error": None,
        "registered": request.query_params.get("registered") == "1",
        "desk": actor.label[:40],
    }
    return render(request, "agreements/desk.html", context | extra, status_code=status_code)


@router.get("/agreements/{agreement_id}/desk", response_class=HTMLResponse)
def desk(request: Request, agreement_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    """The crossing-day desk of an executing agreement."""
    return _desk_page(request, session, actor, agreement_id)


@router.post("/agreements/{agreement_id}/desk", response_class=HTMLResponse)
def desk_search(
    request: Request, agreement_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    """Search the roll (HTMX: the results fragment; without JS: the whole page)."""
    q = str(form.get("q", ""))[:200]
    results = crossing.search_roll(session, actor, agreement_id, q)
    if request.headers.get("hx-request"):
        return render(
            request,
            "agreements/_desk_results.html",
            {"q": q, "results": results, "agreement_id": agreement_id},
        )
    return _desk_page(request, session, actor, agreement_id, q=q, results=results)


def _entry_values(session: Session, entry: RollEntry | None) -> dict[str, Any]:
    if entry is None:
        return {"classification": "defector", "weapon_kind": ""}
    return {
        "roll_entry_id": str(entry.id),
        "name_my": entry.name_my or "",
        "name_latin": entry.name_latin or "",
        "birth_year": entry.birth_year or "",
        "rank_id": str(entry.rank_id or ""),
        "origin_unit": entry.unit_text or "",
        "position": entry.position or "",
        "classification": "defector",
        "weapon_kind": "rifle" if entry.weapons_expected else "",
        "weapon_quantity": str(entry.weapons_expected or 1),
        "family_moved": str(entry.family_expected or 0),
    }


def _confirm_context(
    session: Session, actor: Actor, entry: RollEntry | None = None
) -> dict[str, Any]:
    army = ensure_reference_data(session)
    force_id = entry.force_id if entry is not None and entry.force_id else army.id
    return {
        "ranks": list_ranks(session, actor, force_id),
        "weapon_kinds": list(WeaponKind),
        "idempotency_key": secrets.token_urlsafe(18),
    }


@router.post("/agreements/{agreement_id}/desk/confirm", response_class=HTMLResponse)
def desk_confirm(
    request: Request, agreement_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    """The confirm form, pre-filled from the roll entry (or empty: someone not on the roll)."""
    entry: RollEntry | None = None
    arrived = False
    raw = str(form.get("roll_entry_id", ""))
    if raw:
        try:
            entry_id = uuid.UUID(raw)
        except ValueError:
            entry_id = None
        if entry_id is not None:
            entry, arrival = crossing.roll_entry(session, actor, agreement_id, entry_id)
            arrived = arrival is not None
    else:
        crossing.desk_line(session, actor, agreement_id)
    context = _confirm_context(session, actor, entry) | {
        "entry": entry,
        "arrived": arrived,
        "values": _entry_values(session, entry),
        "agreement_id": agreement_id,
    }
    if request.headers.get("hx-request"):
        return render(request, "agreements/_desk_confirm.html", context | {"error": None})
    return _desk_page(request, session, actor, agreement_id, **context)


REGISTER_FIELDS = (
    "roll_entry_id",
    "name_my",
    "name_latin",
    "birth_year",
    "rank_id",
    "origin_unit",
    "position",
    "classification",
    "family_moved",
    "weapon_kind",
    "weapon_serial_number",
    "weapon_quantity",
    "desk",
    "idempotency_key",
)


@router.post("/agreements/{agreement_id}/desk/register", response_class=HTMLResponse)
def desk_register(
    request: Request, agreement_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    values = {name: str(form.get(name, "")).strip() for name in REGISTER_FIELDS}
    data: dict[str, Any] = {
        k: v for k, v in values.items() if v and not k.startswith("weapon_") and k not in ("desk",)
    }
    data["desk"] = values["desk"][:40] or None
    if values["weapon_kind"]:
        weapon: dict[str, Any] = {"kind": values["weapon_kind"]}
        if values["weapon_serial_number"]:
            weapon["serial_number"] = values["weapon_serial_number"]
        if values["weapon_quantity"]:
            weapon["quantity"] = values["weapon_quantity"]
        data["weapons"] = [weapon]
    try:
        crossing.register_arrival(session, actor, agreement_id, parse(DeskRegistration, data))
    except (ValidationFailed, Conflict) as error:
        session.rollback()
        failure = error if isinstance(error, ValidationFailed) else ValidationFailed(error.message)
        failure.fields = {k.replace("weapons.0.", "weapon_"): v for k, v in failure.fields.items()}
        entry = None
        if values["roll_entry_id"]:
            try:
                entry, _arrival = crossing.roll_entry(
                    session, actor, agreement_id, uuid.UUID(values["roll_entry_id"])
                )
            except ValueError:
                entry = None
        context = _confirm_context(session, actor, entry) | {
            "entry": entry,
            "arrived": False,
            "values": values,
            "agreement_id": agreement_id,
            "error": failure,
        }
        context["idempotency_key"] = values["idempotency_key"] or context["idempotency_key"]
        return _desk_page(
            request, session, actor, agreement_id, status_code=error.status, **context
        )
    return RedirectResponse(f"/agreements/{agreement_id}/desk?registered=1", status_code=303)
