"""Voluntariness as a gate: no change of a prisoner's path (defect, serve, home, exile)
without a completed voluntariness check (docs/pow.md).

A check is recorded whatever it finds (every attempt is kept); it is *complete* when nothing
is missing from it (`VoluntarinessCheck.missing`): an interviewer independent of the
detaining unit, neither the unit nor the person's former commanders present, who was
present, the person's own words and their language, the paths they chose, an independent
witness or an ICRC visit (or why neither was available), the person's mark and who attests
it, and a finding that is not inconclusive. The latest complete check decides: a later
complete check that finds the choice not voluntary, or names other paths, replaces an
earlier one.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.types import utcnow
from haven.errors import Conflict, ValidationFailed
from haven.i18n import N_
from haven.pow import repository
from haven.pow.lifecycle import PowStatus
from haven.pow.models import PowRecord, VoluntarinessCheck
from haven.pow.schemas import Outcome, PrisonerPath, VoluntarinessIn, Witness
from haven.pow.service import get_record
from haven.security.permissions import Actor, Permission, in_scope

NO_CHECK = N_("Record a voluntariness check of this prisoner first.")
VOLUNTARINESS_REQUIRED = N_(
    "A prisoner's path (defect, serve, home or exile) changes only after a completed "
    "voluntariness check: record one on the prisoner's record first (an interview without "
    "former commanders present, in the person's own words, with their mark)."
)
INCOMPLETE = N_(
    "The voluntariness check is not complete: it needs an independent interviewer, neither "
    "the detaining unit nor former commanders present, who was present, the person's own "
    "words and their language, the path they chose, a witness or an ICRC visit (or why "
    "neither was available), and their attested mark."
)
NOT_VOLUNTARY = N_("The voluntariness check did not find the choice voluntary.")
OTHER_PATH = N_(
    "In the latest complete voluntariness check the person did not choose this path: "
    "record a new check in which they state the path they now choose."
)
REPLACED = N_(
    "A later complete voluntariness check replaces this one: the change follows the latest."
)

# Where a check may be recorded: an interned prisoner (before defecting, going home, …) and
# a prisoner who defected (before choosing a pathway).
CHECKABLE = frozenset({PowStatus.INTERNED, PowStatus.DEFECTED})


class VoluntarinessRequired(Conflict):
    """A path change refused for want of a completed, voluntary check of that path (409)."""

    def __init__(self, message: str = VOLUNTARINESS_REQUIRED) -> None:
        super().__init__(message)


@dataclass(frozen=True)
class VoluntarinessSummary:
    """What other domains may know of a check: never the statement or who was present."""

    check_id: uuid.UUID
    pow_id: uuid.UUID
    person_id: uuid.UUID
    interviewed_on: date
    outcome: str
    complete: bool
    paths: tuple[str, ...]
    witness: str | None


def _summary(check: VoluntarinessCheck) -> VoluntarinessSummary:
    return VoluntarinessSummary(
        check_id=check.id,
        pow_id=check.pow_id,
        person_id=check.person_id,
        interviewed_on=check.interviewed_on,
        outcome=check.outcome,
        complete=check.completed_at is not None,
        paths=tuple(check.paths or ()),
        witness=check.witness,
    )


def latest_voluntariness(session: Session, person_id: uuid.UUID) -> VoluntarinessSummary | None:
    """The person's latest check, complete or not (None: no check was ever recorded)."""
    check = repository.latest_check_of_person(session, person_id)
    return _summary(check) if check is not None else None


def voluntariness_completed(
    session: Session, person_id: uuid.UUID, path: PrisonerPath | str | None = None
) -> bool:
    """Whether the person's latest complete check found their choice voluntary (and, with
    `path`, records that path as their own choice)."""
    check = repository.latest_check_of_person(session, person_id, completed=True)
    if check is None or check.outcome != Outcome.VOLUNTARY:
        return False
    return path is None or str(path) in (check.paths or [])


