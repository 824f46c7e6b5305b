"""The free-start engine: which session starts a therapist can take. Pure: no I/O, no framework.

Starts lie on a grid of STEP_MINUTES in UTC (for US zones, :00 and :30 local). A start t is free
for a session of d minutes when
  - [t, t + d) lies inside one working window (weekly hours on a day that is not time off),
  - [t, t + d + buffer) overlaps no busy interval (appointments busy until their end plus buffer,
    unexpired holds, outside calendar events),
  - now + minimum notice <= t < now + booking horizon.
Listing slots and checking a booking both call `free_start_mask`, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from confide.scheduling.timegrid import MINUTES_PER_DAY, local_date, working_windows

STEP_MINUTES = 30

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Availability:
    """Everything about one therapist's time that decides which starts are free."""

    zone: str
    weekly_hours: tuple[tuple[int, int, int], ...]
    buffer_minutes: int = 0
    minimum_notice_hours: int = 24
    booking_horizon_days: int = 30
    days_off: frozenset[date] = frozenset()
    # [start, end) in epoch minutes, already including the buffer after each appointment
    busy: tuple[tuple[int, int], ...] = field(default=())


def grid_floor(minute: int) -> int:
    return minute - minute % STEP_MINUTES


def grid_ceil(minute: int) -> int:
    return -((-minute) // STEP_MINUTES) * STEP_MINUTES


def bookable_range(availability: Availability, now: int) -> tuple[int, int]:
    """[first, end) of the starts that minimum notice and the booking horizon allow."""
    first = grid_ceil(now + availability.minimum_notice_hours * 60)
    end = now + availability.booking_horizon_days * MINUTES_PER_DAY
    return first, end


def free_start_mask(
    availability: Availability, duration: int, now: int, base: int, ticks: int
) -> BoolArray:
    """mask[i] is True when base + i * STEP_MINUTES is a free start for a `duration` session."""
    if base % STEP_MINUTES:
        raise ValueError("base must lie on the slot grid")
    mask = np.zeros(ticks, dtype=np.bool_)
    if ticks <= 0 or duration <= 0:
        return mask
    span_end = base + ticks * STEP_MINUTES + duration
    # one local day either side: a window on the previous local date can reach into the range
    first_day = local_date(base, availability.zone) - timedelta(days=1)
    last_day = local_date(span_end, availability.zone) + timedelta(days=1)
    windows = _windows(
        availability.weekly_hours, availability.zone, first_day, last_day, availability.days_off
    )
    for start, end in windows:
        lo = -((base - start) // STEP_MINUTES)  # ceil((start - base) / step)
        hi = (end - duration - base) // STEP_MINUTES  # last start whose session ends in time
        if hi >= 0 and lo < ticks and lo <= hi:
            mask[max(lo, 0) : min(hi + 1, ticks)] = True
    reach = duration + availability.buffer_minutes
    for busy_start, busy_end in availability.busy:
        # t clashes when t < busy_end and t + reach > busy_start
        lo = (busy_start - reach - base) // STEP_MINUTES + 1
        hi = -((base - busy_end) // STEP_MINUTES) - 1  # last t with t < busy_end
        if hi >= 0 and lo < ticks and lo <= hi:
            mask[max(lo, 0) : min(hi + 1, ticks)] = False
    first, end = bookable_range(availability, now)
    cut_first = -((base - first) // STEP_MINUTES)
    if cut_first > 0:
        mask[: min(cut_first, ticks)] = False
    cut_end = -((base - end) // STEP_MINUTES)  # first tick at or after the horizon
    if cut_end < ticks:
        mask[max(cut_end, 0) :] = False
    return mask


@lru_cache(maxsize=8192)
def _windows(
    weekly_hours: tuple[tuple[int, int, int], ...],
    zone: str,
    first_day: date,
    last_day: date,
    days_off: frozenset[date],
) -> tuple[tuple[int, int], ...]:
    # therapists share hour patterns and zones, so a network's worth of windows is a few hundred
    return tuple(working_windows(weekly_hours, zone, first_day, last_day, days_off))


def free_starts(
    availability: Availability, duration: int, now: int, start: int, end: int
) -> list[int]:
    """Free starts in [start, end), in epoch minutes, ascending."""
    base = grid_ceil(start)
    ticks = max(0, -((base - end) // STEP_MINUTES))
    mask = free_start_mask(availability, duration, now, base, ticks)
    return [base + int(i) * STEP_MINUTES for i in np.flatnonzero(mask)]


def is_free_start(availability: Availability, duration: int, now: int, start: int) -> bool:
    """Whether `start` is one of the listed free starts."""
    if start % STEP_MINUTES:
        return False
    return bool(free_start_mask(availability, duration, now, start, 1)[0])


def earliest_start(
    availability: Availability, duration: int, now: int, horizon_days: int
) -> int | None:
    """The first free start within `horizon_days` of now, or None."""
    starts = free_starts(availability, duration, now, now, now + horizon_days * MINUTES_PER_DAY)
    return starts[0] if starts else None
