"""Every derived index computed again from the stored values by today's rules.

Search and matching find people by values derived when a value is entered: the name keys
(the name splitter's prefixes), the blind indexes of NRC and service numbers (their canonical
forms, `haven.kernel.keys`), a roll entry's name index, the match profiles and blocking keys.
When one of those rules changes, the values stored before keep the old rule's keys, and exact
search, the possible-duplicates panel and matching miss them. `reindex` recomputes them all,
for every person, prisoner record and roll entry not erased, each domain through its public
surface, in batches of `ROWS_PER_FLUSH` rows per flush; it writes one audit event with the
counts. The persons come first: the match profiles copy their new indexes.

Run by `haven db reindex` after any change of a normalisation rule, and by revision 0024
(the rules of issue 18). Running it again changes nothing.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from haven.agreements.public import reindex_roll_entries
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.errors import PermissionDenied
from haven.kernel.reindexing import ROWS_PER_FLUSH, Recomputed
from haven.kernel.sensitivity import bind_actor
from haven.matching.public import reindex_profiles
from haven.people.public import reindex_persons
from haven.pow.public import reindex_prisoner_records
from haven.security.permissions import Actor

__all__ = ["ROWS_PER_FLUSH", "Recomputed", "reindex", "reindex_in_revision"]

# The rows that hold derived indexes of values that can be read (not erased).
LIVE = (
    "SELECT 1 FROM persons WHERE erased_at IS NULL "
    "UNION ALL SELECT 1 FROM agreement_roll_entries WHERE erased_at IS NULL"
)


def reindex(session: Session, actor: Actor) -> dict[str, Recomputed]:
    """Recompute every derived index (see the module docstring); the counts by kind of row.
    Only the operator at the machine runs it (the command line, a migration)."""
    if not actor.is_system:
        raise PermissionDenied
    counts = {
        "persons": reindex_persons(session),
        "prisoner_records": reindex_prisoner_records(session),
        "roll_entries": reindex_roll_entries(session),
        "match_profiles": reindex_profiles(session),
    }
    audit.record(
        session,
        actor,
        AuditAction.INDEXES_RECOMPUTED,
        subject_type="database",
        subject_id=None,
        organisation_id=None,
        changes={
            f"{kind}_{what}": getattr(count, what)
            for kind, count in counts.items()
            for what in ("checked", "changed")
        },
    )
    return counts


def reindex_in_revision(connection: sa.Connection, keyring: object, revision: str) -> None:
    """`reindex` run by a migration revision after the upgrade's last revision, as the
    system actor named after the revision; nothing to do without a live person or roll entry.

    `keyring` is the one `haven db upgrade` puts in the Alembic configuration; without it the
    stored values cannot be read, and the upgrade stops with a message saying so.
    """
    if not connection.execute(sa.text(f"SELECT EXISTS ({LIVE})")).scalar():
        return  # a new or empty database: nothing was indexed by the old rules
    if keyring is None:
        raise RuntimeError(
            f"revision {revision} must read the values already in the database to index them "
            "again by the new rules, and needs Haven's keyring for it: run `haven db upgrade`"
        )
    actor = Actor.system(f"revision {revision}")
    session = Session(bind=connection, info={"keyring": keyring})
    try:
        bind_actor(session, actor)
        reindex(session, actor)
        session.flush()
    finally:
        session.close()
