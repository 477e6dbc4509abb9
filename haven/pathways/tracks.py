"""The three pathway tracks that follow a choice: serve, going home, exile.

Each has its lifecycle in `lifecycle`; an illegal move is a Conflict (409). A track is
worked only while the person's current choice is that pathway and the case is active.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from haven.agreements.public import (
    PostingOverrideRecord,
    ServiceTerms,
    posting_overrides_for_person,
    record_posting_override,
    service_terms_for_person,
)
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.types import utcnow
from haven.errors import Conflict, NotFound, ValidationFailed
from haven.forces.public import (
    Position,
    Rank,
    equivalent_position,
    equivalent_rank,
    get_force,
    position_by_id,
    positions_by_force,
    positions_by_id,
    rank_by_id,
    ranks_by_force,
    ranks_by_id,
    resolve_position,
)
from haven.i18n import N_, Text
from haven.kernel.clock import local_today
from haven.pathways import repository
from haven.pathways.lifecycle import (
    EXILE_STEP,
    HOME,
    SERVE,
    ExileStepName,
    ExileStepStatus,
    HomeStatus,
    Pathway,
    ServeStatus,
)
from haven.pathways.models import Case, ExilePlan, ExileStep, HomePlan, HomeVisit, ServeRecord
from haven.pathways.schemas import (
    ExilePlanIn,
    ExileStepMove,
    HomeMove,
    HomePlanIn,
    SafetyIn,
    ServeClaimIn,
    ServeOverrideIn,
    ServePostIn,
    ServeVerifyIn,
    VisitIn,
)
from haven.pathways.service import get_case, person_is_child, require_active
from haven.people.public import person_by_id
from haven.reception.public import latest_reception
from haven.security.fields import unmasked
from haven.security.permissions import Actor, Permission, require
from haven.standing.public import require_may_serve


def _record(
    session: Session,
    actor: Actor,
    action: AuditAction,
    subject_type: str,
    subject_id: uuid.UUID,
    organisation_id: uuid.UUID,
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


def _working_case(session: Session, actor: Actor, case_id: uuid.UUID, pathway: Pathway) -> Case:
    case = get_case(session, actor, case_id, Permission.CASE_WRITE)
    require_active(case)
    current = repository.current_choice(session, case.person_id)
    if current is None or current.pathway != pathway:
        raise Conflict(N_("The person's current choice is another pathway."))
    return case


# --- serve --------------------------------------------------------------------------------
#
# Rank and position equivalence are taken on the date the person's terms were fixed: the
# agreement's (its finalization), else the person's reception — never "today", so a table
# changed later does not change what was promised. Where the agreement retains ranks or
# positions, a posting below the equivalent is refused unless a programme manager records an
# override with a reason (kept and listed by the agreements domain). Every step asks the
# person's standing (`haven.standing`): only someone who may serve is claimed, verified or
# posted.


def serve(session: Session, actor: Actor, case: Case) -> ServeRecord | None:
    require(actor, Permission.CASE_READ, case)
    return repository.serve_of(session, case.id)


def _serve_of_case(session: Session, case: Case) -> ServeRecord:
    record = repository.serve_of(session, case.id)
    if record is None:  # pragma: no cover - made with the choice
        raise NotFound
    person = person_by_id(session, case.person_id)
    if person is None or person_is_child(session, person):
        raise Conflict(N_("A child cannot be given the serve pathway."))
    require_may_serve(session, case.person_id)
    return record


def _serve_record(session: Session, actor: Actor, case_id: uuid.UUID) -> ServeRecord:
    case = _working_case(session, actor, case_id, Pathway.SERVE)
    return _serve_of_case(session, case)


@dataclass(frozen=True)
class Equivalents:
    """What the person's rank and position become in the receiving force, on `on`."""

    on: date
    terms: ServiceTerms | None  # the agreement's terms, None without a binding agreement
    rank: Rank | None
    position: Position | None


