"""Field sensitivity classes, declared once on each column (`info={"sensitivity": …}`).

The classification drives, from one declaration:
- encryption: every CONFIDENTIAL and HIGHLY_CONFIDENTIAL column is stored as AES-256-GCM
  ciphertext under the person's data key, on SQLite and PostgreSQL alike;
- masking: a role reads a field only up to its clearance (`ROLE_CLEARANCE`), plus the few
  fields its work needs (`ROLE_EXTRA_FIELDS`); other fields read as empty;
- audit: values of CONFIDENTIAL fields and above are never copied into the trail;
- erasure: PERSONAL fields are blanked, confidential ones crypto-shredded.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session

from haven.security.fields import bind_reader
from haven.security.permissions import Actor, Permission, Role


class Sensitivity(StrEnum):
    PERSONAL = "personal"
    CONFIDENTIAL = "confidential"
    HIGHLY_CONFIDENTIAL = "highly_confidential"


def sensitive(level: Sensitivity, *, permission: Permission | None = None) -> dict[str, Any]:
    """Column `info` marking a field's sensitivity class, and the permission its reader needs
    whatever their clearance (vetting's allegations and hits: VETTING_READ)."""
    info: dict[str, Any] = {"sensitivity": level}
    if permission is not None:
        info["permission"] = permission
    return info


def classified_columns(table: Table) -> dict[str, Sensitivity]:
    return {
        column.name: column.info["sensitivity"]
        for column in table.columns
        if "sensitivity" in column.info
    }


def sensitive_names(table: Table, at_least: Sensitivity = Sensitivity.CONFIDENTIAL) -> set[str]:
    order = list(Sensitivity)
    return {
        name
        for name, level in classified_columns(table).items()
        if order.index(level) >= order.index(at_least)
    }


def _rank(level: Sensitivity | str) -> int:
    return list(Sensitivity).index(Sensitivity(level))


# The most sensitive class each role may read, for persons in its scope. Registrars and POW
# officers hold the confidential profile of the persons they handle; only case workers, who
# trace and protect families, see where relatives are. Everyone else sees names only.
ROLE_CLEARANCE: dict[Role, Sensitivity] = {
    Role.REGISTRAR: Sensitivity.CONFIDENTIAL,
    Role.CASE_WORKER: Sensitivity.HIGHLY_CONFIDENTIAL,
    Role.POW_OFFICER: Sensitivity.CONFIDENTIAL,
    Role.VETTING_OFFICER: Sensitivity.PERSONAL,
    Role.FINANCE_OFFICER: Sensitivity.PERSONAL,
    Role.NEGOTIATOR: Sensitivity.PERSONAL,
    Role.MANAGER: Sensitivity.PERSONAL,
    Role.AUDITOR: Sensitivity.PERSONAL,
    Role.ADMINISTRATOR: Sensitivity.PERSONAL,
}

# Fields above a role's clearance that its work needs: screening matches NRC and service number.
ROLE_EXTRA_FIELDS: dict[Role, frozenset[str]] = {
    Role.VETTING_OFFICER: frozenset({"nrc", "service_number"}),
    # The signed receipt of an allowance payment (haven.allowances), which finance checks.
    Role.FINANCE_OFFICER: frozenset({"receipt_photo"}),
}


def clearance(actor: Actor) -> Sensitivity:
    if actor.is_system:
        return Sensitivity.HIGHLY_CONFIDENTIAL
    if actor.role is None:
        return Sensitivity.PERSONAL
    return ROLE_CLEARANCE.get(actor.role, Sensitivity.PERSONAL)


def may_read(actor: Actor, level: Sensitivity | str, field: str) -> bool:
    """Whether the actor may read a field of that class (for a record in their scope)."""
    if _rank(level) <= _rank(clearance(actor)):
        return True
    return actor.role is not None and field in ROLE_EXTRA_FIELDS.get(actor.role, frozenset())


def reader_for(actor: Actor) -> Callable[[str, str, str | None], bool]:
    """The actor's field policy: a field that names a permission is read by those who hold it;
    any other by clearance (and the few extra fields of the role's work)."""

    def reader(level: str, field: str, permission: str | None) -> bool:
        if permission is not None:
            return actor.can(Permission(permission))
        return may_read(actor, level, field)

    return reader


ACTOR_ID = "haven.actor_id"


def bind_actor(session: Session, actor: Actor) -> None:
    """Bind the actor's reader to the session. Called only where the actor is resolved (the
    request's actor dependency, the command line's transaction, a test's acting user).
    The actor's user id is kept too, for the change log of synchronisation (`haven.sync`)."""
    bind_reader(session, reader_for(actor))
    session.info[ACTOR_ID] = actor.user_id


def revealed_classes(actor: Actor, fields: dict[str, Sensitivity]) -> list[str]:
    """The classes above PERSONAL of which the actor sees at least one of `fields`."""
    return sorted(
        {
            str(level)
            for name, level in fields.items()
            if level is not Sensitivity.PERSONAL and may_read(actor, level, name)
        }
    )
