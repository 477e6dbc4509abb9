"""API tokens: issued to a user, shown once, stored as a hash, revocable, always expiring.

Scopes bound what a token may do within its user's role (the role still decides everything
else). The set is small on purpose:

- `read`: safe methods (GET, HEAD), and the few POST operations that only read: searches
  whose terms travel in the body so that they never reach a URL or a log (`READ_ONLY_POSTS`);
- `write`: everything the role allows (it includes `read`).

A token expires `DEFAULT_DAYS` after it is issued unless another lifetime (1 to `MAX_DAYS`
days) is chosen. A token is never fresh authentication: what needs a person who has just
confirmed who they are (`haven.security.fresh.require_fresh`) refuses it with 403.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import timedelta

from sqlalchemy.orm import Session

from haven.accounts import repository
from haven.accounts.models import User
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.types import utcnow
from haven.errors import NotFound, ValidationFailed
from haven.i18n import N_, Text
from haven.security import fresh
from haven.security import repository as credentials
from haven.security.errors import InvalidToken, TokenExpired, TokenRevoked, TokenScopeRefused
from haven.security.models import ApiToken
from haven.security.permissions import Actor, Permission, require
from haven.security.random_tokens import new_token, token_hash

TOKEN_PREFIX = "hvn_"  # noqa: S105 - a public marker, not a secret
READ = "read"
WRITE = "write"
SCOPES = (READ, WRITE)
DEFAULT_DAYS = 90
MAX_DAYS = 365
SAFE_METHODS = frozenset({"GET", "HEAD"})
# POST operations that only read (their search terms travel in the body, never in a URL).
READ_ONLY_POSTS = frozenset(
    {
        "/api/people/search",
        "/api/people/possible-duplicates",
        "/api/crossing/{agreement_id}/search",
    }
)


def normalise_scopes(scopes: Iterable[str]) -> tuple[str, ...]:
    """The scopes as stored (`write` includes `read`), or ValidationFailed."""
    chosen = {s.strip().lower() for s in scopes if s.strip()}
    if not chosen or not chosen <= set(SCOPES):
        raise ValidationFailed(
            fields={"scopes": N_("Choose what the token may do: read, or read and write.")}
        )
    return (READ, WRITE) if WRITE in chosen else (READ,)


def issue(
    session: Session,
    actor: Actor,
    *,
    user: User,
    name: str,
    scopes: Iterable[str] = SCOPES,
    days: int = DEFAULT_DAYS,
) -> tuple[str, ApiToken]:
    """Issue a token to `user` (oneself, or anyone in scope for the command line), valid for
    `days` days (1 to MAX_DAYS) with the given scopes. Pages and the command line offer `read`
    unless write is asked for."""
    if not actor.is_system and actor.user_id != user.id:
        raise NotFound
    require(actor, Permission.API_TOKEN_OWN)
    name = " ".join(name.split())
    if not name or len(name) > 100:
        raise ValidationFailed(fields={"name": N_("Give the token a name of 1 to 100 characters.")})
    if not 1 <= days <= MAX_DAYS:
        raise ValidationFailed(
            fields={
                "days": Text(
                    N_("A token is valid for 1 to {max} days."),
                    {"max": MAX_DAYS},
                )
            }
        )
    granted = normalise_scopes(scopes)
    plaintext = new_token(TOKEN_PREFIX)
    now = utcnow()
    token = ApiToken(
        user_id=user.id,
        name=name,
        prefix=plaintext[: len(TOKEN_PREFIX) + 6],
        token_hash=token_hash(plaintext),
        scopes=" ".join(granted),
        created_at=now,
        expires_at=now + timedelta(days=days),
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
        changes={
            "name": {"before": None, "after": name},
            "scopes": " ".join(granted),
            "expires_at": token.expires_at.isoformat(),
        },
    )
    return plaintext, token


def scopes_of(token: ApiToken) -> frozenset[str]:
    return frozenset(token.scopes.split())


def authorize(token: ApiToken, *, method: str, route_path: str | None) -> None:
    """Raise TokenScopeRefused (403) unless the token's scopes cover this request."""
    if WRITE in scopes_of(token):
        return
    if method.upper() in SAFE_METHODS or (
        method.upper() == "POST" and route_path in READ_ONLY_POSTS
    ):
        return
    raise TokenScopeRefused


_TOUCH_EVERY = timedelta(minutes=1)


def resolve(session: Session, plaintext: str) -> tuple[ApiToken, User]:
    """The token and its user, or the 401 error that says why not. The request is marked as
    made with a token, so that actions needing fresh authentication refuse it."""
    token = credentials.token_by_hash(session, token_hash(plaintext))
    if token is None:
        raise InvalidToken
    if token.revoked_at is not None:
        raise TokenRevoked
    now = utcnow()
    if now >= token.expires_at:
        raise TokenExpired
    user = repository.user_by_id(session, token.user_id)
    if user is None or not user.is_active:
        raise InvalidToken
    if token.last_used_at is None or now - token.last_used_at >= _TOUCH_EVERY:
        # Once a minute at most: a write makes the request a writer (haven.db.engine).
        token.last_used_at = now
    fresh.remember_token(session, token)
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
