"""The rules of complaints and feedback (docs/complaints.md).

- Anyone who may record a complaint takes one down, by any channel, from a person of the
  programme, a relative, someone else, or no one named; an anonymous complaint keeps no link,
  name or contact detail (refused here with a message on the field, and by the schema).
- Mistreatment and data concerns are confidential unless a holder of COMPLAINT_CONFIDENTIAL
  says otherwise; a confidential complaint is seen only by those holders and its assigned
  handler, answering 404 to everyone else (`repository.visible`).
- Deadlines to acknowledge and to respond come from the organisation's days for the category
  when the complaint is received; past the respond-by date it is overdue and flagged to the
  managers (`needs_manager`), escalated or not.
- Handling (acknowledge, respond, escalate, close, reopen, notes, assignment) needs
  COMPLAINT_HANDLE; each move goes through the lifecycle (409 on an illegal one) and leaves a
  dated entry in the complaint's log with its reason.
- The audit trail records what changed, never a name or a text (only that a text was given).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from haven.accounts import repository as accounts
from haven.allowances.public import instalment_person
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.complaints import repository
from haven.complaints.lifecycle import (
    AWAITING_RESPONSE,
    COMPLAINT,
    CONFIDENTIAL_BY_DEFAULT,
    DEFAULT_DAYS,
    Category,
    Complainant,
    ComplaintStatus,
    EntryKind,
    GivenBy,
)
from haven.complaints.models import COMPLAINT_KEYS, Complaint, ComplaintDeadline, ComplaintEntry
from haven.complaints.schemas import (
    AcknowledgeIn,
    AssignIn,
    ComplaintIn,
    ConfidentialityIn,
    DeadlineIn,
    EntryIn,
    ReasonIn,
)
from haven.db.types import utcnow
from haven.errors import Conflict, NotFound, ValidationFailed
from haven.i18n import N_
from haven.people.public import family_by_person, person_by_id
from haven.security.fields import unmasked
from haven.security.permissions import ROLE_PERMISSIONS, Actor, Permission, in_scope, require

S = ComplaintStatus
NO_SUCH_PERSON = N_("No person of your organisation has this reference number.")
NOT_FOR_ANONYMOUS = N_("An anonymous complaint keeps no name, contact or link to a person.")
CHOOSE_PERSON = N_("Say which person in the programme this is about.")
CHOOSE_RELATIVE = N_("Choose the relative who complains.")
NO_SUCH_RELATIVE = N_("This relative is not in the person's family.")
NAME_FOR_OTHER = N_("Only someone who is not in the programme is named here.")
NO_SUCH_PAYMENT = N_("This payment is not one owed to the person.")
PAYMENT_NEEDS_PERSON = N_("A payment can be named only for a person in the programme.")
NOT_IN_FUTURE = N_("The date cannot be in the future.")
NOT_A_HANDLER = N_("Choose someone of your organisation who handles complaints.")
GIVEN_BY_NEEDED = N_("Say how the response was given.")
ONLY_NOTES_OR_RESPONSES = N_("Add a note or a response here; the other entries come with a move.")
CLOSED_NO_RESPONSE = N_("The complaint is closed: reopen it before answering again.")
MAY_NOT_LOWER = N_("Only a programme manager can make a complaint of this kind not confidential.")

HANDLER_ROLES = tuple(
    role for role, granted in ROLE_PERMISSIONS.items() if Permission.COMPLAINT_HANDLE in granted
)


@dataclass(frozen=True)
class Flags:
    """What a complaint's dates mean now."""

    overdue_acknowledgement: bool
    overdue_response: bool
    needs_manager: bool


def flags(complaint: Complaint, now: datetime) -> Flags:
    status = S(complaint.status)
    late_ack = status is S.RECEIVED and complaint.acknowledge_by < now
    late_response = status in AWAITING_RESPONSE and complaint.respond_by < now
    return Flags(
        overdue_acknowledgement=late_ack,
        overdue_response=late_response,
        needs_manager=status is S.ESCALATED or late_response,
    )


