"""Screening: every person against the incident registry and the watchlists.

Run at reception, whenever a person's record changes, and for the people concerned whenever
incidents or a watchlist are loaded. Two kinds of hit, each explained in plain words:
- name: the person's name may be an alleged perpetrator's or a watchlist entry's
  (`haven.vetting.names.screen_names`, the one name-matching call);
- unit and period: a unit the person served in was implicated in an incident while they
  served in it (`overlaps`, boundaries inclusive).

Screening runs as the system actor on behalf of the user whose action triggered it, and is
audited. It never decides anything: a hit opens (or reopens) the case for a vetting officer.
A child (people's child rule) is never screened: children go to child protection instead.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.types import new_id, utcnow
from haven.forces.public import ranks_by_id, unit_labels
from haven.kernel.clock import local_today
from haven.matching.public import IdentityRecord, ScreeningMatch
from haven.people.public import (
    Person,
    alias_records,
    is_child,
    name_records,
    person_by_id,
    persons_by_id,
)
from haven.reception.public import origin_units, received_as_child, receptions_by_person
from haven.security.fields import unmasked
from haven.security.permissions import Actor
from haven.text import has_myanmar
from haven.text.units import parse_unit
from haven.vetting import cases, explanations, names, repository
from haven.vetting.lifecycle import CaseState, HitKind
from haven.vetting.models import Incident, ScreeningHit, VettingCase


@dataclass(frozen=True)
class Service:
    """A stretch of service in one unit, both ends inclusive; `start` None = unknown."""

    unit: str
    start: date | None
    end: date


def months_before(day: date, months: int) -> date:
    """The first day of the month `months` months before `day`'s month."""
    index = day.year * 12 + (day.month - 1) - months
    return date(index // 12, index % 12 + 1, 1)


def service_from(received_on: date, service_months: int | None, unit: str) -> Service:
    """Reception records the length of service in months and the day of arrival: the person
    served from the first day of the month `service_months` before arrival (recall: the
    earliest day the months allow) to the day of arrival, inclusive. Unknown length: the
    start is unknown and every earlier incident of the unit counts."""
    start = months_before(received_on, service_months) if service_months is not None else None
    return Service(unit=unit, start=start, end=received_on)


def overlaps(service: Service, occurred_from: date, occurred_to: date) -> bool:
    """Whether an incident (`occurred_from`..`occurred_to`, inclusive) falls at least one
    day within the service (inclusive)."""
    if occurred_from > service.end:
        return False
    return service.start is None or occurred_to >= service.start


@dataclass(frozen=True)
class Candidate:
    kind: HitKind
    incident_id: uuid.UUID | None
    label: dict[str, str]  # who the entry is, for an explanation (decrypted, confidential)


@dataclass
class Registry:
    """The organisation's decrypted name entries, built once per screening run."""

    records: list[IdentityRecord] = field(default_factory=list)
    about: dict[uuid.UUID, Candidate] = field(default_factory=dict)
    incidents: dict[uuid.UUID, Incident] = field(default_factory=dict)


def _record(
    key: uuid.UUID,
    written: str,
    *,
    unit: str | None,
    birth_year: int | None = None,
    rank: str | None = None,
) -> IdentityRecord:
    """A list entry's identity; its name goes to the field of its script, the aliases written
    in it ("a.k.a.", `names.split_aliases`) are screened like the name, and its rank is
    compared by the rank it is, however written."""
    name, aliases = names.split_aliases(written)
    burmese = has_myanmar(name)
    return IdentityRecord(
        key=key,
        name_my=name if burmese else None,
        name_latin=None if burmese else name,
        unit=unit,
        birth_year=birth_year,
        rank=rank or None,
        aliases=aliases,
    )


def _entry_unit(text: str | None) -> str | None:
    if not text:
        return None
    code = parse_unit(text, assume="unicode")
    return code.label if code else None


def load_registry(session: Session, organisation_id: uuid.UUID) -> Registry:
    registry = Registry()
    with unmasked(session):
        for incident in repository.incidents_of_organisation(session, organisation_id):
            registry.incidents[incident.id] = incident
        for perpetrator in repository.perpetrators_of_organisation(session, organisation_id):
            name = perpetrator.name or ""
            unit = _entry_unit(perpetrator.unit)
            registry.records.append(_record(perpetrator.id, name, unit=unit, rank=perpetrator.rank))
            incident = registry.incidents[perpetrator.incident_id]
            registry.about[perpetrator.id] = Candidate(
                kind=HitKind.PERPETRATOR,
                incident_id=incident.id,
                label=explanations.perpetrator(
                    name=name,
                    rank=perpetrator.rank,
                    unit=perpetrator.unit,
                    incident=incident.reference,
                ),
            )
        lists = {
            w.id: w.name for w in repository.watchlists_of_organisation(session, organisation_id)
        }
        for entry in repository.watchlist_entries_of_organisation(session, organisation_id):
            name = entry.name or ""
            registry.records.append(
                _record(entry.id, name, unit=_entry_unit(entry.unit), birth_year=entry.birth_year)
            )
            registry.about[entry.id] = Candidate(
                kind=HitKind.WATCHLIST,
                incident_id=None,
                label=explanations.watchlist_entry(
                    name=name, watchlist=lists.get(entry.watchlist_id, "")
                ),
            )
    return registry


_CACHE = "haven.vetting_registry"


def registry_for(session: Session, organisation_id: uuid.UUID) -> Registry:
    """The organisation's registry, decrypted once per database session (a request, an
    import): bulk reception and re-screening do not decrypt the registry per person."""
    cache: dict[uuid.UUID, Registry] = session.info.setdefault(_CACHE, {})
    registry = cache.get(organisation_id)
    if registry is None:
        registry = cache[organisation_id] = load_registry(session, organisation_id)
    return registry


def forget_registry(session: Session) -> None:
    """Called whenever incidents or watchlists change in this session."""
    session.info.pop(_CACHE, None)


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session: Session, _previous: Any) -> None:
    forget_registry(session)


