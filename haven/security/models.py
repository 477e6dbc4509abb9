"""Tables of login sessions, pending logins, second factors, API tokens and login failures.

Only hashes of bearer secrets are stored. TOTP secrets must be readable to check a code, so
they are stored as they are (never logged, never shown again after enrolment); WebAuthn keeps
only public keys.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from haven.db.base import Base, IdMixin
from haven.db.types import utcnow


class LoginSession(IdMixin, Base):
    """A server-side browser session; the cookie holds a random token, the table its SHA-256.

    A row exists only once the user is fully authenticated (password, and a second factor
    when they have one); a half-finished login lives in `PendingLogin` instead, so code that
    resolves a session never sees one. `authenticated_at` is the last time the user proved who
    they are (login or re-authentication): operations that need fresh authentication compare
    it with the clock.
    """

    __tablename__ = "login_sessions"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(String(40))
    authenticated_at: Mapped[datetime | None]
    second_factor: Mapped[str | None] = mapped_column(String(20))
    webauthn_challenge: Mapped[str | None] = mapped_column(String(128))


class PendingLogin(IdMixin, Base):
    """A login whose password was right but that still needs a second factor (or enrolment).

    `state` is `second_factor` (answer TOTP or WebAuthn) or `enrolment` (a privileged user
    without any second factor: they may only enrol one). Short-lived; deleted when completed.
    """

    __tablename__ = "pending_logins"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[str] = mapped_column(String(20))
    next_path: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    failed_attempts: Mapped[int] = mapped_column(default=0)
    webauthn_challenge: Mapped[str | None] = mapped_column(String(128))
    # An enrolment: the administrator's one-time code the user entered (haven.accounts.mfa);
    # until there is one, the login shows no authenticator secret and accepts no factor.
    enrolment_code_id: Mapped[uuid.UUID | None]


class TotpFactor(IdMixin, Base):
    """A user's TOTP authenticator (RFC 6238: SHA-1, 6 digits, 30 s), one per user.

    Unconfirmed until the user has entered one valid code. `last_used_step` is the time step
    of the last accepted code: a code of that step or an earlier one is refused (no replay).
    """

    __tablename__ = "totp_factors"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), unique=True)
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    last_used_step: Mapped[int | None] = mapped_column(BigInteger)


class WebAuthnCredential(IdMixin, Base):
    """A security key or platform authenticator registered by a user (public key only)."""

    __tablename__ = "webauthn_credentials"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    credential_id: Mapped[str] = mapped_column(String(1400), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    sign_count: Mapped[int] = mapped_column(BigInteger, default=0)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]


class LoginFailure(IdMixin, Base):
    """One failed login attempt, kept for an hour to slow guessing against one account.

    Keyed by the SHA-256 of the normalised username, not by user id, so that unknown
    usernames are throttled exactly like real ones (the delay reveals nothing). `device_key`
    is the known device the attempt came from (the hash of its device token), or None for
    any other device: each known device has a count of its own (haven.security.throttle).
    """

    __tablename__ = "login_failures"

    account_key: Mapped[str] = mapped_column(String(64), index=True)
    device_key: Mapped[str | None] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class KnownDevice(IdMixin, Base):
    """A browser a user has fully logged in from: it holds a random device token in a cookie,
    the table its SHA-256. Failed logins from it count apart from everyone else's, so that
    guessing from elsewhere never delays the owner on their own device (OWASP device cookies).
    """

    __tablename__ = "known_devices"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class EnrolmentCode(IdMixin, Base):
    """A one-time code an administrator gives a privileged user to enrol their first second
    factor: the password alone never suffices. Only its SHA-256 is stored."""

    __tablename__ = "enrolment_codes"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_by: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class ApiToken(IdMixin, Base):
    """A bearer token issued to a user for API clients; revocable, stored hashed.

    `scopes` (space-separated: `read`, `write`) bounds what the token may do within its
    user's role; every token expires (`haven.accounts.tokens`).
    """

    __tablename__ = "api_tokens"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