def require_voluntary(
    session: Session,
    record: PowRecord,
    path: PrisonerPath,
    check: VoluntarinessCheck | None = None,
    *,
    none_message: str = NO_CHECK,
) -> VoluntarinessCheck:
    """The check that allows this path change, or a 409 saying why not and what to do.

    With `check` (the one the officer chose), it must be this prisoner's, complete, voluntary,
    for this path and the latest complete one; without, the latest complete check is used.
    """
    latest = repository.latest_check_of_person(session, record.person_id, completed=True)
    if check is None or check.pow_id != record.id:
        if check is not None or latest is None:
            raise VoluntarinessRequired(none_message)
        check = latest
    if check.completed_at is None:
        raise VoluntarinessRequired(INCOMPLETE)
    if latest is not None and latest.id != check.id:
        raise VoluntarinessRequired(REPLACED)
    if check.outcome != Outcome.VOLUNTARY:
        raise VoluntarinessRequired(NOT_VOLUNTARY)
    if str(path) not in (check.paths or []):
        raise VoluntarinessRequired(OTHER_PATH)
    return check


def _visit(session: Session, actor: Actor, record: PowRecord, data: VoluntarinessIn) -> None:
    """An ICRC visit named as the independent presence must be to this prisoner's place (when
    known) on the day of the interview."""
    if data.icrc_visit_id is None:
        return
    visit = repository.visit_by_id(session, data.icrc_visit_id)
    if (
        visit is None
        or not in_scope(actor, visit)
        or visit.visited_on != data.interviewed_on
        or (record.place_id is not None and visit.place_id != record.place_id)
    ):
        raise ValidationFailed(
            fields={
                "icrc_visit_id": N_(
                    "Choose an ICRC visit to this prisoner's place on the day of the interview."
                )
            }
        )


def record_check(
    session: Session, actor: Actor, pow_id: uuid.UUID, data: VoluntarinessIn
) -> VoluntarinessCheck:
    """Document the voluntariness interview. Every check is kept, complete or not; what an
    incomplete one lacks is listed on it (`missing`)."""
    record = get_record(session, actor, pow_id, Permission.POW_WRITE)
    if record.status not in CHECKABLE:
        raise Conflict(N_("This prisoner is no longer interned."))
    if data.interviewed_on < record.captured_on:
        raise ValidationFailed(
            fields={"interviewed_on": N_("This date cannot be before the capture.")}
        )
    _visit(session, actor, record, data)
    witness = data.witness
    check = VoluntarinessCheck(
        pow_id=record.id,
        person_id=record.person_id,
        organisation_id=record.organisation_id,
        interviewer_name=data.interviewer_name or "",
        interviewer_independent=data.interviewer_independent,
        detaining_unit_absent=data.detaining_unit_absent,
        former_commanders_absent=data.former_commanders_absent,
        interviewed_on=data.interviewed_on,
        statement_language=data.statement_language,
        paths=sorted({str(p) for p in data.paths}),
        witness=str(witness) if witness is not None else None,
        witness_name=data.witness_name if witness is Witness.INDEPENDENT else None,
        icrc_visit_id=data.icrc_visit_id if witness is Witness.ICRC else None,
        no_witness_reason=data.no_witness_reason if witness is Witness.NONE else None,
        mark=str(data.mark) if data.mark is not None else None,
        mark_attested_by=data.mark_attested_by if data.mark is not None else None,
        outcome=str(data.outcome),
        recorded_by_id=actor.user_id,
    )
    session.add(check)
    check.statement = data.statement
    check.present = data.present
    missing = check.missing
    check.completed_at = None if missing else utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.POW_VOLUNTARINESS_CHECKED,
        subject_type="pow",
        subject_id=record.id,
        organisation_id=record.organisation_id,
        changes={
            "check_id": str(check.id),
            "outcome": check.outcome,
            "complete": not missing,
            "missing": missing,
            "paths": check.paths,
            "witness": check.witness,
            "mark": check.mark,
            "statement": audit.REDACTED if data.statement else None,
            "present": audit.REDACTED if data.present else None,
        },
    )
    return check


def checks(session: Session, actor: Actor, pow_id: uuid.UUID) -> Sequence[VoluntarinessCheck]:
    record = get_record(session, actor, pow_id)
    return repository.checks_of(session, record.id)
