"""The ledger's rule: movements are checked against the store's balance, computed by the
database, before anything is written (docs/weapons.md).

- A serialised item moves whole (its quantity); it is in at most one store at a time: it
  enters a store only from nowhere (intake) or from the store it leaves (transfer).
- Ammunition moves in rounds of one calibre; a store never holds fewer than none: a
  movement that would overdraw is refused (409) and nothing of the operation is written.
- The store's row is locked while its movements are checked and written (PostgreSQL), so
  two transactions cannot both spend the same rounds.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from haven.db.types import new_id, utcnow
from haven.errors import Conflict, NotFound
from haven.i18n import N_, Text
from haven.security.permissions import Actor, in_scope
from haven.weapons import repository
from haven.weapons.lifecycle import MovementKind, StoreStatus, calibre_label
from haven.weapons.models import WeaponDocument, WeaponMovement, WeaponStore
from haven.weapons.schemas import LineIn

NOT_IN_STORE = N_("This weapon is not in the store.")
TWICE = N_("The same weapon is named twice.")
STORE_CLOSED = N_("The store is closed.")


@dataclass(frozen=True)
class Line:
    """A positive quantity of one serialised item or of one calibre."""

    item_id: uuid.UUID | None
    calibre: str | None
    quantity: int


def store_for(session: Session, actor: Actor, store_id: uuid.UUID) -> WeaponStore:
    """The store, locked for this transaction; 404 when the actor may not know it."""
    store = repository.Stores(session).locked(store_id)
    if store is None or not in_scope(actor, store):
        raise NotFound
    return store


def require_open(store: WeaponStore) -> None:
    if store.status != StoreStatus.OPEN:
        raise Conflict(STORE_CLOSED)


def taken_out(session: Session, store: WeaponStore, lines: Sequence[LineIn]) -> list[Line]:
    """The lines as they leave the store, each checked against its balance: an item must be
    in it (and moves whole), rounds of a calibre must be there (summed over the lines)."""
    items = repository.item_balances(session, store.id)
    rounds = repository.calibre_balances(session, store.id)
    seen: set[uuid.UUID] = set()
    wanted: dict[str, int] = {}
    found: list[Line] = []
    for line in lines:
        if line.item_id is not None:
            if line.item_id in seen:
                raise Conflict(TWICE)
            seen.add(line.item_id)
            on_hand = items.get(line.item_id, 0)
            if on_hand <= 0:
                raise Conflict(NOT_IN_STORE)
            found.append(Line(line.item_id, None, on_hand))
        else:
            calibre = str(line.calibre)
            wanted[calibre] = wanted.get(calibre, 0) + int(line.quantity or 0)
    for calibre, quantity in wanted.items():
        held = rounds.get(calibre, 0)
        if quantity > held:
            raise Conflict(
                Text(
                    N_("The store holds only {rounds} rounds of {calibre}."),
                    {"rounds": held, "calibre": Text(calibre_label(calibre))},
                )
            )
        found.append(Line(None, calibre, quantity))
    return found


def document(
    session: Session,
    actor: Actor,
    store: WeaponStore,
    kind: str,
    occurred_on: object,
    **fields: object,
) -> WeaponDocument:
    doc = WeaponDocument(
        id=new_id(),
        organisation_id=store.organisation_id,
        store_id=store.id,
        kind=kind,
        occurred_on=occurred_on,
        recorded_by_id=actor.user_id,
    )
    session.add(doc)
    for name, value in fields.items():
        setattr(doc, name, value)
    return doc


def write(
    session: Session,
    actor: Actor,
    store: WeaponStore,
    doc: WeaponDocument,
    kind: MovementKind,
    lines: Sequence[Line],
    *,
    sign: int,
) -> list[WeaponMovement]:
    """The movements of `lines` into (`sign` 1) or out of (-1) the store, already checked."""
    now = utcnow()
    movements = [
        WeaponMovement(
            id=new_id(),
            organisation_id=store.organisation_id,
            store_id=store.id,
            kind=str(kind),
            item_id=line.item_id,
            calibre=line.calibre,
            quantity=sign * line.quantity,
            document_id=doc.id,
            moved_by_id=actor.user_id,
            moved_at=now,
        )
        for line in lines
    ]
    session.add_all(movements)
    session.flush()
    return movements


def described(lines: Sequence[Line]) -> dict[str, object]:
    """What the audit trail records of the lines: ids and counts, no names."""
    return {
        "items": [str(line.item_id) for line in lines if line.item_id is not None],
        "rounds": {line.calibre: line.quantity for line in lines if line.calibre is not None},
    }