def terms_date(session: Session, person_id: uuid.UUID) -> tuple[date, ServiceTerms | None]:
    """The date the person's terms were fixed: the binding agreement's, else the latest
    reception's (else, for someone with no reception at all, today)."""
    terms = service_terms_for_person(session, person_id)
    if terms is not None:
        return terms.terms_on, terms
    event = latest_reception(session, person_id, military_only=True)
    if event is not None:
        return event.received_on, None
    return local_today(), None


def _source_position_id(record: ServeRecord) -> uuid.UUID | None:
    return record.verified_position_id or record.claimed_position_id


def equivalents(session: Session, actor: Actor, record: ServeRecord) -> Equivalents:
    """The equivalent rank and position on the terms date (lookups, never guesses)."""
    on, terms = terms_date(session, record.person_id)
    receiving = record.receiving_force_id
    rank = (
        equivalent_rank(
            session,
            actor,
            source_rank_id=record.claimed_rank_id,
            receiving_force_id=receiving,
            on=on,
        )
        if receiving and record.claimed_rank_id
        else None
    )
    source_position = _source_position_id(record)
    position = (
        equivalent_position(
            session,
            actor,
            source_position_id=source_position,
            receiving_force_id=receiving,
            on=on,
        )
        if receiving and source_position
        else None
    )
    return Equivalents(on=on, terms=terms, rank=rank, position=position)


def _propose(session: Session, actor: Actor, record: ServeRecord) -> Equivalents:
    found = equivalents(session, actor, record)
    record.equivalence_on = found.on
    record.proposed_rank_id = found.rank.id if found.rank else None
    record.proposed_position_id = found.position.id if found.position else None
    return found


def _source_position(
    session: Session, actor: Actor, record: ServeRecord, position_id: uuid.UUID, field: str
) -> Position:
    """A position of the person's former force (the claimed rank's, never the receiving
    force's)."""
    position = position_by_id(session, position_id)
    rank = rank_by_id(session, record.claimed_rank_id) if record.claimed_rank_id else None
    if (
        position is None
        or position.force_id == record.receiving_force_id
        or (rank is not None and position.force_id != rank.force_id)
    ):
        raise ValidationFailed(
            fields={field: N_("Choose a position of the force the person served in.")}
        )
    return position


def claim_rank(
    session: Session, actor: Actor, case_id: uuid.UUID, data: ServeClaimIn
) -> ServeRecord:
    """Record the claimed rank and position and propose the receiving force's rank and
    position from the equivalence tables in force on the terms date (lookups, never guesses:
    no equivalence, no proposal). A written position that names exactly one of the former
    force's appointments is resolved to it; the words stay as the person said them."""
    record = _serve_record(session, actor, case_id)
    if record.status not in (ServeStatus.CLAIMED, ServeStatus.DISPUTED):
        raise Conflict(N_("The rank was already verified; it can no longer be changed."))
    receiving = get_force(session, actor, data.receiving_force_id)
    if not receiving.is_receiving:
        raise ValidationFailed(fields={"receiving_force_id": N_("Choose a receiving force.")})
    record.receiving_force_id = receiving.id
    if data.claimed_rank_id is not None:
        rank = rank_by_id(session, data.claimed_rank_id)
        if rank is None or rank.force_id == receiving.id:
            raise ValidationFailed(fields={"claimed_rank_id": N_("Choose a valid option.")})
        record.claimed_rank_id = rank.id
    if data.claimed_position is not None:
        record.claimed_position = data.claimed_position
    if data.claimed_position_id is not None:
        position = _source_position(
            session, actor, record, data.claimed_position_id, "claimed_position_id"
        )
        record.claimed_position_id = position.id
    elif record.claimed_position_id is None and record.claimed_rank_id and record.claimed_position:
        former = rank_by_id(session, record.claimed_rank_id)
        resolved = (
            resolve_position(session, former.force_id, record.claimed_position) if former else None
        )
        record.claimed_position_id = resolved.id if resolved else None
    found = _propose(session, actor, record)
    session.flush()
    _record(
        session,
        actor,
        AuditAction.SERVE_CHANGED,
        "serve_record",
        record.id,
        record.organisation_id,
        claimed_rank_id={"before": None, "after": str(record.claimed_rank_id)},
        claimed_position_id={"before": None, "after": str(record.claimed_position_id)},
        proposed_rank_id={"before": None, "after": str(record.proposed_rank_id)},
        proposed_position_id={"before": None, "after": str(record.proposed_position_id)},
        equivalence_on={"before": None, "after": found.on.isoformat()},
    )
    return record


