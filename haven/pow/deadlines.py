"""The registry's deadlines as pure functions of dates.

Dates in the registry (capture, arrival, transfer, inspection) are calendar dates where the
prisoners are held: the programme's time zone (`HAVEN_TIME_ZONE`, default `Asia/Yangon`,
UTC+06:30, no daylight saving; `haven.kernel.clock`). "Today" is therefore the date in that
zone of the current UTC instant, never the server's local date and never the UTC date (which
in Myanmar lags by a day between 17:30 and 24:00 UTC).

- Capture card (Art. 70): at most one week after capture or arrival at a camp, and again
  after a transfer (to a hospital included), an admission to hospital or a serious illness:
  due on the occasion's date + 7 days; still on time on that day, overdue from the next.
- Medical inspection (Art. 31): at least once a month: overdue the day after one calendar
  month has passed since the last inspection (or since capture, when there was none).
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

from haven.kernel import clock

CARD_WITHIN = timedelta(days=7)


def local_today(now: datetime | None = None) -> date:
    """The calendar date in the programme's zone at the UTC instant `now` (timezone-aware)."""
    return clock.local_today(now)


def card_due_on(occasion_on: date) -> date:
    return occasion_on + CARD_WITHIN


def card_overdue(due_on: date, sent_on: date | None, today: date) -> bool:
    """Overdue when unsent after the due day; a card sent late is not "overdue" any more."""
    return sent_on is None and today > due_on


def add_month(day: date) -> date:
    """The same day one calendar month later (31 January → 28/29 February)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def inspection_due_on(last_inspected_on: date | None, captured_on: date) -> date:
    return add_month(last_inspected_on or captured_on)


def inspection_overdue(last_inspected_on: date | None, captured_on: date, today: date) -> bool:
    return today > inspection_due_on(last_inspected_on, captured_on)


def latest_overdue_since(today: date) -> date:
    """The latest day a prisoner may have been last inspected (or captured, if never
    inspected) and be overdue today: `inspection_overdue` is true exactly for the days up to
    this one (`add_month` never goes back), so the database can select the overdue with one
    comparison instead of every interned prisoner being checked here."""
    for days in range(27, 33):  # a month back is 28 to 31 days
        day = today - timedelta(days=days)
        if today > add_month(day):
            return day
    raise AssertionError("a month is never longer than 31 days")  # pragma: no cover
