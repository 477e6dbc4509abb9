"""Rules for forces, rank tables, positions (appointments), units and their equivalence."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.errors import Conflict, NotFound, ValidationFailed
from haven.forces import repository
from haven.forces.models import Force, Position, PositionEquivalence, Rank, RankEquivalence, Unit
from haven.forces.reference import (
    MYANMAR_ARMY,
    MYANMAR_ARMY_MY,
    MYANMAR_ARMY_POSITIONS,
    MYANMAR_ARMY_RANKS,
    RECEIVING_FORCE_POSITIONS,
)
from haven.forces.schemas import ForceKind
from haven.i18n import N_
from haven.security.permissions import Actor, Permission, require
from haven.text.units import parse_unit


def ensure_reference_data(session: Session) -> Force:
    """The Myanmar military, its rank table and its appointments exist, and every receiving
    force has the standard appointments (idempotent; run by `haven db upgrade`)."""
    force = repository.force_by_name(session, MYANMAR_ARMY)
    if force is None:
        force = create_force(
            session,
            Actor.system(),
            name=MYANMAR_ARMY,
            name_my=MYANMAR_ARMY_MY,
            kind=ForceKind.STATE_ARMY,
        )
    existing = {r.seniority for r in repository.ranks_of(session, force.id)}
    for seniority, name_en, name_my, verified, pay_group in MYANMAR_ARMY_RANKS:
        if seniority not in existing:
            session.add(
                Rank(
                    force_id=force.id,
                    seniority=seniority,
                    name_en=name_en,
                    name_my=name_my,
                    verified=verified,
                    pay_group=pay_group,
                )
            )
    _seed_positions(session, force.id, MYANMAR_ARMY_POSITIONS)
    for receiving in repository.receiving_forces(session):
        _seed_positions(session, receiving.id, RECEIVING_FORCE_POSITIONS)
    session.flush()
    return force


def _seed_positions(
    session: Session,
    force_id: uuid.UUID,
    table: Sequence[tuple[str, int, str, str | None, bool]],
) -> None:
    """Add the table's appointments the force lacks (by code; a name an administrator gave
    already is left alone)."""
    existing = repository.positions_of(session, force_id)
    codes = {p.code for p in existing}
    names = {p.name_en.casefold() for p in existing}
    for code, grade, name_en, name_my, verified in table:
        if code in codes or name_en.casefold() in names:
            continue
        session.add(
            Position(
                force_id=force_id,
                code=code,
                grade=grade,
                name_en=name_en,
                name_my=name_my,
                verified=verified,
            )
        )
    session.flush()


def create_force(
    session: Session, actor: Actor, *, name: str, kind: str, name_my: str | None = None
) -> Force:
    require(actor, Permission.REFERENCE_MANAGE)
    if kind not in set(ForceKind):
        raise ValidationFailed(fields={"kind": N_("Choose one of the options.")})
    if repository.force_by_name(session, name):
        raise Conflict(fields={"name": N_("A force with this name already exists.")})
    force = Force(
        name=name, name_my=name_my, kind=str(kind), is_receiving=kind == ForceKind.RECEIVING
    )
    session.add(force)
    session.flush()
    if force.is_receiving:
        _seed_positions(session, force.id, RECEIVING_FORCE_POSITIONS)
    audit.record(
        session,
        actor,
        AuditAction.FORCE_CREATED,
        subject_type="force",
        subject_id=force.id,
        organisation_id=None,
        changes={"name": {"before": None, "after": name}, "kind": {"before": None, "after": kind}},
    )
    return force


def get_force(session: Session, actor: Actor, force_id: uuid.UUID) -> Force:
    require(actor, Permission.REFERENCE_READ)
    force = repository.force_by_id(session, force_id)
    if force is None:
        raise NotFound
    return force


def list_forces(session: Session, actor: Actor) -> Sequence[Force]:
    require(actor, Permission.REFERENCE_READ)
    return repository.forces(session)


def list_ranks(session: Session, actor: Actor, force_id: uuid.UUID) -> Sequence[Rank]:
    get_force(session, actor, force_id)
    return repository.ranks_of(session, force_id)


def get_rank(session: Session, actor: Actor, rank_id: uuid.UUID) -> Rank:
    require(actor, Permission.REFERENCE_READ)
    rank = repository.rank_by_id(session, rank_id)
    if rank is None:
        raise NotFound
    return rank


def add_rank(
    session: Session,
    actor: Actor,
    *,
    force_id: uuid.UUID,
    seniority: int,
    name_en: str,
    name_my: str | None = None,
    verified: bool = False,
    pay_group: str | None = None,
) -> Rank:
    get_force(session, actor, force_id)
    require(actor, Permission.REFERENCE_MANAGE)
    if any(r.seniority == seniority for r in repository.ranks_of(session, force_id)):
        raise Conflict(fields={"seniority": N_("This force already has a rank at this place.")})
    rank = Rank(
        force_id=force_id,
        seniority=seniority,
        name_en=name_en,
        name_my=name_my,
        verified=verified,
        pay_group=pay_group,
    )
    session.add(rank)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.RANK_CREATED,
        subject_type="rank",
        subject_id=rank.id,
        organisation_id=None,
        changes={"name_en": {"before": None, "after": name_en}},
    )
    return rank


def update_rank(
    session: Session,
    actor: Actor,
    rank_id: uuid.UUID,
    *,
    name_my: str | None,
    verified: bool,
) -> Rank:
    """Correct a rank's Burmese name or mark it verified (entries from unverified sources)."""
    rank = get_rank(session, actor, rank_id)
    require(actor, Permission.REFERENCE_MANAGE)
    before = {"name_my": rank.name_my, "verified": rank.verified}
    rank.name_my, rank.verified = name_my, verified
    changes = audit.diff(before, {"name_my": rank.name_my, "verified": rank.verified})
    if changes:
        audit.record(
            session,
            actor,
            AuditAction.RANK_UPDATED,
            subject_type="rank",
            subject_id=rank.id,
            organisation_id=None,
            changes=changes,
        )
    return rank


