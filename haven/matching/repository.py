"""Every query of the matching domain: profiles and blocking keys, reviews, merges."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, func, insert, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from haven.errors import NotFound
from haven.kernel.repository import BATCH, Repository
from haven.matching.models import MatchKey, MatchMerge, MatchProfile, MatchReview
from haven.people.public import Person
from haven.security.permissions import Actor, Permission, Scope


class Profiles(Repository[MatchProfile]):
    model = MatchProfile
    site_column = None


class Reviews(Repository[MatchReview]):
    """A review is about two persons: a site-scoped reader (a registrar) sees it only when
    both persons are at their site, as both person pages must be open to them; a pair that
    spans sites is for the organisation's reviewers."""

    model = MatchReview
    site_column = None

    def readable(self, actor: Actor) -> Select[MatchReview]:
        query = super().readable(actor)
        if actor.is_system or actor.scope is not Scope.SITE:
            return query
        first, second = aliased(Person), aliased(Person)
        return (
            query.join(first, first.id == MatchReview.person_a_id)
            .join(second, second.id == MatchReview.person_b_id)
            .where(first.site_id == actor.site_id, second.site_id == actor.site_id)
        )

    def get_for(
        self, actor: Actor, record_id: uuid.UUID, permission: Permission | None = None
    ) -> MatchReview:
        """The review, or NotFound when it is missing or outside the actor's scope (for a
        site-scoped actor: when either person is at another site)."""
        review = super().get_for(actor, record_id, permission)
        if actor.is_system or actor.scope is not Scope.SITE:
            return review
        sites = self.session.execute(
            select(Person.site_id).where(Person.id.in_([review.person_a_id, review.person_b_id]))
        ).scalars()
        if any(site != actor.site_id for site in sites):
            raise NotFound
        return review


def _chunks(values: Iterable[uuid.UUID | None]) -> list[list[uuid.UUID]]:
    wanted = sorted({v for v in values if v is not None}, key=str)
    return [wanted[start : start + BATCH] for start in range(0, len(wanted), BATCH)]


# --- profiles and keys ----------------------------------------------------------------------


def profile_of(session: Session, person_id: uuid.UUID) -> MatchProfile | None:
    profile: MatchProfile | None = session.get(MatchProfile, person_id)
    return profile


def replace_keys(
    session: Session,
    person_id: uuid.UUID,
    organisation_id: uuid.UUID,
    keys: Iterable[tuple[str, str]],
) -> None:
    """The person's blocking keys, replaced wholesale. Core statements, not ORM objects: the
    keys are never loaded."""
    session.execute(delete(MatchKey).where(MatchKey.person_id == person_id))
    rows = [
        {"person_id": person_id, "kind": kind, "value": value, "organisation_id": organisation_id}
        for kind, value in keys
    ]
    if rows:
        session.execute(insert(MatchKey), rows)


def profiles_by_person(
    session: Session, person_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, MatchProfile]:
    """The profiles of these people, batched; people without one are absent."""
    return Profiles(session).many_by(MatchProfile.person_id, person_ids)


def keys_by_person(
    session: Session, person_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, set[tuple[str, str]]]:
    """The blocking keys of these people, (kind, value) pairs by person, batched."""
    found: dict[uuid.UUID, set[tuple[str, str]]] = {}
    for chunk in _chunks(person_ids):
        rows = session.execute(
            select(MatchKey.person_id, MatchKey.kind, MatchKey.value).where(
                MatchKey.person_id.in_(chunk)
            )
        )
        for person_id, kind, value in rows:
            found.setdefault(person_id, set()).add((kind, value))
    return found


def replace_keys_of(
    session: Session,
    keys: Mapping[uuid.UUID, tuple[uuid.UUID, Iterable[tuple[str, str]]]],
) -> None:
    """Several people's blocking keys, each replaced wholesale (`keys`: person → their
    organisation and keys): one DELETE per 500 people and one INSERT."""
    for chunk in _chunks(keys):
        session.execute(delete(MatchKey).where(MatchKey.person_id.in_(chunk)))
    rows = [
        {"person_id": person_id, "kind": kind, "value": value, "organisation_id": organisation}
        for person_id, (organisation, pairs) in keys.items()
        for kind, value in pairs
    ]
    if rows:
        session.execute(insert(MatchKey), rows)