def _audit(
    session: Session,
    actor: Actor,
    action: AuditAction,
    complaint: Complaint,
    changes: dict[str, object] | None = None,
) -> None:
    audit.record(
        session,
        actor,
        action,
        subject_type="complaint",
        subject_id=complaint.id,
        organisation_id=complaint.organisation_id,
        changes=changes or {},
    )


# --- deadlines ---------------------------------------------------------------------------


def days_for(session: Session, organisation_id: uuid.UUID, category: Category) -> tuple[int, int]:
    """(days to acknowledge, days to respond) of the organisation for the category."""
    row = repository.Deadlines(session).of(organisation_id).get(category.value)
    if row is None:
        return DEFAULT_DAYS[category]
    return row.acknowledge_days, row.respond_days


def deadlines(session: Session, actor: Actor) -> list[tuple[Category, int, int, bool]]:
    """Every category's days for the actor's organisation: (category, acknowledge, respond,
    whether it is the default). Anyone of the organisation may read them: they are the
    programme's promises, and name no one."""
    rows = repository.Deadlines(session).of(actor.organisation_id) if actor.organisation_id else {}
    found = []
    for category in Category:
        row = rows.get(category.value)
        if row is None:
            found.append((category, *DEFAULT_DAYS[category], True))
        else:
            found.append((category, row.acknowledge_days, row.respond_days, False))
    return found


def set_deadline(session: Session, actor: Actor, data: DeadlineIn) -> ComplaintDeadline:
    """Set the organisation's days for one category; complaints already received keep theirs."""
    require(actor, Permission.PROGRAMME_MANAGE)
    if actor.organisation_id is None:
        raise NotFound
    if data.acknowledge_days > data.respond_days:
        raise ValidationFailed(
            fields={"acknowledge_days": N_("Acknowledge no later than the response is due.")}
        )
    row = repository.Deadlines(session).of(actor.organisation_id).get(data.category.value)
    before = (
        {} if row is None else {"acknowledge": row.acknowledge_days, "respond": row.respond_days}
    )
    if row is None:
        row = ComplaintDeadline(organisation_id=actor.organisation_id, category=data.category.value)
        session.add(row)
    row.acknowledge_days = data.acknowledge_days
    row.respond_days = data.respond_days
    row.set_by_id = actor.user_id
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.COMPLAINT_DEADLINES_SET,
        subject_type="complaint_deadline",
        subject_id=row.id,
        organisation_id=actor.organisation_id,
        changes={
            "category": data.category.value,
            **audit.diff(
                before, {"acknowledge": data.acknowledge_days, "respond": data.respond_days}
            ),
        },
    )
    return row


# --- taking a complaint down -------------------------------------------------------------


def _check_complainant(  # noqa: PLR0912 - one branch per kind of complainant, read together
    session: Session, actor: Actor, data: ComplaintIn
) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    """(organisation, site) the complaint belongs to, after checking who complains."""
    who = data.complainant
    if who is Complainant.ANONYMOUS:
        given = {
            name: NOT_FOR_ANONYMOUS
            for name in ("person_id", "family_member_id", "complainant_name", "contact")
            if getattr(data, name)
        }
        if data.instalment_id is not None:
            given["instalment_id"] = NOT_FOR_ANONYMOUS
        if given:
            raise ValidationFailed(fields=given)
    if who in (Complainant.PERSON, Complainant.RELATIVE):
        if data.complainant_name:
            raise ValidationFailed(fields={"complainant_name": NAME_FOR_OTHER})
        if data.person_id is None:
            raise ValidationFailed(fields={"person_id": CHOOSE_PERSON})
        person = person_by_id(session, data.person_id)
        if (
            person is None
            or person.erased_at is not None
            or not in_scope(actor, person)
            or not actor.can(Permission.PERSON_READ)
        ):
            raise ValidationFailed(fields={"person_id": NO_SUCH_PERSON})
        if who is Complainant.RELATIVE:
            if data.family_member_id is None:
                raise ValidationFailed(fields={"family_member_id": CHOOSE_RELATIVE})
            relatives = family_by_person(session, [person.id]).get(person.id, [])
            if data.family_member_id not in {m.id for m in relatives}:
                raise ValidationFailed(fields={"family_member_id": NO_SUCH_RELATIVE})
        elif data.family_member_id is not None:
            raise ValidationFailed(fields={"family_member_id": CHOOSE_RELATIVE})
        if data.instalment_id is not None and (
            instalment_person(session, data.instalment_id) != person.id
        ):
            raise ValidationFailed(fields={"instalment_id": NO_SUCH_PAYMENT})
        return person.organisation_id, person.site_id
    if who is Complainant.OTHER:
        wrong = {n: NAME_FOR_OTHER for n in ("person_id", "family_member_id") if getattr(data, n)}
        if data.instalment_id is not None:
            wrong["instalment_id"] = PAYMENT_NEEDS_PERSON
        if wrong:
            raise ValidationFailed(fields=wrong)
    return actor.organisation_id, actor.site_id


