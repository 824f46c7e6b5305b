"""Busy times from a therapist's own .ics: recurrence, time zones, all-day events, bad files."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from confide.errors import InvalidInput
from confide.interop.icalendar import BusyTime, busy_times_from_ics

NEW_YORK_VTIMEZONE = """BEGIN:VTIMEZONE
TZID:America/New_York
BEGIN:DAYLIGHT
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
TZNAME:EDT
DTSTART:19700308T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
TZNAME:EST
DTSTART:19701101T020000
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
END:STANDARD
END:VTIMEZONE
"""


def ics(*events: str, header: str = "") -> bytes:
    """A calendar file with CRLF line endings, as calendar programs write them."""
    body = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Test//Therapist calendar//EN\n" + header
    for event in events:
        body += "BEGIN:VEVENT\nDTSTAMP:20260101T000000Z\n" + event.strip() + "\nEND:VEVENT\n"
    body += "END:VCALENDAR\n"
    return body.replace("\n", "\r\n").encode()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def spans(busy: list[BusyTime]) -> list[tuple[datetime, datetime]]:
    return [(b.start_at, b.end_at) for b in busy]


WEEKLY_NINE_NEW_YORK = """
UID:weekly-supervision@example.org
SUMMARY:Supervision
DTSTART;TZID=America/New_York:20260105T090000
DTEND;TZID=America/New_York:20260105T100000
RRULE:FREQ=WEEKLY;BYDAY=MO
"""


def test_weekly_new_york_event_follows_daylight_saving_time() -> None:
    data = ics(WEEKLY_NINE_NEW_YORK, header=NEW_YORK_VTIMEZONE)
    busy = busy_times_from_ics(
        data, utc(2026, 2, 23), utc(2026, 3, 17), default_tz="America/Los_Angeles"
    )
    # DST starts in New York on Sunday 8 March 2026.
    assert spans(busy) == [
        (utc(2026, 2, 23, 14), utc(2026, 2, 23, 15)),
        (utc(2026, 3, 2, 14), utc(2026, 3, 2, 15)),
        (utc(2026, 3, 9, 13), utc(2026, 3, 9, 14)),
        (utc(2026, 3, 16, 13), utc(2026, 3, 16, 14)),
    ]
    assert {b.source_uid for b in busy} == {"weekly-supervision@example.org"}
    assert all(b.start_at.tzinfo is UTC and b.end_at.tzinfo is UTC for b in busy)


def test_weekly_event_returns_to_winter_time_in_november() -> None:
    # Without a VTIMEZONE block the TZID is read as the IANA zone of that name.
    busy = busy_times_from_ics(
        ics(WEEKLY_NINE_NEW_YORK), utc(2026, 10, 26), utc(2026, 11, 10), default_tz="UTC"
    )
    assert spans(busy) == [
        (utc(2026, 10, 26, 13), utc(2026, 10, 26, 14)),
        (utc(2026, 11, 2, 14), utc(2026, 11, 2, 15)),
        (utc(2026, 11, 9, 14), utc(2026, 11, 9, 15)),
    ]


def test_exdate_removes_one_occurrence() -> None:
    event = WEEKLY_NINE_NEW_YORK + "EXDATE;TZID=America/New_York:20260112T090000\n"
    busy = busy_times_from_ics(ics(event), utc(2026, 1, 5), utc(2026, 1, 24), default_tz="UTC")
    assert [b.start_at for b in busy] == [utc(2026, 1, 5, 14), utc(2026, 1, 19, 14)]


def test_recurrence_id_moves_one_occurrence() -> None:
    moved = """
