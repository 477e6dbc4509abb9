"""Entitlements: what each person is owed, computed from the plan version in force on their
reception date (or their agreement's), kept up to date when the facts change.

Recomputing never edits money: instalments not yet in a payment keep up with the facts
(their amount changes, or they are cancelled), instalments already paid or in a batch are
frozen, and a rise above what was paid becomes a new part (a top-up). The difference is
returned, audited and posted to the ledger. An amount never goes below zero; an instalment
paid above what is now owed is reported as overpaid, for a person to decide on a reversal.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from haven.allowances import facts as facts_module
from haven.allowances import ledger
from haven.allowances.ledger import Posted
from haven.allowances.models import Instalment, PlanComponent, PlanVersion
from haven.allowances.plans import spec_of
from haven.allowances.repository import Instalments, Ledger, PlanComponents, PlanVersions
from haven.allowances.rules import ComponentSpec, Line, compute
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.types import new_id, utcnow
from haven.errors import NotFound, ValidationFailed
from haven.i18n import N_, NC_
from haven.kernel.labels import Labelled
from haven.people.public import Person, live_person_ids, person_by_id, persons_by_id
from haven.reception.public import (
    count_persons_received,
    persons_received,
    persons_received_after,
)
from haven.security.permissions import Actor, Permission, require
from haven.standing.public import Standing, standing_of

CHUNK = 500
# The most persons one audit event of a recomputation lists (a larger one writes several).
AUDIT_SUBJECTS = 1000


class StatementState(Labelled):
    """Where a statement line stands."""

    PAID = "paid", N_("Paid")
    IN_BATCH = "in_batch", N_("In a payment batch")
    DUE = "due", NC_("an instalment owed, not yet paid", "Due")
    HELD = "held", N_("Held: vetting not cleared")  # never a child's (docs/allowances.md)


@dataclass
class LineChange:
    component_code: str
    number: int
    before: int  # owed and not yet in a payment, before
    after: int
    currency: str
    overpaid: int = 0


@dataclass
class PersonChange:
    person_id: uuid.UUID
    plan_version_id: uuid.UUID | None
    changes: list[LineChange] = field(default_factory=list)
    not_eligible: dict[str, str] = field(default_factory=dict)
    problem: str | None = None

    @property
    def changed(self) -> bool:
        return any(c.before != c.after for c in self.changes)


@dataclass(frozen=True, slots=True)
class _NewPart:
    """An instalment a recomputation is about to insert (as a row, in bulk): what its ledger
    transaction needs to know of it."""

    id: uuid.UUID
    organisation_id: uuid.UUID
    person_id: uuid.UUID
    component_code: str
    currency: str


@dataclass
class _Pending:
    """Rows a recomputation writes at its end in bulk inserts, in dependency order; `at`:
    the one moment they are all stamped with."""

    at: datetime = field(default_factory=utcnow)
    instalments: list[dict[str, Any]] = field(default_factory=list)
    ledger: list[dict[str, Any]] = field(default_factory=list)
    # The ledger moves of the person being reconciled: one transaction per person.
    moves: list[tuple[Posted, int]] = field(default_factory=list)
    audits: list[tuple[uuid.UUID, uuid.UUID, dict[str, Any]]] = field(default_factory=list)

    def write(self, session: Session, actor: Actor, reason: str) -> None:
        Instalments(session).insert_rows(self.instalments)
        Ledger(session).insert_rows(self.ledger)
        _audit(session, actor, self.audits, reason)


def _audit(
    session: Session,
    actor: Actor,
    audits: Sequence[tuple[uuid.UUID, uuid.UUID, dict[str, Any]]],
    reason: str = "",
) -> None:
    """One audit event per recomputation (per organisation, and per `AUDIT_SUBJECTS`
    persons of a larger one), naming every person whose entitlements changed with what
    changed for each: the same facts a per-person event recorded, in one link of the hash
    chain. A recomputation that changed one person's entitlements writes the per-person event
    it always did (that person as the event's subject); several persons are listed in its
    `changes`, where the auditors' subject filter finds each of them."""
    by_organisation: dict[uuid.UUID, list[tuple[uuid.UUID, dict[str, Any]]]] = defaultdict(list)
    for person_id, organisation_id, changes in audits:
        by_organisation[organisation_id].append((person_id, changes))
    for organisation_id, found in by_organisation.items():
        if len(found) == 1:
            person_id, changes = found[0]
            audit.record(
                session,
                actor,
                AuditAction.ALLOWANCE_ENTITLEMENT_COMPUTED,
                subject_type="person",
                subject_id=person_id,
                organisation_id=organisation_id,
                changes={**changes, "reason": reason},
            )
            continue
        for start in range(0, len(found), AUDIT_SUBJECTS):
            part = found[start : start + AUDIT_SUBJECTS]
            audit.record(
                session,
                actor,
                AuditAction.ALLOWANCE_ENTITLEMENT_COMPUTED,
                subject_type="persons",
                subject_id=None,
                organisation_id=organisation_id,
                changes={
                    "reason": reason,
                    "count": len(part),
                    "persons": {str(person_id): changes for person_id, changes in part},
                },
            )


class _Context:
    """Plan versions and components, loaded once per organisation for a run."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.versions: dict[uuid.UUID, list[PlanVersion]] = {}
        self.components: dict[uuid.UUID, list[ComponentSpec]] = {}
        self.by_id: dict[uuid.UUID, PlanVersion] = {}

    def published(self, organisation_id: uuid.UUID) -> list[PlanVersion]:
        if organisation_id not in self.versions:
            found = PlanVersions(self.session).published(organisation_id)
            self.versions[organisation_id] = found
            self.by_id.update({v.id: v for v in found})
        return self.versions[organisation_id]

    def in_force(self, organisation_id: uuid.UUID, on: date) -> PlanVersion | None:
        for version in self.published(organisation_id):
            if version.effective_from <= on:
                return version
        return None

    def version(self, version_id: uuid.UUID, organisation_id: uuid.UUID) -> PlanVersion | None:
        self.published(organisation_id)
        version = self.by_id.get(version_id)
        if version is None:
            version = PlanVersions(self.session).get(version_id)
            if version is None or version.status != "published":
                return None
            if version.organisation_id != organisation_id:
                return None
            self.by_id[version_id] = version
        return version

    def specs(self, version_id: uuid.UUID) -> list[ComponentSpec]:
        if version_id not in self.components:
            rows = PlanComponents(self.session).of_version(version_id)
            self.components[version_id] = [spec_of(c) for c in rows]
        return self.components[version_id]


def _existing(
    session: Session, person_ids: Sequence[uuid.UUID]
) -> tuple[dict[uuid.UUID, list[Instalment]], set[uuid.UUID]]:
    """Instalments per person, and the ids of those locked (paid or in a live item)."""
    repository = Instalments(session)
    by_person: dict[uuid.UUID, list[Instalment]] = defaultdict(list)
    for row in repository.of_persons(person_ids):
        by_person[row.person_id].append(row)
    return by_person, repository.locked(person_ids)


def _reconcile_key(
    session: Session,
    person_id: uuid.UUID,
    organisation_id: uuid.UUID,
    version_id: uuid.UUID,
    parts: list[Instalment],
    line: Line | None,
    locked: set[uuid.UUID],
    *,
    write: bool,
    pending: _Pending | None = None,
) -> LineChange | None:
    owed = [p for p in parts if p.status == "owed"]
    currency = line.currency if line else (owed[0].currency if owed else "")
    frozen = sum(p.amount_minor for p in owed if p.id in locked and p.currency == currency)
    free = [p for p in owed if p.id not in locked]
    target = line.amount_minor if line else 0
    remaining = max(0, target - frozen)
    before = sum(p.amount_minor for p in free)
    if not free and remaining == 0 and frozen <= target:
        return None
    change = LineChange(
        component_code=line.component_code if line else parts[0].component_code,
        number=line.number if line else parts[0].number,
        before=before,
        after=remaining,
        currency=currency,
        overpaid=max(0, frozen - target),
    )
    if not write or pending is None:
        return change
    keep = None
    for part in free:
        if keep is None and remaining > 0 and part.currency == currency:
            keep = part
            delta = remaining - part.amount_minor
            part.amount_minor = remaining
            if line is not None:
                part.due_on = line.due_on
                part.detail = dict(line.detail)
                part.overridden = line.overridden
                part.plan_version_id = version_id
            pending.moves.append((part, delta))
        else:
            part.status = "cancelled"
            pending.moves.append((part, -part.amount_minor))
    if keep is None and remaining > 0 and line is not None:
        created = _NewPart(
            id=new_id(),
            organisation_id=organisation_id,
            person_id=person_id,
            component_code=line.component_code,
            currency=line.currency,
        )
        pending.instalments.append(
            {
                "id": created.id,
                "person_id": person_id,
                "organisation_id": organisation_id,
                "plan_version_id": version_id,
                "component_code": line.component_code,
                "number": line.number,
                "part": max((p.part for p in parts), default=-1) + 1,
                "due_on": line.due_on,
                "amount_minor": remaining,
                "currency": line.currency,
                "status": "owed",
                "overridden": line.overridden,
                "generation": 0,
                "detail": dict(line.detail),
                "created_at": pending.at,
                "updated_at": pending.at,
            }
        )
        pending.moves.append((created, remaining))
    return change


def _run(
    session: Session,
    actor: Actor,
    person_ids: Sequence[uuid.UUID],
    *,
    write: bool,
    reason: str,
    known_only: bool = False,
) -> list[PersonChange]:
    """Recompute (or preview) these persons. `known_only`: leave out, rather than report,
    the persons whose facts could not be read (erased)."""
    wanted = list(dict.fromkeys(person_ids))
    loaded = facts_module.load(session, wanted)
    if known_only:
        wanted = [person_id for person_id in wanted if person_id in loaded]
    context = _Context(session)
    existing, locked = _existing(session, wanted)
    results: list[PersonChange] = []
    pending = _Pending()
    with session.no_autoflush:
        for person_id in wanted:
            _person(session, person_id, loaded, context, existing, locked, results, pending, write)
    if write:
        pending.write(session, actor, reason)
        session.flush()
    return results


def _person(
    session: Session,
    person_id: uuid.UUID,
    loaded: dict[uuid.UUID, facts_module.PersonFacts],
    context: _Context,
    existing: dict[uuid.UUID, list[Instalment]],
    locked: set[uuid.UUID],
    results: list[PersonChange],
    pending: _Pending,
    write: bool,
) -> None:
    found = loaded.get(person_id)
    if found is None:
        results.append(
            PersonChange(person_id, None, problem=N_("No reception recorded for this person."))
        )
        return
    facts, terms = found.facts, found.terms
    version = None
    if terms is not None and terms.plan_version_id is not None:
        version = context.version(terms.plan_version_id, facts.organisation_id)
    if version is None:
        version = context.in_force(facts.organisation_id, facts.received_on)
    if version is None:
        results.append(
            PersonChange(
                person_id,
                None,
                problem=N_("No published plan version was in force on the reception date."),
            )
        )
        return
    outcome = compute(
        facts, context.specs(version.id), overrides=terms.overrides if terms else None
    )
    by_key: dict[tuple[str, int], list[Instalment]] = defaultdict(list)
    for instalment in existing.get(person_id, []):
        by_key[(instalment.component_code, instalment.number)].append(instalment)
    lines = {(line.component_code, line.number): line for line in outcome.lines}
    result = PersonChange(person_id, version.id, not_eligible=dict(outcome.not_eligible))
    for key in sorted(set(by_key) | set(lines)):
        change = _reconcile_key(
            session,
            person_id,
            facts.organisation_id,
            version.id,
            by_key.get(key, []),
            lines.get(key),
            locked,
            write=write,
            pending=pending,
        )
        if change is not None and (change.before != change.after or change.overpaid):
            result.changes.append(change)
    if write:
        pending.ledger.extend(ledger.entitlement_rows(pending.moves, at=pending.at))
        pending.moves.clear()
    if write and result.changes:
        lines_changed = {
            f"{c.component_code}#{c.number}": {
                "before": c.before,
                "after": c.after,
                "currency": c.currency,
                "overpaid": c.overpaid,
            }
            for c in result.changes
        }
        changes = {"plan_version_id": str(version.id), "lines": lines_changed}
        pending.audits.append((person_id, facts.organisation_id, changes))
    results.append(result)


def _check_people(session: Session, actor: Actor, person_ids: Sequence[uuid.UUID]) -> None:
    if actor.is_system:
        return
    for start in range(0, len(person_ids), CHUNK):
        chunk = list(person_ids[start : start + CHUNK])
        found = persons_by_id(session, chunk)
        if len(found) != len(set(chunk)) or any(
            person.organisation_id != actor.organisation_id for person in found.values()
        ):
            raise NotFound


def recompute(
    session: Session,
    actor: Actor,
    person_ids: Sequence[uuid.UUID],
    *,
    reason: str = "recompute",
) -> list[PersonChange]:
    """Bring the instalments of these persons in line with their facts and plan; audited."""
    require(actor, Permission.PAYMENT_PREPARE)
    _check_people(session, actor, person_ids)
    return _run(session, actor, person_ids, write=True, reason=reason[:100])


def keep_current(
    session: Session, actor: Actor, person_ids: Sequence[uuid.UUID], *, reason: str
) -> list[PersonChange]:
    """Bring these persons' entitlements up to date after a fact changed (a person received,
    a pathway chosen, a reception corrected, a vetting decision): run by the allowances
    domain's event handlers in the transaction of the change, whoever made it (the change
    was authorised; no one need press "Apply these changes"). Audited as any recomputation,
    with `reason`. A person with no plan in force yet simply gets nothing."""
    return _run(session, actor, person_ids, write=True, reason=reason[:100], known_only=True)


def preview(session: Session, actor: Actor, person_id: uuid.UUID) -> PersonChange:
    """What a recomputation would change for one person, without writing anything."""
    require(actor, Permission.PAYMENT_PREPARE)
    _check_people(session, actor, [person_id])
    return _run(session, actor, [person_id], write=False, reason="preview")[0]


def recompute_organisation(
    session: Session, actor: Actor, *, organisation_id: uuid.UUID | None = None
) -> list[PersonChange]:
    """Recompute everyone of the organisation who has been received."""
    require(actor, Permission.PAYMENT_PREPARE)
    organisation = organisation_id if actor.is_system else actor.organisation_id
    if organisation is None:
        raise ValidationFailed(fields={"organisation_id": N_("Name the organisation.")})
    # Everyone received by the organisation; the erased have no facts left and are skipped.
    ids = persons_received(session, organisation)
    return _run(session, actor, ids, write=True, reason="recompute all", known_only=True)


@dataclass(frozen=True)
class Part:
    """One part of a recomputation of everyone received, in the order of person ids: what
    changed, the last person of the part (the next part starts after it; None when there
    was nobody left) and how many persons the organisation has received in all."""

    changes: list[PersonChange]
    last: uuid.UUID | None
    total: int
    finished: bool


def received_count(session: Session, actor: Actor) -> int:
    """How many persons a recomputation of the actor's organisation concerns."""
    require(actor, Permission.PAYMENT_PREPARE)
    if actor.organisation_id is None:
        return 0
    return count_persons_received(session, actor.organisation_id)


