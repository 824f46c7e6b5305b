"""Every therapist's bookable first-session starts over the matching horizon, kept current.

The grid is built from the database in one pass and then updated therapist by therapist when
their appointments or supply change: a hold, a booking, a cancellation, a lapsed hold, new hours.
Other processes' changes are found by polling `updated_at` watermarks, so every worker's copy
converges on the database, which stays the source of truth.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt
from sqlalchemy import select, union
from sqlalchemy.orm import Session

from confide.models import Appointment, Therapist, TherapistService, among
from confide.scheduling.capacity import first_session_blocks_for
from confide.scheduling.intervals import merge_intervals
from confide.scheduling.queries import load_availability
from confide.scheduling.slots import STEP_MINUTES, free_start_mask, grid_floor
from confide.scheduling.timegrid import MINUTES_PER_DAY, from_minute, to_minute
from confide.vocab import get_vocabulary

FIRST_SESSION = {"individual": "intake", "couples": "couples_intake"}
SESSION_TYPES = tuple(FIRST_SESSION.values())
# Rebuild from scratch once the grid's first tick is this old, so the horizon keeps its length.
REBASE_MINUTES = 60
# A change stamped just before a refresh may commit just after it; looking this far back again
# recomputes a few therapists twice rather than miss one.
COMMIT_LAG = timedelta(seconds=10)


@dataclass
class OpeningsGrid:
    """free[type][row, i]: therapist_ids[row] can start a `type` session at base + i * step."""

    base: datetime
    ticks: int
    therapist_ids: npt.NDArray[np.int64]
    free: dict[str, npt.NDArray[np.bool_]]
    computed_at: datetime
    step_minutes: int = STEP_MINUTES

    def row_of(self, therapist_id: int) -> int | None:
        row = int(np.searchsorted(self.therapist_ids, therapist_id))
        if row < len(self.therapist_ids) and self.therapist_ids[row] == therapist_id:
            return row
        return None

    def start_of(self, tick: int) -> datetime:
        return self.base + timedelta(minutes=tick * self.step_minutes)

    def earliest(self, session_type: str, row: int) -> datetime | None:
        free = self.free[session_type][row]
        tick = int(np.argmax(free))
        return self.start_of(tick) if free[tick] else None

    def earliest_all(self, session_type: str) -> npt.NDArray[np.int64]:
        """First free tick per therapist, -1 where there is none."""
        free = self.free[session_type]
        first: npt.NDArray[np.int64] = np.argmax(free, axis=1).astype(np.int64)
        first[~free[np.arange(len(first)), first]] = -1
        return first


def _durations(
    session: Session, session_types: Sequence[str], therapist_ids: Collection[int] | None
) -> dict[str, dict[int, int]]:
    query = select(
        TherapistService.therapist_id,
        TherapistService.session_type,
        TherapistService.duration_minutes,
    ).where(
        TherapistService.session_type.in_(list(session_types)),
        among(TherapistService.therapist_id, therapist_ids),
    )
    durations: dict[str, dict[int, int]] = {t: {} for t in session_types}
    for tid, session_type, minutes in session.execute(query):
        durations[session_type][tid] = minutes
    return durations


def compute_rows(
    session: Session,
    now: datetime,
    base: int,
    ticks: int,
    therapist_ids: Sequence[int],
    session_types: Sequence[str],
) -> dict[str, npt.NDArray[np.bool_]]:
    """The free-start masks of some therapists (rows in the order of `therapist_ids`)."""
    current = to_minute(now)
    end = base + ticks * STEP_MINUTES
    ids = None if len(therapist_ids) > 500 else therapist_ids
    availability = load_availability(session, now, base, end, ids)
    durations = _durations(session, session_types, ids)
    # first sessions also need room for new clients (two places for a couple)
    kinds = get_vocabulary().session_types
    places = {
        kind: 2 if kinds[kind].format == "couples" else 1
        for kind in session_types
        if kinds[kind].first_session
    }
    by_places = first_session_blocks_for(session, now, base, end, ids, sorted(set(places.values())))
    blocks = {kind: by_places[places[kind]] if kind in places else {} for kind in session_types}
    masks = {t: np.zeros((len(therapist_ids), ticks), dtype=np.bool_) for t in session_types}
    for row, tid in enumerate(therapist_ids):
        av = availability.get(tid)
        if av is None:
            continue
        for session_type in session_types:
            minutes = durations[session_type].get(tid)
            if minutes:
                blocked = blocks[session_type].get(tid)
                room = av
                if blocked:
                    room = replace(av, busy=tuple(merge_intervals([*av.busy, *blocked])))
                masks[session_type][row] = free_start_mask(room, minutes, current, base, ticks)
    return masks


def compute_openings(
    session: Session,
    now: datetime,
    horizon_days: int,
    session_types: Sequence[str] = SESSION_TYPES,
    therapist_ids: Sequence[int] | None = None,
) -> OpeningsGrid:
    """Free starts of every therapist (or those given) over `horizon_days`, from scratch."""
    if therapist_ids is None:
        therapist_ids = list(session.scalars(select(Therapist.id).order_by(Therapist.id)))
    ids = sorted(therapist_ids)
    base = grid_floor(to_minute(now))
    ticks = horizon_days * MINUTES_PER_DAY // STEP_MINUTES
    free = compute_rows(session, now, base, ticks, ids, session_types)
    return OpeningsGrid(
        base=from_minute(base),
        ticks=ticks,
        therapist_ids=np.asarray(ids, dtype=np.int64),
        free=free,
        computed_at=now,
    )


def changed_therapists(
    session: Session, since: datetime, now: datetime, known_up_to: int = 0
) -> set[int]:
    """Therapists whose supply or appointments changed since `since`, whose holds lapsed, or
    who joined after the highest id already known."""
    query = union(
        select(Therapist.id).where(Therapist.updated_at > since),
        select(Therapist.id).where(Therapist.id > known_up_to),
        select(Appointment.therapist_id).where(Appointment.updated_at > since),
        select(Appointment.therapist_id).where(
            Appointment.status == "held",
            Appointment.hold_expires_at > since,
            Appointment.hold_expires_at <= now,
        ),
    )
    return set(session.scalars(query))


@dataclass
class OpeningsIndex:
    """A process's current OpeningsGrid, refreshed incrementally from the database."""

    horizon_days: int
    session_types: Sequence[str] = SESSION_TYPES
    grid: OpeningsGrid | None = None
    watermark: datetime | None = None
    # set after this process commits a booking change, so readers refresh before the next query
    stale: bool = False
    _listeners: list[Callable[[set[int]], None]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def subscribe(self, callback: Callable[[set[int]], None]) -> None:
        self._listeners.append(callback)

    def build(self, session: Session, now: datetime) -> OpeningsGrid:
        with self._lock:
            self.grid = compute_openings(session, now, self.horizon_days, self.session_types)
            self.watermark = now - COMMIT_LAG
        self._notify(set(self.grid.therapist_ids.tolist()))
        return self.grid

    def mark_stale(self) -> None:
        self.stale = True

    def refresh(self, session: Session, now: datetime) -> set[int]:
        """Recompute the therapists that changed since the last refresh; returns their ids."""
        self.stale = False
        # from scratch when the grid is too old, or starts after now (the clock was set back)
        if (
            self.grid is None
            or self.watermark is None
            or not timedelta(0) <= now - self.grid.base <= timedelta(minutes=REBASE_MINUTES)
        ):
            return set(self.build(session, now).therapist_ids.tolist())
        with self._lock:
            known = int(self.grid.therapist_ids[-1]) if len(self.grid.therapist_ids) else 0
            changed = changed_therapists(session, self.watermark, now, known)
            self.update(session, changed, now)
            self.watermark = max(self.watermark, now - COMMIT_LAG)
        if changed:
            self._notify(changed)
        return changed

    def update(self, session: Session, therapist_ids: Collection[int], now: datetime) -> None:
        """Recompute these therapists' rows (new therapists are added)."""
        grid = self.grid
        if grid is None or not therapist_ids:
            return
        ids = sorted(therapist_ids)
        missing = [t for t in ids if grid.row_of(t) is None]
        if missing:
            self._grow(missing)
            grid = self.grid
            assert grid is not None
        masks = compute_rows(
            session, now, to_minute(grid.base), grid.ticks, ids, self.session_types
        )
        rows = np.searchsorted(grid.therapist_ids, np.asarray(ids, dtype=np.int64))
        for session_type in self.session_types:
            grid.free[session_type][rows] = masks[session_type]

    def _grow(self, new_ids: list[int]) -> None:
        grid = self.grid
        assert grid is not None
        ids = np.union1d(grid.therapist_ids, np.asarray(new_ids, dtype=np.int64))
        old_rows = np.searchsorted(ids, grid.therapist_ids)
        free = {}
        for session_type, mask in grid.free.items():
            grown = np.zeros((len(ids), grid.ticks), dtype=np.bool_)
            grown[old_rows] = mask
            free[session_type] = grown
        self.grid = OpeningsGrid(
            base=grid.base,
            ticks=grid.ticks,
            therapist_ids=ids,
            free=free,
            computed_at=grid.computed_at,
        )

    def _notify(self, changed: set[int]) -> None:
        for callback in self._listeners:
            callback(changed)