UID:weekly-supervision@example.org
RECURRENCE-ID;TZID=America/New_York:20260112T090000
DTSTART;TZID=America/New_York:20260113T150000
DTEND;TZID=America/New_York:20260113T163000
SUMMARY:Supervision (moved)
"""
    busy = busy_times_from_ics(
        ics(WEEKLY_NINE_NEW_YORK, moved), utc(2026, 1, 5), utc(2026, 1, 24), default_tz="UTC"
    )
    assert spans(busy) == [
        (utc(2026, 1, 5, 14), utc(2026, 1, 5, 15)),
        (utc(2026, 1, 13, 20), utc(2026, 1, 13, 21, 30)),
        (utc(2026, 1, 19, 14), utc(2026, 1, 19, 15)),
    ]


def test_cancelled_occurrence_and_cancelled_event_block_nothing() -> None:
    cancelled_once = """
UID:weekly-supervision@example.org
RECURRENCE-ID;TZID=America/New_York:20260112T090000
DTSTART;TZID=America/New_York:20260112T090000
DTEND;TZID=America/New_York:20260112T100000
STATUS:CANCELLED
"""
    cancelled_event = """
UID:called-off@example.org
DTSTART:20260114T160000Z
DTEND:20260114T170000Z
STATUS:CANCELLED
"""
    busy = busy_times_from_ics(
        ics(WEEKLY_NINE_NEW_YORK, cancelled_once, cancelled_event),
        utc(2026, 1, 5),
        utc(2026, 1, 17),
        default_tz="UTC",
    )
    assert [b.start_at for b in busy] == [utc(2026, 1, 5, 14)]


def test_free_time_marked_transparent_blocks_nothing() -> None:
    free = """
UID:reminder@example.org
DTSTART:20260106T160000Z
DTEND:20260106T170000Z
TRANSP:TRANSPARENT
"""
    opaque = """
UID:meeting@example.org
DTSTART:20260106T180000Z
DTEND:20260106T190000Z
TRANSP:OPAQUE
"""
    busy = busy_times_from_ics(
        ics(free, opaque), utc(2026, 1, 5), utc(2026, 1, 8), default_tz="UTC"
    )
    assert [b.source_uid for b in busy] == ["meeting@example.org"]


def test_all_day_event_blocks_the_whole_local_day() -> None:
    day_off = """
UID:day-off@example.org
DTSTART;VALUE=DATE:20260115
DTEND;VALUE=DATE:20260116
"""
    busy = busy_times_from_ics(
        ics(day_off), utc(2026, 1, 10), utc(2026, 1, 20), default_tz="America/Los_Angeles"
    )
    assert spans(busy) == [(utc(2026, 1, 15, 8), utc(2026, 1, 16, 8))]


def test_all_day_event_without_end_is_one_day_and_dst_day_is_23_hours() -> None:
    # 8 March 2026: New York springs forward, so the local day is 23 hours long.
    conference = """
UID:conference@example.org
DTSTART;VALUE=DATE:20260308
"""
    busy = busy_times_from_ics(
        ics(conference), utc(2026, 3, 1), utc(2026, 3, 15), default_tz="America/New_York"
    )
    assert spans(busy) == [(utc(2026, 3, 8, 5), utc(2026, 3, 9, 4))]
    assert busy[0].end_at - busy[0].start_at == timedelta(hours=23)


def test_multi_day_all_day_event_and_weekly_all_day_rule() -> None:
    holiday = """
UID:holiday@example.org
DTSTART;VALUE=DATE:20260202
DTEND;VALUE=DATE:20260204
"""
    fridays_off = """
UID:fridays@example.org
DTSTART;VALUE=DATE:20260206
DTEND;VALUE=DATE:20260207
RRULE:FREQ=WEEKLY;COUNT=2
"""
    busy = busy_times_from_ics(
        ics(holiday, fridays_off), utc(2026, 2, 1), utc(2026, 2, 28), default_tz="Asia/Kolkata"
    )
    # Kolkata is UTC+05:30: local midnight is 18:30 UTC the day before.
    assert spans(busy) == [
        (datetime(2026, 2, 1, 18, 30, tzinfo=UTC), datetime(2026, 2, 3, 18, 30, tzinfo=UTC)),
        (datetime(2026, 2, 5, 18, 30, tzinfo=UTC), datetime(2026, 2, 6, 18, 30, tzinfo=UTC)),
        (datetime(2026, 2, 12, 18, 30, tzinfo=UTC), datetime(2026, 2, 13, 18, 30, tzinfo=UTC)),
    ]


def test_floating_times_are_read_in_the_therapists_zone() -> None:
    floating = """
