"""The vetting domain's public surface: the only module other domains may import
(docs/architecture.md, "Between domains").

Other domains learn a person's vetting status, never allegations or hits; they learn of a
decision coming into force from `VettingOutcomeDecided`. The one exception is
`screen_subjects`: the agreements domain screens nominal rolls and commanders (not received
persons) before an agreement is finalized, and its named approvers must see those hits.
"""

from __future__ import annotations

from haven.vetting.events import VettingOutcomeDecided
from haven.vetting.explanations import render as explain
from haven.vetting.lifecycle import Basis, CaseState, HitKind, Outcome, ReviewKind
from haven.vetting.references import find_by_reference
from haven.vetting.repository import (
    cases_by_state,
    decisions_confirmed,
    has_incidents,
    open_cases_in_windows,
    reviews_opened,
    undecided_in_windows,
)
from haven.vetting.repository import watchlist_entries_of_organisation as watchlist_entries
from haven.vetting.screening import Found as ScreeningFinding
from haven.vetting.screening import Subject as ScreeningSubject
from haven.vetting.screening import screen_person, screen_subjects
from haven.vetting.status import (
    PAYABLE,
    STATUS_LABELS,
    VettingStatus,
    vetting_status,
    vetting_statuses,
)

__all__ = [
    "PAYABLE",
    "STATUS_LABELS",
    "Basis",
    "CaseState",
    "HitKind",
    "Outcome",
    "ReviewKind",
    "ScreeningFinding",
    "ScreeningSubject",
    "VettingOutcomeDecided",
    "VettingStatus",
    "cases_by_state",
    "decisions_confirmed",
    "explain",
    "find_by_reference",
    "has_incidents",
    "open_cases_in_windows",
    "reviews_opened",
    "screen_person",
    "screen_subjects",
    "undecided_in_windows",
    "vetting_status",
    "vetting_statuses",
    "watchlist_entries",
]
