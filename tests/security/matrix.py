"""The pieces of the authorisation matrix that each domain's table of operations uses.

A domain lists its API operations in `tests/security/matrix_<domain>.py` as `OPERATIONS` and
creates the records they act on in `seed(ctx, side)`, storing ids in `side.ids` under names
its operation paths use (`{agreement_id}`…). `test_authorization_matrix.py` collects them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from haven.accounts.models import Organisation, Site, User
from haven.config import Settings
from haven.kernel.sensitivity import Sensitivity
from haven.security.permissions import Permission, Role


@dataclass
class Side:
    """Records of one organisation, created for the matrix."""

    ids: dict[str, uuid.UUID] = field(default_factory=dict)


@dataclass
class World:
    mine: Side
    other: Side
    tokens: dict[Role, str]
    token_ids: dict[Role, uuid.UUID]
    shared: dict[str, uuid.UUID]


@dataclass
class SideContext:
    """What a domain's `seed` gets: one organisation's users, site and received person."""

    db: Session
    settings: Settings
    organisation: Organisation
    site: Site
    users: dict[Role, User]
    person_id: uuid.UUID


@dataclass(frozen=True)
class Operation:
    """How to call one API operation and which permission it needs.

    `record` operations are called twice: on the caller's own organisation's record (allowed
    exactly when the role holds the permission) and on another organisation's (always denied);
    `elsewhere` ones a third time, on their own organisation's record at another site
    (denied to site-scoped roles such as the registrar).
    """

    method: str
    path: str
    permission: Permission | None
    record: bool = False
    json: Callable[[World], Any] | None = None
    # A body naming the record itself (a bulk operation): called with the side whose record
    # it is, so that the "other" call names the other organisation's record.
    body: Callable[[World, Side], Any] | None = None
    files: bool = False
    # Multipart files for domain operations: field name -> (filename, content, media type).
    upload: Callable[[World], dict[str, tuple[str, bytes, str]]] | None = None
    query: Callable[[World], dict[str, str]] | None = None
    clearance: Sensitivity | None = None  # also needs this field clearance (ROLE_CLEARANCE)
    # Also called on a record of the caller's own organisation at ANOTHER site (the domain's
    # seed stores its ids under `<name>_elsewhere`): allowed only to organisation-wide roles.
    elsewhere: bool = False
    # Needs fresh authentication (haven.security.fresh): an API token is refused for every role.
    fresh: bool = False
