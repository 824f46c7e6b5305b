"""The portal's forms read into values, every field's problem named beside it.

Each reader takes the posted fields (name -> the values sent) and returns the values it read and
the problems found, by field name; with any problem, nothing is changed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from confide.errors import InvalidInput
from confide.fields import Day, parse_field
from confide.scheduling.supply import LIMITS

Fields = Mapping[str, Sequence[str]]
Problems = dict[str, str]

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*(?:-|–|to)\s*(\d{1,2}):(\d{2})\s*$")
MAX_TEXT = 300


def one(fields: Fields, name: str) -> str:
    """The field's single value ('' when not sent); a repeated field keeps its first."""
    values = fields.get(name) or [""]
    return values[0].strip()


def _minute(hours: str, minutes: str) -> int | None:
    h, m = int(hours), int(minutes)
    if m >= 60 or h > 24 or (h == 24 and m):
        return None
    return h * 60 + m


def _day_windows(text: str) -> list[tuple[int, int]]:
    """'09:00-12:00, 13:00-17:00' as minutes after midnight; ValueError says what is wrong."""
    if len(text) > MAX_TEXT:
        raise ValueError("too long: give at most a few times a day")
    windows: list[tuple[int, int]] = []
    for piece in filter(None, (p.strip() for p in text.split(","))):
        found = _WINDOW.match(piece) if piece.isascii() or "–" in piece else None
        if found is None:
            raise ValueError(f"write each time as 09:00-17:00 ({piece!r} is not)")
        start, end = _minute(*found.group(1, 2)), _minute(*found.group(3, 4))
        if start is None or end is None:
            raise ValueError(f"{piece!r} is not a time of day")
        if start >= end:
            raise ValueError(f"in {piece!r} the start is not before the end")
        if start % 15 or end % 15:
            raise ValueError(f"{piece!r}: times go on the quarter hour (:00, :15, :30, :45)")
        windows.append((start, end))
    windows.sort()
    for (_, end), (start, _) in pairwise(windows):
        if start < end:
            raise ValueError("two of these times overlap")
    return windows


def read_hours(fields: Fields) -> tuple[list[tuple[int, int, int]], Problems]:
    """Field day_0 … day_6 (Monday … Sunday): that day's working times, comma separated."""
    windows: list[tuple[int, int, int]] = []
    problems: Problems = {}
    for weekday in range(7):
        name = f"day_{weekday}"
        try:
            windows += [(weekday, s, e) for s, e in _day_windows(one(fields, name))]
        except ValueError as wrong:
            problems[name] = str(wrong)
    return windows, problems


def window_text(windows: Sequence[tuple[int, int]]) -> str:
    """The inverse of a day's field: '09:00-12:00, 13:00-17:00'."""
    return ", ".join(f"{s // 60:02d}:{s % 60:02d}-{e // 60:02d}:{e % 60:02d}" for s, e in windows)


def _whole(fields: Fields, name: str, low: int, high: int, problems: Problems) -> int:
    text = one(fields, name)
    if not (text.isascii() and text.isdigit()) or len(text) > 6:
        problems[name] = f"a whole number from {low} to {high}"
        return 0
    value = int(text)
    if not low <= value <= high:
        problems[name] = f"a whole number from {low} to {high}"
    return value


def _day(fields: Fields, name: str, problems: Problems) -> date | None:
    text = one(fields, name)
    if not text:
        return None
    try:
        found: date = parse_field(Day, text, name)
    except InvalidInput:
        problems[name] = "a date such as 2027-01-31"
        return None
    return found


@dataclass(frozen=True)
class NewClients:
    accepting: bool
    paused_until: date | None
    limits: dict[str, int]


STATUSES = ("accepting", "paused", "closed")


def read_new_clients(fields: Fields) -> tuple[NewClients, Problems]:
    """status (accepting, paused until paused_until, or closed) and the LIMITS fields; that
    a pause ends after the therapist's own today is the rule's to say (scheduling.supply)."""
    problems: Problems = {}
    status = one(fields, "status")
    if status not in STATUSES:
        problems["status"] = "choose whether you take new clients"
    paused_until = _day(fields, "paused_until", problems)
    if status == "paused" and "paused_until" not in problems and paused_until is None:
        problems["paused_until"] = "give the first day you take new clients again"
    limits = {name: _whole(fields, name, *LIMITS[name], problems) for name in LIMITS}
    return NewClients(
        accepting=status != "closed",
        paused_until=paused_until if status == "paused" else None,
        limits=limits,
    ), problems


