"""HTML pages of the allowances domain: plan versions, funders, batches, statements, reports.

Forms follow the house pattern: on a validation error the transaction is rolled back and the
page is shown again with the values kept and the messages beside the fields (422). Approving,
disbursing and reversing need a fresh login: the error handler sends the user to
re-authenticate and back.
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from haven.allowances import batches, entitlements, funders, handout, jobs, plans, reports
from haven.allowances.batches import PaymentMethod, SkipReason
from haven.allowances.facts import rank_tables
from haven.allowances.lifecycle import BatchStatus
from haven.allowances.models import PaymentBatch, PlanVersion
from haven.allowances.rules import CURRENCIES, ChildDelivery, ComponentKind, explain, format_money
from haven.db.session import end_transaction
from haven.errors import NotFound, ValidationFailed
from haven.i18n import N_, gettext
from haven.jobs.public import enqueue
from haven.kernel.clock import local_today
from haven.kernel.labels import labels
from haven.pathways.public import PATHWAY_LABELS, Pathway
from haven.reception.public import Classification
from haven.security.permissions import Actor, Permission, require
from haven.vetting.public import PAYABLE, VettingStatus
from haven.web.deps import DB, Form, HtmlActor, HtmlFormActor
from haven.web.templating import render

router = APIRouter(include_in_schema=False)
MAX_PLAN_FILE = 1024 * 1024
SHOWN_ITEMS = 500  # a batch page lists this many items and counts the rest


def _form_uuid(form: Any, name: str) -> uuid.UUID:
    """A record id sent back by one of our forms; anything else is a record that is not there."""
    try:
        return uuid.UUID(str(form.get(name, "")))
    except ValueError:
        raise NotFound from None


def _may(actor: Actor, *permissions: Permission) -> bool:
    return any(actor.can(p) for p in permissions)


def _money(amount: int, currency: str) -> str:
    return format_money(amount, currency)


def _start_job(
    request: Request, session: Session, actor: Actor, kind: str, payload: dict[str, Any], total: int
) -> Response:
    """Queue the work as a background job and send the user to its progress page."""
    job_id = enqueue(session, actor, kind, payload, total=total)
    end_transaction(session)  # the worker sees the job before this request ends
    wake = getattr(request.app.state, "wake_jobs", None)
    if wake is not None:
        wake()
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


def _base(**extra: Any) -> dict[str, Any]:
    return {
        "money": _money,
        "kind_labels": labels(ComponentKind),
        "status_labels": labels(BatchStatus),
        "methods": labels(PaymentMethod),
        "currencies": CURRENCIES,
        "Permission": Permission,
        **extra,
    }


# --- landing -------------------------------------------------------------------------------


@router.get("/allowances", response_class=HTMLResponse)
def landing(request: Request, session: DB, actor: HtmlActor) -> Response:
    if not _may(actor, Permission.PAYMENT_READ, Permission.PLAN_MANAGE, Permission.PAYMENT_PREPARE):
        require(actor, Permission.PAYMENT_READ)
    context = _base(
        versions=plans.list_versions(session, actor),
        batch_list=batches.list_batches(session, actor)
        if _may(actor, Permission.PAYMENT_READ, Permission.PAYMENT_PREPARE)
        else [],
        budgets=funders.budget_states(session, actor)
        if _may(actor, Permission.FUNDER_MANAGE, Permission.PAYMENT_READ)
        else [],
        today=local_today().isoformat(),
        recent=entitlements.recently_computed(session, actor)
        if actor.can(Permission.ENTITLEMENT_READ)
        else [],
    )
    return render(request, "allowances/index.html", context)


# --- plans ---------------------------------------------------------------------------------


def _plan_context(
    session: Session, actor: Actor, version: PlanVersion, **extra: Any
) -> dict[str, Any]:
    tables = rank_tables(session)
    ranks = {rank.id: rank for table in tables.values() for rank in table.ranks}
    return _base(
        version=version,
        components=plans.components_of(session, version.id),
        tables=tables,
        ranks=ranks,
        describe=lambda component, language: plans.describe(component, tables, language),
        child_deliveries=labels(ChildDelivery),
        classifications=list(Classification),
        pathways=list(Pathway),
        pathway_labels=PATHWAY_LABELS,
        vetting_statuses=sorted(PAYABLE),
        vetting_labels=labels(VettingStatus),
        kinds=list(ComponentKind),
        editable=version.status == "draft" and actor.can(Permission.PLAN_MANAGE),
        values=extra.pop("values", {"currency": "MMK", "rules": "{}"}),
        error=extra.pop("error", None),
        dumps=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True),
        **extra,
    )


@router.get("/allowances/plans", response_class=HTMLResponse)
def plan_list(request: Request, session: DB, actor: HtmlActor) -> Response:
    versions = plans.list_versions(session, actor)
    return render(
        request,
        "allowances/plans.html",
        _base(
            versions=versions, values={}, error=None, may_manage=actor.can(Permission.PLAN_MANAGE)
        ),
    )


@router.post("/allowances/plans", response_class=HTMLResponse)
def plan_create(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    values = {
        k: str(form.get(k, "")).strip() for k in ("name", "effective_from", "notes", "copy_from")
    }
    try:
        try:
            effective = date.fromisoformat(values["effective_from"])
        except ValueError:
            raise ValidationFailed(
                fields={"effective_from": N_("Enter the date from which this version applies.")}
            ) from None
        try:
            copy_from = uuid.UUID(values["copy_from"]) if values["copy_from"] else None
        except ValueError:
            raise ValidationFailed(fields={"copy_from": N_("Choose a plan version.")}) from None
        version = plans.create_version(
            session,
            actor,
            name=values["name"],
            effective_from=effective,
            notes=values["notes"],
            copy_from=copy_from,
        )
    except ValidationFailed as error:
        session.rollback()
        return render(
            request,
            "allowances/plans.html",
            _base(
                versions=plans.list_versions(session, actor),
                values=values,
                error=error,
                may_manage=True,
            ),
            status_code=422,
        )
    return RedirectResponse(f"/allowances/plans/{version.id}", status_code=303)


def _read_plan_file(upload: object) -> Any:
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise ValidationFailed(fields={"file": N_("Choose a plan file (JSON).")})
    raw = upload.file.read(MAX_PLAN_FILE + 1)
    if len(raw) > MAX_PLAN_FILE:
        raise ValidationFailed(fields={"file": N_("The file is too large: at most 1 MB.")})
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValidationFailed(fields={"file": N_("The file is not valid JSON.")}) from None


@router.post("/allowances/plans/import", response_class=HTMLResponse)
def plan_import(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    require(actor, Permission.PLAN_MANAGE)
    try:
        data = _read_plan_file(form.get("file"))
        version = plans.import_version(session, actor, data)
    except ValidationFailed as error:
        session.rollback()
        return render(
            request,
            "allowances/plans.html",
            _base(
                versions=plans.list_versions(session, actor),
                values={},
                error=error,
                may_manage=True,
            ),
            status_code=422,
        )
    return RedirectResponse(f"/allowances/plans/{version.id}", status_code=303)


@router.get("/allowances/plans/{version_id}", response_class=HTMLResponse)
def plan_page(request: Request, version_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    version = plans.get_version(session, actor, version_id)
    return render(request, "allowances/plan.html", _plan_context(session, actor, version))


@router.get("/allowances/plans/{version_id}/export")
def plan_export(version_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    version = plans.get_version(session, actor, version_id)
    body = json.dumps(plans.export_version(session, version), ensure_ascii=False, indent=2)
    return Response(
        body,
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="plan-{version.number}.json"'},
    )


@router.post("/allowances/plans/{version_id}/components", response_class=HTMLResponse)
def component_save(
    request: Request, version_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    version = plans.get_version(session, actor, version_id)
    values: dict[str, Any] = {
        k: str(form.get(k, "")).strip()
        for k in ("code", "kind", "name_en", "name_my", "currency", "rules")
    }
    eligibility = {
        "classifications": [str(v) for v in form.getlist("classifications")],
        "pathways": [str(v) for v in form.getlist("pathways")],
        "vetting": [str(v) for v in form.getlist("vetting")],
        "children": str(form.get("children", "") or ChildDelivery.GUARDIAN_OR_IN_KIND),
    }
    values["eligibility"] = eligibility
    try:
        try:
            rules = json.loads(values["rules"] or "{}")
        except json.JSONDecodeError:
            raise ValidationFailed(
                fields={
                    "rules": N_("The amounts are not valid JSON: check the brackets and commas.")
                }
            ) from None
        plans.save_component(
            session,
            actor,
            version,
            code=values["code"],
            kind=values["kind"],
            name_en=values["name_en"],
            name_my=values["name_my"],
            currency=values["currency"],
            rules=rules,
            eligibility=eligibility,
        )
    except ValidationFailed as error:
        session.rollback()
        version = plans.get_version(session, actor, version_id)
        return render(
            request,
            "allowances/plan.html",
            _plan_context(session, actor, version, values=values, error=error),
            status_code=422,
        )
    return RedirectResponse(f"/allowances/plans/{version_id}#components", status_code=303)


@router.post("/allowances/plans/{version_id}/components/{code}/remove")
def component_remove(
    version_id: uuid.UUID, code: str, session: DB, actor: HtmlFormActor
) -> Response:
    version = plans.get_version(session, actor, version_id)
    plans.remove_component(session, actor, version, code)
    return RedirectResponse(f"/allowances/plans/{version_id}#components", status_code=303)


@router.post("/allowances/plans/{version_id}/publish")
def plan_publish(version_id: uuid.UUID, session: DB, actor: HtmlFormActor) -> Response:
    plans.publish(session, actor, plans.get_version(session, actor, version_id))
    return RedirectResponse(f"/allowances/plans/{version_id}", status_code=303)


# --- funders -------------------------------------------------------------------------------


def _funders_context(session: Session, actor: Actor, **extra: Any) -> dict[str, Any]:
    return _base(
        funder_list=funders.list_funders(session, actor),
        budgets=funders.budget_states(session, actor),
        may_manage=actor.can(Permission.FUNDER_MANAGE),
        values=extra.pop("values", {}),
        error=extra.pop("error", None),
        **extra,
    )


@router.get("/allowances/funders", response_class=HTMLResponse)
def funder_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    return render(request, "allowances/funders.html", _funders_context(session, actor))


@router.post("/allowances/funders", response_class=HTMLResponse)
def funder_create(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    values = {k: str(form.get(k, "")).strip() for k in ("name", "name_my")}
    try:
        funders.save_funder(session, actor, name=values["name"], name_my=values["name_my"])
    except ValidationFailed as error:
        session.rollback()
        return render(
            request,
            "allowances/funders.html",
            _funders_context(session, actor, values=values, error=error),
            status_code=422,
        )
    return RedirectResponse("/allowances/funders", status_code=303)


def _int(value: str, field: str, message: str) -> int:
    try:
        return int(value.replace(",", "").strip())
    except ValueError:
        raise ValidationFailed(fields={field: message}) from None


@router.post("/allowances/funders/budget-lines", response_class=HTMLResponse)
def budget_line_save(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    values = {
        k: str(form.get(k, "")).strip()
        for k in ("funder_id", "component_code", "currency", "share_percent", "budget_minor")
    }
    try:
        try:
            funder = funders.get_funder(session, actor, uuid.UUID(values["funder_id"]))
        except ValueError:
            raise ValidationFailed(fields={"funder_id": N_("Choose a funder.")}) from None
        try:
            share = round(float(values["share_percent"]) * 100)
        except ValueError:
            raise ValidationFailed(
                fields={"share_percent": N_("Enter the share as a percentage, such as 60.")}
            ) from None
        funders.save_budget_line(
            session,
            actor,
            funder,
            component_code=values["component_code"],
            currency=values["currency"],
            share_bp=share,
            budget_minor=_int(
                values["budget_minor"], "budget_minor", N_("Enter the budget as a whole number.")
            ),
        )
    except ValidationFailed as error:
        session.rollback()
        error.fields = {
            ("share_percent" if k == "share_bp" else k): v for k, v in error.fields.items()
        }
        return render(
            request,
            "allowances/funders.html",
            _funders_context(session, actor, values=values, error=error),
            status_code=422,
        )
    return RedirectResponse("/allowances/funders", status_code=303)


# --- batches -------------------------------------------------------------------------------


@router.post("/allowances/batches", response_class=HTMLResponse)
def batch_create(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    values = {k: str(form.get(k, "")).strip() for k in ("title", "currency")}
    try:
        batch = batches.create_batch(
            session, actor, title=values["title"], currency=values["currency"]
        )
    except ValidationFailed as error:
        session.rollback()
        context = _base(
            versions=plans.list_versions(session, actor),
            batch_list=batches.list_batches(session, actor),
            budgets=funders.budget_states(session, actor),
            values=values,
            error=error,
        )
        return render(request, "allowances/index.html", context, status_code=422)
    return RedirectResponse(f"/allowances/batches/{batch.id}", status_code=303)


def _batch_context(
    session: Session, actor: Actor, batch: PaymentBatch, **extra: Any
) -> dict[str, Any]:
    items = batches.items_of(session, batch)
    shown = items[:SHOWN_ITEMS]
    names, codes = batches.item_labels(session, shown)
    paid = batches.disbursements_of(session, batch)
    return _base(
        batch=batch,
        children=batches.child_items(session, shown),
        recipients=labels(batches.Recipient),
        items=shown,
        more=max(0, len(items) - SHOWN_ITEMS),
        names=names,
        codes=codes,
        paid=paid,
        reversed=batches.reversed_ids(session, [d.id for d in paid.values()]),
        totals=batches.totals(session, batch),
        new_key=lambda: uuid.uuid4().hex,
        error=extra.pop("error", None),
        added=extra.pop("added", None),
        skip_labels=labels(SkipReason),
        today=local_today().isoformat(),
        **extra,
    )


@router.get("/allowances/batches/{batch_id}", response_class=HTMLResponse)
def batch_page(request: Request, batch_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    batch = batches.get_batch(session, actor, batch_id)
    return render(request, "allowances/batch.html", _batch_context(session, actor, batch))


@router.post("/allowances/batches/{batch_id}/items", response_class=HTMLResponse)
def batch_add_due(
    request: Request, batch_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    batch = batches.get_batch(session, actor, batch_id)
    try:
        try:
            due_by = date.fromisoformat(str(form.get("due_by", "")))
        except ValueError:
            raise ValidationFailed(fields={"due_by": N_("Enter a date.")}) from None
        if batch.status == BatchStatus.DRAFT:
            persons = batches.due_persons(session, actor, batch, due_by=due_by)
            if len(persons) > jobs.JOB_PEOPLE:
                # Many people: the batch is prepared in the background, a part at a time.
                payload = {"batch_id": str(batch.id), "due_by": due_by.isoformat()}
                return _start_job(
                    request, session, actor, jobs.PREPARE_BATCH.name, payload, len(persons)
                )
        result = batches.add_due(session, actor, batch, due_by=due_by)
    except ValidationFailed as error:
        session.rollback()
        batch = batches.get_batch(session, actor, batch_id)
        return render(
            request,
            "allowances/batch.html",
            _batch_context(session, actor, batch, error=error),
            status_code=422,
        )
    return render(
        request, "allowances/batch.html", _batch_context(session, actor, batch, added=result)
    )


_MOVES = {
    "submit": batches.submit,
    "return": batches.return_to_draft,
    "approve": batches.approve,
    "cancel": batches.cancel,
    "reconcile": batches.reconcile_batch,
}


@router.post("/allowances/batches/{batch_id}/{move}")
def batch_move(batch_id: uuid.UUID, move: str, session: DB, actor: HtmlFormActor) -> Response:
    action = _MOVES.get(move)
    if action is None:
        raise NotFound
    action(session, actor, batches.get_batch(session, actor, batch_id))
    return RedirectResponse(f"/allowances/batches/{batch_id}", status_code=303)


@router.post("/allowances/items/{item_id}/remove")
def item_remove(item_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    batch_id = _form_uuid(form, "batch_id")
    batches.remove_item(session, actor, item_id)
    return RedirectResponse(f"/allowances/batches/{batch_id}", status_code=303)


@router.post("/allowances/items/{item_id}/disburse", response_class=HTMLResponse)
def item_disburse(
    request: Request, item_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    upload = form.get("receipt_photo")
    photo = (
        upload.file.read(batches.MAX_RECEIPT_BYTES + 1)
        if isinstance(upload, UploadFile) and upload.filename
        else None
    )
    batch_id = _form_uuid(form, "batch_id")
    try:
        try:
            guardian = str(form.get("guardian_id", "") or "")
            guardian_id = uuid.UUID(guardian) if guardian else None
        except ValueError:
            raise ValidationFailed(
                fields={"guardian_id": N_("Choose the guardian from the child's family.")}
            ) from None
        batches.disburse(
            session,
            actor,
            item_id,
            idempotency_key=str(form.get("idempotency_key", "")),
            method=str(form.get("method", "")),
            receipt_reference=str(form.get("receipt_reference", "")),
            receipt_photo=photo,
            recipient=str(form.get("recipient", "") or batches.Recipient.PERSON),
            guardian_id=guardian_id,
        )
    except ValidationFailed as error:
        session.rollback()
        batch = batches.get_batch(session, actor, batch_id)
        error.fields = {f"{k}-{item_id}": v for k, v in error.fields.items()}
        return render(
            request,
            "allowances/batch.html",
            _batch_context(session, actor, batch, error=error, failed_item=item_id),
            status_code=422,
        )
    return RedirectResponse(f"/allowances/batches/{batch_id}#item-{item_id}", status_code=303)


@router.post("/allowances/disbursements/{disbursement_id}/reverse", response_class=HTMLResponse)
def disbursement_reverse(
    request: Request, disbursement_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    batch_id = _form_uuid(form, "batch_id")
    try:
        batches.reverse(session, actor, disbursement_id, reason=str(form.get("reason", "")))
    except ValidationFailed as error:
        session.rollback()
        batch = batches.get_batch(session, actor, batch_id)
        error.fields = {f"{k}-{disbursement_id}": v for k, v in error.fields.items()}
        return render(
            request,
            "allowances/batch.html",
            _batch_context(session, actor, batch, error=error),
            status_code=422,
        )
    return RedirectResponse(f"/allowances/batches/{batch_id}", status_code=303)


@router.get("/allowances/receipts/{disbursement_id}")
def receipt(disbursement_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    data = batches.receipt_photo(session, actor, disbursement_id)
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "no-store"})


# --- people: statement and recomputation -----------------------------------------------------


@router.get("/allowances/people/{person_id}", response_class=HTMLResponse)
def person_statement(
    request: Request,
    person_id: uuid.UUID,
    session: DB,
    actor: HtmlActor,
    lang: str | None = None,
    form: str = "safe",
) -> Response:
    """A statement the person can be handed, in Burmese or English (`?lang=my|en`): the
    safe-to-carry form by default; `?form=full` (for the files) is audited."""
    found = entitlements.statement(session, actor, person_id)
    full = form == "full"
    if full:
        handout.full_form_chosen(session, actor, found)
    language = lang if lang in ("en", "my") else getattr(request.state, "language", "en")
    request.state.language = language
    rows = []
    tables = rank_tables(session)
    open_to: dict[tuple[uuid.UUID, str], tuple[str, str]] = {}
    for line in found.lines:
        i, component = line.instalment, line.component
        name = (
            (component.name_my if language == "my" and component.name_my else component.name_en)
            if component
            else i.component_code
        )
        text = explain(
            ComponentKind(component.kind) if component else ComponentKind.SETTLEMENT_GRANT,
            name,
            i.amount_minor,
            i.currency,
            i.detail,
            gettext=lambda m: gettext(m, language),
            language=language,
        )
        rows.append({"line": line, "text": text, "state": line.state.label})
        if component is not None and (component.plan_version_id, component.code) not in open_to:
            open_to[(component.plan_version_id, component.code)] = (
                name,
                plans.describe(component, tables, language),
            )
    preview = (
        entitlements.preview(session, actor, person_id)
        if actor.can(Permission.PAYMENT_PREPARE)
        else None
    )
    return render(
        request,
        "allowances/statement.html",
        _base(
            statement=found,
            full=full,
            safe=None if full else handout.safe_statement(found),
            rows=rows,
            preview=preview,
            chosen=language,
            open_to=list(open_to.values()),
            vetting_label=(
                labels(VettingStatus).get(found.vetting, found.vetting)
                if found.vetting is not None
                else N_("Not vetted: a child is screened for protection instead")
            ),
            today=local_today().isoformat(),
        ),
    )


@router.post("/allowances/people/{person_id}/recompute")
def person_recompute(person_id: uuid.UUID, session: DB, actor: HtmlFormActor) -> Response:
    entitlements.recompute(session, actor, [person_id], reason="recomputed from the statement page")
    return RedirectResponse(f"/allowances/people/{person_id}", status_code=303)


@router.post("/allowances/recompute")
def recompute_all(request: Request, session: DB, actor: HtmlFormActor) -> Response:
    count = entitlements.received_count(session, actor)
    if count > jobs.JOB_PEOPLE:
        # Many people: recomputed in the background, a part at a time.
        return _start_job(request, session, actor, jobs.RECOMPUTE.name, {}, count)
    entitlements.recompute_organisation(session, actor)
    return RedirectResponse("/allowances?recomputed=1", status_code=303)


# --- reports -------------------------------------------------------------------------------


@router.get("/allowances/reports", response_class=HTMLResponse)
def report_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    return render(request, "allowances/reports.html", _base(report=reports.build(session, actor)))
