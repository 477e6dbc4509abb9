"""The allowances domain's public surface: the only module other packages may import
(docs/architecture.md, "Between domains").

Allowances is the top domain: no other domain reads it (an agreement's plan version is
checked by allowances' own handler of `AgreementTermsSet`). What is here serves the shell
that composes the domains: the demo builder, the command line and the benchmarks, which
load a plan, fund it, compute entitlements and pay them through the same services as the
pages.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from haven.allowances.batches import (
    PaymentMethod,
    SkipReason,
    add_due,
    approve,
    create_batch,
    disburse,
    submit,
)
from haven.allowances.entitlements import (
    StatementState,
    preview,
    recompute,
    recompute_organisation,
    statement,
)
from haven.allowances.funders import save_budget_line, save_funder
from haven.allowances.ledger import reconcile
from haven.allowances.lifecycle import BatchStatus, PlanStatus
from haven.allowances.plans import (
    create_version,
    has_versions,
    import_version,
    version_in_force,
)
from haven.allowances.plans import publish as publish_version
from haven.allowances.references import find_by_reference
from haven.allowances.repository import (
    Disbursements,
    Instalments,
    approved_by_line,
    budget_rows,
    entitled_by_line,
    paid_by_line,
    people_by_component,
)
from haven.allowances.rules import ComponentKind, format_money
from haven.security.permissions import Actor

__all__ = [
    "BatchStatus",
    "ComponentKind",
    "PaymentMethod",
    "PlanStatus",
    "SkipReason",
    "StatementState",
    "add_due",
    "approve",
    "approved_by_line",
    "budget_rows",
    "create_batch",
    "create_version",
    "disburse",
    "entitled_by_line",
    "find_by_reference",
    "format_money",
    "has_versions",
    "import_version",
    "instalment_person",
    "paid_by_line",
    "payments_in_windows",
    "people_by_component",
    "preview",
    "publish_version",
    "recompute",
    "recompute_organisation",
    "reconcile",
    "save_budget_line",
    "save_funder",
    "statement",
    "submit",
    "version_in_force",
]


def payments_in_windows(session: Session, actor: Actor, edges: Sequence[datetime]) -> list[int]:
    """Payments handed over in each window of time, in the actor's scope (the dashboard)."""
    return Disbursements(session).in_windows(actor, edges)


def instalment_person(session: Session, instalment_id: uuid.UUID) -> uuid.UUID | None:
    """The person an instalment is owed to, or None when there is no such instalment;
    unchecked: for a service that checked the actor's right to the person (a complaint of a
    payment not received names the instalment)."""
    found = Instalments(session).get(instalment_id)
    return None if found is None else found.person_id
