"""Every query of the allowances domain, one repository per aggregate (docs/architecture.md,
"Repositories"): plan versions and their components, funders and budget lines, instalments,
payment batches with their items, disbursements and reversals, and the ledger.

What an actor lists starts from `readable(actor)` (the organisation scope, deny by default);
what a service computes for one organisation takes that organisation's id. Reads of many
rows are batched (`CHUNK` keys a statement) so a page makes a constant number of queries.
Another domain's rows are never joined here: a filter on persons comes in as the people
domain's subquery (`people.public`), facts come from the other domains' public reads.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    true,
    tuple_,
    update,
)
from sqlalchemy import case as when
from sqlalchemy.orm import Session

from haven.allowances.models import (
    BudgetLine,
    Disbursement,
    Funder,
    Instalment,
    LedgerEntry,
    PaymentBatch,
    PaymentItem,
    PlanComponent,
    PlanVersion,
    Reversal,
)
from haven.db.session import take_write_lock
from haven.kernel.erasure import blanked
from haven.kernel.repository import Repository
from haven.security.permissions import Actor, visible_to

CHUNK = 500
# Core tables: a Core executemany writes thousands of rows in one statement (the ORM bulk
# path would send them one by one).
INSTALMENTS: Table = Instalment.__table__  # type: ignore[assignment]
LEDGER_ENTRIES: Table = LedgerEntry.__table__  # type: ignore[assignment]
PAYMENT_ITEMS: Table = PaymentItem.__table__  # type: ignore[assignment]


def _chunks(values: Iterable[uuid.UUID]) -> Iterable[list[uuid.UUID]]:
    ids = list(dict.fromkeys(values))
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _of(organisation_id: uuid.UUID | None, column: Any) -> ColumnElement[bool]:
    """Rows of one organisation; every row when `organisation_id` is None (the books of all
    organisations, which only the system reconciles)."""
    if organisation_id is None:
        return true()
    return column == organisation_id  # type: ignore[no-any-return]


# --- plans ---------------------------------------------------------------------------------


class PlanVersions(Repository[PlanVersion]):
    model = PlanVersion
    site_column: ClassVar[str | None] = None

    def listed(self, actor: Actor) -> Sequence[PlanVersion]:
        """The versions the actor may see, newest first."""
        return self.all(self.readable(actor).order_by(PlanVersion.number.desc()))

    def next_number(self, organisation_id: uuid.UUID) -> int:
        take_write_lock(self.session)  # SQLite: the highest number as it is when written
        highest = self.session.scalar(
            select(func.max(PlanVersion.number)).where(
                PlanVersion.organisation_id == organisation_id
            )
        )
        return int(highest or 0) + 1

    def any_of(self, organisation_id: uuid.UUID) -> bool:
        """Whether the organisation has any plan version at all."""
        return bool(
            self.session.scalar(
                select(exists().where(PlanVersion.organisation_id == organisation_id))
            )
        )

    def published(self, organisation_id: uuid.UUID) -> list[PlanVersion]:
        """The organisation's published versions, latest effective date first."""
        return list(
            self.all(
                select(PlanVersion)
                .where(
                    PlanVersion.organisation_id == organisation_id,
                    PlanVersion.status == "published",
                )
                .order_by(PlanVersion.effective_from.desc())
            )
        )

    def any_published(self, organisation_ids: Iterable[uuid.UUID]) -> bool:
        """Whether any of these organisations has published a version of its plan."""
        return (
            self.session.scalar(
                select(PlanVersion.id)
                .where(
                    PlanVersion.organisation_id.in_(list(organisation_ids)),
                    PlanVersion.status == "published",
                )
                .limit(1)
            )
            is not None
        )

    def published_on(self, organisation_id: uuid.UUID, on: date) -> uuid.UUID | None:
        """A published version of the organisation starting exactly on `on`."""
        return self.session.scalar(
            select(PlanVersion.id).where(
                PlanVersion.organisation_id == organisation_id,
                PlanVersion.status == "published",
                PlanVersion.effective_from == on,
            )
        )

    def in_force(self, organisation_id: uuid.UUID, on: date) -> PlanVersion | None:
        """The published version with the latest effective date on or before `on`."""
        return self.first(
            select(PlanVersion)
            .where(
                PlanVersion.organisation_id == organisation_id,
                PlanVersion.status == "published",
                PlanVersion.effective_from <= on,
            )
            .order_by(PlanVersion.effective_from.desc())
        )


