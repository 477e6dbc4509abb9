"""HTML pages of the allowances domain: plan versions, funders, batches, statements, reports.

Forms follow the house pattern: on a validation error the transaction is rolled back and the
page is shown again with the values kept and the messages beside the fields (422). Approving,
disbursing and reversing need a fresh login: the error handler sends the user to
re-authenticate and back.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from haven.allowances import batches, entitlements, forms, funders, handout, jobs, plans, reports
from haven.allowances.batches import PaymentMethod, SkipReason
from haven.allowances.facts import rank_tables
from haven.allowances.lifecycle import BatchStatus, PlanStatus
from haven.allowances.models import PaymentBatch, PlanComponent, PlanVersion
from haven.allowances.rules import CURRENCIES, ChildDelivery, ComponentKind, explain, format_money
from haven.db.session import end_transaction
from haven.errors import Conflict, HavenError, NotFound, PermissionDenied, ValidationFailed
from haven.i18n import N_, gettext
from haven.jobs.public import enqueue
from haven.kernel.clock import local_today
from haven.kernel.labels import labels
from haven.pathways.public import PATHWAY_LABELS, Pathway
from haven.reception.public import Classification, WeaponKind
from haven.security.errors import FreshAuthRequired
from haven.security.permissions import Actor, Permission, require
from haven.vetting.public import PAYABLE, VettingStatus
from haven.web import notices
from haven.web.deps import DB, Form, HtmlActor, HtmlFormActor
from haven.web.listing import Listing, ListQuery
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


def form_values(form: Any) -> dict[str, str]:
    """The text a form sent, to show it again beside the messages."""
    return {k: v for k, v in form.multi_items() if isinstance(v, str)}


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
    return notices.redirect(f"/jobs/{job_id}", JOB_STARTED)


def _base(**extra: Any) -> dict[str, Any]:
    return {
        "money": _money,
        "kind_labels": labels(ComponentKind),
        "status_labels": labels(BatchStatus),
        "plan_status_labels": labels(PlanStatus),
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
        batch_list=batches.recent_batches(session, actor)
        if _may(actor, Permission.PAYMENT_READ, Permission.PAYMENT_PREPARE)
        else [],
        budgets=funders.budget_states(session, actor)
        if _may(actor, Permission.FUNDER_MANAGE, Permission.PAYMENT_READ)
        else [],
        today=local_today().isoformat(),
        component_names=plans.component_names(session, actor, _language(request)),
        recent=entitlements.recently_computed(session, actor)
        if actor.can(Permission.ENTITLEMENT_READ)
        else [],
    )
    return render(request, "allowances/index.html", context)


# --- plans ---------------------------------------------------------------------------------


def _plan_context(
    session: Session, actor: Actor, version: PlanVersion, **extra: Any
) -> dict[str, Any]:
    """The plan page: its components in words, and (a draft, for an administrator) the form
    of one kind of component, to add one (`?add=<kind>`) or change one (`?edit=<code>`)."""
    tables = rank_tables(session)
    ranks = {rank.id: rank for table in tables.values() for rank in table.ranks}
    components = plans.components_of(session, version.id)
    editable = version.status == "draft" and actor.can(Permission.PLAN_MANAGE)
    values = extra.pop("values", None)
    add, edit = extra.pop("add", None), extra.pop("edit", None)
    if values is None and editable:
        values = _form_values(components, add, edit)
    # A component the form cannot show whole (a plan file's long stipend) is said so.
    unfit = bool(editable and edit and values is None)
    return _base(
        version=version,
        components=components,
        tables=tables,
        ranks=ranks,
        describe=lambda component, language: plans.describe(component, tables, language),
        steps=forms.steps,
        child_deliveries=labels(ChildDelivery),
        classifications=labels(Classification),
        pathways=list(Pathway),
        pathway_labels=PATHWAY_LABELS,
        vetting_statuses=sorted(PAYABLE),
        vetting_labels=labels(VettingStatus),
        weapon_labels=labels(WeaponKind),
        kinds=list(ComponentKind),
        editable=editable,
        unfit=unfit,
        values=values,
        error=extra.pop("error", None),
        **extra,
    )


def _form_values(
    components: Sequence[PlanComponent], add: str | None, edit: str | None
) -> dict[str, Any] | None:
    """The component form's values: a stored component to change, a blank one to add."""
    if edit:
        found = next((c for c in components if c.code == edit), None)
        if found is not None and forms.fits_form(found.kind, found.rules):
            return forms.values_of(
                kind=found.kind,
                currency=found.currency,
                rules=found.rules,
                eligibility=found.eligibility,
                code=found.code,
                name_en=found.name_en,
                name_my=found.name_my,
            )
    if add in set(ComponentKind):
        return forms.blank_values(ComponentKind(add))
    return None


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
    return notices.redirect(f"/allowances/plans/{version.id}", PLAN_CREATED)


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
    return notices.redirect(f"/allowances/plans/{version.id}", PLAN_IMPORTED)


