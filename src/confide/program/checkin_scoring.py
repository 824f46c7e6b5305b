"""The weekly check-in, scored (pure: the standard library and screening's instruments only).

A check-in is the five signs that trust is returning, each one of our own items rated 0 to 4,
with the short mood and worry checks (PHQ-2, GAD-2), expanded to PHQ-9 and GAD-7 when the short
one is at its cut-off. Once a partner has needed the full form in this program it is asked at
every later check-in, so that a change can be measured on the instrument that defines reliable
change (PHQ-9 by 6, GAD-7 by 4). Trends compare a partner's last few check-ins; the summary says
in plain words what is rising and what is falling, and whether to suggest seeing a therapist.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from confide.screening import instruments
from confide.screening.instruments import INSTRUMENTS, SELF_HARM_RISK

WEEK = timedelta(days=7)
# how many of the latest check-ins a trend looks at
TREND_WINDOW = 3


@dataclass(frozen=True)
class Sign:
    code: str
    name: str  # a short name, used in the summary ("Feeling listened to has risen ...")
    statement: str  # what the partner rates, in the first person, about the week just gone


SIGNS: tuple[Sign, ...] = (
    Sign(
        "safety",
        "Feeling safe and respected",
        "This week I felt safe with my partner, and the limits I set were respected.",
    ),
    Sign(
        "openness",
        "Being able to open up",
        "This week I felt able to let my partner see how I really feel, tender parts included.",
    ),
    Sign(
        "listened",
        "Feeling listened to",
        "This week, when I said what I need, I felt my partner truly listened.",
    ),
    Sign(
        "commitment",
        "Feeling we are both committed",
        "This week I felt that we are both putting ourselves into this relationship.",
    ),
    Sign(
        "decisions",
        "Openness on big decisions",
        "This week I was open to my partner's view on big choices, such as work, money or health.",
    ),
)
SIGN_CODES = tuple(s.code for s in SIGNS)
# the answers to every sign, lowest first
SIGN_SCALE: tuple[tuple[int, str], ...] = (
    (0, "Not at all"),
    (1, "A little"),
    (2, "Somewhat"),
    (3, "Mostly"),
    (4, "Completely"),
)
SIGN_MAX = SIGN_SCALE[-1][0]

# the short check and the full form of each kind of screening a check-in asks
SCREENINGS: Mapping[str, tuple[str, str]] = {"mood": ("phq2", "phq9"), "worry": ("gad2", "gad7")}
SCREENING_NAMES: Mapping[str, str] = {
    "phq2": "Low mood (PHQ-2)",
    "phq9": "Low mood (PHQ-9)",
    "gad2": "Worry (GAD-2)",
    "gad7": "Worry (GAD-7)",
}
# a change this big in a short check's total (0-6) is worth a word, though it is not "reliable"
SHORT_CHANGE = 2


class CheckInIncomplete(ValueError):
    """A short check was at its cut-off: the full form's remaining items are needed."""

    def __init__(self, field: str, short: str, instrument: str, asked: int, needed: int) -> None:
        super().__init__(
            f"the answers to {INSTRUMENTS[short].title} reach its cut-off: "
            f"answer all {needed} questions of {INSTRUMENTS[instrument].title} "
            f"({needed - asked} more)"
        )
        self.field = field
        self.instrument = instrument


