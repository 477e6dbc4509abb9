"""The weapons domain's API operations in the authorisation matrix.

Each side has two stores at its site: an armoury holding a pistol and 1000 rounds of
7.62×39 (taken in from the matrix person's reception), whose keys the registrar and the
case worker hold, and an empty field store; the matrix person's rifle waits for intake.
Operations that the caller may make but the state refuses (closing a store that is not
empty) answer 409, which the matrix counts as allowed.
"""

from __future__ import annotations

from haven.reception.public import WeaponIn, add_weapon, reception_by_id
from haven.security.permissions import Actor, Permission, Role
from haven.weapons import intake, service
from haven.weapons.schemas import IntakeIn, IntakeLine, StoreIn
from tests.security.matrix import Operation, Side, SideContext, World
from tests.weapons.support import PNG_B64

SYSTEM = Actor.system()
P = Permission
STORE = "/api/weapons/stores/{store_id}"
ROUNDS = {"calibre": "7.62x39", "quantity": 10}


def _on_store(path: str, permission: Permission, json: object) -> Operation:
    return Operation("POST", STORE + path, permission, record=True, json=lambda w: json)


def _reissue(w: World) -> object:
    return {
        "force_id": str(w.shared["receiving_force_id"]),
        "representative_name": "Capt. Matrix",
        "representative_position": "Quartermaster",
        "signature": PNG_B64,
        "lines": [ROUNDS],
    }


DESTRUCTION = {
    "method": "cutting",
    "place": "Range 3",
    "witnesses": [
        {"name": "Witness A", "role": "Observer"},
        {"name": "Witness B", "role": "Medic"},
    ],
    "photo_before": PNG_B64,
    "photo_after": PNG_B64,
    "lines": [ROUNDS],
}

OPERATIONS: list[Operation] = [
    Operation("GET", "/api/weapons/stores", P.WEAPON_READ),
    Operation(
        "POST",
        "/api/weapons/stores",
        P.WEAPON_CUSTODY,
        json=lambda w: {"name": "New field store", "kind": "field", "location": "North gate"},
    ),
    Operation("GET", "/api/weapons/waiting", P.WEAPON_READ),
    Operation("GET", STORE, P.WEAPON_READ, record=True),
    Operation("GET", STORE + "/balance", P.WEAPON_READ, record=True),
    Operation("GET", STORE + "/ledger", P.WEAPON_READ, record=True),
    Operation(
        "POST",
        STORE + "/keys",
        P.WEAPON_CUSTODY,
        record=True,
        json=lambda w: {"user_id": str(w.mine.ids["key_user_id"])},
    ),
    Operation(
        "POST",
        STORE + "/keys/return",
        P.WEAPON_CUSTODY,
        record=True,
        json=lambda w: {"user_id": str(w.mine.ids["user_id"])},
    ),
    _on_store("/close", P.WEAPON_CUSTODY, None),
    Operation(
        "POST",
        STORE + "/intake",
        P.WEAPON_CUSTODY,
        record=True,
        json=lambda w: {"lines": [{"item_id": str(w.mine.ids["weapon_id"]), "serviceable": True}]},
    ),
    Operation(
        "POST",
        STORE + "/transfers",
        P.WEAPON_CUSTODY,
        record=True,
        json=lambda w: {"to_store_id": str(w.mine.ids["to_store_id"]), "lines": [ROUNDS]},
    ),
    Operation("POST", STORE + "/reissues", P.WEAPON_REISSUE, record=True, json=_reissue),
    _on_store("/destructions", P.WEAPON_DESTROY, DESTRUCTION),
    Operation(
        "POST",
        STORE + "/stock-checks",
        P.WEAPON_CUSTODY,
        record=True,
        json=lambda w: {
            "witness_name": "Sgt. Matrix",
            "witness_role": "Guard commander",
            "counts": [
                {"item_id": str(w.mine.ids["stored_item_id"]), "counted": 1},
                {"calibre": "7.62x39", "counted": 990, "reason": "Ten rounds found damp, burnt"},
            ],
        },
    ),
    Operation("GET", "/api/weapons/documents/{document_id}", P.WEAPON_READ, record=True),
]


def seed(ctx: SideContext, side: Side) -> None:
    """Two stores of the side's site, a pistol and rounds in the armoury, the rifle waiting."""
    db = ctx.db
    keepers = [ctx.users[Role.REGISTRAR].id, ctx.users[Role.CASE_WORKER].id]
    armoury = service.open_store(
        db,
        SYSTEM,
        StoreIn(name="Matrix armoury", kind="armoury", site_id=ctx.site.id, key_holder_ids=keepers),  # type: ignore[arg-type]
    )
    field = service.open_store(
        db,
        SYSTEM,
        StoreIn(
            name="Matrix field store", kind="field", site_id=ctx.site.id, key_holder_ids=keepers
        ),  # type: ignore[arg-type]
    )
    event = reception_by_id(db, side.ids["reception_id"])
    assert event is not None
    rounds = add_weapon(
        db, SYSTEM, event, WeaponIn(kind="ammunition", quantity=1000, calibre="7.62x39")
    )  # type: ignore[arg-type]
    pistol = add_weapon(db, SYSTEM, event, WeaponIn(kind="pistol", serial_number="MX-1"))  # type: ignore[arg-type]
    doc = intake.take_in(
        db,
        SYSTEM,
        armoury.id,
        IntakeIn(lines=[IntakeLine(item_id=rounds.id), IntakeLine(item_id=pistol.id)]),
    )
    assert doc is not None
    side.ids.update(
        store_id=armoury.id,
        to_store_id=field.id,
        stored_item_id=pistol.id,
        document_id=doc.id,
        key_user_id=ctx.users[Role.AUDITOR].id,
    )
