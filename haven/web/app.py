"""The application factory. Every way into Haven over HTTP is assembled here."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.formparsers import MultiPartParser

from haven.accounts import api as accounts_api
from haven.accounts import views as accounts_views
from haven.agreements import api as agreements_api
from haven.agreements import views as agreements_views
from haven.allowances import api as allowances_api
from haven.allowances import views as allowances_views
from haven.audit import api as audit_api
from haven.audit import views as audit_views
from haven.cards import api as cards_api
from haven.cards import views as cards_views
from haven.complaints import api as complaints_api
from haven.complaints import views as complaints_views
from haven.config import Settings, get_settings
from haven.contacts import api as contacts_api
from haven.contacts import views as contacts_views
from haven.db.engine import make_engine
from haven.db.keyring import Keyring
from haven.db.migrate import assert_migrated
from haven.db.session import make_session_factory
from haven.disclosures import api as disclosures_api
from haven.disclosures import views as disclosures_views
from haven.families import api as families_api
from haven.families import views as families_views
from haven.forces import api as forces_api
from haven.forces import views as forces_views
from haven.jobs import api as jobs_api
from haven.jobs import views as jobs_views
from haven.matching import api as matching_api
from haven.matching import views as matching_views
from haven.pathways import api as pathways_api
from haven.pathways import views as pathways_views
from haven.people import api as people_api
from haven.people import views as people_views
from haven.pow import api as pow_api
from haven.pow import views as pow_views
from haven.programme import api as programme_api
from haven.programme import views as programme_views
from haven.protection import api as protection_api
from haven.protection import views as protection_views
from haven.reception import api as reception_api
from haven.reception import import_api as reception_import_api
from haven.reception import import_views as reception_import_views
from haven.reception import views as reception_views
from haven.reports import api as reports_api
from haven.reports import views as reports_views
from haven.security import running
from haven.sync import api as sync_api
from haven.sync import views as sync_views
from haven.vetting import api as vetting_api
from haven.vetting import views as vetting_views
from haven.weapons import api as weapons_api
from haven.weapons import views as weapons_views
from haven.web import casefile, errors, login, openapi, pages
from haven.web.middleware import MAX_BODY_BYTES, HavenMiddleware
from haven.wiring import wire

STATIC_DIR = Path(__file__).resolve().parent / "static"

# Each vendor package installed by npm, and the folder of it that Haven serves.
VENDOR_MOUNTS = {
    "htmx": "htmx.org/dist",
    "pico": "@picocss/pico/css",
    "noto-sans-myanmar": "@fontsource/noto-sans-myanmar",
    "swagger-ui": "swagger-ui-dist",
    # The card check's camera (haven.cards): a QR decoder in the browser.
    "jsqr": "jsqr/dist",
}

log = logging.getLogger("haven.web")

# Every way in over HTTP: each package's pages and API, the shell's own pages.
ROUTERS: tuple[APIRouter, ...] = (
    login.router,
    pages.router,
    accounts_views.router,
    accounts_api.router,
    forces_api.router,
    reception_api.router,
    reception_import_api.router,
    people_api.router,
    casefile.api_router,
    reception_views.router,
    reception_import_views.router,
    people_views.router,
    casefile.router,
    forces_views.router,
    audit_api.router,
    audit_views.router,
    agreements_api.router,
    agreements_views.router,
    allowances_api.router,
    allowances_views.router,
    complaints_api.router,
    complaints_views.router,
    pathways_api.router,
    pathways_views.router,
    vetting_api.router,
    vetting_views.router,
    pow_api.router,
    pow_views.router,
    matching_api.router,
    matching_views.router,
    programme_api.router,
    programme_views.router,
    jobs_api.router,
    jobs_views.router,
    sync_api.router,
    sync_views.router,
    cards_api.router,
    cards_views.router,
    contacts_api.router,
    contacts_views.router,
    families_api.router,
    families_views.router,
    disclosures_api.router,
    disclosures_views.router,
    protection_api.router,
    protection_views.router,
    weapons_api.router,
    weapons_views.router,
    reports_api.router,
    reports_views.router,
)


def _drop_keys(app: FastAPI) -> None:
    """After a wipe: no keyring, no session factory, and every database file handle closed."""
    engine: Engine = app.state.engine
    app.state.keyring = None
    app.state.session_factory = None
    engine.dispose()


def _add_routes(app: FastAPI) -> None:
    """Every router's routes, added to the app as they are (in ROUTERS' order).

    `include_router` would wrap each router and build, for every app, a copy of each of its
    routes on first use (dependencies analysed, validators made: about 0.1 s per router). The
    routers are included with no prefix, dependency or option of their own, so the copies
    would equal the routes built once when their module was imported: the app takes those.
    (Dependencies are therefore not overridable through `app.dependency_overrides`.)
    """
    for router in ROUTERS:
        app.router.routes.extend(router.routes)


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    session_factory: sessionmaker[Session] | None = None,
    keyring: Keyring | None = None,
    check_migrations: bool = True,
) -> FastAPI:
    """Build the app; on startup it refuses an unmigrated database, naming the fix."""
    wire()
    settings = settings or get_settings()
    engine = engine or make_engine(settings.database_url, keyring=keyring)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if check_migrations:
            assert_migrated(engine)
        yield

    app = FastAPI(
        title=openapi.TITLE,
        summary=openapi.SUMMARY,
        version=openapi.API_VERSION,
        docs_url=None,
        redoc_url=None,
        openapi_url=openapi.OPENAPI_URL,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.keyring = keyring
    app.state.session_factory = session_factory or make_session_factory(engine, keyring)

    # Bodies are capped by the middleware; keep every uploaded part in memory (no temp files).
    MultiPartParser.spool_max_size = MAX_BODY_BYTES
    app.add_middleware(
        HavenMiddleware,
        secure_cookies=settings.secure_cookies,
        default_language=settings.default_language,
        time_zone=settings.time_zone,
    )
    errors.install(app)
    # Outermost: once an emergency wipe is seen, every request is refused before anything runs.
    guard = running.WipeGuard(settings.key_dir)
    guard.on_trip(lambda: _drop_keys(app))
    app.state.wipe_guard = guard
    app.add_middleware(running.WipeGuardMiddleware, guard=guard)

    # In this order: a route is matched against the routers as they were included.
    _add_routes(app)
    # The document completed (errors, tags, operation ids), published at its version too.
    openapi.install(app)

    for name, sub in VENDOR_MOUNTS.items():
        folder = settings.vendor_dir / sub
        if folder.is_dir():
            app.mount(
                f"/static/vendor/{name}", StaticFiles(directory=folder), name=f"vendor-{name}"
            )
        else:
            log.warning("front-end assets missing (%s): run `npm ci` or `make run`", name)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
