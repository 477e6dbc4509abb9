"""What other domains may use of disclosures: the catalogue, the checks an outbound point
makes before anything leaves, and the log entry it writes when something did."""

from __future__ import annotations

from haven.disclosures.lifecycle import (
    DISCLOSURE_LABELS,
    DisclosureKind,
    LegalBasis,
    PersonalField,
    RecipientKind,
)
from haven.disclosures.models import SharingAgreement
from haven.disclosures.service import (
    DisclosureRefused,
    disclosures_of_person,
    in_force_for,
    record_convention_disclosure,
    record_disclosure,
    record_referral_disclosure,
    record_refusal,
    require_agreement,
)

__all__ = [
    "DISCLOSURE_LABELS",
    "DisclosureKind",
    "DisclosureRefused",
    "LegalBasis",
    "PersonalField",
    "RecipientKind",
    "SharingAgreement",
    "disclosures_of_person",
    "in_force_for",
    "record_convention_disclosure",
    "record_disclosure",
    "record_referral_disclosure",
    "record_refusal",
    "require_agreement",
]
