"""Review groups in the running system: the queue of candidate groups and their decisions.

The groups are `haven.matching.groups.candidate_groups` over the organisation's undecided
pair reviews (open or awaiting a second vote), keyed by person id, with each review's
probability: the app groups exactly as the matching benchmark counts reviewer decisions.
A group is named by any of its reviews (`group_of`); the queue lists the groups strongest
first.

A group decision is a partition of the members ("all one person", or "split as shown"). It
is cast, in one step, as one vote on every pair review of the group through the pairs' own
state machine (`service.vote`): "link" where both are in one part, "not_same" otherwise. Two
members put in one part with no review between them (nor a chain of reviews inside the part)
get a review of their own (source "group") carrying that vote, so that a second reviewer
confirms every link the first one made. When votes agree, the pairs agreed as one person
become one person: each connected part's records are merged into its oldest record (the
pairs' survivor rule), each through the agreed review that reached it. A disagreeing vote
sends its pair back to open, as on the pair page. Then the reviews the decision answered
are closed as moot (`haven.matching.transitive`).

Everything is checked before anything is written (the group is unchanged since the
reviewer saw it, the partition is one of its members, nobody seconds their own vote, no
part contradicts an earlier decision), so a refused decision writes nothing. One audit event
per group decision names its reviews, members and parts by id.

A group is for the organisation's reviewers; a site-scoped reviewer (a registrar) sees a
group only when they may read every review in it (all its people at their site), as with
pairs that span sites.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.errors import Conflict, NotFound, ValidationFailed
from haven.i18n import N_
from haven.matching import repository, service, transitive
from haven.matching.groups import candidate_groups
from haven.matching.lifecycle import OPEN_STATES, Decision, ReviewState
from haven.matching.model import load
from haven.matching.models import MatchReview
from haven.people.public import Person, persons_by_id
from haven.security.fields import note_read
from haven.security.permissions import Actor, Permission, require

SOURCE = "group"
CHANGED = N_(
    "This group changed since you opened it: another decision was recorded. "
    "Look at it again before deciding."
)
UNDECIDED = [str(state) for state in OPEN_STATES]


class GroupState:
    """Where a group stands for the reviewer looking at it."""

    FIRST = "first"  # nobody has voted on it: it needs a first decision
    SECOND = "second"  # another reviewer voted: it awaits a second reviewer
    OWN = "own"  # this reviewer voted: another reviewer must decide it


GROUP_STATE_LABELS = {
    GroupState.FIRST: N_("Needs a first decision"),
    GroupState.SECOND: N_("Awaits a second reviewer"),
    GroupState.OWN: N_("You decided it: another reviewer must confirm"),
}


@dataclass(frozen=True)
class ReviewGroup:
    """A candidate group as the reviewer sees it: its people, its pair reviews (strongest
    first; the first names the group), where it stands, and a fingerprint of its reviews'
    states that a decision must carry back unchanged."""

    members: tuple[uuid.UUID, ...]
    review_ids: tuple[uuid.UUID, ...]
    strongest: float
    state: str
    version: str
    since: datetime  # when its oldest review was opened
    latest: datetime  # when its newest review was opened

    @property
    def id(self) -> uuid.UUID:
        return self.review_ids[0]


@dataclass(frozen=True)
class Outcome:
    """What a group decision did: votes cast first, pairs agreed (same / not the same),
    pairs disputed (back to open), records merged, reviews closed as moot."""

    first_votes: int
    linked: int
    not_same: int
    disputed: int
    merged: int
    closed: int

    @property
    def notice(self) -> str:
        if self.disputed:
            return "group_disputed"
        if self.first_votes and not (self.linked or self.not_same):
            return "group_voted"
        if self.first_votes:
            return "group_partly"
        return "group_decided"


Pair = repository.UndecidedPair


def _version(pairs: Sequence[Pair]) -> str:
    text = ";".join(sorted(f"{p[0]}:{p[4]}:{p[5]}" for p in pairs))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _state(pairs: Sequence[Pair], actor: Actor) -> str:
    waiting = [p for p in pairs if p[4] == ReviewState.AWAITING_SECOND]
    if any(p[5] == actor.user_id for p in waiting):
        return GroupState.OWN
    return GroupState.SECOND if waiting else GroupState.FIRST


def _component(pairs: Sequence[Pair], start: uuid.UUID) -> list[Pair]:
    """The band's pairs connected to `start`. `candidate_groups` only ever joins people a
    chain of pairs connects, so it groups these alone exactly as it groups them among the
    whole band: a group page need not group the organisation."""
    touching: dict[uuid.UUID, list[Pair]] = {}
    for pair in pairs:
        touching.setdefault(pair[1], []).append(pair)
        touching.setdefault(pair[2], []).append(pair)
    seen, queue = {start}, deque([start])
    found: dict[uuid.UUID, Pair] = {}
    while queue:
        for pair in touching.get(queue.popleft(), ()):
            found[pair[0]] = pair
            for person in (pair[1], pair[2]):
                if person not in seen:
                    seen.add(person)
                    queue.append(person)
    return list(found.values())


def _groups(
    session: Session, actor: Actor, *, around: MatchReview | None = None
) -> list[ReviewGroup]:
    """Every candidate group of the actor's organisation that the actor may see in full
    (`around`: only the groups of the people that review's pairs connect)."""
    require(actor, Permission.MATCH_REVIEW)
    if actor.organisation_id is None:
        return []
    pairs = repository.undecided_pairs(session, actor.organisation_id, UNDECIDED)
    if around is not None:
        pairs = _component(pairs, around.person_a_id)
    by_pair = {service.ordered(p[1], p[2]): p for p in pairs}
    readable = repository.readable_review_ids(
        session, actor, UNDECIDED, among=[p[0] for p in pairs] if around else None
    )
    found: list[ReviewGroup] = []
    for group in candidate_groups((p[1], p[2], p[3]) for p in pairs):
        mine = sorted(
            (by_pair[service.ordered(a, b)] for a, b in group.pairs),
            key=lambda p: (-p[3], str(p[0])),
        )
        if any(p[0] not in readable for p in mine):
            continue  # a person at a site the actor may not see: for organisation reviewers
        found.append(
            ReviewGroup(
                members=group.members,
                review_ids=tuple(p[0] for p in mine),
                strongest=mine[0][3],
                state=_state(mine, actor),
                version=_version(mine),
                since=min(p[6] for p in mine),
                latest=max(p[6] for p in mine),
            )
        )
    return found


def group_page(
    session: Session, actor: Actor, *, sort: str = "likely", limit: int = 25, offset: int = 0
) -> tuple[list[ReviewGroup], int]:
    """One page of the candidate groups and how many there are: strongest first (the order
    `candidate_groups` gives), or waiting longest, or newest first. The whole band is read
    to group it (light rows, no people): the groups cannot be paged in the database."""
    groups = _groups(session, actor)
    if sort == "oldest":
        groups.sort(key=lambda g: (g.since, str(g.id)))
    elif sort == "newest":
        groups.sort(key=lambda g: (g.latest, str(g.id)), reverse=True)
    return groups[offset : offset + limit], len(groups)


def group_of(session: Session, actor: Actor, review_id: uuid.UUID) -> ReviewGroup | None:
    """The group the review belongs to; None once the review is decided. NotFound when the
    review is missing or out of scope, or its group reaches a person the actor may not see."""
    review = service.get_review(session, actor, review_id)
    if review.state not in OPEN_STATES:
        return None
    for group in _groups(session, actor, around=review):
        if review_id in group.review_ids:
            return group
    raise NotFound


def reviews_of(session: Session, group: ReviewGroup) -> list[MatchReview]:
    """The group's pair reviews, strongest first."""
    return reviews_of_groups(session, [group])[0]


def reviews_of_groups(session: Session, groups: Sequence[ReviewGroup]) -> list[list[MatchReview]]:
    """The pair reviews of each of these groups, strongest first (one batched read)."""
    found = repository.reviews_by_id(session, [r for group in groups for r in group.review_ids])
    return [[found[r] for r in group.review_ids if r in found] for group in groups]


def people_by_id(session: Session, person_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Person]:
    """The groups' people, shown side by side (batched): read as their identity, as the two
    people of a pair are."""
    found = persons_by_id(session, person_ids)
    for person_id in found:
        note_read(session, "person", person_id, "persons.identity", "personal")
    return found


def people_of(session: Session, group: ReviewGroup) -> dict[uuid.UUID, Person]:
    """The group's people, shown side by side."""
    return people_by_id(session, group.members)


# --- the decision -----------------------------------------------------------------------------


def _parts(group: ReviewGroup, partition: Sequence[Sequence[uuid.UUID]]) -> list[list[uuid.UUID]]:
    """The partition, checked: every member in exactly one non-empty part, nobody else."""
    members = set(group.members)
    seen: set[uuid.UUID] = set()
    parts: list[list[uuid.UUID]] = []
    for part in partition:
        chosen = list(dict.fromkeys(part))
        if not chosen:
            continue
        if any(person not in members for person in chosen):
            raise ValidationFailed(
                N_("Someone chosen is not in this group."),
                fields={"partition": N_("Someone chosen is not in this group.")},
            )
        if seen & set(chosen):
            raise ValidationFailed(
                N_("Put each person in one part only."),
                fields={"partition": N_("Put each person in one part only.")},
            )
        seen |= set(chosen)
        parts.append(sorted(chosen, key=str))
    if seen != members:
        raise ValidationFailed(
            N_("Choose a person for every record of the group."),
            fields={"partition": N_("Choose a person for every record of the group.")},
        )
    return parts


def _check_earlier(
    session: Session, group: ReviewGroup, part_of: dict[uuid.UUID, int]
) -> dict[uuid.UUID, uuid.UUID]:
    """Refuse a partition that contradicts earlier decisions: records already one person
    put apart, or records decided not to be the same put together. Returns each member's
    root (the person it is now)."""
    root = repository.roots_of(session, group.members)
    for a in group.members:
        for b in group.members:
            if a < b and root[a] == root[b] and part_of[a] != part_of[b]:
                raise ValidationFailed(
                    N_(
                        "Two of these records are already linked as one person: undo that "
                        "merge on its pair's page first, or keep them together."
                    ),
                    fields={"partition": N_("Two of these records are already one person.")},
                )
    refused = repository.reviews_touching(
        session, group.members, [str(s) for s in transitive.NOT_SAME_STATES]
    )
    members = set(group.members)
    for review in refused:
        a, b = review.person_a_id, review.person_b_id
        if a in members and b in members and part_of[a] == part_of[b]:
            raise ValidationFailed(
                N_(
                    "Two reviewers decided earlier that two of these records are not the same "
                    "person: put them in different parts."
                ),
                fields={"partition": N_("Two of these records were decided not the same.")},
            )
    return root


def _joining_reviews(
    session: Session,
    actor: Actor,
    group: ReviewGroup,
    reviews: Sequence[MatchReview],
    parts: list[list[uuid.UUID]],
    root: dict[uuid.UUID, uuid.UUID],
) -> list[MatchReview]:
    """New reviews (source "group") joining the pieces of a part that no review of the
    group, nor an earlier merge, connects: each link the reviewer makes is a pair a second
    reviewer confirms."""
    piece = {member: member for member in group.members}

    def find(member: uuid.UUID) -> uuid.UUID:
        while piece[member] != member:
            member = piece[member]
        return member

    def join(a: uuid.UUID, b: uuid.UUID) -> None:
        piece[find(a)] = find(b)

    part_of = {member: index for index, part in enumerate(parts) for member in part}
    for review in reviews:
        if part_of[review.person_a_id] == part_of[review.person_b_id]:
            join(review.person_a_id, review.person_b_id)
    for a in group.members:
        for b in group.members:
            if a < b and root[a] == root[b]:
                join(a, b)
    wanted: list[tuple[uuid.UUID, uuid.UUID]] = []
    for part in parts:
        first = part[0]
        for member in part[1:]:
            if find(member) != find(first):
                wanted.append(service.ordered(first, member))
                join(member, first)
    if not wanted:
        return []
    if repository.pairs_reviewed(session, wanted):
        # A decided review between them that neither check above explains (say, linked
        # and since unmerged into separate people again): let a reviewer look again.
        raise Conflict(CHANGED)
    profiles = repository.profiles_by_person(session, {p for pair in wanted for p in pair})
    model = load()
    made: list[MatchReview] = []
    for a, b in wanted:
        weight, probability, reasons = 0.0, 0.0, tuple[str, ...]()
        if a in profiles and b in profiles:
            weight, probability, reasons = model.score(
                service.profile_comparable(profiles[a]), service.profile_comparable(profiles[b])
            )
        made.append(
            MatchReview(
                organisation_id=reviews[0].organisation_id,
                person_a_id=a,
                person_b_id=b,
                weight=round(weight, 3),
                probability=round(probability, 6),
                reasons=list(reasons),
                source=SOURCE,
                state=ReviewState.OPEN.value,
            )
        )
    service.save_opened(session, actor, made, SOURCE)
    return made


def _reached(
    graph: dict[uuid.UUID, list[MatchReview]], root: dict[uuid.UUID, uuid.UUID], start: uuid.UUID
) -> list[tuple[uuid.UUID, MatchReview]]:
    """Breadth-first from `start` over the agreed links between people (roots): each person
    reached, with the link that reached it first (the strongest, as `graph` is ordered)."""
    reached: list[tuple[uuid.UUID, MatchReview]] = []
    visited, queue = {start}, deque([start])
    while queue:
        for review in graph[queue.popleft()]:
            for other in (root[review.person_a_id], root[review.person_b_id]):
                if other not in visited:
                    visited.add(other)
                    queue.append(other)
                    reached.append((other, review))
    return reached


def _merge_agreed(
    session: Session, actor: Actor, agreed: Sequence[MatchReview]
) -> tuple[int, dict[uuid.UUID, uuid.UUID]]:
    """Make one person of each set of records the agreed links connect: every person (root)
    merged into the set's oldest record through the agreed review that reached it first,
    strongest first. Returns how many merges were made and the decision's causes by person."""
    if not agreed:
        return 0, {}
    ends = {p for review in agreed for p in (review.person_a_id, review.person_b_id)}
    root = repository.roots_of(session, ends)
    graph: dict[uuid.UUID, list[MatchReview]] = {}
    for review in sorted(agreed, key=lambda r: (-r.probability, str(r.id))):
        a, b = root[review.person_a_id], root[review.person_b_id]
        if a != b:
            graph.setdefault(a, []).append(review)
            graph.setdefault(b, []).append(review)
    people = persons_by_id(session, graph)
    if set(graph) - set(people):
        raise NotFound  # a record gone meanwhile: nothing of the decision is written
    seen: set[uuid.UUID] = set()
    merges = 0
    causes: dict[uuid.UUID, uuid.UUID] = {}
    for start in sorted(graph, key=str):
        if start in seen:
            continue
        component = {start} | {other for other, _ in _reached(graph, root, start)}
        seen |= component
        survivor = min(component, key=lambda pid: (people[pid].created_at, str(pid)))
        for other, review in _reached(graph, root, survivor):
            service.merge(session, actor, review, survivor, other)
            causes.setdefault(survivor, review.id)
            merges += 1
    return merges, causes


def decide_group(
    session: Session,
    actor: Actor,
    review_id: uuid.UUID,
    *,
    members: Sequence[uuid.UUID],
    reviews: Sequence[uuid.UUID],
    partition: Sequence[Sequence[uuid.UUID]],
    version: str | None = None,
) -> Outcome:
    """One reviewer's decision on the group named by `review_id`, in one step (see the
    module docstring). `members` and `reviews` are the group as the reviewer saw it (and
    `version` its fingerprint, when known): Conflict when it has changed since."""
    group = group_of(session, actor, review_id)
    if (
        group is None
        or set(members) != set(group.members)
        or set(reviews) != set(group.review_ids)
        or (version is not None and version != group.version)
    ):
        raise Conflict(CHANGED)
    if group.state == GroupState.OWN:
        raise Conflict(N_("A second, different reviewer must confirm this decision."))
    parts = _parts(group, partition)
    part_of = {member: index for index, part in enumerate(parts) for member in part}
    root = _check_earlier(session, group, part_of)
    # A savepoint: should anything below refuse, none of the decision is written.
    with session.begin_nested():
        return _apply(session, actor, group, parts, root)


def _apply(
    session: Session,
    actor: Actor,
    group: ReviewGroup,
    parts: list[list[uuid.UUID]],
    root: dict[uuid.UUID, uuid.UUID],
) -> Outcome:
    """The checked decision, written: joining reviews, one vote per pair, merges of the
    agreed links, the closures they make moot, the group's audit event."""
    part_of = {member: index for index, part in enumerate(parts) for member in part}
    pairs = reviews_of(session, group)
    pairs += _joining_reviews(session, actor, group, pairs, parts, root)
    first_votes = linked = not_same = disputed = 0
    agreed: list[MatchReview] = []
    causes: dict[uuid.UUID, uuid.UUID] = {}
    for review in pairs:
        together = part_of[review.person_a_id] == part_of[review.person_b_id]
        before = review.state
        service.vote(session, actor, review, Decision.LINK if together else Decision.NOT_SAME)
        if before == ReviewState.OPEN:
            first_votes += 1
        elif review.state == ReviewState.OPEN:
            disputed += 1
        elif review.state == ReviewState.LINKED:
            linked += 1
            agreed.append(review)
        else:
            not_same += 1
            causes.setdefault(review.person_a_id, review.id)
            causes.setdefault(review.person_b_id, review.id)
    merged, merge_causes = _merge_agreed(session, actor, agreed)
    closed = transitive.close_moot(session, actor, {**causes, **merge_causes})
    outcome = Outcome(first_votes, linked, not_same, disputed, merged, len(closed))
    audit.record(
        session,
        actor,
        AuditAction.MATCH_GROUP_DECIDED,
        subject_type="match_review",
        subject_id=group.id,
        organisation_id=pairs[0].organisation_id,
        changes={
            "members": {"after": [str(m) for m in group.members]},
            "reviews": {"after": [str(r.id) for r in pairs]},
            "parts": {"after": [[str(m) for m in part] for part in parts]},
            "outcome": {"after": outcome.notice},
        },
    )
    return outcome
