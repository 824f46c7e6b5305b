"""Where each check-in figure goes on a small line chart (pure: the pages draw it as SVG).

A chart is 320 by 180 units, so it fits a 375 px screen; weeks run left to right, the scale
from 0 at the bottom to its maximum at the top. Each line has its own colour and dash pattern
and its points their own shape, so lines differ without colour; the page gives the same
figures as a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from confide.program.checkin_scoring import Marker, Progress, Series

WIDTH = 320
HEIGHT = 180
LEFT, RIGHT, TOP, BOTTOM = 34, 12, 12, 30
# dark enough on white for the 3:1 that graphics need; dash patterns tell lines apart too
STYLES: tuple[tuple[str, str], ...] = (
    ("#1f4e79", ""),
    ("#a4282b", "6 3"),
    ("#1e6b3a", "2 3"),
    ("#6c3483", "8 3 2 3"),
    ("#7a5200", "4 4"),
)


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    week: int
    value: int


@dataclass(frozen=True)
class Line:
    code: str
    name: str
    colour: str
    dashes: str
    shape: int  # 0 circle, 1 square, 2 triangle, 3 diamond, 4 cross (the template draws it)
    dots: tuple[Dot, ...]

    @property
    def path(self) -> str:
        return " ".join(f"{d.x:.1f},{d.y:.1f}" for d in self.dots)


@dataclass(frozen=True)
class Flag:
    """A reliable change drawn at its point: ▲ worse or ▼ better, with words for readers."""

    x: float
    y: float
    change: str
    label: str


@dataclass(frozen=True)
class Chart:
    ident: str  # unique on the page, for the title and description ids
    title: str
    description: str
    maximum: int
    lines: tuple[Line, ...]
    y_ticks: tuple[tuple[float, int], ...]
    x_ticks: tuple[tuple[float, int], ...]
    flags: tuple[Flag, ...]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom: float = HEIGHT - BOTTOM
    right: int = WIDTH - RIGHT


def _x(week: int, first: int, last: int) -> float:
    span = WIDTH - LEFT - RIGHT
    if last == first:
        return LEFT + span / 2
    return LEFT + span * (week - first) / (last - first)


def _y(value: int, maximum: int) -> float:
    span = HEIGHT - TOP - BOTTOM
    return TOP + span * (1 - value / maximum)


def _ticks(maximum: int) -> tuple[int, ...]:
    if maximum <= 6:
        return tuple(range(maximum + 1))
    step = 5 if maximum > 12 else 2
    # no regular tick so close under the top one that their labels would overlap
    below = [v for v in range(0, maximum, step) if maximum - v > step / 2]
    return (*below, maximum)


def _week_ticks(weeks: Sequence[int]) -> tuple[int, ...]:
    if len(weeks) <= 8:
        return tuple(weeks)
    step = -(-len(weeks) // 8)
    return (*weeks[::step][:-1], weeks[-1])


def line_chart(
    ident: str,
    title: str,
    series: Sequence[Series],
    *,
    markers: Sequence[Marker] = (),
) -> Chart:
    """The chart of these series (one scale: the largest maximum among them)."""
    maximum = max((s.maximum for s in series), default=1)
    weeks = sorted({p.week for s in series for p in s.points})
    first, last = (weeks[0], weeks[-1]) if weeks else (1, 1)
    lines = []
    for n, found in enumerate(series):
        colour, dashes = STYLES[n % len(STYLES)]
        dots = tuple(
            Dot(_x(p.week, first, last), _y(p.value, maximum), p.week, p.value)
            for p in found.points
        )
        lines.append(Line(found.code, found.name, colour, dashes, n % 5, dots))
    flags = []
    for marker in markers:
        if marker.change == "no_reliable_change":
            continue
        for line in lines:
            if line.code != marker.instrument:
                continue
            for dot in line.dots:
                if dot.week == marker.week:
                    better = marker.change == "improved"
                    words = "reliable improvement" if better else "reliable worsening"
                    flags.append(
                        Flag(
                            dot.x,
                            dot.y,
                            marker.change,
                            f"Week {dot.week}: {words} ({marker.baseline} to {marker.total})",
                        )
                    )
    if weeks:
        span = f"week {first}" if first == last else f"weeks {first} to {last}"
        description = (
            f"{title}, {span}. "
            + " ".join(
                f"{s.name}: " + ", ".join(f"week {p.week} {p.value}" for p in s.points) + "."
                for s in series
            )
            + "".join(f" {f.label}." for f in flags)
        )
    else:
        description = f"{title}: no check-ins yet."
    return Chart(
        ident,
        title,
        description,
        maximum,
        tuple(lines),
        tuple((_y(v, maximum), v) for v in _ticks(maximum)),
        tuple((_x(w, first, last), w) for w in _week_ticks(weeks)),
        tuple(flags),
    )


def table_rows(series: Sequence[Series]) -> tuple[tuple[int, tuple[int | None, ...]], ...]:
    """The chart's figures as table rows: each week, then each series' value that week."""
    weeks = sorted({p.week for s in series for p in s.points})
    values = [{p.week: p.value for p in s.points} for s in series]
    return tuple((week, tuple(v.get(week) for v in values)) for week in weeks)


@dataclass(frozen=True)
class Figure:
    """A chart and the table of the same figures."""

    chart: Chart
    series: tuple[Series, ...]
    rows: tuple[tuple[int, tuple[int | None, ...]], ...]


def figures(progress: Progress, ident: str, whose: str) -> tuple[Figure, ...]:
    """The five signs on one chart, then each screening form on its own (their scales differ),
    reliable changes marked; nothing before the first check-in."""
    found = []
    if any(s.points for s in progress.signs):
        found.append(
            Figure(
                line_chart(f"{ident}-signs", f"{whose} five signs, week by week", progress.signs),
                progress.signs,
                table_rows(progress.signs),
            )
        )
    for series in progress.screenings:
        found.append(
            Figure(
                line_chart(
                    f"{ident}-{series.code}",
                    f"{whose} {series.name}, week by week (lower is better)",
                    (series,),
                    markers=progress.markers,
                ),
                (series,),
                table_rows((series,)),
            )
        )
    return tuple(found)
