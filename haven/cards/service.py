"""The rules of cards: issue (one active card per person), revoke, print, verify, and the
signed revocation list (docs/cards.md).

Issuing needs the card-signing private key, present at headquarters only (`signing`). The
audit trail records card numbers, dates, key ids and reasons: never a name, never the payload.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from haven.accounts import repository as accounts
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.cards import documents, payload, repository, signing
from haven.cards.lifecycle import CARD, CardStatus, Reason, Shown
from haven.cards.models import Card
from haven.db.types import utcnow
from haven.errors import NotFound, PermissionDenied, ValidationFailed
from haven.i18n import N_
from haven.kernel.clock import local_today
from haven.kernel.references import Kind, lookup
from haven.kernel.sensitivity import Sensitivity, may_read
from haven.people import public as people
from haven.security.fields import unmasked
from haven.security.permissions import Actor, Permission, in_scope, require

MAX_VALIDITY_DAYS = 10 * 365
VALID_AFTER_TODAY = N_("A card must be valid after today.")
VALID_AT_MOST = N_("A card may be valid for ten years at most.")
ERASED = N_("This person's record was erased: no card can be issued.")


def today() -> date:
    return local_today()


def shown(card: Card, on: date | None = None) -> Shown:
    """What the card is today: active, expired (active past its date) or revoked."""
    if card.status == CardStatus.REVOKED:
        return Shown.REVOKED
    return Shown.EXPIRED if card.valid_until < (on or today()) else Shown.ACTIVE


def _person(session: Session, actor: Actor, person_id: uuid.UUID) -> people.Person:
    person = people.person_by_id(session, person_id)
    if person is None:
        raise NotFound
    require(actor, Permission.CARD_ISSUE, person)
    return person


def _new_number(session: Session) -> str:
    while True:
        number = payload.new_card_number()
        if not repository.number_taken(session, number):
            return number


def _revoke(session: Session, actor: Actor, card: Card, reason: Reason) -> None:
    CARD.move(session, actor, card, CardStatus.REVOKED, changes={"reason": reason.value})
    card.revoked_reason = reason.value
    card.revoked_by_id = actor.user_id


def issue(
    session: Session,
    actor: Actor,
    person_id: uuid.UUID,
    *,
    validity_days: int,
    valid_until: date | None = None,
) -> Card:
    """Issue the person's card, signed with the programme's key; an active card the person
    held is revoked as replaced first (one active card per person)."""
    person = _person(session, actor, person_id)
    if person.erased_at is not None:
        raise ValidationFailed(ERASED)
    key_id, private = signing.private_key(session)
    issued_on = today()
    until = valid_until or issued_on + timedelta(days=validity_days)
    if until <= issued_on:
        raise ValidationFailed(fields={"valid_until": VALID_AFTER_TODAY})
    if until > issued_on + timedelta(days=MAX_VALIDITY_DAYS):
        raise ValidationFailed(fields={"valid_until": VALID_AT_MOST})
    previous = repository.active_card_of(session, person.id)
    if previous is not None:
        _revoke(session, actor, previous, Reason.REPLACED)
        session.flush()  # the partial unique index: the old card is revoked before the new row
    organisation = accounts.organisation_by_id(session, person.organisation_id)
    with unmasked(session):  # the photo's hash is signed whoever issues; the photo not shown
        photo = people.photo_of(session, person.id)
        photo_hash = payload.photo_hash(photo.data if photo is not None else None)
    number = _new_number(session)
    fields = payload.CardFields(
        key_id=key_id,
        card_number=number,
        reference=person.reference,
        name_latin=person.name_latin or "",
        name_my=person.name_my or "",
        valid_until=until,
        issuer=documents.safe_issuer(organisation.name if organisation else ""),
        photo_hash=photo_hash,
    )
    card = Card(
        person_id=person.id,
        organisation_id=person.organisation_id,
        site_id=person.site_id,
        card_number=number,
        key_id=key_id,
        status=CardStatus.ACTIVE.value,
        issued_on=issued_on,
        valid_until=until,
        issued_at=utcnow(),
        issued_by_id=actor.user_id,
    )
    session.add(card)
    card.payload = payload.sign(private, fields).encode()
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.CARD_ISSUED,
        subject_type="card",
        subject_id=card.id,
        organisation_id=card.organisation_id,
        changes={
            "person_id": str(person.id),
            "card_number": number,
            "key_id": key_id,
            "valid_until": until.isoformat(),
            "replaces": previous.card_number if previous is not None else None,
        },
    )
    return card


def get_card(session: Session, actor: Actor, card_id: uuid.UUID) -> Card:
    card = repository.card_by_id(session, card_id)
    if card is None:
        raise NotFound
    require(actor, Permission.CARD_ISSUE, card)
    return card


def revoke(session: Session, actor: Actor, card_id: uuid.UUID, reason: Reason) -> Card:
    """Revoke a card (lost, stolen, seized…); a revoked card is never active again (409)."""
    card = get_card(session, actor, card_id)
    locked = repository.card_by_id(session, card.id, for_update=True)
    if locked is None:  # pragma: no cover - read a moment ago in this transaction
        raise NotFound
    _revoke(session, actor, locked, reason)
    session.flush()
    return locked


def cards_of_person(session: Session, actor: Actor, person_id: uuid.UUID) -> Sequence[Card]:
    person = _person(session, actor, person_id)
    return repository.cards_of(session, person.id)


def list_cards(
    session: Session,
    actor: Actor,
    *,
    shown_as: Shown | None = None,
    search: str | None = None,
) -> Sequence[Card]:
    """Cards the actor may see, newest first: by what they show, and for the person a
    reference number names or the card a card number names (the text may be either)."""
    require(actor, Permission.CARD_ISSUE)
    reference = number = None
    if search:
        text = search.strip().upper()
        reference = lookup(text, Kind.PERSON)
        if reference is None:
            number = text
    return repository.list_cards(
        session,
        actor,
        shown=shown_as,
        today=today(),
        person_reference=reference,
        card_number=number,
    )


def card_pdf(session: Session, actor: Actor, card_id: uuid.UUID) -> bytes:
    """The card to print. The card shows the photo, so printing needs the clearance to see
    it (registrars and case workers); the printing is audited."""
    card = get_card(session, actor, card_id)
    if not may_read(actor, Sensitivity.CONFIDENTIAL, "data"):
        raise PermissionDenied
    if card.status != CardStatus.ACTIVE:
        raise ValidationFailed(N_("Only an active card can be printed."))
    text = card.payload.decode()
    fields = payload.check(
        text, public_keys=signing.public_keys(session), revoked={}, today=card.issued_on
    ).fields
    if fields is None:  # the key was retired: the card would not verify anywhere
        raise ValidationFailed(N_("This card's signing key was retired: issue a new card."))
    photo = people.photo_of(session, card.person_id)
    content = documents.render(
        documents.CardFace(
            name_latin=fields.name_latin,
            name_my=fields.name_my,
            reference=fields.reference,
            card_number=fields.card_number,
            issuer=fields.issuer,
            issued_on=card.issued_on,
            valid_until=fields.valid_until,
            photo=photo.data if photo is not None else None,
            qr_text=text,
        )
    )
    audit.record(
        session,
        actor,
        AuditAction.CARD_PRINTED,
        subject_type="card",
        subject_id=card.id,
        organisation_id=card.organisation_id,
        changes={"card_number": card.card_number},
    )
    return content


def qr_text(session: Session, actor: Actor, card_id: uuid.UUID) -> str:
    """The QR's text of a card (names inside: the same clearance as printing)."""
    card = get_card(session, actor, card_id)
    if not may_read(actor, Sensitivity.CONFIDENTIAL, "data"):
        raise PermissionDenied
    return card.payload.decode()


