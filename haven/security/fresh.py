"""Fresh authentication: the user proved who they are within the last few minutes.

Payments, exports, vetting decisions, erasure and changes to one's own sign-in methods call
`require_fresh(session, actor)` first. "Fresh" means the request's own login session was
opened or re-authenticated (password, and second factor when the user has one) within
`within`; another session of the same user does not count, and neither does an API token
(a token is a standing credential, never a fresh proof). The operator at the command line
(`Actor.system()`) is at the machine itself and is not asked.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from haven.db.types import utcnow
from haven.security import sessions
from haven.security.errors import FreshAuthRequired
from haven.security.permissions import Actor

FRESH_WITHIN = timedelta(minutes=5)


def is_fresh(
    session: Session, actor: Actor, *, within: timedelta = FRESH_WITHIN, now: datetime | None = None
) -> bool:
    if actor.is_system:
        return True
    login = sessions.current_login(session)
    if login is None or login.user_id != actor.user_id or login.authenticated_at is None:
        return False
    return (now or utcnow()) - login.authenticated_at <= within


def require_fresh(
    session: Session, actor: Actor, *, within: timedelta = FRESH_WITHIN, now: datetime | None = None
) -> None:
    """Raise FreshAuthRequired (401, `reauthentication_required`) unless authentication is fresh."""
    if not is_fresh(session, actor, within=within, now=now):
        raise FreshAuthRequired