def forget(session: Session, person_id: uuid.UUID) -> None:
    """Drop the person's profile and keys (derived from the names) and any loaded profile."""
    session.execute(delete(MatchKey).where(MatchKey.person_id == person_id))
    session.execute(delete(MatchProfile).where(MatchProfile.person_id == person_id))
    for instance in list(session.identity_map.values()):
        if isinstance(instance, MatchProfile) and instance.person_id == person_id:
            session.expunge(instance)


def persons_with_key(
    session: Session,
    kind: str,
    values: Sequence[str],
    *,
    organisation_id: uuid.UUID | None,
    exclude: uuid.UUID | None,
    limit: int,
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(person, organisation) of at most `limit` people having one of these keys (an index
    lookup on kind and value)."""
    query = select(MatchKey.person_id, MatchKey.organisation_id).where(
        MatchKey.kind == kind, MatchKey.value.in_(values)
    )
    if organisation_id is not None:
        query = query.where(MatchKey.organisation_id == organisation_id)
    if exclude is not None:
        query = query.where(MatchKey.person_id != exclude)
    return [(person, org) for person, org in session.execute(query.limit(limit)).all()]


def persons_keyed(keys: Iterable[tuple[str, str]]) -> Select[uuid.UUID]:
    """The ids of persons having any of these (kind, value) keys, as a subquery for another
    domain's query (`person_id IN (…)`): index lookups on (kind, value)."""
    wanted = sorted(set(keys))
    return select(MatchKey.person_id).where(
        or_(*(and_(MatchKey.kind == kind, MatchKey.value == value) for kind, value in wanted))
    )


def persons_with_keys(
    session: Session, kind: str, values: Iterable[str], *, organisation_id: uuid.UUID
) -> list[tuple[uuid.UUID, str]]:
    """(person, value) of everyone of the organisation having one of these keys of one kind:
    the set version of `persons_with_key` (an import's chunk asks once for all its people)."""
    wanted = sorted(set(values))
    found: list[tuple[uuid.UUID, str]] = []
    for start in range(0, len(wanted), BATCH):
        found.extend(
            (person, value)
            for person, value in session.execute(
                select(MatchKey.person_id, MatchKey.value).where(
                    MatchKey.kind == kind,
                    MatchKey.value.in_(wanted[start : start + BATCH]),
                    MatchKey.organisation_id == organisation_id,
                )
            ).all()
        )
    return found


def pairs_reviewed(
    session: Session, pairs: Iterable[tuple[uuid.UUID, uuid.UUID]]
) -> set[tuple[uuid.UUID, uuid.UUID]]:
    """Which of these ordered pairs already have a review (any state); batched."""
    wanted = set(pairs)
    found: set[tuple[uuid.UUID, uuid.UUID]] = set()
    for chunk in _chunks(a for a, _b in wanted):
        for a, b in session.execute(
            select(MatchReview.person_a_id, MatchReview.person_b_id).where(
                MatchReview.person_a_id.in_(chunk)
            )
        ).all():
            if (a, b) in wanted:
                found.add((a, b))
    return found


def live_profiles(session: Session, person_ids: Iterable[uuid.UUID]) -> list[MatchProfile]:
    """The profiles of these people, leaving out anyone erased."""
    found: list[MatchProfile] = []
    for chunk in _chunks(person_ids):
        found.extend(
            session.scalars(
                select(MatchProfile)
                .join(Person, Person.id == MatchProfile.person_id)
                .where(MatchProfile.person_id.in_(chunk), Person.erased_at.is_(None))
            )
        )
    return found


def organisation_profiles(
    session: Session, organisation_id: uuid.UUID
) -> list[tuple[MatchProfile, datetime]]:
    """Current profiles of the organisation's people (not erased, not merged away), with when
    each person was registered."""
    merged = select(MatchMerge.merged_id).where(MatchMerge.undone_at.is_(None))
    rows = session.execute(
        select(MatchProfile, Person.created_at)
        .join(Person, Person.id == MatchProfile.person_id)
        .where(
            MatchProfile.organisation_id == organisation_id,
            Person.erased_at.is_(None),
            MatchProfile.person_id.not_in(merged),
        )
        .order_by(MatchProfile.person_id)
    ).all()
    return [(profile, created) for profile, created in rows]


# --- reviews --------------------------------------------------------------------------------


def review_of_pair(session: Session, a: uuid.UUID, b: uuid.UUID) -> MatchReview | None:
    return session.scalar(
        select(MatchReview).where(MatchReview.person_a_id == a, MatchReview.person_b_id == b)
    )


def reviews_in(
    session: Session, actor: Actor, states: Iterable[str], limit: int
) -> Sequence[MatchReview]:
    """The reviews in these states the actor may see, most probable first."""
    return session.scalars(
        Reviews(session)
        .readable(actor)
        .where(MatchReview.state.in_(list(states)))
        .order_by(MatchReview.probability.desc(), MatchReview.created_at)
        .limit(limit)
    ).all()


# The orders the review list can be read in: most probable first, waiting longest first,
# or newest first.
REVIEW_SORTS = ("likely", "oldest", "newest")


def review_page(
    session: Session,
    actor: Actor,
    states: Iterable[str],
    *,
    sort: str = "likely",
    limit: int = 25,
    offset: int = 0,
) -> tuple[list[MatchReview], int]:
    """One page of the reviews in these states the actor may see, and how many there are in
    all (counted in the database)."""
    query = Reviews(session).readable(actor).where(MatchReview.state.in_(sorted(states)))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    order: tuple[ColumnElement[Any] | InstrumentedAttribute[Any], ...]
    if sort == "oldest":
        order = (MatchReview.created_at.asc(), MatchReview.id.asc())
    elif sort == "newest":
        order = (MatchReview.created_at.desc(), MatchReview.id.desc())
    else:
        order = (MatchReview.probability.desc(), MatchReview.created_at, MatchReview.id)
    rows = session.scalars(query.order_by(*order).limit(limit).offset(offset)).all()
    return list(rows), int(total or 0)


def organisation_reviews(session: Session, organisation_id: uuid.UUID) -> Sequence[MatchReview]:
    return session.scalars(
        select(MatchReview).where(MatchReview.organisation_id == organisation_id)
    ).all()


def has_reviews(session: Session, organisation_id: uuid.UUID) -> bool:
    found = session.scalar(
        select(MatchReview.id).where(MatchReview.organisation_id == organisation_id).limit(1)
    )
    return found is not None


# --- merges ---------------------------------------------------------------------------------


def active_merge(session: Session, review_id: uuid.UUID) -> MatchMerge | None:
    return session.scalar(
        select(MatchMerge).where(MatchMerge.review_id == review_id, MatchMerge.undone_at.is_(None))
    )


def merged_into(session: Session, person_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    """Which of these people are merged duplicates (not undone), and into whom; batched."""
    found: dict[uuid.UUID, uuid.UUID] = {}
    for chunk in _chunks(person_ids):
        rows = session.execute(
            select(MatchMerge.merged_id, MatchMerge.survivor_id).where(
                MatchMerge.merged_id.in_(chunk), MatchMerge.undone_at.is_(None)
            )
        ).all()
        found.update((merged, survivor) for merged, survivor in rows)
    return found


def undone_review_ids(session: Session, organisation_id: uuid.UUID) -> set[uuid.UUID]:
    """The reviews of the organisation whose link people undid."""
    return {
        review_id
        for review_id in session.scalars(
            select(MatchMerge.review_id).where(
                MatchMerge.organisation_id == organisation_id, MatchMerge.undone_at.is_not(None)
            )
        )
        if review_id is not None
    }


# --- review groups and transitive closure (haven.matching.review_groups, .transitive) -------

# The columns a review group is computed from: light rows, never the ORM objects.
UndecidedPair = tuple[uuid.UUID, uuid.UUID, uuid.UUID, float, str, uuid.UUID | None, datetime]


def undecided_pairs(
    session: Session, organisation_id: uuid.UUID, states: Iterable[str]
) -> list[UndecidedPair]:
    """(review id, person a, person b, probability, state, first reviewer, opened at) of every
    review of the organisation in these states: the whole band, from which the groups are
    made."""
    rows = session.execute(
        select(
            MatchReview.id,
            MatchReview.person_a_id,
            MatchReview.person_b_id,
            MatchReview.probability,
            MatchReview.state,
            MatchReview.first_reviewer_id,
            MatchReview.created_at,
        ).where(
            MatchReview.organisation_id == organisation_id,
            MatchReview.state.in_(sorted(states)),
        )
    ).all()
    return [(r[0], r[1], r[2], float(r[3]), r[4], r[5], r[6]) for r in rows]


def readable_review_ids(
    session: Session,
    actor: Actor,
    states: Iterable[str],
    *,
    among: Iterable[uuid.UUID] | None = None,
) -> set[uuid.UUID]:
    """The ids of the reviews in these states the actor may read (for a site-scoped actor:
    both persons at their site), of all the organisation's or `among` these (batched)."""
    query = Reviews(session).readable(actor).where(MatchReview.state.in_(sorted(states)))
    query = query.with_only_columns(MatchReview.id)
    if among is None:
        return set(session.scalars(query))
    found: set[uuid.UUID] = set()
    for chunk in _chunks(among):
        found.update(session.scalars(query.where(MatchReview.id.in_(chunk))))
    return found


def reviews_by_id(
    session: Session, review_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, MatchReview]:
    """These reviews, batched (no scope check: the caller has checked the group's)."""
    found: dict[uuid.UUID, MatchReview] = {}
    for chunk in _chunks(review_ids):
        found.update(
            (review.id, review)
            for review in session.scalars(select(MatchReview).where(MatchReview.id.in_(chunk)))
        )
    return found


def reviews_touching(
    session: Session, person_ids: Iterable[uuid.UUID], states: Iterable[str]
) -> list[MatchReview]:
    """The reviews in these states with either person among these people (both person
    columns are indexed); batched, each review once."""
    wanted = sorted(states)
    found: dict[uuid.UUID, MatchReview] = {}
    for chunk in _chunks(person_ids):
        for column in (MatchReview.person_a_id, MatchReview.person_b_id):
            for review in session.scalars(
                select(MatchReview).where(column.in_(chunk), MatchReview.state.in_(wanted))
            ):
                found[review.id] = review
    return sorted(found.values(), key=lambda review: str(review.id))


def reviews_closed_by(session: Session, review_id: uuid.UUID) -> Sequence[MatchReview]:
    """The reviews closed as moot through this review's decision."""
    return session.scalars(
        select(MatchReview).where(MatchReview.closed_by_id == review_id).order_by(MatchReview.id)
    ).all()


def roots_of(session: Session, person_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    """For each of these people, the person they are now: followed up the active merges
    (a record merged into one merged into another ends at the last), itself when not merged."""
    parent: dict[uuid.UUID, uuid.UUID] = {}
    frontier = set(person_ids)
    seen = set(frontier)
    while frontier:
        step = merged_into(session, frontier)
        parent.update(step)
        frontier = set(step.values()) - seen
        seen |= frontier
    roots: dict[uuid.UUID, uuid.UUID] = {}
    for person in person_ids:
        node, hops = person, 0
        while node in parent and hops <= len(parent):  # a cycle would be a bug: stop
            node, hops = parent[node], hops + 1
        roots[person] = node
    return roots


def merged_under(session: Session, roots: Iterable[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    """Everyone these people are now (themselves and every record merged into them, through
    active merges, at any depth), each with the root they belong to."""
    found = {root: root for root in roots}
    frontier = dict(found)
    while frontier:
        step: dict[uuid.UUID, uuid.UUID] = {}
        for chunk in _chunks(frontier):
            for merged, survivor in session.execute(
                select(MatchMerge.merged_id, MatchMerge.survivor_id).where(
                    MatchMerge.survivor_id.in_(chunk), MatchMerge.undone_at.is_(None)
                )
            ).all():
                if merged not in found:
                    step[merged] = frontier[survivor]
        found.update(step)
        frontier = step
    return found