def services_of(session: Session, person_id: uuid.UUID) -> list[Service]:
    """The person's service in each unit recorded at reception (children have none)."""
    return _services_of_set(session, [person_id])[person_id].services


def identity_of(
    session: Session, person: Person, services: Sequence[Service], rank: str | None = None
) -> IdentityRecord:
    """What name screening compares: names, aliases, identifiers, the last unit served in
    (`identities_of` gives one record per unit) and the rank declared at reception."""
    with unmasked(session):
        nrc, service_number = person.nrc, person.service_number
    return IdentityRecord(
        key=person.id,
        name_my=person.name_my,
        name_latin=person.name_latin,
        father_name=person.father_name,
        birth_year=person.birth_year,
        birth_date=(
            date(person.birth_year, person.birth_month, person.birth_day).isoformat()
            if person.birth_year and person.birth_month and person.birth_day
            else None
        ),
        nrc=nrc,
        service_number=service_number,
        unit=services[-1].unit if services else None,
        rank=rank,
        aliases=tuple(alias for alias in (person.aliases or ()) if alias),
    )


def identities_of(
    session: Session, person: Person, services: Sequence[Service], rank: str | None = None
) -> list[IdentityRecord]:
    """`identity_of` once for each unit the person declared at reception, the last first: a
    list entry names the unit it knew, which may be one the person served in before."""
    record = identity_of(session, person, services, rank)
    units = list(dict.fromkeys(service.unit for service in reversed(services)))
    return [record] + [replace(record, unit=unit) for unit in units[1:]]


def screen_identities(
    screen: Callable[[IdentityRecord], list[ScreeningMatch]], records: Sequence[IdentityRecord]
) -> list[ScreeningMatch]:
    """Every entry any of the records (one person, one unit each) is screened to, with the
    strongest of its matches."""
    best: dict[uuid.UUID, ScreeningMatch] = {}
    for record in records:
        for match in screen(record):
            kept = best.get(match.entry_key)
            if kept is None or match.score > kept.score:
                best[match.entry_key] = match
    return sorted(best.values(), key=lambda match: (-match.score, str(match.entry_key)))


