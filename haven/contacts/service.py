"""Rules of first contacts: record under a code name, set the meeting, log exchanges, move the
state, link the reception at crossing, wipe a compromised contact, forget an erased person.

Visible to the negotiation team alone: every function answers NotFound (404) to an actor
without CONTACT_READ, so no other role learns that contacts, or a given contact, exist. The
team is every negotiator of the organisation, not only the contact's handler
(docs/contacts.md). Code names, channel details, meeting points, notes and reasons never
enter the audit trail: a changed one is marked changed, without its value.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from haven.accounts import repository as accounts
from haven.accounts.models import User
from haven.agreements.public import agreement_choices
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.audit.service import REDACTED
from haven.contacts import repository
from haven.contacts.lifecycle import (
    CHOSEN_MOVES,
    CONTACT,
    Channel,
    ContactStatus,
)
from haven.contacts.models import CONTACT_KEYS, Contact, ContactExchange, ContactMove
from haven.contacts.schemas import (
    ContactIn,
    ContactUpdate,
    CrossingIn,
    ExchangeIn,
    MeetingIn,
    MoveIn,
    local_instant,
)
from haven.db.types import utcnow
from haven.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from haven.i18n import N_
from haven.people.public import person_for_reference, persons_by_id
from haven.reception.public import latest_reception
from haven.security.permissions import Actor, Permission, Role, in_scope

# Words of generated code names: plain, easy to say on a bad line in English and Burmese
# alike, and far from any name a person bears.
_FIRST = (
    "AMBER", "ASH", "BLUE", "BRONZE", "CEDAR", "CLOUD", "COPPER", "CORAL", "DAWN", "DUSK",
    "EMBER", "FERN", "FROST", "GOLD", "GREEN", "GREY", "IRON", "IVORY", "JADE", "LOTUS",
    "MOSS", "NORTH", "OCEAN", "PEARL", "PINE", "QUIET", "RAIN", "RIVER", "SALT", "SILVER",
    "SOUTH", "STONE", "TEAK", "TIDE", "WEST", "WIND",
)  # fmt: skip
_SECOND = (
    "BRIDGE", "CRANE", "DRUM", "EAGLE", "FALCON", "GATE", "HARBOR", "HERON", "HILL", "KITE",
    "LAMP", "LANTERN", "MANGO", "MOON", "ORCHID", "OWL", "PADDY", "PAGODA", "PATH", "PEAK",
    "RIDGE", "ROAD", "SPARROW", "STAR", "STREAM", "TIGER", "TOWER", "VALLEY", "WELL", "WREN",
)  # fmt: skip
_SUGGESTIONS = 8
# A time typed "now" on a slow clock is neither past for a meeting nor ahead for an exchange.
_MEETING_GRACE = timedelta(minutes=5)

CODE_NAME_TAKEN = N_("This code name is already used in your organisation. Choose another.")
NOT_A_NEGOTIATOR = N_("Choose a negotiator of your organisation.")
NO_SUCH_AGREEMENT = N_("Choose one of your organisation's agreements.")
NOT_RECEIVED = N_("This person has no reception recorded yet. Record the reception first.")
ALREADY_LINKED = N_("This reception is already linked to another contact.")
MEETING_PASSED = N_("The meeting time has passed. Enter a time to come.")
EXCHANGE_AHEAD = N_("An exchange that happened cannot be in the future. Check the time.")
OWN_FORM_MOVE = N_("Set a meeting or link the reception on their own forms.")
NO_EXCHANGE = N_("No exchange is recorded on a contact that crossed or was compromised.")
WIPE_ONLY_COMPROMISED = N_("Only a compromised contact's details are wiped.")
ALREADY_WIPED = N_("The details of this contact were already wiped.")
WIPED = N_("The details of this contact were wiped after it was compromised.")


# --- who may know ------------------------------------------------------------------------


def _require(actor: Actor, *, write: bool = False) -> None:
    """Contacts do not exist for anyone outside the negotiation team: 404, never 403."""
    if not actor.can(Permission.CONTACT_READ):
        raise NotFound
    if write and not actor.can(Permission.CONTACT_WRITE):
        raise PermissionDenied


def get_contact(
    session: Session, actor: Actor, contact_id: uuid.UUID, *, write: bool = False
) -> Contact:
    """The contact, or NotFound when it is missing, of another organisation, or the actor is
    not of the negotiation team."""
    _require(actor, write=write)
    found = repository.contact(session, contact_id)
    if found is None or not in_scope(actor, found):
        raise NotFound
    return found


def list_contacts(session: Session, actor: Actor, *, status: str | None = None) -> list[Contact]:
    """The organisation's contacts, newest first (optionally in one state)."""
    _require(actor)
    return list(repository.contacts(session, actor, status=status))


