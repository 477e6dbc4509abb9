"""Funders, their budget lines per plan component, shares and what remains of each budget.

A component is payable only when its shares add up to exactly 100 % (10,000 basis points):
every kyat paid is then attributed to a funder. A budget line's remainder is its budget minus
what was paid from it (net of reversals) minus what approved, not yet disbursed batches have
reserved.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from haven.allowances import ledger
from haven.allowances.models import BudgetLine, Funder
from haven.allowances.plans import organisation_of, require_any
from haven.allowances.repository import BudgetLines, Funders, Items, Ledger
from haven.allowances.rules import CODE_PATTERN, CURRENCY_EXPONENT, MAX_AMOUNT
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.errors import ValidationFailed
from haven.i18n import N_, Text
from haven.security.permissions import Actor, Permission, require

FULL_SHARE = 10_000
READERS = (Permission.FUNDER_MANAGE, Permission.PAYMENT_READ, Permission.PAYMENT_PREPARE)


def list_funders(session: Session, actor: Actor) -> Sequence[Funder]:
    require_any(actor, READERS)
    return Funders(session).listed(actor)


def get_funder(session: Session, actor: Actor, funder_id: uuid.UUID) -> Funder:
    funder = Funders(session).get_for(actor, funder_id)
    require_any(actor, READERS, funder)
    return funder


def save_funder(
    session: Session,
    actor: Actor,
    *,
    name: str,
    name_my: str | None = None,
    active: bool = True,
    funder: Funder | None = None,
    organisation_id: uuid.UUID | None = None,
) -> Funder:
    """Create a funder, or rename/deactivate `funder`."""
    require(actor, Permission.FUNDER_MANAGE, funder)
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise ValidationFailed(fields={"name": N_("Enter the funder's name (at most 200).")})
    organisation = funder.organisation_id if funder else organisation_of(actor, organisation_id)
    clash = Funders(session).named(organisation, name)
    if clash is not None and (funder is None or clash != funder.id):
        raise ValidationFailed(fields={"name": N_("A funder with this name exists already.")})
    before = {"name": funder.name, "active": funder.active} if funder else {}
    if funder is None:
        funder = Funder(organisation_id=organisation, name=name)
        session.add(funder)
    funder.name = name
    funder.name_my = (name_my or "").strip()[:200] or None
    funder.active = active
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.ALLOWANCE_FUNDER_SAVED,
        subject_type="allowance_funder",
        subject_id=funder.id,
        organisation_id=organisation,
        changes=audit.diff(before, {"name": funder.name, "active": funder.active}),
    )
    return funder


def budget_lines(
    session: Session, actor: Actor, funder: Funder | None = None
) -> Sequence[BudgetLine]:
    require_any(actor, READERS, funder)
    return BudgetLines(session).listed(actor, funder.id if funder is not None else None)


def save_budget_line(
    session: Session,
    actor: Actor,
    funder: Funder,
    *,
    component_code: str,
    currency: str,
    share_bp: int,
    budget_minor: int,
) -> BudgetLine:
    """Set the funder's share of a component and its budget (one line per code and currency)."""
    require(actor, Permission.FUNDER_MANAGE, funder)
    fields: dict[str, Text | str] = {}
    if not CODE_PATTERN.match(component_code or ""):
        fields["component_code"] = N_("Enter the code of a plan component.")
    if currency not in CURRENCY_EXPONENT:
        fields["currency"] = N_("Choose MMK, THB or USD.")
    if not 1 <= share_bp <= FULL_SHARE:
        fields["share_bp"] = N_("The share must be between 0.01 % and 100 %.")
    if not 0 <= budget_minor <= MAX_AMOUNT:
        fields["budget_minor"] = N_("Enter a budget of zero or more.")
    if fields:
        raise ValidationFailed(fields=fields)
    lines = BudgetLines(session)
    line = lines.line(funder.id, component_code, currency)
    others = lines.other_shares(funder.organisation_id, component_code, currency, funder.id)
    if others + share_bp > FULL_SHARE:
        raise ValidationFailed(
            fields={
                "share_bp": N_("The shares of this component would exceed 100 %: lower one first.")
            }
        )
    if line is not None:
        spent = ledger.funder_paid(session, funder.id).get((component_code, currency), 0)
        if budget_minor < spent:
            raise ValidationFailed(
                fields={"budget_minor": N_("The budget cannot be less than what was already paid.")}
            )
    before = {"share_bp": line.share_bp, "budget_minor": line.budget_minor} if line else {}
    if line is None:
        line = BudgetLine(
            organisation_id=funder.organisation_id,
            funder_id=funder.id,
            component_code=component_code,
            currency=currency,
        )
        session.add(line)
    line.share_bp = share_bp
    line.budget_minor = budget_minor
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.ALLOWANCE_BUDGET_LINE_SAVED,
        subject_type="allowance_funder",
        subject_id=funder.id,
        organisation_id=funder.organisation_id,
        changes={"component_code": component_code, "currency": currency}
        | audit.diff(before, {"share_bp": share_bp, "budget_minor": budget_minor}),
    )
    return line


