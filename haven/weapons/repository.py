"""Every query of the weapons stores and their ledger, limited to what the actor may see.

Balances are computed by the database from the movements (sums grouped by item or by
calibre); nothing stores a running total that could drift from the ledger.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import ClassVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from haven.accounts.models import Site, User
from haven.kernel.repository import Repository
from haven.reception.public import WeaponItem
from haven.security.permissions import Actor, visible_to
from haven.weapons.lifecycle import MovementKind
from haven.weapons.models import (
    CheckLine,
    KeyHolder,
    WeaponDocument,
    WeaponIntake,
    WeaponMovement,
    WeaponStore,
)


class Stores(Repository[WeaponStore]):
    model = WeaponStore

    def listed(self, actor: Actor) -> list[WeaponStore]:
        return list(
            self.session.scalars(
                self.readable(actor).order_by(WeaponStore.status.desc(), WeaponStore.name)
            )
        )

    def locked(self, store_id: uuid.UUID) -> WeaponStore | None:
        """The store, its row locked until the transaction ends (PostgreSQL): movements of one
        store are checked against its balance one transaction at a time."""
        return self.session.scalar(
            select(WeaponStore).where(WeaponStore.id == store_id).with_for_update()
        )

    def open_in_organisation(self, organisation_id: uuid.UUID) -> list[WeaponStore]:
        """Every open store of the organisation (any site): where a transfer may go."""
        return list(
            self.session.scalars(
                select(WeaponStore)
                .where(
                    WeaponStore.organisation_id == organisation_id,
                    WeaponStore.status == "open",
                )
                .order_by(WeaponStore.name)
            )
        )


class KeyHolders(Repository[KeyHolder]):
    model = KeyHolder
    site_column: ClassVar[str | None] = None

    def current(self, store_id: uuid.UUID) -> list[KeyHolder]:
        return list(
            self.session.scalars(
                select(KeyHolder)
                .where(KeyHolder.store_id == store_id, KeyHolder.returned_at.is_(None))
                .order_by(KeyHolder.handed_at)
            )
        )

    def history(self, store_id: uuid.UUID) -> list[KeyHolder]:
        return list(
            self.session.scalars(
                select(KeyHolder)
                .where(KeyHolder.store_id == store_id)
                .order_by(KeyHolder.handed_at.desc(), KeyHolder.id.desc())
            )
        )


def users_for_keys(session: Session, actor: Actor) -> list[User]:
    """The active users the actor may hand a key to (their organisation, or site)."""
    return list(
        session.scalars(
            select(User)
            .where(visible_to(actor, User), User.is_active.is_(True))
            .order_by(User.display_name)
        )
    )


def user_in_organisation(
    session: Session, user_id: uuid.UUID, organisation_id: uuid.UUID
) -> User | None:
    return session.scalar(
        select(User).where(
            User.id == user_id, User.organisation_id == organisation_id, User.is_active.is_(True)
        )
    )


# --- items and intake ------------------------------------------------------------------------


def waiting_items(session: Session, actor: Actor, *, limit: int = 200) -> list[WeaponItem]:
    """Items received at reception that no intake has settled yet, oldest first."""
    settled = select(WeaponIntake.item_id)
    return list(
        session.scalars(
            select(WeaponItem)
            .where(visible_to(actor, WeaponItem), WeaponItem.id.not_in(settled))
            .order_by(WeaponItem.created_at, WeaponItem.id)
            .limit(limit)
        )
    )


def items_by_id(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, WeaponItem]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    return {
        item.id: item
        for item in session.scalars(select(WeaponItem).where(WeaponItem.id.in_(wanted)))
    }


def items_of_reception(session: Session, reception_id: uuid.UUID) -> list[WeaponItem]:
    return list(
        session.scalars(
            select(WeaponItem)
            .where(WeaponItem.reception_id == reception_id)
            .order_by(WeaponItem.created_at, WeaponItem.id)
        )
    )


def intakes_of(session: Session, item_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, WeaponIntake]:
    wanted = list(set(item_ids))
    found: dict[uuid.UUID, WeaponIntake] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for intake in session.scalars(select(WeaponIntake).where(WeaponIntake.item_id.in_(chunk))):
            found[intake.item_id] = intake
    return found


# --- the ledger ------------------------------------------------------------------------------


def item_balances(session: Session, store_id: uuid.UUID) -> dict[uuid.UUID, int]:
    """Serialised items in the store: item id -> quantity on hand (never zero)."""
    total = func.sum(WeaponMovement.quantity)
    rows = session.execute(
        select(WeaponMovement.item_id, total)
        .where(WeaponMovement.store_id == store_id, WeaponMovement.calibre.is_(None))
        .group_by(WeaponMovement.item_id)
        .having(total != 0)
    ).all()
    return {item_id: int(quantity) for item_id, quantity in rows if item_id is not None}


def calibre_balances(session: Session, store_id: uuid.UUID) -> dict[str, int]:
    """Rounds in the store by calibre (never zero)."""
    total = func.sum(WeaponMovement.quantity)
    rows = session.execute(
        select(WeaponMovement.calibre, total)
        .where(WeaponMovement.store_id == store_id, WeaponMovement.calibre.is_not(None))
        .group_by(WeaponMovement.calibre)
        .having(total != 0)
    ).all()
    return {str(calibre): int(rounds) for calibre, rounds in rows}


def item_places(
    session: Session, item_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    """The stores holding each serialised item (one at most, if the ledger balances)."""
    wanted = list(set(item_ids))
    if not wanted:
        return {}
    total = func.sum(WeaponMovement.quantity)
    found: dict[uuid.UUID, list[uuid.UUID]] = {}
    for item_id, store_id, _ in session.execute(
        select(WeaponMovement.item_id, WeaponMovement.store_id, total)
        .where(WeaponMovement.item_id.in_(wanted), WeaponMovement.calibre.is_(None))
        .group_by(WeaponMovement.item_id, WeaponMovement.store_id)
        .having(total != 0)
    ).all():
        if item_id is not None:
            found.setdefault(item_id, []).append(store_id)
    return found


def lost_at(session: Session, store_id: uuid.UUID) -> dict[uuid.UUID, int]:
    """Serialised items a stock check of this store found missing and nothing has moved since
    (in no store now): item id -> the quantity lost. A later check may find them again."""
    total = func.sum(WeaponMovement.quantity)
    nowhere = (
        select(WeaponMovement.item_id)
        .where(WeaponMovement.item_id.is_not(None), WeaponMovement.calibre.is_(None))
        .group_by(WeaponMovement.item_id)
        .having(total == 0)
    )
    latest = (
        select(WeaponMovement.item_id, func.max(WeaponMovement.moved_at).label("moved_at"))
        .where(WeaponMovement.item_id.in_(nowhere), WeaponMovement.calibre.is_(None))
        .group_by(WeaponMovement.item_id)
        .subquery()
    )
    rows = session.execute(
        select(WeaponMovement.item_id, WeaponMovement.quantity)
        .join(
            latest,
            (WeaponMovement.item_id == latest.c.item_id)
            & (WeaponMovement.moved_at == latest.c.moved_at),
        )
        .where(
            WeaponMovement.store_id == store_id,
            WeaponMovement.kind == str(MovementKind.ADJUSTMENT),
            WeaponMovement.quantity < 0,
            WeaponMovement.calibre.is_(None),
        )
    ).all()
    return {item_id: -int(quantity) for item_id, quantity in rows if item_id is not None}


def ledger(session: Session, store_id: uuid.UUID, *, limit: int = 200) -> list[WeaponMovement]:
    return list(
        session.scalars(
            select(WeaponMovement)
            .where(WeaponMovement.store_id == store_id)
            .order_by(WeaponMovement.moved_at.desc(), WeaponMovement.id.desc())
            .limit(limit)
        )
    )


def movement_totals(session: Session, organisation_id: uuid.UUID) -> list[tuple[str, int]]:
    """Sum of the quantities by movement kind over the organisation's ledger."""
    rows = session.execute(
        select(WeaponMovement.kind, func.sum(WeaponMovement.quantity))
        .where(WeaponMovement.organisation_id == organisation_id)
        .group_by(WeaponMovement.kind)
    ).all()
    return [(str(kind), int(total)) for kind, total in rows]


