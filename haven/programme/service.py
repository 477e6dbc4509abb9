"""Reading and changing the legal framework of an organisation's programme.

Everyone of the organisation may read it (it decides what their pages and documents say);
only an administrator or a programme manager (`PROGRAMME_MANAGE`) changes it, and every change
is audited with the values before and after.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.errors import ValidationFailed
from haven.i18n import N_
from haven.kernel.clock import local_today
from haven.programme import repository
from haven.programme.framework import LegalFramework
from haven.programme.models import ProgrammeSettings
from haven.programme.schemas import Commitment, Conflict, LegalFrameworkIn
from haven.security.permissions import Actor, Permission, require

FIELDS = ("conflict", "commitment_kind", "commitment_date", "commitment_reference")


def framework_of(session: Session, organisation_id: uuid.UUID) -> LegalFramework:
    """The organisation's framework, unchecked (for services that checked the actor already);
    an organisation with nothing recorded reads as an international armed conflict."""
    row = repository.settings_of(session, organisation_id)
    if row is None:
        return LegalFramework(organisation_id=organisation_id)
    return LegalFramework(
        organisation_id=organisation_id,
        conflict=Conflict(row.conflict),
        commitment_kind=Commitment(row.commitment_kind) if row.commitment_kind else None,
        commitment_date=row.commitment_date,
        commitment_reference=row.commitment_reference,
        recorded=True,
        updated_at=row.updated_at,
    )


def _organisation(actor: Actor, organisation_id: uuid.UUID | None) -> uuid.UUID:
    """A user's own organisation; the command line names one."""
    chosen = organisation_id if actor.is_system else actor.organisation_id
    if chosen is None:
        raise ValidationFailed(fields={"organisation_id": N_("Name the organisation.")})
    return chosen


def legal_framework(
    session: Session, actor: Actor, organisation_id: uuid.UUID | None = None
) -> LegalFramework:
    """The framework of the actor's organisation (the command line names the organisation)."""
    require(actor, Permission.ORGANISATION_READ)
    return framework_of(session, _organisation(actor, organisation_id))


def _check(data: LegalFrameworkIn) -> None:
    fields: dict[str, str] = {}
    if data.conflict is Conflict.NON_INTERNATIONAL:
        if data.commitment_kind is None:
            fields["commitment_kind"] = N_(
                "Say how the Third Geneva Convention's standards are applied: by a unilateral "
                "declaration or by a special agreement."
            )
        if data.commitment_date is None:
            fields["commitment_date"] = N_("Enter the date of the declaration or agreement.")
        elif data.commitment_date > local_today():
            fields["commitment_date"] = N_("The date cannot be in the future.")
        if not data.commitment_reference:
            fields["commitment_reference"] = N_(
                "Enter the reference of the declaration or agreement (its title or number): "
                "documents cite it."
            )
    else:
        leave_empty = N_(
            "Leave this empty: in an international armed conflict the Convention binds as such, "
            "and no commitment is recorded."
        )
        for name in ("commitment_kind", "commitment_date", "commitment_reference"):
            if getattr(data, name) is not None:
                fields[name] = leave_empty
    if fields:
        raise ValidationFailed(fields=fields)


def _stored(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def set_legal_framework(
    session: Session,
    actor: Actor,
    data: LegalFrameworkIn,
    *,
    organisation_id: uuid.UUID | None = None,
) -> LegalFramework:
    """Record the organisation's framework (administrators and programme managers); audited
    with every field before and after. Recording the same values again changes nothing."""
    require(actor, Permission.PROGRAMME_MANAGE)
    organisation = _organisation(actor, organisation_id)
    _check(data)
    after = {
        "conflict": str(data.conflict),
        "commitment_kind": str(data.commitment_kind) if data.commitment_kind else None,
        "commitment_date": data.commitment_date,
        "commitment_reference": data.commitment_reference,
    }
    row = repository.settings_of(session, organisation)
    before: dict[str, Any] = dict.fromkeys(FIELDS)
    if row is None:
        row = repository.add(session, ProgrammeSettings(organisation_id=organisation, **after))
    else:
        before = {name: getattr(row, name) for name in FIELDS}
        if before == after:
            return framework_of(session, organisation)
        for name, value in after.items():
            setattr(row, name, value)
        session.flush()
    audit.record(
        session,
        actor,
        AuditAction.PROGRAMME_LEGAL_FRAMEWORK_SET,
        subject_type="programme_settings",
        subject_id=row.id,
        organisation_id=organisation,
        changes={
            name: {"before": _stored(before[name]), "after": _stored(after[name])}
            for name in FIELDS
            if before[name] != after[name]
        },
    )
    return framework_of(session, organisation)
