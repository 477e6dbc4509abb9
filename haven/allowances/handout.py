"""The allowance statement in two forms (docs/legal-framework.md, "Documents that do not
betray").

The statement handed to the person is the **safe to carry** form, the default: a reference,
the date, and for each instalment its date, amount and whether it was paid (with the payment's
receipt reference), and the totals. Nothing else: no name, no unit, no reception point, no
component's name ("defection payment"), no rank or dependants in an explanation, no vetting
or standing, no word that says how the person came. Found on them, it says nothing of where
the money came from; the reference is all the office needs.

The **full form** (every line explained, vetting and standing) is for the files: shown only
when asked for explicitly, and the choice is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from haven.allowances.entitlements import Statement, StatementState
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.security.permissions import Actor


@dataclass(frozen=True)
class SafeLine:
    due_on: date
    amount_minor: int
    currency: str
    paid_on: date | None
    receipt_reference: str | None


@dataclass(frozen=True)
class SafeStatement:
    reference: str
    lines: list[SafeLine]
    owed: dict[str, int]
    paid: dict[str, int]
    outstanding: dict[str, int]


def safe_statement(statement: Statement) -> SafeStatement:
    """The statement with only what is safe to carry: dates, amounts, paid or not."""
    return SafeStatement(
        # The person's reference number (haven.kernel.references): random, so it says nothing
        # about the person, and short enough to read out at the office.
        reference=statement.person.reference,
        lines=[
            SafeLine(
                due_on=line.instalment.due_on,
                amount_minor=line.instalment.amount_minor,
                currency=line.instalment.currency,
                paid_on=line.paid_on if line.state is StatementState.PAID else None,
                receipt_reference=(
                    line.receipt_reference if line.state is StatementState.PAID else None
                ),
            )
            for line in statement.lines
        ],
        owed=statement.owed,
        paid=statement.paid,
        outstanding=statement.outstanding,
    )


def full_form_chosen(session: Session, actor: Actor, statement: Statement) -> None:
    """Record that the full form (for the files) was shown instead of the safe one."""
    audit.record(
        session,
        actor,
        AuditAction.ALLOWANCE_STATEMENT_FULL_FORM,
        subject_type="person",
        subject_id=statement.person.id,
        organisation_id=statement.person.organisation_id,
    )
