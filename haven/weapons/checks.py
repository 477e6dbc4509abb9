"""Stock checks: a store counted against its ledger (docs/weapons.md).

Every line the ledger holds is counted (a weapon is there or not: it moves whole; rounds are
counted by calibre, and rounds of a calibre the ledger does not know may be found). A weapon a
check of this store found missing, and nothing has moved since, may be counted as found again
(it was expected 0: the adjustment brings it back). A
difference needs its reason (encrypted) and posts an adjustment movement, so that after
the check the ledger says what was counted. The counter is the user recording the check;
a witness present at the count is named with their role (often a commander or an
observer without an account in Haven) and signs the paper record.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.types import new_id
from haven.errors import Conflict, ValidationFailed
from haven.i18n import N_
from haven.security.permissions import Actor, Permission, require
from haven.weapons import repository
from haven.weapons.ledger import NOT_IN_STORE, Line, document, require_open, store_for, write
from haven.weapons.lifecycle import DocumentKind, MovementKind
from haven.weapons.models import CheckLine, WeaponDocument
from haven.weapons.schemas import StockCheckIn
from haven.weapons.service import require_key_holder

COUNT_EVERY_LINE = N_("Count every line of the store.")
COUNTED_TWICE = N_("A line is counted twice.")
WHOLE_ITEM = N_("A weapon is either there or not: count it as 0 or as its quantity.")
EXPLAIN = N_("Explain the difference between the ledger and the count.")


Row = tuple[uuid.UUID | None, str | None, int, int, str | None]


def _counted(session: Session, store_id: uuid.UUID, data: StockCheckIn) -> list[Row]:
    """(item, calibre, expected, counted, reason) of every line, checked against the ledger."""
    items = repository.item_balances(session, store_id)
    lost = repository.lost_at(session, store_id)
    rounds = repository.calibre_balances(session, store_id)
    seen_items: set[uuid.UUID] = set()
    seen_calibres: set[str] = set()
    rows: list[Row] = []
    for index, count in enumerate(data.counts):
        if count.item_id is not None:
            if count.item_id in seen_items:
                raise ValidationFailed(fields={"counts": COUNTED_TWICE})
            seen_items.add(count.item_id)
            if count.item_id in items:
                expected, whole = items[count.item_id], items[count.item_id]
            elif count.item_id in lost:  # missing at an earlier check: found again?
                expected, whole = 0, lost[count.item_id]
            else:
                raise Conflict(NOT_IN_STORE)
            if count.counted not in (0, whole):
                raise ValidationFailed(
                    fields={f"counted-{index}": WHOLE_ITEM, "counts": WHOLE_ITEM}
                )
        else:
            calibre = count.calibre or ""
            if calibre in seen_calibres:
                raise ValidationFailed(fields={"counts": COUNTED_TWICE})
            seen_calibres.add(calibre)
            expected = rounds.get(calibre, 0)
        if count.counted != expected and not count.reason:
            raise ValidationFailed(fields={f"reason-{index}": EXPLAIN, "counts": EXPLAIN})
        rows.append((count.item_id, count.calibre, expected, count.counted, count.reason))
    if set(items) - seen_items or set(rounds) - seen_calibres:
        raise ValidationFailed(fields={"counts": COUNT_EVERY_LINE})
    return rows


def stock_check(
    session: Session, actor: Actor, store_id: uuid.UUID, data: StockCheckIn
) -> WeaponDocument:
    store = store_for(session, actor, store_id)
    require(actor, Permission.WEAPON_CUSTODY, store)
    require_open(store)
    require_key_holder(session, actor, store)
    rows = _counted(session, store.id, data)
    doc = document(session, actor, store, str(DocumentKind.STOCK_CHECK), data.occurred_on)
    session.flush()
    doc.witnesses = {"people": [{"name": data.witness_name, "role": data.witness_role}]}
    gains: list[Line] = []
    losses: list[Line] = []
    for item_id, calibre, expected, counted, reason in rows:
        line = CheckLine(
            id=new_id(),
            document_id=doc.id,
            store_id=store.id,
            item_id=item_id,
            calibre=calibre,
            expected=expected,
            counted=counted,
        )
        session.add(line)
        if counted != expected:
            line.reason = reason
            moved = Line(item_id, calibre, abs(counted - expected))
            (gains if counted > expected else losses).append(moved)
    session.flush()
    if losses:
        write(session, actor, store, doc, MovementKind.ADJUSTMENT, losses, sign=-1)
    if gains:
        write(session, actor, store, doc, MovementKind.ADJUSTMENT, gains, sign=1)
    audit.record(
        session,
        actor,
        AuditAction.WEAPON_STOCK_CHECKED,
        subject_type="weapon_document",
        subject_id=doc.id,
        organisation_id=doc.organisation_id,
        changes={
            "store_id": str(store.id),
            "lines": len(rows),
            "differences": [
                {"item_id": str(i) if i else None, "calibre": c, "expected": e, "counted": n}
                for i, c, e, n, _ in rows
                if e != n
            ],
            "witness": "given",
        },
    )
    return doc
