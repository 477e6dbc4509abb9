"""Making nodes: headquarters and field nodes, enrolment with a one-time code, revocation.

A field node is enrolled with a one-time code from headquarters (`haven node enrol-code`),
valid for 24 hours. The code ends with the first characters of headquarters' signing key's
fingerprint, so the laptop can tell it reached the headquarters that issued it. Enrolment
gives the node its id, its site, headquarters' public keys, and a first bundle with the
reference data, the site's accounts and its crossing desk's agreements.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.session import keyring_of
from haven.db.types import new_id, utcnow
from haven.errors import NotFound, ValidationFailed
from haven.i18n import N_
from haven.security.permissions import Actor
from haven.sync import crypto, repository
from haven.sync.down import apply_down, make_down_for
from haven.sync.errors import BadEnrolmentCode, NodeRevoked, SyncRefused, WrongHeadquarters
from haven.sync.models import Identity, Node, NodeState, Role
from haven.sync.watch import watch_digests

CODE_HOURS = 24
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def identity_of(session: Session) -> Identity | None:
    return repository.identity(session)


def init_node(session: Session, *, role: Role, name: str) -> Identity:
    """Make this database a node (once)."""
    if identity_of(session) is not None:
        raise SyncRefused(N_("This database is already a node."), code="already_a_node")
    keyring = keyring_of(session)
    sealing, signing = crypto.new_sealing_pair(), crypto.new_signing_pair()
    identity = Identity(
        node_id=new_id(),
        role=role.value,
        name=name,
        sealing_private=crypto.wrap(keyring, "sealing", sealing.private),
        sealing_public=sealing.public,
        signing_private=crypto.wrap(keyring, "signing", signing.private),
        signing_public=signing.public,
        watch_key=crypto.new_secret() if role is Role.HEADQUARTERS else None,
    )
    session.add(identity)
    session.flush()
    return identity


def fingerprint(public: bytes) -> str:
    digest = hashlib.sha256(public).digest()
    return "".join(_ALPHABET[b % 32] for b in digest[:6])


def issue_code(
    session: Session, actor: Actor, *, site_id: uuid.UUID, organisation_id: uuid.UUID, name: str
) -> tuple[Node, str]:
    """Headquarters: a field node for the site, waiting for its laptop, and its code."""
    me = _headquarters(session)
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed(fields={"name": N_("Give the laptop a name.")})
    secret = "".join(secrets.choice(_ALPHABET) for _ in range(20))
    code = (
        "-".join(secret[i : i + 5] for i in range(0, 20, 5)) + "-" + fingerprint(me.signing_public)
    )
    node = Node(
        id=new_id(),
        name=name,
        organisation_id=organisation_id,
        site_id=site_id,
        state=NodeState.ENROLLING.value,
        code_hash=crypto.code_hash(_secret_of(code)),
        code_expires_at=utcnow() + timedelta(hours=CODE_HOURS),
        created_by_id=actor.user_id,
    )
    session.add(node)
    session.flush()
    return node, code


def _secret_of(code: str) -> str:
    cleaned = code.strip().upper().replace(" ", "")
    return "".join(cleaned.split("-")[:4])


def _headquarters(session: Session) -> Identity:
    me = identity_of(session)
    if me is None or me.role != Role.HEADQUARTERS:
        raise SyncRefused(N_("This database is not headquarters."), code="not_headquarters")
    return me


def enrolment_request(session: Session) -> dict[str, Any]:
    """Field node: what it sends with the code (its public keys)."""
    me = identity_of(session)
    if me is None or me.role != Role.FIELD:
        raise SyncRefused(N_("This database is not a field node."), code="not_a_field_node")
    return {
        "name": me.name,
        "sealing": base64.b64encode(me.sealing_public).decode(),
        "signing": base64.b64encode(me.signing_public).decode(),
    }


def enrol(session: Session, *, code: str, request: dict[str, Any]) -> dict[str, Any]:
    """Headquarters: take a laptop's enrolment with the code; the answer for the laptop."""
    me = _headquarters(session)
    node = repository.node_by_code_hash(session, crypto.code_hash(_secret_of(code)))
    if node is None or node.code_expires_at is None or node.code_expires_at < utcnow():
        raise BadEnrolmentCode
    if node.node_state is NodeState.REVOKED:
        raise NodeRevoked
    try:
        sealing = base64.b64decode(request["sealing"], validate=True)
        signing = base64.b64decode(request["signing"], validate=True)
    except (KeyError, TypeError, ValueError):
        raise SyncRefused(N_("The enrolment request is damaged."), code="bad_request") from None
    if len(sealing) != 32 or len(signing) != 32:
        raise SyncRefused(N_("The enrolment request is damaged."), code="bad_request")
    if node.node_state is NodeState.ACTIVE:
        # The same laptop asking again (its answer was lost on the way): the same answer. The
        # code stays good for these keys only, until it expires or the laptop is first heard
        # from (`receive.first_contact`).
        if (node.sealing_public, node.signing_public) != (sealing, signing):
            raise BadEnrolmentCode
    else:
        node.sealing_public, node.signing_public = sealing, signing
        node.state = NodeState.ACTIVE.value
        node.enrolled_at = utcnow()
    node.last_contact_at = utcnow()
    audit.record(
        session,
        Actor.system(f"field node {node.name}"),
        AuditAction.SYNC_NODE_ENROLLED,
        subject_type="sync_node",
        subject_id=node.id,
        organisation_id=node.organisation_id,
    )
    session.flush()
    identity = {
        "node": str(node.id),
        "hq": str(me.node_id),
        "hq_sealing": base64.b64encode(me.sealing_public).decode(),
        "hq_signing": base64.b64encode(me.signing_public).decode(),
        "site": str(node.site_id),
        "organisation": str(node.organisation_id),
        "watch_key": base64.b64encode(me.watch_key or b"").decode(),
    }
    bundle = make_down_for(session, me, node, snapshot=True, watch=watch_digests(session, me, node))
    node.down_acked_seq = me.last_seq
    return {**identity, "bundle": base64.b64encode(bundle).decode()}