class PlanComponents(Repository[PlanComponent]):
    model = PlanComponent
    site_column: ClassVar[str | None] = None

    def of_version(self, version_id: uuid.UUID) -> Sequence[PlanComponent]:
        return self.all(
            select(PlanComponent)
            .where(PlanComponent.plan_version_id == version_id)
            .order_by(PlanComponent.position, PlanComponent.code)
        )

    def of_versions(self, version_ids: Iterable[uuid.UUID]) -> list[PlanComponent]:
        found: list[PlanComponent] = []
        for chunk in _chunks(version_ids):
            found += self.all(select(PlanComponent).where(PlanComponent.plan_version_id.in_(chunk)))
        return found

    def by_code(self, version_id: uuid.UUID, code: str) -> PlanComponent | None:
        return self.first(
            select(PlanComponent).where(
                PlanComponent.plan_version_id == version_id, PlanComponent.code == code
            )
        )


# --- funders and budget lines --------------------------------------------------------------


class Funders(Repository[Funder]):
    model = Funder
    site_column: ClassVar[str | None] = None

    def listed(self, actor: Actor) -> Sequence[Funder]:
        return self.all(self.readable(actor).order_by(Funder.name))

    def named(self, organisation_id: uuid.UUID, name: str) -> uuid.UUID | None:
        return self.session.scalar(
            select(Funder.id).where(Funder.organisation_id == organisation_id, Funder.name == name)
        )

    def names(self, actor: Actor, organisation_id: uuid.UUID | None) -> dict[uuid.UUID, str]:
        """Funder id → name, for one organisation the actor may see."""
        query = self.readable(actor).where(Funder.organisation_id == organisation_id)
        return {f.id: f.name for f in self.all(query)}


class BudgetLines(Repository[BudgetLine]):
    model = BudgetLine
    site_column: ClassVar[str | None] = None

    def listed(self, actor: Actor, funder_id: uuid.UUID | None = None) -> Sequence[BudgetLine]:
        """The lines the actor may see (of one funder), by component code and currency."""
        query = self.readable(actor).order_by(BudgetLine.component_code, BudgetLine.currency)
        if funder_id is not None:
            query = query.where(BudgetLine.funder_id == funder_id)
        return self.all(query)

    def of_organisation(self, organisation_id: uuid.UUID) -> Sequence[BudgetLine]:
        return self.all(select(BudgetLine).where(BudgetLine.organisation_id == organisation_id))

    def line(self, funder_id: uuid.UUID, component_code: str, currency: str) -> BudgetLine | None:
        return self.first(
            select(BudgetLine).where(
                BudgetLine.funder_id == funder_id,
                BudgetLine.component_code == component_code,
                BudgetLine.currency == currency,
            )
        )

    def other_shares(
        self, organisation_id: uuid.UUID, component_code: str, currency: str, funder_id: uuid.UUID
    ) -> int:
        """The basis points other funders of the organisation hold in a component."""
        total = self.session.scalar(
            select(func.coalesce(func.sum(BudgetLine.share_bp), 0)).where(
                BudgetLine.organisation_id == organisation_id,
                BudgetLine.component_code == component_code,
                BudgetLine.currency == currency,
                BudgetLine.funder_id != funder_id,
            )
        )
        return int(total or 0)

    def shares(
        self, organisation_id: uuid.UUID, component_code: str, currency: str
    ) -> list[tuple[uuid.UUID, int]]:
        """(funder, basis points) of a component, by funder id."""
        rows = self.session.execute(
            select(BudgetLine.funder_id, BudgetLine.share_bp)
            .where(
                BudgetLine.organisation_id == organisation_id,
                BudgetLine.component_code == component_code,
                BudgetLine.currency == currency,
            )
            .order_by(BudgetLine.funder_id)
        ).all()
        return [(r[0], r[1]) for r in rows]

    def share_totals(self, organisation_id: uuid.UUID) -> dict[tuple[str, str], int]:
        """(component code, currency) → the basis points all funders hold together."""
        rows = self.session.execute(
            select(BudgetLine.component_code, BudgetLine.currency, func.sum(BudgetLine.share_bp))
            .where(BudgetLine.organisation_id == organisation_id)
            .group_by(BudgetLine.component_code, BudgetLine.currency)
        ).all()
        return {(code, currency): int(total) for code, currency, total in rows}


# --- instalments ---------------------------------------------------------------------------