def read_time_off(fields: Fields) -> tuple[tuple[date, date] | None, Problems]:
    """starts_on and ends_on, both days included."""
    problems: Problems = {}
    first = _day(fields, "starts_on", problems)
    last = _day(fields, "ends_on", problems)
    for name, value in (("starts_on", first), ("ends_on", last)):
        if value is None and name not in problems:
            problems[name] = "give a date"
    if first and last and last < first:
        problems["ends_on"] = "the last day away cannot be before the first"
    if problems or first is None or last is None:
        return None, problems
    if (last - first).days > 366:
        return None, {"ends_on": "at most a year at a time"}
    return (first, last), problems


def read_record_id(fields: Fields, name: str) -> tuple[int, Problems]:
    text = one(fields, name)
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 2**31:
        return 0, {name: "not one of yours"}
    return int(text), {}


def _cents(text: str) -> int | None:
    """'150', '150.00' or '$150.5' as cents; None when it is not an amount."""
    text = text.removeprefix("$").replace(",", "").strip()
    found = re.fullmatch(r"(\d{1,5})(?:\.(\d{1,2}))?", text) if text.isascii() else None
    if found is None:
        return None
    return int(found.group(1)) * 100 + int((found.group(2) or "0").ljust(2, "0"))


def read_rates(
    fields: Fields, session_types: Sequence[str]
) -> tuple[dict[str, tuple[int, int | None]], Problems]:
    """rate_<type> (required) and sliding_<type> (empty: no sliding scale), in dollars."""
    rates: dict[str, tuple[int, int | None]] = {}
    problems: Problems = {}
    for kind in session_types:
        rate = _cents(one(fields, f"rate_{kind}"))
        if rate is None or rate == 0:
            problems[f"rate_{kind}"] = "an amount in dollars, such as 150"
            continue
        sliding_text = one(fields, f"sliding_{kind}")
        sliding = _cents(sliding_text) if sliding_text else None
        if sliding_text and (sliding is None or sliding == 0):
            problems[f"sliding_{kind}"] = "an amount in dollars, or leave it empty"
            continue
        if sliding is not None and sliding > rate:
            problems[f"sliding_{kind}"] = "the lowest fee is at most the rate"
            continue
        rates[kind] = (rate, sliding)
    return rates, problems


def money(cents: int | None) -> str:
    if cents is None:
        return ""
    return f"{cents // 100}" if cents % 100 == 0 else f"{cents / 100:.2f}"


@dataclass(frozen=True)
class Profile:
    specialties: dict[str, str]
    modalities: list[str]
    languages: list[str]
    populations: list[str]


def read_profile(
    fields: Fields, concerns: Sequence[str], allowed: Mapping[str, Sequence[str]]
) -> tuple[Profile, Problems]:
    """concern_<code> (none, primary or secondary) and the checkbox lists modalities,
    languages and populations (codes from `allowed`)."""
    problems: Problems = {}
    specialties: dict[str, str] = {}
    for code in concerns:
        strength = one(fields, f"concern_{code}") or "none"
        if strength not in ("none", "primary", "secondary"):
            problems[f"concern_{code}"] = "choose none, main focus or also"
        elif strength != "none":
            specialties[code] = strength
    chosen: dict[str, list[str]] = {}
    for name, codes in allowed.items():
        picked = list(dict.fromkeys(fields.get(name) or []))
        if any(code not in codes for code in picked):
            problems[name] = "choose from the list"
        chosen[name] = [code for code in picked if code in codes]
    if not chosen.get("languages") and "languages" not in problems:
        problems["languages"] = "choose at least one language you work in"
    if not chosen.get("populations") and "populations" not in problems:
        problems["populations"] = "choose at least one: individuals, couples or families"
    return Profile(
        specialties, chosen["modalities"], chosen["languages"], chosen["populations"]
    ), problems
