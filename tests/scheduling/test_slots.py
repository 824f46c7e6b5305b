"""The pure slot engine: wall time to UTC across DST, and which starts are free."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from confide.scheduling.slots import (
    STEP_MINUTES,
    Availability,
    earliest_start,
    free_starts,
    is_free_start,
)
from confide.scheduling.timegrid import (
    from_minute,
    to_minute,
    wall_to_minute,
    working_windows,
)

NY, LONDON = "America/New_York", "Europe/London"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def m(*args: int) -> int:
    return to_minute(utc(*args))


def windows(hours: list[tuple[int, int, int]], zone: str, day: date) -> list[tuple[datetime, ...]]:
    return [(from_minute(s), from_minute(e)) for s, e in working_windows(hours, zone, day, day)]


def h(hh: int, mm: int = 0) -> int:
    return hh * 60 + mm


# --- wall time to UTC --------------------------------------------------------------------------

SPRING_NY = date(2026, 3, 8)  # 02:00 EST jumps to 03:00 EDT
FALL_NY = date(2026, 11, 1)  # 02:00 EDT falls back to 01:00 EST
SPRING_LONDON = date(2026, 3, 29)  # 01:00 GMT jumps to 02:00 BST
FALL_LONDON = date(2026, 10, 25)  # 02:00 BST falls back to 01:00 GMT


@pytest.mark.parametrize(
    ("wall", "expected"),
    [
        (h(1, 30), utc(2026, 3, 8, 6, 30)),  # before the jump: EST
        (h(2), utc(2026, 3, 8, 7)),  # does not exist: the moment clocks jump (03:00 EDT)
        (h(2, 30), utc(2026, 3, 8, 7)),
        (h(3), utc(2026, 3, 8, 7)),  # after: EDT
        (h(3, 30), utc(2026, 3, 8, 7, 30)),
    ],
)
def test_new_york_spring_forward_wall_times(wall: int, expected: datetime) -> None:
    assert from_minute(wall_to_minute(SPRING_NY, wall, NY)) == expected


@pytest.mark.parametrize(
    ("wall", "earlier", "later"),
    [
        (h(0, 30), utc(2026, 11, 1, 4, 30), utc(2026, 11, 1, 4, 30)),
        (h(1), utc(2026, 11, 1, 5), utc(2026, 11, 1, 6)),  # happens twice
        (h(1, 30), utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 6, 30)),
        (h(2), utc(2026, 11, 1, 7), utc(2026, 11, 1, 7)),
        (h(2, 30), utc(2026, 11, 1, 7, 30), utc(2026, 11, 1, 7, 30)),
    ],
)
def test_new_york_fall_back_wall_times(wall: int, earlier: datetime, later: datetime) -> None:
    assert from_minute(wall_to_minute(FALL_NY, wall, NY)) == earlier
    assert from_minute(wall_to_minute(FALL_NY, wall, NY, later=True)) == later


def test_windows_across_new_york_spring_forward_lose_an_hour() -> None:
    sunday = SPRING_NY.weekday()
    assert windows([(sunday, h(1), h(4))], NY, SPRING_NY) == [
        (utc(2026, 3, 8, 6), utc(2026, 3, 8, 8))
    ]
    # starting inside the skipped hour: work starts when the clocks reach 03:00
    assert windows([(sunday, h(2), h(5))], NY, SPRING_NY) == [
        (utc(2026, 3, 8, 7), utc(2026, 3, 8, 9))
    ]
    # ending inside it: work ends at the jump
    assert windows([(sunday, h(0), h(2, 30))], NY, SPRING_NY) == [
        (utc(2026, 3, 8, 5), utc(2026, 3, 8, 7))
    ]


def test_windows_across_new_york_fall_back_gain_an_hour() -> None:
    sunday = FALL_NY.weekday()
    assert windows([(sunday, h(0), h(3))], NY, FALL_NY) == [
        (utc(2026, 11, 1, 4), utc(2026, 11, 1, 8))
    ]
    # 01:30-02:30: the clock reads 01:30-01:59 EDT, then 01:00-01:29 EST (outside the hours),
    # then 01:30 EST to 02:30: two stretches
    assert windows([(sunday, h(1, 30), h(2, 30))], NY, FALL_NY) == [
        (utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 6)),
        (utc(2026, 11, 1, 6, 30), utc(2026, 11, 1, 7, 30)),
    ]
    # a window ending at 01:00 ends the first time the clock reads 01:00
    assert windows([(sunday, h(0), h(1))], NY, FALL_NY) == [
        (utc(2026, 11, 1, 4), utc(2026, 11, 1, 5))
    ]


def test_windows_across_london_changes() -> None:
    sunday = 6
    assert windows([(sunday, h(0, 30), h(3))], LONDON, SPRING_LONDON) == [
        (utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 2))
    ]
    assert windows([(sunday, h(1, 30), h(2, 30))], LONDON, SPRING_LONDON) == [
        (utc(2026, 3, 29, 1), utc(2026, 3, 29, 1, 30))
    ]
    assert windows([(sunday, h(0), h(3))], LONDON, FALL_LONDON) == [
        (utc(2026, 10, 24, 23), utc(2026, 10, 25, 3))
    ]


def test_phoenix_keeps_the_same_utc_hours_all_year() -> None:
    winter, summer = date(2026, 1, 14), date(2026, 7, 15)
    for day in (winter, summer):
        ((start, end),) = windows([(2, h(9), h(17))], "America/Phoenix", day)
        assert (start.hour, end.hour) == (16, 0)
    ((ny_summer, _),) = windows([(2, h(9), h(17))], NY, summer)
    assert ny_summer.hour == 13


def test_touching_windows_join_even_across_midnight() -> None:
    day = date(2026, 12, 7)  # a Monday
    joined = working_windows(
        [(0, h(9), h(12)), (0, h(12), h(17)), (0, h(20), h(24)), (1, h(0), h(2))],
        NY,
        day,
        day + timedelta(days=1),
    )
    assert [(from_minute(s), from_minute(e)) for s, e in joined] == [
        (utc(2026, 12, 7, 14), utc(2026, 12, 7, 22)),
        (utc(2026, 12, 8, 1), utc(2026, 12, 8, 7)),
    ]


# --- free starts ----------------------------------------------------------------------------------


def availability(**kw: object) -> Availability:
    base: dict[str, object] = {
        "zone": NY,
        "weekly_hours": tuple((d, h(9), h(17)) for d in range(5)),
        "buffer_minutes": 10,
        "minimum_notice_hours": 24,
        "booking_horizon_days": 30,
    }
    base.update(kw)
    return Availability(**base)  # type: ignore[arg-type]


MONDAY = utc(2026, 12, 7, 14)  # 09:00 in New York
NOW = m(2026, 12, 4, 12)  # the Friday before


def test_starts_are_on_the_half_hour_and_sessions_end_within_hours() -> None:
    starts = free_starts(availability(), 60, NOW, to_minute(MONDAY), to_minute(MONDAY) + 24 * 60)
    local = [from_minute(s).astimezone(ZoneInfo(NY)) for s in starts]
    assert local[0].hour == 9
    assert local[0].minute == 0
    assert local[-1].hour == 16
    assert local[-1].minute == 0
    assert all(s % STEP_MINUTES == 0 for s in starts)
    assert len(starts) == 15


def test_overlapping_starts_of_different_lengths_and_buffers() -> None:
    booked = (to_minute(MONDAY) + 60, to_minute(MONDAY) + 60 + 80 + 10)  # 10:00-11:20, +10
    av = availability(busy=(booked,))
    day = (to_minute(MONDAY), to_minute(MONDAY) + 8 * 60)
    intake = free_starts(av, 60, NOW, *day)
    couples = free_starts(av, 80, NOW, *day)
    local = lambda xs: [f"{from_minute(x).astimezone(ZoneInfo(NY)):%H:%M}" for x in xs]  # noqa: E731
    # 09:00 + 60 + 10 buffer runs into 10:00; 11:30 is the first start after 11:20 + 10
    assert local(intake)[:2] == ["11:30", "12:00"]
    assert "09:00" not in local(intake)
    # an 80-minute session from 15:30 would end after 17:00
    assert local(couples)[-1] == "15:30"
    assert local(intake)[-1] == "16:00"
    # listed starts of one length overlap each other: the therapist picks one
    assert "12:00" in local(couples)
    assert "12:30" in local(couples)


def test_time_off_external_busy_notice_and_horizon() -> None:
    monday = date(2026, 12, 7)
    av = availability(days_off=frozenset({monday}))
    assert not free_starts(av, 60, NOW, to_minute(MONDAY), to_minute(MONDAY) + 8 * 60)
    av = availability(busy=((to_minute(MONDAY), to_minute(MONDAY) + 3 * 60),))
    assert from_minute(
        free_starts(av, 60, NOW, to_minute(MONDAY), to_minute(MONDAY) + 600)[0]
    ) == MONDAY + timedelta(hours=3)
    # 24 h notice from Monday 09:10: Monday is out, Tuesday 09:30 is the first
    now = to_minute(MONDAY) + 10
    first = earliest_start(availability(), 60, now, 14)
    assert first is not None
    assert from_minute(first) == MONDAY + timedelta(days=1, minutes=30)
    # a 4-day horizon from Friday noon UTC ends Tuesday 07:00 in New York, before opening
    short = availability(booking_horizon_days=4)
    starts = free_starts(short, 60, NOW, NOW, NOW + 10 * 24 * 60)
    assert from_minute(starts[0]) == MONDAY
    assert from_minute(starts[-1]) == MONDAY + timedelta(hours=7)


def test_notice_on_a_dst_day_counts_real_hours() -> None:
    # Saturday 09:15 EST; 24 real hours later it is 10:15 EDT on Sunday, not 09:15
    av = availability(weekly_hours=((6, h(9), h(17)),), minimum_notice_hours=24)
    now = m(2026, 3, 7, 14, 15)
    first = earliest_start(av, 60, now, 7)
    assert first is not None
    assert from_minute(first) == utc(2026, 3, 8, 14, 30)
    assert from_minute(first).astimezone(ZoneInfo(NY)).hour == 10


@pytest.mark.parametrize(
    ("zone", "day", "expected_local"),
    [
        (NY, SPRING_NY, ["01:00", "01:30", "03:00", "03:30"]),
        (NY, FALL_NY, ["00:00", "00:30", "01:00", "01:30", "01:00", "01:30", "02:00", "02:30"]),
        (LONDON, SPRING_LONDON, ["00:00", "00:30", "02:00", "02:30"]),
        (
            LONDON,
            FALL_LONDON,
            ["00:00", "00:30", "01:00", "01:30", "01:00", "01:30", "02:00", "02:30"],
        ),
    ],
)
def test_slots_skip_missing_times_and_list_repeated_ones_twice(
    zone: str, day: date, expected_local: list[str]
) -> None:
    hours = (
        (day.weekday(), h(0) if day != SPRING_NY else h(1), h(4) if day == SPRING_NY else h(3)),
    )
    av = Availability(zone=zone, weekly_hours=hours, buffer_minutes=0, minimum_notice_hours=0)
    now = m(day.year, day.month, day.day) - 3 * 24 * 60
    start = wall_to_minute(day, 0, zone)
    starts = free_starts(av, 30, now, start, start + 24 * 60)
    assert [f"{from_minute(s).astimezone(ZoneInfo(zone)):%H:%M}" for s in starts] == expected_local
    assert len(set(starts)) == len(starts)


def test_is_free_start_agrees_with_the_list() -> None:
    av = availability(busy=((to_minute(MONDAY) + 90, to_minute(MONDAY) + 150),))
    day = (to_minute(MONDAY) - 600, to_minute(MONDAY) + 900)
    listed = set(free_starts(av, 53, NOW, *day))
    for t in range(day[0], day[1], 15):
        assert is_free_start(av, 53, NOW, t) == (t in listed)


# --- the property: listed starts are exactly the starts a minute-by-minute check allows ---------

ZONES = [
    NY,
    LONDON,
    "America/Phoenix",
    "America/Chicago",
    "Australia/Adelaide",
    "Asia/Kolkata",
    "America/Los_Angeles",
]


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Availability, int, int, int, int]:
    zone = draw(st.sampled_from(ZONES))
    hours = []
    for weekday in draw(st.sets(st.integers(0, 6), min_size=3)):
        for _ in range(draw(st.integers(1, 2))):
            start = draw(st.integers(0, 90)) * 15
            end = min(96, start // 15 + draw(st.integers(2, 48))) * 15
            hours.append((weekday, start, end))
    # around a DST change in March, October or November, or an ordinary week
    anchor = draw(
        st.sampled_from(
            [m(2026, 3, 6), m(2026, 3, 27), m(2026, 10, 23), m(2026, 10, 30), m(2026, 12, 2)]
        )
    )
    now = anchor + draw(st.integers(0, 48 * 60))
    busy = []
    for _ in range(draw(st.integers(0, 5))):
        s = now + draw(st.integers(-600, 6 * 24 * 60))
        busy.append((s, s + draw(st.integers(5, 300))))
    first_day = from_minute(now).astimezone(ZoneInfo(zone)).date()
    days_off = frozenset(
        first_day + timedelta(days=d) for d in draw(st.sets(st.integers(0, 6), max_size=2))
    )
    av = Availability(
        zone=zone,
        weekly_hours=tuple(hours),
        buffer_minutes=draw(st.sampled_from([0, 10, 15])),
        minimum_notice_hours=draw(st.sampled_from([0, 2, 12, 24])),
        booking_horizon_days=draw(st.integers(2, 6)),
        days_off=days_off,
        busy=tuple(sorted(busy)),
    )
    duration = draw(st.sampled_from([30, 45, 53, 60, 80]))
    start = now + draw(st.sampled_from([-120, 0, 600, 1440, 2000]))
    length = draw(st.sampled_from([1, 2, 3, 4])) * 1440 + draw(st.integers(0, 1439))
    return av, duration, now, start, start + length


def _reference_free(av: Availability, duration: int, now: int, t: int) -> bool:
    tz = ZoneInfo(av.zone)
    if t < now + av.minimum_notice_hours * 60 or t >= now + av.booking_horizon_days * 1440:
        return False
    for minute in range(t, t + duration):
        local = from_minute(minute).astimezone(tz)
        if local.date() in av.days_off:
            return False
        of_day = local.hour * 60 + local.minute
        if not any(d == local.weekday() and s <= of_day < e for d, s, e in av.weekly_hours):
            return False
    reach = t + duration + av.buffer_minutes
    return not any(bs < reach and t < be for bs, be in av.busy)


@settings(max_examples=400, deadline=None)
@given(scenarios())
def test_listed_starts_equal_a_minute_by_minute_reference(
    scenario: tuple[Availability, int, int, int, int],
) -> None:
    av, duration, now, start, end = scenario
    listed = free_starts(av, duration, now, start, end)
    first = -(-start // STEP_MINUTES) * STEP_MINUTES
    expected = [t for t in range(first, end, STEP_MINUTES) if _reference_free(av, duration, now, t)]
    assert listed == expected
