"""Every query of complaints, limited to what the actor may see.

Who sees a complaint (`visible`): a holder of COMPLAINT_CONFIDENTIAL every complaint of their
organisation; a handler the ones that are not confidential and those assigned to them; a
recorder who may not handle complaints only the non-confidential ones they took down. Counts
of the report are the exception: they count every complaint of the organisation, and carry
nothing that names anyone.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, update
from sqlalchemy.orm import Session

from haven.complaints.lifecycle import AWAITING_RESPONSE, ComplaintStatus
from haven.complaints.models import Complaint, ComplaintDeadline, ComplaintEntry
from haven.kernel.erasure import blanked
from haven.kernel.repository import Repository
from haven.people.public import FamilyMember
from haven.security.permissions import Actor, Permission, visible_to

_AWAITING = sorted(str(state) for state in AWAITING_RESPONSE)


def visible(actor: Actor) -> ColumnElement[bool]:
    """The complaints the actor may know exist (see the module's docstring)."""
    scope = visible_to(actor, Complaint)
    if actor.can(Permission.COMPLAINT_CONFIDENTIAL):
        return scope
    if actor.can(Permission.COMPLAINT_HANDLE):
        return and_(
            scope,
            or_(Complaint.confidential.is_(False), Complaint.assigned_to_id == actor.user_id),
        )
    if actor.can(Permission.COMPLAINT_RECORD) and actor.user_id is not None:
        return and_(
            scope, Complaint.confidential.is_(False), Complaint.recorded_by_id == actor.user_id
        )
    return false()


def overdue_acknowledgement(now: datetime) -> ColumnElement[bool]:
    return and_(Complaint.status == ComplaintStatus.RECEIVED.value, Complaint.acknowledge_by < now)


def overdue_response(now: datetime) -> ColumnElement[bool]:
    return and_(Complaint.status.in_(_AWAITING), Complaint.respond_by < now)


class Complaints(Repository[Complaint]):
    model = Complaint

    def visible_one(self, actor: Actor, complaint_id: uuid.UUID) -> Complaint | None:
        return self.first(select(Complaint).where(Complaint.id == complaint_id, visible(actor)))

    def page(
        self,
        actor: Actor,
        now: datetime,
        *,
        status: str | None = None,
        category: str | None = None,
        overdue: bool = False,
        escalated: bool = False,
        mine: bool = False,
        limit: int = 25,
        offset: int = 0,
    ) -> tuple[list[Complaint], int]:
        """One page of the complaints the actor may see, newest first, and how many match.
        `escalated`: escalated by someone or past the respond-by date (the managers' list)."""
        query: Select[Any] = select(Complaint).where(visible(actor))
        if status is not None:
            query = query.where(Complaint.status == status)
        if category is not None:
            query = query.where(Complaint.category == category)
        if overdue:
            query = query.where(or_(overdue_acknowledgement(now), overdue_response(now)))
        if escalated:
            query = query.where(
                or_(Complaint.status == ComplaintStatus.ESCALATED.value, overdue_response(now))
            )
        if mine:
            query = query.where(Complaint.assigned_to_id == actor.user_id)
        total = int(self.session.scalar(select(func.count()).select_from(query.subquery())) or 0)
        rows = self.session.scalars(
            query.order_by(Complaint.received_at.desc(), Complaint.id.desc())
            .limit(limit)
            .offset(offset)
        ).all()
        return list(rows), total

    def of_person(self, actor: Actor, person_id: uuid.UUID, limit: int = 20) -> list[Complaint]:
        """The person's complaints the actor may see (theirs and their relatives'), newest
        first: the person page's panel, one query."""
        return list(
            self.all(
                select(Complaint)
                .where(Complaint.person_id == person_id, visible(actor))
                .order_by(Complaint.received_at.desc())
                .limit(limit)
            )
        )

    # --- the report: counted by the database, nothing that names anyone ---------------

    def _scope(self, actor: Actor) -> ColumnElement[bool]:
        return visible_to(actor, Complaint)

    def counts_by_category_and_state(self, actor: Actor) -> list[tuple[str, str, int]]:
        rows = self.session.execute(
            select(Complaint.category, Complaint.status, func.count())
            .where(self._scope(actor))
            .group_by(Complaint.category, Complaint.status)
            .order_by(Complaint.category, Complaint.status)
        ).all()
        return [(category, status, int(count)) for category, status, count in rows]

    def counts_by_month(self, actor: Actor, edges: Sequence[datetime]) -> list[int]:
        return self.count_windows(
            select(Complaint).where(self._scope(actor)), Complaint.received_at, edges
        )

    def overdue_counts(self, actor: Actor, now: datetime) -> tuple[int, int, int]:
        """(all complaints, overdue to acknowledge, overdue to respond), in one query."""
        scope = self._scope(actor)

        def counted(*where: ColumnElement[bool]) -> Any:
            return select(func.count()).where(scope, *where).scalar_subquery()

        row = self.session.execute(
            select(counted(), counted(overdue_acknowledgement(now)), counted(overdue_response(now)))
        ).one()
        return int(row[0]), int(row[1]), int(row[2])

    def median_days_to_respond(self, actor: Actor) -> tuple[float | None, int]:
        """The median of the days from receipt to the first response, and how many were
        answered: the middle one or two values, ordered and picked by the database."""
        days = _days_between(self.session, Complaint.received_at, Complaint.first_responded_at)
        answered = and_(self._scope(actor), Complaint.first_responded_at.is_not(None))
        count = int(self.session.scalar(select(func.count()).where(answered)) or 0)
        if count == 0:
            return None, 0
        middle = self.session.scalars(
            select(days.label("days"))
            .where(answered)
            .order_by(days)
            .limit(1 if count % 2 else 2)
            .offset((count - 1) // 2)
        ).all()
        values = [float(value) for value in middle]
        return sum(values) / len(values), count

    # --- erasure -----------------------------------------------------------------------

    def of_erased(self, person_id: uuid.UUID) -> list[uuid.UUID]:
        """Ids of the complaints by the person or by a relative of theirs."""
        relatives = select(FamilyMember.id).where(FamilyMember.person_id == person_id)
        return list(
            self.session.scalars(
                select(Complaint.id).where(
                    or_(
                        Complaint.person_id == person_id,
                        Complaint.family_member_id.in_(relatives),
                    )
                )
            )
        )

    def forget(self, complaint_ids: Sequence[uuid.UUID], now: datetime) -> None:
        """Blank the complaints' text and their log's, and drop every link to a person."""
        if not complaint_ids:
            return
        ids = list(complaint_ids)
        self.session.execute(
            update(Complaint)
            .where(Complaint.id.in_(ids))
            .values(
                {
                    **blanked(Complaint),
                    Complaint.person_id: None,
                    Complaint.family_member_id: None,
                    Complaint.instalment_id: None,
                    Complaint.erased_at: now,
                }
            )
            .execution_options(synchronize_session=False)
        )
        self.session.execute(
            update(ComplaintEntry)
            .where(ComplaintEntry.complaint_id.in_(ids))
            .values(blanked(ComplaintEntry))
            .execution_options(synchronize_session=False)
        )


class Entries(Repository[ComplaintEntry]):
    model = ComplaintEntry
    site_column: ClassVar[str | None] = None

    def of(self, complaint_id: uuid.UUID) -> list[ComplaintEntry]:
        return list(
            self.all(
                select(ComplaintEntry)
                .where(ComplaintEntry.complaint_id == complaint_id)
                .order_by(ComplaintEntry.entered_at, ComplaintEntry.id)
            )
        )


class Deadlines(Repository[ComplaintDeadline]):
    model = ComplaintDeadline
    site_column: ClassVar[str | None] = None

    def of(self, organisation_id: uuid.UUID) -> dict[str, ComplaintDeadline]:
        return {
            row.category: row
            for row in self.all(
                select(ComplaintDeadline).where(
                    ComplaintDeadline.organisation_id == organisation_id
                )
            )
        }


def _days_between(session: Session, start: Any, end: Any) -> ColumnElement[Any]:
    """Days (with their fraction) from `start` to `end`, computed by the database: SQLite
    stores UTC times as ISO text (julianday), PostgreSQL subtracts timestamps."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - start) / 86400.0
    return func.julianday(end) - func.julianday(start)
