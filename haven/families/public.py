"""The families domain's public surface: the only module other domains may import
(docs/architecture.md, "Between domains")."""

from __future__ import annotations

from haven.families.lifecycle import STATUS_LABELS as PLAN_STATUS_LABELS
from haven.families.lifecycle import PlanStatus
from haven.families.ports import (
    AgreementPeople,
    finds_agreement_people,
    finds_agreement_references,
)
from haven.families.schemas import AgreementFamilies, Progress
from haven.families.service import PlanView, agreement_families, person_plans

__all__ = [
    "PLAN_STATUS_LABELS",
    "AgreementFamilies",
    "AgreementPeople",
    "PlanStatus",
    "PlanView",
    "Progress",
    "agreement_families",
    "finds_agreement_people",
    "finds_agreement_references",
    "person_plans",
]
