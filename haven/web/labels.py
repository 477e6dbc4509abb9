"""Human labels (translatable msgids) for the stored values that templates show by value
(`LABELS[value]`): taken from the enums that carry them, so a label is declared once, beside
its value."""

from __future__ import annotations

from haven.kernel.labels import labels
from haven.people.public import Difficulty, Education, Literacy, Sex, WgDomain
from haven.reception.public import Classification, LegalBasis, WeaponKind

LABELS: dict[str, str] = {
    **labels(Classification),
    **labels(LegalBasis),
    **labels(WeaponKind),
    **labels(Sex),
    **labels(Education),
    **labels(Literacy),
    **labels(WgDomain),
    **labels(Difficulty),
}
