"""Server-side login sessions: random token in an HttpOnly cookie, its hash in the database.

A session ends on logout, after `session_idle_minutes` without a request, after
`session_max_hours` in all, and at once when the user's role changes or they are deactivated.

A login that still needs its second step (a second factor, or enrolment of one for a
privileged role) is a `PendingLogin` behind its own cookie, never a `LoginSession`: so
`resolve()` only ever sees fully authenticated sessions. As a second guard, `resolve()`
refuses a session of a privileged role that was opened without a second factor.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from haven.accounts import mfa, repository
from haven.accounts.models import User
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.config import Settings
from haven.db.types import utcnow
from haven.security import repository as credentials
from haven.security.errors import LoginExpired, SessionExpired
from haven.security.fresh import remember_login
from haven.security.models import LoginSession, PendingLogin
from haven.security.permissions import Actor
from haven.security.random_tokens import new_token, token_hash

# Writing last_seen_at on every request would turn each page view into a write.
_TOUCH_EVERY = timedelta(seconds=30)

PENDING_LIFETIME = timedelta(minutes=10)
PENDING_MAX_FAILURES = 5
SECOND_FACTOR = "second_factor"
ENROLMENT = "enrolment"


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


def start(
    session: Session, user: User, settings: Settings, *, second_factor: str | None = None
) -> tuple[str, LoginSession]:
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
        authenticated_at=now,
        second_factor=second_factor,
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
        changes={"second_factor": second_factor},
    )
    return token, login


def resolve(session: Session, token: str, settings: Settings) -> ActiveSession:
    """The live session behind a cookie token, or SessionExpired."""
    login = credentials.session_by_token_hash(session, token_hash(token))
    if login is None or login.revoked_at is not None:
        raise SessionExpired
    now = utcnow()
    idle = timedelta(minutes=settings.session_idle_minutes)
    if now >= login.expires_at or now - login.last_seen_at >= idle:
        login.revoked_at = now
        login.revoked_reason = "expired"
        raise SessionExpired
    user = repository.user_by_id(session, login.user_id)
    if user is None or not user.is_active:
        raise SessionExpired
    if login.second_factor is None and mfa.requires_second_factor(user.role):
        login.revoked_at = now
        login.revoked_reason = "second_factor_missing"
        raise SessionExpired
    if now - login.last_seen_at >= _TOUCH_EVERY:
        login.last_seen_at = now
    remember_login(session, login)
    return ActiveSession(login=login, user=user)


def reauthenticate(
    session: Session,
    active: ActiveSession,
    *,
    second_factor: str | None,
    now: datetime | None = None,
) -> None:
    """The user proved who they are again: operations needing fresh authentication may run."""
    active.login.authenticated_at = now or utcnow()
    if second_factor is not None:
        active.login.second_factor = second_factor
    active.login.webauthn_challenge = None
    audit.record(
        session,
        active.actor,
        AuditAction.REAUTHENTICATED,
        subject_type="user",
        subject_id=active.user.id,
        organisation_id=active.user.organisation_id,
        changes={"second_factor": second_factor},
    )


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


def revoke_all_for_user(
    session: Session,
    actor: Actor,
    user_id: uuid.UUID,
    *,
    reason: str,
    keep: uuid.UUID | None = None,
) -> int:
    """End the user's sessions (all but `keep`) and any half-finished login of theirs."""
    count = credentials.revoke_sessions_of(session, user_id, reason, keep=keep)
    credentials.delete_pending_of(session, user_id)
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


# --- pending logins (the second step) --------------------------------------------------------


def start_pending(
    session: Session, user: User, *, state: str, next_path: str
) -> tuple[str, PendingLogin]:
    """After a right password: the second step (or enrolment) still to do. Returns its token."""
    token = new_token()
    now = utcnow()
    pending = PendingLogin(
        user_id=user.id,
        token_hash=token_hash(token),
        state=state,
        next_path=next_path[:500],
        created_at=now,
        expires_at=now + PENDING_LIFETIME,
        failed_attempts=0,
    )
    session.add(pending)
    session.flush()
    return token, pending


def resolve_pending(session: Session, token: str | None) -> tuple[PendingLogin, User]:
    """The live pending login behind a cookie token and its (active) user, or LoginExpired."""
    if not token:
        raise LoginExpired
    pending = credentials.pending_by_token_hash(session, token_hash(token))
    if pending is None:
        raise LoginExpired
    user = repository.user_by_id(session, pending.user_id)
    if utcnow() >= pending.expires_at or user is None or not user.is_active:
        session.delete(pending)
        raise LoginExpired
    return pending, user


def fail_pending(session: Session, pending: PendingLogin) -> bool:
    """Count a wrong second factor; after a few the pending login ends. True if it ended."""
    pending.failed_attempts += 1
    if pending.failed_attempts >= PENDING_MAX_FAILURES:
        session.delete(pending)
        session.flush()
        return True
    session.flush()
    return False


def complete_pending(
    session: Session, pending: PendingLogin, user: User, settings: Settings, *, second_factor: str
) -> tuple[str, LoginSession]:
    """The second step succeeded: the pending login becomes a full session."""
    session.delete(pending)
    session.flush()
    return start(session, user, settings, second_factor=second_factor)
