"""Matching in the running system: keys, interactive lookup, review queue, merges.

- `refresh` rebuilds a person's match profile and blocking keys; the reception and profile
  services call `on_person_changed` after every change, which also queues pairs in the
  uncertain band for review.
- `candidates` is the interactive lookup behind the reception form's possible-duplicates
  panel: an OR of blocking keys by index lookups (hard identifiers first, then narrow name
  keys, then the name alone), at most `MAX_CANDIDATES`, scored with the trained
  Fellegi-Sunter model (`haven.matching.model`).
- Review: two different reviewers must agree. `link` creates a reversible merge (the
  duplicate is marked merged into the older record; nothing is deleted); `unmerge` undoes it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.types import utcnow
from haven.errors import Conflict, NotFound
from haven.i18n import N_
from haven.matching.compare import canonical_unit
from haven.matching.model import load
from haven.matching.models import MatchKey, MatchMerge, MatchProfile, MatchReview
from haven.matching.phonetic import joined, name_keys
from haven.people.models import Person
from haven.security.permissions import Actor, Permission, require, visible_to

MAX_CANDIDATES = 200
# The reception panel shows candidates with at least this much evidence (match weight minus
# the prior, log2): an exact name alone (about 8.5) or a name one letter apart with the same
# birth year (about 6.4) qualifies. Recall first: a reviewer glances at a short list.
SHOW_FROM_EVIDENCE = 6.0
REVIEW_FROM = 0.5  # pairs at least this probable are queued for two reviewers
NAME_ALONE_CAP = 100  # a name key alone fetches at most this many people

Row = dict[str, Any]


# --- profiles and keys ---------------------------------------------------------------------


def comparable(
    *,
    name_my: str | None,
    name_latin: str | None,
    father_name: str | None,
    birth_year: int | None,
    birth_date: str | None = None,
    nrc_index: str | None = None,
    service_number_index: str | None = None,
    unit: str | None = None,
) -> Row:
    """The row the model compares (same fields as `batch.feature_row`)."""
    names: list[str] = []
    for name in (name_my, name_latin):
        key = joined(name_keys(name))
        if key and key not in names:
            names.append(key)
    name1 = names[0] if names else None
    name2 = names[1] if len(names) > 1 else name1
    father = joined(name_keys(father_name)) or None
    return _derive(
        {
            "name1": name1,
            "name2": name2,
            "father": father,
            "birth_year": birth_year,
            "birth_date": birth_date,
            "nrc": nrc_index,
            "service_number": service_number_index,
            "unit": canonical_unit(unit) if unit else None,
            "rank": None,
        }
    )


def _derive(row: Row) -> Row:
    for source, target in (("name1", "ns1"), ("name2", "ns2"), ("father", "father_ns")):
        row[target] = row[source].replace(" ", "") if row.get(source) else None
    row["sorted1"] = " ".join(sorted(row["name1"].split())) if row.get("name1") else None
    return row


def _profile_row(profile: MatchProfile) -> Row:
    return _derive(
        {
            "name1": profile.name1,
            "name2": profile.name2,
            "father": profile.father,
            "birth_year": profile.birth_year,
            "birth_date": profile.birth_date,
            "nrc": profile.nrc_index,
            "service_number": profile.service_number_index,
            "unit": profile.unit,
            "rank": None,
        }
    )


def _birth_date(person: Person) -> str | None:
    if person.birth_year and person.birth_month and person.birth_day:
        return f"{person.birth_year:04d}-{person.birth_month:02d}-{person.birth_day:02d}"
    return None


def _latest_unit(session: Session, person_id: uuid.UUID) -> str | None:
    from haven.reception.models import ReceptionEvent

    return session.scalar(
        select(ReceptionEvent.origin_unit_text)
        .where(ReceptionEvent.person_id == person_id)
        .order_by(ReceptionEvent.received_on.desc(), ReceptionEvent.created_at.desc())
        .limit(1)
    )


def keys_of(row: Row) -> set[tuple[str, str]]:
    """The blocking keys of a comparable row: (kind, value) pairs."""
    keys: set[tuple[str, str]] = set()
    if row.get("nrc"):
        keys.add(("nrc", row["nrc"]))
    if row.get("service_number"):
        keys.add(("svc", row["service_number"]))
    year = row.get("birth_year")
    father = row.get("father")
    unit = row.get("unit")
    names = {name for name in (row.get("name1"), row.get("name2")) if name}
    for name in names:
        keys.add(("name", name))
        keys.add(("ns", name.replace(" ", "")))
        if year is not None:
            keys.add(("name_ya", f"{name}|{year // 2}"))
            keys.add(("name_yb", f"{name}|{(year + 1) // 2}"))
        if unit:
            keys.add(("name_unit", f"{name}|{unit}"))
        if father:
            keys.add(("name_father", f"{name.split()[0]}|{father.split()[0]}"))
    if father and year is not None:
        keys.add(("father_y", f"{father}|{year}"))
    return {(kind, value[:250]) for kind, value in keys}


def refresh(session: Session, person: Person) -> Row:
    """Rebuild the person's profile and keys from the person and their latest reception."""
    row = comparable(
        name_my=person.name_my,
        name_latin=person.name_latin,
        father_name=person.father_name,
        birth_year=person.birth_year,
        birth_date=_birth_date(person),
        nrc_index=person.nrc_index,
        service_number_index=person.service_number_index,
        unit=_latest_unit(session, person.id),
    )
    profile = session.get(MatchProfile, person.id)
    if profile is None:
        profile = MatchProfile(person_id=person.id, organisation_id=person.organisation_id)
        session.add(profile)
    profile.organisation_id = person.organisation_id
    profile.name1, profile.name2, profile.father = row["name1"], row["name2"], row["father"]
    profile.birth_year, profile.birth_date = row["birth_year"], row["birth_date"]
    profile.nrc_index, profile.service_number_index = row["nrc"], row["service_number"]
    profile.unit = row["unit"]
    session.flush()
    # Core statements, not ORM objects: the keys are replaced wholesale and never loaded.
    session.execute(delete(MatchKey).where(MatchKey.person_id == person.id))
    rows = [
        {
            "person_id": person.id,
            "kind": kind,
            "value": value,
            "organisation_id": person.organisation_id,
        }
        for kind, value in sorted(keys_of(row))
    ]
    if rows:
        session.execute(insert(MatchKey), rows)
    return row


