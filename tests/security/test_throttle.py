"""Login throttling: 100 failures per account per rolling hour; a token bucket per client."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from haven.db.types import utcnow
from haven.security import throttle
from haven.security.models import LoginFailure


def test_an_account_locks_at_100_failures_within_an_hour(db: Session) -> None:
    now = utcnow()
    for i in range(99):
        throttle.record_failure(
            db, "ko.target", now=now - timedelta(minutes=50) + timedelta(seconds=i)
        )
    assert throttle.failures_in_window(db, "ko.target", now=now) == 99
    assert not throttle.is_locked(db, "ko.target", now=now)
    throttle.record_failure(db, "KO.Target ", now=now)  # the same account, however typed
    assert throttle.is_locked(db, "ko.target", now=now)
    assert not throttle.is_locked(db, "someone.else", now=now)
    # The window rolls: eleven minutes later the 99 old failures are past the hour.
    assert not throttle.is_locked(db, "ko.target", now=now + timedelta(minutes=11))


def test_old_failures_are_forgotten_when_a_new_one_is_recorded(db: Session) -> None:
    now = utcnow()
    throttle.record_failure(db, "old.failures", now=now - timedelta(hours=2))
    throttle.record_failure(db, "old.failures", now=now)
    kept = db.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.account_key == throttle.account_key("old.failures"))
    )
    assert kept == 1


def test_unknown_usernames_count_like_real_ones(db: Session) -> None:
    now = utcnow()
    for _ in range(100):
        throttle.record_failure(db, "nobody.by.this.name", now=now)
    assert throttle.is_locked(db, "nobody.by.this.name", now=now)


def test_the_client_bucket_allows_a_burst_then_refills() -> None:
    limiter = throttle.ClientLimiter(burst=20, per_minute=20)
    assert all(limiter.allow("10.0.0.1", now=100.0) for _ in range(20))
    assert not limiter.allow("10.0.0.1", now=100.0)
    assert limiter.allow("10.0.0.2", now=100.0)  # another client has its own bucket
    assert limiter.retry_after("10.0.0.1") == 3  # one token every 3 s at 20 per minute
    assert not limiter.allow("10.0.0.1", now=102.9)
    assert limiter.allow("10.0.0.1", now=103.1)
    assert not limiter.allow("10.0.0.1", now=103.2)
    assert all(limiter.allow("10.0.0.1", now=1000.0) for _ in range(20))  # full again, capped
    assert not limiter.allow("10.0.0.1", now=1000.0)
