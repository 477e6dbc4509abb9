"""Pages of the shell: language switch, dashboard, health check, API docs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import text

from haven import i18n
from haven.accounts import service as accounts
from haven.accounts.sessions import ActiveSession
from haven.db.engine import READ_FIRST
from haven.db.migrate import current_revision, head_revision
from haven.db.types import utcnow
from haven.errors import NotFound
from haven.i18n import N_
from haven.people.public import persons_by_id
from haven.reception import repository as reception_repository
from haven.security.permissions import Permission
from haven.web import dashboard as dashboard_charts
from haven.web.charts import render as render_chart
from haven.web.deps import DB, LANGUAGE_COOKIE, Form, HtmlActor, SettingsDep, anonymous_csrf
from haven.web.listing import Listing, ListQuery
from haven.web.login import safe_next
from haven.web.templating import render

router = APIRouter(include_in_schema=False)

_ONE_YEAR = 365 * 24 * 3600
CHILDREN_PER_PAGE = 50  # the home dashboard's children awaiting handover, a page at a time


@router.post("/language")
def switch_language(
    request: Request,
    session: DB,
    settings: SettingsDep,
    form: Form,
    active: Annotated[ActiveSession | None, Depends(anonymous_csrf)],
) -> Response:
    language = str(form.get("language", ""))
    response = RedirectResponse(safe_next(form.get("next")), status_code=303)
    if language not in i18n.LANGUAGES:
        return response
    if active is not None:
        accounts.set_language(session, active.actor, language)
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=_ONE_YEAR,
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies,
        path="/",
    )
    return response


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, session: DB, actor: HtmlActor) -> Response:
    """What the actor's role needs first: reception figures, children to hand over, users."""
    organisation = (
        accounts.get_organisation(session, actor, actor.organisation_id)
        if actor.organisation_id
        else None
    )
    sites = accounts.list_sites(session, actor) if actor.can(Permission.SITE_READ) else []
    users = accounts.list_users(session, actor) if actor.can(Permission.USER_READ) else []
    figures = (
        reception_repository.counts_by_classification(session, actor)
        if actor.can(Permission.PERSON_READ) or actor.can(Permission.REPORT_AGGREGATE)
        else None
    )
    # The most urgent children first, a page of them with the total: a programme can hold
    # thousands not yet handed over, and the dashboard must not load them all.
    children_query = ListQuery.from_request(request, per_page=CHILDREN_PER_PAGE)
    children = (
        Listing.load(
            children_query,
            lambda limit, offset: reception_repository.children_awaiting_handover_page(
                session, actor, limit=limit, offset=offset
            ),
        )
        if actor.can(Permission.PERSON_READ)
        else Listing([], 0, children_query)
    )
    return render(
        request,
        "dashboard.html",
        {
            "organisation": organisation,
            "sites": sites,
            "user_count": len(users),
            "figures": figures,
            "children": children,
            # Listed by name and reference number, not by date alone.
            "child_persons": persons_by_id(session, [e.person_id for e in children.items]),
            "charts": [
                render_chart(chart, request.state.language)
                for chart in dashboard_charts.charts(session, actor, request.state.language)
            ],
            "now": utcnow(),
        },
    )


# The protection hub (issue 24): each part's page, for whoever holds its permission.
PROTECTION_LINKS: tuple[tuple[Permission, str, str, str], ...] = (
    (
        Permission.FAMILY_MOVE_READ,
        "/families",
        N_("Family movements"),
        N_("Plans that move defectors' relatives from danger to a safe place, step by step."),
    ),
    (
        Permission.SECURITY_INCIDENT_READ,
        "/protection/incidents",
        N_("Security incidents"),
        N_("Reprisals, threats, arrests, missing people, leaks, lost or seized devices."),
    ),
    (
        Permission.CARD_ISSUE,
        "/cards",
        N_("Identity cards"),
        N_("Cards issued to people in the programme: print, replace, revoke."),
    ),
    (
        Permission.CARD_VERIFY,
        "/cards/verify",
        N_("Verify a card"),
        N_("Read a card's code with the camera or from a photo; works without a connection."),
    ),
    (
        Permission.CONTACT_READ,
        "/contacts",
        N_("First contacts"),
        N_("Soldiers still inside who reached the programme, under code names."),
    ),
    (
        Permission.COMPLAINT_RECORD,
        "/complaints",
        N_("Complaints and feedback"),
        N_("From defectors and their families, anonymous if they wish; deadlines and answers."),
    ),
    (
        Permission.DISCLOSURE_READ,
        "/disclosures",
        N_("Disclosure log"),
        N_("Every export, notice, referral or report that left Haven with personal data."),
    ),
    (
        Permission.SHARING_AGREEMENT_MANAGE,
        "/disclosures/agreements",
        N_("Data-sharing agreements"),
        N_("Who may receive which personal data, for what purpose, until when."),
    ),
)


@router.get("/protection", response_class=HTMLResponse)
def protection(request: Request, actor: HtmlActor) -> Response:
    """The protection side of the programme: the parts the actor's role works in."""
    links = [link for link in PROTECTION_LINKS if actor.can(link[0])]
    if not links:
        raise NotFound()
    return render(request, "protection.html", {"links": links})


@router.get("/healthz")
def healthz(request: Request) -> JSONResponse:
    """Liveness and readiness: the database answers and is migrated to the code's revision."""
    try:
        # Read first (haven.db.engine): a health check never waits for the write lock.
        factory = request.app.state.session_factory
        with factory(execution_options={READ_FIRST: True}) as session:
            session.execute(text("SELECT 1"))
            migrated = current_revision(session.connection()) == head_revision()
    except Exception:  # noqa: BLE001 - any database failure means "not healthy", nothing more
        return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
    if not migrated:
        return JSONResponse({"status": "error", "database": "not migrated"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> Response:
    """Swagger UI served from Haven itself (no CDN), initialised by a static script (CSP)."""
    return render(request, "api_docs.html")
