"""The compliance board: every deadline of the registry at a glance."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from haven.pow import deadlines, repository
from haven.pow.models import CaptureCard, IcrcVisit, PowNotice, PowPlace, PowRecord
from haven.security.permissions import Actor, Permission, require

INSPECTIONS_SHOWN = 100  # the most overdue inspections the board names (with the total)


@dataclass(frozen=True)
class InspectionDue:
    record: PowRecord
    last_inspected_on: date | None
    due_on: date


@dataclass(frozen=True)
class PlaceVisits:
    place: PowPlace
    last_visit: IcrcVisit | None


@dataclass
class Board:
    today: date
    cards_due: list[CaptureCard] = field(default_factory=list)
    cards_overdue: list[CaptureCard] = field(default_factory=list)
    cards_sent: list[CaptureCard] = field(default_factory=list)
    # The most overdue inspections (at most `INSPECTIONS_SHOWN`, most overdue first) and
    # how many are overdue in all.
    inspections_overdue: list[InspectionDue] = field(default_factory=list)
    inspections_overdue_count: int = 0
    notices_pending: list[PowNotice] = field(default_factory=list)
    places: list[PlaceVisits] = field(default_factory=list)
    records: dict[uuid.UUID, PowRecord] = field(default_factory=dict)


def board(session: Session, actor: Actor, *, now: datetime | None = None) -> Board:
    """Cards due, overdue and sent; inspections overdue; ICRC visits by place; notices
    waiting to be sent. "Today" is the date in Myanmar (see `deadlines`)."""
    require(actor, Permission.POW_READ)
    today = deadlines.local_today(now)
    result = Board(today=today)
    cards = repository.board_cards(session, actor)
    # Only the records the cards name (not the organisation's first 5,000).
    result.records = repository.records_by_id(session, [card.pow_id for card in cards])
    for card in cards:
        if card.sent_on is not None:
            result.cards_sent.append(card)
        elif deadlines.card_overdue(card.due_on, card.sent_on, today):
            result.cards_overdue.append(card)
        else:
            result.cards_due.append(card)
    result.cards_sent.sort(key=lambda c: c.sent_on or today, reverse=True)
    # The most overdue inspections, selected and counted by the database (no record loaded
    # but the ones the board names).
    overdue, result.inspections_overdue_count = repository.overdue_inspections(
        session,
        actor,
        since=deadlines.latest_overdue_since(today),
        limit=INSPECTIONS_SHOWN,
    )
    named = repository.records_by_id(session, [record_id for record_id, _on, _last in overdue])
    result.inspections_overdue = [
        InspectionDue(
            record=named[record_id],
            last_inspected_on=previous,
            due_on=deadlines.inspection_due_on(previous, captured_on),
        )
        for record_id, captured_on, previous in overdue
        if record_id in named
    ]
    result.notices_pending = list(repository.pending_notices(session, actor))
    visits = repository.visits(session, actor, limit=1000)
    for place in repository.places(session, actor):
        latest = next((v for v in visits if v.place_id == place.id), None)
        result.places.append(PlaceVisits(place=place, last_visit=latest))
    return result
