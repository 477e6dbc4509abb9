"""HTML page of the programme settings (`/programme`): the legal framework, readable by every
user of the organisation, changed by administrators and programme managers."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from haven.errors import ValidationFailed
from haven.programme import service
from haven.programme.schemas import Commitment, Conflict, LegalFrameworkIn
from haven.security.permissions import Actor, Permission
from haven.validation import parse
from haven.web.deps import DB, Form, HtmlActor, HtmlFormActor
from haven.web.templating import render

router = APIRouter(include_in_schema=False)
FIELDS = ("conflict", "commitment_kind", "commitment_date", "commitment_reference")


def _context(
    session: Session, actor: Actor, values: dict[str, Any] | None, error: ValidationFailed | None
) -> dict[str, Any]:
    framework = service.legal_framework(session, actor)
    if values is None:
        values = {
            "conflict": str(framework.conflict) if framework.recorded else "",
            "commitment_kind": str(framework.commitment_kind or ""),
            "commitment_date": (
                framework.commitment_date.isoformat() if framework.commitment_date else ""
            ),
            "commitment_reference": framework.commitment_reference or "",
        }
    return {
        "framework": framework,
        "conflicts": list(Conflict),
        "commitments": list(Commitment),
        "can_manage": actor.can(Permission.PROGRAMME_MANAGE),
        "values": values,
        "error": error,
    }


@router.get("/programme", response_class=HTMLResponse)
def programme_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    return render(request, "programme/settings.html", _context(session, actor, None, None))


@router.post("/programme/legal-framework", response_class=HTMLResponse)
def set_framework(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    values = {name: str(form.get(name, "")).strip() for name in FIELDS}
    try:
        data = parse(LegalFrameworkIn, {k: v for k, v in values.items() if v})
        service.set_legal_framework(session, actor, data)
    except ValidationFailed as error:
        session.rollback()
        return render(
            request,
            "programme/settings.html",
            _context(session, actor, values, error),
            status_code=422,
        )
    return RedirectResponse("/programme?saved=1", status_code=303)
