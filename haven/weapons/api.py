"""JSON endpoints of the weapons stores and their ledger: stores and their keys, items
waiting for intake, intake, transfers, re-issue, destruction, stock checks, balances, the
ledger and its documents (docs/weapons.md)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from sqlalchemy.orm import Session

from haven.security.permissions import Actor
from haven.weapons import checks, intake, moves, service
from haven.weapons.models import WeaponDocument, WeaponStore
from haven.weapons.schemas import (
    BalanceOut,
    CalibreBalance,
    CheckLineOut,
    DestructionIn,
    DocumentDetail,
    DocumentOut,
    IntakeIn,
    ItemBalance,
    KeyHolderOut,
    KeyIn,
    KeyReturnIn,
    MovementOut,
    ReissueIn,
    StockCheckIn,
    StoreIn,
    StoreOut,
    StoreSummary,
    TransferIn,
    WaitingItemOut,
)
from haven.web.deps import DB, ApiActor

router = APIRouter(prefix="/api/weapons", tags=["weapons"])


def _store(session: Session, actor: Actor, store: WeaponStore) -> StoreOut:
    return StoreOut(
        id=store.id,
        name=store.name,
        kind=store.kind,
        status=store.status,
        site_id=store.site_id,
        location=store.location,
        key_holders=[
            KeyHolderOut.model_validate(h) for h in service.key_holders(session, actor, store)
        ],
    )


def _document(doc: WeaponDocument) -> DocumentOut:
    return DocumentOut(id=doc.id, kind=doc.kind, store_id=doc.store_id, occurred_on=doc.occurred_on)


@router.get("/stores")
def list_stores(session: DB, actor: ApiActor) -> list[StoreSummary]:
    """The stores the caller may see (a registrar: their site's), open ones first."""
    return [
        StoreSummary(id=s.id, name=s.name, kind=s.kind, status=s.status, site_id=s.site_id)
        for s in service.stores(session, actor)
    ]


@router.post("/stores", status_code=201)
def open_store(data: StoreIn, session: DB, actor: ApiActor) -> StoreOut:
    """Open a store at a site, with its key holders (the caller when none is named)."""
    return _store(session, actor, service.open_store(session, actor, data))


@router.get("/waiting")
def waiting_items(session: DB, actor: ApiActor) -> list[WaitingItemOut]:
    """Items received at reception or crossing, not yet taken into a store."""
    return [WaitingItemOut.model_validate(i) for i in service.waiting_items(session, actor)]


@router.get("/stores/{store_id}")
def get_store(store_id: uuid.UUID, session: DB, actor: ApiActor) -> StoreOut:
    """A store, its location and its key holders (with the history of keys)."""
    return _store(session, actor, service.get_store(session, actor, store_id))


@router.get("/stores/{store_id}/balance")
def store_balance(store_id: uuid.UUID, session: DB, actor: ApiActor) -> BalanceOut:
    """What the store holds, summed from its ledger: weapons one by one, rounds by calibre."""
    store = service.get_store(session, actor, store_id)
    found = service.balance(session, actor, store)
    return BalanceOut(
        store_id=store.id,
        items=[
            ItemBalance(
                item_id=i.id,
                kind=i.kind,
                description=i.description,
                serial_number=i.serial_number,
                tag=i.tag,
                quantity=q,
            )
            for i, q in found.items
        ],
        calibres=[CalibreBalance(calibre=c, rounds=r) for c, r in found.calibres],
    )


@router.get("/stores/{store_id}/ledger")
def store_ledger(store_id: uuid.UUID, session: DB, actor: ApiActor) -> list[MovementOut]:
    """The store's movements, newest first (the last 200)."""
    store = service.get_store(session, actor, store_id)
    return [MovementOut.model_validate(m) for m in service.ledger(session, actor, store)]


@router.post("/stores/{store_id}/keys", status_code=201)
def hand_key(store_id: uuid.UUID, data: KeyIn, session: DB, actor: ApiActor) -> KeyHolderOut:
    """Hand a key of the store to a user of the organisation (from a holder, handing it on)."""
    return KeyHolderOut.model_validate(service.hand_key(session, actor, store_id, data))


@router.post("/stores/{store_id}/keys/return")
def return_key(store_id: uuid.UUID, data: KeyReturnIn, session: DB, actor: ApiActor) -> StoreOut:
    """A key holder returns their key; an open store's last key is handed on instead (409)."""
    service.return_key(session, actor, store_id, data)
    return _store(session, actor, service.get_store(session, actor, store_id))


@router.post("/stores/{store_id}/close")
def close_store(store_id: uuid.UUID, session: DB, actor: ApiActor) -> StoreOut:
    """Close an empty store (409 while it holds anything); its keys come back."""
    return _store(session, actor, service.close_store(session, actor, store_id))


@router.post("/stores/{store_id}/intake", status_code=201)
def take_in(
    store_id: uuid.UUID, data: IntakeIn, session: DB, actor: ApiActor
) -> DocumentOut | None:
    """Take items into the store (serviceability assessed), or mark them not received (with
    the reason); all of a reception at once with `reception_id`. A key holder records it."""
    doc = intake.take_in(session, actor, store_id, data)
    return _document(doc) if doc is not None else None


@router.post("/stores/{store_id}/transfers", status_code=201)
def transfer(store_id: uuid.UUID, data: TransferIn, session: DB, actor: ApiActor) -> DocumentOut:
    """Move weapons or rounds to another open store of the organisation, in one step."""
    return _document(moves.transfer(session, actor, store_id, data))


@router.post("/stores/{store_id}/reissues", status_code=201)
def reissue(store_id: uuid.UUID, data: ReissueIn, session: DB, actor: ApiActor) -> DocumentOut:
    """Re-issue to a receiving force's unit, with its representative's signed receipt."""
    return _document(moves.reissue(session, actor, store_id, data))


@router.post("/stores/{store_id}/destructions", status_code=201)
def destroy(store_id: uuid.UUID, data: DestructionIn, session: DB, actor: ApiActor) -> DocumentOut:
    """Record a destruction: method, date, place, witnesses, photos before and after."""
    return _document(moves.destroy(session, actor, store_id, data))


@router.post("/stores/{store_id}/stock-checks", status_code=201)
def stock_check(
    store_id: uuid.UUID, data: StockCheckIn, session: DB, actor: ApiActor
) -> DocumentOut:
    """Count the store against its ledger; differences, explained, post adjustments."""
    return _document(checks.stock_check(session, actor, store_id, data))


@router.get("/documents/{document_id}")
def get_document(document_id: uuid.UUID, session: DB, actor: ApiActor) -> DocumentDetail:
    """A document with its names and movements (the read is audited)."""
    doc = service.get_document(session, actor, document_id)
    witnesses = (doc.witnesses or {}).get("people", [])
    return DocumentDetail(
        **_document(doc).model_dump(),
        to_store_id=doc.to_store_id,
        force_id=doc.force_id,
        unit_id=doc.unit_id,
        method=doc.method,
        method_other=doc.method_other,
        place=doc.place,
        representative=doc.representative or None,
        witnesses=[{"name": str(w["name"]), "role": str(w["role"])} for w in witnesses],
        has_signature=doc.signature_ct is not None,
        has_photos=doc.photo_before_ct is not None,
        recorded_by_id=doc.recorded_by_id,
        movements=[
            MovementOut.model_validate(m) for m in service.movements_of(session, actor, doc)
        ],
        lines=[
            CheckLineOut(
                item_id=line.item_id,
                calibre=line.calibre,
                expected=line.expected,
                counted=line.counted,
                reason=line.reason,
            )
            for line in service.check_lines(session, actor, doc)
        ],
    )
