"""partial-name keys for the people search across scripts

The people search (issue 20) finds a person from part of a name in either script through the
matching engine's phonetic keys: a new key kind, `name_run` (each run of whole syllables of a
name), joins the whole-name keys in `match_keys`. Persons indexed before have only the
whole-name keys, so a search by part of their name would miss them.

Upgrade recomputes the derived indexes of every person not erased with `haven.reindex.reindex`
(the function of `haven db reindex`), once every revision of the upgrade is applied, as
revision 0024 does; if 0024 is in the same upgrade, its recomputation already does this one's
work and this one adds nothing. It needs the keyring (`haven db upgrade` sets it); a database
without a person not erased has nothing to recompute.

Downgrade changes nothing: the schema did not change, and older code ignores the extra keys.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context
from sqlalchemy.orm import Session

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

LIVE = "SELECT 1 FROM persons WHERE erased_at IS NULL"
_SCHEDULED = "reindex_scheduled"


def _reindex(connection: sa.Connection) -> None:
    if not connection.execute(sa.text(f"SELECT EXISTS ({LIVE})")).scalar():
        return
    keyring = context.config.attributes.get("keyring")
    if keyring is None:
        raise RuntimeError(
            "revision 0030 must read the names already in the database to add their partial-"
            "name keys, and needs Haven's keyring for it: run `haven db upgrade`"
        )
    from haven.kernel.sensitivity import bind_actor  # noqa: PLC0415 - the newest models
    from haven.reindex import reindex  # noqa: PLC0415
    from haven.security.permissions import Actor  # noqa: PLC0415

    actor = Actor.system("revision 0030")
    session = Session(bind=connection, info={"keyring": keyring})
    try:
        bind_actor(session, actor)
        reindex(session, actor)
        session.flush()
    finally:
        session.close()


def upgrade() -> None:
    tasks = context.config.attributes.setdefault("after_migrations", [])
    if not any(_is_0024(task) for task in tasks):
        tasks.append(_reindex)


def _is_0024(task: object) -> bool:
    code = getattr(task, "__code__", None)
    return code is not None and code.co_filename.endswith("_0024_indexes_by_new_rules.py")


def downgrade() -> None:
    """Nothing to undo (see the module docstring)."""
