"""Working a case: tasks, confidential notes, referrals to other organisations, caseloads.

Scope: the case's organisation sees the case; the receiving organisation of a referral sees
that referral alone (the person's name, kind, reason, progress) — never the case, its
tasks or its notes. Notes are encrypted under the person's data key; every read of them is
audited. Managers see counts, never notes.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time

from sqlalchemy.orm import Session

from haven.accounts import repository as accounts
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.types import utcnow
from haven.disclosures.public import PersonalField, record_referral_disclosure
from haven.errors import NotFound, PermissionDenied, ValidationFailed
from haven.i18n import N_
from haven.kernel.clock import local_today
from haven.pathways import repository
from haven.pathways.lifecycle import (
    ACTIVE_CASE,
    REFERRAL,
    TASK,
    CaseStatus,
    ReferralStatus,
    TaskStatus,
)
from haven.pathways.models import Case, CaseNote, CaseTask, Referral
from haven.pathways.schemas import (
    Caseload,
    CaseloadRow,
    NoteIn,
    ReferralIn,
    ReferralMove,
    ReferralOut,
    TaskIn,
    TaskKind,
    TaskMove,
)
from haven.pathways.service import get_case, person_name, person_names, require_active
from haven.security.permissions import Actor, Permission, require

# What the receiving organisation of a referral sees of the person (the module docstring).
REFERRAL_FIELDS = frozenset({PersonalField.NAMES, PersonalField.NEEDS})


def _record(
    session: Session,
    actor: Actor,
    action: AuditAction,
    subject_type: str,
    subject_id: uuid.UUID,
    organisation_id: uuid.UUID | None,
    **changes: object,
) -> None:
    audit.record(
        session,
        actor,
        action,
        subject_type=subject_type,
        subject_id=subject_id,
        organisation_id=organisation_id,
        changes=changes,
    )


# --- tasks --------------------------------------------------------------------------------


def tasks(session: Session, actor: Actor, case: Case) -> Sequence[CaseTask]:
    require(actor, Permission.CASE_READ, case)
    return repository.tasks_of(session, case.id)


def add_task(session: Session, actor: Actor, case_id: uuid.UUID, data: TaskIn) -> CaseTask:
    case = get_case(session, actor, case_id, Permission.CASE_WRITE)
    require_active(case)
    if data.due_on < local_today():
        raise ValidationFailed(fields={"due_on": N_("The due date cannot be in the past.")})
    task = CaseTask(
        case_id=case.id,
        organisation_id=case.organisation_id,
        kind=TaskKind.GENERAL.value,
        title=data.title or "",
        due_at=datetime.combine(data.due_on, time(23, 59), tzinfo=UTC),
        status=TaskStatus.OPEN.value,
    )
    session.add(task)
    session.flush()
    _record(
        session,
        actor,
        AuditAction.CASE_TASK_ADDED,
        "case_task",
        task.id,
        case.organisation_id,
        kind={"before": None, "after": task.kind},
        due_at={"before": None, "after": task.due_at.isoformat()},
    )
    return task


def get_task(session: Session, actor: Actor, task_id: uuid.UUID) -> CaseTask:
    task = repository.task(session, task_id)
    if task is None:
        raise NotFound
    require(actor, Permission.CASE_READ, task)
    return task


def move_task(session: Session, actor: Actor, task_id: uuid.UUID, data: TaskMove) -> CaseTask:
    """Mark a task done or cancelled (open → done | cancelled)."""
    task = get_task(session, actor, task_id)
    require(actor, Permission.CASE_WRITE, task)
    target = TaskStatus(data.status)
    TASK.check(task.status, target)
    task.closed_at = utcnow()
    task.closed_by_id = actor.user_id
    TASK.move(session, actor, task, target)
    session.flush()
    return task


def close_child_protection_task(session: Session, actor: Actor, person_id: uuid.UUID) -> None:
    """The child was handed over to child protection (reception's `ChildHandedOver`): the
    case's open child-protection task is done. Runs on the registrar's behalf (no case
    permission), audited as theirs, like the hook that opened it."""
    case = repository.case_of_person(session, person_id)
    if case is None:
        return
    task = repository.open_task_of_kind(session, case.id, TaskKind.CHILD_PROTECTION.value)
    if task is None:
        return
    task.closed_at = utcnow()
    task.closed_by_id = actor.user_id
    TASK.move(session, actor, task, TaskStatus.DONE)
    session.flush()


@dataclass(frozen=True)
class Overdue:
    task: CaseTask
    case: Case
    person_name: str


def overdue(session: Session, actor: Actor, *, mine: bool = False) -> list[Overdue]:
    """Open tasks past their due time, oldest first (a case worker's own, or all visible)."""
    require(actor, Permission.CASE_READ)
    rows = repository.overdue_tasks(
        session, actor, utcnow(), assigned_to=actor.user_id if mine else None
    )
    names = person_names(session, [case.person_id for _task, case in rows])
    return [Overdue(task, case, names[case.person_id]) for task, case in rows]


# --- notes --------------------------------------------------------------------------------


def add_note(session: Session, actor: Actor, case_id: uuid.UUID, data: NoteIn) -> CaseNote:
    case = get_case(session, actor, case_id, Permission.CASE_WRITE)
    require_active(case)
    note = CaseNote(
        case_id=case.id,
        person_id=case.person_id,
        organisation_id=case.organisation_id,
        author_id=actor.user_id,
    )
    note.body = data.text
    session.add(note)
    session.flush()
    _record(
        session,
        actor,
        AuditAction.CASE_NOTE_ADDED,
        "case_note",
        note.id,
        case.organisation_id,
        body="<changed>",
    )
    return note


def notes(session: Session, actor: Actor, case: Case) -> Sequence[CaseNote]:
    """The case's confidential notes; the read is audited (who read which case's notes)."""
    require(actor, Permission.CASE_READ, case)
    found = repository.notes_of(session, case.id)
    _record(
        session,
        actor,
        AuditAction.CASE_NOTES_VIEWED,
        "case",
        case.id,
        case.organisation_id,
        count=len(found),
    )
    return found


# --- referrals ----------------------------------------------------------------------------


def referral_out(session: Session, referral: Referral) -> ReferralOut:
    return _referral_out(referral, person_name(session, referral.person_id))


def referrals_out(session: Session, referrals: Sequence[Referral]) -> list[ReferralOut]:
    """Many referrals as both sides see them, the persons' names read in one batch."""
    names = person_names(session, [r.person_id for r in referrals])
    return [_referral_out(r, names[r.person_id]) for r in referrals]


def _referral_out(referral: Referral, name: str) -> ReferralOut:
    return ReferralOut(
        id=referral.id,
        person_id=referral.person_id,
        person_name=name,
        from_organisation_id=referral.from_organisation_id,
        to_organisation_id=referral.to_organisation_id,
        kind=referral.kind,
        reason=referral.reason,
        status=referral.status,
        response=referral.response,
        sent_at=referral.sent_at,
        responded_at=referral.responded_at,
        completed_at=referral.completed_at,
    )


def send_referral(session: Session, actor: Actor, case_id: uuid.UUID, data: ReferralIn) -> Referral:
    case = get_case(session, actor, case_id, Permission.CASE_WRITE)
    require_active(case)
    target = accounts.organisation_by_id(session, data.to_organisation_id)
    if target is None or target.id == case.organisation_id:
        raise ValidationFailed(
            fields={"to_organisation_id": N_("Choose another organisation to refer to.")}
        )
    referral = Referral(
        case_id=case.id,
        person_id=case.person_id,
        from_organisation_id=case.organisation_id,
        to_organisation_id=target.id,
        kind=str(data.kind),
        status=ReferralStatus.SENT.value,
        sent_by_id=actor.user_id,
        sent_at=utcnow(),
    )
    referral.reason = data.reason
    session.add(referral)
    session.flush()
    _record(
        session,
        actor,
        AuditAction.REFERRAL_SENT,
        "referral",
        referral.id,
        case.organisation_id,
        kind={"before": None, "after": referral.kind},
        to_organisation_id={"before": None, "after": str(target.id)},
    )
    # The partner now sees the person's name and the reason: a disclosure (docs/disclosures.md).
    record_referral_disclosure(
        session,
        actor,
        to_organisation_id=target.id,
        fields=REFERRAL_FIELDS,
        person_id=case.person_id,
        reference=str(referral.id),
        organisation_id=case.organisation_id,
    )
    return referral


def _side(actor: Actor, referral: Referral) -> str:
    """'from' or 'to': which side of the referral the actor is on (404 if neither)."""
    if actor.is_system:
        return "to"
    if actor.organisation_id == referral.to_organisation_id:
        return "to"
    if actor.organisation_id == referral.from_organisation_id:
        return "from"
    raise NotFound


def get_referral(session: Session, actor: Actor, referral_id: uuid.UUID) -> Referral:
    referral = repository.referral(session, referral_id)
    if referral is None:
        raise NotFound
    _side(actor, referral)
    require(actor, Permission.CASE_READ)
    return referral


def move_referral(
    session: Session, actor: Actor, referral_id: uuid.UUID, data: ReferralMove
) -> Referral:
    """The receiving organisation accepts or declines, then completes (sent → accepted |
    declined; accepted → completed). The sender cannot answer its own referral."""
    referral = repository.referral(session, referral_id)
    if referral is None:
        raise NotFound
    side = _side(actor, referral)
    require(actor, Permission.CASE_WRITE)
    if side != "to":
        raise PermissionDenied(N_("Only the receiving organisation answers a referral."))
    target = ReferralStatus(data.status)
    REFERRAL.check(referral.status, target)
    if target is not ReferralStatus.COMPLETED:  # completing stamps completed_at
        referral.responded_at = utcnow()
        referral.responded_by_id = actor.user_id
    if data.response:
        referral.response = data.response
    REFERRAL.move(session, actor, referral, target, organisation_id=referral.to_organisation_id)
    session.flush()
    return referral


def referrals_of_case(session: Session, actor: Actor, case: Case) -> Sequence[Referral]:
    require(actor, Permission.CASE_READ, case)
    return repository.referrals_of_case(session, case.id)


def incoming_referrals(session: Session, actor: Actor) -> Sequence[Referral]:
    require(actor, Permission.CASE_READ)
    return repository.referrals_for(session, actor, incoming=True)


def outgoing_referrals(session: Session, actor: Actor) -> Sequence[Referral]:
    require(actor, Permission.CASE_READ)
    return repository.referrals_for(session, actor, incoming=False)


# --- the caseload dashboard ---------------------------------------------------------------


def caseload(session: Session, actor: Actor) -> Caseload:
    """Counts per case worker (open cases, overdue tasks): for managers; nothing personal."""
    require(actor, Permission.CASE_MANAGE)
    counts = repository.caseload(session, actor, utcnow())
    open_by: dict[uuid.UUID | None, int] = counts["open_by_worker"]  # type: ignore[assignment]
    overdue_by: dict[uuid.UUID | None, int] = counts["overdue_by_worker"]  # type: ignore[assignment]
    by_status: dict[str, int] = counts["by_status"]  # type: ignore[assignment]
    rows = []
    users = accounts.users_by_id(session, [*open_by, *overdue_by])
    for user_id in sorted(set(open_by) | set(overdue_by), key=lambda u: str(u or "")):
        user = users.get(user_id) if user_id else None
        rows.append(
            CaseloadRow(
                user_id=user_id,
                label=(user.display_name if user else N_("Not assigned")),
                open_cases=open_by.get(user_id, 0),
                overdue_tasks=overdue_by.get(user_id, 0),
            )
        )
    return Caseload(
        open_cases=sum(by_status.get(status, 0) for status in ACTIVE_CASE),
        closed_cases=by_status.get(CaseStatus.CLOSED, 0),
        overdue_tasks=sum(overdue_by.values()),
        by_worker=rows,
    )