@router.get("/allowances/plans/{version_id}", response_class=HTMLResponse)
def plan_page(
    request: Request,
    version_id: uuid.UUID,
    session: DB,
    actor: HtmlActor,
    add: str | None = None,
    edit: str | None = None,
) -> Response:
    version = plans.get_version(session, actor, version_id)
    return render(
        request, "allowances/plan.html", _plan_context(session, actor, version, add=add, edit=edit)
    )


@router.get("/allowances/plans/{version_id}/export")
def plan_export(version_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    version = plans.get_version(session, actor, version_id)
    body = json.dumps(plans.export_version(session, version), ensure_ascii=False, indent=2)
    return Response(
        body,
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="plan-{version.number}.json"'},
    )


COMPONENT_SAVED = notices.register(N_("The component was saved."))
COMPONENT_REMOVED = notices.register(N_("The component was removed."))
PLAN_PUBLISHED = notices.register(N_("The plan version was published."))
FUNDER_SAVED = notices.register(N_("The funder was added."))
BUDGET_SAVED = notices.register(N_("The budget line was saved."))
RECOMPUTED_PERSON = notices.register(N_("The entitlements were brought up to date."))
RECOMPUTED_ALL = notices.register(N_("Entitlements were recomputed for everyone received."))
BATCH_CREATED = notices.register(N_("The draft batch was created."))
PLAN_CREATED = notices.register(N_("The plan version was created as a draft."))
PLAN_IMPORTED = notices.register(N_("The plan version was imported as a draft."))
JOB_STARTED = notices.register(N_("The work has started. This page shows its progress."))
ITEM_REMOVED = notices.register(N_("The instalment was taken out of the batch."))
PAYMENT_RECORDED = notices.register(N_("The payment was recorded."))
PAYMENT_REVERSED = notices.register(N_("The payment was reversed."))


@router.post("/allowances/plans/{version_id}/components", response_class=HTMLResponse)
def component_save(
    request: Request, version_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    """One kind's form: amounts typed in major units of the chosen currency, eligibility
    ticked by name. The code is the component's own (changing it) or a new one from its
    kind; it is never typed."""
    version = plans.get_version(session, actor, version_id)
    values: dict[str, Any] = {
        key: str(value).strip()
        for key, value in form.multi_items()
        if isinstance(value, str) and key not in ("classifications", "pathways", "vetting")
    }
    values["serviceable_only"] = bool(form.get("serviceable_only"))
    eligibility = {
        "classifications": [str(v) for v in form.getlist("classifications")],
        "pathways": [str(v) for v in form.getlist("pathways")],
        "vetting": [str(v) for v in form.getlist("vetting")],
        "children": str(form.get("children", "") or ChildDelivery.GUARDIAN_OR_IN_KIND),
    }
    values["eligibility"] = eligibility
    try:
        kind, currency = forms.kind_and_currency(values)
        code = values.get("code") or forms.new_code(
            kind, {c.code for c in plans.components_of(session, version.id)}
        )
        plans.save_component(
            session,
            actor,
            version,
            code=code,
            kind=kind,
            name_en=values.get("name_en", ""),
            name_my=values.get("name_my", ""),
            currency=currency,
            rules=forms.rules_from_form(kind, values, currency),
            eligibility=eligibility,
        )
    except ValidationFailed as error:
        session.rollback()
        version = plans.get_version(session, actor, version_id)
        values.setdefault("band_rows", str(forms.BAND_ROWS))
        return render(
            request,
            "allowances/plan.html",
            _plan_context(session, actor, version, values=values, error=error),
            status_code=422,
        )
    return notices.redirect(f"/allowances/plans/{version_id}#components", COMPONENT_SAVED)


@router.get("/allowances/plans/{version_id}/components/{code}/remove", response_class=HTMLResponse)
def component_remove_confirm(
    request: Request, version_id: uuid.UUID, code: str, session: DB, actor: HtmlActor
) -> Response:
    version = plans.get_version(session, actor, version_id)
    require(actor, Permission.PLAN_MANAGE, version)
    component = next((c for c in plans.components_of(session, version.id) if c.code == code), None)
    if component is None:
        raise NotFound
    name = component.name_my if _language(request) == "my" and component.name_my else None
    return _confirm(
        request,
        title=N_("Remove this component?"),
        what=name or component.name_en,
        explanation=N_("The draft will no longer pay it. A published version is not affected."),
        action=f"/allowances/plans/{version_id}/components/{code}/remove",
        button=N_("Remove the component"),
        back=f"/allowances/plans/{version_id}#components",
        destructive=True,
    )


@router.post("/allowances/plans/{version_id}/components/{code}/remove")
def component_remove(
    version_id: uuid.UUID, code: str, session: DB, actor: HtmlFormActor
) -> Response:
    version = plans.get_version(session, actor, version_id)
    plans.remove_component(session, actor, version, code)
    return notices.redirect(f"/allowances/plans/{version_id}#components", COMPONENT_REMOVED)


@router.get("/allowances/plans/{version_id}/publish", response_class=HTMLResponse)
def plan_publish_confirm(
    request: Request, version_id: uuid.UUID, session: DB, actor: HtmlActor
) -> Response:
    version = plans.get_version(session, actor, version_id)
    require(actor, Permission.PLAN_MANAGE, version)
    return _confirm(
        request,
        title=N_("Publish this plan version?"),
        what=f"{version.number}: {version.name}",
        explanation=N_(
            "Once published, this version cannot change and applies to everyone received "
            "from its date."
        ),
        action=f"/allowances/plans/{version_id}/publish",
        button=N_("Publish this version"),
        back=f"/allowances/plans/{version_id}",
    )


@router.post("/allowances/plans/{version_id}/publish")
def plan_publish(version_id: uuid.UUID, session: DB, actor: HtmlFormActor) -> Response:
    plans.publish(session, actor, plans.get_version(session, actor, version_id))
    return notices.redirect(f"/allowances/plans/{version_id}", PLAN_PUBLISHED)


def _language(request: Request) -> str:
    return str(getattr(request.state, "language", "en"))


def _confirm(
    request: Request,
    *,
    title: str,
    what: str,
    explanation: str,
    action: str,
    button: str,
    back: str,
    destructive: bool = False,
    status_code: int = 200,
) -> Response:
    """A confirmation step (no script needed): what is about to happen, and one button."""
    return render(
        request,
        "allowances/confirm.html",
        _base(
            title=title,
            what=what,
            explanation=explanation,
            action=action,
            button=button,
            back=back,
            destructive=destructive,
        ),
        status_code=status_code,
    )


# --- funders -------------------------------------------------------------------------------


def _funders_context(session: Session, actor: Actor, language: str, **extra: Any) -> dict[str, Any]:
    names = plans.component_names(session, actor, language)
    return _base(
        component_names=names,
        funder_list=funders.list_funders(session, actor),
        budgets=funders.budget_states(session, actor),
        may_manage=actor.can(Permission.FUNDER_MANAGE),
        values=extra.pop("values", {}),
        error=extra.pop("error", None),
        **extra,
    )


@router.get("/allowances/funders", response_class=HTMLResponse)
def funder_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    return render(
        request, "allowances/funders.html", _funders_context(session, actor, _language(request))
    )


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
            _funders_context(session, actor, _language(request), values=values, error=error),
            status_code=422,
        )
    return notices.redirect("/allowances/funders", FUNDER_SAVED)


def _budget(value: str, currency: str) -> int:
    """The budget typed in major units of its currency ("2,000,000" kyat, "5000.50" USD)."""
    if value.replace(",", "").strip() in ("0", "0.0", "0.00"):
        return 0
    try:
        return forms.to_minor(value, currency)
    except ValueError as problem:
        raise ValidationFailed(fields={"budget": str(problem.args[0])}) from None


@router.post("/allowances/funders/budget-lines", response_class=HTMLResponse)
def budget_line_save(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    values = {
        k: str(form.get(k, "")).strip()
        for k in ("funder_id", "component_code", "currency", "share_percent", "budget")
    }
    try:
        try:
            funder = funders.get_funder(session, actor, uuid.UUID(values["funder_id"]))
        except ValueError:
            raise ValidationFailed(fields={"funder_id": N_("Choose a funder.")}) from None
        try:
            share = int((Decimal(values["share_percent"].replace(",", ".")) * 100).to_integral())
        except (InvalidOperation, ValueError, OverflowError):
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
            budget_minor=_budget(values["budget"], values["currency"]),
        )
    except ValidationFailed as error:
        session.rollback()
        renamed = {"share_bp": "share_percent", "budget_minor": "budget"}
        error.fields = {renamed.get(k, k): v for k, v in error.fields.items()}
        return render(
            request,
            "allowances/funders.html",
            _funders_context(session, actor, _language(request), values=values, error=error),
            status_code=422,
        )
    return notices.redirect("/allowances/funders", BUDGET_SAVED)


# --- batches -------------------------------------------------------------------------------


@router.get("/allowances/batches", response_class=HTMLResponse)
def batch_list_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    """Every payment batch, filtered by state, newest or oldest first, a page at a time."""
    query = ListQuery.from_request(request, sorts=batches.BATCH_SORTS, default="newest")
    state = query.get("state")
    status = BatchStatus(state) if state in {str(s) for s in BatchStatus} else None
    listing = Listing.load(
        query,
        lambda limit, offset: batches.batch_page(
            session, actor, status=status, sort=query.sort, limit=limit, offset=offset
        ),
    )
    context = _base(listing=listing, state=status, states=list(BatchStatus))
    return render(request, "allowances/batches.html", context)


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
            batch_list=batches.recent_batches(session, actor),
            budgets=funders.budget_states(session, actor),
            values=values,
            error=error,
        )
        return render(request, "allowances/index.html", context, status_code=422)
    return notices.redirect(f"/allowances/batches/{batch.id}", BATCH_CREATED)


