"""derived indexes computed again by the new normalisation rules

The rules that derive search and matching keys changed (issue 18): an NRC township code is one
key in both scripts (၂/ဒမဆ and 2/DaMaSa, `township_key`), a service number written with ဗ
meets the one written with BA (`service_number_key`), and the name splitter knows more
prefixes (Khu, Bo, Salai, Sao, Mahn, Nant, Nan…). Values stored before were indexed by the old
rules, so exact search, the possible-duplicates panel and matching missed them.

Upgrade recomputes every derived index of every person, prisoner-of-war record and roll entry
not erased from the stored (decrypted) values, with `haven.reindex.reindex`, the function of
`haven db reindex`: persons' `name_key`, `father_key`, `nrc_index` and
`service_number_index`, prisoners' `service_number_index`, roll entries' `name_index`, match
profiles and keys. Erased persons are left (their key is destroyed). It writes one audit event
with the counts. It needs the keyring (`config.attributes["keyring"]`, set by `haven db
upgrade`); a database without a person or a roll entry not erased has nothing to recompute.

It runs once every revision of the upgrade is applied (`after_migrations` in env.py), not in
the middle: it works through the models, which describe the newest schema, so a later revision
that changes these tables does not break an upgrade through this one.

Downgrade changes nothing, on purpose: the schema did not change, and the previous rules are
gone from the code, so nothing here can compute the old keys again. Code from before this
revision, run on the database, would miss by exact search the values whose forms only the new
rules join (a township code in Burmese script, ဗ in a service number, a new prefix).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The rows that hold derived indexes of values that can be read (not erased).
LIVE = (
    "SELECT 1 FROM persons WHERE erased_at IS NULL "
    "UNION ALL SELECT 1 FROM agreement_roll_entries WHERE erased_at IS NULL"
)


def _reindex(connection: sa.Connection) -> None:
    if not connection.execute(sa.text(f"SELECT EXISTS ({LIVE})")).scalar():  # noqa: S608
        return  # a new or empty database: nothing was indexed by the old rules
    keyring = context.config.attributes.get("keyring")
    if keyring is None:
        raise RuntimeError(
            "revision 0024 must read the values already in the database to index them again "
            "by the new rules, and needs Haven's keyring for it: run `haven db upgrade`"
        )
    from sqlalchemy.orm import Session

    from haven.kernel.sensitivity import bind_actor
    from haven.reindex import reindex
    from haven.security.permissions import Actor

    actor = Actor.system("revision 0024")
    session = Session(bind=connection, info={"keyring": keyring})
    try:
        bind_actor(session, actor)
        reindex(session, actor)
        session.flush()
    finally:
        session.close()


def upgrade() -> None:
    context.config.attributes.setdefault("after_migrations", []).append(_reindex)


def downgrade() -> None:
    """Nothing to undo (see the module docstring): the old rules are gone from the code."""
