"""The double-entry ledger: every movement of an entitlement or of money, per person and funder.

Accounts: `person` (what the programme still owes that person), `funder` (what that funder
has paid out), `obligations` (the counter-account of entitlements). Each transaction's legs
sum to zero per currency, so:

- a person's balance = what they are owed (instalments not cancelled) − what was paid to them
  net of reversals;
- the funders' balances together = everything paid out net of reversals.

`reconcile()` checks these identities against the instalments, disbursements and reversals
themselves and lists every difference; an empty list means the books agree.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from haven.allowances.models import Instalment
from haven.allowances.repository import BudgetLines, Instalments, Items, Ledger
from haven.db.types import new_id, utcnow


def split(amount: int, shares: Sequence[tuple[uuid.UUID, int]]) -> list[tuple[uuid.UUID, int]]:
    """Split `amount` by basis-point shares (summing to 10,000) into parts summing exactly to it.

    Largest remainder, ties broken by funder id: deterministic, and no minor unit is lost.
    """
    total_bp = sum(bp for _, bp in shares)
    if total_bp <= 0:
        raise ValueError("no shares")
    wholes: list[int] = []
    remainders: list[int] = []
    for _, bp in shares:
        whole, remainder = divmod(amount * bp, total_bp)
        wholes.append(whole)
        remainders.append(remainder)
    left = amount - sum(wholes)
    order = sorted(range(len(shares)), key=lambda i: (-remainders[i], str(shares[i][0])))
    for index in order[:left]:
        wholes[index] += 1
    return [(shares[i][0], wholes[i]) for i in range(len(shares))]


class Posted(Protocol):
    """What a ledger transaction needs of an instalment (a stored one, or one a
    recomputation is about to insert in bulk)."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def organisation_id(self) -> uuid.UUID: ...
    @property
    def person_id(self) -> uuid.UUID: ...
    @property
    def component_code(self) -> str: ...
    @property
    def currency(self) -> str: ...


def shares_for(
    session: Session, organisation_id: uuid.UUID, component_code: str, currency: str
) -> list[tuple[uuid.UUID, int]]:
    return BudgetLines(session).shares(organisation_id, component_code, currency)


def _month(at: datetime) -> str:
    return f"{at:%Y-%m}"


def _post(
    session: Session,
    *,
    organisation_id: uuid.UUID,
    kind: str,
    instalment: Posted,
    legs: Sequence[tuple[str, uuid.UUID | None, int]],
    at: datetime | None = None,
    disbursement_id: uuid.UUID | None = None,
) -> uuid.UUID:
    when = at or utcnow()
    if sum(amount for _, _, amount in legs) != 0:
        raise AssertionError("a ledger transaction must balance")
    transaction_id = new_id()
    month = _month(when)
    rows = [
        {
            "id": new_id(),
            "transaction_id": transaction_id,
            "organisation_id": organisation_id,
            "account": account,
            "owner_id": owner,
            "kind": kind,
            "instalment_id": instalment.id,
            "component_code": instalment.component_code,
            "disbursement_id": disbursement_id,
            "amount_minor": amount,
            "currency": instalment.currency,
            "posted_at": when,
            "month": month,
        }
        for account, owner, amount in legs
        if amount != 0
    ]
    Ledger(session).add(rows)
    return transaction_id


def entitlement_rows(moves: Sequence[tuple[Posted, int]], *, at: datetime) -> list[dict[str, Any]]:
    """One recomputation of one person as one ledger transaction, as rows to insert: a
    `person` leg per instalment created or changed (by its delta), and the counter-legs on
    `obligations` one per component and currency (not per instalment: they name no
    instalment). The legs balance per currency, as every transaction's do."""
    moves = [(instalment, delta) for instalment, delta in moves if delta != 0]
    if not moves:
        return []
    transaction_id = new_id()
    first = moves[0][0]
    base = {
        "transaction_id": transaction_id,
        "organisation_id": first.organisation_id,
        "kind": "entitlement",
        "disbursement_id": None,
        "posted_at": at,
        "month": _month(at),
    }
    rows = []
    counter: dict[tuple[str, str], int] = defaultdict(int)
    for instalment, delta in moves:
        rows.append(
            {
                **base,
                "id": new_id(),
                "account": "person",
                "owner_id": instalment.person_id,
                "instalment_id": instalment.id,
                "component_code": instalment.component_code,
                "amount_minor": delta,
                "currency": instalment.currency,
            }
        )
        counter[(instalment.component_code, instalment.currency)] -= delta
    for (code, currency), amount in sorted(counter.items()):
        if amount != 0:
            rows.append(
                {
                    **base,
                    "id": new_id(),
                    "account": "obligations",
                    "owner_id": None,
                    "instalment_id": None,
                    "component_code": code,
                    "amount_minor": amount,
                    "currency": currency,
                }
            )
    return rows


