"""Crossing day: desks registering arrivals against the roll, late links, reconciliation.

Desks (CROSSING_DESK: registrars at the crossing's site, negotiators) see the agreements in
executing state within their scope by code name, and the roll (names, ranks, units); never
the parties or the terms. The roll's names are encrypted (`models.RollEntry`): the desk's
search decrypts the agreement's roll (one query, one data key) and matches in Haven.

Exactly once, with several desks at once:
- the roll entry's row is locked (`SELECT … FOR UPDATE`: a row lock on PostgreSQL, the
  write lock on SQLite, where the request's reads before it took none) before anything is
  written, and what decides is read again after the lock;
- `agreement_arrivals.roll_entry_id` is unique, so a second registration of the same
  person fails in the database even if the check above were bypassed;
- each desk submission carries an idempotency key, unique per agreement: a retried or
  double-clicked submission returns the registration already made, not a second one.
The reception itself goes through the reception domain's `receive`, in a SAVEPOINT with the
arrival: a refused claim leaves no person or reception event behind.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from haven.agreements import repository, roll
from haven.agreements import service as agreements
from haven.agreements.lifecycle import LINKABLE, AgreementStatus
from haven.agreements.models import Agreement, Arrival, RollEntry
from haven.agreements.schemas import (
    DeskRegistration,
    MissingPerson,
    Reconciliation,
    ReconciliationLine,
)
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.errors import Conflict, NotFound, ValidationFailed
from haven.families.public import agreement_families
from haven.forces.public import unit_labels
from haven.i18n import N_, Text
from haven.kernel.keys import name_key, query_part
from haven.people.public import person_by_id
from haven.reception.public import (
    Classification,
    ReceptionCreate,
    latest_reception,
    link_agreement,
    receive,
    receptions_by_id,
)
from haven.security.fields import unmasked
from haven.security.permissions import Actor, Permission, in_scope, require

log = logging.getLogger("haven.agreements")


def _desk_agreement(session: Session, actor: Actor, agreement_id: uuid.UUID) -> Agreement:
    """An executing agreement within the desk user's scope (404 otherwise)."""
    agreement = repository.agreement(session, agreement_id)
    if agreement is None or agreement.status != AgreementStatus.EXECUTING:
        raise NotFound
    require(actor, Permission.CROSSING_DESK, agreement)
    return agreement


@dataclass(frozen=True)
class DeskLine:
    agreement: Agreement
    expected: int
    arrived: int
    mine: int


def desk_agreements(session: Session, actor: Actor) -> list[DeskLine]:
    """Agreements being executed where the actor may register arrivals, with counts."""
    require(actor, Permission.CROSSING_DESK)
    found = repository.executing_at(session, actor)
    ids = [a.id for a in found]
    total, mine = repository.arrival_counts(session, ids, actor.user_id)
    sizes = repository.roll_sizes(session, ids)
    return [
        DeskLine(
            agreement=a,
            expected=sizes.get(a.id, 0),
            arrived=total.get(a.id, 0),
            mine=mine.get(a.id, 0),
        )
        for a in found
    ]


def desk_line(session: Session, actor: Actor, agreement_id: uuid.UUID) -> DeskLine:
    agreement = _desk_agreement(session, actor, agreement_id)
    total, mine = repository.arrival_counts(session, [agreement.id], actor.user_id)
    return DeskLine(
        agreement=agreement,
        expected=repository.roll_size(session, agreement.id),
        arrived=total.get(agreement.id, 0),
        mine=mine.get(agreement.id, 0),
    )


def search_roll(
    session: Session, actor: Actor, agreement_id: uuid.UUID, q: str
) -> list[tuple[RollEntry, bool]]:
    """Roll entries matching the query (name in either script, unit, company), and whether
    each has arrived already. Called on every keystroke: one query for entries, one for claims."""
    agreement = _desk_agreement(session, actor, agreement_id)
    key = query_part(q)
    if not key:
        return []
    entries = [e for e in repository.roll_of(session, agreement.id) if _finds(e, key)]
    entries = entries[:SEARCH_LIMIT]
    claimed = repository.claimed_entries(session, [e.id for e in entries])
    return [(e, e.id in claimed) for e in entries]


SEARCH_LIMIT = 15


def _finds(entry: RollEntry, key: str) -> bool:
    """Whether the query's key is part of the entry's name (either script), unit or company."""
    return (
        key in name_key(entry.name_latin, entry.name_my)
        or key in (entry.unit_text or "").lower()
        or key in (entry.company or "").lower()
    )


