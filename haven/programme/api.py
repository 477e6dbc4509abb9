"""JSON endpoints of the programme settings: the legal framework of the conflict."""

from __future__ import annotations

from fastapi import APIRouter

from haven.programme import service
from haven.programme.framework import LegalFramework
from haven.programme.schemas import LegalFrameworkIn, LegalFrameworkOut
from haven.web.deps import DB, ApiActor

router = APIRouter(prefix="/api/programme", tags=["programme"])


def framework_out(framework: LegalFramework) -> LegalFrameworkOut:
    return LegalFrameworkOut(
        organisation_id=framework.organisation_id,
        conflict=framework.conflict,
        conflict_label=framework.conflict.label,
        commitment_kind=framework.commitment_kind,
        commitment_date=framework.commitment_date,
        commitment_reference=framework.commitment_reference,
        recorded=framework.recorded,
        updated_at=framework.updated_at,
        status_line=framework.status_line.en,
        status_line_my=framework.status_line.my,
        basis=framework.basis.en,
        basis_my=framework.basis.my,
    )


@router.get("/legal-framework")
def get_legal_framework(session: DB, actor: ApiActor) -> LegalFrameworkOut:
    """The legal framework of your organisation's programme and the words documents use."""
    return framework_out(service.legal_framework(session, actor))


@router.put("/legal-framework")
def put_legal_framework(data: LegalFrameworkIn, session: DB, actor: ApiActor) -> LegalFrameworkOut:
    """Record the legal framework (administrators and programme managers; audited).

    A non-international conflict needs the commitment that applies the Third Geneva
    Convention's standards: which (unilateral declaration or special agreement), its date and
    its reference. An international one takes none."""
    return framework_out(service.set_legal_framework(session, actor, data))