def post_payment(
    session: Session,
    instalment: Instalment,
    amount: int,
    parts: Sequence[tuple[uuid.UUID, int]],
    *,
    disbursement_id: uuid.UUID,
    reverse: bool = False,
) -> None:
    """Money paid (or a payment reversed): the person's balance moves, the funders' the
    other way, by the same parts."""
    sign = -1 if reverse else 1
    legs: list[tuple[str, uuid.UUID | None, int]] = [
        ("person", instalment.person_id, -sign * amount)
    ]
    legs += [("funder", funder_id, sign * part) for funder_id, part in parts]
    _post(
        session,
        organisation_id=instalment.organisation_id,
        kind="reversal" if reverse else "payment",
        instalment=instalment,
        legs=legs,
        disbursement_id=disbursement_id,
    )


def payment_parts(session: Session, disbursement_id: uuid.UUID) -> list[tuple[uuid.UUID, int]]:
    """How a disbursement was split between funders (read back from its ledger legs)."""
    return Ledger(session).payment_parts(disbursement_id)


def person_balances(session: Session, person_id: uuid.UUID) -> dict[str, int]:
    """Currency → what the programme still owes the person."""
    return Ledger(session).person_balances(person_id)


def funder_paid(session: Session, funder_id: uuid.UUID) -> dict[tuple[str, str], int]:
    """(component code, currency) → what the funder has paid out, net of reversals."""
    return Ledger(session).funders_paid([funder_id]).get(funder_id, {})


@dataclass(frozen=True)
class Difference:
    what: str
    owner_id: uuid.UUID | None
    currency: str
    ledger: int
    expected: int


def reconcile(session: Session, organisation_id: uuid.UUID | None = None) -> list[Difference]:
    """Every place where the ledger disagrees with the records it summarises (of one
    organisation, or of all when `organisation_id` is None)."""
    problems: list[Difference] = []
    books = Ledger(session)

    # 1. Every transaction balances per currency.
    for transaction_id, currency, total in books.unbalanced(organisation_id):
        problems.append(Difference("transaction", transaction_id, currency, total, 0))

    # 2. Per person: ledger balance = owed − net paid.
    owed = Instalments(session).owed_totals(organisation_id)
    paid = Items(session).net_paid(organisation_id)
    expected: dict[tuple[uuid.UUID, str], int] = defaultdict(int)
    for key, value in owed.items():
        expected[key] += value
    for key, value in paid.items():
        expected[key] -= value
    ledger = books.person_totals(organisation_id)
    for key in sorted(set(expected) | set(ledger), key=str):
        if expected.get(key, 0) != ledger.get(key, 0):
            problems.append(
                Difference("person", key[0], key[1], ledger.get(key, 0), expected.get(key, 0))
            )
        if paid.get(key, 0) < 0:
            problems.append(Difference("person_paid", key[0], key[1], paid[key], 0))

    # 3. Funders together = everything paid out net of reversals, per currency.
    funders = books.funder_totals(organisation_id)
    net: dict[str, int] = defaultdict(int)
    for (_, currency), value in paid.items():
        net[currency] += value
    for currency in sorted(set(funders) | set(net)):
        if funders.get(currency, 0) != net.get(currency, 0):
            problems.append(
                Difference(
                    "funders", None, currency, funders.get(currency, 0), net.get(currency, 0)
                )
            )
    return problems
