"""Every query about credentials: login sessions, pending logins, second factors, API tokens
and failed logins."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.engine import Result
from sqlalchemy.orm import Session

from haven.db.types import utcnow
from haven.security.models import (
    ApiToken,
    EnrolmentCode,
    KnownDevice,
    LoginFailure,
    LoginSession,
    PendingLogin,
    TotpFactor,
    WebAuthnCredential,
)


def _rowcount(result: Result[object]) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


# --- login sessions and pending logins --------------------------------------------------------


def session_by_token_hash(session: Session, token_hash: str) -> LoginSession | None:
    return session.scalar(select(LoginSession).where(LoginSession.token_hash == token_hash))


def session_by_id(session: Session, login_id: uuid.UUID) -> LoginSession | None:
    return session.get(LoginSession, login_id)


def revoke_sessions_of(
    session: Session, user_id: uuid.UUID, reason: str, *, keep: uuid.UUID | None = None
) -> int:
    """End the user's live sessions (all but `keep`); how many ended."""
    query = update(LoginSession).where(
        LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None)
    )
    if keep is not None:
        query = query.where(LoginSession.id != keep)
    return _rowcount(session.execute(query.values(revoked_at=utcnow(), revoked_reason=reason)))


def pending_by_token_hash(session: Session, token_hash: str) -> PendingLogin | None:
    return session.scalar(select(PendingLogin).where(PendingLogin.token_hash == token_hash))


def delete_pending_of(session: Session, user_id: uuid.UUID) -> None:
    session.execute(delete(PendingLogin).where(PendingLogin.user_id == user_id))


# --- second factors ---------------------------------------------------------------------------


def totp_of(session: Session, user_id: uuid.UUID) -> TotpFactor | None:
    return session.scalar(select(TotpFactor).where(TotpFactor.user_id == user_id))


def keys_of(session: Session, user_id: uuid.UUID) -> Sequence[WebAuthnCredential]:
    """A user's WebAuthn credentials, oldest first."""
    return session.scalars(
        select(WebAuthnCredential)
        .where(WebAuthnCredential.user_id == user_id)
        .order_by(WebAuthnCredential.created_at)
    ).all()


def key_registered(session: Session, credential_id: str) -> bool:
    """Whether any user has registered this authenticator's credential."""
    found = session.scalar(
        select(WebAuthnCredential.id).where(WebAuthnCredential.credential_id == credential_id)
    )
    return found is not None


def key_of(session: Session, user_id: uuid.UUID, credential_id: str) -> WebAuthnCredential | None:
    """The user's credential with this WebAuthn credential id (never another user's)."""
    return session.scalar(
        select(WebAuthnCredential).where(
            WebAuthnCredential.credential_id == credential_id,
            WebAuthnCredential.user_id == user_id,
        )
    )


def key_by_id(session: Session, key_id: uuid.UUID) -> WebAuthnCredential | None:
    return session.get(WebAuthnCredential, key_id)


def claim_totp_step(session: Session, factor: TotpFactor, step: int) -> bool:
    """Record `step` as the factor's last used one unless it (or a later one) already is.

    One UPDATE with the condition in its WHERE clause, so two requests with the same code
    cannot both succeed; the factor is expired so that its next read sees the new step.
    """
    claimed = session.execute(
        update(TotpFactor)
        .where(
            TotpFactor.id == factor.id,
            or_(TotpFactor.last_used_step.is_(None), TotpFactor.last_used_step < step),
        )
        .values(last_used_step=step)
        .execution_options(synchronize_session=False)
    )
    session.expire(factor)
    return _rowcount(claimed) == 1


def delete_factors_of(session: Session, user_id: uuid.UUID) -> int:
    """Remove every second factor of the user; how many there were."""
    removed = _rowcount(session.execute(delete(TotpFactor).where(TotpFactor.user_id == user_id)))
    removed += _rowcount(
        session.execute(delete(WebAuthnCredential).where(WebAuthnCredential.user_id == user_id))
    )
    session.expire_all()
    return removed


# --- failed logins ----------------------------------------------------------------------------


def failures_since(
    session: Session,
    account_key: str,
    since: datetime,
    *,
    device_key: str | None = None,
    any_device: bool = False,
) -> tuple[int, datetime | None]:
    """How many failures against the account since `since`, and the latest one's time: those
    from the known device `device_key`, or (None) those from every other device; or, with
    `any_device`, all of them."""
    query = select(func.count(), func.max(LoginFailure.occurred_at)).where(
        LoginFailure.account_key == account_key, LoginFailure.occurred_at > since
    )
    if not any_device:
        query = query.where(
            LoginFailure.device_key.is_(None)
            if device_key is None
            else LoginFailure.device_key == device_key
        )
    count, latest = session.execute(query).one()
    return int(count or 0), latest


def forget_failures(session: Session, account_key: str, *, until: datetime) -> None:
    """Delete the account's failures that happened at or before `until`."""
    session.execute(
        delete(LoginFailure).where(
            LoginFailure.account_key == account_key, LoginFailure.occurred_at <= until
        )
    )


# --- API tokens -------------------------------------------------------------------------------


def token_by_hash(session: Session, token_hash: str) -> ApiToken | None:
    return session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash))


def token_by_id(session: Session, token_id: uuid.UUID) -> ApiToken | None:
    return session.get(ApiToken, token_id)


def tokens_of(session: Session, user_id: uuid.UUID) -> Sequence[ApiToken]:
    return session.scalars(
        select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.created_at.desc())
    ).all()


# --- known devices ----------------------------------------------------------------------------


def devices_by_hashes(
    session: Session, user_id: uuid.UUID, token_hashes: Sequence[str], *, now: datetime
) -> Sequence[KnownDevice]:
    """The user's unexpired known devices among these token hashes."""
    if not token_hashes:
        return []
    return session.scalars(
        select(KnownDevice).where(
            KnownDevice.user_id == user_id,
            KnownDevice.token_hash.in_(list(token_hashes)),
            KnownDevice.expires_at > now,
        )
    ).all()


def forget_expired_devices(session: Session, user_id: uuid.UUID, *, now: datetime) -> None:
    session.execute(
        delete(KnownDevice).where(KnownDevice.user_id == user_id, KnownDevice.expires_at <= now)
    )


def forget_devices_of(session: Session, user_id: uuid.UUID) -> int:
    """Every known device of the user (their password or factors were reset)."""
    return _rowcount(session.execute(delete(KnownDevice).where(KnownDevice.user_id == user_id)))


# --- enrolment codes --------------------------------------------------------------------------


def enrolment_code_by_hash(session: Session, code_hash: str) -> EnrolmentCode | None:
    return session.scalar(select(EnrolmentCode).where(EnrolmentCode.code_hash == code_hash))


def enrolment_code_by_id(session: Session, code_id: uuid.UUID) -> EnrolmentCode | None:
    return session.get(EnrolmentCode, code_id)


def withdraw_enrolment_codes(session: Session, user_id: uuid.UUID, *, now: datetime) -> int:
    """End the user's unused codes (a new one replaces them); how many there were."""
    return _rowcount(
        session.execute(
            update(EnrolmentCode)
            .where(
                EnrolmentCode.user_id == user_id,
                EnrolmentCode.used_at.is_(None),
                EnrolmentCode.expires_at > now,
            )
            .values(expires_at=now)
            .execution_options(synchronize_session=False)
        )
    )
