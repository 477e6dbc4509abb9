"""WebAuthn (security keys, platform authenticators) through py_webauthn.

Pure functions: options to send to the browser, and verification of what comes back. The
challenge is kept server-side (on the pending login or the session) and compared by
py_webauthn; so are the relying party id and the origin, which is what makes a WebAuthn
answer useless to a phishing site.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import webauthn as pywebauthn
from webauthn.helpers import bytes_to_base64url, generate_challenge
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from haven.errors import ValidationFailed
from haven.i18n import N_
from haven.security.errors import SecondFactorFailed

TIMEOUT_MS = 120_000


@dataclass(frozen=True)
class RelyingParty:
    """Who the credential is for: `id` is the host name, `origin` scheme://host[:port]."""

    id: str
    name: str
    origin: str


def relying_party(base_url: str, *, configured_origin: str | None = None) -> RelyingParty:
    """The relying party for Haven at `configured_origin`, else at the request's own URL.

    A configured origin is the safe choice behind a proxy: the request's Host header is
    chosen by the client.
    """
    parts = urlsplit((configured_origin or base_url).rstrip("/"))
    return RelyingParty(
        id=parts.hostname or "localhost", name="Haven", origin=f"{parts.scheme}://{parts.netloc}"
    )


@dataclass(frozen=True)
class NewCredential:
    credential_id: str  # base64url
    public_key: bytes  # COSE
    sign_count: int


def _descriptors(credential_ids: Sequence[str]) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(id=pywebauthn.base64url_to_bytes(c)) for c in credential_ids
    ]


def registration_options(
    rp: RelyingParty,
    *,
    user_handle: bytes,
    username: str,
    display_name: str,
    existing: Sequence[str] = (),
) -> tuple[str, str]:
    """Creation options as JSON for the browser, and the challenge (base64url) to keep."""
    challenge = generate_challenge()
    options = pywebauthn.generate_registration_options(
        rp_id=rp.id,
        rp_name=rp.name,
        user_id=user_handle,
        user_name=username,
        user_display_name=display_name,
        challenge=challenge,
        timeout=TIMEOUT_MS,
        attestation=AttestationConveyancePreference.NONE,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.DISCOURAGED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=_descriptors(existing),
    )
    return pywebauthn.options_to_json(options), bytes_to_base64url(challenge)


def verify_registration(rp: RelyingParty, *, response: str, challenge: str) -> NewCredential:
    """The new credential, or ValidationFailed on the `webauthn` field."""
    try:
        verified = pywebauthn.verify_registration_response(
            credential=response,
            expected_challenge=pywebauthn.base64url_to_bytes(challenge),
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            require_user_presence=True,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError):
        raise ValidationFailed(
            fields={"webauthn": N_("The security key could not be registered. Try again.")}
        ) from None
    return NewCredential(
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
    )


def authentication_options(rp: RelyingParty, *, credential_ids: Sequence[str]) -> tuple[str, str]:
    """Request options as JSON for the browser, and the challenge (base64url) to keep."""
    challenge = generate_challenge()
    options = pywebauthn.generate_authentication_options(
        rp_id=rp.id,
        challenge=challenge,
        timeout=TIMEOUT_MS,
        allow_credentials=_descriptors(credential_ids),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return pywebauthn.options_to_json(options), bytes_to_base64url(challenge)


def credential_id_of(response: str) -> str | None:
    """The credential id an assertion claims to come from (checked by the verification)."""
    try:
        value = json.loads(response).get("rawId") or json.loads(response).get("id")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) and value else None


def verify_authentication(
    rp: RelyingParty, *, response: str, challenge: str, public_key: bytes, sign_count: int
) -> int:
    """The authenticator's new sign count, or SecondFactorFailed.

    py_webauthn refuses a sign count that did not increase (when the authenticator keeps
    one): the sign of a cloned authenticator.
    """
    try:
        verified = pywebauthn.verify_authentication_response(
            credential=response,
            expected_challenge=pywebauthn.base64url_to_bytes(challenge),
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            credential_public_key=public_key,
            credential_current_sign_count=sign_count,
            require_user_verification=False,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError):
        raise SecondFactorFailed from None
    return int(verified.new_sign_count)
