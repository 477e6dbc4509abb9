"""Batch deduplication as a background job (`haven matching dedupe --background`).

The first step reads and scores the organisation's people and decides every link and every
pair to queue (`dedupe.plan`): the slow part, done holding no lock; the plan is sealed into
the job's input. The steps after it make the links, a part of the plan at a time (a cluster
is never split between steps, so a merge chain is whole), then queue the pairs, each part
committed with the job's progress. A crash resumes at the first part not committed; a pair
people voted on or unlinked since the plan was made is left alone. Only the operator at the
machine starts it, as `haven matching dedupe` always was.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from haven.i18n import N_
from haven.jobs.kinds import Step
from haven.matching import dedupe
from haven.matching.dedupe import Candidate, Link, Pair, Plan
from haven.security.permissions import Actor, Permission

PART = 200  # links or pairs per step

PLAN, LINK, QUEUE = "plan", "link", "queue"


def _pair(pair: Pair) -> list[Any]:
    return [str(pair.a), str(pair.b), pair.weight, pair.probability]


def _unpair(values: list[Any]) -> Pair:
    return Pair(uuid.UUID(values[0]), uuid.UUID(values[1]), float(values[2]), float(values[3]))


def plan_payload(organisation_id: uuid.UUID, decided: Plan) -> dict[str, Any]:
    return {
        "organisation_id": str(organisation_id),
        "links": [
            [str(link.survivor), str(link.member), _pair(link.pair), list(link.reasons)]
            for link in decided.links
        ],
        "queue": [[_pair(c.pair), list(c.reasons)] for c in decided.queue],
    }


def _links(payload: Mapping[str, Any]) -> list[Link]:
    return [
        Link(uuid.UUID(survivor), uuid.UUID(member), _unpair(pair), tuple(reasons))
        for survivor, member, pair, reasons in payload["links"]
    ]


def _queue(payload: Mapping[str, Any]) -> list[Candidate]:
    return [Candidate(_unpair(pair), tuple(reasons)) for pair, reasons in payload["queue"]]


def _cut(links: list[Link], start: int) -> int:
    """Where the part starting at `start` ends: after PART links, at a cluster's end."""
    end = min(len(links), start + PART)
    while end < len(links) and links[end].survivor == links[end - 1].survivor:
        end += 1
    return end


class DedupeJob:
    """`matching.dedupe`: plan, then links, then the review queue."""

    name = "matching.dedupe"
    title = N_("Find duplicates among the people registered")
    permission = Permission.MATCH_REVIEW
    result_template: str | None = None

    def step(
        self,
        session: Session,
        actor: Actor,
        payload: Mapping[str, Any],
        cursor: Mapping[str, Any],
    ) -> Step:
        organisation_id = uuid.UUID(str(payload["organisation_id"]))
        phase = str(cursor.get("phase", PLAN))
        if phase == PLAN:
            decided = dedupe.plan(session, actor, organisation_id)
            total = 1 + len(decided.links) + len(decided.queue)
            counts = {
                "profiles": decided.profiles,
                "pairs_scored": decided.pairs_scored,
                "already_reviewed": decided.already_reviewed,
                "linked": 0,
                "queued": 0,
            }
            first = {"phase": LINK, "next": 0} | counts
            new_payload = plan_payload(organisation_id, decided)
            return Step(1, total, first, False, counts, payload=new_payload)
        links, queue = _links(payload), _queue(payload)
        total = 1 + len(links) + len(queue)
        start = int(cursor.get("next", 0))
        counts = {k: cursor[k] for k in ("profiles", "pairs_scored", "already_reviewed")}
        linked, queued = int(cursor.get("linked", 0)), int(cursor.get("queued", 0))
        if phase == LINK:
            end = _cut(links, start)
            linked += dedupe.apply_links(session, actor, organisation_id, links[start:end])
            following: dict[str, Any] = {"phase": LINK, "next": end}
            if end >= len(links):
                following = {"phase": QUEUE, "next": 0}
            done = 1 + end
        else:
            end = min(len(queue), start + PART)
            queued += dedupe.apply_queue(session, actor, organisation_id, queue[start:end])
            following = {"phase": QUEUE, "next": end}
            done = 1 + len(links) + end
        following |= counts | {"linked": linked, "queued": queued}
        finished = (phase == QUEUE and end >= len(queue)) or (
            phase == LINK and not queue and end >= len(links)
        )
        result = counts | {"linked": linked, "queued": queued}
        return Step(done, total, following, finished, result)


DEDUPE = DedupeJob()
