"""WebAuthn registration and authentication through py_webauthn's real verification."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.accounts import mfa
from haven.accounts.models import User
from haven.accounts.sessions import actor_for
from haven.audit.models import AuditEvent
from haven.errors import ValidationFailed
from haven.security import webauthn as wa
from haven.security.errors import SecondFactorFailed
from haven.security.models import WebAuthnCredential
from haven.security.permissions import Role
from tests import factories as f
from tests.security.helpers import SoftAuthenticator

RP = wa.relying_party("http://testserver/")


def _register(db: Session, user: User, key: SoftAuthenticator) -> WebAuthnCredential:
    actor = actor_for(user)
    options, challenge = mfa.webauthn_registration_options(db, actor, user, rp=RP)
    return mfa.register_webauthn(
        db,
        actor,
        user,
        rp=RP,
        response=key.register(options),
        challenge=challenge,
        name="blue key",
    )


def test_the_relying_party_comes_from_the_configured_origin_first() -> None:
    assert wa.RelyingParty(id="testserver", name="Haven", origin="http://testserver") == RP
    configured = wa.relying_party(
        "http://evil.example/", configured_origin="https://haven.org:8443"
    )
    assert (configured.id, configured.origin) == ("haven.org", "https://haven.org:8443")


def test_register_then_authenticate_and_the_sign_count_advances(db: Session) -> None:
    user = f.user(db, organisation=f.organisation(db), role=Role.VETTING_OFFICER)
    key = SoftAuthenticator()
    credential = _register(db, user, key)
    assert credential.name == "blue key"
    assert credential.sign_count == 0
    assert mfa.has_second_factor(db, user.id)
    options, challenge = mfa.webauthn_authentication_options(db, user, rp=RP)
    assert json.loads(options)["allowCredentials"][0]["id"] == credential.credential_id
    used = mfa.verify_webauthn(
        db, user, rp=RP, response=key.assertion(options), challenge=challenge
    )
    assert used.id == credential.id
    assert used.sign_count == 1
    assert used.last_used_at is not None
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.subject_id == user.id)).all()
    assert "auth.second_factor_enrolled" in actions


def test_a_registration_for_another_origin_or_challenge_is_refused(db: Session) -> None:
    user = f.user(db, organisation=f.organisation(db))
    actor = actor_for(user)
    options, challenge = mfa.webauthn_registration_options(db, actor, user, rp=RP)
    phished = SoftAuthenticator().register(options, origin="http://evil.example")
    with pytest.raises(ValidationFailed):
        mfa.register_webauthn(
            db, actor, user, rp=RP, response=phished, challenge=challenge, name="k"
        )
    other_options, _other_challenge = mfa.webauthn_registration_options(db, actor, user, rp=RP)
    with pytest.raises(ValidationFailed):
        mfa.register_webauthn(
            db,
            actor,
            user,
            rp=RP,
            response=SoftAuthenticator().register(other_options),
            challenge=challenge,
            name="k",
        )
    assert not mfa.has_second_factor(db, user.id)


@pytest.mark.parametrize("attack", ["origin", "rp_id", "challenge", "replayed_count", "tampered"])
def test_forged_or_replayed_assertions_are_refused(db: Session, attack: str) -> None:
    user = f.user(db, organisation=f.organisation(db))
    key = SoftAuthenticator()
    _register(db, user, key)
    options, challenge = mfa.webauthn_authentication_options(db, user, rp=RP)
    mfa.verify_webauthn(db, user, rp=RP, response=key.assertion(options), challenge=challenge)
    options, challenge = mfa.webauthn_authentication_options(db, user, rp=RP)
    if attack == "origin":
        response = key.assertion(options, origin="http://evil.example")
    elif attack == "rp_id":
        response = key.assertion(options, rp_id="evil.example")
    elif attack == "challenge":
        stale, _ = mfa.webauthn_authentication_options(db, user, rp=RP)
        response = key.assertion(stale)
    elif attack == "replayed_count":
        response = key.assertion(options, sign_count=1)  # a clone: the count did not advance
    else:
        body = json.loads(key.assertion(options))
        body["response"]["signature"] = body["response"]["signature"][:-4] + "AAAA"
        response = json.dumps(body)
    with pytest.raises(SecondFactorFailed):
        mfa.verify_webauthn(db, user, rp=RP, response=response, challenge=challenge)


def test_another_users_key_does_not_authenticate(db: Session) -> None:
    org = f.organisation(db)
    owner, other = f.user(db, organisation=org), f.user(db, organisation=org)
    key = SoftAuthenticator()
    _register(db, owner, key)
    _register(db, other, SoftAuthenticator())
    options, challenge = mfa.webauthn_authentication_options(db, other, rp=RP)
    with pytest.raises(SecondFactorFailed):
        mfa.verify_webauthn(db, other, rp=RP, response=key.assertion(options), challenge=challenge)
