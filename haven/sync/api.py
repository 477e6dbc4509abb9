"""Headquarters' synchronisation endpoints, for field nodes with a link (`haven sync`).

No user session and no bearer token: an up bundle and a down request are signed by the
node's own key, which headquarters took at enrolment; an enrolment carries its one-time code.
Each request owns one transaction (IMMEDIATE on SQLite: applying a bundle reads a node's
position and then writes past it, which must not interleave with another request's).

- `POST /api/sync/enrol`: JSON {"code", "request"} → the enrolment answer (`nodes.enrol`).
- `POST /api/sync/up`: an up bundle (application/octet-stream) → its receipt as JSON.
- `POST /api/sync/down`: a signed request {"at": ISO time} → the node's down bundle. A
  request older (or newer) than ten minutes is refused, so a recorded one is of no use later;
  what it answers is sealed to the node anyway.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from haven.db.session import transaction
from haven.db.types import utcnow
from haven.errors import HavenError
from haven.i18n import N_
from haven.kernel.sensitivity import bind_actor
from haven.security.permissions import Actor
from haven.sync import bundles, down, nodes, receive
from haven.sync.errors import SyncRefused

# Not in the published API (its OpenAPI schema is the contract of user tokens): these are
# Haven speaking to Haven, authenticated by node keys, not by a user's bearer token.
router = APIRouter(prefix="/api/sync", tags=["sync"], include_in_schema=False)

# Larger than the app's general limit (haven.web.middleware lets /api/sync/ through up to
# this): a node that was offline for weeks sends its whole backlog, up to 20,000 changes.
MAX_BUNDLE_BYTES = 50 * 1024 * 1024
REQUEST_AGE = timedelta(minutes=10)
BUNDLE_TYPE = "application/octet-stream"


class BundleTooLarge(HavenError):
    code = "too_large"
    status = 413
    default_message = N_("The bundle is too large (at most 50 MB): send it by file instead.")


class RequestRefused(SyncRefused):
    """A down request not signed by the node it names, damaged, or too old."""

    code = "request_refused"
    status = 403
    default_message = N_(
        "Headquarters refused the request: it is not signed by this node, or it is too old "
        "(check the laptop's clock)."
    )


def _db(request: Request) -> Iterator[Session]:
    with transaction(request.app.state.session_factory) as session:
        # Applying and making bundles reads every field (unmasked); no user is acting.
        bind_actor(session, Actor.system("synchronisation"))
        yield session


async def _body(request: Request) -> bytes:
    """The request's body, refused past MAX_BUNDLE_BYTES while it is read."""
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > MAX_BUNDLE_BYTES:
        raise BundleTooLarge
    received = bytearray()
    async for chunk in request.stream():
        received.extend(chunk)
        if len(received) > MAX_BUNDLE_BYTES:
            raise BundleTooLarge
    return bytes(received)


SyncDB = Annotated[Session, Depends(_db, scope="function")]
Body = Annotated[bytes, Depends(_body)]


class EnrolIn(BaseModel):
    code: str
    request: dict[str, Any]


@router.post("/enrol")
def enrol(session: SyncDB, body: EnrolIn) -> dict[str, Any]:
    """A laptop enrols with its one-time code: its site, headquarters' keys, a first bundle."""
    return nodes.enrol(session, code=body.code, request=body.request)


@router.post("/up")
def up(session: SyncDB, body: Body) -> dict[str, Any]:
    """Apply a field node's up bundle (exactly once, in order); what it did."""
    return receive.receive(session, body).as_json()


@router.post("/down")
def down_bundle(session: SyncDB, body: Body) -> Response:
    """The asking node's down bundle: what changed at headquarters for its site."""
    me = receive.headquarters(session)
    try:
        node_id = bundles.request_sender(body)
    except bundles.BundleRefused:
        raise RequestRefused from None
    node = receive.known_node(session, node_id)
    try:
        asked = bundles.read_request(body, node.signing_public or b"")
        at = datetime.fromisoformat(str(asked["at"]))
    except (bundles.BundleRefused, KeyError, TypeError, ValueError):
        raise RequestRefused from None
    if at.tzinfo is None or abs(utcnow() - at) > REQUEST_AGE:
        raise RequestRefused
    node.last_contact_at = utcnow()
    receive.first_contact(node)
    return Response(down.make_down_for(session, me, node), media_type=BUNDLE_TYPE)
