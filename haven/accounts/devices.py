"""Known devices: browsers a user has fully logged in from (OWASP's device cookies).

After a complete login (password, and second factor when required) the browser receives a
device cookie holding a random 256-bit token per user who logged in on it (a shared desk
laptop keeps up to `MAX_PER_COOKIE` of them); the table keeps only each token's SHA-256 and
whose it is. At the next login the cookie is checked against the username typed: a token of
that user, unexpired, makes the attempt come from a *known device*, whose failures are
counted apart from everyone else's (`haven.security.throttle`). So an attacker guessing from
other machines slows only unknown devices; the owner at their own desk is never delayed.

The cookie proves nothing by itself: the password (and factor) are checked as always. A
stolen cookie gives a thief only a failure count of their own, which slows them as any
other device. A device is forgotten after `LIFETIME` without a login from it, and all of a
user's devices when an administrator resets their password or second factors.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from haven.accounts.models import User
from haven.db.types import utcnow
from haven.security import repository as credentials
from haven.security.models import KnownDevice
from haven.security.random_tokens import new_token, token_hash

COOKIE = "haven_device"
LIFETIME = timedelta(days=180)
MAX_PER_COOKIE = 5
_SEPARATOR = "."
_TOKEN_LENGTH = 43  # new_token(): 32 random bytes, URL-safe base64 without padding


def tokens_in(cookie: str | None) -> list[str]:
    """The device tokens a cookie value carries (malformed parts are ignored)."""
    if not cookie:
        return []
    parts = [p for p in cookie[: (_TOKEN_LENGTH + 1) * MAX_PER_COOKIE].split(_SEPARATOR) if p]
    return [p for p in parts if len(p) == _TOKEN_LENGTH][:MAX_PER_COOKIE]


def known_device(session: Session, user: User | None, cookie: str | None) -> KnownDevice | None:
    """The known device of `user` this cookie proves, if any (None for an unknown username)."""
    tokens = tokens_in(cookie)
    if user is None or not tokens:
        return None
    found = credentials.devices_by_hashes(
        session, user.id, [token_hash(t) for t in tokens], now=utcnow()
    )
    return found[0] if found else None


def remember(session: Session, user: User, cookie: str | None) -> str:
    """After a complete login: the cookie value that makes this browser a known device of
    `user` (their token first, then other users' tokens it already held)."""
    now = utcnow()
    tokens = tokens_in(cookie)
    hashes = {token_hash(t): t for t in tokens}
    mine = credentials.devices_by_hashes(session, user.id, list(hashes), now=now)
    if mine:
        device = mine[0]
        device.last_used_at = now
        device.expires_at = now + LIFETIME
        token = hashes[device.token_hash]
    else:
        credentials.forget_expired_devices(session, user.id, now=now)
        token = new_token()
        session.add(
            KnownDevice(
                user_id=user.id,
                token_hash=token_hash(token),
                created_at=now,
                last_used_at=now,
                expires_at=now + LIFETIME,
            )
        )
    session.flush()
    others = [t for t in tokens if t != token]
    return _SEPARATOR.join([token, *others][:MAX_PER_COOKIE])


def forget_all(session: Session, user: User) -> int:
    """No browser is a known device of `user` any more; how many were."""
    return credentials.forget_devices_of(session, user.id)
