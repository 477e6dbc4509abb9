"""Authentication failures. 401: the caller must (re)authenticate; 429: slow down."""

from haven.errors import AuthenticationRequired, HavenError, PermissionDenied
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


class LoginSlowed(TooManyAttempts):
    """Too many failures against the account from this bucket of devices: wait, then try
    (`haven.security.throttle`). The message says how long, and that known devices are not
    held up."""

    code = "login_slowed"
    default_message = N_(
        "Too many failed logins for this account. Wait and try again; on a device you have "
        "logged in from before, you can log in now."
    )


class TokenScopeRefused(PermissionDenied):
    """The API token's scopes do not cover this request (`haven.accounts.tokens`)."""

    code = "token_scope"
    default_message = N_(
        "This API token may only read. To change records, issue a token with the write scope."
    )


class TokenNotFresh(PermissionDenied):
    """An action that needs fresh authentication, asked with an API token (`haven.security.fresh`):
    a token is a standing credential, never proof that a person is here now."""

    code = "token_not_fresh"
    default_message = N_(
        "An API token cannot do this: it needs a person who has just confirmed it is them. "
        "Log in on the page and do it there."
    )
