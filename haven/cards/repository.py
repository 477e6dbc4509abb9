"""Every query of the cards domain; lists are limited to what the actor may see."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Select, and_, select, update
from sqlalchemy.orm import Session

from haven.cards.lifecycle import Reason, Shown
from haven.cards.models import Card, CardSigningKey
from haven.kernel.erasure import blanked
from haven.people.public import Person
from haven.security.permissions import Actor, visible_to

LIST_LIMIT = 200


# --- keys ---------------------------------------------------------------------------------------


def signing_key(session: Session) -> CardSigningKey | None:
    """The newest key this database may sign with (not retired, its private part here)."""
    return session.scalar(
        select(CardSigningKey)
        .where(CardSigningKey.private_key.is_not(None), CardSigningKey.retired_at.is_(None))
        .order_by(CardSigningKey.created_at.desc(), CardSigningKey.id.desc())
        .limit(1)
    )


def trusted_keys(session: Session) -> Sequence[CardSigningKey]:
    """Every key whose cards this database accepts (not retired)."""
    return session.scalars(
        select(CardSigningKey)
        .where(CardSigningKey.retired_at.is_(None))
        .order_by(CardSigningKey.created_at)
    ).all()


def key_by_id(session: Session, key_id: str) -> CardSigningKey | None:
    return session.scalar(select(CardSigningKey).where(CardSigningKey.key_id == key_id))


def all_keys(session: Session) -> Sequence[CardSigningKey]:
    return session.scalars(select(CardSigningKey).order_by(CardSigningKey.created_at)).all()


# --- cards --------------------------------------------------------------------------------------


def card_by_id(session: Session, card_id: uuid.UUID, *, for_update: bool = False) -> Card | None:
    query = select(Card).where(Card.id == card_id)
    return session.scalar(query.with_for_update() if for_update else query)


def card_by_number(session: Session, card_number: str) -> Card | None:
    return session.scalar(select(Card).where(Card.card_number == card_number))


def active_card_of(session: Session, person_id: uuid.UUID) -> Card | None:
    """The person's active card, locked: issuing a new one replaces it in one transaction."""
    return session.scalar(
        select(Card).where(Card.person_id == person_id, Card.status == "active").with_for_update()
    )


def cards_of(session: Session, person_id: uuid.UUID) -> Sequence[Card]:
    """A person's cards, newest first (one query: the person page's panel)."""
    return session.scalars(
        select(Card)
        .where(Card.person_id == person_id)
        .order_by(Card.issued_at.desc(), Card.id.desc())
    ).all()


def number_taken(session: Session, card_number: str) -> bool:
    return session.scalar(select(Card.id).where(Card.card_number == card_number)) is not None


def _shown(query: Select[Card], shown: Shown | None, today: date) -> Select[Card]:
    if shown is Shown.REVOKED:
        return query.where(Card.status == "revoked")
    if shown is Shown.ACTIVE:
        return query.where(Card.status == "active", Card.valid_until >= today)
    if shown is Shown.EXPIRED:
        return query.where(Card.status == "active", Card.valid_until < today)
    return query


def list_cards(
    session: Session,
    actor: Actor,
    *,
    shown: Shown | None,
    today: date,
    person_reference: str | None = None,
    card_number: str | None = None,
    limit: int = LIST_LIMIT,
) -> Sequence[Card]:
    """The cards the actor may see, newest first, by what they show and for one person's
    reference or one card number."""
    query = select(Card).where(visible_to(actor, Card))
    query = _shown(query, shown, today)
    if person_reference is not None:
        query = query.join(Person, Person.id == Card.person_id).where(
            Person.reference == person_reference
        )
    if card_number is not None:
        query = query.where(Card.card_number == card_number)
    return session.scalars(query.order_by(Card.issued_at.desc(), Card.id.desc()).limit(limit)).all()


def revoked_cards(session: Session, organisation_id: uuid.UUID | None) -> Sequence[Card]:
    """Every revoked card (of one organisation, or of all when None), for the signed list."""
    query = select(Card).where(Card.status == "revoked")
    if organisation_id is not None:
        query = query.where(Card.organisation_id == organisation_id)
    return session.scalars(query.order_by(Card.card_number)).all()


def revoked_numbers(session: Session, card_number: str) -> dict[str, str]:
    """{card number: reason} when this card is known revoked here."""
    row = session.execute(
        select(Card.card_number, Card.revoked_reason).where(
            Card.card_number == card_number, Card.status == "revoked"
        )
    ).first()
    return {row[0]: row[1] or ""} if row is not None else {}


def erase_person(session: Session, person_id: uuid.UUID, now: datetime) -> None:
    """Erasure: the person's cards stay as numbers (a checkpoint must still learn that they
    are revoked); active ones are revoked (left the programme) and every card's signed payload,
    which carries the names, is blanked."""
    session.execute(
        update(Card)
        .where(and_(Card.person_id == person_id, Card.status == "active"))
        .values(status="revoked", revoked_reason=Reason.LEFT_PROGRAMME.value, revoked_at=now),
        execution_options={"synchronize_session": "fetch"},
    )
    session.execute(
        update(Card).where(Card.person_id == person_id).values(blanked(Card)),
        execution_options={"synchronize_session": "fetch"},
    )