@dataclass(frozen=True)
class Found:
    kind: HitKind
    signature: str
    incident_id: uuid.UUID | None
    score: float
    explanation: str


def _name_hits(matches: Iterable[ScreeningMatch], registry: Registry) -> list[Found]:
    found: list[Found] = []
    for match in matches:
        about = registry.about.get(match.entry_key)
        if about is None:
            continue
        found.append(
            Found(
                kind=about.kind,
                signature=f"{about.kind}:{match.entry_key}",
                incident_id=about.incident_id,
                score=round(match.score, 3),
                explanation=explanations.name_hit(about.label, match.reasons),
            )
        )
    return found


def _unit_hits(
    session: Session,
    services: Sequence[Service],
    implicated: Iterable[tuple[uuid.UUID, str]],
    registry: Registry,
) -> list[Found]:
    """Unit-and-period hits: an implicated unit (`implicated`: incident id, unit code) while
    the person served in it."""
    found: list[Found] = []
    for incident_id, code in implicated:
        incident = registry.incidents.get(incident_id) or repository.incident_by_id(
            session, incident_id
        )
        if incident is None:
            continue
        for service in services:
            if service.unit != code or not overlaps(
                service, incident.occurred_from, incident.occurred_to
            ):
                continue
            found.append(
                Found(
                    kind=HitKind.UNIT_PERIOD,
                    signature=f"{HitKind.UNIT_PERIOD}:{incident.id}",
                    incident_id=incident.id,
                    score=1.0,
                    explanation=explanations.unit_hit(
                        unit=code,
                        incident=incident.reference,
                        kind=incident.kind,
                        period=incident.period_text,
                        township=incident.township,
                        start=service.start,
                        end=service.end,
                    ),
                )
            )
            break
    return found


def find_hits(session: Session, person: Person, registry: Registry) -> list[Found]:
    """Every hit for the person against the registry, explained (nothing is stored)."""
    facts = _services_of_set(session, [person.id])[person.id]
    services = facts.services
    records = identities_of(session, person, services, facts.rank)
    found = _name_hits(screen_identities(names.name_screener(registry.records), records), registry)
    units = {s.unit for s in services}
    if units:
        rows = repository.implicated_units(session, person.organisation_id, units)
        found += _unit_hits(session, services, rows, registry)
    return found


@dataclass(frozen=True)
class Subject:
    """Someone screened who is not a received person (yet): a commander party to an
    agreement, an entry of a nominal roll. They serve in the unit (`unit_id`, or the unit as
    written) since a date nobody knows until `served_until` (the expected crossing)."""

    key: uuid.UUID
    served_until: date
    name_my: str | None = None
    name_latin: str | None = None
    birth_year: int | None = None
    unit_id: uuid.UUID | None = None
    unit_text: str | None = None


def screen_subjects(
    session: Session, organisation_id: uuid.UUID, subjects: Sequence[Subject]
) -> dict[uuid.UUID, list[Found]]:
    """Each subject's hits against the organisation's incident registry and watchlists, by
    name and by unit and period, explained as a person's are. Nothing is stored and no case
    is opened: the caller keeps the hits (agreements screen rolls and commanders before
    finalization). The registry is decrypted and prepared once for all the subjects."""
    if not subjects:
        return {}
    registry = registry_for(session, organisation_id)
    screen = names.name_screener(registry.records)
    codes = unit_labels(session, [s.unit_id for s in subjects if s.unit_id])
    services: dict[uuid.UUID, list[Service]] = {}
    for subject in subjects:
        unit = codes.get(subject.unit_id) if subject.unit_id else None
        unit = unit or _entry_unit(subject.unit_text)
        services[subject.key] = (
            [Service(unit=unit, start=None, end=subject.served_until)] if unit else []
        )
    implicated = repository.implicated_units(
        session, organisation_id, {s.unit for found in services.values() for s in found}
    )
    hits: dict[uuid.UUID, list[Found]] = {}
    for subject in subjects:
        served = services[subject.key]
        record = IdentityRecord(
            key=subject.key,
            name_my=subject.name_my,
            name_latin=subject.name_latin,
            birth_year=subject.birth_year,
            unit=served[0].unit if served else None,
        )
        units = {s.unit for s in served}
        hits[subject.key] = _name_hits(screen(record), registry) + _unit_hits(
            session, served, [row for row in implicated if row[1] in units], registry
        )
    return hits