class CheckInInvalid(ValueError):
    """An answer out of range or the wrong number of answers; `field` names where."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Screened:
    instrument: str  # the form whose total this is: phq2, phq9, gad2 or gad7
    answers: tuple[int, ...]
    total: int
    positive: bool
    flags: tuple[str, ...]


@dataclass(frozen=True)
class CheckInScore:
    """One partner's check-in, scored."""

    week: int
    answered_at: datetime
    signs: Mapping[str, int]
    mood: Screened
    worry: Screened

    @property
    def signs_total(self) -> int:
        return sum(self.signs.values())

    @property
    def self_harm_risk(self) -> bool:
        return SELF_HARM_RISK in self.mood.flags

    @property
    def positive_screen(self) -> bool:
        return self.mood.positive or self.worry.positive

    def as_json(self) -> dict[str, Any]:
        return {
            "week": self.week,
            "answered_at": self.answered_at.isoformat(),
            "signs": dict(self.signs),
            "mood": _screened_json(self.mood),
            "worry": _screened_json(self.worry),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CheckInScore:
        return cls(
            int(data["week"]),
            datetime.fromisoformat(str(data["answered_at"])),
            {code: int(data["signs"][code]) for code in SIGN_CODES},
            _screened(data["mood"]),
            _screened(data["worry"]),
        )


def _screened_json(screened: Screened) -> dict[str, Any]:
    return {
        "instrument": screened.instrument,
        "answers": list(screened.answers),
        "total": screened.total,
        "positive": screened.positive,
        "flags": list(screened.flags),
    }


def _screened(data: Mapping[str, Any]) -> Screened:
    return Screened(
        str(data["instrument"]),
        tuple(int(a) for a in data["answers"]),
        int(data["total"]),
        bool(data["positive"]),
        tuple(str(f) for f in data["flags"]),
    )


def week_number(space_started: datetime, now: datetime) -> int:
    """The week of the couple space `now` falls in: 1 for its first seven days, and so on."""
    return (now - space_started) // WEEK + 1


def week_starts(space_started: datetime, week: int) -> datetime:
    return space_started + (week - 1) * WEEK


def forms_to_ask(history: Sequence[CheckInScore]) -> dict[str, str]:
    """Which form of each screening opens the next check-in: the short check, or the full form
    once it has been needed in this program (so that change stays measurable)."""
    asked = {}
    for kind, (short, full) in SCREENINGS.items():
        needed_before = any(getattr(c, kind).instrument == full for c in history)
        asked[kind] = full if needed_before else short
    return asked


def check_signs(signs: Mapping[str, int]) -> dict[str, int]:
    """Every sign answered once, each 0 to 4; CheckInInvalid naming the sign otherwise."""
    unknown = sorted(set(signs) - set(SIGN_CODES))
    if unknown:
        raise CheckInInvalid(
            f"signs.{unknown[0]}", f"{unknown[0]!r} is not a sign; allowed: {SIGN_CODES}"
        )
    checked = {}
    for code in SIGN_CODES:
        value = signs.get(code)
        if value is None:
            raise CheckInInvalid(f"signs.{code}", "rate this sign from 0 to 4")
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= SIGN_MAX:
            raise CheckInInvalid(f"signs.{code}", f"{value!r} is not a rating; allowed: 0 to 4")
        checked[code] = value
    return checked


def _screen(kind: str, answers: Sequence[int], asked: str) -> Screened:
    short, full = SCREENINGS[kind]
    sizes = {len(INSTRUMENTS[short].items): short, len(INSTRUMENTS[full].items): full}
    code = sizes.get(len(answers))
    if code is None or len(answers) < len(INSTRUMENTS[asked].items):
        wanted = len(INSTRUMENTS[asked].items)
        raise CheckInInvalid(
            kind,
            f"{INSTRUMENTS[asked].title} takes {wanted} answers"
            + (f" (or all {len(INSTRUMENTS[full].items)})" if asked == short else "")
            + f"; got {len(answers)}",
        )
    try:
        result = instruments.score(code, list(answers))
    except ValueError as error:
        raise CheckInInvalid(kind, str(error)) from None
    if code == short and result.positive:
        raise CheckInIncomplete(kind, short, full, len(answers), len(INSTRUMENTS[full].items))
    return Screened(code, tuple(answers), result.total, result.positive, result.flags)


def more_to_ask(mood: Sequence[int], worry: Sequence[int]) -> tuple[str, ...]:
    """The full forms still needed because a short check reached its cut-off (the page asks
    their remaining items before anything is kept)."""
    needed = []
    for kind, answers in (("mood", mood), ("worry", worry)):
        short, full = SCREENINGS[kind]
        if len(answers) != len(INSTRUMENTS[short].items):
            continue
        try:
            if instruments.score(short, list(answers)).positive:
                needed.append(full)
        except ValueError:
            continue
    return tuple(needed)


def score_check_in(
    history: Sequence[CheckInScore],
    *,
    week: int,
    answered_at: datetime,
    signs: Mapping[str, int],
    mood: Sequence[int],
    worry: Sequence[int],
) -> CheckInScore:
    """The check-in's scores; CheckInInvalid or CheckInIncomplete naming the field."""
    asked = forms_to_ask(history)
    checked = check_signs(signs)
    return CheckInScore(
        week,
        answered_at,
        checked,
        _screen("mood", mood, asked["mood"]),
        _screen("worry", worry, asked["worry"]),
    )


# --- trends ---------------------------------------------------------------------------------

Direction = Literal["rising", "falling", "steady", "too_few"]
Change = Literal["improved", "worsened", "no_reliable_change"]


@dataclass(frozen=True)
class Point:
    week: int
    value: int


@dataclass(frozen=True)
class Series:
    code: str  # a sign's code, or a screening form (phq9, gad2, ...)
    name: str
    maximum: int
    points: tuple[Point, ...]
    # for screenings, a lower total is better
    lower_is_better: bool = False


@dataclass(frozen=True)
class Marker:
    """A reliable change on an instrument that defines one, against the partner's first total
    on that form in this program."""

    instrument: str
    week: int
    baseline_week: int
    baseline: int
    total: int
    change: Change


@dataclass(frozen=True)
class Finding:
    code: str
    kind: Literal["improving", "declining"]
    text: str


@dataclass(frozen=True)
class Progress:
    """One partner's check-ins read together: the series, reliable changes, the summary."""

    signs: tuple[Series, ...]
    screenings: tuple[Series, ...]
    markers: tuple[Marker, ...]
    findings: tuple[Finding, ...]
    suggest_therapy: bool
    latest: CheckInScore | None


def sign_series(history: Sequence[CheckInScore]) -> tuple[Series, ...]:
    ordered = sorted(history, key=lambda c: c.week)
    return tuple(
        Series(s.code, s.name, SIGN_MAX, tuple(Point(c.week, c.signs[s.code]) for c in ordered))
        for s in SIGNS
    )


def screening_series(history: Sequence[CheckInScore]) -> tuple[Series, ...]:
    """A series per form answered (the short checks' totals and the full forms' apart: they
    are on different scales)."""
    ordered = sorted(history, key=lambda c: c.week)
    found: list[Series] = []
    for kind, (short, full) in SCREENINGS.items():
        for code in (short, full):
            points = tuple(
                Point(c.week, getattr(c, kind).total)
                for c in ordered
                if getattr(c, kind).instrument == code
            )
            if points:
                maximum = sum(max(o.value for o in i.options) for i in INSTRUMENTS[code].items)
                found.append(Series(code, SCREENING_NAMES[code], maximum, points, True))
    return tuple(found)


def direction(points: Sequence[Point], *, threshold: int = 1) -> Direction:
    """Whether the latest check-ins (up to TREND_WINDOW) rose or fell by `threshold` or more."""
    window = list(points)[-TREND_WINDOW:]
    if len(window) < 2:
        return "too_few"
    change = window[-1].value - window[0].value
    if change >= threshold:
        return "rising"
    if change <= -threshold:
        return "falling"
    return "steady"


def reliable_changes(history: Sequence[CheckInScore]) -> tuple[Marker, ...]:
    """Each full-form total after the first, judged against the first (PHQ-9 and GAD-7)."""
    ordered = sorted(history, key=lambda c: c.week)
    markers = []
    for kind, (_short, full) in SCREENINGS.items():
        totals = [(c.week, getattr(c, kind).total) for c in ordered]
        totals = [
            (week, total)
            for (week, total), c in zip(totals, ordered, strict=True)
            if getattr(c, kind).instrument == full
        ]
        if not totals:
            continue
        first_week, baseline = totals[0]
        for week, total in totals[1:]:
            change = instruments.reliable_change(full, baseline, total)
            if change is not None:
                markers.append(Marker(full, week, first_week, baseline, total, change))
    return tuple(markers)


def _window_size(points: Sequence[Point]) -> int:
    return min(len(points), TREND_WINDOW)


def summarise(history: Sequence[CheckInScore]) -> Progress:
    """What is improving and what is not, in plain words, and whether to suggest therapy (a
    decline, a positive screen or a risk of self-harm at the latest check-in)."""
    signs = sign_series(history)
    screenings = screening_series(history)
    markers = reliable_changes(history)
    findings: list[Finding] = []
    for series in signs:
        way = direction(series.points)
        n = _window_size(series.points)
        if way == "rising":
            findings.append(
                Finding(
                    series.code,
                    "improving",
                    f"{series.name} has risen over the last {n} check-ins.",
                )
            )
        elif way == "falling":
            findings.append(
                Finding(
                    series.code,
                    "declining",
                    f"{series.name} has fallen over the last {n} check-ins.",
                )
            )
    # the latest judgement per instrument (markers are in week order)
    latest_markers = {m.instrument: m for m in markers}
    for series in screenings:
        marker = latest_markers.get(series.code)
        if marker is not None and marker.change != "no_reliable_change":
            moved = abs(marker.total - marker.baseline)
            if marker.change == "improved":
                text = (
                    f"{series.name} is down {moved} points since week {marker.baseline_week}: "
                    "a reliable improvement, beyond the questionnaire's measurement noise."
                )
                findings.append(Finding(series.code, "improving", text))
            else:
                text = (
                    f"{series.name} is up {moved} points since week {marker.baseline_week}: "
                    "a reliable worsening, beyond the questionnaire's measurement noise."
                )
                findings.append(Finding(series.code, "declining", text))
            continue
        if series.code in instruments.RELIABLE_CHANGE:
            continue  # a full form's smaller moves are within its noise: not worth a word
        way = direction(series.points, threshold=SHORT_CHANGE)
        n = _window_size(series.points)
        if way == "falling":
            findings.append(
                Finding(
                    series.code,
                    "improving",
                    f"{series.name} has eased over the last {n} check-ins.",
                )
            )
        elif way == "rising":
            findings.append(
                Finding(
                    series.code,
                    "declining",
                    f"{series.name} has grown over the last {n} check-ins.",
                )
            )
    latest = max(history, key=lambda c: c.week) if history else None
    declining = any(f.kind == "declining" for f in findings)
    suggest = latest is not None and (declining or latest.positive_screen or latest.self_harm_risk)
    return Progress(signs, screenings, markers, tuple(findings), suggest, latest)
