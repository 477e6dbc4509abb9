"""The reports domain's API operations in the authorisation matrix.

Reports are figures of the caller's own organisation: there is no record of another
organisation to ask for, so the operations are not `record` ones. `{report_key}` is the
arrivals report (REPORT_AGGREGATE alone); a report that needs more is one key of the same
operation (tests/reports/).
"""

from __future__ import annotations

from haven.security.permissions import Permission
from tests.security.matrix import Operation, Side, SideContext

P = Permission

OPERATIONS: list[Operation] = [
    Operation("GET", "/api/reports", P.REPORT_AGGREGATE),
    Operation("GET", "/api/reports/{report_key}", P.REPORT_AGGREGATE),
]


def seed(ctx: SideContext, side: Side) -> None:
    """No record: the report's key, for the path (and the page sweep's `/reports/{report_key}`)."""
    side.ids["report_key"] = "arrivals"  # type: ignore[assignment]  # a key, not an id