def forget(session: Session, person_id: uuid.UUID) -> None:
    """Erasure hook: drop the person's profile and keys (they are derived from the names)."""
    session.execute(delete(MatchKey).where(MatchKey.person_id == person_id))
    session.execute(delete(MatchProfile).where(MatchProfile.person_id == person_id))
    for instance in list(session.identity_map.values()):
        if isinstance(instance, MatchProfile) and instance.person_id == person_id:
            session.expunge(instance)


# --- interactive lookup --------------------------------------------------------------------

# Lookup order: hard identifiers, then names narrowed by another field, then the name alone.
_ORDER = ("nrc", "svc", "name_ya", "name_yb", "name_unit", "father_y", "name_father", "name", "ns")


@dataclass(frozen=True)
class Candidate:
    person_id: uuid.UUID
    organisation_id: uuid.UUID
    weight: float
    probability: float
    reasons: tuple[str, ...]


def _merged_ids(session: Session, ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    wanted = list(ids)
    if not wanted:
        return set()
    return set(
        session.scalars(
            select(MatchMerge.merged_id).where(
                MatchMerge.merged_id.in_(wanted), MatchMerge.undone_at.is_(None)
            )
        )
    )


def candidates(
    session: Session,
    row: Row,
    *,
    organisation_id: uuid.UUID | None,
    exclude: uuid.UUID | None = None,
    limit: int = 10,
    min_evidence: float = SHOW_FROM_EVIDENCE,
) -> list[Candidate]:
    """The people most likely to be the person described by `row`, best first.

    `organisation_id` limits the search to one organisation (None: all, for the system).
    """
    keys = keys_of(row)
    found: dict[uuid.UUID, uuid.UUID] = {}
    for kind in _ORDER:
        values = [value for key_kind, value in keys if key_kind == kind]
        if not values or len(found) >= MAX_CANDIDATES:
            continue
        cap = NAME_ALONE_CAP if kind in ("name", "ns") else MAX_CANDIDATES
        query = select(MatchKey.person_id, MatchKey.organisation_id).where(
            MatchKey.kind == kind, MatchKey.value.in_(values)
        )
        if organisation_id is not None:
            query = query.where(MatchKey.organisation_id == organisation_id)
        if exclude is not None:
            query = query.where(MatchKey.person_id != exclude)
        for person_id, org in session.execute(query.limit(min(cap, MAX_CANDIDATES - len(found)))):
            found.setdefault(person_id, org)
    if not found:
        return []
    merged = _merged_ids(session, found)
    profiles = session.scalars(
        select(MatchProfile)
        .join(Person, Person.id == MatchProfile.person_id)
        .where(MatchProfile.person_id.in_(list(found)), Person.erased_at.is_(None))
    ).all()
    model = load()
    scored: list[Candidate] = []
    for profile in profiles:
        if profile.person_id in merged:
            continue
        other = _profile_row(profile)
        weight, probability, reasons = model.score(row, other)
        same_identifier = any(
            row.get(field) is not None and row.get(field) == other.get(field)
            for field in ("nrc", "service_number")
        )
        # A shared NRC or service number is always worth showing.
        if weight - model.prior >= min_evidence or same_identifier:
            scored.append(
                Candidate(profile.person_id, profile.organisation_id, weight, probability, reasons)
            )
    scored.sort(key=lambda candidate: (-candidate.weight, str(candidate.person_id)))
    return scored[:limit]


# --- review queue --------------------------------------------------------------------------

OPEN_STATES = ("open", "awaiting_second")
# Explicit lifecycle: (state, event) -> next state.
TRANSITIONS: dict[tuple[str, str], str] = {
    ("open", "first_vote"): "awaiting_second",
    ("awaiting_second", "agree_link"): "linked",
    ("awaiting_second", "agree_not_same"): "not_same",
    ("awaiting_second", "disagree"): "open",
    ("linked", "unmerge"): "open",
    ("open", "auto_link"): "linked",  # the batch (`haven.matching.dedupe`), before any vote
}
DECISIONS = ("link", "not_same")


def move(review: MatchReview, event: str) -> None:
    following = TRANSITIONS.get((review.state, event))
    if following is None:
        raise Conflict(N_("This review has already been decided."))
    review.state = following


def ordered(a: uuid.UUID, b: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID]:
    return (a, b) if str(a) < str(b) else (b, a)


def queue_for_review(
    session: Session,
    actor: Actor,
    person: Person,
    found: Sequence[Candidate],
    *,
    source: str,
) -> list[MatchReview]:
    """Open a review for each candidate in the uncertain band not already queued or merged."""
    opened: list[MatchReview] = []
    for candidate in found:
        if candidate.probability < REVIEW_FROM:
            continue
        if candidate.organisation_id != person.organisation_id:
            continue  # reviews stay within one organisation
        a, b = ordered(person.id, candidate.person_id)
        existing = session.scalar(
            select(MatchReview).where(MatchReview.person_a_id == a, MatchReview.person_b_id == b)
        )
        if existing is not None:
            continue
        review = MatchReview(
            organisation_id=person.organisation_id,
            person_a_id=a,
            person_b_id=b,
            weight=round(candidate.weight, 3),
            probability=round(candidate.probability, 6),
            reasons=list(candidate.reasons),
            source=source,
            state="open",
        )
        session.add(review)
        session.flush()
        audit.record(
            session,
            actor,
            AuditAction.MATCH_REVIEW_OPENED,
            subject_type="match_review",
            subject_id=review.id,
            organisation_id=review.organisation_id,
            changes={"state": {"before": None, "after": "open"}, "source": {"after": source}},
        )
        opened.append(review)
    return opened


def on_person_changed(session: Session, actor: Actor, person_id: uuid.UUID, *, source: str) -> None:
    """Hook for reception and profile changes: refresh keys, queue likely duplicates."""
    person = session.get(Person, person_id)
    if person is None or person.erased_at is not None:
        return
    row = refresh(session, person)
    found = candidates(
        session, row, organisation_id=person.organisation_id, exclude=person.id, limit=20
    )
    queue_for_review(session, actor, person, found, source=source)


def list_reviews(
    session: Session, actor: Actor, *, states: Sequence[str] = OPEN_STATES, limit: int = 100
) -> Sequence[MatchReview]:
    require(actor, Permission.MATCH_REVIEW)
    return session.scalars(
        select(MatchReview)
        .where(visible_to(actor, MatchReview, site_column=None), MatchReview.state.in_(states))
        .order_by(MatchReview.probability.desc(), MatchReview.created_at)
        .limit(limit)
    ).all()


def get_review(session: Session, actor: Actor, review_id: uuid.UUID) -> MatchReview:
    review = session.get(MatchReview, review_id)
    if review is None:
        raise NotFound
    require(actor, Permission.MATCH_REVIEW, review)
    return review


def _survivor(session: Session, review: MatchReview) -> tuple[uuid.UUID, uuid.UUID]:
    """The older record survives; the newer one is marked merged into it."""
    a = session.get(Person, review.person_a_id)
    b = session.get(Person, review.person_b_id)
    if a is None or b is None:
        raise NotFound
    if (a.created_at, str(a.id)) <= (b.created_at, str(b.id)):
        return a.id, b.id
    return b.id, a.id


def decide(session: Session, actor: Actor, review_id: uuid.UUID, decision: str) -> MatchReview:
    """One reviewer's vote: the first waits for a second, different reviewer to agree."""
    review = get_review(session, actor, review_id)
    if decision not in DECISIONS:
        raise Conflict(N_("Choose whether the two records are the same person."))
    now = utcnow()
    if review.state == "open":
        move(review, "first_vote")
        review.first_reviewer_id = actor.user_id
        review.first_decision = decision
        review.first_decided_at = now
        session.flush()
        audit.record(
            session,
            actor,
            AuditAction.MATCH_REVIEW_VOTED,
            subject_type="match_review",
            subject_id=review.id,
            organisation_id=review.organisation_id,
            changes={
                "state": {"before": "open", "after": review.state},
                "vote": {"after": decision},
            },
        )
        return review
    if review.state == "awaiting_second" and review.first_reviewer_id == actor.user_id:
        raise Conflict(N_("A second, different reviewer must confirm this decision."))
    before = review.state
    if review.state == "awaiting_second" and review.first_decision != decision:
        move(review, "disagree")
        first = review.first_decision
        review.first_reviewer_id = None
        review.first_decision = None
        review.first_decided_at = None
        session.flush()
        audit.record(
            session,
            actor,
            AuditAction.MATCH_REVIEW_DISPUTED,
            subject_type="match_review",
            subject_id=review.id,
            organisation_id=review.organisation_id,
            changes={
                "state": {"before": before, "after": review.state},
                "votes": {"after": [first, decision]},
            },
        )
        return review
    move(review, "agree_link" if decision == "link" else "agree_not_same")
    review.second_reviewer_id = actor.user_id
    review.decided_at = now
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.MATCH_REVIEW_DECIDED,
        subject_type="match_review",
        subject_id=review.id,
        organisation_id=review.organisation_id,
        changes={"state": {"before": before, "after": review.state}},
    )
    if decision == "link":
        survivor, merged = _survivor(session, review)
        merge(session, actor, review, survivor, merged)
    return review