def roll_entry(
    session: Session, actor: Actor, agreement_id: uuid.UUID, entry_id: uuid.UUID
) -> tuple[RollEntry, Arrival | None]:
    agreement = _desk_agreement(session, actor, agreement_id)
    entry = repository.roll_entry(session, entry_id)
    if entry is None or entry.agreement_id != agreement.id:
        raise NotFound
    return entry, repository.arrival_for_entry(session, entry.id)


@dataclass(frozen=True)
class Registered:
    arrival: Arrival
    created: bool  # False: the same submission had already been registered


def _desk_actor(actor: Actor) -> Actor:
    """Registering at a crossing desk receives the person: CROSSING_DESK carries that right
    for the agreement's roll (negotiators staff desks without RECEPTION_RECORD)."""
    if actor.can(Permission.RECEPTION_RECORD):
        return actor
    return dataclasses.replace(actor, permissions=actor.permissions | {Permission.RECEPTION_RECORD})


SAVED_MEANWHILE = N_(
    "Another registration was being saved at the same moment. Nothing was saved: send it again."
)


def _met_constraint(
    session: Session,
    agreement: Agreement,
    entry: RollEntry | None,
    data: DeskRegistration,
    error: IntegrityError,
) -> Registered:
    """After a constraint stopped a registration (rolled back whole): the same submission
    registered meanwhile (a double click, a retry), or the person registered at another desk
    (409), or else another registration saved at the same moment met this one (409: send it
    again; the constraint's name is logged, never a value)."""
    existing = _already(session, agreement, data.idempotency_key)
    if existing is not None:
        return Registered(existing, created=False)
    if entry is not None and repository.arrival_for_entry(session, entry.id) is not None:
        raise Conflict(N_("This person has already been registered at another desk.")) from None
    log.warning("registration met a constraint", extra={"constraint": _constraint(error)})
    raise Conflict(SAVED_MEANWHILE) from None


def _constraint(error: IntegrityError) -> str:
    """The violated constraint's name (PostgreSQL) or SQLite's message, which names the
    table and column, never the values."""
    name = getattr(getattr(error.orig, "diag", None), "constraint_name", None)
    return str(name) if name else str(error.orig)  # SQLite: "UNIQUE constraint failed: t.c"


def _already(session: Session, agreement: Agreement, key: str) -> Arrival | None:
    return repository.arrival_by_key(session, agreement.id, key)


def register_arrival(
    session: Session, actor: Actor, agreement_id: uuid.UUID, data: DeskRegistration
) -> Registered:
    """Register one arrival at a desk: a reception (minimum identity, weapons) and its claim
    on the roll entry, exactly once across desks and retries."""
    agreement = _desk_agreement(session, actor, agreement_id)
    existing = _already(session, agreement, data.idempotency_key)
    if existing is not None:
        return Registered(existing, created=False)
    entry: RollEntry | None = None
    if data.roll_entry_id is not None:
        entry = repository.lock_roll_entry(session, data.roll_entry_id)
        if entry is None or entry.agreement_id != agreement.id:
            raise ValidationFailed(
                fields={"roll_entry_id": N_("This person is not on this agreement's roll.")}
            )
        # After the lock: whatever another desk committed meanwhile is visible now.
        existing = _already(session, agreement, data.idempotency_key)
        if existing is not None:
            return Registered(existing, created=False)
        if repository.arrival_for_entry(session, entry.id) is not None:
            raise Conflict(N_("This person has already been registered at another desk."))
    if data.classification is Classification.CHILD:
        # No military question is asked of a child, nor stored: the roll's rank, unit and
        # position are not carried over, and what the desk sent is dropped the same way.
        data = data.model_copy(update={"rank_id": None, "origin_unit": None, "position": None})
        entry_military = False
    else:
        entry_military = entry is not None
    site_id = agreement.site_id
    if site_id is None:  # pragma: no cover - executing requires a site
        raise Conflict(N_("Choose the reception point of the crossing before executing."))
    # The desk's right to the roll was checked above: the entry's identity (encrypted) is
    # copied into the reception whatever the reader, as the desk confirmed it.
    with unmasked(session):
        created = _reception_of(data, entry, entry_military, agreement, site_id)
    savepoint = session.begin_nested()
    try:
        event = receive(session, _desk_actor(actor), created)
        arrival = Arrival(
            agreement_id=agreement.id,
            organisation_id=agreement.organisation_id,
            roll_entry_id=entry.id if entry else None,
            reception_id=event.id,
            person_id=event.person_id,
            idempotency_key=data.idempotency_key,
            desk=data.desk,
            via="desk",
            recorded_by_id=actor.user_id,
            weapons_received=sum(w.quantity for w in data.weapons),
            family_moved=data.family_moved,
        )
        session.add(arrival)
        session.flush()
    except IntegrityError as error:
        savepoint.rollback()
        return _met_constraint(session, agreement, entry, data, error)
    except BaseException:
        if savepoint.is_active:
            savepoint.rollback()
        raise
    savepoint.commit()
    audit.record(
        session,
        actor,
        AuditAction.AGREEMENT_ARRIVAL_REGISTERED,
        subject_type="agreement",
        subject_id=agreement.id,
        organisation_id=agreement.organisation_id,
        changes={
            "person_id": {"before": None, "after": str(arrival.person_id)},
            "on_roll": {"before": None, "after": entry is not None},
        },
    )
    return Registered(arrival, created=True)