def _batch_context(
    session: Session, actor: Actor, batch: PaymentBatch, language: str = "en", **extra: Any
) -> dict[str, Any]:
    items = batches.items_of(session, batch)
    shown = items[:SHOWN_ITEMS]
    names, codes = batches.item_labels(session, shown)
    paid = batches.disbursements_of(session, batch)
    component_names = plans.component_names(session, actor, language)
    return _base(
        batch=batch,
        # Four eyes: whoever prepared the batch sees who must approve it, not a button.
        maker=actor.user_id is not None
        and actor.user_id in (batch.created_by_id, batch.submitted_by_id),
        instalment=lambda label: _instalment_label(label, component_names),
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
        refused=extra.pop("refused", None),
        kept=extra.pop("kept", {}),
        added=extra.pop("added", None),
        skip_labels=labels(SkipReason),
        today=local_today().isoformat(),
        **extra,
    )


@router.get("/allowances/batches/{batch_id}", response_class=HTMLResponse)
def batch_page(request: Request, batch_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    batch = batches.get_batch(session, actor, batch_id)
    return render(
        request, "allowances/batch.html", _batch_context(session, actor, batch, _language(request))
    )


def _instalment_label(label: str, names: dict[str, str]) -> str:
    """ "stipend #2" (as the repository labels an instalment) → "Monthly stipend, 2"."""
    code, _, number = label.partition(" #")
    name = names.get(code, code)
    if not number or number == "1":
        return name
    return str(gettext(N_("%(name)s, instalment %(number)s"))) % {"name": name, "number": number}


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
            _batch_context(session, actor, batch, _language(request), error=error),
            status_code=422,
        )
    return render(
        request,
        "allowances/batch.html",
        _batch_context(session, actor, batch, _language(request), added=result),
    )