@dataclass(frozen=True)
class BudgetState:
    line: BudgetLine
    funder_name: str
    paid: int
    reserved: int

    @property
    def remaining(self) -> int:
        return self.line.budget_minor - self.paid - self.reserved


def reserved_by_code(
    session: Session, organisation_id: uuid.UUID, *, exclude_batch: uuid.UUID | None = None
) -> dict[tuple[str, str], int]:
    """(component code, currency) → amount in approved batches not yet disbursed."""
    return Items(session).reserved(organisation_id, exclude_batch=exclude_batch)


def shares_by_component(
    lines: Sequence[BudgetLine],
) -> dict[tuple[uuid.UUID, str, str], list[tuple[uuid.UUID, int]]]:
    """(organisation, code, currency) → (funder, basis points) by funder id, from lines
    already loaded: the shares `ledger.shares_for` reads, without a query per component."""
    shares: dict[tuple[uuid.UUID, str, str], list[tuple[uuid.UUID, int]]] = defaultdict(list)
    for line in lines:
        shares[(line.organisation_id, line.component_code, line.currency)].append(
            (line.funder_id, line.share_bp)
        )
    for parts in shares.values():
        parts.sort(key=lambda part: part[0])
    return shares


def budget_states(session: Session, actor: Actor) -> list[BudgetState]:
    """Every budget line of the actor's organisation with what was paid and what remains.

    A constant number of queries whatever the number of lines and funders: the lines, the
    funders' names, what each funder paid (one batched read) and, per organisation, what
    approved batches reserve."""
    require_any(actor, READERS)
    lines = budget_lines(session, actor)
    if not lines:
        return []
    names = {f.id: f.name for f in list_funders(session, actor)}
    paid = Ledger(session).funders_paid(line.funder_id for line in lines)
    # The actor sees every line of an organisation or none: the shares are complete.
    shares = shares_by_component(lines)
    states: list[BudgetState] = []
    reserved_cache: dict[uuid.UUID, dict[tuple[str, str], int]] = {}
    for line in lines:
        if line.organisation_id not in reserved_cache:
            reserved_cache[line.organisation_id] = reserved_by_code(session, line.organisation_id)
        key = (line.component_code, line.currency)
        reserved_total = reserved_cache[line.organisation_id].get(key, 0)
        share = (
            dict(
                ledger.split(
                    reserved_total,
                    shares.get((line.organisation_id, *key)) or [(line.funder_id, 1)],
                )
            ).get(line.funder_id, 0)
            if reserved_total
            else 0
        )
        states.append(
            BudgetState(
                line=line,
                funder_name=names.get(line.funder_id, ""),
                paid=paid.get(line.funder_id, {}).get(key, 0),
                reserved=share,
            )
        )
    return states


def fully_funded(session: Session, organisation_id: uuid.UUID) -> set[tuple[str, str]]:
    """(component code, currency) pairs whose shares add up to 100 %."""
    totals = BudgetLines(session).share_totals(organisation_id)
    return {key for key, total in totals.items() if total == FULL_SHARE}


def check_budgets(
    session: Session,
    organisation_id: uuid.UUID,
    needed: dict[tuple[str, str], int],
    *,
    exclude_batch: uuid.UUID | None = None,
) -> list[tuple[uuid.UUID, str, str, int]]:
    """(funder, code, currency, shortfall) for each budget line the `needed` amounts overrun."""
    reserved = reserved_by_code(session, organisation_id, exclude_batch=exclude_batch)
    lines = BudgetLines(session).of_organisation(organisation_id)
    by_key = {(line.funder_id, line.component_code, line.currency): line for line in lines}
    shares = shares_by_component(lines)
    paid = Ledger(session).funders_paid({line.funder_id for line in lines})
    short = []
    for (code, currency), amount in needed.items():
        parts = shares.get((organisation_id, code, currency), [])
        total_reserved = reserved.get((code, currency), 0)
        wanted = dict(ledger.split(amount + total_reserved, parts)) if parts else {}
        for funder_id, part in wanted.items():
            line = by_key[(funder_id, code, currency)]
            spent = paid.get(funder_id, {}).get((code, currency), 0)
            if spent + part > line.budget_minor:
                short.append((funder_id, code, currency, spent + part - line.budget_minor))
    return short
