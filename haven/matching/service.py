"""Matching in the running system: keys, interactive lookup, review queue, merges.

- `refresh` rebuilds a person's match profile and blocking keys; `index_person` does it
  whenever a person is received or their profile changes (the handlers of reception's
  `PersonReceived` and people's `PersonChanged`) and queues pairs in the uncertain band for
  review.
- `candidates` is the interactive lookup behind the reception form's possible-duplicates
  panel (`possible_duplicates`): an OR of blocking keys by index lookups (hard identifiers
  first, then narrow name keys, then the name alone), at most `MAX_CANDIDATES`, scored with
  the trained Fellegi-Sunter model (`haven.matching.model`).
- Review (`haven.matching.lifecycle`): two different reviewers must agree. A link creates a
  reversible merge (the duplicate is marked merged into the older record; nothing is
  deleted); `unmerge` undoes it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.types import new_id, utcnow
from haven.errors import Conflict, NotFound
from haven.i18n import N_
from haven.matching import repository, transitive
from haven.matching.compare import canonical_unit
from haven.matching.lifecycle import OPEN_STATES, REVIEW, Decision, ReviewState
from haven.matching.model import load
from haven.matching.models import MatchMerge, MatchProfile, MatchReview
from haven.matching.phonetic import as_later_syllables, joined, name_keys
from haven.people.public import (
    Person,
    identifier_index,
    person_by_id,
    persons_by_id,
)
from haven.reception.public import latest_reception, latest_receptions
from haven.security.fields import note_read
from haven.security.permissions import Actor, Permission, in_scope, require

MAX_CANDIDATES = 200
# The reception panel shows candidates with at least this much evidence (match weight minus
# the prior, log2): an exact name alone (about 8.5) or a name one letter apart with the same
# birth year (about 6.4) qualifies. Recall first: a reviewer glances at a short list.
SHOW_FROM_EVIDENCE = 6.0
# The reception form queues a pair for two reviewers from this probability. Higher than the
# batch's band (`batch.REVIEW_FROM`, 0.1): this model has no term-frequency adjustment, so a
# common name with a birth year would reach 0.1 with every namesake; the batch over the live
# database (`dedupe`), which weighs a name by how common it is, queues the rest of the band.
REVIEW_FROM = 0.5
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


def profile_comparable(profile: MatchProfile) -> Row:
    """The row the model compares, from a stored profile (a pair the reviewers join)."""
    return _profile_row(profile)


def _birth_date(person: Person) -> str | None:
    if person.birth_year and person.birth_month and person.birth_day:
        return f"{person.birth_year:04d}-{person.birth_month:02d}-{person.birth_day:02d}"
    return None


def _latest_unit(session: Session, person_id: uuid.UUID) -> str | None:
    latest = latest_reception(session, person_id)
    return latest.origin_unit_text if latest is not None else None


# The people search's partial names: every run of a name's syllables shorter than the whole
# name ("aung caw", "caw tun", "tun" of "aung caw tun"), looked up by equality on the same
# (kind, value) index as the blocking keys. The duplicate check never looks them up.
RUN_KIND = "name_run"
MAX_RUN_SYLLABLES = 8


def _runs(name: str) -> set[str]:
    syllables = name.split()[:MAX_RUN_SYLLABLES]
    whole = len(syllables)
    return {
        " ".join(syllables[start:end])
        for start in range(whole)
        for end in range(start + 1, whole + 1)
        if end - start < whole
    }


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
        keys.update((RUN_KIND, run) for run in _runs(name))
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


def profile_row(person: Person, unit: str | None) -> Row:
    """The comparable row of a person whose latest reception names `unit`."""
    return comparable(
        name_my=person.name_my,
        name_latin=person.name_latin,
        father_name=person.father_name,
        birth_year=person.birth_year,
        birth_date=_birth_date(person),
        nrc_index=person.nrc_index,
        service_number_index=person.service_number_index,
        unit=unit,
    )


def fill_profile(profile: MatchProfile, person: Person, row: Row) -> bool:
    """Write the person's row into their profile; True when a value changed."""
    values = {
        "organisation_id": person.organisation_id,
        "name1": row["name1"],
        "name2": row["name2"],
        "father": row["father"],
        "birth_year": row["birth_year"],
        "birth_date": row["birth_date"],
        "nrc_index": row["nrc"],
        "service_number_index": row["service_number"],
        "unit": row["unit"],
    }
    changed = False
    for name, value in values.items():
        if getattr(profile, name) != value:
            setattr(profile, name, value)
            changed = True
    return changed


