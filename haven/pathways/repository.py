"""Every query of the pathways domain."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select, update
from sqlalchemy import case as when
from sqlalchemy.orm import Session, aliased

from haven.kernel.erasure import blanked
from haven.pathways.lifecycle import (
    ACTIVE_CASE,
    OPEN_REFERRALS,
    CaseStatus,
    ExileStepName,
    ExileStepStatus,
    HomeStatus,
    Pathway,
    ServeStatus,
    TaskStatus,
)
from haven.pathways.models import (
    Case,
    CaseNote,
    CaseTask,
    ConsentText,
    ExilePlan,
    ExileStep,
    HomePlan,
    HomeVisit,
    PathwayChoice,
    Referral,
    ServeRecord,
)
from haven.security.permissions import Actor, visible_to


def latest_consent_text(
    session: Session, organisation_id: uuid.UUID, language: str
) -> ConsentText | None:
    return session.scalars(
        select(ConsentText)
        .where(ConsentText.organisation_id == organisation_id, ConsentText.language == language)
        .order_by(ConsentText.version.desc())
        .limit(1)
    ).first()


def consent_text(session: Session, text_id: uuid.UUID) -> ConsentText | None:
    return session.get(ConsentText, text_id)


def consent_texts(session: Session, organisation_id: uuid.UUID) -> Sequence[ConsentText]:
    return session.scalars(
        select(ConsentText)
        .where(ConsentText.organisation_id == organisation_id)
        .order_by(ConsentText.language, ConsentText.version.desc())
    ).all()


def case_of_person(session: Session, person_id: uuid.UUID) -> Case | None:
    return session.scalars(select(Case).where(Case.person_id == person_id)).first()


def current_choice(session: Session, person_id: uuid.UUID) -> PathwayChoice | None:
    return session.scalars(
        select(PathwayChoice).where(
            PathwayChoice.person_id == person_id, PathwayChoice.superseded_at.is_(None)
        )
    ).first()


def current_pathway(session: Session, person_id: uuid.UUID) -> str | None:
    """The value of the person's current choice of pathway, or None."""
    return session.scalar(
        select(PathwayChoice.pathway).where(
            PathwayChoice.person_id == person_id, PathwayChoice.superseded_at.is_(None)
        )
    )


