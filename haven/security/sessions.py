"""Server-side login sessions: random token in an HttpOnly cookie, its hash in the database.

A session ends on logout, after `session_idle_minutes` without a request, after
`session_max_hours` in all, and at once when the user's role changes or they are deactivated.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from haven.accounts.models import User
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.config import Settings
from haven.db.types import utcnow
from haven.security import repository
from haven.security.errors import SessionExpired
from haven.security.models import LoginSession
from haven.security.permissions import Actor
from haven.security.random_tokens import new_token, token_hash

# Writing last_seen_at on every request would turn each page view into a write.
_TOUCH_EVERY = timedelta(seconds=30)


@dataclass(frozen=True)
class ActiveSession:
    login: LoginSession
    user: User

    @property
    def actor(self) -> Actor:
        return actor_for(self.user)


def actor_for(user: User) -> Actor:
    return Actor.for_user(
        user_id=user.id,
        username=user.username,
        organisation_id=user.organisation_id,
        site_id=user.site_id,
        role=user.role,
    )


def start(session: Session, user: User, settings: Settings) -> tuple[str, LoginSession]:
    """Open a session for a user who has just authenticated; returns the cookie token."""
    token = new_token()
    now = utcnow()
    login = LoginSession(
        user_id=user.id,
        token_hash=token_hash(token),
        csrf_token=new_token(),
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=settings.session_max_hours),
    )
    session.add(login)
    user.last_login_at = now
    session.flush()
    audit.record(
        session,
        actor_for(user),
        AuditAction.LOGIN_SUCCEEDED,
        subject_type="user",
        subject_id=user.id,
        organisation_id=user.organisation_id,
    )
    return token, login


def resolve(session: Session, token: str, settings: Settings) -> ActiveSession:
    """The live session behind a cookie token, or SessionExpired."""
    login = repository.session_by_token_hash(session, token_hash(token))
    if login is None or login.revoked_at is not None:
        raise SessionExpired
    now = utcnow()
    idle = timedelta(minutes=settings.session_idle_minutes)
    if now >= login.expires_at or now - login.last_seen_at >= idle:
        login.revoked_at = now
        login.revoked_reason = "expired"
        raise SessionExpired
    user = session.get(User, login.user_id)
    if user is None or not user.is_active:
        raise SessionExpired
    if now - login.last_seen_at >= _TOUCH_EVERY:
        login.last_seen_at = now
    return ActiveSession(login=login, user=user)


def end(session: Session, active: ActiveSession) -> None:
    active.login.revoked_at = utcnow()
    active.login.revoked_reason = "logout"
    audit.record(
        session,
        active.actor,
        AuditAction.LOGOUT,
        subject_type="user",
        subject_id=active.user.id,
        organisation_id=active.user.organisation_id,
    )


def revoke_all_for_user(session: Session, actor: Actor, user_id: uuid.UUID, *, reason: str) -> int:
    count = repository.revoke_sessions_of(session, user_id, reason)
    if count:
        audit.record(
            session,
            actor,
            AuditAction.SESSION_REVOKED,
            subject_type="user",
            subject_id=user_id,
            organisation_id=None,
            changes={"sessions": {"before": count, "after": 0}, "reason": reason},
        )
    return count