def verify_rank(
    session: Session, actor: Actor, case_id: uuid.UUID, data: ServeVerifyIn
) -> ServeRecord:
    """claimed → verified | disputed; disputed → verified. Verifying needs evidence; it
    records the verified position (the claimed one unless the evidence says another) and
    proposes again, on the terms date."""
    record = _serve_record(session, actor, case_id)
    target = ServeStatus(data.status)
    SERVE.check(record.status, target)
    if target is ServeStatus.VERIFIED and not data.evidence:
        raise ValidationFailed(
            fields={
                "evidence": N_(
                    "Say what verifies the rank: documents, the agreement's roll or peers."
                )
            }
        )
    if target is ServeStatus.VERIFIED:
        if data.position_id is not None:
            position = _source_position(session, actor, record, data.position_id, "position_id")
            record.verified_position_id = position.id
        else:
            record.verified_position_id = record.claimed_position_id
        _propose(session, actor, record)
        if record.proposed_rank_id is None:
            raise Conflict(
                N_("Propose the receiving-force rank (from the equivalence table) first.")
            )
    record.evidence = sorted({str(e) for e in data.evidence})
    record.verification_note = data.note
    SERVE.move(
        session,
        actor,
        record,
        target,
        changes={
            "evidence": {"before": None, "after": ",".join(record.evidence)},
            "verified_position_id": {"before": None, "after": str(record.verified_position_id)},
            "proposed_position_id": {"before": None, "after": str(record.proposed_position_id)},
        },
    )
    session.flush()
    return record


@dataclass(frozen=True)
class Shortfall:
    """Where a posting falls below what the agreement retains."""

    kind: str  # "rank" or "position"
    kept: Rank | Position | None  # the equivalent on the terms date; None: no equivalence
    posted: Rank | Position | None


def _named(item: Rank | Position | None) -> str:
    if item is None:
        return "—"
    return f"{item.name_en} · {item.name_my}" if item.name_my else item.name_en


def _posting_targets(
    session: Session,
    record: ServeRecord,
    rank_id: uuid.UUID | None,
    position_id: uuid.UUID | None,
) -> tuple[Rank | None, Position | None]:
    """The receiving force's rank (default: the proposed one) and position of a posting."""
    rank_id = rank_id or record.proposed_rank_id
    rank = rank_by_id(session, rank_id) if rank_id else None
    if rank_id is not None and (rank is None or rank.force_id != record.receiving_force_id):
        raise ValidationFailed(fields={"rank_id": N_("Choose a rank of the receiving force.")})
    position = position_by_id(session, position_id) if position_id else None
    if position_id is not None and (
        position is None or position.force_id != record.receiving_force_id
    ):
        raise ValidationFailed(
            fields={"position_id": N_("Choose a position of the receiving force.")}
        )
    return rank, position