def _reception_of(
    data: DeskRegistration,
    entry: RollEntry | None,
    entry_military: bool,
    agreement: Agreement,
    site_id: uuid.UUID,
) -> ReceptionCreate:
    """The reception a desk registers: what the desk sent, else what the roll entry says."""
    return ReceptionCreate.model_validate(
        {
            "text_encoding": data.text_encoding,
            "name_my": data.name_my or (entry.name_my if entry else None),
            "name_latin": data.name_latin or (entry.name_latin if entry else None),
            "prefix": entry.prefix if entry else None,
            "classification": data.classification,
            "site_id": site_id,
            "birth_year": data.birth_year
            if data.birth_year is not None
            else (entry.birth_year if entry else None),
            "sex": data.sex,
            "rank_id": data.rank_id or (entry.rank_id if entry and entry_military else None),
            # The roll's force for the row (police, militia, BGF); None: the Myanmar army.
            "origin_force_id": entry.force_id if entry and entry_military else None,
            "origin_unit": data.origin_unit
            or (entry.unit_text if entry and entry_military else None),
            "position": data.position or (entry.position if entry and entry_military else None),
            "agreement_id": agreement.id,
            "weapons": [w.model_dump() for w in data.weapons],
        }
    )


# --- the appeal stays open -----------------------------------------------------------------


def link_person(
    session: Session,
    actor: Actor,
    agreement_id: uuid.UUID,
    person_id: uuid.UUID,
    *,
    roll_entry_id: uuid.UUID | None = None,
) -> Arrival:
    """Link someone received individually to the agreement afterwards.

    Their latest reception without an agreement gets the agreement's id; a roll entry is
    matched when given, or when exactly one unclaimed entry has the same name key.
    """
    agreement = agreements.get_for_writer(session, actor, agreement_id)
    if AgreementStatus(agreement.status) not in LINKABLE:
        raise Conflict(
            Text(
                N_(
                    "Only a finalized, executing or completed agreement can take arrivals; this "
                    "one is {state}."
                ),
                {"state": agreement.status},
            )
        )
    person = person_by_id(session, person_id)
    if person is None or not in_scope(actor, person) or person.is_erased:
        raise ValidationFailed(fields={"person_id": N_("Choose a person of this organisation.")})
    if repository.arrival_of_person(session, agreement.id, person.id) is not None:
        raise Conflict(N_("This person is already linked to this agreement."))
    event = latest_reception(session, person.id)
    if event is None:
        raise ValidationFailed(fields={"person_id": N_("This person has no reception to link.")})
    if event.agreement_id is not None and event.agreement_id != agreement.id:
        raise Conflict(N_("This person's reception is already linked to another agreement."))
    entry = _entry_for_link(
        session,
        agreement,
        roll.name_index_of(session, person.name_latin, person.name_my),
        roll_entry_id,
    )
    link_agreement(event, agreement.id)
    arrival = Arrival(
        agreement_id=agreement.id,
        organisation_id=agreement.organisation_id,
        roll_entry_id=entry.id if entry else None,
        reception_id=event.id,
        person_id=person.id,
        via="linked",
        recorded_by_id=actor.user_id,
    )
    savepoint = session.begin_nested()
    try:
        session.add(arrival)
        session.flush()
    except IntegrityError:
        savepoint.rollback()
        raise Conflict(
            N_("This roll entry or this reception is already matched to an arrival.")
        ) from None
    savepoint.commit()
    audit.record(
        session,
        actor,
        AuditAction.AGREEMENT_PERSON_LINKED,
        subject_type="agreement",
        subject_id=agreement.id,
        organisation_id=agreement.organisation_id,
        changes={
            "person_id": {"before": None, "after": str(person.id)},
            "roll_entry_id": {"before": None, "after": str(entry.id) if entry else None},
        },
    )
    return arrival


