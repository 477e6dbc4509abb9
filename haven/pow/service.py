"""POW records: registration, Art. 17 and Art. 122 items, places, transfers, capture cards.

Fields the actor may not see are masked by the reader bound where the actor was resolved;
every entry point writes its audit event in the same transaction. Status changes go through
the lifecycle (`haven.pow.lifecycle.STATUS`): an illegal one is a Conflict (409); each is
stamped and published (`PrisonerStatusChanged`) for the domains that act on it.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.types import utcnow
from haven.disclosures.public import DisclosureKind, PersonalField, record_convention_disclosure
from haven.errors import Conflict, NotFound, ValidationFailed
from haven.forces.public import Rank, rank_aliases, rank_by_id, rank_key, ranks_of
from haven.i18n import N_, Text
from haven.kernel import custody
from haven.kernel.custody import CustodyAct
from haven.kernel.events import publish
from haven.people.public import Person, person_by_id
from haven.people.public import search as search_people
from haven.pow import deadlines, repository, safeguards
from haven.pow.events import PrisonerStatusChanged
from haven.pow.lifecycle import STATUS, PowStatus
from haven.pow.models import (
    CaptureCard,
    MedicalInspection,
    PowNotice,
    PowPlace,
    PowRecord,
    PowTransfer,
    RiskAssessment,
)
from haven.pow.schemas import (
    Art17In,
    Art17Item,
    Art122In,
    CardOccasion,
    CardSentIn,
    Movement,
    NoticeKind,
    PlaceIn,
    PlaceKind,
    PowCapture,
    PowRegister,
    StateOfHealth,
    TransferIn,
)
from haven.reception.public import (
    PRISONER_CLASSIFICATIONS,
    Classification,
    ReceptionCreate,
    ReceptionEvent,
    latest_reception,
    receive,
)
from haven.security.permissions import Actor, Permission, in_scope, require

# What a capture card carries (GC III Annex IV B), in the disclosure log's catalogue.
CARD_FIELDS = frozenset(
    {
        PersonalField.NAMES,
        PersonalField.FATHER_NAME,
        PersonalField.DATE_OF_BIRTH,
        PersonalField.PLACE_OF_BIRTH,
        PersonalField.RANK_AND_FORCE,
        PersonalField.SERVICE_NUMBER,
        PersonalField.FAMILY_WHEREABOUTS,
        PersonalField.CUSTODY_EVENTS,
        PersonalField.HEALTH,
        PersonalField.PLACE_HELD,
    }
)

ART17_SENSITIVE = {"surname", "first_names", "birth_year", "birth_month", "birth_day"}
# The people search's results a registration search looks among.
SEARCH_LIMIT = 200


def get_record(
    session: Session, actor: Actor, pow_id: uuid.UUID, permission: Permission = Permission.POW_READ
) -> PowRecord:
    return repository.Records(session).get_for(actor, pow_id, permission)


def view_record(session: Session, actor: Actor, pow_id: uuid.UUID) -> PowRecord:
    """A record with its identity items: the read is audited."""
    record = get_record(session, actor, pow_id)
    audit.record(
        session,
        actor,
        AuditAction.POW_VIEWED,
        subject_type="pow",
        subject_id=record.id,
        organisation_id=record.organisation_id,
    )
    return record


def list_records(session: Session, actor: Actor) -> Sequence[PowRecord]:
    require(actor, Permission.POW_READ)
    return repository.records(session, actor)


def records_page(
    session: Session, actor: Actor, *, limit: int, offset: int = 0
) -> tuple[Sequence[PowRecord], int]:
    """A page of the records the actor may see (the latest captured first) and the total."""
    require(actor, Permission.POW_READ)
    return repository.records_page(session, actor, limit=limit, offset=offset)


def waiting(
    session: Session,
    actor: Actor,
    *,
    query: str = "",
    person_ids: Sequence[uuid.UUID] | None = None,
    limit: int = 25,
    offset: int = 0,
) -> tuple[Sequence[ReceptionEvent], int]:
    """Persons received as surrendered or captured who have no POW record yet: a page of
    them, newest first, and how many; with `query`, only those the people search finds by
    it (a name in either script, a service number, an NRC); with `person_ids`, only these."""
    require(actor, Permission.POW_WRITE)
    classifications = [str(c) for c in PRISONER_CLASSIFICATIONS]
    if query.strip():
        found = [p.id for p in search_people(session, actor, query, limit=SEARCH_LIMIT)]
        person_ids = found if person_ids is None else [i for i in found if i in person_ids]
    return repository.unregistered_prisoners(
        session, actor, classifications, limit=limit, offset=offset, person_ids=person_ids
    )


def move(session: Session, actor: Actor, record: PowRecord, to: PowStatus) -> None:
    """Change the status along the lifecycle (or refuse with a Conflict) and publish it; the
    caller writes the audit event of the change with its own details."""
    before = STATUS.move(session, actor, record, to)
    record.status_changed_at = utcnow()
    publish(
        session,
        actor,
        PrisonerStatusChanged(
            pow_record_id=record.id,
            person_id=record.person_id,
            previous=str(before),
            status=record.status,
        ),
    )


def add_notice(
    session: Session, record: PowRecord, kind: NoticeKind, occurred_on: date, detail: str | None
) -> PowNotice:
    notice = PowNotice(
        pow_id=record.id,
        organisation_id=record.organisation_id,
        kind=str(kind),
        occurred_on=occurred_on,
        detail=detail,
    )
    session.add(notice)
    return notice


def add_card(
    session: Session,
    record: PowRecord,
    occasion: CardOccasion,
    occasion_on: date,
    *,
    coming_from_id: uuid.UUID | None = None,
) -> CaptureCard:
    """A new card owed; any earlier unsent card is superseded (it stays in the history).

    Its present address is where the person is held now (`record.place_id`, already the new
    place on a transfer); `coming_from_id` is the camp or hospital a transfer came from."""
    for card in repository.open_cards(session, record.id):
        card.superseded_at = utcnow()
    card = CaptureCard(
        pow_id=record.id,
        organisation_id=record.organisation_id,
        occasion=str(occasion),
        occasion_on=occasion_on,
        due_on=deadlines.card_due_on(occasion_on),
        place_id=record.place_id,
        coming_from_id=coming_from_id,
    )
    session.add(card)
    return card


def check_examiner(state: StateOfHealth | None, examined_by: str | None) -> None:
    """A state of health is recorded only with who examined the person."""
    if state is not None and not examined_by:
        raise ValidationFailed(
            fields={
                "examined_by": N_(
                    "Name who examined the person (name and role): a state of health is "
                    "recorded only by whoever examined them."
                )
            }
        )


def new_prisoner_number(session: Session, organisation_id: uuid.UUID, captured_on: date) -> str:
    """A prisoner number not yet given in the organisation: POW-<year>-<six hex digits>."""
    while True:
        number = f"POW-{captured_on.year}-{secrets.token_hex(3).upper()}"
        if not repository.prisoner_number_taken(session, organisation_id, number):
            return number


def _rank_named(session: Session, text: str | None, force_rank: Rank | None) -> Rank | None:
    """The rank of `force_rank`'s table that `text` names: its English or Burmese name, or
    else one of its short forms (`forces.public.rank_key` decides what is the same text)."""
    key = rank_key(text) if text else ""
    if not key or force_rank is None:
        return None
    ranks = ranks_of(session, force_rank.force_id)
    for rank in ranks:
        if key in {rank_key(name) for name in (rank.name_en, rank.name_my) if name}:
            return rank
    aliases = rank_aliases(session, [rank.id for rank in ranks])
    for rank in ranks:
        if key in {rank_key(alias) for alias in aliases.get(rank.id, [])}:
            return rank
    return None


def _place(session: Session, actor: Actor, place_id: uuid.UUID, field: str) -> PowPlace:
    place = repository.place_by_id(session, place_id)
    if place is None or not in_scope(actor, place):
        raise ValidationFailed(fields={field: N_("Choose a place of internment.")})
    return place


def _check_opening(
    session: Session,
    actor: Actor,
    *,
    captured_on: date,
    arrived_on: date | None,
    place_id: uuid.UUID | None,
    state_of_health: StateOfHealth | None,
    examined_by: str | None,
) -> PowPlace | None:
    """The rules of a registration's own items, every failing field named at once; the
    place of internment chosen (None: not yet)."""
    fields: dict[str, Text | str] = {}
    if arrived_on is not None and arrived_on < captured_on:
        fields["arrived_on"] = N_("The arrival at a camp cannot be before the capture.")
    try:
        check_examiner(state_of_health, examined_by)
    except ValidationFailed as error:
        fields.update(error.fields)
    place = None
    if place_id is not None:
        try:
            place = _place(session, actor, place_id, "place_id")
        except ValidationFailed as error:
            fields.update(error.fields)
    if fields:
        raise ValidationFailed(fields=fields)
    return place


def register(session: Session, actor: Actor, data: PowRegister) -> PowRecord:
    """Open the POW record of a person received as surrendered or captured.

    The Art. 17 items are prefilled from what reception recorded (names, birth, service
    number, rank); the officer confirms or corrects them with the prisoner. A capture card
    falls due seven days after capture (or after arrival at a camp, when given).
    """
    require(actor, Permission.POW_WRITE)
    person = person_by_id(session, data.person_id)
    if person is None or person.is_erased:
        raise NotFound
    require(actor, Permission.POW_WRITE, person)
    event = latest_reception(session, person.id)
    if event is None or event.classification not in {str(c) for c in PRISONER_CLASSIFICATIONS}:
        raise Conflict(
            N_("Only a person received as surrendered or captured is a prisoner of war.")
        )
    if repository.record_of_person(session, person.id) is not None:
        raise Conflict(N_("This person already has a prisoner-of-war record."))
    place = _check_opening(
        session,
        actor,
        captured_on=data.captured_on,
        arrived_on=data.arrived_on,
        place_id=data.place_id,
        state_of_health=data.state_of_health,
        examined_by=data.examined_by,
    )
    return _open(session, actor, person, event, data, place, service_number=None)


# Reception's fields as the capture form names them.
_CAPTURE_FIELDS = {
    "received_on": "captured_on",
    "classification": "birth_year",  # "may be under 18: receive them as a child"
}


def register_captured(session: Session, actor: Actor, data: PowCapture) -> PowRecord:
    """Register a person taken prisoner whom no registrar received: reception receives them
    (through its public command, as captured or surrendered: the person, the reception
    event, its audit event and `PersonReceived`, so matching and vetting see them as anyone
    received), then the POW record is opened as `register` opens it, with the service
    number the prisoner gave. One transaction: a refusal of either writes nothing (the
    caller rolls back), and every failing field is named at once."""
    require(actor, Permission.POW_WRITE)
    fields: dict[str, Text | str] = {}
    place = None
    try:
        place = _check_opening(
            session,
            actor,
            captured_on=data.captured_on,
            arrived_on=data.arrived_on,
            place_id=data.place_id,
            state_of_health=data.state_of_health,
            examined_by=data.examined_by,
        )
    except ValidationFailed as error:
        fields.update(error.fields)
    arrival = ReceptionCreate(
        text_encoding="unicode",  # already cleaned by `PowCapture`
        name_my=data.name_my,
        name_latin=data.name_latin,
        classification=Classification(str(data.taken_as)),
        received_on=data.captured_on,
        site_id=data.site_id,
        birth_year=data.birth_year,
        origin_unit=data.origin_unit,
        rank_id=data.rank_id,
    )
    try:
        event = receive(session, actor, arrival)
    except ValidationFailed as error:
        fields.update({_CAPTURE_FIELDS.get(k, k): v for k, v in error.fields.items()})
        raise ValidationFailed(fields=fields) from None
    if fields:
        raise ValidationFailed(fields=fields)
    person = person_by_id(session, event.person_id)
    if person is None:  # pragma: no cover - written just above
        raise NotFound
    return _open(session, actor, person, event, data, place, service_number=data.service_number)


def _open(
    session: Session,
    actor: Actor,
    person: Person,
    event: ReceptionEvent,
    data: PowRegister | PowCapture,
    place: PowPlace | None,
    *,
    service_number: str | None,
) -> PowRecord:
    rank = rank_by_id(session, event.rank_id) if event.rank_id else None
    record = PowRecord(
        person_id=person.id,
        organisation_id=person.organisation_id,
        prisoner_number=new_prisoner_number(session, person.organisation_id, data.captured_on),
        site_id=person.site_id,
        reception_id=event.id,
        classification=event.classification,
        status=str(PowStatus.INTERNED),
        status_changed_at=utcnow(),
        captured_on=data.captured_on,
        captured_place=data.captured_place,
        arrived_on=data.arrived_on,
        place_id=place.id if place else None,
        first_names=person.name_latin or person.name_my,
        rank=rank.name_en if rank else None,
        rank_id=rank.id if rank else None,
        birth_year=person.birth_year,
        birth_month=person.birth_month,
        birth_day=person.birth_day,
        art17_refused=[],
        art122_refused=[],
    )
    session.add(record)
    session.flush()
    record.service_number = service_number or person.service_number
    prefill = {"father_first_name": person.father_name, "mother_maiden_name": person.mother_name}
    record.bureau_details = {k: v for k, v in prefill.items() if v}
    if data.state_of_health is not None:
        # The examination on arrival: the capture card shows what it found, and who found it.
        session.add(
            MedicalInspection(
                pow_id=record.id,
                person_id=record.person_id,
                organisation_id=record.organisation_id,
                inspected_on=data.arrived_on or data.captured_on,
                state_of_health=str(data.state_of_health),
                examined_by=data.examined_by,
            )
        )
    add_card(session, record, CardOccasion.CAPTURE, data.arrived_on or data.captured_on)
    add_notice(session, record, NoticeKind.CAPTURE, data.captured_on, place.name if place else None)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.POW_REGISTERED,
        subject_type="pow",
        subject_id=record.id,
        organisation_id=record.organisation_id,
        changes={
            "person_id": {"before": None, "after": str(person.id)},
            "prisoner_number": {"before": None, "after": record.prisoner_number},
            "captured_on": {"before": None, "after": data.captured_on.isoformat()},
            "captured_place": audit.REDACTED if data.captured_place else None,
            "service_number": audit.REDACTED if service_number else None,
            "state_of_health": audit.REDACTED if data.state_of_health else None,
        },
    )
    return record


def _art17_snapshot(record: PowRecord) -> dict[str, object]:
    return {
        "surname": record.surname,
        "first_names": record.first_names,
        "rank": record.rank,
        "birth_year": record.birth_year,
        "birth_month": record.birth_month,
        "birth_day": record.birth_day,
        "service_number": record.service_number,
        "art17_refused": ",".join(sorted(record.art17_refused or [])),
    }


def update_art17(session: Session, actor: Actor, pow_id: uuid.UUID, data: Art17In) -> PowRecord:
    """Record the Art. 17 items as given; a refused item is recorded and left empty."""
    record = get_record(session, actor, pow_id, Permission.POW_WRITE)
    before = _art17_snapshot(record)
    record.surname = data.surname
    record.first_names = data.first_names
    if data.rank != record.rank:
        linked = rank_by_id(session, record.rank_id) if record.rank_id else None
        if linked is None:
            received = latest_reception(session, record.person_id)
            if received is not None and received.rank_id is not None:
                linked = rank_by_id(session, received.rank_id)
        found = _rank_named(session, data.rank, linked)
        record.rank_id = found.id if found else None
    record.rank = data.rank
    record.birth_year, record.birth_month, record.birth_day = (
        data.birth_year,
        data.birth_month,
        data.birth_day,
    )
    record.service_number = data.service_number
    record.art17_refused = sorted(str(item) for item in set(data.refused))
    changes = audit.diff(
        before, _art17_snapshot(record), sensitive=ART17_SENSITIVE | {"service_number"}
    )
    session.flush()
    if changes:
        audit.record(
            session,
            actor,
            AuditAction.POW_IDENTITY_UPDATED,
            subject_type="pow",
            subject_id=record.id,
            organisation_id=record.organisation_id,
            changes=changes,
        )
    return record


def update_art122(session: Session, actor: Actor, pow_id: uuid.UUID, data: Art122In) -> PowRecord:
    """Record the Art. 122 items in so far as available; refusals are recorded, not penalised."""
    record = get_record(session, actor, pow_id, Permission.POW_WRITE)
    before = dict(record.bureau_details)
    before_refused = list(record.art122_refused or [])
    record.bureau_details = data.items()
    record.art122_refused = sorted(str(item) for item in set(data.refused))
    session.flush()
    changed = sorted(
        name
        for name in set(before) | set(record.bureau_details)
        if before.get(name) != record.bureau_details.get(name)
    )
    if changed or before_refused != record.art122_refused:
        audit.record(
            session,
            actor,
            AuditAction.POW_BUREAU_UPDATED,
            subject_type="pow",
            subject_id=record.id,
            organisation_id=record.organisation_id,
            changes={
                **dict.fromkeys(changed, audit.REDACTED),
                "refused": {"before": before_refused, "after": record.art122_refused},
            },
        )
    return record


def refused_art17(record: PowRecord) -> set[Art17Item]:
    return {Art17Item(item) for item in record.art17_refused or []}


# --- places and transfers -------------------------------------------------------------------


def list_places(session: Session, actor: Actor) -> Sequence[PowPlace]:
    require(actor, Permission.POW_READ)
    return repository.places(session, actor)


def create_place(session: Session, actor: Actor, data: PlaceIn) -> PowPlace:
    require(actor, Permission.POW_WRITE)
    if actor.organisation_id is None:
        raise ValidationFailed(fields={"name": N_("Places belong to an organisation.")})
    if any(p.name == data.name for p in repository.places(session, actor)):
        raise ValidationFailed(fields={"name": N_("A place with this name exists already.")})
    place = PowPlace(
        organisation_id=actor.organisation_id,
        name=data.name or "",
        kind=str(data.kind),
        township=data.township,
    )
    session.add(place)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.POW_PLACE_CREATED,
        subject_type="pow_place",
        subject_id=place.id,
        organisation_id=place.organisation_id,
        changes={"name": {"before": None, "after": place.name}, "kind": place.kind},
    )
    return place


def transfer(session: Session, actor: Actor, pow_id: uuid.UUID, data: TransferIn) -> PowTransfer:
    """Move an interned prisoner; a new capture card falls due and a notice is owed. Never to
    the party the person left, and only after a recorded risk assessment (docs/pow.md)."""
    record = get_record(session, actor, pow_id, Permission.POW_WRITE)
    if record.status != PowStatus.INTERNED:
        raise Conflict(N_("Only an interned prisoner can be transferred."))
    custody.require_allowed(session, record.person_id, CustodyAct.TRANSFER)
    safeguards.refuse_party_left(session, record.person_id, data.receiving_force_id)
    place = _place(session, actor, data.to_place_id, "to_place_id")
    if place.id == record.place_id:
        raise ValidationFailed(fields={"to_place_id": N_("The prisoner is already there.")})
    if data.moved_on < record.captured_on:
        raise ValidationFailed(
            fields={"moved_on": N_("The transfer cannot be before the capture.")}
        )
    assessment = safeguards.assess(
        session, actor, record, Movement.TRANSFER, data, moved_on=data.moved_on
    )
    session.flush()
    moved = PowTransfer(
        pow_id=record.id,
        organisation_id=record.organisation_id,
        from_place_id=record.place_id,
        to_place_id=place.id,
        moved_on=data.moved_on,
        recorded_by_id=actor.user_id,
        receiving_force_id=data.receiving_force_id,
        risk_assessment_id=assessment.id,
    )
    session.add(moved)
    before = str(record.place_id) if record.place_id else None
    coming_from = record.place_id
    record.place_id = place.id
    if record.arrived_on is None:
        record.arrived_on = data.moved_on
    # Art. 70: a new card on every transfer, to a hospital included; Art. 122: a transfer to
    # a hospital is notified as an admission to hospital.
    to_hospital = place.kind == PlaceKind.HOSPITAL
    occasion = CardOccasion.HOSPITAL if to_hospital else CardOccasion.TRANSFER
    add_card(session, record, occasion, data.moved_on, coming_from_id=coming_from)
    notice = NoticeKind.HOSPITAL_ADMISSION if to_hospital else NoticeKind.TRANSFER
    add_notice(session, record, notice, data.moved_on, place.name)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.POW_TRANSFERRED,
        subject_type="pow",
        subject_id=record.id,
        organisation_id=record.organisation_id,
        changes={
            "place_id": {"before": before, "after": str(place.id)},
            **safeguards.assessment_changes(assessment),
        },
    )
    return moved


def transfers(session: Session, actor: Actor, pow_id: uuid.UUID) -> Sequence[PowTransfer]:
    record = get_record(session, actor, pow_id)
    return repository.transfers_of(session, record.id)


def risk_assessments(session: Session, actor: Actor, pow_id: uuid.UUID) -> Sequence[RiskAssessment]:
    record = get_record(session, actor, pow_id)
    return repository.assessments_of(session, record.id)


# --- capture cards --------------------------------------------------------------------------


def cards(session: Session, actor: Actor, pow_id: uuid.UUID) -> Sequence[CaptureCard]:
    record = get_record(session, actor, pow_id)
    return repository.cards_of(session, record.id)


def get_card(
    session: Session, actor: Actor, card_id: uuid.UUID, permission: Permission = Permission.POW_READ
) -> CaptureCard:
    return repository.Cards(session).get_for(actor, card_id, permission)


def mark_card_sent(
    session: Session, actor: Actor, card_id: uuid.UUID, data: CardSentIn
) -> CaptureCard:
    card = get_card(session, actor, card_id, Permission.POW_WRITE)
    if card.sent_on is not None:
        raise Conflict(N_("This card has already been sent."))
    if data.sent_on < card.occasion_on:
        raise ValidationFailed(fields={"sent_on": N_("A card cannot be sent before its occasion.")})
    card.sent_on = data.sent_on
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.POW_CARD_SENT,
        subject_type="pow_card",
        subject_id=card.id,
        organisation_id=card.organisation_id,
        changes={"sent_on": {"before": None, "after": data.sent_on.isoformat()}},
    )
    # The card goes to the tracing agency (Art. 70): logged, never refused (docs/disclosures.md).
    record = repository.Records(session).get(card.pow_id)
    record_convention_disclosure(
        session,
        actor,
        kind=DisclosureKind.NOTICE,
        source="pow_capture_card",
        article="70",
        fields=CARD_FIELDS,
        person_ids=[record.person_id] if record is not None else [],
        fmt="card",
        content=None,
        reference=str(card.id),
        organisation_id=card.organisation_id,
    )
    return card