def current_pathways(session: Session, person_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Person id -> the value of their current choice, for those who have one (batched)."""
    found: dict[uuid.UUID, str] = {}
    wanted = list(dict.fromkeys(person_ids))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for person_id, pathway in session.execute(
            select(PathwayChoice.person_id, PathwayChoice.pathway).where(
                PathwayChoice.person_id.in_(chunk), PathwayChoice.superseded_at.is_(None)
            )
        ).all():
            found[person_id] = pathway
    return found


def persons_with_choice(session: Session, person_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    """Of these persons, those who have recorded a choice (batched)."""
    found: set[uuid.UUID] = set()
    wanted = list(dict.fromkeys(person_ids))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(
            session.scalars(
                select(PathwayChoice.person_id).where(PathwayChoice.person_id.in_(chunk))
            )
        )
    return found


def choices_of(session: Session, person_id: uuid.UUID) -> Sequence[PathwayChoice]:
    return session.scalars(
        select(PathwayChoice)
        .where(PathwayChoice.person_id == person_id)
        .order_by(PathwayChoice.chosen_at, PathwayChoice.id)
    ).all()


def cases(
    session: Session, actor: Actor, *, assigned_to: uuid.UUID | None = None, limit: int = 200
) -> Sequence[Case]:
    query = select(Case).where(visible_to(actor, Case))
    if assigned_to is not None:
        query = query.where(Case.assigned_to_id == assigned_to)
    return session.scalars(query.order_by(Case.created_at.desc()).limit(limit)).all()


# The orders a list of cases can be read in: newest opened first, or oldest first (the
# manager's list of cases waiting for a case worker: waiting longest first).
CASE_SORTS = ("newest", "oldest")


def case_page(
    session: Session,
    actor: Actor,
    *,
    statuses: Collection[str] = (),
    pathway: str | None = None,
    assigned_to: uuid.UUID | None = None,
    unassigned: bool = False,
    sort: str = "newest",
    limit: int = 25,
    offset: int = 0,
) -> tuple[list[Case], int]:
    """One page of the cases the actor may see, filtered, and how many match in all (counted
    in the database). `pathway` is the person's current choice; `unassigned` the cases
    without a case worker."""
    query: Select[Case] = select(Case).where(visible_to(actor, Case))
    if statuses:
        query = query.where(Case.status.in_(sorted(statuses)))
    if pathway is not None:
        query = query.join(
            PathwayChoice,
            (PathwayChoice.person_id == Case.person_id) & PathwayChoice.superseded_at.is_(None),
        ).where(PathwayChoice.pathway == pathway)
    if unassigned:
        query = query.where(Case.assigned_to_id.is_(None))
    elif assigned_to is not None:
        query = query.where(Case.assigned_to_id == assigned_to)
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    order = (
        (Case.created_at.asc(), Case.id.asc())
        if sort == "oldest"
        else (Case.created_at.desc(), Case.id.desc())
    )
    rows = session.scalars(query.order_by(*order).limit(limit).offset(offset)).all()
    return list(rows), total


def cases_by_id(session: Session, actor: Actor, case_ids: Collection[uuid.UUID]) -> list[Case]:
    """The cases of these ids the actor may see (batched); ids outside their scope are absent."""
    found: list[Case] = []
    wanted = sorted(set(case_ids), key=str)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.extend(
            session.scalars(select(Case).where(Case.id.in_(chunk), visible_to(actor, Case)))
        )
    return found


def cases_of_people(session: Session, person_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Case]:
    """The case of each of these persons who has one (person id -> case), batched; unscoped:
    for a caller that has checked its actor's right to the persons (protection)."""
    found: dict[uuid.UUID, Case] = {}
    wanted = sorted(set(person_ids), key=str)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for row in session.scalars(select(Case).where(Case.person_id.in_(chunk))):
            found[row.person_id] = row
    return found


def case(session: Session, case_id: uuid.UUID) -> Case | None:
    return session.get(Case, case_id)


def task(session: Session, task_id: uuid.UUID) -> CaseTask | None:
    return session.get(CaseTask, task_id)


def referral(session: Session, referral_id: uuid.UUID) -> Referral | None:
    return session.get(Referral, referral_id)


def tasks_of(session: Session, case_id: uuid.UUID) -> Sequence[CaseTask]:
    return session.scalars(
        select(CaseTask).where(CaseTask.case_id == case_id).order_by(CaseTask.due_at)
    ).all()


def open_task_of_kind(session: Session, case_id: uuid.UUID, kind: str) -> CaseTask | None:
    return session.scalars(
        select(CaseTask).where(CaseTask.case_id == case_id, CaseTask.kind == kind).limit(1)
    ).first()


def overdue_tasks(
    session: Session, actor: Actor, now: datetime, *, assigned_to: uuid.UUID | None = None
) -> Sequence[tuple[CaseTask, Case]]:
    query = (
        select(CaseTask, Case)
        .join(Case, Case.id == CaseTask.case_id)
        .where(
            visible_to(actor, Case), CaseTask.status == TaskStatus.OPEN.value, CaseTask.due_at < now
        )
    )
    if assigned_to is not None:
        query = query.where(Case.assigned_to_id == assigned_to)
    return [(t, c) for t, c in session.execute(query.order_by(CaseTask.due_at)).all()]


def notes_of(session: Session, case_id: uuid.UUID) -> Sequence[CaseNote]:
    return session.scalars(
        select(CaseNote).where(CaseNote.case_id == case_id).order_by(CaseNote.created_at)
    ).all()


def referrals_of_case(session: Session, case_id: uuid.UUID) -> Sequence[Referral]:
    return session.scalars(
        select(Referral).where(Referral.case_id == case_id).order_by(Referral.sent_at)
    ).all()


def referrals_for(session: Session, actor: Actor, *, incoming: bool) -> Sequence[Referral]:
    """Referrals received by (or sent from) the actor's organisation."""
    if actor.is_system:
        return session.scalars(select(Referral).order_by(Referral.sent_at.desc())).all()
    column = Referral.to_organisation_id if incoming else Referral.from_organisation_id
    return session.scalars(
        select(Referral)
        .where(column == actor.organisation_id)
        .order_by(Referral.sent_at.desc())
        .limit(200)
    ).all()


def open_referrals_of_case(session: Session, case_id: uuid.UUID) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(Referral)
            .where(
                Referral.case_id == case_id,
                Referral.status.in_(sorted(s.value for s in OPEN_REFERRALS)),
            )
        )
        or 0
    )


def serve_of(session: Session, case_id: uuid.UUID) -> ServeRecord | None:
    return session.scalars(select(ServeRecord).where(ServeRecord.case_id == case_id)).first()


def personnel_number_taken(session: Session, personnel_number: str) -> bool:
    taken = session.scalar(
        select(ServeRecord.id).where(ServeRecord.personnel_number == personnel_number).limit(1)
    )
    return taken is not None