def refresh(session: Session, person: Person) -> Row:
    """Rebuild the person's profile and keys from the person and their latest reception."""
    row = profile_row(person, _latest_unit(session, person.id))
    profile = repository.profile_of(session, person.id)
    if profile is None:
        profile = MatchProfile(person_id=person.id, organisation_id=person.organisation_id)
        session.add(profile)
    fill_profile(profile, person, row)
    session.flush()
    repository.replace_keys(session, person.id, person.organisation_id, sorted(keys_of(row)))
    return row


def forget(session: Session, person_id: uuid.UUID) -> None:
    """Erasure: drop the person's profile and keys (they are derived from the names)."""
    repository.forget(session, person_id)


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
        for person_id, org in repository.persons_with_key(
            session,
            kind,
            values,
            organisation_id=organisation_id,
            exclude=exclude,
            limit=min(cap, MAX_CANDIDATES - len(found)),
        ):
            found.setdefault(person_id, org)
    if not found:
        return []
    merged = set(repository.merged_into(session, found))
    profiles = repository.live_profiles(session, found)
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


# --- the people search ---------------------------------------------------------------------


@dataclass(frozen=True)
class NameQuery:
    """What the people search looks up for a name typed in either script (Zawgyi converted,
    honorific split off): the same phonetic syllable keys as the duplicate check, as
    subqueries of person ids for the people search's own query (index lookups on the blocking
    keys' (kind, value) index, never a scan of the names)."""

    keys: str  # the query's syllable keys, e.g. "aung caw tun"
    whole: Select[uuid.UUID]  # persons whose whole name has these keys
    part: Select[uuid.UUID]  # persons whose name has these syllables in a row


def name_query(text: str) -> NameQuery | None:
    """The people search's name lookup for `text`, or None when it has no syllable."""
    keys = joined(name_keys(" ".join(text.split())))[:250]
    if not keys:
        return None
    return NameQuery(
        keys=keys,
        whole=repository.persons_keyed([("name", keys), ("ns", keys.replace(" ", ""))]),
        # A run inside a longer name is keyed as later syllables ("min saw" for Min Zaw).
        part=repository.persons_keyed([(RUN_KIND, keys), (RUN_KIND, as_later_syllables(keys))]),
    )


# --- review queue --------------------------------------------------------------------------


def ordered(a: uuid.UUID, b: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID]:
    return (a, b) if str(a) < str(b) else (b, a)


def _open_review(
    person: Person,
    candidate: Candidate,
    a: uuid.UUID,
    b: uuid.UUID,
    source: str,
    *,
    review_id: uuid.UUID | None = None,
) -> MatchReview:
    """An open review of the pair (a, b) as the model scored it (not yet in a session)."""
    review = MatchReview(
        organisation_id=person.organisation_id,
        person_a_id=a,
        person_b_id=b,
        weight=round(candidate.weight, 3),
        probability=round(candidate.probability, 6),
        reasons=list(candidate.reasons),
        source=source,
        state=ReviewState.OPEN.value,
    )
    if review_id is not None:
        review.id = review_id
    return review


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
        if repository.review_of_pair(session, a, b) is not None:
            continue
        review = _open_review(person, candidate, a, b, source)
        session.add(review)
        session.flush()
        audit.record(
            session,
            actor,
            AuditAction.MATCH_REVIEW_OPENED,
            subject_type="match_review",
            subject_id=review.id,
            organisation_id=review.organisation_id,
            changes={
                "state": {"before": None, "after": ReviewState.OPEN.value},
                "source": {"after": source},
            },
        )
        opened.append(review)
    return opened


def index_person(session: Session, actor: Actor, person_id: uuid.UUID, *, source: str) -> None:
    """After a reception or a profile change: refresh the keys, queue likely duplicates."""
    person = person_by_id(session, person_id)
    if person is None or person.erased_at is not None:
        return
    row = refresh(session, person)
    found = candidates(
        session, row, organisation_id=person.organisation_id, exclude=person.id, limit=20
    )
    queue_for_review(session, actor, person, found, source=source)