def shortfalls(
    record: ServeRecord, found: Equivalents, rank: Rank | None, position: Position | None
) -> list[Shortfall]:
    """What a posting to `rank` and `position` takes away that the agreement retains."""
    terms = found.terms
    if terms is None:
        return []
    short: list[Shortfall] = []
    rank_below = found.rank is None or rank is None or rank.seniority > found.rank.seniority
    if terms.ranks_retained and record.claimed_rank_id is not None and rank_below:
        short.append(Shortfall("rank", found.rank, rank))
    if terms.positions_retained:
        if _source_position_id(record) is None:
            if record.claimed_position:
                raise Conflict(
                    N_(
                        "The agreement retains the person's position: record the position "
                        "they held from their force's table before posting."
                    )
                )
        elif found.position is not None and position is None:
            raise ValidationFailed(
                fields={
                    "position_id": N_(
                        "The agreement retains the person's position: choose the position "
                        "of the posting from the receiving force's table."
                    )
                }
            )
        elif found.position is None or (
            position is not None and position.grade > found.position.grade
        ):
            short.append(Shortfall("position", found.position, position))
    return short


def _refusal(short: Shortfall, on: date) -> Conflict:
    params = {"kept": _named(short.kept), "posted": _named(short.posted), "date": on.isoformat()}
    if short.kept is None:
        message = (
            N_(
                "The agreement retains the person's rank, but no rank equivalence is defined "
                "on {date}, the date the terms were fixed: an administrator adds it, or a "
                "programme manager records an override with a reason."
            )
            if short.kind == "rank"
            else N_(
                "The agreement retains the person's position, but no position equivalence is "
                "defined on {date}, the date the terms were fixed: an administrator adds it, "
                "or a programme manager records an override with a reason."
            )
        )
    else:
        message = (
            N_(
                "The agreement retains the person's rank: {posted} is below {kept}, the "
                "equivalent rank on {date}, the date the terms were fixed. A programme manager "
                "may allow this posting by recording an override with a reason."
            )
            if short.kind == "rank"
            else N_(
                "The agreement retains the person's position: {posted} is below {kept}, the "
                "equivalent position on {date}, the date the terms were fixed. A programme "
                "manager may allow this posting by recording an override with a reason."
            )
        )
    return Conflict(Text(message, params), code="below_terms")


def _covering_override(
    session: Session,
    record: ServeRecord,
    terms: ServiceTerms,
    short: list[Shortfall],
    rank: Rank | None,
    position: Position | None,
) -> PostingOverrideRecord | None:
    """The newest override that allows exactly this posting, if any."""
    kinds = {s.kind for s in short}
    for found in posting_overrides_for_person(session, terms.agreement_id, record.person_id):
        rank_ok = "rank" not in kinds or (rank is not None and found.to_rank_id == rank.id)
        position_ok = "position" not in kinds or (
            position is not None and found.to_position_id == position.id
        )
        if rank_ok and position_ok:
            return found
    return None


def post(session: Session, actor: Actor, case_id: uuid.UUID, data: ServePostIn) -> ServeRecord:
    """verified → posted: the unit, the rank and position, the personnel number.

    Where the agreement retains ranks or positions, a posting below the equivalent on the
    terms date is refused (409) unless a programme manager's override allows exactly it."""
    record = _serve_record(session, actor, case_id)
    SERVE.check(record.status, ServeStatus.POSTED)
    rank, position = _posting_targets(session, record, data.rank_id, data.position_id)
    found = equivalents(session, actor, record)
    short = shortfalls(record, found, rank, position)
    override = None
    if short and found.terms is not None:
        override = _covering_override(session, record, found.terms, short, rank, position)
        if override is None:
            raise _refusal(short[0], found.on)
    if repository.personnel_number_taken(session, data.personnel_number):
        raise ValidationFailed(
            fields={"personnel_number": N_("This personnel number is already in use.")}
        )
    record.posted_unit = data.unit
    record.posted_position = data.position or (position.name_en if position else None)
    record.posted_rank_id = rank.id if rank else None
    record.posted_position_id = position.id if position else None
    record.posting_override_id = override.id if override else None
    record.personnel_number = data.personnel_number
    record.equivalence_on = found.on
    SERVE.move(  # stamps posted_at
        session,
        actor,
        record,
        ServeStatus.POSTED,
        changes={
            "posted_unit": {"before": None, "after": record.posted_unit},
            "posted_rank_id": {"before": None, "after": str(record.posted_rank_id)},
            "posted_position_id": {"before": None, "after": str(record.posted_position_id)},
            "posting_override_id": {"before": None, "after": str(record.posting_override_id)},
        },
    )
    session.flush()
    return record


