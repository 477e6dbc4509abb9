"""TOTP: codes as authenticator apps make them, the clock window, and no code accepted twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.accounts import mfa
from haven.accounts.sessions import actor_for
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.errors import Conflict, ValidationFailed
from haven.security import passwords, totp
from haven.security.models import TotpFactor
from haven.security.permissions import Role
from tests import factories as f
from tests.security.helpers import TEST_TOTP_SECRET, enrol_totp

NOW = datetime(2026, 11, 25, 12, 0, 10, tzinfo=UTC)  # 10 s into a 30-second step


def _code(offset_steps: int) -> str:
    return totp.code_for_step(TEST_TOTP_SECRET, totp.step_at(NOW) + offset_steps)


def test_codes_match_an_authenticator_app() -> None:
    app = pyotp.TOTP(TEST_TOTP_SECRET)  # RFC 6238 defaults: SHA-1, 6 digits, 30 s
    assert totp.code_for_step(TEST_TOTP_SECRET, totp.step_at(NOW)) == app.at(NOW)
    assert len(totp.new_secret()) == 32
    assert totp.new_secret() != totp.new_secret()


@pytest.mark.parametrize(
    ("offset", "accepted"), [(-2, False), (-1, True), (0, True), (1, True), (2, False)]
)
def test_the_clock_window_is_one_step_either_side(offset: int, accepted: bool) -> None:
    step = totp.matching_step(TEST_TOTP_SECRET, _code(offset), now=NOW, last_used_step=None)
    assert (step == totp.step_at(NOW) + offset) if accepted else step is None


def test_codes_are_read_with_spaces_and_malformed_codes_refused() -> None:
    code = _code(0)
    spaced = f"{code[:3]} {code[3:]}"
    assert totp.matching_step(TEST_TOTP_SECRET, spaced, now=NOW, last_used_step=None)
    for bad in ("", "12345", "1234567", "abcdef"):
        assert totp.matching_step(TEST_TOTP_SECRET, bad, now=NOW, last_used_step=None) is None


def test_a_step_at_or_before_the_last_used_one_is_refused() -> None:
    current = totp.step_at(NOW)
    assert totp.matching_step(TEST_TOTP_SECRET, _code(0), now=NOW, last_used_step=current) is None
    assert (
        totp.matching_step(TEST_TOTP_SECRET, _code(-1), now=NOW, last_used_step=current - 1) is None
    )
    assert (
        totp.matching_step(TEST_TOTP_SECRET, _code(1), now=NOW, last_used_step=current)
        == current + 1
    )


def test_no_code_is_accepted_twice(db: Session) -> None:
    user = f.user(db, organisation=f.organisation(db))
    enrol_totp(db, user)
    assert mfa.verify_totp(db, user, _code(0), now=NOW)
    assert not mfa.verify_totp(db, user, _code(0), now=NOW)  # the same code, replayed
    assert not mfa.verify_totp(db, user, _code(-1), now=NOW)  # an older one
    assert mfa.verify_totp(db, user, _code(1), now=NOW)  # the next one works once
    assert not mfa.verify_totp(db, user, _code(1), now=NOW + timedelta(seconds=30))
    factor = db.scalars(select(TotpFactor).where(TotpFactor.user_id == user.id)).one()
    assert factor.last_used_step == totp.step_at(NOW) + 1


def test_enrolment_is_confirmed_by_a_valid_code_and_audited(db: Session) -> None:
    user = f.user(db, organisation=f.organisation(db), role=Role.AUDITOR)
    actor = actor_for(user)
    factor = mfa.start_totp_enrolment(db, actor, user)
    assert not mfa.has_second_factor(db, user.id)  # nothing enabled before confirmation
    assert mfa.start_totp_enrolment(db, actor, user).secret == factor.secret  # same QR on reload
    with pytest.raises(ValidationFailed) as info:
        mfa.confirm_totp(db, actor, user, "000000", now=NOW)
    assert "code" in info.value.fields
    code = totp.code_for_step(factor.secret, totp.step_at(NOW))
    mfa.confirm_totp(db, actor, user, code, now=NOW)
    assert mfa.has_second_factor(db, user.id)
    assert not mfa.verify_totp(db, user, code, now=NOW)  # the enrolment code is spent too
    with pytest.raises(Conflict):
        mfa.start_totp_enrolment(db, actor, user)
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.subject_id == user.id)).all()
    assert "auth.second_factor_enrolled" in actions
    assert factor.secret not in str(
        db.scalars(select(AuditEvent.changes).where(AuditEvent.subject_id == user.id)).all()
    )


def test_a_privileged_user_cannot_remove_the_last_factor(db: Session) -> None:
    user = f.user(db, organisation=f.organisation(db), role=Role.FINANCE_OFFICER)
    enrol_totp(db, user)
    with pytest.raises(Conflict):
        mfa.remove_totp(db, actor_for(user), user)
    assert mfa.has_second_factor(db, user.id)


def test_removing_the_last_factor_needs_a_password_long_enough_alone(
    db: Session, fast_settings: Settings
) -> None:
    short = "eight chars!"  # 12 characters: enough with a second factor only
    user = f.user(
        db,
        organisation=f.organisation(db),
        role=Role.CASE_WORKER,
        settings=fast_settings,
    )
    enrol_totp(db, user)
    user.password_hash = passwords.hash_password(short, fast_settings)
    actor = actor_for(user)
    with pytest.raises(ValidationFailed) as info:
        mfa.remove_totp(db, actor, user, password=None, settings=fast_settings)
    assert str(info.value.fields["password"]).startswith("Enter your current password")
    with pytest.raises(ValidationFailed) as info:
        mfa.remove_totp(db, actor, user, password=short, settings=fast_settings)
    assert "shorter than 15 characters" in str(info.value.fields["password"])
    assert mfa.has_second_factor(db, user.id)
