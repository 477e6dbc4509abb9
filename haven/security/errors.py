"""Authentication failures. All are 401: the caller must (re)authenticate."""

from haven.errors import AuthenticationRequired
from haven.i18n import N_


class LoginFailed(AuthenticationRequired):
    """Same message for an unknown user, a wrong password and a deactivated account."""

    code = "login_failed"
    default_message = N_("Wrong username or password.")


class SessionExpired(AuthenticationRequired):
    code = "session_expired"
    default_message = N_("Your session has expired. Please log in again.")


class InvalidToken(AuthenticationRequired):
    code = "invalid_token"
    default_message = N_("This API token is not valid.")


class TokenRevoked(AuthenticationRequired):
    code = "token_revoked"
    default_message = N_("This API token has been revoked. Ask for a new one.")


class TokenExpired(AuthenticationRequired):
    code = "token_expired"
    default_message = N_("This API token has expired. Ask for a new one.")
