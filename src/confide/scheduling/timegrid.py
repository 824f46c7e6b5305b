"""Local wall time to UTC, day by day: the one place Confide turns weekly hours into instants.

Instants are whole minutes since the Unix epoch (UTC), which keeps the slot engine in integer
arithmetic. A working window holds exactly the instants at which the local clock reads a time
inside it: the hour skipped when clocks spring forward has none, and the hour repeated when
they fall back counts each time the clock shows it. A single wall time (a day's start, say)
that does not exist resolves to the moment the clocks jump; one that happens twice resolves to
the earlier instant unless the later one is asked for.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from confide.scheduling.intervals import merge_intervals

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MINUTES_PER_DAY = 24 * 60


def to_minute(instant: datetime) -> int:
    """Whole minutes since the epoch; seconds are dropped (slots start on whole minutes)."""
    if instant.tzinfo is None:
        raise ValueError(f"naive datetime {instant!r}: instants must carry a time zone")
    return int((instant - EPOCH).total_seconds() // 60)


def to_minute_ceil(instant: datetime) -> int:
    """Whole minutes since the epoch, rounded up: an end that keeps its last partial minute."""
    whole = to_minute(instant)
    return whole if from_minute(whole) == instant else whole + 1


def from_minute(minute: int) -> datetime:
    return EPOCH + timedelta(minutes=minute)


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@cache
def _plain_offset(zone_name: str, day: date) -> int | None:
    """The zone's UTC offset in minutes all through `day`, or None when it changes that day."""
    tz = zone(zone_name)
    start = datetime.combine(day, time(0), tzinfo=tz).utcoffset()
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).utcoffset()
    if start is None or end is None or start != end:
        return None
    # US and most zones change at night, so equal offsets at both midnights mean no change that
    # day; a zone that changed and changed back within one day does not exist in tzdata today.
    return int(start.total_seconds() // 60)


def wall_to_minute(day: date, minute_of_day: int, zone_name: str, *, later: bool = False) -> int:
    """The instant a local wall time names; `later` picks the second of a repeated time."""
    offset = _plain_offset(zone_name, day)
    if offset is not None:
        return to_minute(datetime.combine(day, time(0), tzinfo=UTC)) + minute_of_day - offset
    tz = zone(zone_name)
    wall = datetime.combine(day, time(0)) + timedelta(minutes=minute_of_day)
    first = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    second = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    exists_first = first.astimezone(tz).replace(tzinfo=None) == wall
    exists_second = second.astimezone(tz).replace(tzinfo=None) == wall
    if exists_first and exists_second:
        return to_minute(max(first, second) if later else min(first, second))
    if exists_first or exists_second:
        return to_minute(first if exists_first else second)
    return _jump_instant(tz, wall, min(first, second), max(first, second))


def _jump_instant(tz: ZoneInfo, wall: datetime, low: datetime, high: datetime) -> int:
    """For a skipped wall time: the first instant whose local time is at or after it."""
    lo, hi = to_minute(low), to_minute(high)
    while lo < hi:
        mid = (lo + hi) // 2
        if from_minute(mid).astimezone(tz).replace(tzinfo=None) >= wall:
            hi = mid
        else:
            lo = mid + 1
    return lo


@cache
def _change(zone_name: str, day: date) -> tuple[int, int, int]:
    """Offsets (minutes east) before and after the day's clock change, and its instant."""
    tz = zone(zone_name)
    midnight = datetime.combine(day, time(0), tzinfo=tz)
    low = to_minute(midnight)
    high = to_minute(datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz))
    before = _offset(tz, low)
    while low < high:  # the first minute with the new offset
        mid = (low + high) // 2
        if _offset(tz, mid) == before:
            low = mid + 1
        else:
            high = mid
    return before, _offset(tz, low), low


def _offset(tz: ZoneInfo, minute: int) -> int:
    offset = from_minute(minute).astimezone(tz).utcoffset()
    assert offset is not None
    return int(offset.total_seconds() // 60)


def wall_window(day: date, start: int, end: int, zone_name: str) -> list[tuple[int, int]]:
    """The instants on `day` whose local clock reads from `start` up to `end` (minutes).

    On a day the clocks change that is one or two stretches: skipped wall times have no
    instants, and a repeated hour is counted each time the clock shows it.
    """
    midnight = to_minute(datetime.combine(day, time(0), tzinfo=UTC))
    plain = _plain_offset(zone_name, day)
    if plain is not None:
        return [(midnight + start - plain, midnight + end - plain)]
    before, after, change = _change(zone_name, day)
    pieces = [
        (midnight + start - before, min(midnight + end - before, change)),
        (max(midnight + start - after, change), midnight + end - after),
    ]
    return [(a, b) for a, b in pieces if a < b]


def local_date(minute: int, zone_name: str) -> date:
    return from_minute(minute).astimezone(zone(zone_name)).date()


def working_windows(
    weekly_hours: Iterable[tuple[int, int, int]],
    zone_name: str,
    first_day: date,
    last_day: date,
    days_off: frozenset[date] = frozenset(),
) -> list[tuple[int, int]]:
    """Weekly hours (weekday, start, end in local minutes) as UTC windows over local days.

    Days in `days_off` are left out. Windows come back sorted, touching ones joined.
    """
    by_weekday: dict[int, list[tuple[int, int]]] = {}
    for weekday, start, end in weekly_hours:
        by_weekday.setdefault(weekday, []).append((start, end))
    windows: list[tuple[int, int]] = []
    day = first_day
    while day <= last_day:
        if day not in days_off:
            for start, end in by_weekday.get(day.weekday(), ()):
                windows.extend(wall_window(day, start, end, zone_name))
        day += timedelta(days=1)
    # touching windows (9-12 and 12-17, or 18-24 and 0-2 the next day) are one stretch of work
    return merge_intervals(windows)


def days_between(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)
