"""The disclosures domain's API operations in the authorisation matrix.

Each side gets a data-sharing agreement in force and one entry of the disclosure log (an
export of the matrix person under that agreement)."""

from __future__ import annotations

from haven.disclosures.lifecycle import DisclosureKind, PersonalField
from haven.disclosures.service import record_disclosure
from haven.security.permissions import Actor, Permission
from tests.disclosures.support import agreement
from tests.security.matrix import Operation, Side, SideContext

SYSTEM = Actor.system()
P = Permission

OPERATIONS: list[Operation] = [
    Operation("GET", "/api/disclosures", P.DISCLOSURE_READ),
    Operation("GET", "/api/disclosures/agreements", P.SHARING_AGREEMENT_MANAGE),
    Operation(
        "GET",
        "/api/disclosures/agreements/{sharing_agreement_id}",
        P.SHARING_AGREEMENT_MANAGE,
        record=True,
    ),
    Operation("GET", "/api/disclosures/{disclosure_id}", P.DISCLOSURE_READ, record=True),
]


def seed(ctx: SideContext, side: Side) -> None:
    """Create this domain's records for one organisation; store their ids in `side.ids`."""
    found = agreement(ctx.db, organisation_id=ctx.organisation.id, recipient="Matrix Agency")
    side.ids["sharing_agreement_id"] = found.id
    side.ids["disclosure_id"] = record_disclosure(
        ctx.db,
        SYSTEM,
        kind=DisclosureKind.EXPORT,
        source="people_export",
        fields=[PersonalField.NAMES],
        person_ids=[ctx.person_id],
        fmt="csv",
        content=b"matrix",
        agreement=found,
        organisation_id=ctx.organisation.id,
    ).id