class Instalments(Repository[Instalment]):
    model = Instalment
    site_column: ClassVar[str | None] = None

    def insert_rows(self, rows: Sequence[Mapping[str, Any]]) -> None:
        for start in range(0, len(rows), 1000):
            self.session.execute(insert(INSTALMENTS), list(rows[start : start + 1000]))

    def of_persons(self, person_ids: Sequence[uuid.UUID]) -> list[Instalment]:
        """Every instalment of these persons (any status), by code, number and part."""
        found: list[Instalment] = []
        for chunk in _chunks(person_ids):
            found += self.all(
                select(Instalment)
                .where(Instalment.person_id.in_(chunk))
                .order_by(Instalment.component_code, Instalment.number, Instalment.part)
            )
        return found

    def locked(self, person_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """Ids of these persons' instalments that sit in a live payment item (paid or in a
        batch): a recomputation must not change them."""
        locked: set[uuid.UUID] = set()
        for chunk in _chunks(person_ids):
            locked.update(
                self.session.scalars(
                    select(PaymentItem.instalment_id)
                    .join(Instalment, Instalment.id == PaymentItem.instalment_id)
                    .where(
                        PaymentItem.person_id.in_(chunk),
                        PaymentItem.generation == Instalment.generation,
                    )
                )
            )
        return locked

    def owed_to(self, person_id: uuid.UUID) -> Sequence[Instalment]:
        """A person's instalments still owed, in the order of a statement."""
        return self.all(
            select(Instalment)
            .where(Instalment.person_id == person_id, Instalment.status == "owed")
            .order_by(
                Instalment.due_on, Instalment.component_code, Instalment.number, Instalment.part
            )
        )

    def payments_of(
        self, person_id: uuid.UUID
    ) -> dict[uuid.UUID, tuple[datetime | None, str | None]]:
        """Instalment id → (paid at, receipt reference) of the person's live payment items;
        (None, None) for an item not paid yet."""
        rows = self.session.execute(
            select(
                PaymentItem.instalment_id,
                Disbursement.disbursed_at,
                Disbursement.receipt_reference,
            )
            .join(Instalment, Instalment.id == PaymentItem.instalment_id)
            .outerjoin(Disbursement, Disbursement.item_id == PaymentItem.id)
            .where(
                PaymentItem.person_id == person_id,
                PaymentItem.generation == Instalment.generation,
            )
        ).all()
        return {row[0]: (row[1], row[2]) for row in rows}

    def lock(self, instalment_id: uuid.UUID) -> Instalment:
        """The instalment, its row locked for the rest of the transaction (PostgreSQL)."""
        return self.session.scalars(
            select(Instalment).where(Instalment.id == instalment_id).with_for_update()
        ).one()

    def recently_computed(
        self, actor: Actor, persons: Select[uuid.UUID], *, limit: int
    ) -> list[uuid.UUID]:
        """The persons (among `persons`, a plain select of person ids such as
        `live_person_ids()`, no limit) whose instalments were computed most recently.

        Reads the newest instalments a window at a time (index on organisation and creation
        time) until `limit` persons are found, instead of grouping every instalment."""
        found: list[uuid.UUID] = []
        window = max(limit * 20, 200)
        # Correlated (EXISTS), not `IN (…)`: the database checks only the rows it reads
        # instead of first listing every person of the programme.
        among = persons.where(persons.selected_columns[0] == Instalment.person_id).exists()
        query = (
            select(Instalment.person_id, Instalment.created_at)
            .where(visible_to(actor, Instalment, site_column=None), among)
            .order_by(Instalment.created_at.desc(), Instalment.person_id)
        )
        offset = 0
        while len(found) < limit:
            rows = self.session.execute(query.offset(offset).limit(window)).all()
            for person_id, _at in rows:
                if person_id not in found:
                    found.append(person_id)
            if len(rows) < window:
                break
            offset += window
        return found[:limit]

    def due(
        self,
        batch: PaymentBatch,
        *,
        due_by: date,
        persons: Select[uuid.UUID],
        component_codes: Sequence[str] | None = None,
        person_ids: Sequence[uuid.UUID] | None = None,
    ) -> list[tuple[uuid.UUID, uuid.UUID, str, int, int]]:
        """(instalment, person, code, amount, generation) of every instalment a batch could
        take: owed, due by `due_by`, in the batch's organisation and currency, of a person
        among `persons`, and in no live payment item."""
        live = exists().where(
            PaymentItem.instalment_id == Instalment.id,
            PaymentItem.generation == Instalment.generation,
        )
        query = (
            select(
                Instalment.id,
                Instalment.person_id,
                Instalment.component_code,
                Instalment.amount_minor,
                Instalment.generation,
            )
            .where(
                Instalment.organisation_id == batch.organisation_id,
                Instalment.status == "owed",
                Instalment.currency == batch.currency,
                Instalment.amount_minor > 0,
                Instalment.due_on <= due_by,
                Instalment.person_id.in_(persons),
                ~live,
            )
            .order_by(Instalment.person_id, Instalment.due_on, Instalment.component_code)
        )
        if component_codes:
            query = query.where(Instalment.component_code.in_(list(component_codes)))
        if person_ids is None:
            return [tuple(row) for row in self.session.execute(query).all()]  # type: ignore[misc]
        rows: list[tuple[uuid.UUID, uuid.UUID, str, int, int]] = []
        for chunk in _chunks(person_ids):
            rows += [
                tuple(row)  # type: ignore[misc]
                for row in self.session.execute(query.where(Instalment.person_id.in_(chunk)))
            ]
        return rows

    def due_persons(
        self,
        batch: PaymentBatch,
        *,
        due_by: date,
        persons: Select[uuid.UUID],
        after: uuid.UUID | None = None,
        limit: int | None = None,
    ) -> list[uuid.UUID]:
        """The persons `due` would find an instalment of for this batch, in the order of
        their ids (after `after`, at most `limit`: batch preparation as a job goes through
        them a part at a time)."""
        live = exists().where(
            PaymentItem.instalment_id == Instalment.id,
            PaymentItem.generation == Instalment.generation,
        )
        query = (
            select(Instalment.person_id)
            .where(
                Instalment.organisation_id == batch.organisation_id,
                Instalment.status == "owed",
                Instalment.currency == batch.currency,
                Instalment.amount_minor > 0,
                Instalment.due_on <= due_by,
                Instalment.person_id.in_(persons),
                ~live,
            )
            .distinct()
            .order_by(Instalment.person_id)
        )
        if after is not None:
            query = query.where(Instalment.person_id > after)
        if limit is not None:
            query = query.limit(limit)
        return list(self.session.scalars(query))

    def owed_totals(self, organisation_id: uuid.UUID | None) -> dict[tuple[uuid.UUID, str], int]:
        """(person, currency) → the amount owed (instalments not cancelled)."""
        rows = self.session.execute(
            select(Instalment.person_id, Instalment.currency, func.sum(Instalment.amount_minor))
            .where(Instalment.status == "owed", _of(organisation_id, Instalment.organisation_id))
            .group_by(Instalment.person_id, Instalment.currency)
        ).all()
        return {(person_id, currency): int(total) for person_id, currency, total in rows}

    def outstanding(self, organisation_id: uuid.UUID | None) -> list[tuple[str, date, str, int]]:
        """(code, due date, currency, amount) owed and not paid, for a report."""
        # Paid: the instalment's live generation has a disbursement. A list the database
        # builds once (NOT IN), not a lookup per owed instalment; with the covering index
        # (migration 0032) the sums read no table row.
        paid = tuple_(Instalment.id, Instalment.generation).in_(
            select(PaymentItem.instalment_id, PaymentItem.generation).join(
                Disbursement, Disbursement.item_id == PaymentItem.id
            )
        )
        rows = self.session.execute(
            select(
                Instalment.component_code,
                Instalment.due_on,
                Instalment.currency,
                func.sum(Instalment.amount_minor),
            )
            .where(
                Instalment.organisation_id == organisation_id,
                Instalment.status == "owed",
                ~paid,
            )
            .group_by(Instalment.component_code, Instalment.due_on, Instalment.currency)
        ).all()
        return [(code, due_on, currency, int(total)) for code, due_on, currency, total in rows]

    def labels(self, instalment_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
        """Instalment id → "code #number", batched."""
        found: dict[uuid.UUID, str] = {}
        for chunk in _chunks(instalment_ids):
            for instalment_id, code, number in self.session.execute(
                select(Instalment.id, Instalment.component_code, Instalment.number).where(
                    Instalment.id.in_(chunk)
                )
            ):
                found[instalment_id] = f"{code} #{number}"
        return found

    def deliveries(self, instalment_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
        """Instalment id → how a child receives it (`detail["delivery"]`), for the children's
        instalments among these (an adult's have none), batched."""
        found: dict[uuid.UUID, str] = {}
        for chunk in _chunks(instalment_ids):
            for instalment_id, detail in self.session.execute(
                select(Instalment.id, Instalment.detail).where(Instalment.id.in_(chunk))
            ):
                delivery = (detail or {}).get("delivery")
                if delivery:
                    found[instalment_id] = str(delivery)
        return found


# --- payment batches and items -------------------------------------------------------------


class Batches(Repository[PaymentBatch]):
    model = PaymentBatch
    site_column: ClassVar[str | None] = None

    def listed(self, actor: Actor) -> Sequence[PaymentBatch]:
        return self.all(self.readable(actor).order_by(PaymentBatch.number.desc()))

    def page(
        self,
        actor: Actor,
        *,
        status: str | None = None,
        sort: str = "newest",
        limit: int = 25,
        offset: int = 0,
    ) -> tuple[list[PaymentBatch], int]:
        """One page of the batches the actor may see (newest or oldest first, by number), and
        how many match in all (counted in the database)."""
        query = self.readable(actor)
        if status is not None:
            query = query.where(PaymentBatch.status == status)
        total = self.session.scalar(select(func.count()).select_from(query.subquery()))
        order = (
            (PaymentBatch.number.asc(), PaymentBatch.created_at.asc())
            if sort == "oldest"
            else (PaymentBatch.number.desc(), PaymentBatch.created_at.desc())
        )
        rows = self.all(query.order_by(*order).limit(limit).offset(offset))
        return list(rows), int(total or 0)

    def next_number(self, organisation_id: uuid.UUID) -> int:
        take_write_lock(self.session)  # SQLite: the highest number as it is when written
        highest = self.session.scalar(
            select(func.max(PaymentBatch.number)).where(
                PaymentBatch.organisation_id == organisation_id
            )
        )
        return int(highest or 0) + 1

    def lock(self, batch_id: uuid.UUID) -> PaymentBatch:
        """The batch, its row locked (PostgreSQL; SQLite serialises writers anyway)."""
        return self.session.scalars(
            select(PaymentBatch).where(PaymentBatch.id == batch_id).with_for_update()
        ).one()


class Items(Repository[PaymentItem]):
    model = PaymentItem
    site_column: ClassVar[str | None] = None

    def of_batch(self, batch_id: uuid.UUID) -> Sequence[PaymentItem]:
        return self.all(
            select(PaymentItem).where(PaymentItem.batch_id == batch_id).order_by(PaymentItem.id)
        )

    def insert_rows(self, rows: Sequence[Mapping[str, Any]]) -> None:
        self.session.execute(insert(PAYMENT_ITEMS), list(rows))

    def delete_of_batch(self, batch_id: uuid.UUID) -> None:
        self.session.execute(delete(PaymentItem).where(PaymentItem.batch_id == batch_id))

    def totals(self, batch_id: uuid.UUID) -> tuple[int, int, int, int]:
        """(items, amount, items paid, amount paid) of a batch."""
        count, total = self.session.execute(
            select(func.count(), func.coalesce(func.sum(PaymentItem.amount_minor), 0)).where(
                PaymentItem.batch_id == batch_id
            )
        ).one()
        paid_count, paid_total = self.session.execute(
            select(func.count(), func.coalesce(func.sum(PaymentItem.amount_minor), 0))
            .join(Disbursement, Disbursement.item_id == PaymentItem.id)
            .where(PaymentItem.batch_id == batch_id)
        ).one()
        return int(count), int(total), int(paid_count), int(paid_total)

    def amounts(self, batch_id: uuid.UUID) -> list[tuple[uuid.UUID, str, int]]:
        """(person, component code, amount) of every item of a batch."""
        rows = self.session.execute(
            select(PaymentItem.person_id, Instalment.component_code, PaymentItem.amount_minor)
            .join(Instalment, Instalment.id == PaymentItem.instalment_id)
            .where(PaymentItem.batch_id == batch_id)
        ).all()
        return [(person_id, code, int(amount)) for person_id, code, amount in rows]

    def reserved(
        self, organisation_id: uuid.UUID, *, exclude_batch: uuid.UUID | None = None
    ) -> dict[tuple[str, str], int]:
        """(component code, currency) → amount in approved batches not yet disbursed."""
        query = (
            select(
                Instalment.component_code, PaymentItem.currency, func.sum(PaymentItem.amount_minor)
            )
            .join(Instalment, Instalment.id == PaymentItem.instalment_id)
            .join(PaymentBatch, PaymentBatch.id == PaymentItem.batch_id)
            .outerjoin(Disbursement, Disbursement.item_id == PaymentItem.id)
            .where(
                PaymentItem.organisation_id == organisation_id,
                PaymentBatch.status == "approved",
                Disbursement.id.is_(None),
            )
            .group_by(Instalment.component_code, PaymentItem.currency)
        )
        if exclude_batch is not None:
            query = query.where(PaymentItem.batch_id != exclude_batch)
        return {(c, cur): int(t) for c, cur, t in self.session.execute(query).all()}

    def net_paid(self, organisation_id: uuid.UUID | None) -> dict[tuple[uuid.UUID, str], int]:
        """(person, currency) → what was paid to the person, net of reversals."""
        paid: dict[tuple[uuid.UUID, str], int] = defaultdict(int)
        scope = _of(organisation_id, PaymentItem.organisation_id)
        query = (
            select(PaymentItem.person_id, PaymentItem.currency, func.sum(PaymentItem.amount_minor))
            .join(Disbursement, Disbursement.item_id == PaymentItem.id)
            .where(scope)
            .group_by(PaymentItem.person_id, PaymentItem.currency)
        )
        reversed_query = (
            select(PaymentItem.person_id, PaymentItem.currency, func.sum(PaymentItem.amount_minor))
            .join(Disbursement, Disbursement.item_id == PaymentItem.id)
            .join(Reversal, Reversal.disbursement_id == Disbursement.id)
            .where(scope)
            .group_by(PaymentItem.person_id, PaymentItem.currency)
        )
        for person_id, currency, total in self.session.execute(query).all():
            paid[(person_id, currency)] += int(total)
        for person_id, currency, total in self.session.execute(reversed_query).all():
            paid[(person_id, currency)] -= int(total)
        return paid


class Disbursements(Repository[Disbursement]):
    model = Disbursement
    site_column: ClassVar[str | None] = None

    def of_item(self, item_id: uuid.UUID) -> Disbursement | None:
        return self.first(select(Disbursement).where(Disbursement.item_id == item_id))

    def paid(self, item_id: uuid.UUID) -> bool:
        return bool(self.session.scalar(select(exists().where(Disbursement.item_id == item_id))))

    def key_used(self, idempotency_key: str) -> bool:
        return bool(
            self.session.scalar(
                select(exists().where(Disbursement.idempotency_key == idempotency_key))
            )
        )

    def of_batch(self, batch_id: uuid.UUID) -> dict[uuid.UUID, Disbursement]:
        """Item id → its disbursement, for every paid item of a batch."""
        rows = self.all(
            select(Disbursement)
            .join(PaymentItem, PaymentItem.id == Disbursement.item_id)
            .where(PaymentItem.batch_id == batch_id)
        )
        return {d.item_id: d for d in rows}

    def in_windows(self, actor: Actor, edges: Sequence[datetime]) -> list[int]:
        """Payments handed over in each window `[edges[i], edges[i+1])`, in the actor's scope
        (the dashboard's chart: counted by the database)."""
        return self.count_windows(self.readable(actor), Disbursement.disbursed_at, edges)

    def erase_person(self, person_id: uuid.UUID) -> None:
        """Erasure: a disbursement stays in the ledger (the money must be accounted for);
        the photo of the person's signed receipt goes."""
        self.session.execute(
            update(Disbursement)
            .where(Disbursement.person_id == person_id)
            .values(blanked(Disbursement)),
            execution_options={"synchronize_session": "fetch"},
        )


class Reversals(Repository[Reversal]):
    model = Reversal
    site_column: ClassVar[str | None] = None

    def exists_for(self, disbursement_id: uuid.UUID) -> bool:
        return bool(
            self.session.scalar(select(exists().where(Reversal.disbursement_id == disbursement_id)))
        )

    def reversed_among(self, disbursement_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        found: set[uuid.UUID] = set()
        for chunk in _chunks(disbursement_ids):
            found.update(
                self.session.scalars(
                    select(Reversal.disbursement_id).where(Reversal.disbursement_id.in_(chunk))
                )
            )
        return found


# --- the ledger ----------------------------------------------------------------------------


class Ledger(Repository[LedgerEntry]):
    model = LedgerEntry
    site_column: ClassVar[str | None] = None

    def insert_rows(self, rows: Sequence[Mapping[str, Any]]) -> None:
        for start in range(0, len(rows), 2000):
            self.session.execute(insert(LEDGER_ENTRIES), list(rows[start : start + 2000]))

    def add(self, rows: Iterable[Mapping[str, Any]]) -> None:
        """Entries as ORM objects, flushed with the rest of the unit of work."""
        self.session.add_all(LedgerEntry(**row) for row in rows)

    def payment_parts(self, disbursement_id: uuid.UUID) -> list[tuple[uuid.UUID, int]]:
        """How a disbursement was split between funders (its funder legs)."""
        rows = self.session.execute(
            select(LedgerEntry.owner_id, LedgerEntry.amount_minor).where(
                LedgerEntry.disbursement_id == disbursement_id,
                LedgerEntry.kind == "payment",
                LedgerEntry.account == "funder",
            )
        ).all()
        return [(owner, amount) for owner, amount in rows if owner is not None]

    def person_balances(self, person_id: uuid.UUID) -> dict[str, int]:
        rows = self.session.execute(
            select(LedgerEntry.currency, func.sum(LedgerEntry.amount_minor))
            .where(LedgerEntry.account == "person", LedgerEntry.owner_id == person_id)
            .group_by(LedgerEntry.currency)
        ).all()
        return {currency: int(total) for currency, total in rows}

    def funders_paid(
        self, funder_ids: Iterable[uuid.UUID]
    ) -> dict[uuid.UUID, dict[tuple[str, str], int]]:
        """Funder → (component code, currency) → paid out net of reversals, batched."""
        paid: dict[uuid.UUID, dict[tuple[str, str], int]] = defaultdict(dict)
        for chunk in _chunks(funder_ids):
            for owner, code, currency, total in self.session.execute(
                select(
                    LedgerEntry.owner_id,
                    LedgerEntry.component_code,
                    LedgerEntry.currency,
                    func.sum(LedgerEntry.amount_minor),
                )
                .where(LedgerEntry.account == "funder", LedgerEntry.owner_id.in_(chunk))
                .group_by(LedgerEntry.owner_id, LedgerEntry.component_code, LedgerEntry.currency)
            ):
                if owner is not None:
                    paid[owner][(code, currency)] = int(total)
        return paid

    def unbalanced(self, organisation_id: uuid.UUID | None) -> list[tuple[uuid.UUID, str, int]]:
        """(transaction, currency, sum) of every transaction whose legs do not sum to zero."""
        rows = self.session.execute(
            select(
                LedgerEntry.transaction_id, LedgerEntry.currency, func.sum(LedgerEntry.amount_minor)
            )
            .where(_of(organisation_id, LedgerEntry.organisation_id))
            .group_by(LedgerEntry.transaction_id, LedgerEntry.currency)
            .having(func.sum(LedgerEntry.amount_minor) != 0)
        ).all()
        return [(transaction, currency, int(total)) for transaction, currency, total in rows]

    def person_totals(self, organisation_id: uuid.UUID | None) -> dict[tuple[uuid.UUID, str], int]:
        """(person, currency) → the person account's balance."""
        rows = self.session.execute(
            select(LedgerEntry.owner_id, LedgerEntry.currency, func.sum(LedgerEntry.amount_minor))
            .where(
                LedgerEntry.account == "person", _of(organisation_id, LedgerEntry.organisation_id)
            )
            .group_by(LedgerEntry.owner_id, LedgerEntry.currency)
        ).all()
        # Every person leg names its person (legs are posted from instalments).
        return {
            (owner, currency): int(total) for owner, currency, total in rows if owner is not None
        }

    def funder_totals(self, organisation_id: uuid.UUID | None) -> dict[str, int]:
        """Currency → the funders' accounts together."""
        rows = self.session.execute(
            select(LedgerEntry.currency, func.sum(LedgerEntry.amount_minor))
            .where(
                LedgerEntry.account == "funder", _of(organisation_id, LedgerEntry.organisation_id)
            )
            .group_by(LedgerEntry.currency)
        ).all()
        return {currency: int(total) for currency, total in rows}

    def disbursed_cells(
        self, organisation_id: uuid.UUID | None
    ) -> list[tuple[uuid.UUID | None, str, str, str, int]]:
        """(funder, code, month, currency, amount) paid out net of reversals, for a report."""
        rows = self.session.execute(
            select(
                LedgerEntry.owner_id,
                LedgerEntry.component_code,
                LedgerEntry.month,
                LedgerEntry.currency,
                func.sum(LedgerEntry.amount_minor),
            )
            .where(LedgerEntry.account == "funder", LedgerEntry.organisation_id == organisation_id)
            .group_by(
                LedgerEntry.owner_id,
                LedgerEntry.component_code,
                LedgerEntry.month,
                LedgerEntry.currency,
            )
        ).all()
        return [
            (owner, code, month, currency, int(total))
            for owner, code, month, currency, total in rows
        ]


# --- programme reports (issue 25, docs/reports.md): summed and counted by the database -----

# A budget line, as the payments report reads it.
LineKey = tuple[uuid.UUID, str, str]  # (funder, component code, currency)


def budget_rows(
    session: Session, actor: Actor
) -> list[tuple[uuid.UUID, str, str | None, str, str, int, int]]:
    """(funder, funder's name, its Burmese name, component code, currency, share in basis
    points, budget) of every budget line the actor may see."""
    rows = session.execute(
        select(
            BudgetLine.funder_id,
            Funder.name,
            Funder.name_my,
            BudgetLine.component_code,
            BudgetLine.currency,
            BudgetLine.share_bp,
            BudgetLine.budget_minor,
        )
        .join(Funder, Funder.id == BudgetLine.funder_id)
        .where(visible_to(actor, BudgetLine, site_column=None))
        .order_by(Funder.name, BudgetLine.component_code, BudgetLine.currency)
    ).all()
    return [
        (f, str(n), my or None, str(c), str(cur), int(bp), int(b))
        for f, n, my, c, cur, bp, b in rows
    ]


def _by_line(rows: Iterable[Any]) -> dict[LineKey, int]:
    return {(funder, code, currency): int(total or 0) for funder, code, currency, total in rows}


def _shared(amount: Any) -> Any:
    """A funder's share of `amount`, times 10,000 (the caller divides: a sum of products
    loses nothing to rounding per row)."""
    return func.sum(amount * BudgetLine.share_bp)


def _line_of(code: Any, currency: Any, organisation: Any) -> ColumnElement[bool]:
    return and_(
        BudgetLine.organisation_id == organisation,
        BudgetLine.component_code == code,
        BudgetLine.currency == currency,
    )


def entitled_by_line(session: Session, actor: Actor) -> dict[LineKey, int]:
    """Budget line -> the funder's share of every instalment not cancelled (paid or not: what
    the programme has committed), in minor units ×10,000."""
    rows = session.execute(
        select(
            BudgetLine.funder_id,
            BudgetLine.component_code,
            BudgetLine.currency,
            _shared(Instalment.amount_minor),
        )
        .join(
            BudgetLine,
            _line_of(Instalment.component_code, Instalment.currency, Instalment.organisation_id),
        )
        .where(visible_to(actor, Instalment, site_column=None), Instalment.status == "owed")
        .group_by(BudgetLine.funder_id, BudgetLine.component_code, BudgetLine.currency)
    )
    return _by_line(rows)


def approved_by_line(session: Session, actor: Actor) -> dict[LineKey, int]:
    """Budget line -> the funder's share of what approved batches will pay and have not paid
    yet, in minor units ×10,000."""
    rows = session.execute(
        select(
            BudgetLine.funder_id,
            BudgetLine.component_code,
            BudgetLine.currency,
            _shared(PaymentItem.amount_minor),
        )
        .join(Instalment, Instalment.id == PaymentItem.instalment_id)
        .join(PaymentBatch, PaymentBatch.id == PaymentItem.batch_id)
        .outerjoin(Disbursement, Disbursement.item_id == PaymentItem.id)
        .join(
            BudgetLine,
            _line_of(Instalment.component_code, PaymentItem.currency, PaymentItem.organisation_id),
        )
        .where(
            visible_to(actor, PaymentItem, site_column=None),
            PaymentBatch.status == "approved",
            Disbursement.id.is_(None),
        )
        .group_by(BudgetLine.funder_id, BudgetLine.component_code, BudgetLine.currency)
    )
    return _by_line(rows)


def paid_by_line(
    session: Session, actor: Actor, start: datetime, end: datetime
) -> dict[LineKey, tuple[int, int]]:
    """Budget line -> (paid out in `[start, end)`, paid out before `end`), net of reversals:
    the funders' ledger accounts, where every payment is split between funders exactly."""
    in_period = func.sum(when((LedgerEntry.posted_at >= start, LedgerEntry.amount_minor), else_=0))
    rows = session.execute(
        select(
            LedgerEntry.owner_id,
            LedgerEntry.component_code,
            LedgerEntry.currency,
            in_period,
            func.sum(LedgerEntry.amount_minor),
        )
        .where(
            visible_to(actor, LedgerEntry, site_column=None),
            LedgerEntry.account == "funder",
            LedgerEntry.owner_id.is_not(None),
            LedgerEntry.posted_at < end,
        )
        .group_by(LedgerEntry.owner_id, LedgerEntry.component_code, LedgerEntry.currency)
    ).all()
    return {
        (owner, code, currency): (int(period or 0), int(total or 0))
        for owner, code, currency, period, total in rows
    }


def people_by_component(
    session: Session,
    actor: Actor,
    start: datetime,
    end: datetime,
    *,
    combined: Collection[tuple[str, str]] | None = None,
) -> dict[tuple[str, str], tuple[int, int, int, int]]:
    """(component code, currency) -> how many different persons are behind its figures:
    (entitled: an instalment owed; approved and not paid yet; paid in `[start, end)`; paid
    before `end`), payments reversed left out. With `combined` (component, currency) pairs:
    the persons of those components together, per currency, under the code ""."""
    reversed_ = exists().where(Reversal.disbursement_id == Disbursement.id)
    paid = (
        select(Instalment.component_code, Instalment.currency, Disbursement.person_id)
        .select_from(Disbursement)
        .join(PaymentItem, PaymentItem.id == Disbursement.item_id)
        .join(Instalment, Instalment.id == PaymentItem.instalment_id)
        .where(
            visible_to(actor, Disbursement, site_column=None),
            ~reversed_,
            Disbursement.disbursed_at < end,
        )
    )
    queries = (
        select(Instalment.component_code, Instalment.currency, Instalment.person_id).where(
            visible_to(actor, Instalment, site_column=None), Instalment.status == "owed"
        ),
        select(Instalment.component_code, Instalment.currency, PaymentItem.person_id)
        .select_from(PaymentItem)
        .join(Instalment, Instalment.id == PaymentItem.instalment_id)
        .join(PaymentBatch, PaymentBatch.id == PaymentItem.batch_id)
        .outerjoin(Disbursement, Disbursement.item_id == PaymentItem.id)
        .where(
            visible_to(actor, PaymentItem, site_column=None),
            PaymentBatch.status == "approved",
            Disbursement.id.is_(None),
        ),
        paid.where(Disbursement.disbursed_at >= start),
        paid,
    )
    found: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for index, query in enumerate(queries):
        inner = query.subquery()
        code, currency, person = inner.c
        if combined is None:
            counted = select(code, currency, func.count(person.distinct())).group_by(code, currency)
        else:
            pairs = sorted(combined)
            if not pairs:
                continue
            counted = (
                select(literal(""), currency, func.count(person.distinct()))
                .where(tuple_(code, currency).in_(pairs))
                .group_by(currency)
            )
        for key_code, key_currency, count in session.execute(counted).all():
            found[(str(key_code), str(key_currency))][index] = int(count)
    return {key: (v[0], v[1], v[2], v[3]) for key, v in found.items()}
