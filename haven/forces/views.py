"""HTML pages: forces, their rank and position tables (unverified entries editable), rank and
position equivalences."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from haven.errors import HavenError, ValidationFailed
from haven.forces import repository, service
from haven.forces.models import Force
from haven.forces.reference import NO_BURMESE_NAME
from haven.forces.schemas import (
    EquivalenceIn,
    ForceIn,
    ForceKind,
    PositionEquivalenceIn,
    PositionIn,
    PositionUpdate,
    RankIn,
    RankUpdate,
)
from haven.i18n import N_
from haven.kernel.clock import local_today
from haven.kernel.labels import labels
from haven.security.permissions import Actor, Permission
from haven.validation import parse
from haven.web import notices
from haven.web.deps import DB, Form, HtmlActor, HtmlFormActor
from haven.web.templating import render

router = APIRouter(include_in_schema=False)

FORCE_ADDED = notices.register(N_("The force was added."))
RANK_ADDED = notices.register(N_("The rank was added."))
RANK_SAVED = notices.register(N_("The rank was saved."))
EQUIVALENCE_ADDED = notices.register(N_("The rank equivalence was added."))
POSITION_ADDED = notices.register(N_("The position was added."))
POSITION_SAVED = notices.register(N_("The position was saved."))
POSITION_EQUIVALENCE_ADDED = notices.register(N_("The position equivalence was added."))


def _list_context(session: Session, actor: Actor) -> dict[str, Any]:
    return {
        "forces": service.list_forces(session, actor),
        "kinds": list(ForceKind),
        "kind_labels": labels(ForceKind),
    }


@router.get("/forces", response_class=HTMLResponse)
def forces_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    service.ensure_reference_data(session)
    return render(request, "forces/list.html", _list_context(session, actor))


@router.post("/forces", response_class=HTMLResponse)
def create_force(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    values = {k: str(form.get(k, "")).strip() for k in ("name", "name_my", "kind")}
    try:
        data = parse(ForceIn, {k: v for k, v in values.items() if v})
        force = service.create_force(
            session, actor, name=data.name, name_my=data.name_my, kind=data.kind
        )
    except ValidationFailed as error:
        session.rollback()
        context = _list_context(session, actor) | {"error": error, "values": values}
        return render(request, "forces/list.html", context, status_code=422)
    return notices.redirect(f"/forces/{force.id}", FORCE_ADDED)


def _force_context(session: Session, actor: Actor, force: Force) -> dict[str, Any]:
    """The force page's values, in a constant number of queries whatever the table sizes."""
    ranks = service.list_ranks(session, actor, force.id)
    receiving = [f for f in service.list_forces(session, actor) if f.is_receiving]
    receiving_ranks = repository.ranks_by_force(session, [f.id for f in receiving])
    by_rank = repository.equivalences_of_ranks(session, [r.id for r in ranks])
    targets = repository.ranks_by_id(
        session, [eq.target_rank_id for found in by_rank.values() for eq in found]
    )
    equivalences = [
        (rank, target_force, eq, targets[eq.target_rank_id])
        for rank in ranks
        for target_force in receiving
        for eq in by_rank.get(rank.id, [])
        if eq.receiving_force_id == target_force.id
    ]
    positions = service.list_positions(session, actor, force.id)
    receiving_positions = repository.positions_by_force(session, [f.id for f in receiving])
    by_position = repository.equivalences_of_positions(session, [p.id for p in positions])
    target_positions = repository.positions_by_id(
        session, [eq.target_position_id for found in by_position.values() for eq in found]
    )
    position_equivalences = [
        (position, target_force, eq, target_positions[eq.target_position_id])
        for position in positions
        for target_force in receiving
        for eq in by_position.get(position.id, [])
        if eq.receiving_force_id == target_force.id
    ]
    return {
        "force": force,
        "ranks": ranks,
        "aliases": service.rank_aliases(session, [r.id for r in ranks]),
        "no_burmese_name": NO_BURMESE_NAME,
        "positions": positions,
        "receiving_positions": [(f, receiving_positions.get(f.id, [])) for f in receiving],
        "position_equivalences": position_equivalences,
        "units": repository.units_of(session, force.id),
        "receiving": [(f, receiving_ranks.get(f.id, [])) for f in receiving],
        "equivalences": equivalences,
        "can_manage": actor.can(Permission.REFERENCE_MANAGE),
        "today": local_today().isoformat(),
    }


