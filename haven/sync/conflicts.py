"""The conflict queue at headquarters: one field of one record changed at a field node and at
headquarters from the same value to different ones (`haven.sync.receive`) waits here for a
person; headquarters' value stays until then (docs/field-sites.md, "Conflicts").

Who decides is who may write the record, within their scope: a person's records
(`PERSON_TABLES`) by those holding PERSON_WRITE (registrars, for the record's site), a
case's (`CASE_TABLES`) by those holding CASE_WRITE (case workers, organisation-wide). The
record's site is its person's site, or the node's when the record has no person. A conflict
out of someone's scope does not exist for them (404).

A decision writes the chosen value at headquarters through `haven.sync.values.write`, as
any change there: the change log captures it and the next down bundle carries it to the
node. Opening a conflict's values is a read of the record's data and is audited; the audit
events name the table, the record and the field, never a value.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_
from sqlalchemy.orm import Session

from haven.accounts import repository as accounts
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.session import keyring_of
from haven.db.types import utcnow
from haven.errors import Conflict as Clash
from haven.errors import NotFound, PermissionDenied, ValidationFailed
from haven.i18n import N_
from haven.kernel.events import publish
from haven.people.public import PersonChanged, set_names
from haven.security.fields import TEXT, may_read, unmasked
from haven.security.permissions import Actor, Permission, Scope
from haven.sync import repository
from haven.sync.models import Conflict, ConflictState, Node
from haven.sync.receive import open_values
from haven.sync.tables import model_of
from haven.sync.values import current, shape, write

PERSON_TABLES = frozenset(
    {
        "persons",
        "family_members",
        "person_photos",
        "reception_events",
        "weapon_items",
        "reception_corrections",
        "agreement_arrivals",
    }
)
CASE_TABLES = frozenset({"cases", "case_tasks", "case_notes", "pathway_choices"})
KEEP = ("headquarters", "field", "value")
# The person's fields their search keys are made from (`haven.people.service.set_names`).
NAME_FIELDS = frozenset({"name_latin", "name_my", "father_name"})

DECIDED = N_("This conflict was already decided.")


def _grants(actor: Actor) -> list[tuple[frozenset[str], uuid.UUID | None]]:
    """(tables, site or None for every site) the actor may decide conflicts of."""
    site_scoped = not actor.is_system and actor.scope is Scope.SITE
    if site_scoped and actor.site_id is None:
        return []
    site = actor.site_id if site_scoped else None
    grants = []
    if actor.can(Permission.PERSON_WRITE):
        grants.append((PERSON_TABLES, site))
    if actor.can(Permission.CASE_WRITE):
        grants.append((CASE_TABLES, site))
    return grants


def may_decide(actor: Actor) -> bool:
    """Whether the actor decides any kind of conflict (the queue's link and page)."""
    return bool(_grants(actor))


def visible(actor: Actor) -> ColumnElement[bool]:
    """The conflicts the actor may see and decide (deny by default)."""
    persons = model_of("persons")
    site = func.coalesce(persons.site_id, Node.site_id)
    parts: list[ColumnElement[bool]] = []
    for tables, site_id in _grants(actor):
        clause = Conflict.table_name.in_(sorted(tables))
        parts.append(clause if site_id is None else and_(clause, site == site_id))
    if not parts:
        return false()
    if actor.is_system:
        return or_(*parts)
    if actor.organisation_id is None:
        return false()
    return and_(or_(*parts), Node.organisation_id == actor.organisation_id)


def _require_queue(actor: Actor) -> None:
    if not may_decide(actor):
        raise PermissionDenied


@dataclass(frozen=True)
class Row:
    """A conflict in the queue: what and where, never a value."""

    id: uuid.UUID
    table: str
    field: str
    record_id: str
    node_name: str
    state: str
    created_at: datetime
    decision: str | None


def open_conflicts(
    session: Session,
    actor: Actor,
    *,
    state: str | None = ConflictState.OPEN.value,
    newest: bool = False,
    limit: int = 25,
    offset: int = 0,
) -> tuple[list[Row], int]:
    """The actor's queue (open conflicts by default; `state=None`: every one), a page of it
    and how many there are."""
    _require_queue(actor)
    where = visible(actor)
    if state is not None:
        where = and_(where, Conflict.state == state)
    rows, total = repository.conflicts_page(
        session, where, limit=limit, offset=offset, newest=newest
    )
    return [_row(conflict, node) for conflict, node in rows], total


def _row(conflict: Conflict, node: Node) -> Row:
    return Row(
        id=conflict.id,
        table=conflict.table_name,
        field=conflict.field,
        record_id=conflict.record_id,
        node_name=node.name,
        state=conflict.state,
        created_at=conflict.created_at,
        decision=conflict.decision,
    )


def _get(
    session: Session, actor: Actor, conflict_id: uuid.UUID, *, for_update: bool = False
) -> tuple[Conflict, Node]:
    _require_queue(actor)
    found = repository.conflict_where(session, conflict_id, visible(actor), for_update=for_update)
    if found is None:
        raise NotFound
    return found


@dataclass(frozen=True)
class Detail:
    """One conflict as its page shows it. `values` is None when the field is above the
    reader's clearance: they may still keep one side or the other without seeing it."""

    row: Row
    person_id: uuid.UUID | None
    values: dict[str, Any] | None
    field_by: str | None
    field_at: datetime | None
    headquarters_by: str | None
    headquarters_at: datetime | None
    decided_by: str | None
    decided_at: datetime | None
    typed: bool  # a value of this field can be typed in (text, number, yes/no)


def _level(table: str, name: str) -> tuple[str | None, str | None]:
    """(sensitivity, permission) of a synchronised field, or (None, None) if unclassified."""
    model = model_of(table)
    encrypted = shape(model).encrypted.get(name)
    if encrypted is not None:
        return encrypted.sensitivity, encrypted.permission
    column = model.__table__.columns.get(name)
    if column is None:
        return None, None
    level = column.info.get("sensitivity")
    permission = column.info.get("permission")
    return (None if level is None else str(level)), (
        None if permission is None else str(permission)
    )


def _readable(session: Session, table: str, name: str) -> bool:
    level, permission = _level(table, name)
    if level is None and permission is None:
        return True
    return may_read(session, level or "personal", name, permission)


def _kind(table: str, name: str) -> type | None:
    """The Python type a value typed for the field becomes (None: not typed by hand)."""
    the_shape = shape(model_of(table))
    if name in the_shape.encrypted:
        return str if the_shape.encrypted[name].codec is TEXT else None
    kind = the_shape.plain.get(name)
    if kind is None:
        return None
    try:
        python = kind.python_type
    except NotImplementedError:
        return None
    return python if python in (str, int, bool) else None


def conflict_detail(session: Session, actor: Actor, conflict_id: uuid.UUID) -> Detail:
    """A conflict with both values (opened from their ciphertext), who made each and when.
    The read is audited: which field of which record, and whether the values were shown."""
    conflict, node = _get(session, actor, conflict_id)
    readable = _readable(session, conflict.table_name, conflict.field)
    values = open_values(keyring_of(session), conflict) if readable else None
    audit.record(
        session,
        actor,
        AuditAction.SYNC_CONFLICT_VIEWED,
        subject_type="sync_conflict",
        subject_id=conflict.id,
        organisation_id=node.organisation_id,
        changes={
            "table": conflict.table_name,
            "record": conflict.record_id,
            "field": conflict.field,
            "revealed": readable,
        },
    )
    users = accounts.users_by_id(
        session, [conflict.node_actor_id, conflict.hq_actor_id, conflict.decided_by_id]
    )

    def name(user_id: uuid.UUID | None) -> str | None:
        user = users.get(user_id) if user_id is not None else None
        return None if user is None else user.display_name

    return Detail(
        row=_row(conflict, node),
        person_id=conflict.person_id,
        values=values,
        field_by=name(conflict.node_actor_id),
        field_at=conflict.node_changed_at,
        headquarters_by=name(conflict.hq_actor_id),
        headquarters_at=conflict.hq_changed_at,
        decided_by=name(conflict.decided_by_id),
        decided_at=conflict.decided_at,
        typed=_kind(conflict.table_name, conflict.field) is not None,
    )


def _typed(table: str, name: str, text: str | None) -> Any:
    """A value typed on the page as the field travels (its JSON form)."""
    kind = _kind(table, name)
    if kind is None:
        raise ValidationFailed(fields={"keep": N_("Keep one of the two values for this field.")})
    raw = (text or "").strip()
    if raw == "":
        return None
    if kind is int:
        try:
            return int(raw)
        except ValueError:
            raise ValidationFailed(fields={"value": N_("Enter a whole number.")}) from None
    if kind is bool:
        return raw.casefold() in ("true", "yes", "1")
    return raw


def decide(
    session: Session,
    actor: Actor,
    conflict_id: uuid.UUID,
    *,
    keep: str,
    value: str | None = None,
) -> Conflict:
    """Decide a conflict: keep headquarters' value, the field node's, or a value typed in.
    The value is written at headquarters (and so goes down to the node); 409 if already
    decided. Audited without the value."""
    if keep not in KEEP:
        raise ValidationFailed(fields={"keep": N_("Choose which value to keep.")})
    conflict, node = _get(session, actor, conflict_id, for_update=True)
    if conflict.state != ConflictState.OPEN:
        raise Clash(DECIDED)
    if keep == "value":
        if not _readable(session, conflict.table_name, conflict.field):
            raise ValidationFailed(
                fields={"keep": N_("Keep one of the two values for this field.")}
            )
        chosen = _typed(conflict.table_name, conflict.field, value)
    else:
        chosen = open_values(keyring_of(session), conflict)[keep]
    changed = _write(session, actor, conflict, chosen)
    conflict.state = ConflictState.DECIDED.value
    conflict.decision = keep
    conflict.decided_by_id = actor.user_id
    conflict.decided_at = utcnow()
    audit.record(
        session,
        actor,
        AuditAction.SYNC_CONFLICT_DECIDED,
        subject_type="sync_conflict",
        subject_id=conflict.id,
        organisation_id=node.organisation_id,
        changes={
            "table": conflict.table_name,
            "record": conflict.record_id,
            "field": conflict.field,
            "decision": keep,
            "changed": changed,
        },
    )
    session.flush()
    return conflict


def _write(session: Session, actor: Actor, conflict: Conflict, chosen: Any) -> bool:
    """Write the chosen value if it is not already the record's; whether it changed."""
    instance = session.get(model_of(conflict.table_name), uuid.UUID(conflict.record_id))
    if instance is None:
        return False  # erased or removed meanwhile: nothing left to decide on
    with unmasked(session):
        if current(session, instance, conflict.field) == chosen:
            return False
        write(instance, conflict.field, chosen)
        if conflict.table_name == "persons" and conflict.field in NAME_FIELDS:
            set_names(instance)
    session.flush()
    if conflict.table_name == "persons":
        publish(
            session, actor, PersonChanged(person_id=instance.id, fields=frozenset({conflict.field}))
        )
    return True


__all__ = [
    "CASE_TABLES",
    "PERSON_TABLES",
    "Detail",
    "Row",
    "conflict_detail",
    "decide",
    "may_decide",
    "open_conflicts",
    "visible",
]