def complete_enrolment(session: Session, *, code: str, answer: dict[str, Any]) -> Identity:
    """Field node: keep headquarters' keys and apply the first bundle."""
    me = identity_of(session)
    if me is None or me.role != Role.FIELD:
        raise SyncRefused(N_("This database is not a field node."), code="not_a_field_node")
    if me.hq_signing_public is not None:
        raise SyncRefused(N_("This laptop is already enrolled."), code="already_enrolled")
    hq_signing = base64.b64decode(answer["hq_signing"])
    if not code.strip().upper().endswith("-" + fingerprint(hq_signing)):
        raise WrongHeadquarters
    session.execute(
        Identity.__table__.update().values(node_id=uuid.UUID(answer["node"]))  # type: ignore[attr-defined]
    )
    session.expire(me)
    me = identity_of(session)
    if me is None:  # pragma: no cover - the row was there a statement ago
        raise SyncRefused(code="not_a_field_node")
    me.hq_node_id = uuid.UUID(answer["hq"])
    me.hq_sealing_public = base64.b64decode(answer["hq_sealing"])
    me.hq_signing_public = hq_signing
    me.watch_key = base64.b64decode(answer["watch_key"]) or None
    session.flush()
    # The first bundle brings the organisation and the site before the node names them.
    apply_down(session, base64.b64decode(answer["bundle"]))
    me.site_id = uuid.UUID(answer["site"])
    me.organisation_id = uuid.UUID(answer["organisation"])
    session.flush()
    return me


def revoke(session: Session, actor: Actor, node_id: uuid.UUID) -> Node:
    """Headquarters: a lost or seized laptop. Its bundles are refused from now on, its code
    (if not used) no longer enrols, and every other node learns of it with its next bundle."""
    _headquarters(session)
    node = session.get(Node, node_id)
    if node is None:
        raise NotFound
    if node.node_state is not NodeState.REVOKED:
        node.state = NodeState.REVOKED.value
        node.revoked_at = utcnow()
        node.revoked_by_id = actor.user_id
        node.code_hash = None
    session.flush()
    return node
