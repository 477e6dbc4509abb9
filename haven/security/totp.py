"""Time-based one-time passwords (RFC 6238) as authenticator apps make them.

SHA-1, 6 digits, 30-second steps: the only parameters every app supports. A code is accepted
for the current step and one step either side (clock drift of up to 30 s), and only for a
step later than the last accepted one, so no code is ever accepted twice.
"""

from __future__ import annotations

import hmac
from datetime import datetime

import pyotp
import segno

STEP_SECONDS = 30
DIGITS = 6
WINDOW = 1  # steps accepted either side of the current one
ISSUER = "Haven"
SECRET_LENGTH = 32  # base32 characters: 160 bits, the RFC 4226 recommendation


def new_secret() -> str:
    return pyotp.random_base32(length=SECRET_LENGTH)


def step_at(moment: datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def code_for_step(secret: str, step: int) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).generate_otp(step)


def normalise(code: str) -> str:
    """Apps show codes as '123 456'; people paste them with spaces or dashes."""
    return "".join(ch for ch in code if not ch.isspace() and ch != "-")


def matching_step(
    secret: str, code: str, *, now: datetime, last_used_step: int | None
) -> int | None:
    """The step whose code this is, if it is within the window and not yet used; else None."""
    code = normalise(code)
    if len(code) != DIGITS or not code.isdigit():
        return None
    current = step_at(now)
    for step in range(current - WINDOW, current + WINDOW + 1):
        if last_used_step is not None and step <= last_used_step:
            continue
        if hmac.compare_digest(code_for_step(secret, step), code):
            return step
    return None


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=username, issuer_name=ISSUER
    )


def qr_data_uri(uri: str) -> str:
    """The QR code as an SVG data URI for an <img>: the CSP allows `img-src data:`."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=4))


def grouped(secret: str) -> str:
    """The secret in groups of four for manual entry."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