def record(
    session: Session, actor: Actor, data: ComplaintIn, *, organisation_id: uuid.UUID | None = None
) -> Complaint:
    """Take a complaint down; its deadlines are stamped from the category's days."""
    require(actor, Permission.COMPLAINT_RECORD)
    organisation, site = _check_complainant(session, actor, data)
    if organisation is None:
        organisation = organisation_id
    if organisation is None:
        raise ValidationFailed(fields={"person_id": CHOOSE_PERSON})
    now = utcnow()
    received = data.received_at or now
    if received.tzinfo is None:
        received = received.replace(tzinfo=now.tzinfo)
    if received > now + timedelta(minutes=5):
        raise ValidationFailed(fields={"received_at": NOT_IN_FUTURE})
    default = data.category in CONFIDENTIAL_BY_DEFAULT
    if data.confidential is None:
        confidential = default
    elif actor.can(Permission.COMPLAINT_CONFIDENTIAL):
        confidential = data.confidential
    else:
        # A recorder may make any complaint confidential, never lower a default one.
        confidential = data.confidential or default
    acknowledge_days, respond_days = days_for(session, organisation, data.category)
    anonymous = data.complainant is Complainant.ANONYMOUS
    complaint = Complaint(
        organisation_id=organisation,
        site_id=site,
        kind=data.kind.value,
        complainant=data.complainant.value,
        person_id=None if anonymous or data.complainant is Complainant.OTHER else data.person_id,
        family_member_id=data.family_member_id
        if data.complainant is Complainant.RELATIVE
        else None,
        instalment_id=data.instalment_id,
        category=data.category.value,
        channel=data.channel.value,
        confidential=confidential,
        status=S.RECEIVED.value,
        received_at=received,
        acknowledge_by=received + timedelta(days=acknowledge_days),
        respond_by=received + timedelta(days=respond_days),
        status_changed_at=now,
        status_changed_by_id=actor.user_id,
        recorded_by_id=actor.user_id,
    )
    complaint.body = data.text
    if data.complainant is Complainant.OTHER:
        complaint.complainant_name = data.complainant_name
    if not anonymous:
        complaint.contact = data.contact
    session.add(complaint)
    session.flush()
    _audit(
        session,
        actor,
        AuditAction.COMPLAINT_RECORDED,
        complaint,
        {
            "kind": complaint.kind,
            "category": complaint.category,
            "channel": complaint.channel,
            "complainant": complaint.complainant,
            "confidential": confidential,
            "person_id": None if complaint.person_id is None else str(complaint.person_id),
            # Texts are never copied into the trail: only that they were given.
            "text": "given",
            "complainant_name": "given" if data.complainant_name else None,
            "contact": "given" if data.contact else None,
        },
    )
    return complaint


# --- reading -----------------------------------------------------------------------------


def visible(session: Session, actor: Actor, complaint_id: uuid.UUID) -> Complaint:
    """The complaint if the actor may know it exists, else NotFound (confidentiality)."""
    complaint = repository.Complaints(session).visible_one(actor, complaint_id)
    if complaint is None:
        raise NotFound
    return complaint