def recompute_part(
    session: Session,
    actor: Actor,
    *,
    after: uuid.UUID | None,
    limit: int,
    organisation_id: uuid.UUID | None = None,
) -> Part:
    """`recompute_organisation` for the next `limit` persons (by id) after `after`: a job
    recomputes everyone a plan change touches a part at a time (`haven.allowances.jobs`),
    each part in a transaction of its own. The part's persons are written and audited as one
    recomputation."""
    require(actor, Permission.PAYMENT_PREPARE)
    organisation = organisation_id if actor.is_system else actor.organisation_id
    if organisation is None:
        raise ValidationFailed(fields={"organisation_id": N_("Name the organisation.")})
    wanted = max(1, limit)
    part = persons_received_after(session, organisation, after=after, limit=wanted)
    changes = _run(session, actor, part, write=True, reason="recompute all", known_only=True)
    return Part(
        changes=changes,
        last=part[-1] if part else after,
        total=count_persons_received(session, organisation),
        finished=len(part) < wanted,
    )


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementLine:
    instalment: Instalment
    component: PlanComponent | None
    state: StatementState
    paid_on: date | None
    receipt_reference: str | None


@dataclass(frozen=True)
class Statement:
    person: Person
    lines: list[StatementLine]
    owed: dict[str, int]
    paid: dict[str, int]
    outstanding: dict[str, int]
    payable: bool
    vetting: str | None  # None for a child: children are not vetted
    standing: Standing