def documents(session: Session, store_id: uuid.UUID, *, limit: int = 50) -> list[WeaponDocument]:
    return list(
        session.scalars(
            select(WeaponDocument)
            .where((WeaponDocument.store_id == store_id) | (WeaponDocument.to_store_id == store_id))
            .order_by(WeaponDocument.occurred_on.desc(), WeaponDocument.id.desc())
            .limit(limit)
        )
    )


def document(session: Session, document_id: uuid.UUID) -> WeaponDocument | None:
    return session.get(WeaponDocument, document_id)


def check_lines(session: Session, document_id: uuid.UUID) -> list[CheckLine]:
    return list(
        session.scalars(
            select(CheckLine).where(CheckLine.document_id == document_id).order_by(CheckLine.id)
        )
    )


def received_of(
    session: Session, person_items: dict[uuid.UUID, list[WeaponItem]]
) -> dict[uuid.UUID, WeaponIntake]:
    """The intakes of the items handed over by some persons (one query per 500 items)."""
    return intakes_of(session, (i.id for items in person_items.values() for i in items))


def all_store_ids(session: Session, organisation_id: uuid.UUID) -> Sequence[uuid.UUID]:
    return session.scalars(
        select(WeaponStore.id).where(WeaponStore.organisation_id == organisation_id)
    ).all()


def site_organisation(session: Session, site_id: uuid.UUID) -> uuid.UUID | None:
    """The organisation of a site (None for no such site)."""
    return session.scalar(select(Site.organisation_id).where(Site.id == site_id))


def movements_of_document(session: Session, document_id: uuid.UUID) -> list[WeaponMovement]:
    return list(
        session.scalars(
            select(WeaponMovement)
            .where(WeaponMovement.document_id == document_id)
            .order_by(WeaponMovement.store_id, WeaponMovement.id)
        )
    )


def users_by_id(session: Session, user_ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, User]:
    wanted = list({u for u in user_ids if u is not None})
    if not wanted:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(wanted)))}