def override_posting(
    session: Session, actor: Actor, case_id: uuid.UUID, data: ServeOverrideIn
) -> PostingOverrideRecord:
    """A programme manager (POSTING_OVERRIDE) allows a posting below what the agreement
    retains, with a reason: recorded and audited on the agreement, listed on its page. The
    case worker then posts the person to exactly that rank and position."""
    case = get_case(session, actor, case_id, Permission.POSTING_OVERRIDE)
    require_active(case)
    current = repository.current_choice(session, case.person_id)
    if current is None or current.pathway != Pathway.SERVE:
        raise Conflict(N_("The person's current choice is another pathway."))
    record = _serve_of_case(session, case)
    if record.status != ServeStatus.VERIFIED:
        raise Conflict(
            N_("An override is recorded once the rank is verified and before the posting.")
        )
    rank, position = _posting_targets(session, record, data.rank_id, data.position_id)
    found = equivalents(session, actor, record)
    terms = found.terms
    if terms is None or not (terms.ranks_retained or terms.positions_retained):
        raise Conflict(
            N_(
                "The person's agreement retains neither rank nor position: there is nothing to "
                "override."
            )
        )
    short = shortfalls(record, found, rank, position)
    if not short:
        raise Conflict(N_("This posting keeps what the agreement retains: no override is needed."))
    by_kind = {s.kind: s for s in short}
    kept_rank = by_kind["rank"].kept if "rank" in by_kind else None
    kept_position = by_kind["position"].kept if "position" in by_kind else None
    return record_posting_override(
        session,
        actor,
        agreement_id=terms.agreement_id,
        person_id=record.person_id,
        terms_on=found.on,
        from_rank_id=kept_rank.id if kept_rank else None,
        to_rank_id=rank.id if rank and "rank" in by_kind else None,
        from_position_id=kept_position.id if kept_position else None,
        to_position_id=position.id if position and "position" in by_kind else None,
        reason=data.reason,
    )


@dataclass(frozen=True)
class ServeView:
    """What the serve section of a case (and the override page) shows, read at once."""

    equivalence_on: date
    terms: ServiceTerms | None
    ranks: dict[uuid.UUID, Rank]
    positions: dict[uuid.UUID, Position]
    source_positions: list[Position]  # the former force's appointments
    receiving_ranks: list[Rank]
    receiving_positions: list[Position]
    overrides: list[PostingOverrideRecord]


def serve_view(session: Session, actor: Actor, case: Case, record: ServeRecord) -> ServeView:
    """The serve record's ranks and positions by id, the forces' tables for the forms, the
    terms date and what the agreement retains, and the overrides already recorded."""
    may_override = actor.can(Permission.POSTING_OVERRIDE) and not actor.can(Permission.CASE_READ)
    require(actor, Permission.POSTING_OVERRIDE if may_override else Permission.CASE_READ, case)
    on, terms = terms_date(session, record.person_id)
    rank_ids = (record.claimed_rank_id, record.proposed_rank_id, record.posted_rank_id)
    ranks = ranks_by_id(session, rank_ids)
    position_ids = (
        record.claimed_position_id,
        record.verified_position_id,
        record.proposed_position_id,
        record.posted_position_id,
    )
    former = ranks.get(record.claimed_rank_id) if record.claimed_rank_id else None
    receiving = record.receiving_force_id
    tables = positions_by_force(session, [former.force_id if former else None, receiving])
    receiving_ranks = ranks_by_force(session, [receiving]).get(receiving, []) if receiving else []
    overrides = (
        posting_overrides_for_person(session, terms.agreement_id, record.person_id)
        if terms is not None
        else []
    )
    return ServeView(
        equivalence_on=on,
        terms=terms,
        ranks=ranks,
        positions=positions_by_id(session, position_ids),
        source_positions=tables.get(former.force_id, []) if former else [],
        receiving_ranks=list(receiving_ranks),
        receiving_positions=tables.get(receiving, []) if receiving else [],
        overrides=overrides,
    )


