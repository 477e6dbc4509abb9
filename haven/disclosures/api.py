"""JSON endpoints of disclosures: the log, an entry, and the data-sharing agreements (read).

Agreements are written on the pages only: drafting, bringing into force and ending them needs
a fresh login, which an API token never is (docs/disclosures.md).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Response

from haven.disclosures import repository, service
from haven.disclosures.lifecycle import DisclosureKind
from haven.disclosures.schemas import AgreementOut, DisclosureDetail, DisclosureOut
from haven.kernel.clock import start_of_day
from haven.web.deps import DB, ApiActor

router = APIRouter(prefix="/api/disclosures", tags=["disclosures"])


@router.get("")
def disclosure_log(
    response: Response,
    session: DB,
    actor: ApiActor,
    recipient: Annotated[str, Query(max_length=200)] = "",
    agreement_id: uuid.UUID | None = None,
    no_agreement: bool = False,
    kind: DisclosureKind | None = None,
    since: Annotated[date | None, Query(alias="from")] = None,
    until: Annotated[date | None, Query(alias="to")] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 50,
) -> list[DisclosureOut]:
    """The disclosure log, newest first: every export, notice, referral or report that left
    Haven with personal data. Filters: recipient (part of its name), agreement (or
    `no_agreement`), kind, and the programme's dates `from`/`to` (inclusive). The header
    `X-Total-Count` says how many entries match."""
    wanted = repository.LogFilter(
        recipient=recipient,
        agreement_id=agreement_id,
        no_agreement=no_agreement,
        kind=kind.value if kind else "",
        since=start_of_day(since) if since else None,
        before=start_of_day(until + timedelta(days=1)) if until else None,
    )
    rows, total = service.log_page(
        session, actor, wanted, limit=per_page, offset=(page - 1) * per_page
    )
    response.headers["X-Total-Count"] = str(total)
    return [DisclosureOut.model_validate(r) for r in rows]


@router.get("/agreements")
def list_agreements(session: DB, actor: ApiActor) -> list[AgreementOut]:
    """Every data-sharing agreement of the organisation (managers)."""
    return [AgreementOut.model_validate(a) for a in service.agreements(session, actor)]


@router.get("/agreements/{sharing_agreement_id}")
def get_agreement(sharing_agreement_id: uuid.UUID, session: DB, actor: ApiActor) -> AgreementOut:
    """One agreement: recipient, purpose, legal basis, kinds and fields covered, validity,
    state and the reference of the signed document."""
    found = service.get_agreement(session, actor, sharing_agreement_id)
    return AgreementOut.model_validate(found)


@router.get("/{disclosure_id}")
def get_disclosure(disclosure_id: uuid.UUID, session: DB, actor: ApiActor) -> DisclosureDetail:
    """One entry of the log with the ids of the persons whose data left."""
    entry, person_ids = service.get_disclosure(session, actor, disclosure_id)
    return DisclosureDetail.model_validate(
        {**DisclosureOut.model_validate(entry).model_dump(), "person_ids": person_ids}
    )
