"""The programme settings' API operations in the authorisation matrix: every user reads their
organisation's legal framework; administrators and programme managers change it."""

from __future__ import annotations

from haven.security.permissions import Permission
from tests.security.matrix import Operation, Side, SideContext

OPERATIONS: list[Operation] = [
    Operation("GET", "/api/programme/legal-framework", Permission.ORGANISATION_READ),
    Operation(
        "PUT",
        "/api/programme/legal-framework",
        Permission.PROGRAMME_MANAGE,
        json=lambda w: {
            "conflict": "non_international",
            "commitment_kind": "special_agreement",
            "commitment_date": "2024-01-15",
            "commitment_reference": "Matrix agreement",
        },
    ),
]


def seed(ctx: SideContext, side: Side) -> None:
    """Nothing to create: the setting is the caller's own organisation's."""
