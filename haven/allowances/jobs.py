"""Recomputing entitlements and preparing a payment batch for many people, as background jobs.

`allowances.recompute` recomputes everyone the organisation has received (what
`recompute_organisation` does: after a plan change, say), and `allowances.prepare_batch`
puts every due instalment into a draft batch (what `add_due` does). Both go through the
persons in the order of their ids, a part per step: each step is one `recompute_part` or
one `add_due` for the persons after the cursor, in the runner's transaction, committed with
the cursor (the last person id done; counts). A crash loses at most the step under way,
which runs again from the same cursor, so no instalment, ledger leg or payment item is
written twice. The part adapts to how long the last one took, so that a step holds the
database's write lock for about `TARGET_SECONDS`.

The pages start a job when more than `JOB_PEOPLE` persons are concerned and do the work in
the request below that (`haven/allowances/views.py`).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from haven.allowances import batches, entitlements
from haven.allowances.batches import SkipReason
from haven.allowances.repository import Batches
from haven.allowances.rules import format_money
from haven.i18n import N_
from haven.jobs.kinds import Step, next_size
from haven.security.permissions import Actor, Permission

# More persons than this and the pages run the work as a job.
JOB_PEOPLE = 300
# How long one step should take, and the bounds of a part (persons).
TARGET_SECONDS = 0.4
FIRST_PART, MIN_PART, MAX_PART = 50, 10, 500


def next_part(part: int, seconds: float) -> int:
    """The size of the next part, from the size and time of the last."""
    return next_size(part, seconds, target=TARGET_SECONDS, smallest=MIN_PART, largest=MAX_PART)


def _after(cursor: Mapping[str, Any]) -> uuid.UUID | None:
    value = cursor.get("after")
    return uuid.UUID(str(value)) if value else None


class RecomputeJob:
    """`allowances.recompute`: everyone received by the organisation, a part at a time."""

    name = "allowances.recompute"
    title = N_("Recompute everyone's entitlements")
    permission = Permission.PAYMENT_PREPARE
    result_template: str | None = "allowances/_recompute_job_result.html"

    def step(
        self,
        session: Session,
        actor: Actor,
        payload: Mapping[str, Any],
        cursor: Mapping[str, Any],
    ) -> Step:
        size = int(cursor.get("part", FIRST_PART))
        began = time.perf_counter()
        part = entitlements.recompute_part(session, actor, after=_after(cursor), limit=size)
        seconds = time.perf_counter() - began
        done = int(cursor.get("done", 0)) + len(part.changes)
        changed = int(cursor.get("changed", 0)) + sum(1 for c in part.changes if c.changed)
        problems = int(cursor.get("problems", 0)) + sum(1 for c in part.changes if c.problem)
        # The total may grow while the job runs (persons received meanwhile are included).
        total = max(part.total, done)
        return Step(
            done=done if not part.finished else total,
            total=total,
            cursor={
                "after": str(part.last) if part.last is not None else None,
                "part": next_part(size, seconds),
                "done": done,
                "changed": changed,
                "problems": problems,
            },
            finished=part.finished,
            result={"people": done, "changed": changed, "problems": problems},
        )


class PrepareBatchJob:
    """`allowances.prepare_batch`: every due instalment into a draft batch, a part of the
    persons at a time. The payload names the batch and the due date."""

    name = "allowances.prepare_batch"
    title = N_("Add the due instalments to a payment batch")
    permission = Permission.PAYMENT_PREPARE
    result_template: str | None = "allowances/_batch_job_result.html"

    def step(
        self,
        session: Session,
        actor: Actor,
        payload: Mapping[str, Any],
        cursor: Mapping[str, Any],
    ) -> Step:
        batch = Batches(session).get_for(actor, uuid.UUID(str(payload["batch_id"])))
        due_by = date.fromisoformat(str(payload["due_by"]))
        size = int(cursor.get("part", FIRST_PART))
        after = _after(cursor)
        began = time.perf_counter()
        if "total" not in cursor:  # the first step counts the persons concerned
            total = len(batches.due_persons(session, actor, batch, due_by=due_by))
        else:
            total = int(cursor["total"])
        part = batches.due_persons(session, actor, batch, due_by=due_by, after=after, limit=size)
        added = int(cursor.get("added", 0))
        amount = int(cursor.get("amount", 0))
        skipped: dict[str, int] = dict(cursor.get("skipped") or {})
        if part:
            result = batches.add_due(session, actor, batch, due_by=due_by, person_ids=part)
            added += result.added
            amount += result.total
            for reason, count in result.skipped.items():
                skipped[str(reason)] = skipped.get(str(reason), 0) + count
        seconds = time.perf_counter() - began
        finished = len(part) < size
        done = int(cursor.get("done", 0)) + len(part)
        total = max(total, done)
        return Step(
            done=total if finished else done,
            total=max(total, 1),
            cursor={
                "after": str(part[-1]) if part else (str(after) if after else None),
                "total": total,
                "part": next_part(size, seconds),
                "done": done,
                "added": added,
                "amount": amount,
                "skipped": skipped,
            },
            finished=finished,
            result={
                "batch_id": str(batch.id),
                "added": added,
                "amount": format_money(amount, batch.currency),
                # A mapping, replaced whole at each step (a list would be extended).
                "skipped": {
                    reason: {"label": {"msgid": SkipReason(reason).label, "params": {}}, "count": n}
                    for reason, n in sorted(skipped.items())
                },
            },
        )


RECOMPUTE = RecomputeJob()
PREPARE_BATCH = PrepareBatchJob()