def visible_or_none(session: Session, actor: Actor, complaint_id: uuid.UUID) -> Complaint | None:
    return repository.Complaints(session).visible_one(actor, complaint_id)


def get(session: Session, actor: Actor, complaint_id: uuid.UUID) -> Complaint:
    """A complaint with its text; the read is audited."""
    complaint = visible(session, actor, complaint_id)
    _audit(session, actor, AuditAction.COMPLAINT_VIEWED, complaint)
    return complaint


def recorded(session: Session, actor: Actor, complaint_id: uuid.UUID) -> Complaint:
    """A complaint the actor took down themselves, confidential or not: for the confirmation
    that gives its reference and dates (never its text) to whoever recorded it."""
    require(actor, Permission.COMPLAINT_RECORD)
    complaint = repository.Complaints(session).get(complaint_id)
    if (
        complaint is None
        or not in_scope(actor, complaint)
        or actor.user_id is None
        or complaint.recorded_by_id != actor.user_id
    ):
        raise NotFound
    return complaint


def entries(session: Session, actor: Actor, complaint: Complaint) -> list[ComplaintEntry]:
    if repository.Complaints(session).visible_one(actor, complaint.id) is None:
        raise NotFound
    return repository.Entries(session).of(complaint.id)


def page(
    session: Session,
    actor: Actor,
    *,
    status: ComplaintStatus | None = None,
    category: Category | None = None,
    overdue: bool = False,
    escalated: bool = False,
    mine: bool = False,
    limit: int = 25,
    offset: int = 0,
) -> tuple[list[Complaint], int]:
    require(actor, Permission.COMPLAINT_RECORD)
    return repository.Complaints(session).page(
        actor,
        utcnow(),
        status=None if status is None else status.value,
        category=None if category is None else category.value,
        overdue=overdue,
        escalated=escalated,
        mine=mine,
        limit=limit,
        offset=offset,
    )


def of_person(session: Session, actor: Actor, person_id: uuid.UUID) -> list[Complaint]:
    """The person's complaints the actor may see (the person page's panel)."""
    if not actor.can(Permission.COMPLAINT_RECORD):
        return []
    return repository.Complaints(session).of_person(actor, person_id)


def handlers(session: Session, actor: Actor) -> list[tuple[uuid.UUID, str]]:
    """(id, name) of the active users of the actor's organisation who handle complaints."""
    found = []
    for role in HANDLER_ROLES:
        found += [
            (u.id, u.display_name) for u in accounts.active_users_with_role(session, actor, role)
        ]
    return sorted(found, key=lambda pair: pair[1])


# --- handling ----------------------------------------------------------------------------


def _handled(session: Session, actor: Actor, complaint_id: uuid.UUID) -> Complaint:
    complaint = visible(session, actor, complaint_id)
    require(actor, Permission.COMPLAINT_HANDLE, complaint)
    return complaint


def _entry(
    session: Session,
    actor: Actor,
    complaint: Complaint,
    kind: EntryKind,
    text: str | None,
    given_by: GivenBy | None = None,
    *,
    at: datetime,
) -> ComplaintEntry:
    entry = ComplaintEntry(
        complaint_id=complaint.id,
        organisation_id=complaint.organisation_id,
        kind=kind.value,
        given_by=None if given_by is None else given_by.value,
        entered_at=at,
        entered_by_id=actor.user_id,
    )
    entry.text = text
    session.add(entry)
    session.flush()
    return entry


def _move(
    session: Session,
    actor: Actor,
    complaint: Complaint,
    target: ComplaintStatus,
    kind: EntryKind,
    text: str | None,
    given_by: GivenBy | None = None,
) -> Complaint:
    now = utcnow()
    COMPLAINT.move(
        session,
        actor,
        complaint,
        target,
        changes={"entry": kind.value, "given_by": None if given_by is None else given_by.value},
    )
    complaint.status_changed_at = now
    complaint.status_changed_by_id = actor.user_id
    _entry(session, actor, complaint, kind, text, given_by, at=now)
    return complaint


