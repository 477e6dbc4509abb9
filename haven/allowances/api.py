"""JSON endpoints of the allowances domain.

Approving a batch, recording a disbursement and reversing a payment need a fresh interactive
login (`require_fresh`), which an API token never is: those three are on the HTML pages only.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Body, Request, Response

from haven.allowances import batches, entitlements, funders, ledger, plans, reports
from haven.allowances.facts import rank_tables
from haven.allowances.models import PaymentBatch, PlanComponent, PlanVersion
from haven.allowances.rules import ComponentKind, RankTable, explain
from haven.allowances.schemas import (
    AddDueIn,
    AddDueOut,
    BatchDetail,
    BatchIn,
    BatchOut,
    BudgetLineIn,
    BudgetLineOut,
    BudgetStateOut,
    ComponentIn,
    ComponentOut,
    DifferenceOut,
    FunderIn,
    FunderOut,
    LineChangeOut,
    PersonChangeOut,
    PlanVersionDetail,
    PlanVersionIn,
    PlanVersionOut,
    RecomputeIn,
    ReportRowOut,
    StatementLineOut,
    StatementOut,
)
from haven.i18n import DEFAULT_LANGUAGE, render
from haven.security.permissions import Actor, Permission, require
from haven.web.deps import DB, ApiActor

router = APIRouter(prefix="/api/allowances", tags=["allowances"])


def _language(request: Request) -> str:
    return str(getattr(request.state, "language", DEFAULT_LANGUAGE))


def _component(
    component: PlanComponent, tables: Mapping[str, RankTable], language: str
) -> ComponentOut:
    out = ComponentOut.model_validate(component)
    out.open_to = plans.describe(component, tables, language)
    return out


def _detail(session: DB, version: PlanVersion, language: str) -> PlanVersionDetail:
    tables = rank_tables(session)
    return PlanVersionDetail(
        **PlanVersionOut.model_validate(version).model_dump(),
        components=[
            _component(c, tables, language) for c in plans.components_of(session, version.id)
        ],
    )


def _plan(session: DB, actor: Actor, plan_version_id: uuid.UUID) -> PlanVersion:
    version = plans.get_version(session, actor, plan_version_id)
    require(actor, Permission.PLAN_MANAGE, version)
    return version


@router.get("/plans")
def list_plans(session: DB, actor: ApiActor) -> list[PlanVersionOut]:
    """Every version of the organisation's defection plan, newest first."""
    require(actor, Permission.PLAN_MANAGE)
    return [PlanVersionOut.model_validate(v) for v in plans.list_versions(session, actor)]


@router.post("/plans", status_code=201)
def create_plan(data: PlanVersionIn, session: DB, actor: ApiActor) -> PlanVersionOut:
    """A new draft version, empty or copied from `copy_from`."""
    version = plans.create_version(
        session,
        actor,
        name=data.name or "",
        effective_from=data.effective_from,
        notes=data.notes,
        copy_from=data.copy_from,
    )
    return PlanVersionOut.model_validate(version)


@router.post("/plans/import", status_code=201)
def import_plan(
    request: Request,
    session: DB,
    actor: ApiActor,
    data: dict[str, Any] = Body(...),  # noqa: B008
) -> PlanVersionDetail:
    """A new draft from a plan file (the shape `GET /plans/{id}` returns): all or nothing."""
    return _detail(session, plans.import_version(session, actor, data), _language(request))


@router.get("/plans/{plan_version_id}")
def get_plan(
    request: Request, plan_version_id: uuid.UUID, session: DB, actor: ApiActor
) -> PlanVersionDetail:
    """One version with its components, each saying in words who it is open to."""
    return _detail(session, _plan(session, actor, plan_version_id), _language(request))


@router.put("/plans/{plan_version_id}/components/{code}")
def save_component(
    request: Request,
    plan_version_id: uuid.UUID,
    code: str,
    data: ComponentIn,
    session: DB,
    actor: ApiActor,
) -> ComponentOut:
    """Add or replace a component of a draft version."""
    version = _plan(session, actor, plan_version_id)
    component = plans.save_component(
        session,
        actor,
        version,
        code=code,
        kind=data.kind,
        name_en=data.name_en or "",
        name_my=data.name_my,
        currency=data.currency,
        rules=data.rules,
        eligibility=data.eligibility,
    )
    return _component(component, rank_tables(session), _language(request))