def _chosen(
    person_id: uuid.UUID,
    pairs: set[tuple[str, str]],
    holders: dict[tuple[str, str], list[uuid.UUID]],
) -> dict[uuid.UUID, None]:
    """The people `candidates` would fetch for one person, from the holders of each key: in
    lookup order, at most a kind's cap per kind, at most `MAX_CANDIDATES` in all."""
    chosen: dict[uuid.UUID, None] = {}
    for kind in _ORDER:
        values = sorted(value for key_kind, value in pairs if key_kind == kind)
        if not values or len(chosen) >= MAX_CANDIDATES:
            continue
        cap = min(
            NAME_ALONE_CAP if kind in ("name", "ns") else MAX_CANDIDATES,
            MAX_CANDIDATES - len(chosen),
        )
        holding = [o for v in values for o in holders.get((kind, v), ()) if o != person_id]
        chosen.update(dict.fromkeys(holding[:cap]))
    return chosen


def _candidates_of_set(
    session: Session,
    rows: dict[uuid.UUID, Row],
    *,
    organisation_id: uuid.UUID,
    limit: int,
    min_evidence: float = SHOW_FROM_EVIDENCE,
) -> dict[uuid.UUID, list[Candidate]]:
    """`candidates` for several people of one organisation at once: one query per kind of
    key for the whole set (not one per person and kind), the same caps per person, one read
    of the profiles found. Everyone in the set is already indexed, so two of them find each
    other as they would have had they arrived one after the other."""
    keys = {person_id: keys_of(row) for person_id, row in rows.items()}
    holders: dict[tuple[str, str], list[uuid.UUID]] = {}
    for kind in _ORDER:
        values = {value for pairs in keys.values() for key_kind, value in pairs if key_kind == kind}
        if values:
            for person_id, value in repository.persons_with_keys(
                session, kind, values, organisation_id=organisation_id
            ):
                holders.setdefault((kind, value), []).append(person_id)
    found = {person_id: _chosen(person_id, pairs, holders) for person_id, pairs in keys.items()}
    everyone = {other for chosen in found.values() for other in chosen}
    if not everyone:
        return {person_id: [] for person_id in rows}
    merged = set(repository.merged_into(session, everyone))
    others = {
        profile.person_id: (profile, _profile_row(profile))
        for profile in repository.live_profiles(session, everyone)
        if profile.person_id not in merged
    }
    model = load()
    result: dict[uuid.UUID, list[Candidate]] = {}
    for person_id, chosen in found.items():
        row = rows[person_id]
        scored: list[Candidate] = []
        for other_id in chosen:
            if other_id not in others:
                continue
            profile, other = others[other_id]
            weight, probability, reasons = model.score(row, other)
            same_identifier = any(
                row.get(field) is not None and row.get(field) == other.get(field)
                for field in ("nrc", "service_number")
            )
            if weight - model.prior >= min_evidence or same_identifier:
                scored.append(
                    Candidate(
                        profile.person_id, profile.organisation_id, weight, probability, reasons
                    )
                )
        scored.sort(key=lambda candidate: (-candidate.weight, str(candidate.person_id)))
        result[person_id] = scored[:limit]
    return result


def index_people(
    session: Session, actor: Actor, person_ids: Sequence[uuid.UUID], *, source: str
) -> None:
    """`index_person` for a set (an import's chunk): the profiles and keys written together,
    the candidates looked up for the set, the reviews queued at once (one read of the pairs
    already queued, one INSERT, their audit events appended together)."""
    people = persons_by_id(session, person_ids)
    live = [people[p] for p in dict.fromkeys(person_ids) if p in people]
    live = [person for person in live if person.erased_at is None]
    if not live:
        return
    ids = [person.id for person in live]
    latest = latest_receptions(session, ids)
    profiles = repository.profiles_by_person(session, ids)
    rows: dict[uuid.UUID, Row] = {}
    keys: dict[uuid.UUID, tuple[uuid.UUID, list[tuple[str, str]]]] = {}
    for person in live:
        event = latest.get(person.id)
        row = profile_row(person, event.origin_unit_text if event is not None else None)
        profile = profiles.get(person.id)
        if profile is None:
            profile = MatchProfile(person_id=person.id, organisation_id=person.organisation_id)
            session.add(profile)
        fill_profile(profile, person, row)
        rows[person.id] = row
        keys[person.id] = (person.organisation_id, sorted(keys_of(row)))
    session.flush()
    repository.replace_keys_of(session, keys)
    by_organisation: dict[uuid.UUID, dict[uuid.UUID, Row]] = {}
    for person in live:
        by_organisation.setdefault(person.organisation_id, {})[person.id] = rows[person.id]
    found: dict[uuid.UUID, list[Candidate]] = {}
    for organisation_id, group in by_organisation.items():
        found |= _candidates_of_set(session, group, organisation_id=organisation_id, limit=20)
    _queue_set(session, actor, [(person, found.get(person.id, [])) for person in live], source)


