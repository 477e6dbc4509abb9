"""HTML pages of synchronisation (docs/field-sites.md):

- `/sync`: this database's place: at a field node what waits to be sent (counts by kind of
  record) and when it last synchronised; at headquarters links to the nodes and conflicts;
  elsewhere a sentence saying it is not a node.
- `/sync/nodes` (headquarters, SYNC_NODES_READ): each field node; administrators issue
  enrolment codes (shown once, on the answer to the form, never in an address) and revoke
  nodes, after a fresh login.
- `/sync/conflicts` and `/sync/conflicts/{id}`: the queue and one conflict, both values side
  by side, for whoever may write the record.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from haven.accounts import repository as accounts
from haven.errors import Conflict, HavenError, PermissionDenied, ValidationFailed
from haven.i18n import N_, labels
from haven.security.errors import FreshAuthRequired
from haven.security.permissions import Actor, Permission
from haven.sync import conflicts, overview
from haven.sync.models import ConflictState, NodeState, Role
from haven.web import notices
from haven.web.deps import DB, Form, HtmlActor, HtmlFormActor
from haven.web.listing import Listing, ListQuery
from haven.web.templating import render

router = APIRouter(include_in_schema=False)

NODE_STATES = labels(NodeState)
CONFLICT_STATES = labels(ConflictState)
# Kinds of record, as a field node's waiting changes and the conflicts name them.
KINDS: dict[str, str] = {
    "persons": N_("People"),
    "family_members": N_("Family members"),
    "person_photos": N_("Photos"),
    "reception_events": N_("Receptions"),
    "weapon_items": N_("Weapons and equipment"),
    "reception_corrections": N_("Reception corrections"),
    "cases": N_("Cases"),
    "case_tasks": N_("Case tasks"),
    "case_notes": N_("Case notes"),
    "pathway_choices": N_("Pathway choices"),
    "agreement_arrivals": N_("Crossing-desk arrivals"),
}
DECISIONS: dict[str, str] = {
    "headquarters": N_("Headquarters' value"),
    "field": N_("The field node's value"),
    "value": N_("Another value"),
}
REVOKED = notices.register(N_("The field node was revoked. Its bundles are refused from now on."))
DECIDED = notices.register(N_("The conflict is decided. The value goes to the field node."))
SORTS = ("oldest", "newest")


def _may_see_sync(actor: Actor) -> bool:
    return conflicts.may_decide(actor) or actor.can(Permission.SYNC_NODES_READ)


@router.get("/sync", response_class=HTMLResponse)
def status(request: Request, session: DB, actor: HtmlActor) -> Response:
    if not _may_see_sync(actor):
        raise PermissionDenied
    context: dict[str, Any] = {
        "role": overview.role(session),
        "field": overview.field_status(session),
        "kinds": KINDS,
        "may_decide": conflicts.may_decide(actor),
        "open_conflicts": 0,
    }
    if context["role"] == Role.HEADQUARTERS and context["may_decide"]:
        context["open_conflicts"] = conflicts.open_conflicts(session, actor, limit=1)[1]
    return render(request, "sync/status.html", context)


def _nodes_page(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    code: str | None = None,
    error: HavenError | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "role": overview.role(session),
        "rows": overview.registry(session, actor),
        "states": NODE_STATES,
        "sites": accounts.sites_visible(session, actor)
        if actor.can(Permission.SYNC_NODES_MANAGE)
        else [],
        "code": code,
        "error": error,
        "values": values or {},
    }
    return render(request, "sync/nodes.html", context, status_code=status_code)


@router.get("/sync/nodes", response_class=HTMLResponse)
def nodes_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    return _nodes_page(request, session, actor)


def _reauth(path: str) -> Response:
    return RedirectResponse(f"/reauth?next={quote(path)}", status_code=303)


@router.post("/sync/nodes", response_class=HTMLResponse)
def issue_code(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    """The code is the answer to the form itself (never a redirect): it is shown once."""
    values = {"name": str(form.get("name", ""))[:120], "site_id": str(form.get("site_id", ""))}
    try:
        site_id = uuid.UUID(values["site_id"]) if values["site_id"] else None
    except ValueError:
        site_id = None
    try:
        code = overview.issue_code(session, actor, site_id=site_id, name=values["name"])
    except FreshAuthRequired:
        return _reauth("/sync/nodes")
    except ValidationFailed as error:
        return _nodes_page(
            request, session, actor, error=error, values=values, status_code=error.status
        )
    return _nodes_page(request, session, actor, code=code)


@router.post("/sync/nodes/{node_id}/revoke", response_class=HTMLResponse)
def revoke(request: Request, node_id: uuid.UUID, session: DB, actor: HtmlFormActor) -> Response:
    try:
        overview.revoke(session, actor, node_id)
    except FreshAuthRequired:
        return _reauth("/sync/nodes")
    return notices.redirect("/sync/nodes", REVOKED)


@router.get("/sync/conflicts", response_class=HTMLResponse)
def queue(request: Request, session: DB, actor: HtmlActor) -> Response:
    query = ListQuery.from_request(request, sorts=SORTS, default="oldest")
    state = query.get("state")
    wanted: str | None = ConflictState.OPEN.value
    if state in CONFLICT_STATES:
        wanted = state
    elif state == "all":
        wanted = None
    else:
        state = ""
    listing = Listing.load(
        query,
        lambda limit, offset: conflicts.open_conflicts(
            session, actor, state=wanted, newest=query.sort == "newest", limit=limit, offset=offset
        ),
    )
    return render(
        request,
        "sync/conflicts.html",
        {
            "role": overview.role(session),
            "listing": listing,
            "rows": listing.items,
            "kinds": KINDS,
            "states": CONFLICT_STATES,
            "decisions": DECISIONS,
            "state": state,
        },
    )


def _detail(
    request: Request,
    session: Session,
    actor: Actor,
    conflict_id: uuid.UUID,
    *,
    error: HavenError | None = None,
    status_code: int = 200,
) -> Response:
    detail = conflicts.conflict_detail(session, actor, conflict_id)
    return render(
        request,
        "sync/conflict.html",
        {
            "detail": detail,
            "row": detail.row,
            "kinds": KINDS,
            "states": CONFLICT_STATES,
            "decisions": DECISIONS,
            "error": error,
        },
        status_code=status_code,
    )


@router.get("/sync/conflicts/{conflict_id}", response_class=HTMLResponse)
def conflict_page(
    request: Request, conflict_id: uuid.UUID, session: DB, actor: HtmlActor
) -> Response:
    return _detail(request, session, actor, conflict_id)


@router.post("/sync/conflicts/{conflict_id}", response_class=HTMLResponse)
def decide(
    request: Request, conflict_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    keep = str(form.get("keep", ""))
    value = form.get("value")
    try:
        conflicts.decide(
            session,
            actor,
            conflict_id,
            keep=keep,
            value=value if isinstance(value, str) else None,
        )
    except (ValidationFailed, Conflict) as error:
        return _detail(request, session, actor, conflict_id, error=error, status_code=error.status)
    return notices.redirect("/sync/conflicts", DECIDED)
