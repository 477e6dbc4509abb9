"""Human labels (translatable msgids) for the values of this domain, used by its templates."""

from __future__ import annotations

from haven.i18n import N_
from haven.pathways.schemas import REFERRAL_LABELS
from haven.pathways.status import PATHWAY_LABELS

PW_LABELS: dict[str, str] = {
    **{str(k): v for k, v in PATHWAY_LABELS.items()},
    **REFERRAL_LABELS,
    # cases and tasks
    "open": N_("Open"),
    "closed": N_("Closed"),
    "reopened": N_("Reopened"),
    "done": N_("Done"),
    "cancelled": N_("Cancelled"),
    "general": N_("Task"),
    # referrals
    "sent": N_("Sent"),
    "accepted": N_("Accepted"),
    "declined": N_("Declined"),
    "completed": N_("Completed"),
    # serve
    "claimed": N_("Rank claimed"),
    "verified": N_("Rank verified"),
    "disputed": N_("Rank disputed"),
    "posted": N_("Posted to a unit"),
    "documents": N_("Documents"),
    "roll": N_("The agreement's roll"),
    "peers": N_("Peers' corroboration"),
    # going home
    "planning": N_("Planning"),
    "assessed": N_("Safety assessed"),
    "returned": N_("Returned"),
    "following_up": N_("Following up"),
    "low": N_("Low"),
    "medium": N_("Medium"),
    "high": N_("High"),
    "not_started": N_("Not started"),
    "tracing": N_("Tracing the family"),
    "reunited": N_("Reunited"),
    "not_possible": N_("Not possible"),
    "training": N_("Training"),
    "education": N_("Education"),
    "housing": N_("Housing"),
    # exile steps
    "travel": N_("Travel"),
    "arrival": N_("Arrival"),
    "pending": N_("Not started"),
    "in_progress": N_("In progress"),
    "blocked": N_("Blocked"),
    "en": "English",
    "my": "မြန်မာ",
}