# --- going home ---------------------------------------------------------------------------


def home(session: Session, actor: Actor, case: Case) -> HomePlan | None:
    require(actor, Permission.CASE_READ, case)
    return repository.home_of(session, case.id)


def _home_plan(session: Session, actor: Actor, case_id: uuid.UUID) -> HomePlan:
    case = _working_case(session, actor, case_id, Pathway.HOME)
    plan = repository.home_of(session, case.id)
    if plan is None:  # pragma: no cover - made with the choice
        raise NotFound
    return plan


def plan_home(session: Session, actor: Actor, case_id: uuid.UUID, data: HomePlanIn) -> HomePlan:
    """Destination, reunification and support; changing the destination sends the plan back
    to planning (its safety must be assessed again)."""
    plan = _home_plan(session, actor, case_id)
    if plan.status not in (HomeStatus.PLANNING, HomeStatus.ASSESSED):
        raise Conflict(N_("The person has already returned: record follow-up visits instead."))
    with unmasked(session):
        moved = (plan.township, plan.village) != (data.township, data.village)
    plan.township = data.township
    plan.village = data.village
    plan.reunification = data.reunification
    plan.support = sorted({str(s) for s in data.support})
    if moved and plan.status == HomeStatus.ASSESSED:
        # A new destination is assessed again; the move is recorded with the plan's change.
        HOME.check(plan.status, HomeStatus.PLANNING)
        plan.status = HomeStatus.PLANNING.value
        plan.risk = None
    session.flush()
    _record(
        session,
        actor,
        AuditAction.HOME_PLAN_CHANGED,
        "home_plan",
        plan.id,
        plan.organisation_id,
        destination="<changed>" if moved else "<unchanged>",
        reunification={"before": None, "after": plan.reunification},
    )
    return plan


def assess_safety(session: Session, actor: Actor, case_id: uuid.UUID, data: SafetyIn) -> HomePlan:
    """planning → assessed: the risk and the plan. A return to an area the regime controls
    is never assessed 'low'."""
    plan = _home_plan(session, actor, case_id)
    HOME.check(plan.status, HomeStatus.ASSESSED)
    with unmasked(session):
        has_destination = plan.township is not None
    if not has_destination:
        raise ValidationFailed(fields={"township": N_("Record the destination first.")})
    if data.regime_controlled and data.risk == "low":
        raise ValidationFailed(
            fields={
                "risk": N_(
                    "Returning to an area the regime controls is dangerous: the risk cannot be low."
                )
            }
        )
    plan.regime_controlled = data.regime_controlled
    plan.risk = data.risk
    plan.safety_plan = data.safety_plan
    HOME.move(
        session,
        actor,
        plan,
        HomeStatus.ASSESSED,
        changes={"risk": {"before": None, "after": plan.risk}, "safety_plan": "<changed>"},
    )
    session.flush()
    return plan


def move_home(session: Session, actor: Actor, case_id: uuid.UUID, data: HomeMove) -> HomePlan:
    """Move the plan along its table (assessed → returned → following_up → completed)."""
    plan = _home_plan(session, actor, case_id)
    target = HomeStatus(data.status)
    if target is HomeStatus.ASSESSED:
        raise Conflict(N_("Assess the safety of the return to move the plan to assessed."))
    HOME.check(plan.status, target)
    if target is HomeStatus.RETURNED:
        if data.returned_on is None or data.returned_on > local_today():
            raise ValidationFailed(fields={"returned_on": N_("Enter the date of return.")})
        plan.returned_on = data.returned_on
    if target is HomeStatus.FOLLOWING_UP and not repository.visits_of(session, plan.id):
        raise Conflict(N_("Record a follow-up visit first."))
    HOME.move(session, actor, plan, target)
    session.flush()
    return plan


