"""One place that turns errors into answers: JSON under /api/, a page or fragment for HTML.

Expected errors are HavenError subclasses (4xx). Anything else is a bug: the user gets a
plain 500 that reveals nothing, and the log gets the exception type, the route template and
the request id, never the message (an exception's text can carry a person's data).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from haven import i18n
from haven.errors import AuthenticationRequired, HavenError, NotFound
from haven.i18n import N_, Text
from haven.security.errors import FreshAuthRequired, SessionExpired
from haven.validation import fields_from_errors
from haven.web.templating import render

log = logging.getLogger("haven.web")
# The status a request the client abandoned is logged with (no client reads it).
CLIENT_CLOSED_REQUEST = 499

_HTTP_CODES: dict[int, tuple[str, str]] = {
    404: ("not_found", N_("Not found.")),
    405: ("method_not_allowed", N_("This action is not available here.")),
    413: ("too_large", N_("What you sent is too large.")),
    415: ("unsupported_media_type", N_("This kind of content is not accepted here.")),
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _language(request: Request) -> str:
    return getattr(request.state, "language", i18n.DEFAULT_LANGUAGE)


def _json(
    request: Request,
    status: int,
    code: str,
    message: Text | str,
    fields: Mapping[str, Text | str] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    language = _language(request)
    body: dict[str, Any] = {"error": code, "detail": i18n.render(message, language)}
    if fields:
        body["fields"] = {name: i18n.render(msg, language) for name, msg in fields.items()}
    return JSONResponse(body, status_code=status, headers=headers)


def _html(request: Request, status: int, code: str, message: Text | str) -> Response:
    if status == 401:
        # Someone simply arriving at Haven's address gets the login page as it is, not an
        # error: "log in to continue" is for a page they asked for by its own address.
        arriving = code == AuthenticationRequired.code and request.url.path == "/"
        response = render(
            request,
            "login.html",
            {"message": None if arriving else message, "next": _safe_next(request)},
            status_code=401,
        )
        if request.headers.get("hx-request"):
            response.headers["HX-Redirect"] = "/login"
        return response
    template = "_error_fragment.html" if request.headers.get("hx-request") else "error.html"
    return render(request, template, {"status": status, "message": message}, status_code=status)


def _safe_next(request: Request) -> str:
    if request.method != "GET":
        return "/"
    path = request.url.path
    return path if path.startswith("/") and not path.startswith("//") else "/"


def haven_error_response(request: Request, exc: HavenError) -> Response:
    if _is_api(request):
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return _json(request, exc.status, exc.code, exc.message, exc.fields, headers)
    if isinstance(exc, FreshAuthRequired):
        target = f"/reauth?next={quote(_safe_next(request))}"
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)
    response = _html(request, exc.status, exc.code, exc.message)
    if isinstance(exc, SessionExpired):
        response.delete_cookie("haven_session", path="/")
    return response


def install(app: FastAPI) -> None:
    @app.exception_handler(HavenError)
    async def _haven(request: Request, exc: HavenError) -> Response:
        return haven_error_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        fields = fields_from_errors(exc.errors())
        if _is_api(request):
            return _json(
                request, 422, "validation_failed", N_("Some fields need correcting."), fields
            )
        # A malformed identifier in a page's address is simply a page that does not exist.
        return haven_error_response(request, NotFound())

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code, message = _HTTP_CODES.get(
            exc.status_code, ("error", N_("The request could not be completed."))
        )
        if exc.status_code == 401:
            return haven_error_response(request, AuthenticationRequired())
        if _is_api(request):
            return _json(
                request, exc.status_code, code, message, headers=getattr(exc, "headers", None)
            )
        return _html(request, exc.status_code, code, message)

    @app.exception_handler(ClientDisconnect)
    async def _gone(request: Request, exc: ClientDisconnect) -> Response:
        # The browser gave up before sending the whole request (a live search superseded by
        # the next keystroke, a closed tab): nothing went wrong and nobody awaits an answer.
        route = getattr(request.scope.get("route"), "path", None) or "-"
        log.debug("client disconnected on %s %s", request.method, route)
        return Response(status_code=CLIENT_CLOSED_REQUEST)

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> Response:
        # The type, the route template and the request id; never the message (haven.web.logs).
        request_id = getattr(request.state, "request_id", None)
        route = getattr(request.scope.get("route"), "path", None) or "-"
        log.error(
            "unhandled %s on %s %s",
            type(exc).__name__,
            request.method,
            route,
            extra={"error": type(exc).__name__, "request_id": request_id, "route": route},
        )
        message = N_("Something went wrong on our side. Nothing you sent was saved; try again.")
        if _is_api(request):
            response: Response = _json(request, 500, "internal_error", message)
        else:
            response = _html(request, 500, "internal_error", message)
        if request_id:
            response.headers["X-Request-ID"] = request_id  # to quote when reporting it
        return response
