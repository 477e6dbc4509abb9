"""Per-request language, a pre-login CSRF cookie, security headers and the request line
(one structured log line a request: method, route template, status, duration, request id;
never a raw path or a query string: `haven.web.logs`). Pure ASGI, cheap."""

from __future__ import annotations

import logging
import secrets
import time
from http.cookies import SimpleCookie

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from haven import i18n
from haven.kernel import clock
from haven.security import csrf
from haven.security.random_tokens import new_token

access_log = logging.getLogger("haven.access")

LANGUAGE_COOKIE = "haven_lang"
# Largest request body accepted. Uploads (photos, import files) are at most 5 MB; everything
# under this limit is parsed in memory, so no personal data is spooled to a temporary file.
MAX_BODY_BYTES = 8 * 1024 * 1024
# A field node's up bundle (haven.sync.api, which enforces it and answers 413 in JSON): a
# backlog of weeks is larger, and it is one opaque byte string, never spooled to a file.
SYNC_PREFIX = "/api/sync/"
SYNC_BODY_BYTES = 50 * 1024 * 1024

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class HavenMiddleware:
    """Sets `state.language` and `state.csrf_token` before routing, and the programme's time
    zone (`haven.kernel.clock`) for the request; adds headers after."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        secure_cookies: bool,
        default_language: str,
        time_zone: str = clock.DEFAULT_ZONE,
    ) -> None:
        self.app = app
        self.secure_cookies = secure_cookies
        self.default_language = default_language
        self.time_zone = time_zone

    def _security_headers(self, out: MutableHeaders, path: str) -> None:
        out.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        out.setdefault("X-Content-Type-Options", "nosniff")
        out.setdefault("X-Frame-Options", "DENY")
        out.setdefault("Referrer-Policy", "no-referrer")
        out.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        out.setdefault("Permissions-Policy", "camera=(self), geolocation=(), microphone=()")
        if not path.startswith("/static/"):
            out.setdefault("Cache-Control", "no-store")
        if self.secure_cookies:
            out.setdefault("Strict-Transport-Security", "max-age=63072000")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = time.perf_counter()
        request_id = secrets.token_hex(8)
        answered: list[int] = []
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        cookies: dict[str, str] = {}
        if "cookie" in headers:
            parsed: SimpleCookie = SimpleCookie()
            try:
                parsed.load(headers["cookie"])
            except Exception:  # noqa: BLE001 - a malformed cookie header is the client's problem
                parsed = SimpleCookie()
            cookies = {k: m.value for k, m in parsed.items()}
        refusal = _body_refusal(scope["method"], headers, scope["path"])
        if refusal is not None:
            status, text = refusal
            await send(
                {
                    "type": "http.response.start",
                    "status": status,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8")],
                }
            )
            await send({"type": "http.response.body", "body": text.encode()})
            log_request(scope, status, began, request_id)
            return
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        state["language"] = i18n.pick_language(
            cookies.get(LANGUAGE_COOKIE),
            accept_language=headers.get("accept-language") or self.default_language,
        )
        pre_session = cookies.get(csrf.PRE_SESSION_COOKIE)
        new_pre_session = None
        if not pre_session:
            pre_session = new_pre_session = new_token()
        state["csrf_token"] = pre_session
        is_api = scope["path"].startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                answered.append(message["status"])
                out = MutableHeaders(scope=message)
                out.setdefault("X-Request-ID", request_id)
                self._security_headers(out, scope["path"])
                if new_pre_session and not is_api:
                    secure = "; Secure" if self.secure_cookies else ""
                    out.append(
                        "Set-Cookie",
                        f"{csrf.PRE_SESSION_COOKIE}={new_pre_session}; Path=/; HttpOnly; "
                        f"SameSite=Strict{secure}",
                    )
            await send(message)

        try:
            with clock.in_zone(self.time_zone):
                await self.app(scope, receive, send_with_headers)
        except Exception as exc:
            # The error handler answers 500 (haven.web.errors); the line names the type only.
            log_request(scope, answered[0] if answered else 500, began, request_id, exc)
            raise
        log_request(scope, answered[0] if answered else None, began, request_id)


def log_request(
    scope: Scope,
    status: int | None,
    began: float,
    request_id: str,
    error: BaseException | None = None,
) -> None:
    """The request line: the route template (`/api/people/{person_id}`), never the raw path
    (a mistyped address can carry a name) nor the query string; "-" when no route matched."""
    route = getattr(scope.get("route"), "path", None) or "-"
    access_log.info(
        "%s %s %s",
        scope["method"],
        route,
        status,
        extra={
            "method": scope["method"],
            "route": route,
            "status": status,
            "duration_ms": round((time.perf_counter() - began) * 1000, 1),
            "request_id": request_id,
            "error": type(error).__name__ if error is not None else None,
        },
    )


def _body_refusal(method: str, headers: dict[str, str], path: str) -> tuple[int, str] | None:
    """Refuse bodies over MAX_BODY_BYTES, and bodies of unknown length, before reading them."""
    if method not in ("POST", "PUT", "PATCH"):
        return None
    limit = SYNC_BODY_BYTES if path.startswith(SYNC_PREFIX) else MAX_BODY_BYTES
    length = headers.get("content-length")
    if length is None:
        if "chunked" in headers.get("transfer-encoding", ""):
            return 411, "Send the request with a Content-Length."
        return None
    if not length.isdigit():
        return 400, "Invalid Content-Length."
    if int(length) > limit:
        return 413, f"What you sent is too large (at most {limit // (1024 * 1024)} MB)."
    return None
