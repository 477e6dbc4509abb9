"""Login throttling: exponential delays per account and device, never a lock; a token bucket
per client."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from haven.db.types import utcnow
from haven.security import throttle
from haven.security.models import LoginFailure


def test_failures_slow_an_account_exponentially_and_never_lock_it(db: Session) -> None:
    now = utcnow()
    for i in range(throttle.FREE_FAILURES):
        assert throttle.wait_seconds(db, "ko.target", now=now) == 0
        throttle.record_failure(db, "ko.target", now=now + timedelta(milliseconds=i))
    assert throttle.failures_in_window(db, "ko.target", now=now) == throttle.FREE_FAILURES
    # Past the free failures: 1 s after the last one, then 2 s, 4 s … (however typed).
    moment = now + timedelta(milliseconds=throttle.FREE_FAILURES)
    assert throttle.wait_seconds(db, "KO.Target ", now=moment) == 1
    assert throttle.wait_seconds(db, "ko.target", now=moment + timedelta(seconds=1)) == 0
    throttle.record_failure(db, "ko.target", now=moment + timedelta(seconds=1))
    assert throttle.wait_seconds(db, "ko.target", now=moment + timedelta(seconds=1)) == 2
    for extra in range(30):
        throttle.record_failure(db, "ko.target", now=moment + timedelta(seconds=2 + extra))
    last = moment + timedelta(seconds=31)
    assert throttle.wait_seconds(db, "ko.target", now=last) == throttle.MAX_DELAY.seconds
    # No lock: the delay passes, and an hour after the last failure nothing is left.
    assert throttle.wait_seconds(db, "ko.target", now=last + throttle.MAX_DELAY) == 0
    assert throttle.failures_in_window(db, "ko.target", now=last + timedelta(hours=1)) == 0
    assert throttle.wait_seconds(db, "someone.else", now=last) == 0


def test_a_known_device_counts_apart_from_every_other_device(db: Session) -> None:
    now = utcnow()
    device = "d" * 64
    for _ in range(40):
        throttle.record_failure(db, "owner.name", now=now)
    assert throttle.wait_seconds(db, "owner.name", now=now) > 0
    assert throttle.wait_seconds(db, "owner.name", device=device, now=now) == 0
    for _ in range(throttle.FREE_FAILURES):
        throttle.record_failure(db, "owner.name", device=device, now=now)
    assert throttle.wait_seconds(db, "owner.name", device=device, now=now) == 1
    assert throttle.all_failures_in_window(db, "owner.name", now=now) == 40 + throttle.FREE_FAILURES


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
    assert throttle.wait_seconds(db, "nobody.by.this.name", now=now) == throttle.MAX_DELAY.seconds


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