# --- verification ---------------------------------------------------------------------------


def require_verify(actor: Actor) -> None:
    require(actor, Permission.CARD_VERIFY)


@dataclass(frozen=True)
class Verification:
    """A verification's result, and what this database adds: the card's person when the
    actor may see them, and whether the photo here is the one printed on the card."""

    result: payload.Result
    person_id: uuid.UUID | None = None
    photo_matches: bool | None = None


def verify(
    session: Session,
    actor: Actor,
    text: str,
    *,
    revoked: dict[str, str] | None = None,
) -> Verification:
    """Check a QR's text with the public keys and revocations known here (no network: a field
    node answers the same way offline). `revoked` adds a signed list's cards."""
    require(actor, Permission.CARD_VERIFY)
    keys = signing.public_keys(session)
    known: dict[str, str] = dict(revoked or {})
    signed = payload.check(text, public_keys=keys, revoked={}, today=today()).fields
    card = repository.card_by_number(session, signed.card_number) if signed else None
    if card is not None:
        known |= repository.revoked_numbers(session, card.card_number)
    result = payload.check(text, public_keys=keys, revoked=known, today=today())
    person_id, photo_matches = None, None
    # The card's person, only for an actor who may see them and their photo; a card of
    # another organisation or site is checked all the same, and stays anonymous here.
    person = people.person_by_id(session, card.person_id) if card is not None else None
    if (
        person is not None
        and result.fields is not None
        and in_scope(actor, person)
        and actor.can(Permission.PERSON_READ)
        and may_read(actor, Sensitivity.CONFIDENTIAL, "data")
    ):
        person_id = person.id
        photo = people.photo_of(session, person.id)
        here = payload.photo_hash(photo.data if photo is not None else None)
        photo_matches = here == result.fields.photo_hash
    audit.record(
        session,
        actor,
        AuditAction.CARD_VERIFIED,
        subject_type="card",
        subject_id=card.id if card is not None and in_scope(actor, card) else None,
        organisation_id=actor.organisation_id,
        changes={"verdict": result.verdict.value},
    )
    return Verification(result, person_id, photo_matches)


def revocation_list(session: Session, actor: Actor) -> bytes:
    """Every revoked card of the actor's organisation (every organisation for the operator),
    signed: a checkpoint without the database learns them from this file."""
    require(actor, Permission.CARD_ISSUE)
    _key_id, private = signing.private_key(session)
    organisation_id = None if actor.is_system else actor.organisation_id
    rows = [
        (
            card.card_number,
            card.revoked_at.date().isoformat() if card.revoked_at else "",
            card.revoked_reason or "",
        )
        for card in repository.revoked_cards(session, organisation_id)
    ]
    content = payload.sign_revocations(private, issued_at=utcnow().isoformat(), revoked=rows)
    audit.record(
        session,
        actor,
        AuditAction.CARD_REVOCATIONS_EXPORTED,
        subject_type="card",
        subject_id=None,
        organisation_id=organisation_id,
        changes={"cards": len(rows)},
    )
    return content