def ensure_case(
    session: Session, actor: Actor, person: Person, *, audited: bool = True
) -> tuple[VettingCase, bool]:
    """The person's vetting case, opened (pending) on first screening; (case, opened now).

    With `audited=False` the caller records the opening in its own event (screening does,
    so that a reception writes one vetting event, not two)."""
    case = repository.case_of_person(session, person.id)
    if case is not None:
        return case, False
    case = VettingCase(
        person_id=person.id,
        organisation_id=person.organisation_id,
        state=str(CaseState.PENDING),
        state_changed_at=utcnow(),
    )
    session.add(case)
    session.flush()
    if audited:
        audit.record(
            session,
            actor,
            AuditAction.VETTING_CASE_OPENED,
            subject_type="vetting_case",
            subject_id=case.id,
            organisation_id=person.organisation_id,
            changes={"state": {"before": None, "after": case.state}},
        )
    return case, True


def _screener(requested_by: Actor | None) -> Actor:
    label = f"vetting screening for {requested_by.label}" if requested_by else "vetting screening"
    return Actor.system(label=label)


def _child(session: Session, person: Person) -> bool:
    """A child is screened for protection (pathways' child-protection task), never put
    through war-crimes vetting: no vetting case, so no vetting hold (docs/standing.md)."""
    return is_child(
        person.birth_year,
        on=local_today(),
        received_as_child=received_as_child(session, person.id),
    )


def screen_person(
    session: Session,
    person_id: uuid.UUID,
    *,
    requested_by: Actor | None = None,
    registry: Registry | None = None,
) -> list[ScreeningHit]:
    """Screen one person now; return the hits that are new. Opens the case if needed; a new
    hit on a case past the interview reopens it (pending: allowances on hold again)."""
    person = person_by_id(session, person_id)
    if person is None or person.is_erased or _child(session, person):
        return []
    actor = _screener(requested_by)
    if registry is None:
        registry = registry_for(session, person.organisation_id)
    case, opened = ensure_case(session, actor, person, audited=False)
    known = repository.hit_signatures(session, person.id)
    new: list[ScreeningHit] = []
    for hit in find_hits(session, person, registry):
        if hit.signature in known:
            continue
        known.add(hit.signature)
        row = ScreeningHit(
            person_id=person.id,
            case_id=case.id,
            organisation_id=person.organisation_id,
            kind=str(hit.kind),
            signature=hit.signature,
            incident_id=hit.incident_id,
            score=hit.score,
            explanation=hit.explanation,
        )
        session.add(row)
        new.append(row)
    case.last_screened_at = utcnow()
    session.flush()
    changes: dict[str, Any] = {"new_hits": len(new), "engine": names.ENGINE}
    if opened:
        changes["state"] = {"before": None, "after": case.state}
    audit.record(
        session,
        actor,
        AuditAction.VETTING_CASE_OPENED if opened else AuditAction.VETTING_SCREENED,
        subject_type="vetting_case",
        subject_id=case.id,
        organisation_id=person.organisation_id,
        changes=changes,
    )
    for row in new:
        audit.record(
            session,
            actor,
            AuditAction.VETTING_HIT_RECORDED,
            subject_type="vetting_case",
            subject_id=case.id,
            organisation_id=person.organisation_id,
            changes={"hit_id": str(row.id), "kind": row.kind},
        )
    if new and case.state not in (CaseState.PENDING, CaseState.INTERVIEW):
        cases.reopen_on_new_hits(session, actor, case)
    return new


def screen_people(
    session: Session,
    person_ids: Iterable[uuid.UUID],
    *,
    organisation_id: uuid.UUID,
    requested_by: Actor | None = None,
) -> tuple[int, int]:
    """Screen many persons of one organisation with one registry load: (screened, new hits)."""
    registry = registry_for(session, organisation_id)
    screened = hits = 0
    for person_id in dict.fromkeys(person_ids):
        hits += len(screen_person(session, person_id, requested_by=requested_by, registry=registry))
        screened += 1
    return screened, hits