def resolve_unit(session: Session, actor: Actor, force_id: uuid.UUID, written: str) -> Unit | None:
    """The unit a person wrote ("LIB 531", "ခလရ ၅၃၁" …), created on first mention.

    Returns None when the text is not a recognisable unit: the text is then kept as written
    and nothing is guessed.
    """
    code = parse_unit(written)
    if code is None:
        return None
    unit = repository.unit_by_code(session, force_id, code.kind, code.number)
    if unit is not None:
        return unit
    unit = Unit(force_id=force_id, kind=code.kind, number=code.number)
    session.add(unit)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.UNIT_CREATED,
        subject_type="unit",
        subject_id=unit.id,
        organisation_id=None,
        changes={"label": {"before": None, "after": unit.label}},
    )
    return unit


def add_equivalence(
    session: Session,
    actor: Actor,
    *,
    receiving_force_id: uuid.UUID,
    source_rank_id: uuid.UUID,
    target_rank_id: uuid.UUID,
    effective_from: date,
    effective_to: date | None = None,
) -> RankEquivalence:
    """Add a rank equivalence; periods for the same rank may not overlap."""
    require(actor, Permission.REFERENCE_MANAGE)
    receiving = get_force(session, actor, receiving_force_id)
    target = get_rank(session, actor, target_rank_id)
    get_rank(session, actor, source_rank_id)
    if not receiving.is_receiving or target.force_id != receiving.id:
        raise ValidationFailed(
            fields={"target_rank_id": N_("Choose a rank of the receiving force.")}
        )
    _check_period(
        repository.equivalences(session, receiving_force_id, source_rank_id),
        effective_from,
        effective_to,
    )
    equivalence = RankEquivalence(
        receiving_force_id=receiving_force_id,
        source_rank_id=source_rank_id,
        target_rank_id=target_rank_id,
        effective_from=effective_from,
        effective_to=effective_to,
    )
    session.add(equivalence)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.RANK_EQUIVALENCE_ADDED,
        subject_type="rank_equivalence",
        subject_id=equivalence.id,
        organisation_id=None,
        changes={
            "target_rank_id": {"before": None, "after": str(target_rank_id)},
            "effective_from": {"before": None, "after": effective_from.isoformat()},
        },
    )
    return equivalence


def _check_period(
    others: Sequence[RankEquivalence | PositionEquivalence],
    effective_from: date,
    effective_to: date | None,
) -> None:
    """The period is well formed and overlaps no other equivalence of the same source."""
    if effective_to is not None and effective_to <= effective_from:
        raise ValidationFailed(fields={"effective_to": N_("The end must be after the start.")})
    end = effective_to or date.max
    for other in others:
        other_end = other.effective_to or date.max
        if effective_from < other_end and other.effective_from < end:
            raise Conflict(
                fields={"effective_from": N_("This period overlaps an existing equivalence.")}
            )


def equivalent_rank(
    session: Session,
    actor: Actor,
    *,
    source_rank_id: uuid.UUID,
    receiving_force_id: uuid.UUID,
    on: date,
) -> Rank | None:
    """The rank a person keeps in the receiving force on a date: a lookup, never a guess."""
    require(actor, Permission.REFERENCE_READ)
    found = repository.equivalence_on(session, receiving_force_id, source_rank_id, on)
    return repository.rank_by_id(session, found.target_rank_id) if found else None


# --- positions (appointments) -------------------------------------------------------------


