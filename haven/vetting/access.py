"""Who reads vetting data: vetting officers see allegations and hits; nobody else does.

Every vetting entry point sets the session's field reader with `as_vetting_reader`: the
vetting fields (allegations, names, evidence, hits, statements, reasons) read as empty to an
actor without VETTING_READ, and person fields keep the people domain's masking.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from haven.kernel.sensitivity import reader_for
from haven.security.fields import encrypted_fields, set_reader
from haven.security.permissions import Actor, Permission
from haven.vetting import models

VETTING_FIELDS = frozenset(
    name for model in models.ENCRYPTED_MODELS for name in encrypted_fields(model)
)


def as_vetting_reader(session: Session, actor: Actor) -> None:
    if actor.is_system:
        set_reader(session, None)
        return
    people = reader_for(actor)
    allowed = actor.can(Permission.VETTING_READ)

    def reader(level: str, field: str) -> bool:
        if field in VETTING_FIELDS:
            return allowed
        return people(level, field)

    set_reader(session, reader)