_MOVES = {
    "submit": batches.submit,
    "return": batches.return_to_draft,
    "approve": batches.approve,
    "cancel": batches.cancel,
    "reconcile": batches.reconcile_batch,
}


# Each move: who may make it, the confirmation's question, what it does, its button and the
# message once done.
_MOVE_TEXT: dict[str, tuple[Permission, str, str, str, notices.Notice]] = {
    "submit": (
        Permission.PAYMENT_PREPARE,
        N_("Submit this batch for approval?"),
        N_("Another finance officer must then approve it; you can no longer add to it."),
        N_("Submit for approval"),
        notices.register(N_("The batch was submitted for approval.")),
    ),
    "return": (
        Permission.PAYMENT_APPROVE,
        N_("Return this batch to its maker?"),
        N_("It becomes a draft again, which its maker can change and submit again."),
        N_("Return to the maker"),
        notices.register(N_("The batch was returned to its maker.")),
    ),
    "approve": (
        Permission.PAYMENT_APPROVE,
        N_("Approve this batch?"),
        N_(
            "Once approved, the cashier pays each item. Vetting is checked again for every "
            "person, and every funder's budget must cover its share."
        ),
        N_("Approve the batch"),
        notices.register(N_("The batch was approved: the cashier can pay it.")),
    ),
    "cancel": (
        Permission.PAYMENT_PREPARE,
        N_("Cancel this batch?"),
        N_("Nothing in it will be paid; its instalments can go into another batch."),
        N_("Cancel the batch"),
        notices.register(N_("The batch was cancelled.")),
    ),
    "reconcile": (
        Permission.PAYMENT_APPROVE,
        N_("Reconcile this batch against the ledger?"),
        N_("The batch is checked against the ledger and closed."),
        N_("Reconcile against the ledger"),
        notices.register(N_("The batch was reconciled against the ledger.")),
    ),
}