def acknowledge(
    session: Session, actor: Actor, complaint_id: uuid.UUID, data: AcknowledgeIn
) -> Complaint:
    """The complainant was told their complaint was received (how, and perhaps what)."""
    complaint = _handled(session, actor, complaint_id)
    return _move(
        session,
        actor,
        complaint,
        S.ACKNOWLEDGED,
        EntryKind.ACKNOWLEDGEMENT,
        data.text,
        data.given_by,
    )


def escalate(session: Session, actor: Actor, complaint_id: uuid.UUID, data: ReasonIn) -> Complaint:
    """To the programme managers, with the reason."""
    complaint = _handled(session, actor, complaint_id)
    return _move(session, actor, complaint, S.ESCALATED, EntryKind.ESCALATION, data.reason)


def close(session: Session, actor: Actor, complaint_id: uuid.UUID, data: ReasonIn) -> Complaint:
    complaint = _handled(session, actor, complaint_id)
    return _move(session, actor, complaint, S.CLOSED, EntryKind.CLOSURE, data.reason)


def reopen(session: Session, actor: Actor, complaint_id: uuid.UUID, data: ReasonIn) -> Complaint:
    """Reopened: a new respond-by date from today, by the category's days."""
    complaint = _handled(session, actor, complaint_id)
    _move(session, actor, complaint, S.REOPENED, EntryKind.REOPENING, data.reason)
    _, respond_days = days_for(session, complaint.organisation_id, Category(complaint.category))
    complaint.respond_by = utcnow() + timedelta(days=respond_days)
    complaint.closed_at = None
    return complaint


def add_entry(
    session: Session, actor: Actor, complaint_id: uuid.UUID, data: EntryIn
) -> ComplaintEntry:
    """A note (internal) or a response given to the complainant. The first response of an
    open complaint moves it to responded; another one is logged as a further answer."""
    complaint = _handled(session, actor, complaint_id)
    if data.kind is EntryKind.NOTE:
        entry = _entry(session, actor, complaint, EntryKind.NOTE, data.text, at=utcnow())
        _audit(session, actor, AuditAction.COMPLAINT_ENTRY_ADDED, complaint, {"entry": "note"})
        return entry
    if data.kind is not EntryKind.RESPONSE:
        raise ValidationFailed(fields={"kind": ONLY_NOTES_OR_RESPONSES})
    if data.given_by is None:
        raise ValidationFailed(fields={"given_by": GIVEN_BY_NEEDED})
    status = S(complaint.status)
    if status is S.CLOSED:
        raise Conflict(CLOSED_NO_RESPONSE, code="illegal_transition")
    if status is S.RESPONDED:
        entry = _entry(
            session, actor, complaint, EntryKind.RESPONSE, data.text, data.given_by, at=utcnow()
        )
        _audit(
            session,
            actor,
            AuditAction.COMPLAINT_ENTRY_ADDED,
            complaint,
            {"entry": "response", "given_by": data.given_by.value},
        )
        return entry
    _move(session, actor, complaint, S.RESPONDED, EntryKind.RESPONSE, data.text, data.given_by)
    if complaint.first_responded_at is None:
        complaint.first_responded_at = complaint.status_changed_at
    return repository.Entries(session).of(complaint.id)[-1]


def assign(session: Session, actor: Actor, complaint_id: uuid.UUID, data: AssignIn) -> Complaint:
    """Give the complaint to a handler of the organisation (None: to no one). A confidential
    one is assigned only by those who may see every confidential complaint."""
    complaint = _handled(session, actor, complaint_id)
    if complaint.confidential:
        require(actor, Permission.COMPLAINT_CONFIDENTIAL, complaint)
    if data.user_id is not None:
        user = accounts.user_by_id(session, data.user_id)
        if (
            user is None
            or user.organisation_id != complaint.organisation_id
            or not user.is_active
            or user.role not in {role.value for role in HANDLER_ROLES}
        ):
            raise ValidationFailed(fields={"user_id": NOT_A_HANDLER})
    before = complaint.assigned_to_id
    complaint.assigned_to_id = data.user_id
    _audit(
        session,
        actor,
        AuditAction.COMPLAINT_ASSIGNED,
        complaint,
        audit.diff(
            {"assigned_to_id": None if before is None else str(before)},
            {"assigned_to_id": None if data.user_id is None else str(data.user_id)},
        ),
    )
    return complaint


