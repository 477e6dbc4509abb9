"""The cards domain's public surface: the only module other domains (and the person page)
may import (docs/architecture.md, "Between domains")."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from haven.cards import repository
from haven.cards.lifecycle import CARD_LABELS, Reason
from haven.cards.service import shown, today
from haven.people.public import Person
from haven.security.permissions import Actor, Permission, in_scope

__all__ = ["card_panel"]


def card_panel(session: Session, actor: Actor, person: Person) -> dict[str, Any] | None:
    """The person page's card panel (one query): the person's cards newest first with what
    each shows today, and whether the actor may issue, print and revoke. None when the actor
    may not handle this person's cards."""
    if not actor.can(Permission.CARD_ISSUE) or not in_scope(actor, person):
        return None
    cards = repository.cards_of(session, person.id)
    on = today()
    return {
        "cards": [(card, shown(card, on).value) for card in cards],
        "labels": CARD_LABELS,
        "reasons": [r for r in Reason if r is not Reason.REPLACED],
    }