UID:floating@example.org
DTSTART:20260610T090000
DTEND:20260610T093000
"""
    chicago = busy_times_from_ics(
        ics(floating), utc(2026, 6, 1), utc(2026, 6, 30), default_tz="America/Chicago"
    )
    phoenix = busy_times_from_ics(
        ics(floating), utc(2026, 6, 1), utc(2026, 6, 30), default_tz="America/Phoenix"
    )
    assert spans(chicago) == [(utc(2026, 6, 10, 14), utc(2026, 6, 10, 14, 30))]
    assert spans(phoenix) == [(utc(2026, 6, 10, 16), utc(2026, 6, 10, 16, 30))]


def test_floating_weekly_rule_keeps_local_wall_time_across_dst() -> None:
    floating = """
UID:floating-weekly@example.org
DTSTART:20260302T170000
DTEND:20260302T180000
RRULE:FREQ=WEEKLY;COUNT=3
"""
    busy = busy_times_from_ics(
        ics(floating), utc(2026, 3, 1), utc(2026, 3, 31), default_tz="America/New_York"
    )
    assert [b.start_at for b in busy] == [
        utc(2026, 3, 2, 22),
        utc(2026, 3, 9, 21),
        utc(2026, 3, 16, 21),
    ]


def test_calendar_wide_zone_wins_over_the_default_for_floating_times() -> None:
    floating = """
UID:google-export@example.org
DTSTART:20260610T090000
DTEND:20260610T100000
"""
    busy = busy_times_from_ics(
        ics(floating, header="X-WR-TIMEZONE:Europe/London\n"),
        utc(2026, 6, 1),
        utc(2026, 6, 30),
        default_tz="America/Chicago",
    )
    assert spans(busy) == [(utc(2026, 6, 10, 8), utc(2026, 6, 10, 9))]


def test_outlook_zone_names_are_understood() -> None:
    outlook = """
UID:outlook@example.org
DTSTART;TZID=Eastern Standard Time:20260105T090000
DTEND;TZID=Eastern Standard Time:20260105T100000
"""
    busy = busy_times_from_ics(ics(outlook), utc(2026, 1, 1), utc(2026, 1, 10), default_tz="UTC")
    assert spans(busy) == [(utc(2026, 1, 5, 14), utc(2026, 1, 5, 15))]


def test_duration_instead_of_end_and_timed_event_without_end() -> None:
    with_duration = """
UID:duration@example.org
DTSTART:20260106T160000Z
DURATION:PT45M
"""
    instant = """
UID:instant@example.org
DTSTART:20260106T200000Z
"""
    busy = busy_times_from_ics(
        ics(with_duration, instant), utc(2026, 1, 5), utc(2026, 1, 8), default_tz="UTC"
    )
    assert spans(busy) == [(utc(2026, 1, 6, 16), utc(2026, 1, 6, 16, 45))]


def test_busy_times_are_clipped_to_the_half_open_period() -> None:
    overnight = """
UID:overnight@example.org
DTSTART:20260109T220000Z
DTEND:20260110T020000Z
"""
    ends_at_start = """
UID:before@example.org
DTSTART:20260109T200000Z
DTEND:20260110T000000Z
"""
    starts_at_end = """
UID:after@example.org
DTSTART:20260112T000000Z
DTEND:20260112T010000Z
"""
    late = """
