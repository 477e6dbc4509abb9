"""JSON endpoints for organisations, sites, users and one's own API tokens."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, field_validator

from haven.accounts import service, tokens
from haven.accounts.schemas import OrganisationOut, SiteOut, UserCreate, UserOut, UserUpdate
from haven.errors import NotFound
from haven.web.deps import DB, ApiActor, SettingsDep

router = APIRouter(prefix="/api", tags=["accounts"])


class ApiTokenOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @field_validator("scopes", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        return value.split() if isinstance(value, str) else value


@router.get("/me")
def me(session: DB, actor: ApiActor) -> UserOut:
    """The user the token belongs to."""
    return UserOut.model_validate(service.get_self(session, actor))


@router.get("/organisations")
def list_organisations(session: DB, actor: ApiActor) -> list[OrganisationOut]:
    """The organisations the caller belongs to."""
    return [OrganisationOut.model_validate(o) for o in service.list_organisations(session, actor)]


@router.get("/sites")
def list_sites(session: DB, actor: ApiActor) -> list[SiteOut]:
    """Sites (reception points) of the caller's organisation."""
    return [SiteOut.model_validate(s) for s in service.list_sites(session, actor)]


@router.get("/users")
def list_users(session: DB, actor: ApiActor) -> list[UserOut]:
    """Users of the caller's organisation (administrators and auditors)."""
    return [UserOut.model_validate(u) for u in service.list_users(session, actor)]


@router.get("/users/{user_id}")
def get_user(user_id: uuid.UUID, session: DB, actor: ApiActor) -> UserOut:
    """One user; 404 for a user of another organisation."""
    return UserOut.model_validate(service.get_user(session, actor, user_id))


@router.post("/users", status_code=201)
def create_user(data: UserCreate, session: DB, actor: ApiActor, settings: SettingsDep) -> UserOut:
    """Create a user in the caller's organisation (administrators)."""
    if actor.organisation_id is None:
        raise NotFound
    user = service.create_user(
        session, actor, data, organisation_id=actor.organisation_id, settings=settings
    )
    return UserOut.model_validate(user)


@router.patch("/users/{user_id}")
def update_user(user_id: uuid.UUID, data: UserUpdate, session: DB, actor: ApiActor) -> UserOut:
    """Change a user's name, role, site or active state; role changes end their sessions."""
    return UserOut.model_validate(service.update_user(session, actor, user_id, data))


@router.get("/tokens")
def list_tokens(session: DB, actor: ApiActor) -> list[ApiTokenOut]:
    """The caller's own API tokens (never the secret itself)."""
    return [ApiTokenOut.model_validate(t) for t in tokens.list_own(session, actor)]


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: uuid.UUID, session: DB, actor: ApiActor) -> Response:
    """Revoke one of the caller's tokens; it stops working at once."""
    tokens.revoke(session, actor, token_id)
    return Response(status_code=204)
