"""The pow domain's public surface: the only module other domains may import
(docs/architecture.md, "Between domains").

Other domains learn of a prisoner's status changing from `PrisonerStatusChanged`. Before a
prisoner's path changes (serve, home, exile, as well as defect), they ask
`voluntariness_completed`; before anyone is transferred, released or handed over, they refuse
the party the person left with `refuse_party_left` (docs/pow.md).
"""

from __future__ import annotations

from haven.pow.events import PrisonerStatusChanged
from haven.pow.lifecycle import PowStatus
from haven.pow.reindex import reindex_prisoner_records
from haven.pow.repository import (
    card_compliance,
    cards_due_in_windows,
    has_places,
    notice_compliance,
    record_of_person,
    records_of_persons,
    visits_by_place,
)
from haven.pow.safeguards import PARTY_LEFT, parties_left, refuse_party_left
from haven.pow.schemas import CardOccasion, NoticeKind, PrisonerPath
from haven.pow.voluntariness import (
    VOLUNTARINESS_REQUIRED,
    VoluntarinessRequired,
    VoluntarinessSummary,
    latest_voluntariness,
    voluntariness_completed,
)

__all__ = [
    "PARTY_LEFT",
    "VOLUNTARINESS_REQUIRED",
    "CardOccasion",
    "NoticeKind",
    "PowStatus",
    "PrisonerPath",
    "PrisonerStatusChanged",
    "VoluntarinessRequired",
    "VoluntarinessSummary",
    "card_compliance",
    "cards_due_in_windows",
    "has_places",
    "latest_voluntariness",
    "notice_compliance",
    "parties_left",
    "record_of_person",
    "records_of_persons",
    "refuse_party_left",
    "reindex_prisoner_records",
    "visits_by_place",
    "voluntariness_completed",
]