UID:late@example.org
DTSTART:20260111T230000Z
DTEND:20260112T010000Z
"""
    busy = busy_times_from_ics(
        ics(overnight, ends_at_start, starts_at_end, late),
        utc(2026, 1, 10),
        utc(2026, 1, 12),
        default_tz="UTC",
    )
    assert [(b.source_uid, b.start_at, b.end_at) for b in busy] == [
        ("overnight@example.org", utc(2026, 1, 10), utc(2026, 1, 10, 2)),
        ("late@example.org", utc(2026, 1, 11, 23), utc(2026, 1, 12)),
    ]


def test_results_are_sorted_and_overlaps_kept_apart() -> None:
    events = [
        "UID:c@example.org\nDTSTART:20260107T150000Z\nDTEND:20260107T160000Z",
        "UID:a@example.org\nDTSTART:20260106T150000Z\nDTEND:20260106T170000Z",
        "UID:b@example.org\nDTSTART:20260106T160000Z\nDTEND:20260106T163000Z",
    ]
    busy = busy_times_from_ics(ics(*events), utc(2026, 1, 5), utc(2026, 1, 9), default_tz="UTC")
    assert [b.source_uid for b in busy] == ["a@example.org", "b@example.org", "c@example.org"]
    assert busy == sorted(busy, key=lambda b: (b.start_at, b.end_at))


def test_period_given_in_a_local_zone_is_handled_as_an_instant() -> None:
    from zoneinfo import ZoneInfo

    tokyo = ZoneInfo("Asia/Tokyo")
    event = "UID:x@example.org\nDTSTART:20260106T150000Z\nDTEND:20260106T160000Z"
    busy = busy_times_from_ics(
        ics(event),
        datetime(2026, 1, 7, 0, 30, tzinfo=tokyo),  # 15:30 UTC on the 6th
        datetime(2026, 1, 8, tzinfo=tokyo),
        default_tz="UTC",
    )
    assert spans(busy) == [(utc(2026, 1, 6, 15, 30), utc(2026, 1, 6, 16))]


def test_busy_time_is_frozen() -> None:
    busy = BusyTime("x", utc(2026, 1, 1), utc(2026, 1, 1, 1))
    with pytest.raises(dataclasses.FrozenInstanceError):
        busy.start_at = utc(2026, 1, 2)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", "empty"),
        (b"   \r\n", "empty"),
        (b"this is not a calendar", "not ics"),
        (b"\xff\xfe\x00garbage", "binary"),
        (b"BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n", "no VCALENDAR"),
        (ics("UID:x@example.org\nSUMMARY:no start"), "no DTSTART"),
        (ics("UID:x@example.org\nDTSTART:2026010\nDTEND:20260105T100000Z"), "bad date"),
        (
            ics("UID:x@example.org\nDTSTART:20260105T090000Z\nDTEND:20260104T100000Z"),
            "ends before it starts",
        ),
        (
            ics("UID:x@example.org\nDTSTART;VALUE=DATE:20260105\nDTEND:20260105T100000Z"),
            "date mixed with date-time",
        ),
        (
            ics(
                "UID:x@example.org\nDTSTART:20260105T090000Z\nDTEND:20260105T100000Z\n"
                "RRULE:FREQ=SOMETIMES"
            ),
            "bad RRULE",
        ),
        (
            ics(
                "UID:x@example.org\nDTSTART:20260105T090000Z\nDTEND:20260105T090100Z\n"
                "RRULE:FREQ=MINUTELY"
            ),
            "too many occurrences",
        ),
    ],
)
def test_malformed_files_raise_invalid_input(data: bytes, why: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        busy_times_from_ics(data, utc(2026, 1, 1), utc(2026, 3, 1), default_tz="UTC")
    assert raised.value.field == "calendar", why
    assert raised.value.message
    assert "Traceback" not in raised.value.message


def test_unknown_default_zone_and_reversed_period_are_refused() -> None:
    event = ics("UID:x@example.org\nDTSTART:20260106T150000Z\nDTEND:20260106T160000Z")
    with pytest.raises(InvalidInput) as zone:
        busy_times_from_ics(event, utc(2026, 1, 1), utc(2026, 1, 9), default_tz="Mars/Olympus")
    assert zone.value.field == "timezone"
    with pytest.raises(InvalidInput):
        busy_times_from_ics(event, utc(2026, 1, 9), utc(2026, 1, 1), default_tz="UTC")
