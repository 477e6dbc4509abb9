"""Second factors: TOTP authenticators and WebAuthn credentials, enrolled by their user.

Privileged roles (`ROLES_REQUIRING_SECOND_FACTOR`) cannot use Haven without one: a login of
such a user without a second factor can only enrol one, and only with a one-time enrolment
code an administrator issued to them (audited): the password alone never binds an
authenticator to a privileged account, so a stolen password cannot enrol the thief's. A user
may hold one TOTP authenticator and any number of WebAuthn credentials; a privileged user may
not remove the last of them (an administrator can reset them all, which ends the user's
sessions).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from haven.accounts.models import User
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.config import Settings
from haven.db.types import utcnow
from haven.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from haven.i18n import N_, Text
from haven.security import passwords, totp
from haven.security import repository as credentials
from haven.security import webauthn as wa
from haven.security.errors import SecondFactorFailed
from haven.security.models import EnrolmentCode, TotpFactor, WebAuthnCredential
from haven.security.permissions import Actor, Permission, Role, require

TOTP = "totp"
WEBAUTHN = "webauthn"

ROLES_REQUIRING_SECOND_FACTOR: frozenset[Role] = frozenset(
    {
        Role.VETTING_OFFICER,
        Role.FINANCE_OFFICER,
        Role.POW_OFFICER,
        Role.NEGOTIATOR,
        # Named approvers of defection agreements: they see commanders' identities.
        Role.MANAGER,
        Role.ADMINISTRATOR,
        Role.AUDITOR,
    }
)


ENROLMENT_CODE_LIFETIME = timedelta(hours=72)
# 12 characters from 32 unambiguous ones (no 0/O, 1/I): 60 bits, read out over a phone.
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_CODE_LENGTH = 12


def requires_second_factor(role: str) -> bool:
    return role in {str(r) for r in ROLES_REQUIRING_SECOND_FACTOR}


@dataclass(frozen=True)
class Factors:
    """A user's enrolled (confirmed) second factors."""

    totp: TotpFactor | None
    keys: Sequence[WebAuthnCredential] = field(default_factory=list)

    @property
    def count(self) -> int:
        return (1 if self.totp else 0) + len(self.keys)

    @property
    def any(self) -> bool:
        return self.count > 0


def factors_of(session: Session, user_id: uuid.UUID) -> Factors:
    factor = credentials.totp_of(session, user_id)
    keys = credentials.keys_of(session, user_id)
    confirmed = factor if factor is not None and factor.confirmed_at is not None else None
    return Factors(totp=confirmed, keys=keys)


def has_second_factor(session: Session, user_id: uuid.UUID) -> bool:
    return factors_of(session, user_id).any


def _self_only(actor: Actor, user: User) -> None:
    """Second factors are enrolled by their own user, never on someone's behalf."""
    if actor.user_id != user.id:
        raise NotFound


def _record(
    session: Session, actor: Actor, action: AuditAction, user: User, method: str, **extra: str
) -> None:
    audit.record(
        session,
        actor,
        action,
        subject_type="user",
        subject_id=user.id,
        organisation_id=user.organisation_id,
        changes={"method": method, **extra},
    )


# --- TOTP ------------------------------------------------------------------------------------


def start_totp_enrolment(session: Session, actor: Actor, user: User) -> TotpFactor:
    """A new unconfirmed secret (or the one already shown); nothing is enabled until confirmed."""
    _self_only(actor, user)
    factor = credentials.totp_of(session, user.id)
    if factor is not None and factor.confirmed_at is not None:
        raise Conflict(N_("You already have an authenticator app. Remove it first to replace it."))
    if factor is None:
        factor = TotpFactor(user_id=user.id, secret=totp.new_secret())
        session.add(factor)
        session.flush()
    return factor


def confirm_totp(
    session: Session, actor: Actor, user: User, code: str, *, now: datetime | None = None
) -> TotpFactor:
    """Enable the authenticator once the user proves it makes valid codes."""
    _self_only(actor, user)
    factor = credentials.totp_of(session, user.id)
    if factor is None or factor.confirmed_at is not None:
        raise Conflict(N_("Start again: open the page to set up an authenticator app."))
    moment = now or utcnow()
    step = totp.matching_step(factor.secret, code, now=moment, last_used_step=None)
    if step is None:
        raise ValidationFailed(
            fields={"code": N_("Enter the 6-digit code your app shows now for Haven.")}
        )
    factor.confirmed_at = moment
    factor.last_used_step = step
    session.flush()
    _record(session, actor, AuditAction.SECOND_FACTOR_ENROLLED, user, TOTP)
    return factor