def list_positions(session: Session, actor: Actor, force_id: uuid.UUID) -> Sequence[Position]:
    """The force's appointments, most senior first."""
    get_force(session, actor, force_id)
    return repository.positions_of(session, force_id)


def get_position(session: Session, actor: Actor, position_id: uuid.UUID) -> Position:
    require(actor, Permission.REFERENCE_READ)
    position = repository.position_by_id(session, position_id)
    if position is None:
        raise NotFound
    return position


def add_position(
    session: Session,
    actor: Actor,
    *,
    force_id: uuid.UUID,
    grade: int,
    name_en: str,
    name_my: str | None = None,
    verified: bool = False,
) -> Position:
    """Add an appointment to a force's table (administrators)."""
    get_force(session, actor, force_id)
    require(actor, Permission.REFERENCE_MANAGE)
    if any(
        p.name_en.casefold() == name_en.casefold()
        for p in repository.positions_of(session, force_id)
    ):
        raise Conflict(fields={"name_en": N_("This force already has a position of this name.")})
    position = Position(
        force_id=force_id, grade=grade, name_en=name_en, name_my=name_my, verified=verified
    )
    session.add(position)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.POSITION_CREATED,
        subject_type="position",
        subject_id=position.id,
        organisation_id=None,
        changes={
            "name_en": {"before": None, "after": name_en},
            "grade": {"before": None, "after": grade},
        },
    )
    return position


def update_position(
    session: Session,
    actor: Actor,
    position_id: uuid.UUID,
    *,
    name_my: str | None,
    verified: bool,
) -> Position:
    """Correct a position's Burmese name or mark it verified."""
    position = get_position(session, actor, position_id)
    require(actor, Permission.REFERENCE_MANAGE)
    before = {"name_my": position.name_my, "verified": position.verified}
    position.name_my, position.verified = name_my, verified
    changes = audit.diff(before, {"name_my": position.name_my, "verified": position.verified})
    if changes:
        audit.record(
            session,
            actor,
            AuditAction.POSITION_UPDATED,
            subject_type="position",
            subject_id=position.id,
            organisation_id=None,
            changes=changes,
        )
    return position


def resolve_position(session: Session, force_id: uuid.UUID, written: str | None) -> Position | None:
    """The force's position whose English or Burmese name is exactly what was written (case
    and surrounding spaces aside): a lookup, never a guess. None when nothing matches."""
    if not written or not written.strip():
        return None
    wanted = " ".join(written.split()).casefold()
    for position in repository.positions_of(session, force_id):
        names = (position.name_en, position.name_my or "")
        if any(" ".join(n.split()).casefold() == wanted for n in names if n):
            return position
    return None


def add_position_equivalence(
    session: Session,
    actor: Actor,
    *,
    receiving_force_id: uuid.UUID,
    source_position_id: uuid.UUID,
    target_position_id: uuid.UUID,
    effective_from: date,
    effective_to: date | None = None,
) -> PositionEquivalence:
    """Add a position equivalence; periods for the same position may not overlap."""
    require(actor, Permission.REFERENCE_MANAGE)
    receiving = get_force(session, actor, receiving_force_id)
    target = get_position(session, actor, target_position_id)
    source = get_position(session, actor, source_position_id)
    if not receiving.is_receiving or target.force_id != receiving.id:
        raise ValidationFailed(
            fields={"target_position_id": N_("Choose a position of the receiving force.")}
        )
    if source.force_id == receiving.id:
        raise ValidationFailed(
            fields={"source_position_id": N_("Choose a position of another force.")}
        )
    _check_period(
        repository.position_equivalences(session, receiving_force_id, source_position_id),
        effective_from,
        effective_to,
    )
    equivalence = PositionEquivalence(
        receiving_force_id=receiving_force_id,
        source_position_id=source_position_id,
        target_position_id=target_position_id,
        effective_from=effective_from,
        effective_to=effective_to,
    )
    session.add(equivalence)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.POSITION_EQUIVALENCE_ADDED,
        subject_type="position_equivalence",
        subject_id=equivalence.id,
        organisation_id=None,
        changes={
            "target_position_id": {"before": None, "after": str(target_position_id)},
            "effective_from": {"before": None, "after": effective_from.isoformat()},
        },
    )
    return equivalence


def equivalent_position(
    session: Session,
    actor: Actor,
    *,
    source_position_id: uuid.UUID,
    receiving_force_id: uuid.UUID,
    on: date,
) -> Position | None:
    """The position a person keeps in the receiving force on a date: a lookup, never a
    guess."""
    require(actor, Permission.REFERENCE_READ)
    found = repository.position_equivalence_on(session, receiving_force_id, source_position_id, on)
    return repository.position_by_id(session, found.target_position_id) if found else None
