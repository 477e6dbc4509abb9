"""Fresh authentication: the user proved who they are within the last few minutes.

Payments, exports, vetting decisions, erasure and changes to one's own sign-in methods call
`require_fresh(session, actor)` first. "Fresh" means the request's own login session was
opened or re-authenticated (password, and second factor when the user has one) within
`within`; another session of the same user does not count, and neither does an API token
(a token is a standing credential, never a fresh proof): a request made with a token is
refused with 403 (`TokenNotFresh`), since no re-authentication could help it. The operator at
the command line (`Actor.system()`) is at the machine itself and is not asked.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from haven.db.types import utcnow
from haven.security import repository
from haven.security.errors import FreshAuthRequired, TokenNotFresh
from haven.security.models import ApiToken, LoginSession
from haven.security.permissions import Actor

FRESH_WITHIN = timedelta(minutes=5)
# Where the request's login session is remembered once resolved (`haven.accounts.sessions`).
CURRENT_LOGIN_KEY = "haven.login_session_id"
# Where the request's API token is remembered once resolved (`haven.accounts.tokens`).
CURRENT_TOKEN_KEY = "haven.api_token_id"  # noqa: S105 - a dictionary key, not a secret


def remember_login(session: Session, login: LoginSession) -> None:
    """The login session this request (this database session) runs under."""
    session.info[CURRENT_LOGIN_KEY] = login.id


def remember_token(session: Session, token: ApiToken) -> None:
    """This request (this database session) acts through an API token."""
    session.info[CURRENT_TOKEN_KEY] = token.id


def via_token(session: Session) -> bool:
    return session.info.get(CURRENT_TOKEN_KEY) is not None


def current_login(session: Session) -> LoginSession | None:
    """The login session resolved for this request (this database session), if any."""
    login_id = session.info.get(CURRENT_LOGIN_KEY)
    return repository.session_by_id(session, login_id) if isinstance(login_id, uuid.UUID) else None


def is_fresh(
    session: Session, actor: Actor, *, within: timedelta = FRESH_WITHIN, now: datetime | None = None
) -> bool:
    if actor.is_system:
        return True
    login = current_login(session)
    if login is None or login.user_id != actor.user_id or login.authenticated_at is None:
        return False
    return (now or utcnow()) - login.authenticated_at <= within


def require_fresh(
    session: Session, actor: Actor, *, within: timedelta = FRESH_WITHIN, now: datetime | None = None
) -> None:
    """Raise FreshAuthRequired (401, `reauthentication_required`) unless authentication is
    fresh; TokenNotFresh (403) for a request made with an API token."""
    if via_token(session) and not actor.is_system:
        raise TokenNotFresh
    if not is_fresh(session, actor, within=within, now=now):
        raise FreshAuthRequired