def set_confidentiality(
    session: Session, actor: Actor, complaint_id: uuid.UUID, data: ConfidentialityIn
) -> Complaint:
    """A handler may make a complaint confidential; only a holder of COMPLAINT_CONFIDENTIAL
    may make one not confidential again."""
    complaint = _handled(session, actor, complaint_id)
    if not data.confidential and not actor.can(Permission.COMPLAINT_CONFIDENTIAL):
        raise ValidationFailed(fields={"confidential": MAY_NOT_LOWER})
    before = complaint.confidential
    complaint.confidential = data.confidential
    _entry(session, actor, complaint, EntryKind.NOTE, data.reason, at=utcnow())
    _audit(
        session,
        actor,
        AuditAction.COMPLAINT_CONFIDENTIALITY_CHANGED,
        complaint,
        audit.diff({"confidential": before}, {"confidential": data.confidential}),
    )
    return complaint


# --- erasure -----------------------------------------------------------------------------


def forget_person(session: Session, person_id: uuid.UUID) -> int:
    """An erased person's complaints, and their relatives', lose the link and every text (the
    complaint's key destroyed too) but stay counted; returns how many."""
    complaints = repository.Complaints(session)
    ids = complaints.of_erased(person_id)
    with unmasked(session):
        for complaint_id in ids:
            COMPLAINT_KEYS.destroy(session, complaint_id)
    complaints.forget(ids, utcnow())
    for complaint in complaints.many(ids).values():
        session.expire(complaint)
    return len(ids)


# --- the report --------------------------------------------------------------------------

REPORT_MONTHS = 12


def month_starts(now: datetime, months: int = REPORT_MONTHS) -> list[datetime]:
    """The first instants (UTC) of the last `months` months, and of the next one: the edges
    of the report's windows, oldest first."""
    year, month = now.year, now.month
    starts: list[datetime] = []
    for back in range(months - 1, -2, -1):
        total = year * 12 + (month - 1) - back
        starts.append(
            now.replace(
                year=total // 12,
                month=total % 12 + 1,
                day=1,
                hour=0,
                minute=0,
                second=0,
                microsecond=0,
            )
        )
    return starts


@dataclass(frozen=True)
class ReportFigures:
    """What the report shows: figures only, computed by the database."""

    total: int
    by_category_and_state: list[tuple[Category, ComplaintStatus, int]]
    by_month: list[tuple[str, int]]
    overdue_acknowledgement: int
    overdue_response: int
    median_days_to_respond: float | None
    responded: int


def report(session: Session, actor: Actor) -> ReportFigures:
    """Counts by category and state, by month received (the last 12), the overdue, and the
    median days to a first response, over every complaint of the organisation (confidential
    ones included: a count names no one)."""
    require(actor, Permission.COMPLAINT_HANDLE)
    complaints = repository.Complaints(session)
    now = utcnow()
    edges = month_starts(now)
    counts = complaints.counts_by_month(actor, edges)
    total, late_ack, late_response = complaints.overdue_counts(actor, now)
    median, responded = complaints.median_days_to_respond(actor)
    return ReportFigures(
        total=total,
        by_category_and_state=[
            (Category(category), ComplaintStatus(status), count)
            for category, status, count in complaints.counts_by_category_and_state(actor)
        ],
        by_month=[(start.strftime("%Y-%m"), n) for start, n in zip(edges, counts, strict=False)],
        overdue_acknowledgement=late_ack,
        overdue_response=late_response,
        median_days_to_respond=None if median is None else round(median, 1),
        responded=responded,
    )
