"""The signed revocation list a field node keeps (docs/cards.md): its database holds no cards,
so the list from headquarters is kept in the key directory and every check there reads it.

The file is checked against the keys trusted here when it is kept and again when it is read:
an altered or foreign list is refused, never half-trusted.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.cards import payload, signing
from haven.errors import PermissionDenied
from haven.security.permissions import Actor

FILE_NAME = "card-revocations.json"


def path_in(key_dir: Path) -> Path:
    return key_dir / FILE_NAME


def keep(session: Session, actor: Actor, key_dir: Path, content: bytes) -> int:
    """Keep a signed list from headquarters (the operator, at the command line); the number
    of cards it revokes. Unreadable when it is not a list signed by a key trusted here."""
    if not actor.is_system:
        raise PermissionDenied
    revoked = payload.read_revocations(content, signing.public_keys(session))
    key_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = path_in(key_dir)
    partial = target.with_suffix(".part")
    partial.write_bytes(content)
    os.replace(partial, target)
    audit.record(
        session,
        actor,
        AuditAction.CARD_REVOCATIONS_KEPT,
        subject_type="card",
        subject_id=None,
        organisation_id=None,
        changes={"cards": len(revoked)},
    )
    return len(revoked)


def known(session: Session, key_dir: Path) -> dict[str, str]:
    """Card number -> reason from the list kept here ({} when none, or when it no longer
    verifies: a retired key's list is not trusted)."""
    try:
        content = path_in(key_dir).read_bytes()
    except OSError:
        return {}
    try:
        return payload.read_revocations(content, signing.public_keys(session))
    except payload.Unreadable:
        return {}
