"""Stores and their keys, and what the pages and the API read (docs/weapons.md).

- A store is opened at a site by someone with WEAPON_CUSTODY, with at least one key holder
  (a user of the organisation); an open store always keeps one: the last key is not
  returned, it is handed on. A store is closed only when it is empty; its keys come back.
- Reading a store needs WEAPON_READ; a registrar sees the stores of their site only (404
  for the others).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.types import new_id, utcnow
from haven.errors import Conflict, NotFound, ValidationFailed
from haven.i18n import N_
from haven.reception.public import WeaponItem
from haven.security.permissions import Actor, Permission, in_scope, require
from haven.weapons import repository
from haven.weapons.ledger import require_open, store_for
from haven.weapons.lifecycle import StoreStatus
from haven.weapons.models import CheckLine, KeyHolder, WeaponDocument, WeaponMovement, WeaponStore
from haven.weapons.schemas import KeyIn, KeyReturnIn, StoreIn

NOT_A_USER = N_("Choose someone of your organisation.")
LAST_KEY = N_("An open store keeps at least one key holder: hand the key on instead.")
NOT_HOLDING = N_("This person does not hold a key of the store.")
ALREADY_HOLDING = N_("This person already holds a key of the store.")
NOT_EMPTY = N_("The store is not empty: move or destroy what it holds first.")
NO_SITE = N_("Choose the site of the store.")
NOT_KEY_HOLDER = N_("Only a key holder of the store can record this.")


def _audit(
    session: Session,
    actor: Actor,
    action: AuditAction,
    store: WeaponStore,
    changes: dict[str, object] | None = None,
    *,
    subject_type: str = "weapon_store",
    subject_id: uuid.UUID | None = None,
) -> None:
    audit.record(
        session,
        actor,
        action,
        subject_type=subject_type,
        subject_id=subject_id or store.id,
        organisation_id=store.organisation_id,
        changes=changes or {},
    )


def require_key_holder(session: Session, actor: Actor, store: WeaponStore) -> None:
    """Movements in a store are recorded by one who holds its key (the system, a demo or an
    import, is exempt)."""
    if actor.is_system:
        return
    if not any(
        h.user_id == actor.user_id for h in repository.KeyHolders(session).current(store.id)
    ):
        raise Conflict(NOT_KEY_HOLDER)


def _hand(session: Session, actor: Actor, store: WeaponStore, user_id: uuid.UUID) -> KeyHolder:
    if repository.user_in_organisation(session, user_id, store.organisation_id) is None:
        raise ValidationFailed(fields={"user_id": NOT_A_USER})
    holder = KeyHolder(
        id=new_id(),
        store_id=store.id,
        organisation_id=store.organisation_id,
        user_id=user_id,
        handed_at=utcnow(),
        handed_by_id=actor.user_id,
    )
    session.add(holder)
    return holder


def open_store(session: Session, actor: Actor, data: StoreIn) -> WeaponStore:
    require(actor, Permission.WEAPON_CUSTODY)
    site_id = data.site_id or actor.site_id
    organisation_id = repository.site_organisation(session, site_id) if site_id else None
    if site_id is None or organisation_id is None:
        raise ValidationFailed(fields={"site_id": NO_SITE})
    store = WeaponStore(
        id=new_id(),
        organisation_id=organisation_id,
        site_id=site_id,
        name=data.name,
        kind=str(data.kind),
        status=str(StoreStatus.OPEN),
        created_by_id=actor.user_id,
    )
    if not in_scope(actor, store):
        raise ValidationFailed(fields={"site_id": NO_SITE})
    session.add(store)
    store.location = data.location
    holders = list(dict.fromkeys(data.key_holder_ids)) or (
        [actor.user_id] if actor.user_id is not None else []
    )
    if not holders:
        raise ValidationFailed(fields={"key_holder_ids": NOT_A_USER})
    session.flush()
    for user_id in holders:
        _hand(session, actor, store, user_id)
    session.flush()
    _audit(
        session,
        actor,
        AuditAction.WEAPON_STORE_OPENED,
        store,
        {
            "name": store.name,
            "kind": store.kind,
            "site_id": str(site_id),
            "location": "given" if data.location else None,
            "key_holders": [str(u) for u in holders],
        },
    )
    return store


def hand_key(session: Session, actor: Actor, store_id: uuid.UUID, data: KeyIn) -> KeyHolder:
    """Hand a key to someone; from a holder (`from_user_id`) whose key is then returned."""
    store = store_for(session, actor, store_id)
    require(actor, Permission.WEAPON_CUSTODY, store)
    require_open(store)
    current = {h.user_id: h for h in repository.KeyHolders(session).current(store.id)}
    if data.user_id in current:
        raise Conflict(ALREADY_HOLDING)
    if data.from_user_id is not None and data.from_user_id not in current:
        raise Conflict(NOT_HOLDING)
    holder = _hand(session, actor, store, data.user_id)
    if data.from_user_id is not None:
        giver = current[data.from_user_id]
        giver.returned_at = holder.handed_at
        giver.returned_by_id = actor.user_id
    session.flush()
    _audit(
        session,
        actor,
        AuditAction.WEAPON_KEY_HANDED,
        store,
        {"to": str(data.user_id), "from": str(data.from_user_id) if data.from_user_id else None},
    )
    return holder


def return_key(session: Session, actor: Actor, store_id: uuid.UUID, data: KeyReturnIn) -> None:
    store = store_for(session, actor, store_id)
    require(actor, Permission.WEAPON_CUSTODY, store)
    current = {h.user_id: h for h in repository.KeyHolders(session).current(store.id)}
    holder = current.get(data.user_id)
    if holder is None:
        raise Conflict(NOT_HOLDING)
    if store.status == StoreStatus.OPEN and len(current) == 1:
        raise Conflict(LAST_KEY)
    holder.returned_at = utcnow()
    holder.returned_by_id = actor.user_id
    session.flush()
    _audit(session, actor, AuditAction.WEAPON_KEY_RETURNED, store, {"user": str(data.user_id)})


def close_store(session: Session, actor: Actor, store_id: uuid.UUID) -> WeaponStore:
    """An empty store is closed and its keys come back."""
    store = store_for(session, actor, store_id)
    require(actor, Permission.WEAPON_CUSTODY, store)
    require_open(store)
    if repository.item_balances(session, store.id) or repository.calibre_balances(
        session, store.id
    ):
        raise Conflict(NOT_EMPTY)
    now = utcnow()
    for holder in repository.KeyHolders(session).current(store.id):
        holder.returned_at = now
        holder.returned_by_id = actor.user_id
    store.status = str(StoreStatus.CLOSED)
    store.closed_at = now
    store.closed_by_id = actor.user_id
    session.flush()
    _audit(session, actor, AuditAction.WEAPON_STORE_CLOSED, store, {"status": store.status})
    return store


# --- reads -------------------------------------------------------------------------------------


def stores(session: Session, actor: Actor) -> list[WeaponStore]:
    require(actor, Permission.WEAPON_READ)
    return repository.Stores(session).listed(actor)


def get_store(session: Session, actor: Actor, store_id: uuid.UUID) -> WeaponStore:
    return repository.Stores(session).get_for(actor, store_id, Permission.WEAPON_READ)


def transfer_targets(session: Session, actor: Actor, store: WeaponStore) -> list[WeaponStore]:
    """The open stores of the organisation (any site) a transfer may go to."""
    return [
        s
        for s in repository.Stores(session).open_in_organisation(store.organisation_id)
        if s.id != store.id
    ]


def key_holders(session: Session, actor: Actor, store: WeaponStore) -> list[KeyHolder]:
    require(actor, Permission.WEAPON_READ, store)
    return repository.KeyHolders(session).history(store.id)


def users_for_keys(session: Session, actor: Actor) -> list[tuple[uuid.UUID, str]]:
    return [(u.id, u.display_name) for u in repository.users_for_keys(session, actor)]


@dataclass(frozen=True)
class Balance:
    items: list[tuple[WeaponItem, int]]
    calibres: list[tuple[str, int]]


def balance(session: Session, actor: Actor, store: WeaponStore) -> Balance:
    require(actor, Permission.WEAPON_READ, store)
    held = repository.item_balances(session, store.id)
    items = repository.items_by_id(session, held)
    return Balance(
        items=sorted(
            ((items[i], q) for i, q in held.items()),
            key=lambda pair: (pair[0].kind, pair[0].serial_number or "", str(pair[0].id)),
        ),
        calibres=sorted(repository.calibre_balances(session, store.id).items()),
    )


def lost_items(session: Session, actor: Actor, store: WeaponStore) -> list[tuple[WeaponItem, int]]:
    """Weapons a stock check of the store found missing, which a later check may find again."""
    require(actor, Permission.WEAPON_READ, store)
    lost = repository.lost_at(session, store.id)
    items = repository.items_by_id(session, lost)
    return sorted(
        ((items[i], q) for i, q in lost.items()),
        key=lambda pair: (pair[0].kind, pair[0].serial_number or "", str(pair[0].id)),
    )


def ledger(session: Session, actor: Actor, store: WeaponStore) -> list[WeaponMovement]:
    require(actor, Permission.WEAPON_READ, store)
    return repository.ledger(session, store.id)


def documents(session: Session, actor: Actor, store: WeaponStore) -> list[WeaponDocument]:
    require(actor, Permission.WEAPON_READ, store)
    return repository.documents(session, store.id)


def get_document(session: Session, actor: Actor, document_id: uuid.UUID) -> WeaponDocument:
    """A document (its store must be the actor's to know); the read is audited: it may
    carry names, signatures and photos."""
    doc = repository.document(session, document_id)
    if doc is None:
        raise NotFound
    store = get_store(session, actor, doc.store_id)
    _audit(
        session,
        actor,
        AuditAction.WEAPON_DOCUMENT_READ,
        store,
        {"kind": doc.kind},
        subject_type="weapon_document",
        subject_id=doc.id,
    )
    return doc


def waiting_items(session: Session, actor: Actor) -> list[WeaponItem]:
    """Items received at reception (or crossing) not yet taken into a store or settled as
    not received."""
    require(actor, Permission.WEAPON_READ)
    return repository.waiting_items(session, actor)


def movements_of(session: Session, actor: Actor, doc: WeaponDocument) -> list[WeaponMovement]:
    get_store(session, actor, doc.store_id)
    return repository.movements_of_document(session, doc.id)


def check_lines(session: Session, actor: Actor, doc: WeaponDocument) -> list[CheckLine]:
    get_store(session, actor, doc.store_id)
    return repository.check_lines(session, doc.id)


def user_names(session: Session, user_ids: list[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    return {u.id: u.display_name for u in repository.users_by_id(session, user_ids).values()}


def items_named(session: Session, item_ids: list[uuid.UUID | None]) -> dict[uuid.UUID, WeaponItem]:
    return repository.items_by_id(session, (i for i in item_ids if i is not None))


def store_names(
    session: Session, actor: Actor, store_ids: list[uuid.UUID | None]
) -> dict[uuid.UUID, str]:
    """Names of stores of the actor's organisation (a transfer's other end may be at another
    site: its name only)."""
    return {
        s.id: s.name
        for s in repository.Stores(session).many(store_ids).values()
        if s.organisation_id == actor.organisation_id or actor.is_system
    }
