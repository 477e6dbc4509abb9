"""HTML pages of the audit trail: the auditor's event list and the chain's status."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from haven.audit import trail
from haven.audit.actions import AuditAction
from haven.audit.actors import actor_text
from haven.audit.schemas import EventQuery
from haven.audit.witness import trail_anchors
from haven.errors import ValidationFailed
from haven.security.permissions import Permission, require
from haven.validation import parse
from haven.web.deps import DB, HtmlActor, get_settings
from haven.web.templating import render

router = APIRouter(include_in_schema=False)

FILTERS = ("action", "actor", "subject_id", "occurred_from", "occurred_to")


def _change_rows(changes: dict[str, Any]) -> list[tuple[str, Any, Any, bool]]:
    """(field, before, after, has_before_after) for each recorded change, as stored."""
    rows = []
    for name, value in sorted(changes.items()):
        if isinstance(value, dict) and set(value) == {"before", "after"}:
            rows.append((name, value["before"], value["after"], True))
        else:
            rows.append((name, value, None, False))
    return rows


@router.get("/audit", response_class=HTMLResponse)
def events_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    require(actor, Permission.AUDIT_READ)
    values = {name: request.query_params.get(name, "") for name in FILTERS}
    before = request.query_params.get("before", "")
    try:
        query = parse(EventQuery, {**values, "before": before})
    except ValidationFailed as error:
        return render(
            request,
            "audit/events.html",
            {"values": values, "error": error, "events": [], "actions": list(AuditAction)},
            status_code=422,
        )
    page = trail.list_events(session, actor, query)
    filled = {name: value for name, value in values.items() if value}
    older = (
        f"/audit?{urlencode({**filled, 'before': page.next_before})}"
        if page.next_before is not None
        else None
    )
    newest = f"/audit?{urlencode(filled)}" if query.before is not None else None
    return render(
        request,
        "audit/events.html",
        {
            "values": values,
            "events": page.events,
            "changes": {e.id: _change_rows(e.changes) for e in page.events},
            "actor_texts": {
                e.id: actor_text(e.actor_label, is_system=e.actor_user_id is None)
                for e in page.events
            },
            "older": older,
            "newest": newest,
            "actions": list(AuditAction),
        },
    )


@router.get("/audit/verify", response_class=HTMLResponse)
def verify_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    operator_keys, witnesses = trail_anchors(get_settings(request).key_dir)
    report = trail.verify_trail(session, actor, operator_keys=operator_keys, witnesses=witnesses)
    template = "audit/_status.html" if request.headers.get("hx-request") else "audit/verify.html"
    return render(request, template, {"report": report})
