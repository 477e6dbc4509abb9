"""The programme's time: its time zone, its "today", and times as people read them.

Haven stores every instant in UTC (`haven.db.types.UTCDateTime`) and every calendar date
(a reception, a capture, a due day) as the date where the programme works. The programme's
time zone is a setting (`HAVEN_TIME_ZONE`, default `Asia/Yangon`: UTC+06:30, no daylight
saving). Nothing shown to a person is in UTC: a deadline such as the 48-hour child
handover is shown in the programme's zone with its offset ("2026-11-03 14:30 +06:30").

The zone is the settings' (`haven.config.get_settings`), or, inside `in_zone` (the web
application sets it per request from the application's own settings; a test sets it to
another zone), the one given there.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from haven.config import get_settings
from haven.db.types import utcnow

DEFAULT_ZONE = "Asia/Yangon"

_zone: ContextVar[ZoneInfo | None] = ContextVar("programme_zone", default=None)


@lru_cache(maxsize=16)
def zone_named(name: str) -> ZoneInfo:
    """The IANA zone `name` ("Asia/Yangon"); ValueError for a name that is not one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"not an IANA time zone: {name!r}") from error


def programme_zone() -> ZoneInfo:
    """The zone in which the programme's dates and times are read and shown."""
    return _zone.get() or zone_named(get_settings().time_zone)


def zone_name() -> str:
    return programme_zone().key


@contextmanager
def in_zone(zone: str | ZoneInfo) -> Iterator[ZoneInfo]:
    """Within the block, the programme's zone is `zone`."""
    chosen = zone if isinstance(zone, ZoneInfo) else zone_named(zone)
    token = _zone.set(chosen)
    try:
        yield chosen
    finally:
        _zone.reset(token)


def local_time(instant: datetime) -> datetime:
    """`instant` (timezone-aware) in the programme's zone."""
    if instant.tzinfo is None:
        raise ValueError("a naive datetime has no defined local time")
    return instant.astimezone(programme_zone())


def local_today(now: datetime | None = None) -> date:
    """The calendar date where the programme works, at the instant `now` (default: now).

    Never the server's local date and never the UTC date (in Myanmar the UTC date lags by a
    day between 17:30 and 24:00 UTC)."""
    return local_time(now or utcnow()).date()


def start_of_day(day: date) -> datetime:
    """Midnight at the start of `day` in the programme's zone (an aware datetime)."""
    return datetime.combine(day, time(0), tzinfo=programme_zone())


def offset_text(instant: datetime) -> str:
    """The UTC offset of the programme's zone at `instant`: "+06:30"."""
    offset = local_time(instant).strftime("%z")
    return f"{offset[:3]}:{offset[3:]}"


def format_local(instant: datetime | None, empty: str = "—") -> str:
    """An instant as people read it: "2026-11-03 14:30 +06:30" in the programme's zone."""
    if instant is None:
        return empty
    return f"{local_time(instant):%Y-%m-%d %H:%M} {offset_text(instant)}"


def format_local_date(instant: datetime | None, empty: str = "—") -> str:
    """The calendar date of an instant in the programme's zone: "2026-11-03"."""
    if instant is None:
        return empty
    return local_time(instant).date().isoformat()