def statement(session: Session, actor: Actor, person_id: uuid.UUID) -> Statement:
    """Everything a person is owed and was paid, line by line; a read that is audited."""
    person = person_by_id(session, person_id)
    if person is None or person.erased_at is not None:
        raise NotFound
    require(actor, Permission.ENTITLEMENT_READ, person)
    instalments = Instalments(session).owed_to(person_id)
    components = {
        (component.plan_version_id, component.code): component
        for component in PlanComponents(session).of_versions(
            {i.plan_version_id for i in instalments}
        )
    }
    live = Instalments(session).payments_of(person_id)
    standing = standing_of(session, person_id)
    payable = not facts_module.held(standing)
    lines: list[StatementLine] = []
    owed: dict[str, int] = defaultdict(int)
    paid: dict[str, int] = defaultdict(int)
    for instalment in instalments:
        owed[instalment.currency] += instalment.amount_minor
        hit = live.get(instalment.id)
        if hit is not None and hit[0] is not None:
            state, paid_on, receipt = StatementState.PAID, hit[0].date(), hit[1]
            paid[instalment.currency] += instalment.amount_minor
        elif hit is not None:
            state, paid_on, receipt = StatementState.IN_BATCH, None, None
        else:
            state = StatementState.DUE if payable else StatementState.HELD
            paid_on, receipt = None, None
        lines.append(
            StatementLine(
                instalment=instalment,
                component=components.get((instalment.plan_version_id, instalment.component_code)),
                state=state,
                paid_on=paid_on,
                receipt_reference=receipt,
            )
        )
    audit.record(
        session,
        actor,
        AuditAction.ALLOWANCE_STATEMENT_VIEWED,
        subject_type="person",
        subject_id=person_id,
        organisation_id=person.organisation_id,
    )
    return Statement(
        person=person,
        lines=lines,
        owed=dict(owed),
        paid=dict(paid),
        outstanding={c: owed[c] - paid.get(c, 0) for c in owed},
        payable=payable,
        vetting=str(standing.vetting) if standing.vetting is not None else None,
        standing=standing,
    )


def recently_computed(session: Session, actor: Actor, *, limit: int = 20) -> list[Person]:
    """Persons of the actor's organisation whose entitlements were computed most recently."""
    require(actor, Permission.ENTITLEMENT_READ)
    ids = Instalments(session).recently_computed(actor, live_person_ids(), limit=limit)
    found = persons_by_id(session, ids)
    return [found[person_id] for person_id in ids if person_id in found]