def provision_totp(session: Session, actor: Actor, user: User, *, secret: str) -> TotpFactor:
    """The operator sets a known secret (demo data, a device prepared in advance)."""
    if not actor.is_system:
        raise PermissionDenied
    if credentials.totp_of(session, user.id) is not None:
        raise Conflict(N_("This user already has an authenticator app."))
    factor = TotpFactor(user_id=user.id, secret=secret, confirmed_at=utcnow())
    session.add(factor)
    session.flush()
    _record(session, actor, AuditAction.SECOND_FACTOR_ENROLLED, user, TOTP)
    return factor


def verify_totp(session: Session, user: User, code: str, *, now: datetime | None = None) -> bool:
    """Whether the code is valid and new; the step is claimed atomically (no replay, no race)."""
    factor = credentials.totp_of(session, user.id)
    if factor is None or factor.confirmed_at is None:
        return False
    step = totp.matching_step(
        factor.secret, code, now=now or utcnow(), last_used_step=factor.last_used_step
    )
    if step is None:
        return False
    return credentials.claim_totp_step(session, factor, step)


# --- WebAuthn --------------------------------------------------------------------------------


def webauthn_registration_options(
    session: Session, actor: Actor, user: User, *, rp: wa.RelyingParty
) -> tuple[str, str]:
    _self_only(actor, user)
    existing = [k.credential_id for k in factors_of(session, user.id).keys]
    return wa.registration_options(
        rp,
        user_handle=user.id.bytes,
        username=user.username,
        display_name=user.display_name,
        existing=existing,
    )


def register_webauthn(
    session: Session,
    actor: Actor,
    user: User,
    *,
    rp: wa.RelyingParty,
    response: str,
    challenge: str | None,
    name: str,
) -> WebAuthnCredential:
    _self_only(actor, user)
    name = " ".join(name.split())[:100] or "Security key"
    if not challenge:
        raise ValidationFailed(
            fields={"webauthn": N_("The security key could not be registered. Try again.")}
        )
    new = wa.verify_registration(rp, response=response, challenge=challenge)
    if credentials.key_registered(session, new.credential_id):
        raise Conflict(fields={"webauthn": N_("This security key is already registered.")})
    credential = WebAuthnCredential(
        user_id=user.id,
        credential_id=new.credential_id,
        public_key=new.public_key,
        sign_count=new.sign_count,
        name=name,
    )
    session.add(credential)
    session.flush()
    _record(session, actor, AuditAction.SECOND_FACTOR_ENROLLED, user, WEBAUTHN, name=name)
    return credential


def webauthn_authentication_options(
    session: Session, user: User, *, rp: wa.RelyingParty
) -> tuple[str, str]:
    keys = factors_of(session, user.id).keys
    if not keys:
        raise SecondFactorFailed
    return wa.authentication_options(rp, credential_ids=[k.credential_id for k in keys])


def verify_webauthn(
    session: Session,
    user: User,
    *,
    rp: wa.RelyingParty,
    response: str,
    challenge: str | None,
    now: datetime | None = None,
) -> WebAuthnCredential:
    """The credential that signed the challenge, its sign count updated; or SecondFactorFailed."""
    credential_id = wa.credential_id_of(response)
    if not challenge or credential_id is None:
        raise SecondFactorFailed
    credential = credentials.key_of(session, user.id, credential_id)
    if credential is None:
        raise SecondFactorFailed
    credential.sign_count = wa.verify_authentication(
        rp,
        response=response,
        challenge=challenge,
        public_key=credential.public_key,
        sign_count=credential.sign_count,
    )
    credential.last_used_at = now or utcnow()
    session.flush()
    return credential


# --- removal ---------------------------------------------------------------------------------


def _check_not_last(
    session: Session,
    user: User,
    *,
    password: str | None,
    settings: Settings | None,
) -> None:
    """Before the last factor goes: a privileged role must keep one, and the password must
    be long enough to stand alone (15 characters; 8 suffice only with a second factor)."""
    if factors_of(session, user.id).count > 1:
        return
    if requires_second_factor(user.role):
        raise Conflict(
            N_("Your role needs a second factor: add another one before removing this one.")
        )
    if password is None or not passwords.verify_password(user.password_hash, password, settings):
        raise ValidationFailed(
            fields={"password": N_("Enter your current password to remove your last factor.")}
        )
    if len(password) < passwords.MIN_LENGTH:
        raise ValidationFailed(
            fields={
                "password": Text(
                    N_(
                        "Your password is shorter than {n} characters. Change it to a longer "
                        "one before removing your last second factor."
                    ),
                    {"n": passwords.MIN_LENGTH},
                )
            }
        )


def remove_totp(
    session: Session,
    actor: Actor,
    user: User,
    *,
    password: str | None = None,
    settings: Settings | None = None,
) -> None:
    _self_only(actor, user)
    factor = credentials.totp_of(session, user.id)
    if factor is None:
        raise NotFound
    if factor.confirmed_at is not None:
        _check_not_last(session, user, password=password, settings=settings)
    session.delete(factor)
    session.flush()
    _record(session, actor, AuditAction.SECOND_FACTOR_REMOVED, user, TOTP)


