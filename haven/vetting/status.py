"""A person's vetting status: the one thing other domains may know about vetting.

Allowances, pathways and the person page read it through `vetting_status(session, person_id)`
(defined below by the vetting domain) and never look at allegations or hits.
"""

from __future__ import annotations

from enum import StrEnum

from haven.i18n import N_


class VettingStatus(StrEnum):
    PENDING = "pending"  # not yet decided: screening, interview, assessment or review under way
    CLEARED = "cleared"
    CLEARED_WITH_CONDITIONS = "cleared_with_conditions"
    REFERRED = "referred"  # referred for accountability: excluded from the programme


PAYABLE = frozenset({VettingStatus.CLEARED, VettingStatus.CLEARED_WITH_CONDITIONS})

STATUS_LABELS: dict[VettingStatus, str] = {
    VettingStatus.PENDING: N_("Vetting pending"),
    VettingStatus.CLEARED: N_("Cleared"),
    VettingStatus.CLEARED_WITH_CONDITIONS: N_("Cleared with conditions"),
    VettingStatus.REFERRED: N_("Referred for accountability"),
}