def _batch_summary(batch: PaymentBatch, totals: Any) -> str:
    return (
        f"#{batch.number}: {batch.title} — {totals.count} · {_money(totals.total, batch.currency)}"
    )


@router.get("/allowances/batches/{batch_id}/{move}", response_class=HTMLResponse)
def batch_move_confirm(
    request: Request, batch_id: uuid.UUID, move: str, session: DB, actor: HtmlActor
) -> Response:
    """The confirmation step of a move: what is about to happen, one button."""
    if move not in _MOVE_TEXT:
        raise NotFound
    batch = batches.get_batch(session, actor, batch_id)
    permission, question, explanation, button, _done = _MOVE_TEXT[move]
    if not actor.can(permission) or (move == "approve" and _is_maker(actor, batch)):
        return _batch_refused(request, session, actor, batch, _refusal(actor, batch, move))
    return _confirm(
        request,
        title=question,
        what=_batch_summary(batch, batches.totals(session, batch)),
        explanation=explanation,
        action=f"/allowances/batches/{batch_id}/{move}",
        button=button,
        back=f"/allowances/batches/{batch_id}",
        destructive=move == "cancel",
    )


def _is_maker(actor: Actor, batch: PaymentBatch) -> bool:
    return actor.user_id is not None and actor.user_id in (
        batch.created_by_id,
        batch.submitted_by_id,
    )


