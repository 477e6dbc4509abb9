"""The reports domain's API operations in the authorisation matrix."""

from __future__ import annotations

from tests.security.matrix import Operation, Side, SideContext

OPERATIONS: list[Operation] = []


def seed(ctx: SideContext, side: Side) -> None:
    """Create this side's reports records and store their ids in `side.ids`."""