@dataclass(frozen=True)
class Facts:
    """What reception recorded of a person that screening uses."""

    services: list[Service]  # oldest first
    as_child: bool
    rank: str | None  # the rank table's name of the last rank declared


def _services_of_set(session: Session, person_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Facts]:
    """Each person's services, whether received as a child, and the rank declared at
    reception, for a set, in a constant number of queries."""
    events = receptions_by_person(session, person_ids)
    every = [e for es in events.values() for e in es]
    codes = unit_labels(session, [e.origin_unit_id for e in every])
    ranks = ranks_by_id(session, [e.rank_id for e in every if e.rank_id])
    found: dict[uuid.UUID, Facts] = {}
    for person_id in person_ids:
        services: list[Service] = []
        rank: str | None = None
        for e in events.get(person_id, []):
            unit = codes.get(e.origin_unit_id) if e.origin_unit_id else None
            unit = unit or _entry_unit(e.origin_unit_text)
            if unit:
                services.append(service_from(e.received_on, e.service_months, unit))
            if e.rank_id and e.rank_id in ranks:
                rank = ranks[e.rank_id].name_en
        as_child = any(e.classification == "child" for e in events.get(person_id, []))
        found[person_id] = Facts(services=services, as_child=as_child, rank=rank)
    return found


def _new_hits(
    person: Person, case: VettingCase, found: Sequence[Found], seen: set[str]
) -> list[ScreeningHit]:
    """The hits not recorded before (`seen`: their signatures, updated), as rows."""
    new: list[ScreeningHit] = []
    for hit in found:
        if hit.signature in seen:
            continue
        seen.add(hit.signature)
        new.append(
            ScreeningHit(
                id=new_id(),
                person_id=person.id,
                case_id=case.id,
                organisation_id=person.organisation_id,
                kind=str(hit.kind),
                signature=hit.signature,
                incident_id=hit.incident_id,
                score=hit.score,
                explanation=hit.explanation,
            )
        )
    return new


def _screening_entries(
    adults: Sequence[Person],
    cases_of: dict[uuid.UUID, VettingCase],
    new_by_person: dict[uuid.UUID, list[ScreeningHit]],
    opened: set[uuid.UUID],
) -> list[audit.Entry]:
    """The audit events `screen_person` writes, for each person of a set."""
    entries: list[audit.Entry] = []
    for person in adults:
        case = cases_of[person.id]
        new = new_by_person[person.id]
        changes: dict[str, Any] = {"new_hits": len(new), "engine": names.ENGINE}
        if person.id in opened:
            changes["state"] = {"before": None, "after": case.state}
        entries.append(
            audit.Entry(
                AuditAction.VETTING_CASE_OPENED
                if person.id in opened
                else AuditAction.VETTING_SCREENED,
                subject_type="vetting_case",
                subject_id=case.id,
                organisation_id=person.organisation_id,
                changes=changes,
            )
        )
        entries.extend(
            audit.Entry(
                AuditAction.VETTING_HIT_RECORDED,
                subject_type="vetting_case",
                subject_id=case.id,
                organisation_id=person.organisation_id,
                changes={"hit_id": str(row.id), "kind": row.kind},
            )
            for row in new
        )
    return entries