@router.delete("/plans/{plan_version_id}/components/{code}", status_code=204)
def remove_component(
    plan_version_id: uuid.UUID, code: str, session: DB, actor: ApiActor
) -> Response:
    """Remove a component from a draft version."""
    plans.remove_component(session, actor, _plan(session, actor, plan_version_id), code)
    return Response(status_code=204)


@router.post("/plans/{plan_version_id}/publish")
def publish_plan(plan_version_id: uuid.UUID, session: DB, actor: ApiActor) -> PlanVersionOut:
    """Freeze a draft; it decides entitlements of people received from its effective date."""
    version = plans.publish(session, actor, _plan(session, actor, plan_version_id))
    return PlanVersionOut.model_validate(version)


@router.get("/funders")
def list_funders(session: DB, actor: ApiActor) -> list[FunderOut]:
    """The organisation's funders."""
    require(actor, Permission.FUNDER_MANAGE)
    return [FunderOut.model_validate(f) for f in funders.list_funders(session, actor)]


@router.post("/funders", status_code=201)
def create_funder(data: FunderIn, session: DB, actor: ApiActor) -> FunderOut:
    """A new funder."""
    funder = funders.save_funder(session, actor, name=data.name or "", name_my=data.name_my)
    return FunderOut.model_validate(funder)


@router.put("/funders/{funder_id}/budget-lines")
def save_budget_line(
    funder_id: uuid.UUID, data: BudgetLineIn, session: DB, actor: ApiActor
) -> BudgetLineOut:
    """Set the funder's share of a plan component and its budget."""
    funder = funders.get_funder(session, actor, funder_id)
    line = funders.save_budget_line(
        session,
        actor,
        funder,
        component_code=data.component_code,
        currency=data.currency,
        share_bp=data.share_bp,
        budget_minor=data.budget_minor,
    )
    return BudgetLineOut.model_validate(line)


@router.get("/budgets")
def budgets(session: DB, actor: ApiActor) -> list[BudgetStateOut]:
    """Every budget line with what was paid, what approved batches reserve, what remains."""
    require(actor, Permission.PAYMENT_READ)
    return [
        BudgetStateOut(
            funder_id=s.line.funder_id,
            funder=s.funder_name,
            component_code=s.line.component_code,
            currency=s.line.currency,
            share_bp=s.line.share_bp,
            budget_minor=s.line.budget_minor,
            paid_minor=s.paid,
            reserved_minor=s.reserved,
            remaining_minor=s.remaining,
        )
        for s in funders.budget_states(session, actor)
    ]


def _change_out(change: entitlements.PersonChange) -> PersonChangeOut:
    return PersonChangeOut(
        person_id=change.person_id,
        plan_version_id=change.plan_version_id,
        changes=[
            LineChangeOut(
                component_code=c.component_code,
                number=c.number,
                before_minor=c.before,
                after_minor=c.after,
                currency=c.currency,
                overpaid_minor=c.overpaid,
            )
            for c in change.changes
        ],
        not_eligible={k: render(v) for k, v in change.not_eligible.items()},
        problem=render(change.problem) if change.problem else None,
    )


@router.post("/entitlements/recompute")
def recompute(data: RecomputeIn, session: DB, actor: ApiActor) -> list[PersonChangeOut]:
    """Bring these persons' entitlements in line with their facts; returns the differences."""
    return [_change_out(c) for c in entitlements.recompute(session, actor, data.person_ids)]


@router.get("/people/{person_id}/preview")
def preview(person_id: uuid.UUID, session: DB, actor: ApiActor) -> PersonChangeOut:
    """What a recomputation would change for this person (nothing is written)."""
    return _change_out(entitlements.preview(session, actor, person_id))


@router.get("/people/{person_id}/statement")
def statement(person_id: uuid.UUID, session: DB, actor: ApiActor) -> StatementOut:
    """Every amount the person is owed, why, and what was paid (the read is audited)."""
    found = entitlements.statement(session, actor, person_id)
    lines = []
    for line in found.lines:
        i = line.instalment
        component = line.component
        text = (
            explain(
                ComponentKind(component.kind),
                component.name_en,
                i.amount_minor,
                i.currency,
                i.detail,
                gettext=lambda m: m,
            )
            if component
            else i.component_code
        )
        lines.append(
            StatementLineOut(
                component_code=i.component_code,
                number=i.number,
                part=i.part,
                due_on=i.due_on,
                amount_minor=i.amount_minor,
                currency=i.currency,
                explanation=text,
                delivery=i.detail.get("delivery"),
                state=line.state,
                paid_on=line.paid_on,
                receipt_reference=line.receipt_reference,
            )
        )
    return StatementOut(
        person_id=person_id,
        vetting=found.vetting,
        standing=str(found.standing.state),
        may_receive_cash=found.standing.may_receive_cash,
        payable=found.payable,
        lines=lines,
        owed=found.owed,
        paid=found.paid,
        outstanding=found.outstanding,
    )


