"""Rules for forces, rank tables, positions (appointments), units and their equivalence."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.errors import Conflict, NotFound, ValidationFailed
from haven.forces import repository
from haven.forces.models import (
    Force,
    Position,
    PositionEquivalence,
    Rank,
    RankAlias,
    RankEquivalence,
    Unit,
)
from haven.forces.ranktext import rank_key
from haven.forces.reference import (
    MYANMAR_ARMY,
    MYANMAR_ARMY_POSITIONS,
    RECEIVING_FORCE_POSITIONS,
    REFERENCE_FORCES,
    ForceTable,
)
from haven.forces.schemas import ForceKind
from haven.i18n import N_, Text
from haven.security.permissions import Actor, Permission, require
from haven.text import UncertainEncoding
from haven.text.units import parse_unit

MAX_ALIAS = 100


def ensure_reference_data(session: Session) -> Force:
    """The reference forces (the Myanmar military, the Myanmar Police Force, the People's
    Militia and Pyusawhti, the Border Guard Force) exist with their rank tables and the
    aliases of their ranks; the military has its appointments, and every receiving force the
    standard appointments (idempotent; run by `haven db upgrade`). Returns the military."""
    found = repository.forces_by_name(session, [table.name for table in REFERENCE_FORCES])
    for table in REFERENCE_FORCES:
        if table.name not in found:
            found[table.name] = create_force(
                session, Actor.system(), name=table.name, name_my=table.name_my, kind=table.kind
            )
    ids = [found[table.name].id for table in REFERENCE_FORCES]
    ranks = repository.ranks_by_force(session, ids)
    aliases = repository.aliases_by_force(session, ids)
    for table in REFERENCE_FORCES:
        force = found[table.name]
        _seed_ranks(session, force, table, ranks.get(force.id, []), aliases.get(force.id, []))
    army = found[MYANMAR_ARMY]
    _seed_positions(session, army.id, MYANMAR_ARMY_POSITIONS)
    for receiving in repository.receiving_forces(session):
        _seed_positions(session, receiving.id, RECEIVING_FORCE_POSITIONS)
    session.flush()
    return army


def _seed_ranks(
    session: Session,
    force: Force,
    table: ForceTable,
    existing: Sequence[Rank],
    aliases: Sequence[RankAlias],
) -> None:
    """Add the table's ranks the force lacks (by place in the table: a rank an administrator
    put there is left alone), and the table's aliases of a rank that has none yet (so an
    administrator's own list stays as they left it)."""
    by_seniority = {rank.seniority: rank for rank in existing}
    added = False
    for row in table.ranks:
        if row.seniority not in by_seniority:
            rank = Rank(
                force_id=force.id,
                seniority=row.seniority,
                name_en=row.name_en,
                name_my=row.name_my,
                verified=row.verified,
                pay_group=row.pay_group,
            )
            session.add(rank)
            by_seniority[row.seniority] = rank
            added = True
    if added:
        session.flush()
    with_aliases = {alias.rank_id for alias in aliases}
    taken = {alias.key for alias in aliases} | {
        key for rank in by_seniority.values() for key in _name_keys(rank)
    }
    for row in table.ranks:
        rank = by_seniority[row.seniority]
        if rank.name_en != row.name_en or rank.id in with_aliases:
            continue
        for text in row.aliases:
            key = rank_key(text)
            if key and key not in taken:
                session.add(RankAlias(force_id=force.id, rank_id=rank.id, text=text, key=key))
                taken.add(key)


def _name_keys(rank: Rank) -> set[str]:
    return {rank_key(name) for name in (rank.name_en, rank.name_my) if name} - {""}


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
    keys = _force_keys(session, force_id)
    for field, name in (("name_en", name_en), ("name_my", name_my)):
        if name and rank_key(name) in keys:
            raise Conflict(fields={field: N_("Another rank of this force is written so.")})
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
    aliases: Sequence[str] | None = None,
) -> Rank:
    """Correct a rank's Burmese name or mark it verified (entries from unverified sources);
    `aliases`, when given, replaces the other ways the rank is written."""
    rank = get_rank(session, actor, rank_id)
    require(actor, Permission.REFERENCE_MANAGE)
    if name_my and name_my != rank.name_my and rank_key(name_my) in _other_keys(session, rank):
        raise Conflict(fields={"name_my": N_("Another rank of this force is written so.")})
    before = {"name_my": rank.name_my, "verified": rank.verified}
    rank.name_my, rank.verified = name_my, verified
    changes = audit.diff(before, {"name_my": rank.name_my, "verified": rank.verified})
    if aliases is not None:
        changes |= _replace_aliases(session, rank, aliases)
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


