"""Rules for forces, rank tables, units and rank equivalence."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.errors import Conflict, NotFound, ValidationFailed
from haven.forces import repository
from haven.forces.models import Force, Rank, RankEquivalence, Unit
from haven.forces.reference import MYANMAR_ARMY, MYANMAR_ARMY_MY, MYANMAR_ARMY_RANKS
from haven.forces.schemas import ForceKind
from haven.i18n import N_
from haven.security.permissions import Actor, Permission, require
from haven.text.units import parse_unit


def ensure_reference_data(session: Session) -> Force:
    """The Myanmar military and its rank table exist (idempotent; run by `haven db upgrade`)."""
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
    session.flush()
    return force


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
    if effective_to is not None and effective_to <= effective_from:
        raise ValidationFailed(fields={"effective_to": N_("The end must be after the start.")})
    for other in repository.equivalences(session, receiving_force_id, source_rank_id):
        other_end = other.effective_to or date.max
        end = effective_to or date.max
        if effective_from < other_end and other.effective_from < end:
            raise Conflict(
                fields={"effective_from": N_("This period overlaps an existing equivalence.")}
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