def screen_set(
    session: Session, person_ids: Sequence[uuid.UUID], *, requested_by: Actor | None = None
) -> int:
    """`screen_person` for a set (an import's chunk), with the same rules and the same
    records: the persons, their receptions, cases and known hits read in a few queries for
    all, the registry prepared once, cases and hits written together and their audit events
    (one per person, one per new hit, as `screen_person` writes them) appended at once.
    Returns the number of new hits."""
    people = persons_by_id(session, person_ids)
    wanted = [people[p] for p in dict.fromkeys(person_ids) if p in people]
    wanted = [person for person in wanted if not person.is_erased]
    if not wanted:
        return 0
    ids = [person.id for person in wanted]
    facts = _services_of_set(session, ids)
    today = local_today()
    adults = [
        person
        for person in wanted
        if not is_child(person.birth_year, on=today, received_as_child=facts[person.id].as_child)
    ]
    if not adults:
        return 0
    actor = _screener(requested_by)
    cases_found = repository.cases_of_persons(session, [p.id for p in adults])
    known = repository.hit_signatures_of(session, [p.id for p in adults])
    screeners: dict[uuid.UUID, Any] = {}
    implicated: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = {}
    for organisation_id in {person.organisation_id for person in adults}:
        registry = registry_for(session, organisation_id)
        screeners[organisation_id] = (registry, names.name_screener(registry.records))
        units = {
            s.unit
            for p in adults
            if p.organisation_id == organisation_id
            for s in facts[p.id].services
        }
        implicated[organisation_id] = repository.implicated_units(session, organisation_id, units)
    opened: set[uuid.UUID] = set()
    new_by_person: dict[uuid.UUID, list[ScreeningHit]] = {}
    cases_of: dict[uuid.UUID, VettingCase] = {}
    now = utcnow()
    for person in adults:
        case = cases_found.get(person.id)
        if case is None:
            case = VettingCase(
                id=new_id(),
                person_id=person.id,
                organisation_id=person.organisation_id,
                state=str(CaseState.PENDING),
                state_changed_at=now,
            )
            session.add(case)
            opened.add(person.id)
        cases_of[person.id] = case
        registry, screen = screeners[person.organisation_id]
        services = facts[person.id].services
        units = {s.unit for s in services}
        records = identities_of(session, person, services, facts[person.id].rank)
        found = _name_hits(screen_identities(screen, records), registry)
        if units:
            rows = [row for row in implicated[person.organisation_id] if row[1] in units]
            found += _unit_hits(session, services, rows, registry)
        new_by_person[person.id] = _new_hits(person, case, found, known[person.id])
        case.last_screened_at = now
    session.flush()
    hits = [row for rows in new_by_person.values() for row in rows]
    if hits:
        session.add_all(hits)
        session.flush()
    entries = _screening_entries(adults, cases_of, new_by_person, opened)
    audit.record_many(session, actor, entries)
    for person in adults:
        case = cases_of[person.id]
        if new_by_person[person.id] and case.state not in (CaseState.PENDING, CaseState.INTERVIEW):
            cases.reopen_on_new_hits(session, actor, case)
    return len(hits)


def people_concerned(
    session: Session,
    organisation_id: uuid.UUID,
    *,
    unit_codes: Iterable[str] = (),
    entries: Sequence[IdentityRecord] = (),
) -> set[uuid.UUID]:
    """Persons of the organisation who may be hit by new registry entries: those who served
    in an implicated unit, and those whose name the one name function pairs with an entry."""
    concerned: set[uuid.UUID] = set()
    implicated = set(unit_codes)
    if not implicated and not entries:
        return concerned
    received = origin_units(session, organisation_id)  # (person, unit), earliest first
    codes = unit_labels(session, [unit_id for _person, unit_id in received])
    units: dict[uuid.UUID, str] = {}
    for person_id, unit_id in received:
        code = codes.get(unit_id)
        if code is None:
            continue
        units[person_id] = code  # the last unit the person served in
        if code in implicated:
            concerned.add(person_id)
    if entries:
        aliases = alias_records(session, organisation_id)
        people = [
            IdentityRecord(
                key=pid,
                name_latin=latin,
                name_my=my,
                birth_year=year,
                unit=units.get(pid),
                aliases=tuple(aliases.get(pid, ())),
            )
            for pid, latin, my, year in name_records(session, organisation_id)
        ]
        for entry in entries:
            # The engine decides each hit in `screen_person`; here a superset is wanted:
            # whoever the engine pairs with the entry, and whoever the recall-oriented
            # baseline finds by name alone.
            concerned.update(match.entry_key for match in names.screen_names(entry, people))
            concerned.update(match.entry_key for match in names.baseline(entry, people))
    return concerned
