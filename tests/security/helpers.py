"""Helpers for tests that log in with a second factor, and a software WebAuthn authenticator.

`SoftAuthenticator` is a real authenticator in software: an EC P-256 key made with
`cryptography`, authenticator data and client data built byte by byte as the WebAuthn
specification lays them out, so py_webauthn's real verification code runs on them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven.accounts import mfa
from haven.accounts.models import Organisation, User
from haven.security import totp
from haven.security.permissions import Actor
from tests import factories as f

# A fixed secret, so that a failing test can be replayed with an authenticator app.
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

_used_steps: dict[str, set[int]] = {}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def enrol_totp(db: Session, user: User, secret: str = TEST_TOTP_SECRET) -> str:
    mfa.provision_totp(db, Actor.system(), user, secret=secret)
    return secret


def fresh_code(secret: str, key: str) -> str:
    """A code valid now that this test run has not used yet for `key` (client and username).

    Haven accepts the current step and one either side, each once. The step before the
    current one is never handed out: if the clock turned a step between making the code and
    the server checking it, that code would be two steps old and refused. So two logins of
    one user fit in one 30-second step; a third waits for the next step.
    """
    while True:
        current = int(time.time()) // totp.STEP_SECONDS
        used = _used_steps.setdefault(key, set())
        for step in (current, current + 1):
            if step not in used:
                used.add(step)
                return totp.code_for_step(secret, step)
        time.sleep(1)


def csrf_cookie(client: TestClient) -> str:
    client.get("/login")
    value = client.cookies.get("haven_csrf")
    assert isinstance(value, str)
    return value


def login_with_totp(
    client: TestClient, *, username: str, secret: str = TEST_TOTP_SECRET, password: str = f.PASSWORD
) -> None:
    token = f.csrf_from(client)
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/login/verify"
    response = client.post(
        "/login/verify",
        data={"code": fresh_code(secret, f"{id(client)}:{username}"), "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def admin_logged_in(
    client: TestClient, db: Session, *, username: str, organisation: object | None = None
) -> User:
    """An administrator with an authenticator app, logged in through the real two steps."""
    org = organisation if isinstance(organisation, Organisation) else f.organisation(db)
    user = f.user(db, organisation=org, username=username)
    enrol_totp(db, user)
    login_with_totp(client, username=username)
    return user


class SoftAuthenticator:
    """A WebAuthn authenticator in software ("none" attestation, ES256)."""

    def __init__(self, *, rp_id: str = "testserver", origin: str = "http://testserver") -> None:
        self.rp_id = rp_id
        self.origin = origin
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.sign_count = 0

    def _cose_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps(
            {
                1: 2,
                3: -7,
                -1: 1,
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )

    def _client_data(self, kind: str, challenge: str, origin: str | None) -> bytes:
        return json.dumps(
            {
                "type": kind,
                "challenge": challenge,
                "origin": origin or self.origin,
                "crossOrigin": False,
            }
        ).encode()

    def _rp_hash(self, rp_id: str | None) -> bytes:
        return hashlib.sha256((rp_id or self.rp_id).encode()).digest()

    def register(self, options_json: str, *, origin: str | None = None) -> str:
        """The JSON a browser would send after navigator.credentials.create()."""
        options = json.loads(options_json)
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        flags = 0x01 | 0x04 | 0x40  # user present, user verified, attested credential data
        auth_data = (
            self._rp_hash(options["rp"]["id"])
            + bytes([flags])
            + self.sign_count.to_bytes(4, "big")
            + bytes(16)  # AAGUID: none
            + len(self.credential_id).to_bytes(2, "big")
            + self.credential_id
            + self._cose_key()
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return json.dumps(
            {
                "id": b64url(self.credential_id),
                "rawId": b64url(self.credential_id),
                "type": "public-key",
                "response": {
                    "clientDataJSON": b64url(client_data),
                    "attestationObject": b64url(attestation),
                },
                "clientExtensionResults": {},
            }
        )

    def assertion(
        self,
        options_json: str,
        *,
        origin: str | None = None,
        rp_id: str | None = None,
        sign_count: int | None = None,
    ) -> str:
        """The JSON a browser would send after navigator.credentials.get()."""
        options = json.loads(options_json)
        self.sign_count = self.sign_count + 1 if sign_count is None else sign_count
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        auth_data = self._rp_hash(rp_id) + bytes([0x05]) + self.sign_count.to_bytes(4, "big")
        signature = self.key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return json.dumps(
            {
                "id": b64url(self.credential_id),
                "rawId": b64url(self.credential_id),
                "type": "public-key",
                "response": {
                    "authenticatorData": b64url(auth_data),
                    "clientDataJSON": b64url(client_data),
                    "signature": b64url(signature),
                },
                "clientExtensionResults": {},
            }
        )
