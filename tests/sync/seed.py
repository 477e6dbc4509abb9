"""A conflict for the page sweep (tests/sweep.py): a field node of the side's site and one
open conflict on its received person's year of birth, made directly (the sweep's database is
no node, and the conflict pages need none)."""

from __future__ import annotations

from haven.db.session import keyring_of
from haven.db.types import new_id
from haven.sync.models import Conflict, Node, NodeState
from haven.sync.receive import seal_values
from tests.security.matrix import Side, SideContext


def seed(ctx: SideContext, side: Side) -> None:
    node = Node(
        id=new_id(),
        name="Laptop 1",
        organisation_id=ctx.organisation.id,
        site_id=ctx.site.id,
        state=NodeState.ACTIVE.value,
    )
    ctx.db.add(node)
    ctx.db.flush()
    conflict_id = new_id()
    ctx.db.add(
        Conflict(
            id=conflict_id,
            node_id=node.id,
            organisation_id=ctx.organisation.id,
            person_id=ctx.person_id,
            table_name="persons",
            record_id=str(ctx.person_id),
            field="birth_year",
            values_ct=seal_values(
                keyring_of(ctx.db), conflict_id, {"base": 1990, "headquarters": 1991, "field": 1992}
            ),
            change_id=new_id(),
        )
    )
    ctx.db.flush()
    side.ids["conflict_id"] = conflict_id
