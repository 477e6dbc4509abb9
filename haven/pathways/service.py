"""Rules for explanation texts, cases (open, assign, transfer, close, reopen) and the choice.

A person has one case, owned by one organisation. The choice is recorded from the person's
own statement after the explanation in their language; the explanation's version is stored
with it; a change supersedes the previous choice (history kept) and needs a reason. Serving
is never recorded for a child. Every choice asks the person's standing (`haven.standing`):
a person referred for accountability may not serve, an interned prisoner may change path
only after a completed voluntariness check. Children get a child-protection task due
within 48 hours of reception: made when a child is received (`on_child_received`, run by
this domain's handler of reception's `PersonReceived`) and, should that have been missed (an
import, an older record), whenever their case is opened. Recording a choice publishes
`PathwayChosen`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from haven.accounts import repository as accounts
from haven.accounts.models import User
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.types import utcnow
from haven.errors import Conflict, NotFound, ValidationFailed
from haven.i18n import N_
from haven.kernel.events import publish
from haven.pathways import repository
from haven.pathways.events import PathwayChosen
from haven.pathways.lifecycle import (
    ACTIVE_CASE,
    CASE,
    EXILE_STEPS,
    CaseStatus,
    ExileStepStatus,
    HomeStatus,
    Pathway,
    ServeStatus,
    TaskStatus,
)
from haven.pathways.models import (
    Case,
    CaseTask,
    ConsentText,
    ExilePlan,
    ExileStep,
    HomePlan,
    PathwayChoice,
    ServeRecord,
)
from haven.pathways.schemas import (
    AssignIn,
    ChoiceIn,
    ConsentTextIn,
    ReasonIn,
    TaskKind,
    TransferIn,
)
from haven.people.public import Person, person_by_id, persons_by_id
from haven.people.public import is_child as child_rule
from haven.reception.public import (
    CHILD_HANDOVER,
    child_handover_due,
    latest_reception,
    received_as_child,
)
from haven.security.permissions import Actor, Permission, Role, require
from haven.standing.public import Standing, require_may_choose, standing_of

CHILD_TASK = TaskKind.CHILD_PROTECTION.value
CHILD_TASK_TITLE = N_("Refer to child protection and hand over")
SERVING_ENDED_TASK = TaskKind.SERVING_ENDED.value
SERVING_ENDED_TITLE = N_(
    "Referred for accountability: serving has ended. Talk with the person about going home "
    "under conditions, exile, or custody and the justice referral; record their new choice."
)
SERVING_ENDED_NOT_ELIGIBLE_TITLE = N_(
    "Not a member of the force: serving has ended. Talk with the person about going home or "
    "exile as a civilian; record their new choice."
)
SERVING_ENDED_WITHIN = timedelta(days=2)


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


# --- explanation texts --------------------------------------------------------------------


def add_consent_text(
    session: Session, actor: Actor, data: ConsentTextIn, *, organisation_id: uuid.UUID | None = None
) -> ConsentText:
    """A new version of the explanation in one language (texts are never edited)."""
    require(actor, Permission.CONSENT_TEXT_MANAGE)
    organisation = organisation_id if actor.is_system else actor.organisation_id
    if organisation is None:
        raise ValidationFailed(fields={"organisation_id": N_("Choose the organisation.")})
    latest = repository.latest_consent_text(session, organisation, data.language)
    text = ConsentText(
        organisation_id=organisation,
        language=data.language,
        version=(latest.version + 1) if latest else 1,
        body=data.text,
        created_by_id=actor.user_id,
    )
    session.add(text)
    session.flush()
    _record(
        session,
        actor,
        AuditAction.CONSENT_TEXT_ADDED,
        "consent_text",
        text.id,
        organisation,
        language={"before": None, "after": text.language},
        version={"before": None, "after": text.version},
    )
    return text


def consent_texts(session: Session, actor: Actor) -> Sequence[ConsentText]:
    """Every version of the organisation's explanations, newest first per language."""
    require(actor, Permission.CONSENT_TEXT_MANAGE)
    if actor.organisation_id is None:
        return []
    return repository.consent_texts(session, actor.organisation_id)