@router.get("/forces/{force_id}", response_class=HTMLResponse)
def force_page(request: Request, force_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    force = service.get_force(session, actor, force_id)
    return render(request, "forces/force.html", _force_context(session, actor, force))


def _rerender(
    request: Request, session: DB, actor: Actor, force_id: uuid.UUID, error: HavenError
) -> Response:
    session.rollback()
    force = service.get_force(session, actor, force_id)
    context = _force_context(session, actor, force) | {"error": error}
    return render(request, "forces/force.html", context, status_code=error.status)


@router.post("/forces/{force_id}/ranks", response_class=HTMLResponse)
def add_rank(
    request: Request, force_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    values = {k: str(form.get(k, "")).strip() for k in ("seniority", "name_en", "name_my")}
    try:
        data = parse(RankIn, {k: v for k, v in values.items() if v})
        service.add_rank(session, actor, force_id=force_id, **data.model_dump())
    except (ValidationFailed, HavenError) as error:
        return _rerender(request, session, actor, force_id, error)
    return notices.redirect(f"/forces/{force_id}", RANK_ADDED)


@router.post("/ranks/{rank_id}", response_class=HTMLResponse)
def update_rank(
    request: Request, rank_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    rank = service.get_rank(session, actor, rank_id)
    name_my = str(form.get("name_my", "")).strip()
    written = form.get("aliases")
    try:
        data = parse(
            RankUpdate,
            {"verified": form.get("verified") == "yes"}
            | ({"name_my": name_my} if name_my else {})
            | ({"aliases": str(written).split(",")} if written is not None else {}),
        )
        aliases = None if data.aliases is None else [a for a in data.aliases if a]
        service.update_rank(
            session, actor, rank_id, name_my=data.name_my, verified=data.verified, aliases=aliases
        )
    except HavenError as error:
        return _rerender(request, session, actor, rank.force_id, error)
    return notices.redirect(f"/forces/{rank.force_id}#rank-{rank.id}", RANK_SAVED)


@router.post("/forces/{force_id}/equivalences", response_class=HTMLResponse)
def add_equivalence(
    request: Request, force_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    fields = (
        "receiving_force_id",
        "source_rank_id",
        "target_rank_id",
        "effective_from",
        "effective_to",
    )
    values = {k: str(form.get(k, "")).strip() for k in fields}
    try:
        data = parse(EquivalenceIn, {k: v for k, v in values.items() if v})
        service.add_equivalence(session, actor, **data.model_dump())
    except HavenError as error:
        return _rerender(request, session, actor, force_id, error)
    return notices.redirect(f"/forces/{force_id}#equivalences", EQUIVALENCE_ADDED)


@router.post("/forces/{force_id}/positions", response_class=HTMLResponse)
def add_position(
    request: Request, force_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    values = {k: str(form.get(k, "")).strip() for k in ("grade", "name_en", "name_my")}
    try:
        data = parse(PositionIn, {k: v for k, v in values.items() if v})
        service.add_position(session, actor, force_id=force_id, **data.model_dump())
    except HavenError as error:
        return _rerender(request, session, actor, force_id, error)
    return notices.redirect(f"/forces/{force_id}#positions", POSITION_ADDED)


@router.post("/positions/{position_id}", response_class=HTMLResponse)
def update_position(
    request: Request, position_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    position = service.get_position(session, actor, position_id)
    name_my = str(form.get("name_my", "")).strip()
    try:
        data = parse(
            PositionUpdate,
            {"verified": form.get("verified") == "yes"} | ({"name_my": name_my} if name_my else {}),
        )
        service.update_position(
            session, actor, position_id, name_my=data.name_my, verified=data.verified
        )
    except HavenError as error:
        return _rerender(request, session, actor, position.force_id, error)
    return notices.redirect(f"/forces/{position.force_id}#position-{position.id}", POSITION_SAVED)


@router.post("/forces/{force_id}/position-equivalences", response_class=HTMLResponse)
def add_position_equivalence(
    request: Request, force_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    fields = (
        "receiving_force_id",
        "source_position_id",
        "target_position_id",
        "effective_from",
        "effective_to",
    )
    values = {k: str(form.get(k, "")).strip() for k in fields}
    try:
        data = parse(PositionEquivalenceIn, {k: v for k, v in values.items() if v})
        service.add_position_equivalence(session, actor, **data.model_dump())
    except HavenError as error:
        return _rerender(request, session, actor, force_id, error)
    return notices.redirect(f"/forces/{force_id}#position-equivalences", POSITION_EQUIVALENCE_ADDED)
