"""Input and output shapes for organisations, sites and users."""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from haven.i18n import LANGUAGES, N_
from haven.security.permissions import Role

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")


def _clean(value: str) -> str:
    return " ".join(value.split())


class OrganisationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    kind: str


class SiteOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    organisation_id: uuid.UUID
    name: str
    township: str | None


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    organisation_id: uuid.UUID
    site_id: uuid.UUID | None
    username: str
    display_name: str
    role: Role
    language: str
    is_active: bool
    last_login_at: datetime | None


class UserCreate(BaseModel):
    """A new user. The password is checked by the service against Haven's password rules."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    username: str = Field(min_length=3, max_length=64)
    display_name: str = Field(min_length=1, max_length=200)
    role: Role
    site_id: uuid.UUID | None = None
    language: str = "en"
    password: str = Field(repr=False)

    @field_validator("username")
    @classmethod
    def _username(cls, value: str) -> str:
        value = value.lower()
        if not USERNAME_PATTERN.match(value):
            raise ValueError(
                N_("Use 3 to 64 lowercase letters, digits, dots, dashes or underscores.")
            )
        return value

    @field_validator("display_name")
    @classmethod
    def _display_name(cls, value: str) -> str:
        return _clean(value)

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(N_("Choose one of the options."))
        return value

    @field_validator("site_id", mode="before")
    @classmethod
    def _empty_site(cls, value: object) -> object:
        return None if value == "" else value


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    display_name: str | None = Field(default=None, min_length=1, max_length=200)
    role: Role | None = None
    site_id: uuid.UUID | None = None
    is_active: bool | None = None
