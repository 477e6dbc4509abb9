"""Per-request language, a pre-login CSRF cookie and security headers (pure ASGI, cheap)."""

from __future__ import annotations

import logging
from http.cookies import SimpleCookie

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from haven import i18n
from haven.security import csrf
from haven.security.random_tokens import new_token

access_log = logging.getLogger("haven.access")

LANGUAGE_COOKIE = "haven_lang"
# Largest request body accepted. Uploads (photos, import files) are at most 5 MB; everything
# under this limit is parsed in memory, so no personal data is spooled to a temporary file.
MAX_BODY_BYTES = 8 * 1024 * 1024

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
    """Sets `state.language` and `state.csrf_token` before routing; adds headers after."""

    def __init__(self, app: ASGIApp, *, secure_cookies: bool, default_language: str) -> None:
        self.app = app
        self.secure_cookies = secure_cookies
        self.default_language = default_language

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        cookies: dict[str, str] = {}
        if "cookie" in headers:
            parsed: SimpleCookie = SimpleCookie()
            try:
                parsed.load(headers["cookie"])
            except Exception:  # noqa: BLE001 - a malformed cookie header is the client's problem
                parsed = SimpleCookie()
            cookies = {k: m.value for k, m in parsed.items()}
        refusal = _body_refusal(scope["method"], headers)
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
            return
        state = scope.setdefault("state", {})
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
                # The path only: a query string could carry what someone typed.
                access_log.info("%s %s %s", scope["method"], scope["path"], message["status"])
                out = MutableHeaders(scope=message)
                out.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                out.setdefault("X-Content-Type-Options", "nosniff")
                out.setdefault("X-Frame-Options", "DENY")
                out.setdefault("Referrer-Policy", "no-referrer")
                out.setdefault("Cross-Origin-Opener-Policy", "same-origin")
                out.setdefault("Permissions-Policy", "camera=(self), geolocation=(), microphone=()")
                if not scope["path"].startswith("/static/"):
                    out.setdefault("Cache-Control", "no-store")
                if self.secure_cookies:
                    out.setdefault("Strict-Transport-Security", "max-age=63072000")
                if new_pre_session and not is_api:
                    secure = "; Secure" if self.secure_cookies else ""
                    out.append(
                        "Set-Cookie",
                        f"{csrf.PRE_SESSION_COOKIE}={new_pre_session}; Path=/; HttpOnly; "
                        f"SameSite=Strict{secure}",
                    )
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _body_refusal(method: str, headers: dict[str, str]) -> tuple[int, str] | None:
    """Refuse bodies over MAX_BODY_BYTES, and bodies of unknown length, before reading them."""
    if method not in ("POST", "PUT", "PATCH"):
        return None
    length = headers.get("content-length")
    if length is None:
        if "chunked" in headers.get("transfer-encoding", ""):
            return 411, "Send the request with a Content-Length."
        return None
    if not length.isdigit():
        return 400, "Invalid Content-Length."
    if int(length) > MAX_BODY_BYTES:
        return 413, "What you sent is too large (at most 8 MB)."
    return None