def merge(
    session: Session,
    actor: Actor,
    review: MatchReview,
    survivor: uuid.UUID,
    merged: uuid.UUID,
    *,
    automatic: bool = False,
) -> MatchMerge:
    """Mark `merged` as the same person as `survivor` through `review` (audited, undoable)."""
    link = MatchMerge(
        organisation_id=review.organisation_id,
        review_id=review.id,
        survivor_id=survivor,
        merged_id=merged,
    )
    session.add(link)
    session.flush()
    changes: dict[str, Any] = {"merged_into": {"before": None, "after": str(survivor)}}
    if automatic:
        changes["automatic"] = {"after": True}
    audit.record(
        session,
        actor,
        AuditAction.MATCH_MERGED,
        subject_type="person",
        subject_id=merged,
        organisation_id=review.organisation_id,
        changes=changes,
    )
    return link


def active_merge(session: Session, review: MatchReview) -> MatchMerge | None:
    return session.scalar(
        select(MatchMerge).where(MatchMerge.review_id == review.id, MatchMerge.undone_at.is_(None))
    )


def unmerge(session: Session, actor: Actor, review_id: uuid.UUID) -> MatchReview:
    """Undo a link: the merge is marked undone, the review opens again for two reviewers."""
    review = get_review(session, actor, review_id)
    merge = active_merge(session, review)
    if merge is None:
        raise Conflict(N_("These records are not merged."))
    move(review, "unmerge")
    merge.undone_at = utcnow()
    merge.undone_by_id = actor.user_id
    review.first_reviewer_id = None
    review.first_decision = None
    review.first_decided_at = None
    review.second_reviewer_id = None
    review.decided_at = None
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.MATCH_UNMERGED,
        subject_type="person",
        subject_id=merge.merged_id,
        organisation_id=review.organisation_id,
        changes={
            "merged_into": {"before": str(merge.survivor_id), "after": None},
            "state": {"before": "linked", "after": review.state},
        },
    )
    return review


def merged_into(session: Session, person_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    """For people lists: which of these people are merged duplicates, and into whom."""
    wanted = list(person_ids)
    if not wanted:
        return {}
    rows = session.execute(
        select(MatchMerge.merged_id, MatchMerge.survivor_id).where(
            MatchMerge.merged_id.in_(wanted), MatchMerge.undone_at.is_(None)
        )
    )
    return dict(rows.all())


def persons_by_id(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Person]:
    wanted = list(ids)
    if not wanted:
        return {}
    return {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(wanted)))}


def people_of(session: Session, reviews: Sequence[MatchReview]) -> dict[uuid.UUID, Person]:
    ids = {r.person_a_id for r in reviews} | {r.person_b_id for r in reviews}
    return persons_by_id(session, ids)
