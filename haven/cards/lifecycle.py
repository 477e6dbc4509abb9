"""The card's lifecycle (docs/cards.md): active, then revoked for a reason; "expired" is not a
stored state but a reading of an active card past its `valid_until` date.

A revoked card never becomes active again: a new card is issued instead.
"""

from __future__ import annotations

from haven.audit.actions import AuditAction
from haven.i18n import N_
from haven.kernel.labels import Labelled, labels
from haven.kernel.lifecycle import Lifecycle


class CardStatus(Labelled):
    ACTIVE = "active", N_("Active")
    REVOKED = "revoked", N_("Revoked")


class Shown(Labelled):
    """What a list or a panel shows: the stored state, or "expired" for an active card past its
    date."""

    ACTIVE = "active", N_("Active")
    EXPIRED = "expired", N_("Expired")
    REVOKED = "revoked", N_("Revoked")


class Reason(Labelled):
    """Why a card was revoked."""

    LOST = "lost", N_("Lost")
    STOLEN = "stolen", N_("Stolen")
    SEIZED = "seized", N_("Seized")
    DAMAGED = "damaged", N_("Damaged")
    REPLACED = "replaced", N_("Replaced by a new card")
    LEFT_PROGRAMME = "left_programme", N_("Left the programme")


CARD = Lifecycle(
    states=CardStatus,
    transitions={
        CardStatus.ACTIVE: frozenset({CardStatus.REVOKED}),
        CardStatus.REVOKED: frozenset(),
    },
    subject_type="card",
    action=AuditAction.CARD_REVOKED,
    what=N_("This card"),
    terminal=frozenset({CardStatus.REVOKED}),
)

CARD_LABELS: dict[str, str] = {**labels(Shown), **labels(Reason)}