def _refusal(actor: Actor, batch: PaymentBatch, move: str) -> HavenError:
    if move == "approve" and _is_maker(actor, batch):
        return PermissionDenied(
            N_("You prepared this batch: another finance officer must approve it.")
        )
    return PermissionDenied()


def _batch_refused(
    request: Request, session: Session, actor: Actor, batch: PaymentBatch, error: HavenError
) -> Response:
    """A move refused: the batch page again, with the reason above it (not a bare error)."""
    return render(
        request,
        "allowances/batch.html",
        _batch_context(session, actor, batch, _language(request), refused=error),
        status_code=error.status,
    )


@router.post("/allowances/batches/{batch_id}/{move}")
def batch_move(
    request: Request, batch_id: uuid.UUID, move: str, session: DB, actor: HtmlFormActor
) -> Response:
    action = _MOVES.get(move)
    if action is None:
        raise NotFound
    try:
        action(session, actor, batches.get_batch(session, actor, batch_id))
    except (FreshAuthRequired, NotFound):
        raise
    except (PermissionDenied, Conflict) as error:
        session.rollback()
        batch = batches.get_batch(session, actor, batch_id)
        return _batch_refused(request, session, actor, batch, error)
    return notices.redirect(f"/allowances/batches/{batch_id}", _MOVE_TEXT[move][4])


@router.post("/allowances/items/{item_id}/remove")
def item_remove(item_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    batch_id = _form_uuid(form, "batch_id")
    batches.remove_item(session, actor, item_id)
    return notices.redirect(f"/allowances/batches/{batch_id}", ITEM_REMOVED)


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
            receipt_reference=str(
                form.get(f"receipt_reference-{item_id}") or form.get("receipt_reference", "")
            ),
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
            _batch_context(
                session,
                actor,
                batch,
                _language(request),
                error=error,
                failed_item=item_id,
                kept=form_values(form),
            ),
            status_code=422,
        )
    return notices.redirect(f"/allowances/batches/{batch_id}#item-{item_id}", PAYMENT_RECORDED)


@router.post("/allowances/disbursements/{disbursement_id}/reverse", response_class=HTMLResponse)
def disbursement_reverse(
    request: Request, disbursement_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    batch_id = _form_uuid(form, "batch_id")
    try:
        # The page's field is named per payment (several on one page); the plain name too.
        reason = form.get(f"reason-{disbursement_id}") or form.get("reason", "")
        batches.reverse(session, actor, disbursement_id, reason=str(reason))
    except ValidationFailed as error:
        session.rollback()
        batch = batches.get_batch(session, actor, batch_id)
        error.fields = {f"{k}-{disbursement_id}": v for k, v in error.fields.items()}
        return render(
            request,
            "allowances/batch.html",
            _batch_context(
                session, actor, batch, _language(request), error=error, kept=form_values(form)
            ),
            status_code=422,
        )
    return notices.redirect(f"/allowances/batches/{batch_id}", PAYMENT_REVERSED)


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
    component_names = plans.component_names(session, actor, language)
    return render(
        request,
        "allowances/statement.html",
        _base(
            component_names=component_names,
            instalment=lambda label: _instalment_label(label, component_names),
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
    return notices.redirect(f"/allowances/people/{person_id}", RECOMPUTED_PERSON)


@router.post("/allowances/recompute")
def recompute_all(request: Request, session: DB, actor: HtmlFormActor) -> Response:
    count = entitlements.received_count(session, actor)
    if count > jobs.JOB_PEOPLE:
        # Many people: recomputed in the background, a part at a time.
        return _start_job(request, session, actor, jobs.RECOMPUTE.name, {}, count)
    entitlements.recompute_organisation(session, actor)
    return notices.redirect("/allowances", RECOMPUTED_ALL)


# --- reports -------------------------------------------------------------------------------


@router.get("/allowances/reports", response_class=HTMLResponse)
def report_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    names = plans.component_names(session, actor, _language(request))
    return render(
        request,
        "allowances/reports.html",
        _base(report=reports.build(session, actor), component_names=names),
    )