def is_overdue(contact: Contact, now: datetime | None = None) -> bool:
    """A meeting whose time passed without a crossing (flagged on the list)."""
    return (
        contact.status == ContactStatus.MEETING_SET.value
        and contact.meeting_at is not None
        and contact.meeting_at < (now or utcnow())
    )


def _organisation(actor: Actor, organisation_id: uuid.UUID | None) -> uuid.UUID:
    chosen = organisation_id if actor.is_system else actor.organisation_id
    if chosen is None:
        raise ValidationFailed(fields={"organisation_id": N_("Choose the organisation.")})
    return chosen


# --- code names --------------------------------------------------------------------------


def _draw() -> str:
    return f"{secrets.choice(_FIRST)} {secrets.choice(_SECOND)} {secrets.randbelow(90) + 10}"


def suggest_code_name(
    session: Session, actor: Actor, *, organisation_id: uuid.UUID | None = None
) -> str:
    """A code name not yet used in the organisation: two plain words and a number, drawn at
    random (about 100,000 of them), checked against the organisation's in one query."""
    _require(actor, write=True)
    organisation = _organisation(actor, organisation_id)
    candidates = list(dict.fromkeys(_draw() for _ in range(_SUGGESTIONS)))
    taken = repository.taken_code_names(session, organisation, candidates)
    free = [name for name in candidates if name not in taken]
    if not free:  # pragma: no cover - eight clashes in a row need some 100,000 contacts
        raise Conflict(CODE_NAME_TAKEN)
    return free[0]


# --- choices on the forms ----------------------------------------------------------------


def negotiators(session: Session, actor: Actor) -> Sequence[User]:
    """The negotiators of the organisation who may handle a contact."""
    _require(actor)
    return accounts.active_users_with_role(session, actor, Role.NEGOTIATOR.value)


def agreements(session: Session, actor: Actor) -> list[tuple[uuid.UUID, str, str]]:
    """(id, reference, code name) of the organisation's agreements a contact may relate to."""
    _require(actor)
    return agreement_choices(session, actor)


def _check_handler(session: Session, actor: Actor, handler_id: uuid.UUID) -> None:
    user = accounts.user_by_id(session, handler_id)
    if (
        user is None
        or not user.is_active
        or user.role != Role.NEGOTIATOR.value
        or (not actor.is_system and user.organisation_id != actor.organisation_id)
    ):
        raise ValidationFailed(fields={"handler_id": NOT_A_NEGOTIATOR})


def _check_agreement(session: Session, actor: Actor, agreement_id: uuid.UUID) -> None:
    if agreement_id not in {choice[0] for choice in agreement_choices(session, actor)}:
        raise ValidationFailed(fields={"agreement_id": NO_SUCH_AGREEMENT})


