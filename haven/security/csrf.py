"""CSRF protection for every HTML form (synchronizer token).

A logged-in user's token lives in their server-side session. Before login (the login form,
the language switch) a random token is kept in a cookie and must come back in the form:
the double-submit pattern, safe here because the cookie is HttpOnly, SameSite=Strict and
scoped to this host. The JSON API uses bearer tokens and no cookies, so it needs no token.
"""

from __future__ import annotations

from haven.errors import CsrfFailed
from haven.security.random_tokens import same

FORM_FIELD = "csrf_token"
HEADER = "x-csrf-token"
PRE_SESSION_COOKIE = "haven_csrf"


def check(expected: str | None, submitted: str | None) -> None:
    if not expected or not submitted or not same(expected, submitted):
        raise CsrfFailed
