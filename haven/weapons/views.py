"""HTML pages of the weapons stores and their ledger: the stores and the items waiting for
intake, a store (balance by kind and calibre, key holders, ledger, documents), and the forms
for intake, stock check, transfer, re-issue and destruction (docs/weapons.md).

Every form works without JavaScript: a POST answers with a redirect (303) on success, or
the same page with an error summary, the message beside the field and the values kept
(422 or 409), nothing written.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from haven.errors import Conflict, HavenError, NotFound, ValidationFailed
from haven.forces.public import receiving_forces, units_of
from haven.i18n import N_
from haven.kernel.labels import labels
from haven.kernel.photos import MAX_PHOTO_BYTES
from haven.reception.public import WeaponKind
from haven.security.permissions import Actor, Permission, require
from haven.validation import parse
from haven.weapons import checks, intake, moves, service
from haven.weapons.lifecycle import (
    Calibre,
    DestructionMethod,
    DocumentKind,
    IntakeOutcome,
    MovementKind,
    StoreKind,
    StoreStatus,
    calibre_label,
)
from haven.weapons.models import WeaponStore
from haven.weapons.schemas import (
    DestructionIn,
    IntakeIn,
    KeyIn,
    KeyReturnIn,
    ReissueIn,
    StockCheckIn,
    StoreIn,
    TransferIn,
)
from haven.web import notices
from haven.web.deps import DB, Form, HtmlActor, HtmlFormActor, form_uuid
from haven.web.templating import render

router = APIRouter(include_in_schema=False)

# Several of these share a value ("intake", "ammunition"): each its own words.
W_LABELS = {
    "store_kinds": labels(StoreKind),
    "states": labels(StoreStatus),
    "moves": labels(MovementKind),
    "documents": labels(DocumentKind),
    "methods": labels(DestructionMethod),
    "outcomes": labels(IntakeOutcome),
    "item_kinds": labels(WeaponKind),
}
STORE_OPENED = notices.register(N_("The store is open."))
KEY_HANDED = notices.register(N_("The key is handed over."))
KEY_RETURNED = notices.register(N_("The key is returned."))
STORE_CLOSED = notices.register(N_("The store is closed; its keys are back."))
TAKEN_IN = notices.register(N_("The items are recorded."))
MOVED = notices.register(N_("The movement is recorded in the ledger."))
CHECKED = notices.register(N_("The stock check is recorded."))
CHOOSE_SOMETHING = N_("Choose at least one weapon or a number of rounds.")
CHOOSE_PHOTO = N_("Choose a photo in JPEG or PNG format.")


def _values(form: FormData) -> dict[str, str]:
    return {k: str(form.get(k, "")).strip() for k in form if k != "csrf_token"}


def _calibres() -> list[tuple[str, str]]:
    return [(str(c), c.label) for c in Calibre]


def _common(store: WeaponStore | None = None) -> dict[str, Any]:
    return {"W_LABELS": W_LABELS, "calibre_label": calibre_label, "store": store}


def _page(
    request: Request,
    template: str,
    context: dict[str, Any],
    error: HavenError | None,
) -> Response:
    return render(
        request,
        f"weapons/{template}",
        {**context, "error": error},
        status_code=error.status if error else 200,
    )


def _attempt(
    session: Session, action: Callable[[], object], again: Callable[[HavenError], Response]
) -> Response | None:
    """Run the service call; on a refusal roll back and show the form again."""
    try:
        action()
    except (ValidationFailed, Conflict) as error:
        session.rollback()
        return again(error)
    return None


# --- the stores -----------------------------------------------------------------------------


def _stores_page(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    error: HavenError | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    stores = service.stores(session, actor)
    return _page(
        request,
        "stores.html",
        {
            **_common(),
            "stores": stores,
            "waiting": service.waiting_items(session, actor),
            "kinds": list(StoreKind),
            "can_keep": actor.can(Permission.WEAPON_CUSTODY) and actor.site_id is not None,
            "values": values or {},
        },
        error,
    )


@router.get("/weapons", response_class=HTMLResponse)
def stores_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    return _stores_page(request, session, actor)


@router.post("/weapons/stores", response_class=HTMLResponse)
def open_store(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    values = _values(form)
    created: list[WeaponStore] = []

    def act() -> None:
        data = parse(StoreIn, {k: v for k, v in values.items() if v != ""})
        created.append(service.open_store(session, actor, data))

    again = _attempt(
        session,
        act,
        lambda e: _stores_page(request, session, actor, error=e, values=values),
    )
    return again or notices.redirect(f"/weapons/stores/{created[0].id}", STORE_OPENED)


def _store_page(
    request: Request, session: Session, actor: Actor, store_id: uuid.UUID, *, error: Any = None
) -> Response:
    store = service.get_store(session, actor, store_id)
    holders = service.key_holders(session, actor, store)
    users = dict(service.users_for_keys(session, actor))
    names = service.user_names(session, [h.user_id for h in holders])
    documents = service.documents(session, actor, store)
    return _page(
        request,
        "store.html",
        {
            **_common(store),
            "balance": service.balance(session, actor, store),
            "holders": holders,
            "current": [h for h in holders if h.returned_at is None],
            "names": names,
            "users": users,
            "ledger": service.ledger(session, actor, store),
            "documents": documents,
            "is_open": store.status == StoreStatus.OPEN,
            "can_keep": actor.can(Permission.WEAPON_CUSTODY),
            "can_reissue": actor.can(Permission.WEAPON_REISSUE),
            "can_destroy": actor.can(Permission.WEAPON_DESTROY),
        },
        error,
    )


@router.get("/weapons/stores/{store_id}", response_class=HTMLResponse)
def store_page(request: Request, store_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    return _store_page(request, session, actor, store_id)


@router.post("/weapons/stores/{store_id}/keys", response_class=HTMLResponse)
def hand_key(
    request: Request, store_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    values = _values(form)

    def act() -> None:
        data = KeyIn(
            user_id=form_uuid(values.get("user_id")) or uuid.UUID(int=0),
            from_user_id=form_uuid(values.get("from_user_id")),
        )
        service.hand_key(session, actor, store_id, data)

    again = _attempt(
        session, act, lambda e: _store_page(request, session, actor, store_id, error=e)
    )
    return again or notices.redirect(f"/weapons/stores/{store_id}", KEY_HANDED)


@router.post("/weapons/stores/{store_id}/keys/return", response_class=HTMLResponse)
def return_key(
    request: Request, store_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    user_id = form_uuid(_values(form).get("user_id")) or uuid.UUID(int=0)
    again = _attempt(
        session,
        lambda: service.return_key(session, actor, store_id, KeyReturnIn(user_id=user_id)),
        lambda e: _store_page(request, session, actor, store_id, error=e),
    )
    return again or notices.redirect(f"/weapons/stores/{store_id}", KEY_RETURNED)


@router.post("/weapons/stores/{store_id}/close", response_class=HTMLResponse)
def close_store(
    request: Request, store_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    again = _attempt(
        session,
        lambda: service.close_store(session, actor, store_id),
        lambda e: _store_page(request, session, actor, store_id, error=e),
    )
    return again or notices.redirect(f"/weapons/stores/{store_id}", STORE_CLOSED)


# --- intake ---------------------------------------------------------------------------------


def _intake_page(
    request: Request,
    session: Session,
    actor: Actor,
    store_id: uuid.UUID,
    *,
    error: HavenError | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    store = service.get_store(session, actor, store_id)
    require(actor, Permission.WEAPON_CUSTODY, store)
    return _page(
        request,
        "intake.html",
        {
            **_common(store),
            "waiting": service.waiting_items(session, actor),
            "calibres": _calibres(),
            "values": values or {},
        },
        error,
    )


@router.get("/weapons/stores/{store_id}/intake", response_class=HTMLResponse)
def intake_page(request: Request, store_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    return _intake_page(request, session, actor, store_id)


def _calibre_of(values: dict[str, str], name: str) -> str | None:
    chosen = values.get(name, "")
    if chosen == str(Calibre.OTHER):
        return values.get(f"{name}_other") or str(Calibre.OTHER)
    return chosen or None


def _intake_lines(values: dict[str, str]) -> tuple[list[dict[str, Any]], list[int]]:
    rows: list[int] = []
    lines: list[dict[str, Any]] = []
    index = 0
    while f"item-{index}" in values:
        outcome = values.get(f"outcome-{index}", "")
        if outcome in {str(o) for o in IntakeOutcome}:
            serviceable = values.get(f"serviceable-{index}", "")
            lines.append(
                {
                    "item_id": values[f"item-{index}"],
                    "received": outcome == IntakeOutcome.RECEIVED,
                    "serviceable": {"yes": True, "no": False}.get(serviceable),
                    "calibre": _calibre_of(values, f"calibre-{index}"),
                    "reason": values.get(f"reason-{index}") or None,
                }
            )
            rows.append(index)
        index += 1
    return lines, rows


def _renumbered(error: HavenError, rows: list[int]) -> HavenError:
    """The service names a line by its place among the lines sent: name the form's row."""
    fields: dict[str, Any] = {}
    for name, message in error.fields.items():
        head, _, tail = name.rpartition("-")
        renamed = name
        if head and tail.isdigit() and int(tail) < len(rows):
            renamed = f"{head}-{rows[int(tail)]}"
        fields[renamed] = message
    error.fields = fields
    return error