def user_names(session: Session, user_ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    """Usernames of the handlers and authors a page shows (batched)."""
    return {u.id: u.display_name for u in accounts.users_by_id(session, user_ids).values()}


def person_references(session: Session, contacts: Iterable[Contact]) -> dict[uuid.UUID, str]:
    """The reference number of each linked person (batched): the only thing of the person
    the negotiation team sees."""
    found = persons_by_id(session, [c.person_id for c in contacts if c.person_id is not None])
    return {person_id: str(person.reference) for person_id, person in found.items()}


# --- recording and changing --------------------------------------------------------------


def _record(
    session: Session, actor: Actor, action: AuditAction, contact: Contact, **changes: object
) -> None:
    audit.record(
        session,
        actor,
        action,
        subject_type="contact",
        subject_id=contact.id,
        organisation_id=contact.organisation_id,
        changes=changes,
    )


def _add_move(
    session: Session,
    actor: Actor,
    contact: Contact,
    before: str | None,
    *,
    reason: str | None = None,
) -> None:
    contact.status_changed_at = utcnow()
    contact.status_changed_by_id = actor.user_id
    session.add(
        ContactMove(
            contact_id=contact.id,
            organisation_id=contact.organisation_id,
            from_status=before,
            to_status=contact.status,
            reason=reason,
            moved_at=contact.status_changed_at,
            moved_by_id=actor.user_id,
        )
    )


def record_contact(
    session: Session,
    actor: Actor,
    data: ContactIn,
    *,
    organisation_id: uuid.UUID | None = None,
) -> Contact:
    """Record a new contact under its code name (unique in the organisation). The handler
    defaults to the negotiator recording it."""
    _require(actor, write=True)
    organisation = _organisation(actor, organisation_id)
    if repository.code_name_taken(session, organisation, data.code_name):
        raise ValidationFailed(fields={"code_name": CODE_NAME_TAKEN})
    handler_id = data.handler_id or (actor.user_id if actor.role is Role.NEGOTIATOR else None)
    if data.handler_id is not None:
        _check_handler(session, actor, data.handler_id)
    if data.agreement_id is not None:
        _check_agreement(session, actor, data.agreement_id)
    contact = Contact(
        organisation_id=organisation,
        code_name=data.code_name,
        channel=data.channel.value,
        companions=data.companions.value,
        family=data.family.value,
        agreement_id=data.agreement_id,
        handler_id=handler_id,
        status=ContactStatus.OPEN.value,
        status_changed_by_id=actor.user_id,
        created_by_id=actor.user_id,
    )
    contact.channel_detail = data.channel_detail
    session.add(contact)
    session.flush()
    _add_move(session, actor, contact, None)
    _record(
        session,
        actor,
        AuditAction.CONTACT_RECORDED,
        contact,
        code_name=REDACTED,
        channel={"before": None, "after": contact.channel},
        companions={"before": None, "after": contact.companions},
        family={"before": None, "after": contact.family},
        agreement_id={"before": None, "after": _text(contact.agreement_id)},
        handler_id={"before": None, "after": _text(contact.handler_id)},
        **({"channel_detail": REDACTED} if data.channel_detail else {}),
    )
    session.flush()
    return contact


def _text(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)


def _refuse_if_wiped(contact: Contact) -> None:
    if contact.details_wiped_at is not None:
        raise Conflict(WIPED)


def update_contact(
    session: Session, actor: Actor, contact_id: uuid.UUID, data: ContactUpdate
) -> Contact:
    """Change what the team knows of the contact: every field given is set."""
    contact = get_contact(session, actor, contact_id, write=True)
    _refuse_if_wiped(contact)
    given = data.model_fields_set - {"text_encoding"}
    changes: dict[str, object] = {}
    if "handler_id" in given and data.handler_id != contact.handler_id:
        if data.handler_id is not None:
            _check_handler(session, actor, data.handler_id)
        changes["handler_id"] = {
            "before": _text(contact.handler_id),
            "after": _text(data.handler_id),
        }
        contact.handler_id = data.handler_id
    if "agreement_id" in given and data.agreement_id != contact.agreement_id:
        if data.agreement_id is not None:
            _check_agreement(session, actor, data.agreement_id)
        changes["agreement_id"] = {
            "before": _text(contact.agreement_id),
            "after": _text(data.agreement_id),
        }
        contact.agreement_id = data.agreement_id
    for name in ("channel", "companions", "family"):
        value = getattr(data, name)
        if name in given and value is not None and value.value != getattr(contact, name):
            changes[name] = {"before": getattr(contact, name), "after": value.value}
            setattr(contact, name, value.value)
    if "channel_detail" in given and data.channel_detail != contact.channel_detail:
        changes["channel_detail"] = REDACTED
        contact.channel_detail = data.channel_detail
    if changes:
        _record(session, actor, AuditAction.CONTACT_UPDATED, contact, **changes)
        session.flush()
    return contact


def set_meeting(session: Session, actor: Actor, contact_id: uuid.UUID, data: MeetingIn) -> Contact:
    """Set (or set again) the promised meeting point and time; an open contact moves to
    "meeting set". The time must be to come."""
    contact = get_contact(session, actor, contact_id, write=True)
    _refuse_if_wiped(contact)
    before = contact.status
    if before != ContactStatus.MEETING_SET.value:
        CONTACT.check(before, ContactStatus.MEETING_SET)
    when = local_instant(data.meeting_at)
    if when is None or when < utcnow() - _MEETING_GRACE:
        raise ValidationFailed(fields={"meeting_at": MEETING_PASSED})
    contact.meeting_point = data.meeting_point
    contact.meeting_at = when
    _record(
        session,
        actor,
        AuditAction.CONTACT_MEETING_SET,
        contact,
        meeting_point=REDACTED,
        meeting_at={"before": None, "after": when.isoformat()},
    )
    if before != ContactStatus.MEETING_SET.value:
        CONTACT.move(session, actor, contact, ContactStatus.MEETING_SET)
        _add_move(session, actor, contact, before)
    session.flush()
    return contact


def add_exchange(
    session: Session, actor: Actor, contact_id: uuid.UUID, data: ExchangeIn
) -> ContactExchange:
    """Log one exchange with the contact (the note encrypted under the contact's key)."""
    contact = get_contact(session, actor, contact_id, write=True)
    if contact.status in (ContactStatus.CROSSED.value, ContactStatus.COMPROMISED.value):
        raise Conflict(NO_EXCHANGE)
    _refuse_if_wiped(contact)
    when = local_instant(data.occurred_at) or utcnow()
    if when > utcnow() + _MEETING_GRACE:
        raise ValidationFailed(fields={"occurred_at": EXCHANGE_AHEAD})
    exchange = ContactExchange(
        contact_id=contact.id,
        organisation_id=contact.organisation_id,
        occurred_at=when,
        channel=Channel(data.channel).value,
        recorded_by_id=actor.user_id,
    )
    exchange.note = data.note
    session.add(exchange)
    session.flush()
    _record(
        session,
        actor,
        AuditAction.CONTACT_EXCHANGE_ADDED,
        contact,
        exchange_id={"before": None, "after": str(exchange.id)},
        channel={"before": None, "after": exchange.channel},
        note=REDACTED,
    )
    return exchange


def move(session: Session, actor: Actor, contact_id: uuid.UUID, data: MoveIn) -> Contact:
    """A move the team chooses (contact lost, compromised, withdrawn; reopened), with its
    reason; a meeting and a crossing have their own forms."""
    contact = get_contact(session, actor, contact_id, write=True)
    if data.status not in CHOSEN_MOVES:
        raise ValidationFailed(fields={"status": OWN_FORM_MOVE})
    before = contact.status
    CONTACT.move(session, actor, contact, data.status, changes={"reason": REDACTED})
    _add_move(session, actor, contact, before, reason=data.reason)
    session.flush()
    return contact


def link_crossing(
    session: Session, actor: Actor, contact_id: uuid.UUID, data: CrossingIn
) -> Contact:
    """At crossing: link the contact to the person received (found by the reference number
    the negotiator types) and their latest reception; the contact moves to "crossed"."""
    contact = get_contact(session, actor, contact_id, write=True)
    before = contact.status
    CONTACT.check(before, ContactStatus.CROSSED)
    person = person_for_reference(session, actor, data.person_reference, field="person_reference")
    reception = latest_reception(session, person.id)
    if reception is None:
        raise ValidationFailed(fields={"person_reference": NOT_RECEIVED})
    other = repository.contact_of_reception(session, reception.id)
    if other is not None and other.id != contact.id:
        raise ValidationFailed(fields={"person_reference": ALREADY_LINKED})
    contact.person_id = person.id
    contact.reception_id = reception.id
    _record(
        session,
        actor,
        AuditAction.CONTACT_LINKED,
        contact,
        person_id={"before": None, "after": str(person.id)},
        reception_id={"before": None, "after": str(reception.id)},
    )
    CONTACT.move(session, actor, contact, ContactStatus.CROSSED)
    _add_move(session, actor, contact, before)
    session.flush()
    return contact


def wipe_details(session: Session, actor: Actor, contact_id: uuid.UUID) -> Contact:
    """Shred a compromised contact's details: its data key is destroyed, and the channel
    detail, meeting point, every exchange's note and every move's reason blanked. The code
    name, states, dates and bands stay, so the team still knows the contact existed."""
    contact = get_contact(session, actor, contact_id, write=True)
    if contact.status != ContactStatus.COMPROMISED.value:
        raise Conflict(WIPE_ONLY_COMPROMISED)
    if contact.details_wiped_at is not None:
        raise Conflict(ALREADY_WIPED)
    _shred(session, [contact.id])
    contact.details_wiped_at = utcnow()
    _record(
        session,
        actor,
        AuditAction.CONTACT_WIPED,
        contact,
        channel_detail=REDACTED,
        meeting_point=REDACTED,
        notes=REDACTED,
    )
    session.flush()
    return contact


def _shred(session: Session, contact_ids: Sequence[uuid.UUID]) -> None:
    session.flush()
    repository.shred(session, contact_ids)
    for contact_id in contact_ids:
        CONTACT_KEYS.destroy(session, contact_id)


def exchanges(session: Session, actor: Actor, contact: Contact) -> Sequence[ContactExchange]:
    _require(actor)
    return repository.exchanges_of(session, contact.id)


def moves(session: Session, actor: Actor, contact: Contact) -> Sequence[ContactMove]:
    _require(actor)
    return repository.moves_of(session, contact.id)


def overdue_count(session: Session, actor: Actor) -> int:
    _require(actor)
    return repository.overdue_count(session, actor, utcnow())


# --- erasure -----------------------------------------------------------------------------


def on_person_erased(session: Session, actor: Actor, person_id: uuid.UUID) -> None:
    """A contact linked to an erased person loses its link and its encrypted details (its
    data key destroyed); its code name and history of states stay, naming no one."""
    linked = repository.contacts_of_person(session, person_id)
    if not linked:
        return
    contact_ids = [c.id for c in linked]
    _shred(session, contact_ids)
    repository.unlink_person(session, contact_ids, utcnow())
    for contact in linked:
        _record(
            session,
            actor,
            AuditAction.CONTACT_ERASED,
            contact,
            person_id=REDACTED,
            reception_id=REDACTED,
            details=REDACTED,
        )