def current_consent_text(
    session: Session, actor: Actor, language: str, *, organisation_id: uuid.UUID | None = None
) -> ConsentText | None:
    """The explanation a case worker reads to the person before they choose."""
    require(actor, Permission.CASE_WRITE)
    organisation = organisation_id or actor.organisation_id
    if organisation is None:
        return None
    return repository.latest_consent_text(session, organisation, language)


# --- cases --------------------------------------------------------------------------------


def _person(session: Session, person_id: uuid.UUID) -> Person:
    person = person_by_id(session, person_id)
    if person is None:
        raise NotFound
    return person


def _called(person: Person | None) -> str:
    if person is None or person.is_erased:
        return "—"
    return " ".join(p for p in (person.prefix, person.name_latin or person.name_my) if p)


def person_name(session: Session, person_id: uuid.UUID) -> str:
    """The name a case worker calls the person by (names are PERSONAL, not confidential)."""
    return _called(person_by_id(session, person_id))


def person_names(session: Session, person_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The names of many persons, in one batched read (list pages)."""
    wanted = list(person_ids)
    found = persons_by_id(session, wanted)
    return {person_id: _called(found.get(person_id)) for person_id in wanted}


def person_risks(session: Session, person_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Each person's risk level (raised by security incidents, haven.protection), batched."""
    return {pid: person.risk_level for pid, person in persons_by_id(session, person_ids).items()}


def person_rows(
    session: Session, person_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, tuple[str, str | None]]:
    """The name and reference number of many persons, in one batched read (list rows)."""
    wanted = list(person_ids)
    found = persons_by_id(session, wanted)
    rows: dict[uuid.UUID, tuple[str, str | None]] = {}
    for person_id in wanted:
        person = found.get(person_id)
        reference = getattr(person, "reference", None) if person is not None else None
        rows[person_id] = (_called(person), str(reference) if reference else None)
    return rows


def _new_case(
    session: Session, actor: Actor, person: Person, *, organisation_id: uuid.UUID
) -> Case:
    case = Case(
        person_id=person.id,
        organisation_id=organisation_id,
        assigned_to_id=actor.user_id if actor.can(Permission.CASE_WRITE) else None,
        status=CaseStatus.OPEN.value,
        status_changed_at=utcnow(),
        status_changed_by_id=actor.user_id,
    )
    if actor.is_system:
        case.assigned_to_id = None
    session.add(case)
    session.flush()
    _record(
        session,
        actor,
        AuditAction.CASE_OPENED,
        "case",
        case.id,
        organisation_id,
        person_id={"before": None, "after": str(person.id)},
    )
    ensure_child_protection(session, actor, case, person)
    return case


def open_case(session: Session, actor: Actor, person_id: uuid.UUID) -> Case:
    """Open the person's case (one per person; a second one is a Conflict)."""
    person = _person(session, person_id)
    require(actor, Permission.CASE_WRITE, person)
    if person.is_erased:
        raise Conflict
    if repository.case_of_person(session, person.id) is not None:
        raise Conflict(N_("This person already has a case."))
    return _new_case(session, actor, person, organisation_id=person.organisation_id)


def get_case(
    session: Session,
    actor: Actor,
    case_id: uuid.UUID,
    permission: Permission = Permission.CASE_READ,
) -> Case:
    case = repository.case(session, case_id)
    if case is None:
        raise NotFound
    require(actor, permission, case)
    return case


def case_for_person(session: Session, actor: Actor, person_id: uuid.UUID) -> Case | None:
    """The person's case if the actor may read it; None when there is none."""
    case = repository.case_of_person(session, person_id)
    if case is None:
        person = _person(session, person_id)
        require(actor, Permission.CASE_READ, person)
        return None
    require(actor, Permission.CASE_READ, case)
    return case


def list_cases(session: Session, actor: Actor, *, mine: bool = False) -> Sequence[Case]:
    require(actor, Permission.CASE_READ)
    return repository.cases(session, actor, assigned_to=actor.user_id if mine else None)


def case_list(
    session: Session,
    actor: Actor,
    *,
    status: CaseStatus | None = None,
    pathway: Pathway | None = None,
    assigned_to: uuid.UUID | None = None,
    unassigned: bool = False,
    sort: str = "newest",
    limit: int = 25,
    offset: int = 0,
) -> tuple[list[Case], int]:
    """One page of the organisation's cases (newest or oldest first) and how many match."""
    require(actor, Permission.CASE_READ)
    return repository.case_page(
        session,
        actor,
        statuses=(status.value,) if status else (),
        pathway=pathway.value if pathway else None,
        assigned_to=assigned_to,
        unassigned=unassigned,
        sort=sort,
        limit=limit,
        offset=offset,
    )


def waiting_cases(
    session: Session,
    actor: Actor,
    *,
    pathway: Pathway | None = None,
    sort: str = "oldest",
    limit: int = 25,
    offset: int = 0,
) -> tuple[list[Case], int]:
    """For a manager: one page of the open cases waiting for a case worker (waiting longest
    first by default) and how many wait in all."""
    require(actor, Permission.CASE_MANAGE)
    return repository.case_page(
        session,
        actor,
        statuses=sorted(s.value for s in ACTIVE_CASE),
        pathway=pathway.value if pathway else None,
        unassigned=True,
        sort=sort,
        limit=limit,
        offset=offset,
    )


def require_active(case: Case) -> None:
    if case.status not in ACTIVE_CASE:
        raise Conflict(N_("This case is closed: reopen it first."))


NOT_A_CASE_WORKER = N_("Choose an active case worker of this organisation.")
NO_CASE_CHOSEN = N_("Choose at least one case.")
MAX_ASSIGNED_AT_ONCE = 500


def _case_worker_for(
    session: Session, user_id: uuid.UUID | None, organisation_ids: Iterable[uuid.UUID]
) -> User:
    """The user, if they are an active case worker of every one of these organisations."""
    user = accounts.user_by_id(session, user_id) if user_id is not None else None
    if (
        user is None
        or user.role != Role.CASE_WORKER
        or not user.is_active
        or any(organisation != user.organisation_id for organisation in organisation_ids)
    ):
        raise ValidationFailed(fields={"user_id": NOT_A_CASE_WORKER})
    return user


def assign(session: Session, actor: Actor, case_id: uuid.UUID, data: AssignIn) -> Case:
    """A manager assigns the case to a case worker of the same organisation."""
    get_case(session, actor, case_id, Permission.CASE_MANAGE)
    return assign_many(session, actor, [case_id], data.user_id)[0]


def assign_many(
    session: Session,
    actor: Actor,
    case_ids: Sequence[uuid.UUID],
    user_id: uuid.UUID | None,
) -> list[Case]:
    """A manager assigns several cases at once to one case worker of their organisation.

    Everything is checked before anything is written: at least one case chosen, every case
    one the manager may manage (404 for any other, so its existence is not revealed), the
    worker an active case worker of each case's organisation. Each case gets its own audit
    event, as when assigned one by one."""
    require(actor, Permission.CASE_MANAGE)
    wanted = list(dict.fromkeys(case_ids))
    fields: dict[str, str] = {}
    if not wanted:
        fields["case_ids"] = NO_CASE_CHOSEN
    if user_id is None:
        fields["user_id"] = NOT_A_CASE_WORKER
    if fields:
        raise ValidationFailed(fields=fields)
    if len(wanted) > MAX_ASSIGNED_AT_ONCE:
        raise ValidationFailed(fields={"case_ids": N_("Choose at most 500 cases at once.")})
    found = {case.id: case for case in repository.cases_by_id(session, actor, wanted)}
    if len(found) != len(wanted):
        raise NotFound
    cases = [found[case_id] for case_id in wanted]
    for case in cases:
        require(actor, Permission.CASE_MANAGE, case)
    user = _case_worker_for(session, user_id, {case.organisation_id for case in cases})
    entries = []
    for case in cases:
        before = case.assigned_to_id
        case.assigned_to_id = user.id
        entries.append(
            audit.Entry(
                AuditAction.CASE_ASSIGNED,
                "case",
                case.id,
                case.organisation_id,
                {
                    "assigned_to_id": {
                        "before": str(before) if before else None,
                        "after": str(user.id),
                    }
                },
            )
        )
    session.flush()
    audit.record_many(session, actor, entries)
    return cases


def transfer(session: Session, actor: Actor, case_id: uuid.UUID, data: TransferIn) -> Case:
    """Hand the case (tasks, notes, pathway records) to another organisation.

    Refused while a referral is still open: the receiving side of a referral must know whom
    to answer. The previous organisation loses access to the case at once.
    """
    case = get_case(session, actor, case_id, Permission.CASE_MANAGE)
    target = accounts.organisation_by_id(session, data.organisation_id)
    if target is None or target.id == case.organisation_id:
        raise ValidationFailed(fields={"organisation_id": N_("Choose another organisation.")})
    if repository.open_referrals_of_case(session, case.id):
        raise Conflict(N_("Complete or decline the open referrals before transferring."))
    before = case.organisation_id
    for rows in (
        repository.tasks_of(session, case.id),
        repository.notes_of(session, case.id),
        repository.choices_of(session, case.person_id),
        [repository.serve_of(session, case.id)],
    ):
        for row in rows:
            if row is not None:
                row.organisation_id = target.id
    home = repository.home_of(session, case.id)
    if home is not None:
        home.organisation_id = target.id
        for visit in repository.visits_of(session, home.id):
            visit.organisation_id = target.id
    exile = repository.exile_of(session, case.id)
    if exile is not None:
        exile.organisation_id = target.id
        for step in repository.exile_steps(session, exile.id):
            step.organisation_id = target.id
    case.organisation_id = target.id
    case.assigned_to_id = None
    session.flush()
    _record(
        session,
        actor,
        AuditAction.CASE_TRANSFERRED,
        "case",
        case.id,
        before,
        owner={"before": str(before), "after": str(target.id)},
        reason={"before": None, "after": data.reason},
    )
    return case


def change_status(
    session: Session, actor: Actor, case_id: uuid.UUID, wanted: str, data: ReasonIn
) -> Case:
    """Close or reopen a case, with a reason (open → closed → reopened → closed)."""
    case = get_case(session, actor, case_id, Permission.CASE_WRITE)
    target = CaseStatus(wanted)
    CASE.check(case.status, target)
    case.status_reason = data.reason
    case.status_changed_at = utcnow()
    case.status_changed_by_id = actor.user_id
    CASE.move(
        session, actor, case, target, changes={"reason": {"before": None, "after": data.reason}}
    )
    session.flush()
    return case


# --- children -----------------------------------------------------------------------------


def person_is_child(session: Session, person: Person, *, on: datetime | None = None) -> bool:
    """The people domain's child rule, with reception's record of how the person was
    received: possibly under 18 by the year of birth, or received as a child (doubt is
    resolved in the child's favour)."""
    return child_rule(
        person.birth_year,
        on=(on or datetime.now(UTC)).date(),
        received_as_child=received_as_child(session, person.id),
    )


def _child_due(session: Session, person: Person) -> datetime:
    due = child_handover_due(session, person.id)
    return due if due is not None else utcnow() + CHILD_HANDOVER


def on_serving_closed(
    session: Session, actor: Actor, person_id: uuid.UUID, *, not_eligible: bool = False
) -> CaseTask | None:
    """A vetting decision closed serving to the person (referred for accountability, or not
    a member of the force): if serving is their current choice, their case gets a task
    (idempotent, due in two days) to talk with them about what remains open and record a new
    choice; the serve track stops (its next steps ask the standing, which now refuses)."""
    case = repository.case_of_person(session, person_id)
    current = repository.current_choice(session, person_id)
    if case is None or current is None or current.pathway != Pathway.SERVE.value:
        return None
    title = SERVING_ENDED_NOT_ELIGIBLE_TITLE if not_eligible else SERVING_ENDED_TITLE
    return _rule_task(
        session, actor, case, SERVING_ENDED_TASK, title, utcnow() + SERVING_ENDED_WITHIN
    )


def ensure_child_protection(
    session: Session, actor: Actor, case: Case, person: Person
) -> CaseTask | None:
    """For a child, the child-protection referral task exists (idempotent), due 48 hours
    after reception (reception's own deadline)."""
    if not person_is_child(session, person):
        return None
    return _rule_task(
        session, actor, case, CHILD_TASK, CHILD_TASK_TITLE, _child_due(session, person)
    )


def _rule_task(
    session: Session, actor: Actor, case: Case, kind: str, title: str, due_at: datetime
) -> CaseTask:
    """The case's open task of `kind` that a rule makes (made once: an open one is kept)."""
    existing = repository.open_task_of_kind(session, case.id, kind)
    if existing is not None:
        return existing
    task = CaseTask(
        case_id=case.id,
        organisation_id=case.organisation_id,
        kind=kind,
        title=title,
        due_at=due_at,
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
        kind={"before": None, "after": kind},
        due_at={"before": None, "after": task.due_at.isoformat()},
    )
    return task


def on_child_received(
    session: Session, actor: Actor, person_id: uuid.UUID, organisation_id: uuid.UUID
) -> CaseTask | None:
    """When a child is received: the case opens (unassigned) and the child-protection task
    is due 48 hours after reception. No case permission is needed: this is the programme's
    rule, done on the registrar's behalf and audited as theirs."""
    person = _person(session, person_id)
    case = repository.case_of_person(session, person.id)
    if case is None:
        case = _new_case(session, actor, person, organisation_id=organisation_id)
    return ensure_child_protection(session, actor, case, person)


def is_child(session: Session, actor: Actor, person_id: uuid.UUID) -> bool:
    return person_is_child(session, _person(session, person_id))


def standing(session: Session, actor: Actor, case: Case) -> Standing:
    """The person's standing as their case shows it: its state, why, what remains open."""
    require(actor, Permission.CASE_READ, case)
    return standing_of(session, case.person_id)


def person_standing(session: Session, actor: Actor, person_id: uuid.UUID) -> Standing:
    """The person's standing, for a case worker who may read their case (or, before a case
    is opened, the person): what the choice page may offer."""
    case = repository.case_of_person(session, person_id)
    require(actor, Permission.CASE_READ, case if case is not None else _person(session, person_id))
    return standing_of(session, person_id)


# --- the choice ---------------------------------------------------------------------------


def _start_track(session: Session, case: Case, pathway: Pathway) -> None:
    """The pathway's own record, made once; an earlier track is kept if the choice changes."""
    if pathway is Pathway.SERVE and repository.serve_of(session, case.id) is None:
        event = latest_reception(session, case.person_id, military_only=True)
        session.add(
            ServeRecord(
                case_id=case.id,
                person_id=case.person_id,
                organisation_id=case.organisation_id,
                status=ServeStatus.CLAIMED.value,
                claimed_rank_id=event.rank_id if event else None,
                claimed_position=event.position if event else None,
                evidence=[],
            )
        )
    elif pathway is Pathway.HOME and repository.home_of(session, case.id) is None:
        session.add(
            HomePlan(
                case_id=case.id,
                person_id=case.person_id,
                organisation_id=case.organisation_id,
                status=HomeStatus.PLANNING.value,
                reunification="not_started",
                support=[],
            )
        )
    elif pathway is Pathway.EXILE and repository.exile_of(session, case.id) is None:
        plan = ExilePlan(
            case_id=case.id, person_id=case.person_id, organisation_id=case.organisation_id
        )
        session.add(plan)
        session.flush()
        for position, step in enumerate(EXILE_STEPS, start=1):
            session.add(
                ExileStep(
                    plan_id=plan.id,
                    person_id=case.person_id,
                    organisation_id=case.organisation_id,
                    step=step.value,
                    position=position,
                    status=ExileStepStatus.PENDING.value,
                )
            )
    session.flush()


def coercion_safeguards_missing(data: ChoiceIn) -> dict[str, str]:
    """What a choice lacks of its protection from coercion, one message per field: who was
    present, no former commander among them, the person's own words and their language, the
    person's mark and who attested it (docs/pathways.md)."""
    fields: dict[str, str] = {}
    if not data.present:
        fields["present"] = N_(
            "Name everyone present when the person chose (name and role), the recorder included."
        )
    if not data.former_commanders_absent:
        fields["former_commanders_absent"] = N_(
            "The person chooses with no former commander present. Ask any commander to leave "
            "the room, then confirm it here."
        )
    if not data.statement:
        fields["statement"] = N_("Write down the person's choice in their own words.")
    if not data.statement_language:
        fields["statement_language"] = N_(
            "Name the language the person spoke (for example Burmese, Kayah Li, S'gaw Karen)."
        )
    if data.mark is None:
        fields["mark"] = N_(
            "Record how the person marked the statement as their own: signature or thumbprint."
        )
    if not data.mark_attested_by:
        fields["mark_attested_by"] = N_("Name who saw the person make their mark.")
    return fields


def record_choice(
    session: Session, actor: Actor, person_id: uuid.UUID, data: ChoiceIn
) -> PathwayChoice:
    """Record the person's own choice; opens their case if they have none yet."""
    person = _person(session, person_id)
    case = repository.case_of_person(session, person.id)
    require(actor, Permission.CASE_WRITE, case if case is not None else person)
    if person.is_erased:
        raise Conflict
    fields: dict[str, str] = {}
    if not data.explained:
        fields["explained"] = N_(
            "Explain the three pathways in the person's language before recording a choice."
        )
    organisation_id = case.organisation_id if case is not None else person.organisation_id
    text = repository.consent_text(session, data.consent_text_id)
    if text is None or text.organisation_id != organisation_id or text.language != data.language:
        fields["consent_text_id"] = N_("Show the current explanation in the person's language.")
    if data.pathway is Pathway.SERVE and person_is_child(session, person):
        fields["pathway"] = N_(
            "A child cannot be given the serve pathway. Choose going home or exile."
        )
    fields.update(coercion_safeguards_missing(data))
    current = repository.current_choice(session, person.id)
    if current is not None and not data.change_reason:
        fields["change_reason"] = N_("Say why the person changed their choice.")
    if fields:
        raise ValidationFailed(fields=fields)
    if current is not None and current.pathway == data.pathway:
        raise Conflict(N_("This is already the person's current choice."))
    # The person's standing (docs/standing.md): a referred person may not serve, an interned
    # prisoner may change path only after a completed voluntariness check, …
    require_may_choose(session, person.id, str(data.pathway))
    if case is None:
        case = _new_case(session, actor, person, organisation_id=organisation_id)
    require_active(case)
    if text is None:  # pragma: no cover - refused above
        raise NotFound
    now = utcnow()
    if current is not None:
        current.superseded_at = now
        session.flush()
    choice = PathwayChoice(
        person_id=person.id,
        organisation_id=case.organisation_id,
        case_id=case.id,
        pathway=str(data.pathway),
        consent_text_id=text.id,
        consent_version=text.version,
        language=data.language,
        statement_language=data.statement_language,
        former_commanders_absent=data.former_commanders_absent,
        mark=str(data.mark),
        mark_attested_by=data.mark_attested_by,
        change_reason=data.change_reason if current is not None else None,
        chosen_at=now,
        recorded_by_id=actor.user_id,
    )
    choice.statement = data.statement
    choice.present = data.present
    session.add(choice)
    session.flush()
    _start_track(session, case, data.pathway)
    _record(
        session,
        actor,
        AuditAction.PATHWAY_CHOSEN,
        "person",
        person.id,
        case.organisation_id,
        pathway={"before": current.pathway if current else None, "after": choice.pathway},
        consent_version={"before": None, "after": text.version},
        language={"before": None, "after": data.language},
        mark={"before": None, "after": str(data.mark)},
        former_commanders_absent={"before": None, "after": True},
    )
    publish(
        session,
        actor,
        PathwayChosen(person_id=person.id, choice_id=choice.id, pathway=choice.pathway),
    )
    return choice


def choices(session: Session, actor: Actor, case: Case) -> Sequence[PathwayChoice]:
    """The history of the person's choices, oldest first."""
    require(actor, Permission.CASE_READ, case)
    return repository.choices_of(session, case.person_id)