def _queue_set(
    session: Session,
    actor: Actor,
    found: Sequence[tuple[Person, Sequence[Candidate]]],
    source: str,
) -> list[MatchReview]:
    """`queue_for_review` for several people at once."""
    wanted: dict[tuple[uuid.UUID, uuid.UUID], tuple[Person, Candidate]] = {}
    for person, candidates_found in found:
        for candidate in candidates_found:
            if candidate.probability < REVIEW_FROM:
                continue
            if candidate.organisation_id != person.organisation_id:
                continue  # reviews stay within one organisation
            wanted.setdefault(ordered(person.id, candidate.person_id), (person, candidate))
    if not wanted:
        return []
    queued = repository.pairs_reviewed(session, wanted)
    opened: list[MatchReview] = []
    for (a, b), (person, candidate) in wanted.items():
        if (a, b) in queued:
            continue
        opened.append(_open_review(person, candidate, a, b, source, review_id=new_id()))
    if not opened:
        return []
    save_opened(session, actor, opened, source)
    return opened


def save_opened(
    session: Session, actor: Actor, reviews: Sequence[MatchReview], source: str
) -> None:
    """Write reviews just opened, each audited as opened by `source`."""
    session.add_all(reviews)
    session.flush()
    audit.record_many(
        session,
        actor,
        [
            audit.Entry(
                AuditAction.MATCH_REVIEW_OPENED,
                subject_type="match_review",
                subject_id=review.id,
                organisation_id=review.organisation_id,
                changes={
                    "state": {"before": None, "after": ReviewState.OPEN.value},
                    "source": {"after": source},
                },
            )
            for review in reviews
        ],
    )


def list_reviews(
    session: Session,
    actor: Actor,
    *,
    states: Iterable[str] = OPEN_STATES,
    limit: int = 100,
) -> Sequence[MatchReview]:
    require(actor, Permission.MATCH_REVIEW)
    return repository.reviews_in(session, actor, states, limit)


REVIEW_SORTS = repository.REVIEW_SORTS


def review_page(
    session: Session,
    actor: Actor,
    *,
    states: Iterable[str] = OPEN_STATES,
    sort: str = "likely",
    limit: int = 25,
    offset: int = 0,
) -> tuple[list[MatchReview], int]:
    """One page of the reviews (most probable, oldest or newest first) and how many match."""
    require(actor, Permission.MATCH_REVIEW)
    chosen = sort if sort in REVIEW_SORTS else "likely"
    return repository.review_page(
        session, actor, [str(s) for s in states], sort=chosen, limit=limit, offset=offset
    )


def get_review(session: Session, actor: Actor, review_id: uuid.UUID) -> MatchReview:
    return repository.Reviews(session).get_for(actor, review_id, Permission.MATCH_REVIEW)


def _survivor(session: Session, review: MatchReview) -> tuple[uuid.UUID, uuid.UUID]:
    """The older record survives; the newer one is marked merged into it."""
    people = persons_by_id(session, [review.person_a_id, review.person_b_id])
    a, b = people.get(review.person_a_id), people.get(review.person_b_id)
    if a is None or b is None:
        raise NotFound
    if (a.created_at, str(a.id)) <= (b.created_at, str(b.id)):
        return a.id, b.id
    return b.id, a.id


DECISIONS = frozenset(Decision)


def decide(session: Session, actor: Actor, review_id: uuid.UUID, decision: str) -> MatchReview:
    """One reviewer's vote: the first waits for a second, different reviewer to agree. Two
    links merge the pair; an agreed decision closes the reviews it makes moot."""
    review = vote(session, actor, get_review(session, actor, review_id), decision)
    if review.state == ReviewState.LINKED:
        survivor, merged = _survivor(session, review)
        merge(session, actor, review, survivor, merged)
        transitive.close_moot(session, actor, {survivor: review.id})
    elif review.state == ReviewState.NOT_SAME:
        transitive.close_moot(
            session, actor, {review.person_a_id: review.id, review.person_b_id: review.id}
        )
    return review