def home_of(session: Session, case_id: uuid.UUID) -> HomePlan | None:
    return session.scalars(select(HomePlan).where(HomePlan.case_id == case_id)).first()


def visits_of(session: Session, plan_id: uuid.UUID) -> Sequence[HomeVisit]:
    return session.scalars(
        select(HomeVisit).where(HomeVisit.plan_id == plan_id).order_by(HomeVisit.visited_on)
    ).all()


def exile_of(session: Session, case_id: uuid.UUID) -> ExilePlan | None:
    return session.scalars(select(ExilePlan).where(ExilePlan.case_id == case_id)).first()


def exile_steps(session: Session, plan_id: uuid.UUID) -> Sequence[ExileStep]:
    return session.scalars(
        select(ExileStep).where(ExileStep.plan_id == plan_id).order_by(ExileStep.position)
    ).all()


def caseload(session: Session, actor: Actor, now: datetime) -> dict[str, object]:
    """Counts only: cases by status and worker, overdue tasks by worker. No names, no notes."""
    by_status = dict(
        session.execute(
            select(Case.status, func.count()).where(visible_to(actor, Case)).group_by(Case.status)
        ).all()
    )
    open_by_worker = dict(
        session.execute(
            select(Case.assigned_to_id, func.count())
            .where(visible_to(actor, Case), Case.status.in_(sorted(s.value for s in ACTIVE_CASE)))
            .group_by(Case.assigned_to_id)
        ).all()
    )
    overdue_by_worker = dict(
        session.execute(
            select(Case.assigned_to_id, func.count())
            .join(CaseTask, CaseTask.case_id == Case.id)
            .where(
                visible_to(actor, Case),
                CaseTask.status == TaskStatus.OPEN.value,
                CaseTask.due_at < now,
            )
            .group_by(Case.assigned_to_id)
        ).all()
    )
    return {
        "by_status": {str(k): int(v) for k, v in by_status.items()},
        "open_by_worker": {k: int(v) for k, v in open_by_worker.items()},
        "overdue_by_worker": {k: int(v) for k, v in overdue_by_worker.items()},
    }


# Free text written about a person in rows that erasure keeps (not classified: never shown
# to other organisations, but it may name or describe them).
_ERASED_FREE_TEXT = {
    "cases": ("status_reason",),
    "pathway_choices": ("change_reason",),
    "serve_records": (
        "claimed_position",
        "verification_note",
        "posted_unit",
        "posted_position",
        "personnel_number",
    ),
}


def erase_person(session: Session, person_id: uuid.UUID) -> None:
    """Erasure: the case and its records stay (what was done, when, by whom); every
    classified value about the person in them, and the free text written about them, goes."""
    for model in (
        Case,
        PathwayChoice,
        CaseNote,
        Referral,
        ServeRecord,
        HomePlan,
        HomeVisit,
        ExilePlan,
        ExileStep,
    ):
        columns = model.__table__.c
        values = blanked(model) | {
            columns[name]: None for name in _ERASED_FREE_TEXT.get(model.__tablename__, ())
        }
        session.execute(
            update(model).where(model.person_id == person_id).values(values),
            execution_options={"synchronize_session": "fetch"},
        )


# --- dashboard figures (counted by the database) ------------------------------------------


def choices_by_pathway(session: Session, actor: Actor) -> dict[str, int]:
    """The current choices in the actor's scope, counted per pathway (one grouped query)."""
    scope = visible_to(actor, PathwayChoice, site_column=None)
    rows = session.execute(
        select(PathwayChoice.pathway, func.count())
        .where(scope, PathwayChoice.superseded_at.is_(None))
        .group_by(PathwayChoice.pathway)
    ).all()
    return {str(pathway): int(count) for pathway, count in rows}


# --- programme reports (issue 25, docs/reports.md): counted by the database ---------------


def _reported_choices(actor: Actor) -> Select[PathwayChoice]:
    """The choices of the cases the actor's organisation follows (a transferred case is
    reported by the organisation that has it now)."""
    return (
        select(PathwayChoice)
        .join(Case, Case.id == PathwayChoice.case_id)
        .where(visible_to(actor, Case, site_column=None))
    )