@router.post("/weapons/stores/{store_id}/intake", response_class=HTMLResponse)
def take_in(
    request: Request, store_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    values = _values(form)
    lines, rows = _intake_lines(values)

    def act() -> None:
        if not lines:
            raise ValidationFailed(fields={"outcome-0": N_("Choose the items to take in.")})
        data = parse(IntakeIn, {"lines": lines})
        try:
            intake.take_in(session, actor, store_id, data)
        except ValidationFailed as error:
            raise _renumbered(error, rows) from None

    again = _attempt(
        session,
        act,
        lambda e: _intake_page(request, session, actor, store_id, error=e, values=values),
    )
    return again or notices.redirect(f"/weapons/stores/{store_id}", TAKEN_IN)


# --- stock check ----------------------------------------------------------------------------


def _check_page(
    request: Request,
    session: Session,
    actor: Actor,
    store_id: uuid.UUID,
    *,
    error: HavenError | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    store = service.get_store(session, actor, store_id)
    require(actor, Permission.WEAPON_CUSTODY, store)
    return _page(
        request,
        "stock_check.html",
        {
            **_common(store),
            "balance": service.balance(session, actor, store),
            "lost": service.lost_items(session, actor, store),
            "calibres": _calibres(),
            "values": values or {},
        },
        error,
    )


@router.get("/weapons/stores/{store_id}/stock-check", response_class=HTMLResponse)
def stock_check_page(
    request: Request, store_id: uuid.UUID, session: DB, actor: HtmlActor
) -> Response:
    return _check_page(request, session, actor, store_id)


def _counts(values: dict[str, str]) -> list[dict[str, Any]]:
    counts: list[dict[str, Any]] = []
    index = 0
    while f"key-{index}" in values:
        kind, _, key = values[f"key-{index}"].partition(":")
        counts.append(
            {
                "item_id" if kind == "item" else "calibre": key,
                "counted": values.get(f"counted-{index}", ""),
                "reason": values.get(f"reason-{index}") or None,
            }
        )
        index += 1
    found = _calibre_of(values, "found")
    if found and values.get("found_counted"):
        counts.append(
            {
                "calibre": found,
                "counted": values["found_counted"],
                "reason": values.get("found_reason") or None,
            }
        )
    return counts


@router.post("/weapons/stores/{store_id}/stock-check", response_class=HTMLResponse)
def stock_check(
    request: Request, store_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    values = _values(form)

    def act() -> None:
        data = parse(
            StockCheckIn,
            {
                "witness_name": values.get("witness_name"),
                "witness_role": values.get("witness_role"),
                "counts": _counts(values),
                **({"occurred_on": values["occurred_on"]} if values.get("occurred_on") else {}),
            },
        )
        checks.stock_check(session, actor, store_id, data)

    again = _attempt(
        session,
        act,
        lambda e: _check_page(request, session, actor, store_id, error=_flat(e), values=values),
    )
    return again or notices.redirect(f"/weapons/stores/{store_id}", CHECKED)


def _flat(error: HavenError) -> HavenError:
    """Pydantic names a count's field `counts.2.counted`: the form's field is `counted-2`."""
    fields: dict[str, Any] = {}
    for name, message in error.fields.items():
        parts = name.split(".")
        renamed = f"{parts[2]}-{parts[1]}" if len(parts) == 3 and parts[1].isdigit() else name
        if parts[0] == "witnesses" and renamed != name:
            renamed = f"witness_{renamed}"
        fields[renamed] = message
    error.fields = fields
    return error


# --- out of the store: transfer, re-issue, destruction ----------------------------------------


def _out_page(
    request: Request,
    session: Session,
    actor: Actor,
    store_id: uuid.UUID,
    kind: DocumentKind,
    *,
    error: HavenError | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    store = service.get_store(session, actor, store_id)
    permission = {
        DocumentKind.TRANSFER: Permission.WEAPON_CUSTODY,
        DocumentKind.REISSUE: Permission.WEAPON_REISSUE,
        DocumentKind.DESTRUCTION: Permission.WEAPON_DESTROY,
    }[kind]
    require(actor, permission, store)
    forces = receiving_forces(session) if kind is DocumentKind.REISSUE else []
    return _page(
        request,
        f"{kind}.html",
        {
            **_common(store),
            "balance": service.balance(session, actor, store),
            "targets": service.transfer_targets(session, actor, store),
            "forces": forces,
            "units": [(f, units_of(session, f.id)) for f in forces],
            "methods": list(DestructionMethod),
            "values": values or {},
            "chosen_items": set(values.get("items", "").split()) if values else set(),
        },
        error,
    )


def _out_lines(form: FormData) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = [{"item_id": str(v)} for v in form.getlist("item") if v]
    index = 0
    while f"calibre-{index}" in form:
        rounds = str(form.get(f"rounds-{index}", "")).strip()
        if rounds and rounds != "0":
            lines.append({"calibre": str(form[f"calibre-{index}"]), "quantity": rounds})
        index += 1
    if not lines:
        raise ValidationFailed(fields={"lines": CHOOSE_SOMETHING})
    return lines


def _photo(form: FormData, name: str) -> str:
    upload = form.get(name)
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise ValidationFailed(fields={name: CHOOSE_PHOTO})
    raw = upload.file.read(MAX_PHOTO_BYTES + 1)
    if len(raw) > MAX_PHOTO_BYTES:
        raise ValidationFailed(fields={name: N_("The photo is too large: at most 5 MB.")})
    return base64.b64encode(raw).decode()


def _kept(form: FormData) -> dict[str, str]:
    values = _values(form)
    values["items"] = " ".join(str(v) for v in form.getlist("item"))
    return {k: v for k, v in values.items() if not isinstance(form.get(k), UploadFile)}


def _out_form(kind: DocumentKind) -> Any:
    def page(request: Request, store_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
        return _out_page(request, session, actor, store_id, kind)

    return page


def _record_out(
    request: Request,
    session: Session,
    actor: Actor,
    store_id: uuid.UUID,
    form: FormData,
    kind: DocumentKind,
    action: Callable[[list[dict[str, Any]], dict[str, str]], object],
) -> Response:
    values = _kept(form)
    again = _attempt(
        session,
        lambda: action(_out_lines(form), values),
        lambda e: _out_page(request, session, actor, store_id, kind, error=_flat(e), values=values),
    )
    return again or notices.redirect(f"/weapons/stores/{store_id}", MOVED)


def _dated(values: dict[str, str]) -> dict[str, str]:
    return {"occurred_on": values["occurred_on"]} if values.get("occurred_on") else {}


router.add_api_route(
    "/weapons/stores/{store_id}/transfer",
    _out_form(DocumentKind.TRANSFER),
    methods=["GET"],
    response_class=HTMLResponse,
)
router.add_api_route(
    "/weapons/stores/{store_id}/reissue",
    _out_form(DocumentKind.REISSUE),
    methods=["GET"],
    response_class=HTMLResponse,
)
router.add_api_route(
    "/weapons/stores/{store_id}/destruction",
    _out_form(DocumentKind.DESTRUCTION),
    methods=["GET"],
    response_class=HTMLResponse,
)


@router.post("/weapons/stores/{store_id}/transfer", response_class=HTMLResponse)
def transfer(
    request: Request, store_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    def act(lines: list[dict[str, Any]], values: dict[str, str]) -> object:
        data = parse(
            TransferIn,
            {"to_store_id": values.get("to_store_id") or None, "lines": lines, **_dated(values)},
        )
        return moves.transfer(session, actor, store_id, data)

    return _record_out(request, session, actor, store_id, form, DocumentKind.TRANSFER, act)


@router.post("/weapons/stores/{store_id}/reissue", response_class=HTMLResponse)
def reissue(
    request: Request, store_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    def act(lines: list[dict[str, Any]], values: dict[str, str]) -> object:
        data = parse(
            ReissueIn,
            {
                "force_id": values.get("force_id") or None,
                "unit_id": values.get("unit_id") or None,
                "representative_name": values.get("representative_name"),
                "representative_position": values.get("representative_position"),
                "signature": _photo(form, "signature"),
                "lines": lines,
                **_dated(values),
            },
        )
        return moves.reissue(session, actor, store_id, data)

    return _record_out(request, session, actor, store_id, form, DocumentKind.REISSUE, act)


def _witnesses(values: dict[str, str]) -> list[dict[str, str]]:
    return [
        {"name": values.get(f"witness_name-{n}", ""), "role": values.get(f"witness_role-{n}", "")}
        for n in range(4)
        if values.get(f"witness_name-{n}") or values.get(f"witness_role-{n}") or n < 2
    ]


@router.post("/weapons/stores/{store_id}/destruction", response_class=HTMLResponse)
def destroy(
    request: Request, store_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    def act(lines: list[dict[str, Any]], values: dict[str, str]) -> object:
        data = parse(
            DestructionIn,
            {
                "method": values.get("method") or None,
                "method_other": values.get("method_other") or None,
                "place": values.get("place"),
                "witnesses": _witnesses(values),
                "photo_before": _photo(form, "photo_before"),
                "photo_after": _photo(form, "photo_after"),
                "lines": lines,
                **_dated(values),
            },
        )
        return moves.destroy(session, actor, store_id, data)

    return _record_out(request, session, actor, store_id, form, DocumentKind.DESTRUCTION, act)


# --- documents ----------------------------------------------------------------------------


@router.get("/weapons/documents/{document_id}", response_class=HTMLResponse)
def document_page(
    request: Request, document_id: uuid.UUID, session: DB, actor: HtmlActor
) -> Response:
    doc = service.get_document(session, actor, document_id)
    store = service.get_store(session, actor, doc.store_id)
    movements = service.movements_of(session, actor, doc)
    lines = service.check_lines(session, actor, doc)
    item_ids = [m.item_id for m in movements] + [line.item_id for line in lines]
    items = service.items_named(session, item_ids)
    return render(
        request,
        "weapons/document.html",
        {
            **_common(store),
            "doc": doc,
            "movements": movements,
            "items": items,
            "lines": lines,
            "names": service.user_names(session, [doc.recorded_by_id]),
            "witnesses": (doc.witnesses or {}).get("people", []),
            "stores": service.store_names(session, actor, [doc.store_id, doc.to_store_id]),
        },
    )


@router.get("/weapons/documents/{document_id}/image/{which}")
def document_image(document_id: uuid.UUID, which: str, session: DB, actor: HtmlActor) -> Response:
    """A document's signed receipt or photo (re-encoded JPEG), never cached."""
    doc = service.get_document(session, actor, document_id)
    data = {
        "signature": doc.signature,
        "before": doc.photo_before,
        "after": doc.photo_after,
    }.get(which)
    if not data:
        raise NotFound
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "no-store"})