def remove_webauthn(
    session: Session,
    actor: Actor,
    user: User,
    credential_id: uuid.UUID,
    *,
    password: str | None = None,
    settings: Settings | None = None,
) -> None:
    _self_only(actor, user)
    credential = credentials.key_by_id(session, credential_id)
    if credential is None or credential.user_id != user.id:
        raise NotFound
    _check_not_last(session, user, password=password, settings=settings)
    name = credential.name
    session.delete(credential)
    session.flush()
    _record(session, actor, AuditAction.SECOND_FACTOR_REMOVED, user, WEBAUTHN, name=name)


def reset_factors(session: Session, actor: Actor, user: User) -> int:
    """An administrator removes all of a user's second factors (a lost phone or key).

    The user's sessions end at once; a privileged user must enrol again at their next login.
    """
    require(actor, Permission.USER_MANAGE, user)
    if actor.user_id == user.id:
        raise Conflict(N_("You cannot reset your own second factors. Ask another administrator."))
    removed = credentials.delete_factors_of(session, user.id)
    # Whoever held the lost phone or key may have logged in: no browser stays a known device.
    credentials.forget_devices_of(session, user.id)
    _record(session, actor, AuditAction.SECOND_FACTOR_REMOVED, user, "all", by="administrator")
    count = credentials.revoke_sessions_of(session, user.id, "factors_reset")
    if count:
        audit.record(
            session,
            actor,
            AuditAction.SESSION_REVOKED,
            subject_type="user",
            subject_id=user.id,
            organisation_id=user.organisation_id,
            changes={"sessions": {"before": count, "after": 0}, "reason": "factors_reset"},
        )
    return removed


# --- enrolment codes: a privileged user's first factor needs an administrator's code -------


def _code_hash(code: str) -> str:
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def issue_enrolment_code(
    session: Session, actor: Actor, user: User, *, now: datetime | None = None
) -> str:
    """A one-time code (shown once, hash stored) with which `user`, of a privileged role and
    without a second factor, may enrol their first one at their next login. An earlier unused
    code of theirs stops working. Administrators of the user's organisation (with fresh
    authentication, checked by the page) and the operator at the command line issue them."""
    require(actor, Permission.USER_MANAGE, user)
    if actor.user_id == user.id:
        raise Conflict(
            N_("You cannot issue an enrolment code to yourself. Ask another administrator.")
        )
    if not requires_second_factor(user.role):
        raise Conflict(
            N_(
                "This user's role does not need an enrolment code: they can set up a second "
                "factor themselves after logging in."
            )
        )
    if has_second_factor(session, user.id):
        raise Conflict(
            N_(
                "This user already has a second factor. If they lost it, reset their second "
                "factors first."
            )
        )
    moment = now or utcnow()
    credentials.withdraw_enrolment_codes(session, user.id, now=moment)
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
    code = EnrolmentCode(
        user_id=user.id,
        code_hash=_code_hash(raw),
        issued_by=actor.user_id,
        created_at=moment,
        expires_at=moment + ENROLMENT_CODE_LIFETIME,
    )
    session.add(code)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.ENROLMENT_CODE_ISSUED,
        subject_type="user",
        subject_id=user.id,
        organisation_id=user.organisation_id,
        changes={"expires_at": code.expires_at.isoformat()},
    )
    return "-".join(raw[i : i + 4] for i in range(0, _CODE_LENGTH, 4))


def usable_enrolment_code(
    session: Session, user: User, code: str | uuid.UUID | None, *, now: datetime | None = None
) -> EnrolmentCode | None:
    """The user's unused, unexpired enrolment code matching `code` (as typed, or by id)."""
    if not code:
        return None
    if isinstance(code, uuid.UUID):
        found = credentials.enrolment_code_by_id(session, code)
    else:
        found = credentials.enrolment_code_by_hash(session, _code_hash(code[:40]))
    moment = now or utcnow()
    if (
        found is None
        or found.user_id != user.id
        or found.used_at is not None
        or found.expires_at <= moment
    ):
        return None
    return found


def spend_enrolment_code(session: Session, code: EnrolmentCode) -> None:
    code.used_at = utcnow()
    session.flush()


def restart_totp_enrolment(session: Session, actor: Actor, user: User) -> None:
    """Forget an unconfirmed authenticator secret, so that the one shown next has never been
    shown to anyone before (a secret displayed before the code was given is never used)."""
    _self_only(actor, user)
    factor = credentials.totp_of(session, user.id)
    if factor is not None and factor.confirmed_at is None:
        session.delete(factor)
        session.flush()