def add_visit(session: Session, actor: Actor, case_id: uuid.UUID, data: VisitIn) -> HomeVisit:
    plan = _home_plan(session, actor, case_id)
    if plan.status not in (HomeStatus.RETURNED, HomeStatus.FOLLOWING_UP):
        raise Conflict(N_("Follow-up visits are recorded after the person has returned."))
    if data.visited_on > local_today() or (
        plan.returned_on is not None and data.visited_on < plan.returned_on
    ):
        raise ValidationFailed(
            fields={"visited_on": N_("The visit must fall between the return and today.")}
        )
    visit = HomeVisit(
        plan_id=plan.id,
        person_id=plan.person_id,
        organisation_id=plan.organisation_id,
        visited_on=data.visited_on,
        visited_by_id=actor.user_id,
    )
    visit.notes = data.notes
    session.add(visit)
    session.flush()
    _record(
        session,
        actor,
        AuditAction.HOME_VISIT_ADDED,
        "home_visit",
        visit.id,
        plan.organisation_id,
        visited_on={"before": None, "after": data.visited_on.isoformat()},
    )
    return visit


def visits(session: Session, actor: Actor, plan: HomePlan) -> Sequence[HomeVisit]:
    require(actor, Permission.CASE_READ, plan)
    return repository.visits_of(session, plan.id)


# --- exile --------------------------------------------------------------------------------


def exile(session: Session, actor: Actor, case: Case) -> ExilePlan | None:
    require(actor, Permission.CASE_READ, case)
    return repository.exile_of(session, case.id)


def exile_steps(session: Session, actor: Actor, plan: ExilePlan) -> Sequence[ExileStep]:
    require(actor, Permission.CASE_READ, plan)
    return repository.exile_steps(session, plan.id)


def _exile_plan(session: Session, actor: Actor, case_id: uuid.UUID) -> ExilePlan:
    case = _working_case(session, actor, case_id, Pathway.EXILE)
    plan = repository.exile_of(session, case.id)
    if plan is None:  # pragma: no cover - made with the choice
        raise NotFound
    return plan


def plan_exile(session: Session, actor: Actor, case_id: uuid.UUID, data: ExilePlanIn) -> ExilePlan:
    plan = _exile_plan(session, actor, case_id)
    plan.host_organisation = data.host_organisation
    plan.host_country = data.host_country
    session.flush()
    _record(
        session,
        actor,
        AuditAction.EXILE_CHANGED,
        "exile_plan",
        plan.id,
        plan.organisation_id,
        host_organisation={"before": None, "after": plan.host_organisation},
        host_country="<changed>",
    )
    return plan


def move_exile_step(
    session: Session, actor: Actor, case_id: uuid.UUID, step: str, data: ExileStepMove
) -> ExileStep:
    """Move one step (pending → in_progress → done, or blocked and back). A step starts
    only when the one before it is done; travel starts only with a host named."""
    plan = _exile_plan(session, actor, case_id)
    steps = list(repository.exile_steps(session, plan.id))
    found = next((s for s in steps if s.step == step), None)
    if found is None:
        raise NotFound
    target = ExileStepStatus(data.status)
    EXILE_STEP.check(found.status, target)
    if target is ExileStepStatus.IN_PROGRESS and found.status == ExileStepStatus.PENDING:
        earlier = [s for s in steps if s.position < found.position]
        if any(s.status != ExileStepStatus.DONE for s in earlier):
            raise Conflict(N_("Finish the step before this one first."))
        if step != ExileStepName.DOCUMENTS and not (plan.host_organisation and plan.host_country):
            raise Conflict(N_("Name the host organisation and country before travel."))
    if data.risks is not None:
        found.risks = data.risks
    found.changed_at = utcnow()
    EXILE_STEP.move(
        session,
        actor,
        found,
        target,
        organisation_id=plan.organisation_id,
        changes={"step": {"before": None, "after": step}},
    )
    session.flush()
    return found
