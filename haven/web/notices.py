"""Success messages shown on the page a state-changing form redirects to.

A view registers its messages at import time and redirects with one of them:

    SAVED = notices.register(N_("Reception corrected."))
    ...
    return notices.redirect(f"/people/{person_id}", SAVED)

The redirect carries a short-lived cookie holding only the message's key (a digest of the
English msgid, never personal data); the next page rendered in the layout shows the message
in the reader's language with `role="status"` and clears the cookie. A key that is not
registered (a stale or forged cookie) shows nothing.
"""

from __future__ import annotations

import hashlib
from typing import NewType

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from haven import i18n

COOKIE = "haven_notice"
_MAX_AGE_SECONDS = 120

Notice = NewType("Notice", str)

_REGISTERED: dict[str, str] = {}  # key -> English msgid


def register(message: str) -> Notice:
    """Register a success message (an English msgid marked with N_) and return its key."""
    key = hashlib.blake2s(message.encode(), digest_size=6).hexdigest()
    existing = _REGISTERED.setdefault(key, message)
    if existing != message:  # pragma: no cover - 48-bit digests of a few hundred messages
        raise ValueError(f"two notices share the key {key}")
    return Notice(key)


def redirect(url: str, notice: Notice, *, status_code: int = 303) -> RedirectResponse:
    """A redirect to `url` (same-site paths only, as every caller builds them) with a message."""
    response = RedirectResponse(url, status_code=status_code)
    attach(response, notice)
    return response


def attach(response: Response, notice: Notice) -> None:
    """Carry `notice` to the next page on any response (e.g. an HTMX redirect)."""
    response.set_cookie(
        COOKIE, notice, max_age=_MAX_AGE_SECONDS, httponly=True, samesite="strict", path="/"
    )


def pending(request: Request) -> str | None:
    """The message waiting for this request's page, in the current language; None if none."""
    key = request.cookies.get(COOKIE)
    if key is None:
        return None
    message = _REGISTERED.get(key)
    return i18n.gettext(message) if message is not None else ""


def clear(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
