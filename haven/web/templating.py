"""Jinja2 templates: one environment, every domain's `templates/` folder, gettext per request."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from haven import i18n
from haven.kernel import clock
from haven.security.permissions import Permission, Role
from haven.text import places
from haven.vetting import public as vetting
from haven.web import notices
from haven.web.labels import LABELS

HAVEN_DIR = Path(__file__).resolve().parent.parent


def _template_dirs() -> list[str]:
    own = HAVEN_DIR / "web" / "templates"
    domains = sorted(p for p in HAVEN_DIR.glob("*/templates") if p != own)
    return [str(own), *map(str, domains)]


def _gettext(message: str) -> str:
    return i18n.gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return i18n.ngettext(singular, plural, n)


def _pgettext(context: str, message: str) -> str:
    return i18n.pgettext(context, message)


def _npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return i18n.npgettext(context, singular, plural, n)


def _reference_name(item: Any) -> str:
    """A reference record's name (a force, a rank, a position, a plan component) in the
    reader's language: its Burmese name on a Burmese page where it has one, otherwise its
    English name; "—" for none."""
    if item is None:
        return "—"
    english = getattr(item, "name_en", None) or getattr(item, "name", None) or ""
    burmese = getattr(item, "name_my", None)
    return str(burmese if burmese and i18n.current_language.get() == "my" else english)


def make_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(_template_dirs()),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        _gettext, _ngettext, newstyle=True, pgettext=_pgettext, npgettext=_npgettext
    )
    env.globals["LANGUAGES"] = i18n.LANGUAGES
    env.globals["ROLE_LABELS"] = i18n.labels(Role)
    env.globals["Permission"] = Permission
    env.globals["LABELS"] = LABELS
    env.filters["t"] = i18n.render
    env.filters["reference_name"] = _reference_name
    # Places from the reference table (haven/text/places.py): township names offered in forms,
    # and a stored place shown by the table's name in the reader's language.
    env.globals["TOWNSHIP_CHOICES"] = places.choices
    env.filters["place"] = places.display_name
    # Instants in the programme's time zone, never in UTC: "2026-11-03 14:30 +06:30".
    env.filters["local_time"] = clock.format_local
    env.filters["local_date"] = clock.format_local_date
    env.globals["time_zone"] = clock.zone_name
    # A screening hit's explanation, stored as facts, written in the reader's language.
    env.filters["explained"] = vetting.explain
    return env


ENVIRONMENT = make_environment()


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render a page in the request's language with the layout's common values."""
    language = getattr(request.state, "language", i18n.DEFAULT_LANGUAGE)
    values: dict[str, Any] = {
        "request": request,
        "language": language,
        "actor": getattr(request.state, "actor", None),
        "display_name": getattr(request.state, "display_name", ""),
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "current_path": request.url.path,
    }
    values.update(context or {})
    token = i18n.current_language.set(language)
    try:
        # A success message left by the form that redirected here; fragments leave it for
        # the page.
        full_page = "hx-request" not in request.headers
        message = notices.pending(request) if full_page else None
        values["notice_message"] = message
        body = ENVIRONMENT.get_template(template).render(values)
    finally:
        i18n.current_language.reset(token)
    response = HTMLResponse(body, status_code=status_code, headers=headers)
    if message is not None:
        notices.clear(response)
    return response
