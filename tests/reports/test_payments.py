"""The payments-against-budget report's figures against payments made in the test
(docs/reports.md, "Payments against budget")."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven.allowances import ledger
from haven.allowances.models import (
    BudgetLine,
    Disbursement,
    Funder,
    Instalment,
    LedgerEntry,
    PaymentBatch,
    PaymentItem,
    PlanVersion,
)
from haven.kernel import clock
from haven.reports import service
from haven.reports.downloads import label
from haven.reports.tables import Filters
from tests import factories as f
from tests.reports.figures import World, cells, nothing_small_leaves, people, world


class Books:
    """Plan, funders, instalments and payments written as the services write them (the
    ledger's legs through `ledger.post_payment`)."""

    def __init__(self, db: Session, w: World) -> None:
        self.db, self.w = db, w
        org = w.organisation.id
        self.version = PlanVersion(
            organisation_id=org, number=1, name="Plan", effective_from=date(2026, 1, 1)
        )
        db.add(self.version)
        self.funders = {n: Funder(organisation_id=org, name=f"Funder {n}") for n in "AB"}
        self.funders["A"].name_my = "ငွေကြေးထောက်ပံ့သူ က"
        db.add_all(self.funders.values())
        db.flush()
        self.batches: dict[str, PaymentBatch] = {}
        self.number = 0

    def budget(self, funder: str, code: str, currency: str, share_bp: int, amount: int) -> None:
        self.db.add(
            BudgetLine(
                organisation_id=self.w.organisation.id,
                funder_id=self.funders[funder].id,
                component_code=code,
                currency=currency,
                share_bp=share_bp,
                budget_minor=amount,
            )
        )

    def owe(
        self, person: uuid.UUID, code: str, amount: int, currency: str = "USD", number: int = 1
    ) -> Instalment:
        instalment = Instalment(
            person_id=person,
            organisation_id=self.w.organisation.id,
            plan_version_id=self.version.id,
            component_code=code,
            number=number,
            due_on=clock.local_today(),
            amount_minor=amount,
            currency=currency,
        )
        self.db.add(instalment)
        self.db.flush()
        return instalment

    def _item(self, instalment: Instalment, status: str) -> PaymentItem:
        key = f"{instalment.currency}-{status}"
        if key not in self.batches:
            self.number += 1
            self.batches[key] = PaymentBatch(
                organisation_id=self.w.organisation.id,
                number=self.number,
                title=key,
                currency=instalment.currency,
                status=status,
            )
            self.db.add(self.batches[key])
            self.db.flush()
        item = PaymentItem(
            batch_id=self.batches[key].id,
            instalment_id=instalment.id,
            person_id=instalment.person_id,
            organisation_id=instalment.organisation_id,
            amount_minor=instalment.amount_minor,
            currency=instalment.currency,
        )
        self.db.add(item)
        self.db.flush()
        return item

    def approve(self, instalment: Instalment) -> None:
        self._item(instalment, "approved")

    def pay(self, instalment: Instalment, *, days_ago: int = 0) -> None:
        item = self._item(instalment, "disbursed")
        when = clock.start_of_day(clock.local_today() - timedelta(days=days_ago))
        paid = Disbursement(
            item_id=item.id,
            idempotency_key=str(uuid.uuid4()),
            organisation_id=item.organisation_id,
            person_id=item.person_id,
            method="cash",
            receipt_reference="R",
            disbursed_at=when,
        )
        self.db.add(paid)
        self.db.flush()
        shares = ledger.shares_for(
            self.db, item.organisation_id, instalment.component_code, item.currency
        )
        parts = ledger.split(item.amount_minor, shares)
        ledger.post_payment(self.db, instalment, item.amount_minor, parts, disbursement_id=paid.id)
        self.db.flush()
        for entry in self.db.query(LedgerEntry).filter(LedgerEntry.disbursement_id == paid.id):
            entry.posted_at = when + timedelta(hours=1)


def test_payments_report_sums_by_funder_line_and_merges_lines_resting_on_few_people(
    db: Session, client: TestClient
) -> None:
    w = world(db)
    today = clock.local_today()
    filters = Filters(start=today - timedelta(days=30), end=today)
    books = Books(db, w)
    books.budget("A", "DEF", "USD", 6000, 1_000_000)
    books.budget("B", "DEF", "USD", 4000, 500_000)
    books.budget("A", "STIP", "USD", 10_000, 200_000)
    books.budget("B", "GRANT", "USD", 10_000, 300_000)
    books.budget("A", "RICE", "MMK", 10_000, 5_000_000)
    p = people(db, w, 13)
    defection = [books.owe(person, "DEF", 10_000) for person in p[:7]]
    for instalment in defection[:6]:
        books.pay(instalment)  # in the period
    books.pay(defection[6], days_ago=40)  # before the period: to date only
    for person in p[:5]:  # five second instalments in an approved batch, not paid yet
        books.approve(books.owe(person, "DEF", 10_000, number=2))
    cancelled = books.owe(p[0], "DEF", 99_999, number=3)
    cancelled.status = "cancelled"
    for person in p[7:9]:  # two people: not shown on their own
        books.pay(books.owe(person, "STIP", 5_000))
    for person in p[9:12]:  # three people: not shown on their own
        books.pay(books.owe(person, "GRANT", 20_000))
    books.pay(books.owe(p[12], "RICE", 100_000, currency="MMK"))  # one person: not shown at all
    db.flush()

    built = service.build(db, w.manager, "payments", filters)

    a, b = (str(books.funders[n].id) for n in "AB")
    money = cells(built.table("money-usd"))
    # budget, entitled (share), approved not paid (share), paid in period, to date, left, used %
    assert money == {
        f"{a}:DEF": (1_000_000, 72_000, 30_000, 36_000, 42_000, 958_000, 4),
        f"{b}:DEF": (500_000, 48_000, 20_000, 24_000, 28_000, 472_000, 5),
        "other": (500_000, 70_000, 0, 70_000, 70_000, 430_000, 14),
    }
    labels = {row.key: row.label for row in built.table("money-usd").rows}
    assert label(labels[f"{a}:DEF"], "my") == "ငွေကြေးထောက်ပံ့သူ က · DEF"
    assert label(labels[f"{b}:DEF"], "my") == "Funder B · DEF"
    assert [t.key for t in built.tables] == ["money-usd", "people"]  # MMK withheld
    assert [getattr(n, "params", {}).get("currency") for n in built.notes] == ["MMK"]
    # The note travels with the figures: the JSON API says why MMK is missing.
    token = f.api_token(db, user=w.manager_user)
    query = f"start={filters.start}&end={filters.end}"
    answer = client.get(f"/api/reports/payments?{query}", headers=f.bearer(token)).json()
    assert answer["notes"] == ["Amounts in MMK are not shown: fewer than 5 people."]
    # persons entitled, approved not paid, paid in the period, paid up to its end
    assert cells(built.table("people")) == {
        "DEF:USD": (7, 5, 6, 7),
        "GRANT:USD": (3, 0, 3, 3),
        "RICE:MMK": (1, 0, 1, 1),
        "STIP:USD": (2, 0, 2, 2),
    }
    nothing_small_leaves(built)
    other = world(db)  # another organisation sees none of it
    assert service.build(db, other.manager, "payments", filters).tables[0].rows == ()
