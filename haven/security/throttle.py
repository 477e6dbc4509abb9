"""Login throttling: per account in the database, per client in memory.

Per account: at most `MAX_FAILURES_PER_HOUR` failed attempts (wrong password or wrong second
factor) in any rolling hour; past that every attempt is refused, even with the right
password, until old failures leave the window. Counted by the SHA-256 of the normalised
username, so an unknown username behaves exactly like a real one, and kept in the database so
a restart does not reset it.

Per client: a token bucket per IP address in the process's memory (`ClientLimiter`). On a
laptop serving one process that is enough; several worker processes each keep their own
buckets (the per-account limit, in the database, still holds across them).
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from haven.db.types import utcnow
from haven.security import repository
from haven.security.models import LoginFailure

MAX_FAILURES_PER_HOUR = 100
WINDOW = timedelta(hours=1)
CLIENT_BURST = 20
CLIENT_PER_MINUTE = 20


def account_key(username: str) -> str:
    return hashlib.sha256(username.strip().lower().encode()).hexdigest()


def failures_in_window(session: Session, username: str, *, now: datetime | None = None) -> int:
    return repository.failures_since(session, account_key(username), (now or utcnow()) - WINDOW)


def is_locked(session: Session, username: str, *, now: datetime | None = None) -> bool:
    return failures_in_window(session, username, now=now) >= MAX_FAILURES_PER_HOUR


def record_failure(session: Session, username: str, *, now: datetime | None = None) -> None:
    """Count one failure, and forget this account's failures that left the window."""
    moment = now or utcnow()
    key = account_key(username)
    repository.forget_failures(session, key, until=moment - WINDOW)
    session.add(LoginFailure(account_key=key, occurred_at=moment))
    session.flush()


@dataclass
class ClientLimiter:
    """Token bucket per client key: `burst` attempts at once, refilled at `per_minute`."""

    burst: int = CLIENT_BURST
    per_minute: int = CLIENT_PER_MINUTE
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def allow(self, client: str, *, now: float | None = None) -> bool:
        """Take one token for `client`; False when the bucket is empty."""
        moment = time.monotonic() if now is None else now
        rate = self.per_minute / 60.0
        with self._lock:
            tokens, last = self._buckets.get(client, (float(self.burst), moment))
            tokens = min(float(self.burst), tokens + (moment - last) * rate)
            if len(self._buckets) > 10_000:  # bound memory under a flood of addresses
                self._buckets.clear()
            if tokens < 1.0:
                self._buckets[client] = (tokens, moment)
                return False
            self._buckets[client] = (tokens - 1.0, moment)
            return True

    def retry_after(self, client: str) -> int:
        """Seconds until `client` has a token again (for the Retry-After header)."""
        with self._lock:
            tokens, _last = self._buckets.get(client, (float(self.burst), 0.0))
        missing = max(0.0, 1.0 - tokens)
        return max(1, int(missing * 60 / self.per_minute + 0.999))


def limiter_for(state: Any) -> ClientLimiter:
    """The app's limiter (one per application object, made on first use)."""
    limiter = getattr(state, "login_limiter", None)
    if not isinstance(limiter, ClientLimiter):
        limiter = ClientLimiter()
        state.login_limiter = limiter
    return limiter
