"""derived indexes computed again by the romanisation rules of issue 23

The Latin side of the phonetic key space learnt the spellings of the published romanisation
systems (MLCTS, BGN/PCGN, ALA-LC) and their informal variants (a doubled final letter, an h
dropped or added, vowels spelled differently, syllables joined), the Burmese side reads ငြ,
a final ည် and ဝတ်/ဝန် as spoken, and the name splitter knows more spellings of the
honorifics (Oo, Dau, Koh, Mah, Moung, Sau, Nau, Sy, Hkun, Boh, Dr). Values stored before keep
the old rules' keys, so exact search, the possible-duplicates panel and matching would miss
them.

Upgrade recomputes every derived index with `haven.reindex.reindex` (the function of `haven
db reindex`), once every revision is applied, exactly as revision 0024 does (its docstring
says why after the migrations and what the keyring is for). When an upgrade also passes
through 0024, one run covers both: it computes today's rules.

Downgrade changes nothing, on purpose: the schema did not change, and the previous rules are
gone from the code.

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-07
"""

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import context

revision: str = "0037"
down_revision: str | None = "0036"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _reindex(connection: sa.Connection) -> None:
    from haven.reindex import reindex_in_revision

    reindex_in_revision(connection, context.config.attributes.get("keyring"), "0037")


def upgrade() -> None:
    queued: list[Callable[[Any], None]] = context.config.attributes.setdefault(
        "after_migrations", []
    )
    # Revision 0024's reindex, queued earlier in the same upgrade, runs today's rules too.
    if not any(getattr(step, "__name__", "") == "_reindex" for step in queued):
        queued.append(_reindex)


def downgrade() -> None:
    """Nothing to undo (see the module docstring): the old rules are gone from the code."""
