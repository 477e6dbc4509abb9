"""Stock leaving a store: transfers to another store, re-issue to a receiving force's unit,
destruction (docs/weapons.md). Each checks every line against the store's balance before
anything is written (`ledger.taken_out`: 409 on an overdraw, nothing written).

- A transfer is one atomic move, out of one store and into the other in the same
  transaction: nothing is ever "in transit" on the ledger, so each store's balance is what
  its keeper can count. The keeper of the source records it (WEAPON_CUSTODY); the
  destination is any open store of the organisation.
- A re-issue (WEAPON_REISSUE) names the receiving force and unit, the representative who
  received it (name and position) and carries a photo of the receipt they signed.
- A destruction (WEAPON_DESTROY) is authorised by the manager recording it: method, date,
  place, at least two witnesses, photos before and after.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.errors import ValidationFailed
from haven.forces.public import receiving_forces, units_by_id
from haven.i18n import N_
from haven.kernel.photos import clean_jpeg
from haven.security.permissions import Actor, Permission, require
from haven.weapons import repository
from haven.weapons.ledger import described, document, require_open, store_for, taken_out, write
from haven.weapons.lifecycle import DestructionMethod, DocumentKind, MovementKind
from haven.weapons.models import WeaponDocument
from haven.weapons.schemas import DestructionIn, ReissueIn, TransferIn
from haven.weapons.service import require_key_holder

SAME_STORE = N_("Choose another store.")
NOT_OPEN_STORE = N_("Choose an open store of your organisation.")
NOT_RECEIVING = N_("Choose a receiving force.")
NOT_ITS_UNIT = N_("Choose a unit of the receiving force.")
SAY_METHOD = N_("Say which method was used.")
PHOTO_SIDE = 1600


def _record(
    session: Session,
    actor: Actor,
    action: AuditAction,
    doc: WeaponDocument,
    changes: dict[str, object],
) -> None:
    audit.record(
        session,
        actor,
        action,
        subject_type="weapon_document",
        subject_id=doc.id,
        organisation_id=doc.organisation_id,
        changes={"store_id": str(doc.store_id), **changes},
    )


def transfer(
    session: Session, actor: Actor, store_id: uuid.UUID, data: TransferIn
) -> WeaponDocument:
    # Both stores are locked, in the order of their ids: two transfers crossing each other
    # wait for one another instead of deadlocking.
    repository.Stores(session).locked(min(store_id, data.to_store_id))
    source = store_for(session, actor, store_id)
    require(actor, Permission.WEAPON_CUSTODY, source)
    require_open(source)
    require_key_holder(session, actor, source)
    if data.to_store_id == source.id:
        raise ValidationFailed(fields={"to_store_id": SAME_STORE})
    target = repository.Stores(session).locked(data.to_store_id)
    if (
        target is None
        or target.organisation_id != source.organisation_id
        or target.status != "open"
    ):
        raise ValidationFailed(fields={"to_store_id": NOT_OPEN_STORE})
    lines = taken_out(session, source, data.lines)
    doc = document(
        session, actor, source, str(DocumentKind.TRANSFER), data.occurred_on, to_store_id=target.id
    )
    session.flush()
    write(session, actor, source, doc, MovementKind.TRANSFER_OUT, lines, sign=-1)
    write(session, actor, target, doc, MovementKind.TRANSFER_IN, lines, sign=1)
    _record(
        session,
        actor,
        AuditAction.WEAPON_TRANSFERRED,
        doc,
        {"to_store_id": str(target.id), **described(lines)},
    )
    return doc


def _receiving(session: Session, data: ReissueIn) -> None:
    if data.force_id not in {f.id for f in receiving_forces(session)}:
        raise ValidationFailed(fields={"force_id": NOT_RECEIVING})
    if data.unit_id is not None:
        unit = units_by_id(session, [data.unit_id]).get(data.unit_id)
        if unit is None or unit.force_id != data.force_id:
            raise ValidationFailed(fields={"unit_id": NOT_ITS_UNIT})


def reissue(session: Session, actor: Actor, store_id: uuid.UUID, data: ReissueIn) -> WeaponDocument:
    store = store_for(session, actor, store_id)
    require(actor, Permission.WEAPON_REISSUE, store)
    require_open(store)
    _receiving(session, data)
    signature = clean_jpeg(data.signature, field="signature", max_side=PHOTO_SIDE)
    lines = taken_out(session, store, data.lines)
    doc = document(
        session,
        actor,
        store,
        str(DocumentKind.REISSUE),
        data.occurred_on,
        force_id=data.force_id,
        unit_id=data.unit_id,
    )
    session.flush()
    doc.representative = {
        "name": data.representative_name,
        "position": data.representative_position,
    }
    doc.signature = signature
    write(session, actor, store, doc, MovementKind.REISSUE, lines, sign=-1)
    _record(
        session,
        actor,
        AuditAction.WEAPON_REISSUED,
        doc,
        {
            "force_id": str(data.force_id),
            "unit_id": str(data.unit_id) if data.unit_id else None,
            "representative": "given",
            "signature": "given",
            **described(lines),
        },
    )
    return doc


def destroy(
    session: Session, actor: Actor, store_id: uuid.UUID, data: DestructionIn
) -> WeaponDocument:
    store = store_for(session, actor, store_id)
    require(actor, Permission.WEAPON_DESTROY, store)
    require_open(store)
    if data.method is DestructionMethod.OTHER and not data.method_other:
        raise ValidationFailed(fields={"method_other": SAY_METHOD})
    before = clean_jpeg(data.photo_before, field="photo_before", max_side=PHOTO_SIDE)
    after = clean_jpeg(data.photo_after, field="photo_after", max_side=PHOTO_SIDE)
    lines = taken_out(session, store, data.lines)
    doc = document(
        session,
        actor,
        store,
        str(DocumentKind.DESTRUCTION),
        data.occurred_on,
        method=str(data.method),
        method_other=data.method_other if data.method is DestructionMethod.OTHER else None,
    )
    session.flush()
    doc.place = data.place
    doc.witnesses = {"people": [{"name": w.name, "role": w.role} for w in data.witnesses]}
    doc.photo_before = before
    doc.photo_after = after
    write(session, actor, store, doc, MovementKind.DESTRUCTION, lines, sign=-1)
    _record(
        session,
        actor,
        AuditAction.WEAPON_DESTROYED,
        doc,
        {
            "method": str(data.method),
            "witnesses": len(data.witnesses),
            "place": "given",
            "photos": "given",
            **described(lines),
        },
    )
    return doc
