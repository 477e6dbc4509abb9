"""One error base for the whole application (ARCHITECTURE.md rule 6).

Services raise these; the web layer renders them as JSON for `/api/` and as a readable page or
fragment for HTML. Every expected failure is a 4xx; anything else reaching a user is a bug.
"""

from __future__ import annotations

from collections.abc import Mapping

from haven.i18n import N_, Text


class HavenError(Exception):
    """An expected failure with a stable code, an HTTP status and a translatable message."""

    code = "error"
    status = 400
    default_message = N_("The request could not be completed.")

    def __init__(
        self,
        message: Text | str | None = None,
        *,
        fields: Mapping[str, Text | str] | None = None,
        code: str | None = None,
    ) -> None:
        self.message: Text | str = message if message is not None else self.default_message
        self.fields: dict[str, Text | str] = dict(fields or {})
        if code is not None:
            self.code = code
        super().__init__(str(self.message))


class ValidationFailed(HavenError):
    code = "validation_failed"
    status = 422
    default_message = N_("Some fields need correcting.")


class NotFound(HavenError):
    """Also raised for records outside the actor's scope, so their existence is not revealed."""

    code = "not_found"
    status = 404
    default_message = N_("Not found.")


class PermissionDenied(HavenError):
    code = "permission_denied"
    status = 403
    default_message = N_("Your role does not allow this.")


class AuthenticationRequired(HavenError):
    code = "authentication_required"
    status = 401
    default_message = N_("Log in to continue.")


class Conflict(HavenError):
    """An illegal state transition or a clash with existing data."""

    code = "conflict"
    status = 409
    default_message = N_("This change conflicts with the current state of the record.")


class CsrfFailed(HavenError):
    code = "csrf_failed"
    status = 403
    default_message = N_(
        "This form has expired or did not come from Haven. Go back, reload the page and try again."
    )