def _entry_for_link(
    session: Session,
    agreement: Agreement,
    name_index: str | None,
    roll_entry_id: uuid.UUID | None,
) -> RollEntry | None:
    if roll_entry_id is not None:
        entry = repository.lock_roll_entry(session, roll_entry_id)
        if entry is None or entry.agreement_id != agreement.id:
            raise ValidationFailed(
                fields={"roll_entry_id": N_("This person is not on this agreement's roll.")}
            )
        if repository.arrival_for_entry(session, entry.id) is not None:
            raise Conflict(N_("This roll entry is already matched to an arrival."))
        return entry
    if name_index is None:
        return None
    candidates = repository.entries_with_name_index(session, agreement.id, name_index)
    claimed = repository.claimed_entries(session, [c.id for c in candidates])
    free = [c for c in candidates if c.id not in claimed]
    return free[0] if len(free) == 1 else None


# --- reconciliation ------------------------------------------------------------------------

NO_UNIT = "—"


def _unit_label(
    entry: RollEntry | None, units: dict[uuid.UUID, str], event_unit: str | None
) -> str:
    if entry is not None:
        if entry.unit_id and entry.unit_id in units:
            return units[entry.unit_id]
        return entry.unit_text or NO_UNIT
    return event_unit or NO_UNIT


def reconcile(session: Session, actor: Actor, agreement_id: uuid.UUID) -> Reconciliation:
    """Expected, arrived, missing and unexpected by unit and company; weapons and families.

    Everyone on the roll without an arrival is listed for follow-up (they may have been
    caught); once the agreement is completed the list is flagged as the follow-up list.
    """
    agreement = agreements.get_for_team(session, actor, agreement_id)
    entries = repository.roll_of(session, agreement.id)
    arrivals = repository.arrivals_of(session, agreement.id)
    unit_ids = {e.unit_id for e in entries if e.unit_id}
    events = receptions_by_id(session, [a.reception_id for a in arrivals]) if arrivals else {}
    unit_ids |= {ev.origin_unit_id for ev in events.values() if ev.origin_unit_id}
    units = unit_labels(session, unit_ids) if unit_ids else {}
    lines: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_entry = {a.roll_entry_id: a for a in arrivals if a.roll_entry_id}
    follow_up: list[MissingPerson] = []
    for entry in entries:
        key = (_unit_label(entry, units, None), entry.company or NO_UNIT)
        line = lines[key]
        line["expected"] += 1
        line["weapons_expected"] += entry.weapons_expected
        line["family_expected"] += entry.family_expected
        arrival = by_entry.get(entry.id)
        if arrival is None:
            line["missing"] += 1
            follow_up.append(
                MissingPerson(
                    roll_entry_id=entry.id,
                    row_number=entry.row_number,
                    name=" · ".join(n for n in (entry.name_my, entry.name_latin) if n),
                    unit=key[0],
                    company=key[1],
                )
            )
        else:
            line["arrived"] += 1
            line["weapons_received"] += arrival.weapons_received
            line["family_moved"] += arrival.family_moved
    for arrival in arrivals:
        if arrival.roll_entry_id is not None:
            continue
        event = events.get(arrival.reception_id)
        event_unit = None
        if event is not None:
            event_unit = (
                units.get(event.origin_unit_id) if event.origin_unit_id else event.origin_unit_text
            )
        line = lines[(event_unit or NO_UNIT, NO_UNIT)]
        line["unexpected"] += 1
        line["weapons_received"] += arrival.weapons_received
        line["family_moved"] += arrival.family_moved
    out = [_line(unit, company, values) for (unit, company), values in sorted(lines.items())]
    totals: dict[str, int] = defaultdict(int)
    for values in lines.values():
        for name, count in values.items():
            totals[name] += count
    return Reconciliation(
        agreement_id=agreement.id,
        status=AgreementStatus(agreement.status),
        totals=_line("", "", totals),
        lines=out,
        follow_up=follow_up,
        follow_up_flagged=agreement.status == AgreementStatus.COMPLETED,
        families=agreement_families(session, agreement.id),
    )


def _line(unit: str, company: str, values: dict[str, int]) -> ReconciliationLine:
    names = (
        "expected",
        "arrived",
        "missing",
        "unexpected",
        "weapons_expected",
        "weapons_received",
        "family_expected",
        "family_moved",
    )
    return ReconciliationLine(unit=unit, company=company, **{n: values.get(n, 0) for n in names})


def arrivals(session: Session, actor: Actor, agreement_id: uuid.UUID) -> Sequence[Arrival]:
    agreement = agreements.get_for_team(session, actor, agreement_id)
    return repository.arrivals_of(session, agreement.id)