def vote(session: Session, actor: Actor, review: MatchReview, decision: str) -> MatchReview:
    """The review's state machine for one vote (no merge: `decide` and the review groups
    merge as their decision requires). The caller has checked the actor may read it."""
    if decision not in DECISIONS:
        raise Conflict(N_("Choose whether the two records are the same person."))
    if review.state not in OPEN_STATES:
        raise Conflict(N_("This review has already been decided."))
    now = utcnow()
    if review.state == ReviewState.OPEN:
        REVIEW.move(session, actor, review, ReviewState.AWAITING_SECOND)
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
                "state": {"before": ReviewState.OPEN.value, "after": review.state},
                "vote": {"after": decision},
            },
        )
        return review
    if review.first_reviewer_id == actor.user_id:
        raise Conflict(N_("A second, different reviewer must confirm this decision."))
    before = review.state
    if review.first_decision != decision:
        REVIEW.move(session, actor, review, ReviewState.OPEN)
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
    agreed = ReviewState.LINKED if decision == Decision.LINK else ReviewState.NOT_SAME
    REVIEW.move(session, actor, review, agreed)
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
    return review


def auto_link(session: Session, actor: Actor, review: MatchReview) -> str:
    """The batch links an open review nobody has voted on (`haven.matching.dedupe`); the
    caller audits. Returns the state before."""
    before = REVIEW.move(session, actor, review, ReviewState.LINKED)
    review.decided_at = utcnow()
    return before.value


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
    return repository.active_merge(session, review.id)


def unmerge(session: Session, actor: Actor, review_id: uuid.UUID) -> MatchReview:
    """Undo a link: the merge is marked undone, the review opens again for two reviewers."""
    review = get_review(session, actor, review_id)
    merge = active_merge(session, review)
    if merge is None:
        raise Conflict(N_("These records are not merged."))
    before = REVIEW.move(session, actor, review, ReviewState.OPEN)
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
            "state": {"before": before.value, "after": review.state},
        },
    )
    transitive.reopen(session, actor, review.id)
    return review


def merged_into(session: Session, person_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    """For people lists: which of these people are merged duplicates, and into whom."""
    return repository.merged_into(session, person_ids)


def people_of(session: Session, reviews: Sequence[MatchReview]) -> dict[uuid.UUID, Person]:
    """The two people of each review, for a list of reviews (batched). They are shown side by
    side to the reviewer: the boundary audits it as a read of their identity."""
    ids = {r.person_a_id for r in reviews} | {r.person_b_id for r in reviews}
    found = persons_by_id(session, ids)
    for person_id in found:
        note_read(session, "person", person_id, "persons.identity", "personal")
    return found


def has_reviews(session: Session, organisation_id: uuid.UUID) -> bool:
    return repository.has_reviews(session, organisation_id)


# --- possible duplicates while registering -------------------------------------------------


@dataclass(frozen=True)
class Duplicates:
    """The people who may be the one being registered: those the actor may see, and how many
    more lie outside their scope (counted, never shown)."""

    visible: list[Person]
    hidden_count: int


def possible_duplicates(
    session: Session,
    actor: Actor,
    *,
    name_latin: str | None,
    name_my: str | None,
    father_name: str | None = None,
    birth_year: int | None = None,
    nrc: str | None = None,
    service_number: str | None = None,
    exclude: uuid.UUID | None = None,
) -> Duplicates:
    """The reception form's possible-duplicates panel: phonetic keys, blocking, the model's
    scores; matches at sites the actor may not see are counted, never shown."""
    require(actor, Permission.PERSON_READ)
    row = comparable(
        name_my=name_my,
        name_latin=name_latin,
        father_name=father_name,
        birth_year=birth_year,
        nrc_index=identifier_index(session, "nrc", nrc),
        service_number_index=identifier_index(session, "service_number", service_number),
    )
    ranked = candidates(
        session,
        row,
        organisation_id=None if actor.is_system else actor.organisation_id,
        exclude=exclude,
    )
    people = persons_by_id(session, [c.person_id for c in ranked])
    found = [people[c.person_id] for c in ranked if c.person_id in people]
    visible = [p for p in found if in_scope(actor, p)]
    return Duplicates(visible=visible, hidden_count=len(found) - len(visible))