def _batch_detail(session: DB, batch: PaymentBatch) -> BatchDetail:
    t = batches.totals(session, batch)
    return BatchDetail(
        **BatchOut.model_validate(batch).model_dump(),
        item_count=t.count,
        total_minor=t.total,
        disbursed_count=t.disbursed_count,
        disbursed_minor=t.disbursed_total,
    )


@router.get("/batches")
def list_batches(session: DB, actor: ApiActor) -> list[BatchOut]:
    """Payment batches, newest first."""
    require(actor, Permission.PAYMENT_READ)
    return [BatchOut.model_validate(b) for b in batches.list_batches(session, actor)]


@router.post("/batches", status_code=201)
def create_batch(data: BatchIn, session: DB, actor: ApiActor) -> BatchDetail:
    """A new draft batch in one currency."""
    batch = batches.create_batch(session, actor, title=data.title or "", currency=data.currency)
    return _batch_detail(session, batch)


@router.get("/batches/{batch_id}")
def get_batch(batch_id: uuid.UUID, session: DB, actor: ApiActor) -> BatchDetail:
    """One batch with its totals."""
    batch = batches.get_batch(session, actor, batch_id)
    require(actor, Permission.PAYMENT_READ, batch)
    return _batch_detail(session, batch)


@router.post("/batches/{batch_id}/items")
def add_due(batch_id: uuid.UUID, data: AddDueIn, session: DB, actor: ApiActor) -> AddDueOut:
    """Add every payable instalment due by a date; says how many were left out and why."""
    batch = batches.get_batch(session, actor, batch_id)
    result = batches.add_due(
        session,
        actor,
        batch,
        due_by=data.due_by,
        component_codes=data.component_codes,
        person_ids=data.person_ids,
    )
    return AddDueOut(added=result.added, total_minor=result.total, skipped=dict(result.skipped))


@router.post("/batches/{batch_id}/submit")
def submit(batch_id: uuid.UUID, session: DB, actor: ApiActor) -> BatchOut:
    """The maker submits the batch for approval by someone else."""
    batch = batches.submit(session, actor, batches.get_batch(session, actor, batch_id))
    return BatchOut.model_validate(batch)


@router.post("/batches/{batch_id}/return")
def return_to_draft(batch_id: uuid.UUID, session: DB, actor: ApiActor) -> BatchOut:
    """The checker sends a submitted batch back to its maker."""
    batch = batches.return_to_draft(session, actor, batches.get_batch(session, actor, batch_id))
    return BatchOut.model_validate(batch)


@router.post("/batches/{batch_id}/cancel")
def cancel(batch_id: uuid.UUID, session: DB, actor: ApiActor) -> BatchOut:
    """Cancel a draft or submitted batch; its instalments become free again."""
    batch = batches.cancel(session, actor, batches.get_batch(session, actor, batch_id))
    return BatchOut.model_validate(batch)


@router.post("/batches/{batch_id}/reconcile")
def reconcile_batch(batch_id: uuid.UUID, session: DB, actor: ApiActor) -> BatchOut:
    """Confirm a disbursed batch once the ledger reconciles."""
    batch = batches.reconcile_batch(session, actor, batches.get_batch(session, actor, batch_id))
    return BatchOut.model_validate(batch)


@router.get("/reports")
def report(session: DB, actor: ApiActor) -> list[ReportRowOut]:
    """Disbursed and outstanding by funder, component and month."""
    return [
        ReportRowOut(
            funder=r.funder,
            component_code=r.component_code,
            month=r.month,
            currency=r.currency,
            disbursed_minor=r.disbursed,
            outstanding_minor=r.outstanding,
        )
        for r in reports.build(session, actor).rows
    ]


@router.get("/ledger/reconciliation")
def reconciliation(session: DB, actor: ApiActor) -> list[DifferenceOut]:
    """Every difference between the ledger and the records it sums (empty: all reconciles)."""
    require(actor, Permission.PAYMENT_READ)
    organisation = actor.organisation_id
    return [
        DifferenceOut(
            what=d.what,
            owner_id=d.owner_id,
            currency=d.currency,
            ledger_minor=d.ledger,
            expected_minor=d.expected,
        )
        for d in ledger.reconcile(session, organisation)
    ]
