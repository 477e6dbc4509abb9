"""Load every domain's event handlers (and the standing's answers to the kernel's custody
port, `haven.kernel.custody`). The composing shell (the web app, the command line,
the demo builder, the tests) calls `wire()` once before any service runs; publishing an event
earlier raises `NotWired`, so no handler can be silently missed.

This module is the one place that names every handlers module, as `haven.db.registry` names
every models module; no domain imports it.
"""

from __future__ import annotations

import haven.agreements.handlers
import haven.allowances.handlers
import haven.allowances.jobs
import haven.cards.handlers
import haven.complaints.handlers
import haven.contacts.handlers
import haven.families.handlers
import haven.matching.dedupe_job
import haven.matching.handlers
import haven.pathways.handlers
import haven.people.handlers
import haven.pow.handlers
import haven.protection.handlers
import haven.reception.handlers
import haven.reception.import_jobs
import haven.standing.handlers
import haven.sync.handlers
import haven.vetting.handlers
import haven.weapons.handlers
from haven.jobs import kinds
from haven.kernel import events

HANDLER_MODULES = (
    haven.agreements.handlers,
    haven.allowances.handlers,
    haven.cards.handlers,
    haven.complaints.handlers,
    haven.contacts.handlers,
    # Before people's: an agreement's plans count the relatives an erasure takes from them.
    haven.families.handlers,
    haven.matching.handlers,
    haven.pathways.handlers,
    haven.people.handlers,
    haven.pow.handlers,
    haven.protection.handlers,
    haven.reception.handlers,
    haven.standing.handlers,
    haven.sync.handlers,
    haven.vetting.handlers,
)

# Every kind of background job (haven.jobs), from the domains that do the work.
JOB_KINDS: tuple[kinds.JobKind, ...] = (
    haven.reception.import_jobs.IMPORT,
    haven.allowances.jobs.RECOMPUTE,
    haven.allowances.jobs.PREPARE_BATCH,
    haven.matching.dedupe_job.DEDUPE,
)


def wire() -> None:
    """Mark the handlers loaded (importing this module registered them) and register every
    domain's kinds of background job. Idempotent."""
    for kind in JOB_KINDS:
        kinds.register(kind)
    events.mark_wired()