def _other_keys(session: Session, rank: Rank) -> dict[str, Rank]:
    """Every key by which another rank of the rank's force is written (names and aliases)."""
    return _force_keys(session, rank.force_id, besides=rank.id)


def _force_keys(
    session: Session, force_id: uuid.UUID, *, besides: uuid.UUID | None = None
) -> dict[str, Rank]:
    """Every key by which a rank of the force (other than `besides`) is written."""
    others = {r.id: r for r in repository.ranks_of(session, force_id) if r.id != besides}
    keys: dict[str, Rank] = {}
    for alias in repository.aliases_by_force(session, [force_id]).get(force_id, []):
        if alias.rank_id in others:
            keys[rank_key(alias.text)] = others[alias.rank_id]
    for other in others.values():
        keys |= dict.fromkeys(_name_keys(other), other)
    return keys


def _replace_aliases(session: Session, rank: Rank, written: Sequence[str]) -> dict[str, object]:
    """Make the rank's aliases exactly `written` (blank entries and repeats dropped); an
    alias written like another rank of the force is refused (409 on `aliases`)."""
    wanted: dict[str, str] = {}
    for text in written:
        alias = " ".join(text.split())
        if not alias:
            continue
        key = rank_key(alias)
        if not key or len(alias) > MAX_ALIAS:
            raise ValidationFailed(
                fields={"aliases": N_("Write each other form in up to 100 letters or digits.")}
            )
        if key not in _name_keys(rank):
            wanted.setdefault(key, alias)
    others = _other_keys(session, rank)
    for key, alias in wanted.items():
        if key in others:
            raise Conflict(
                fields={
                    "aliases": Text(
                        N_("“{alias}” already names another rank of this force: {rank}."),
                        {"alias": alias[:40], "rank": others[key].name_en},
                    )
                }
            )
    current = repository.aliases_by_rank(session, [rank.id]).get(rank.id, [])
    before = [row.text for row in current]
    kept: set[str] = set()
    for row in current:
        if row.key in wanted and row.text == wanted[row.key]:
            kept.add(row.key)
        else:
            session.delete(row)
    session.flush()
    for key, alias_text in wanted.items():
        if key not in kept:
            session.add(
                RankAlias(force_id=rank.force_id, rank_id=rank.id, text=alias_text, key=key)
            )
    session.flush()
    after = list(wanted.values())
    if sorted(before) == sorted(after):
        return {}
    return {"aliases": {"before": before, "after": after}}