def _progress() -> ColumnElement[str]:
    """What became of a choice, one value per choice: `changed` (a later choice replaced it),
    `completed` (its own track finished: posted to a unit, home plan completed, arrived in
    exile), `stopped` (the case was closed before that), `in_progress` (its track moved past
    the state a choice starts it in: a rank verified or disputed, a safety assessment, an exile
    step begun) or `not_started`. Only the chosen pathway's track counts: a person who moved
    from serve to home keeps an old serve record that says nothing about going home."""
    serve = PathwayChoice.pathway == Pathway.SERVE.value
    home = PathwayChoice.pathway == Pathway.HOME.value
    exile = PathwayChoice.pathway == Pathway.EXILE.value
    arrived = exists().where(
        ExileStep.plan_id == ExilePlan.id,
        ExileStep.step == ExileStepName.ARRIVAL.value,
        ExileStep.status == ExileStepStatus.DONE.value,
    )
    stepped = exists().where(
        ExileStep.plan_id == ExilePlan.id, ExileStep.status != ExileStepStatus.PENDING.value
    )
    return when(
        (PathwayChoice.superseded_at.is_not(None), "changed"),
        (
            or_(
                and_(serve, ServeRecord.status == ServeStatus.POSTED.value),
                and_(home, HomePlan.status == HomeStatus.COMPLETED.value),
                and_(exile, arrived),
            ),
            "completed",
        ),
        (Case.status == CaseStatus.CLOSED.value, "stopped"),
        (
            or_(
                and_(serve, ServeRecord.status != ServeStatus.CLAIMED.value),
                and_(home, HomePlan.status != HomeStatus.PLANNING.value),
                and_(exile, stepped),
            ),
            "in_progress",
        ),
        else_="not_started",
    )


def choice_progress(
    session: Session, actor: Actor, start: datetime, end: datetime
) -> list[tuple[str, str, int]]:
    """(pathway, progress, count) of the choices made in `[start, end)`: every choice once,
    by what became of it (`_progress`), grouped by the database."""
    inner = (
        _reported_choices(actor)
        .outerjoin(ServeRecord, ServeRecord.case_id == PathwayChoice.case_id)
        .outerjoin(HomePlan, HomePlan.case_id == PathwayChoice.case_id)
        .outerjoin(ExilePlan, ExilePlan.case_id == PathwayChoice.case_id)
        .where(PathwayChoice.chosen_at >= start, PathwayChoice.chosen_at < end)
        .with_only_columns(PathwayChoice.pathway, _progress().label("progress"))
        .subquery()
    )
    rows = session.execute(
        select(inner.c.pathway, inner.c.progress, func.count()).group_by(
            inner.c.pathway, inner.c.progress
        )
    ).all()
    return [(str(pathway), str(progress), int(count)) for pathway, progress, count in rows]


def pathway_changes(
    session: Session, actor: Actor, start: datetime, end: datetime
) -> list[tuple[str, str, int]]:
    """(pathway before, pathway after, count) of the changes made in `[start, end)`: each
    choice made then that replaced an earlier choice of the same person, with the pathway of
    the choice just before it."""
    earlier = aliased(PathwayChoice)
    before = (
        select(earlier.pathway)
        .where(
            earlier.person_id == PathwayChoice.person_id,
            earlier.chosen_at < PathwayChoice.chosen_at,
        )
        .order_by(earlier.chosen_at.desc(), earlier.id.desc())
        .limit(1)
        .correlate(PathwayChoice)
        .scalar_subquery()
    )
    inner = (
        _reported_choices(actor)
        .where(PathwayChoice.chosen_at >= start, PathwayChoice.chosen_at < end)
        .with_only_columns(before.label("before"), PathwayChoice.pathway.label("after"))
        .subquery()
    )
    rows = session.execute(
        select(inner.c.before, inner.c.after, func.count())
        .where(inner.c.before.is_not(None))
        .group_by(inner.c.before, inner.c.after)
    ).all()
    return [(str(before), str(after), int(count)) for before, after, count in rows]


def choices_in_windows(
    session: Session, actor: Actor, edges: Sequence[datetime]
) -> list[tuple[int, str, int]]:
    """(window, pathway, count) of the choices made in each window `[edges[i], edges[i+1])`
    (months of a report), in one grouped query; empty windows are absent."""
    if len(edges) < 2:
        return []
    window = when(
        *[(PathwayChoice.chosen_at < high, index) for index, high in enumerate(edges[1:])],
        else_=len(edges) - 1,
    )
    inner = (
        _reported_choices(actor)
        .where(PathwayChoice.chosen_at >= edges[0], PathwayChoice.chosen_at < edges[-1])
        .with_only_columns(window.label("window"), PathwayChoice.pathway)
        .subquery()
    )
    rows = session.execute(
        select(inner.c.window, inner.c.pathway, func.count()).group_by(
            inner.c.window, inner.c.pathway
        )
    ).all()
    return [(int(window), str(pathway), int(count)) for window, pathway, count in rows]
