"""Capture-card and medical-inspection deadlines around their boundaries, in Myanmar time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import Session

from haven.kernel import clock
from haven.pow import board, care, deadlines, service
from haven.pow.schemas import CardSentIn, InspectionIn, TransferIn
from tests.pow.conftest import ASSESSED, Setting, place, register


def test_today_is_the_date_in_myanmar_not_utc() -> None:
    # 17:29 UTC is 23:59 in Yangon; 17:30 UTC is already the next day there.
    assert deadlines.local_today(datetime(2026, 11, 8, 17, 29, tzinfo=UTC)) == date(2026, 11, 8)
    assert deadlines.local_today(datetime(2026, 11, 8, 17, 30, tzinfo=UTC)) == date(2026, 11, 9)
    bangkok = timezone(timedelta(hours=7))
    assert deadlines.local_today(datetime(2026, 11, 9, 0, 15, tzinfo=bangkok)) == date(2026, 11, 8)
    with pytest.raises(ValueError, match="naive"):
        deadlines.local_today(datetime(2026, 11, 8, 12, 0))  # noqa: DTZ001 - refused on purpose


@pytest.mark.parametrize(
    ("today", "overdue"),
    [
        (date(2026, 11, 1), False),  # day 0: the capture
        (date(2026, 11, 7), False),  # day 6
        (date(2026, 11, 8), False),  # day 7: the last day on time
        (date(2026, 11, 9), True),  # day 8: overdue
    ],
)
def test_card_due_seven_days_after_capture(today: date, overdue: bool) -> None:
    due = deadlines.card_due_on(date(2026, 11, 1))
    assert due == date(2026, 11, 8)
    assert deadlines.card_overdue(due, None, today) is overdue
    assert deadlines.card_overdue(due, date(2026, 11, 9), today) is False  # sent (late) is sent


@pytest.mark.parametrize(
    ("last", "today", "overdue"),
    [
        (date(2026, 1, 31), date(2026, 2, 28), False),  # one month later, clamped
        (date(2026, 1, 31), date(2026, 3, 1), True),
        (date(2026, 11, 15), date(2026, 12, 15), False),
        (date(2026, 11, 15), date(2026, 12, 16), True),
        (date(2026, 12, 10), date(2027, 1, 11), True),  # across the year
    ],
)
def test_monthly_inspection_boundary(last: date, today: date, overdue: bool) -> None:
    assert deadlines.inspection_overdue(last, date(2025, 1, 1), today) is overdue


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def test_board_on_day_seven_and_eight_at_the_utc_edge(db: Session, setting: Setting) -> None:
    record = register(db, setting, captured_on=date(2026, 11, 1))
    # 8 November 17:29 UTC = 23:59 on day 7 in Myanmar: still due.
    on_time = board.board(db, setting.officer, now=_at(date(2026, 11, 8), 17, 29))
    assert [c.pow_id for c in on_time.cards_due] == [record.id]
    assert on_time.cards_overdue == []
    # One minute later it is day 8 in Myanmar (still 8 November in UTC): overdue.
    late = board.board(db, setting.officer, now=_at(date(2026, 11, 8), 17, 30))
    assert [c.pow_id for c in late.cards_overdue] == [record.id]
    assert late.cards_due == []


def test_transfer_restarts_the_seven_days(db: Session, setting: Setting) -> None:
    one, two = place(db, setting), place(db, setting, "Camp Two")
    record = register(db, setting, captured_on=date(2026, 11, 1), at=one)
    before = board.board(db, setting.officer, now=_at(date(2026, 11, 9), 3))
    assert [c.occasion for c in before.cards_overdue] == ["capture"]
    service.transfer(
        db,
        setting.officer,
        record.id,
        TransferIn(to_place_id=two.id, moved_on=date(2026, 11, 9), **ASSESSED),  # type: ignore[arg-type]
    )
    day7 = board.board(db, setting.officer, now=_at(date(2026, 11, 16), 3))
    assert [(c.occasion, c.due_on) for c in day7.cards_due] == [("transfer", date(2026, 11, 16))]
    assert day7.cards_overdue == []
    day8 = board.board(db, setting.officer, now=_at(date(2026, 11, 17), 3))
    assert [c.occasion for c in day8.cards_overdue] == ["transfer"]
    card = day8.cards_overdue[0]
    service.mark_card_sent(db, setting.officer, card.id, CardSentIn(sent_on=date(2026, 11, 17)))
    sent = board.board(db, setting.officer, now=_at(date(2026, 11, 17), 3))
    assert sent.cards_overdue == []
    assert [c.id for c in sent.cards_sent] == [card.id]


def test_board_lists_overdue_inspections_and_pending_notices(db: Session, setting: Setting) -> None:
    record = register(db, setting, captured_on=date(2026, 10, 1))
    early = board.board(db, setting.officer, now=_at(date(2026, 11, 1), 3))
    assert early.inspections_overdue == []
    late = board.board(db, setting.officer, now=_at(date(2026, 11, 2), 3))
    assert [e.record.id for e in late.inspections_overdue] == [record.id]
    care.record_inspection(
        db, setting.officer, record.id, InspectionIn(inspected_on=date(2026, 11, 2))
    )
    after = board.board(db, setting.officer, now=_at(date(2026, 11, 2), 3))
    assert after.inspections_overdue == []
    assert [n.kind for n in after.notices_pending] == ["capture"]


def test_the_board_reads_today_in_the_configured_zone(db: Session, setting: Setting) -> None:
    record = register(db, setting, captured_on=date(2026, 11, 1))
    # 8 November 20:00 UTC: 02:30 on day 8 in Yangon (overdue), 20:00 on day 7 in London.
    at = _at(date(2026, 11, 8), 20)
    assert [c.pow_id for c in board.board(db, setting.officer, now=at).cards_overdue] == [record.id]
    with clock.in_zone("Europe/London"):
        london = board.board(db, setting.officer, now=at)
    assert london.today == date(2026, 11, 8)
    assert [c.pow_id for c in london.cards_due] == [record.id]


def test_the_database_s_overdue_cut_off_is_the_monthly_rule_exactly() -> None:
    """`latest_overdue_since` lets the board select the overdue with one comparison: for every
    day of four years (leap days and month ends included) and every last inspection up to 40
    days before it, "on or before the cut-off" is exactly `inspection_overdue`."""
    start = date(2027, 1, 1)
    for offset in range(4 * 366):
        today = start + timedelta(days=offset)
        since = deadlines.latest_overdue_since(today)
        for back in range(41):
            last = today - timedelta(days=back)
            assert (last <= since) == deadlines.inspection_overdue(last, last, today), (today, last)