def rank_aliases(session: Session, rank_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    """Each rank's aliases as written, batched (reference data: no actor needed)."""
    found = repository.aliases_by_rank(session, rank_ids)
    return {rank_id: [alias.text for alias in aliases] for rank_id, aliases in found.items()}


@dataclass(frozen=True)
class RankLookup:
    """Every way of writing the ranks of some forces, read once: force id -> key -> rank id.

    A rank's names (English, Burmese) and aliases match whatever the case, spacing,
    punctuation and the spelling of a romanised syllable (`ranktext.rank_key`); a name wins
    over another rank's alias. Text in Zawgyi is converted by the caller first.
    """

    keys: dict[uuid.UUID, dict[str, uuid.UUID]]

    def find(self, force_id: uuid.UUID, written: str | None) -> uuid.UUID | None:
        """The id of the force's rank written so, or None: never a guess."""
        key = rank_key(written) if written else ""
        return self.keys.get(force_id, {}).get(key) if key else None


def rank_lookup(session: Session, actor: Actor, force_ids: Iterable[uuid.UUID]) -> RankLookup:
    """The rank lookup of these forces, in a constant number of queries."""
    require(actor, Permission.REFERENCE_READ)
    ids = list(dict.fromkeys(force_ids))
    ranks = repository.ranks_by_force(session, ids)
    aliases = repository.aliases_by_force(session, ids)
    keys: dict[uuid.UUID, dict[str, uuid.UUID]] = {}
    for force_id in ids:
        table = {rank_key(alias.text): alias.rank_id for alias in aliases.get(force_id, [])}
        for rank in reversed(ranks.get(force_id, [])):  # the most senior's name last: it wins
            table |= dict.fromkeys(_name_keys(rank), rank.id)
        table.pop("", None)
        keys[force_id] = table
    return RankLookup(keys=keys)


def find_rank(session: Session, actor: Actor, force_id: uuid.UUID, written: str) -> Rank | None:
    """The force's rank written so (a name, an abbreviation, a short form or a
    romanisation), or None: what a form asks when a rank is typed."""
    get_force(session, actor, force_id)
    rank_id = rank_lookup(session, actor, [force_id]).find(force_id, written)
    return repository.rank_by_id(session, rank_id) if rank_id else None


@dataclass(frozen=True)
class ForceLookup:
    """Every force by the ways a roll names it: its names and, for the reference forces,
    their usual names (Tatmadaw, MPF, Pyusawhti, BGF …), matched like ranks."""

    keys: dict[str, uuid.UUID]

    def find(self, written: str | None) -> uuid.UUID | None:
        key = rank_key(written) if written else ""
        return self.keys.get(key) if key else None


def force_lookup(session: Session, actor: Actor) -> ForceLookup:
    forces = list_forces(session, actor)
    by_name = {force.name: force for force in forces}
    keys: dict[str, uuid.UUID] = {}
    for table in REFERENCE_FORCES:
        force = by_name.get(table.name)
        if force is not None:
            keys |= {rank_key(alias): force.id for alias in table.aliases}
    for force in forces:
        keys |= {rank_key(name): force.id for name in (force.name, force.name_my) if name}
    keys.pop("", None)
    return ForceLookup(keys=keys)


# Units first named at two field nodes are one unit at headquarters (docs/field-sites.md): a
# unit's id is made from what makes it unique (force, kind, number), so both laptops make the
# same id and headquarters finds the unit already there.
UNIT_IDS = uuid.UUID("5b0f5c9e-3f3c-4d1e-9a57-2b7f3f6c1a10")


def unit_id(force_id: uuid.UUID, kind: str, number: str) -> uuid.UUID:
    return uuid.uuid5(UNIT_IDS, f"{force_id}:{kind}:{number}")


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
    unit = Unit(
        id=unit_id(force_id, code.kind, code.number),
        force_id=force_id,
        kind=code.kind,
        number=code.number,
    )
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


def resolve_units(
    session: Session, actor: Actor, force_id: uuid.UUID, written: Iterable[str]
) -> dict[str, uuid.UUID | None]:
    """`resolve_unit` for many texts at once (an import's chunk): the known units in one
    query, the new ones created together, each audited as `resolve_unit` audits it. A text
    whose encoding cannot be told is left out (resolving it alone raises the question)."""
    codes: dict[str, tuple[str, str] | None] = {}
    for text in dict.fromkeys(written):
        try:
            parsed = parse_unit(text)
        except UncertainEncoding:
            continue
        codes[text] = (parsed.kind, parsed.number) if parsed is not None else None
    known = repository.units_by_code(session, force_id, {c for c in codes.values() if c})
    new: dict[tuple[str, str], Unit] = {}
    for code in codes.values():
        if code is not None and code not in known and code not in new:
            new[code] = Unit(
                id=unit_id(force_id, code[0], code[1]),
                force_id=force_id,
                kind=code[0],
                number=code[1],
            )
    if new:
        session.add_all(new.values())
        session.flush()
        audit.record_many(
            session,
            actor,
            [
                audit.Entry(
                    AuditAction.UNIT_CREATED,
                    subject_type="unit",
                    subject_id=unit.id,
                    organisation_id=None,
                    changes={"label": {"before": None, "after": unit.label}},
                )
                for unit in new.values()
            ],
        )
    units = known | new
    return {text: units[code].id if code else None for text, code in codes.items()}


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
