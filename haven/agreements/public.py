"""The agreements domain's public surface: the only module other domains may import
(docs/architecture.md, "Between domains")."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from haven.agreements import repository
from haven.agreements.events import AgreementTermsSet
from haven.agreements.lifecycle import STATUS_LABELS as AGREEMENT_STATUS_LABELS
from haven.agreements.lifecycle import AgreementStatus
from haven.agreements.posting import (
    PostingOverrideRecord,
    ServiceTerms,
    posting_overrides_for_person,
    record_posting_override,
    service_terms_for_person,
)
from haven.agreements.references import find_by_reference
from haven.agreements.reindex import reindex_roll_entries
from haven.agreements.repository import CROSSING_MEASURES, agreement_references, crossing_figures
from haven.agreements.terms import (
    AllowanceTerms,
    allowance_terms_for_people,
    allowance_terms_for_person,
)
from haven.security.permissions import Actor, Permission, require

__all__ = [
    "AGREEMENT_STATUS_LABELS",
    "CROSSING_MEASURES",
    "AgreementStatus",
    "AgreementTermsSet",
    "AllowanceTerms",
    "PostingOverrideRecord",
    "ServiceTerms",
    "agreement_choices",
    "agreement_references",
    "allowance_terms_for_people",
    "allowance_terms_for_person",
    "crossing_figures",
    "find_by_reference",
    "organisation_has_agreements",
    "posting_overrides_for_person",
    "record_posting_override",
    "reindex_roll_entries",
    "service_terms_for_person",
]


def organisation_has_agreements(session: Session, organisation_id: uuid.UUID) -> bool:
    """Whether the organisation has any agreement at all (no permission check: a yes or no,
    for the demo builder that seeds agreements once)."""
    return repository.organisation_has_agreements(session, organisation_id)


def agreement_choices(session: Session, actor: Actor) -> list[tuple[uuid.UUID, str, str]]:
    """(id, reference, code name) of every agreement the actor may read, newest first: for
    another domain's form that relates its record to an agreement (first contacts)."""
    require(actor, Permission.AGREEMENT_READ)
    return [(a.id, str(a.reference), a.code_name) for a in repository.agreements(session, actor)]
