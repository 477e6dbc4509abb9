"""Login throttling that slows an attacker without locking the owner out (OWASP ASVS V6.3,
the authentication cheat sheet's device cookies).

Per account and device, in the database: failed attempts (wrong password, wrong second
factor, wrong enrolment code) are counted per account in a rolling hour, in one bucket per
known device of the account (a browser its user has fully logged in from, recognised by a
device cookie: `haven.accounts.devices`) and one bucket for every other device. The first
`FREE_FAILURES` failures of a bucket cost nothing; after that each attempt must wait an
exponentially growing delay after the bucket's last failure (1 s, 2 s, 4 s … at most
`MAX_DELAY`), and an attempt made too soon is answered 429 with Retry-After without the
password even being checked. There is no hard lock: whoever guesses from elsewhere slows
only unknown devices, and the owner on their own known device logs in at once. Counted by the
SHA-256 of the normalised username, so an unknown username behaves exactly like a real one;
kept in the database, so a restart resets nothing and every worker process shares it, and an
attacker rotating client addresses still meets the same per-account bucket.

Per client: a token bucket per IP address in the process's memory (`ClientLimiter`), against
one address spraying many usernames. A request carrying a known device of the account tried
is not held to it (that device has its own bucket).
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from haven.db.types import utcnow
from haven.security import repository
from haven.security.models import LoginFailure

WINDOW = timedelta(hours=1)
FREE_FAILURES = 10  # failures per bucket and hour before any delay
MAX_DELAY = timedelta(minutes=15)
CLIENT_BURST = 20
CLIENT_PER_MINUTE = 20


def account_key(username: str) -> str:
    return hashlib.sha256(username.strip().lower().encode()).hexdigest()


def delay_after(failures: int) -> timedelta:
    """How long after the last failure the next attempt must wait, given the bucket's count."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    exponent = min(failures - FREE_FAILURES, 30)
    return min(timedelta(seconds=2**exponent), MAX_DELAY)


def failures_in_window(
    session: Session, username: str, *, device: str | None = None, now: datetime | None = None
) -> int:
    """Failures in the last hour: from the known device `device`, or (None) from all others."""
    count, _latest = repository.failures_since(
        session, account_key(username), (now or utcnow()) - WINDOW, device_key=device
    )
    return count


def all_failures_in_window(session: Session, username: str, *, now: datetime | None = None) -> int:
    """Failures in the last hour from every device, known or not."""
    count, _latest = repository.failures_since(
        session, account_key(username), (now or utcnow()) - WINDOW, any_device=True
    )
    return count


def wait_seconds(
    session: Session, username: str, *, device: str | None = None, now: datetime | None = None
) -> int:
    """Seconds before the account may be tried again from this bucket (0: now)."""
    moment = now or utcnow()
    count, latest = repository.failures_since(
        session, account_key(username), moment - WINDOW, device_key=device
    )
    if latest is None or count < FREE_FAILURES:
        return 0
    remaining = (latest + delay_after(count) - moment).total_seconds()
    return max(0, math.ceil(remaining))


def record_failure(
    session: Session, username: str, *, device: str | None = None, now: datetime | None = None
) -> None:
    """Count one failure (in the bucket of `device`, or of unknown devices), and forget this
    account's failures that left the window."""
    moment = now or utcnow()
    key = account_key(username)
    repository.forget_failures(session, key, until=moment - WINDOW)
    session.add(LoginFailure(account_key=key, device_key=device, occurred_at=moment))
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
