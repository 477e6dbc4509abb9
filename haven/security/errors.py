"""Authentication failures. 401: the caller must (re)authenticate; 429: slow down."""

from haven.errors import AuthenticationRequired, HavenError
from haven.i18n import N_


class LoginFailed(AuthenticationRequired):
    """Same message for an unknown user, a wrong password and a deactivated account."""

    code = "login_failed"
    default_message = N_("Wrong username or password.")


class SessionExpired(AuthenticationRequired):
    code = "session_expired"
    default_message = N_("Your session has expired. Please log in again.")


class LoginExpired(AuthenticationRequired):
    """The half-finished login (second step or enrolment) is missing, used or too old."""

    code = "login_expired"
    default_message = N_("Your login took too long or has ended. Please log in again.")


class SecondFactorFailed(AuthenticationRequired):
    code = "second_factor_failed"
    default_message = N_(
        "That code or security key was not accepted. Each code works once: "
        "if you have just used it, wait for the next one."
    )


class ReauthenticationFailed(AuthenticationRequired):
    """The password (or the second factor) given to confirm it is you was not accepted."""

    code = "reauthentication_failed"
    default_message = N_("That was not accepted. Check your password and code and try again.")


class FreshAuthRequired(AuthenticationRequired):
    """Raised by `haven.security.fresh.require_fresh` before payments, exports, vetting
    decisions, erasure and changes of one's own sign-in methods."""

    code = "reauthentication_required"
    default_message = N_("For this action, confirm it is you: enter your password again.")


class TooManyAttempts(HavenError):
    code = "too_many_attempts"
    status = 429
    default_message = N_(
        "Too many failed attempts. Wait and try again later, or ask your administrator."
    )


class InvalidToken(AuthenticationRequired):
    code = "invalid_token"
    default_message = N_("This API token is not valid.")


class TokenRevoked(AuthenticationRequired):
    code = "token_revoked"
    default_message = N_("This API token has been revoked. Ask for a new one.")


class TokenExpired(AuthenticationRequired):
    code = "token_expired"
    default_message = N_("This API token has expired. Ask for a new one.")
