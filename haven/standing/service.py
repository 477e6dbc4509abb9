"""A person's standing, read from the domains that decide its parts, through their public
modules only: people (the child rule) and reception (received as a child), vetting (the
decision in force), pow (prisoner status and voluntariness checks). Nothing is stored here:
the standing is always worked out afresh, so it can never fall out of step with its parts.

These reads check no permission and write no audit event: the caller (a service that acts
on the person) has already checked that its actor may act on the person.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date

from sqlalchemy.orm import Session

from haven.errors import Conflict
from haven.kernel.clock import local_today
from haven.people.public import is_child, persons_by_id
from haven.pow.public import PowStatus, records_of_persons, voluntariness_completed
from haven.reception.public import (
    PRISONER_CLASSIFICATIONS,
    Classification,
    receptions_by_person,
)
from haven.standing.rules import GATED, PATHWAYS, Facts, Path, Standing, decide
from haven.vetting.public import VettingStatus, vetting_statuses


def _voluntary_paths(session: Session, person_id: uuid.UUID) -> frozenset[Path]:
    """The pathways a completed voluntariness check found to be the prisoner's own choice."""
    return frozenset(
        path for path in PATHWAYS if voluntariness_completed(session, person_id, str(path))
    )


def standings(
    session: Session, person_ids: Iterable[uuid.UUID], *, on: date | None = None
) -> dict[uuid.UUID, Standing]:
    """The standing of each person (every id given is answered), in a constant number of
    queries per batch, plus three for each prisoner whose path a voluntariness check gates."""
    wanted = list(dict.fromkeys(person_ids))
    today = on or local_today()
    persons = persons_by_id(session, wanted)
    receptions = receptions_by_person(session, wanted)
    vetting = vetting_statuses(session, wanted)
    captives = [
        person_id
        for person_id in wanted
        if any(e.classification in PRISONER_CLASSIFICATIONS for e in receptions.get(person_id, []))
    ]
    records = records_of_persons(session, captives)
    found: dict[uuid.UUID, Standing] = {}
    for person_id in wanted:
        person = persons.get(person_id)
        events = receptions.get(person_id, [])
        child = is_child(
            person.birth_year if person is not None else None,
            on=today,
            received_as_child=any(e.classification == Classification.CHILD for e in events),
        )
        record = records.get(person_id)
        prisoner = PowStatus(record.status) if record is not None else None
        found[person_id] = decide(
            Facts(
                person_id=person_id,
                child=child,
                vetting=vetting.get(person_id, VettingStatus.PENDING),
                prisoner=prisoner,
                voluntary_paths=(
                    _voluntary_paths(session, person_id) if prisoner in GATED else frozenset()
                ),
            )
        )
    return found


def standing_of(session: Session, person_id: uuid.UUID, *, on: date | None = None) -> Standing:
    """The person's standing: its state, why, and what it leaves open."""
    return standings(session, [person_id], on=on)[person_id]


def require_may_choose(session: Session, person_id: uuid.UUID, path: Path | str) -> Standing:
    """The person's standing, or a Conflict (409) naming the standing when `path` is closed
    to them (the message says what remains open)."""
    standing = standing_of(session, person_id)
    refusal = standing.refusal(path)
    if refusal is not None:
        raise Conflict(refusal, code="standing_refuses")
    return standing


def require_may_serve(session: Session, person_id: uuid.UUID) -> Standing:
    """For every step of serving (the choice, the rank's verification, the posting): a
    Conflict (409) naming the standing when serving is closed to the person."""
    return require_may_choose(session, person_id, Path.SERVE)
