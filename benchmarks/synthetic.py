"""A MatchIndex straight from a SyntheticNetwork, with synthetic opening bitmaps: for benchmarks
at sizes the database would take too long to fill.

Openings follow each therapist's weekly hours (at the zone's offset on the day the index is built),
keep a random share of those starts free as if the rest were booked, and respect minimum notice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np
from tests.matching.reference import FreeStarts

from confide.matching.columns import U64, derive, pack_ticks
from confide.matching.index import (
    EPOCH_DAY,
    Codes,
    MatchIndex,
    empty_columns,
    encode_times,
    first_session_positions,
    index_rows_by_state,
    place_openings,
)
from confide.network.generator import HOURS_TEMPLATES, SATURDAY_EXTRA, SyntheticNetwork
from confide.scheduling.slots import STEP_MINUTES, grid_floor
from confide.scheduling.timegrid import MINUTES_PER_DAY, from_minute, to_minute, zone

SLOTS_PER_WEEK = 7 * MINUTES_PER_DAY // STEP_MINUTES
CHUNK = 50_000


def _bits(matrix: np.ndarray) -> np.ndarray:
    weights = np.left_shift(np.uint64(1), np.arange(matrix.shape[1], dtype=np.uint64))
    packed: np.ndarray = (matrix.astype(np.uint64) * weights).sum(axis=1, dtype=np.uint64)
    return packed


def _local_week(template: int, shift: int, saturday: bool) -> np.ndarray:
    week = np.zeros(SLOTS_PER_WEEK, np.bool_)
    windows = [
        (d, max(0, s + shift), min(MINUTES_PER_DAY, e + shift))
        for d, s, e in HOURS_TEMPLATES[template]
    ]
    if saturday:
        windows.append(SATURDAY_EXTRA)
    for day, start, end in windows:
        lo = (day * MINUTES_PER_DAY + start) // STEP_MINUTES
        hi = (day * MINUTES_PER_DAY + end) // STEP_MINUTES
        week[lo:hi] = True
    return week


def synthetic_openings(
    net: SyntheticNetwork, session_type: int, base: int, ticks: int, now: int, seed: int
) -> U64:
    """Packed free starts (rows x words) for one session type."""
    rng = np.random.default_rng(seed)
    n = net.size
    words = -(-ticks // 64)
    packed = np.zeros((n, words), np.uint64)
    shifts = (-60, -30, 0, 30, 60)
    combos = {
        (t, s, sat): _local_week(t, s, sat)
        for t in range(len(HOURS_TEMPLATES))
        for s in shifts
        for sat in (False, True)
    }
    keys = list(combos)
    table = np.stack([combos[k] for k in keys])
    lookup = {k: i for i, k in enumerate(keys)}
    combo = np.array(
        [
            lookup[(int(t), int(s), bool(x))]
            for t, s, x in zip(net.hours_template, net.hours_shift, net.saturday_extra, strict=True)
        ]
    )
    offsets: dict[str, int] = {}
    offset = np.empty(n, np.int64)
    for row, location in enumerate(net.location):
        name = location.timezone
        if name not in offsets:
            delta = from_minute(now).astimezone(zone(name)).utcoffset() or timedelta(0)
            offsets[name] = int(delta.total_seconds() // 60)
        offset[row] = offsets[name]
    # local week slot of tick 0 for each row: Monday 00:00 local is slot 0
    local_start = (base + offset) // STEP_MINUTES
    monday_1970 = 3 * MINUTES_PER_DAY // STEP_MINUTES  # 1970-01-01 was a Thursday
    first_slot = (local_start + monday_1970) % SLOTS_PER_WEEK
    tick = np.arange(ticks)
    duration = net.duration[:, session_type]
    for lo in range(0, n, CHUNK):
        hi = min(n, lo + CHUNK)
        slots = (first_slot[lo:hi, None] + tick[None, :]) % SLOTS_PER_WEEK
        working = table[combo[lo:hi, None], slots]
        needed = -(-duration[lo:hi] // STEP_MINUTES)
        fits = working.copy()
        for k in range(1, int(needed.max(initial=1))):
            later = np.zeros_like(working)
            later[:, :-k] = working[:, k:]
            fits &= later | (needed[:, None] <= k)
        free_share = rng.uniform(0.1, 0.5, size=hi - lo)
        fits &= rng.random((hi - lo, ticks), dtype=np.float32) < free_share[:, None]
        earliest = -(-(now + net.minimum_notice_hours[lo:hi] * 60 - base) // STEP_MINUTES)
        fits &= tick[None, :] >= earliest[:, None]
        fits &= (duration[lo:hi] > 0)[:, None]
        packed[lo:hi] = pack_ticks(fits)
    return packed


def index_from_network(
    net: SyntheticNetwork, now: datetime, horizon_days: int, seed: int = 1
) -> MatchIndex:
    codes = Codes.from_vocabulary(net.vocab)
    n = net.size
    base = grid_floor(to_minute(now))
    ticks = horizon_days * MINUTES_PER_DAY // STEP_MINUTES
    words = -(-ticks // 64)
    first = first_session_positions(codes, net.vocab)
    cols = empty_columns(n, codes, words, first)
    states = net.licence_states
    bits = np.zeros(n, np.uint64)
    for slot in range(states.shape[1]):
        ok = (states[:, slot] >= 0) & net.licence_active[:, slot]
        bits[ok] |= np.left_shift(np.uint64(1), states[ok, slot].astype(np.uint64))
    cols.licence_bits = bits
    cols.populations = _bits(net.populations).astype(np.uint8)
    cols.accepting = net.accepting.copy()
    today = net.today.toordinal() - EPOCH_DAY
    cols.paused_until = np.where(net.paused_days > 0, today + net.paused_days, -1).astype(np.int32)
    zone_offsets: dict[str, int] = {}
    for location in set(net.location):
        if location.timezone not in zone_offsets:
            delta = now.astimezone(zone(location.timezone)).utcoffset() or timedelta(0)
            zone_offsets[location.timezone] = int(delta.total_seconds() // 60)
    cols.utc_offset = np.array([zone_offsets[loc.timezone] for loc in net.location], np.int16)
    cols.caseload_limit = net.caseload_limit.astype(np.int32)
    cols.telehealth = net.offers_telehealth.copy()
    cols.in_person = net.offers_in_person.copy()
    cols.latitude = np.radians(np.array([loc.latitude for loc in net.location]))
    cols.longitude = np.radians(np.array([loc.longitude for loc in net.location]))
    cols.gender = net.gender.astype(np.int8)
    cols.languages = _bits(net.languages).astype(np.uint32)
    cols.modalities = _bits(net.modalities).astype(np.uint32)
    cols.identities = _bits(net.identities).astype(np.uint32)
    cols.faith = net.faith.astype(np.int8)
    cols.concern = np.ascontiguousarray(net.specialty.T).astype(np.int8)
    for s in first:
        cols.duration[s] = net.duration[:, s].astype(np.int16)
        cols.rate_cents[s] = net.rate_cents[:, s].astype(np.int32)
        cols.sliding_cents[s] = net.sliding_min_cents[:, s].astype(np.int32)
    cols.notice_hours = net.minimum_notice_hours.astype(np.int16)
    order = np.lexsort((net.panel_therapist, net.panel_state, net.panel_plan))
    plan, state, row = (net.panel_plan[order], net.panel_state[order], net.panel_therapist[order])
    key = plan * 64 + state
    cuts = np.flatnonzero(np.diff(key)) + 1
    for part_key, part in zip(
        key[np.r_[0, cuts]] if len(key) else [],
        np.split(row, cuts) if len(key) else [],
        strict=True,
    ):
        cols.panel_rows[(int(part_key) // 64, int(part_key) % 64)] = part.astype(np.int32)
    index_rows_by_state(cols, len(codes.states))
    encode_times(cols)
    derive(cols)
    current = to_minute(now)
    for s in sorted(first):
        place_openings(cols, s)
        packed = synthetic_openings(net, s, base, ticks, current, seed + s)
        cols.openings[s] = np.ascontiguousarray(packed[cols.opening_slot[s] >= 0].T)
        del packed
    return MatchIndex(
        ids=np.arange(1, n + 1, dtype=np.int64),
        cols=cols,
        codes=codes,
        base=from_minute(base),
        ticks=ticks,
        computed_at=now,
        step_minutes=STEP_MINUTES,
    )


def index_free_starts(index: MatchIndex) -> FreeStarts:
    """The index's own opening bitmaps as free starts, for the reference filter."""

    def starts(therapist_id: int, session_type: str) -> Sequence[datetime]:
        rows = index.rows_of([therapist_id])
        if not len(rows):
            return []
        s = index.codes.of("session_types", session_type)
        slot = int(index.cols.opening_slot[s][int(rows[0])])
        if slot < 0:
            return []
        words = np.ascontiguousarray(index.cols.openings[s][:, slot]).view(np.uint8)
        bits = np.unpackbits(words, bitorder="little")[: index.ticks]
        return [index.start_of(int(t)) for t in np.flatnonzero(bits)]

    return starts
