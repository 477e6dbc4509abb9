"""API tokens: issued to a user, shown once, stored as a hash, revocable at any time."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from haven.accounts import repository
from haven.accounts.models import User
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.types import utcnow
from haven.errors import NotFound, ValidationFailed
from haven.i18n import N_
from haven.security import repository as credentials
from haven.security.errors import InvalidToken, TokenExpired, TokenRevoked
from haven.security.models import ApiToken
from haven.security.permissions import Actor, Permission, require
from haven.security.random_tokens import new_token, token_hash

TOKEN_PREFIX = "hvn_"  # noqa: S105 - a public marker, not a secret


def issue(
    session: Session,
    actor: Actor,
    *,
    user: User,
    name: str,
    expires_at: datetime | None = None,
) -> tuple[str, ApiToken]:
    """Issue a token to `user` (oneself, or anyone in scope for the command line)."""
    if not actor.is_system and actor.user_id != user.id:
        raise NotFound
    require(actor, Permission.API_TOKEN_OWN)
    name = " ".join(name.split())
    if not name or len(name) > 100:
        raise ValidationFailed(fields={"name": N_("Give the token a name of 1 to 100 characters.")})
    plaintext = new_token(TOKEN_PREFIX)
    token = ApiToken(
        user_id=user.id,
        name=name,
        prefix=plaintext[: len(TOKEN_PREFIX) + 6],
        token_hash=token_hash(plaintext),
        expires_at=expires_at,
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.API_TOKEN_CREATED,
        subject_type="api_token",
        subject_id=token.id,
        organisation_id=user.organisation_id,
        changes={"name": {"before": None, "after": name}},
    )
    return plaintext, token


def resolve(session: Session, plaintext: str) -> tuple[ApiToken, User]:
    """The token and its user, or the 401 error that says why not."""
    token = credentials.token_by_hash(session, token_hash(plaintext))
    if token is None:
        raise InvalidToken
    if token.revoked_at is not None:
        raise TokenRevoked
    now = utcnow()
    if token.expires_at is not None and now >= token.expires_at:
        raise TokenExpired
    user = repository.user_by_id(session, token.user_id)
    if user is None or not user.is_active:
        raise InvalidToken
    token.last_used_at = now
    return token, user


def list_own(session: Session, actor: Actor) -> Sequence[ApiToken]:
    require(actor, Permission.API_TOKEN_OWN)
    if actor.user_id is None:
        return []
    return credentials.tokens_of(session, actor.user_id)


def revoke(session: Session, actor: Actor, token_id: uuid.UUID) -> ApiToken:
    token = credentials.token_by_id(session, token_id)
    if token is None or (not actor.is_system and token.user_id != actor.user_id):
        raise NotFound
    require(actor, Permission.API_TOKEN_OWN)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(
            session,
            actor,
            AuditAction.API_TOKEN_REVOKED,
            subject_type="api_token",
            subject_id=token.id,
            organisation_id=actor.organisation_id,
        )
    return token
