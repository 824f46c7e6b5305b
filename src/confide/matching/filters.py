"""Hard filters over the columnar index, and each eligible therapist's first opening. Pure:
NumPy, the stdlib and the pure supply rules only.

Filters run in a fixed order on a shrinking candidate list, starting from the therapists licensed
in the person's state, so `excluded` counts each therapist once, under the first constraint that
removes them. Opening bitmaps are rows of little-endian 64-bit words: bit i of the row is tick i.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from confide.matching.columns import (
    F64,
    I32,
    I64,
    U8,
    U64,
    Bool,
    Columns,
    Query,
    has_all,
    has_any,
    pack_ticks,
    take,
)
from confide.network import supply_rules

EARTH_RADIUS_KM = 6371.0088
# The constraints in the order they are applied; the keys of `excluded`.
CONSTRAINTS = (
    "licence",
    "format",
    "accepting",
    "capacity",
    "payment",
    "setting",
    "preferences",
    "availability",
)


@dataclass
class Eligible:
    rows: I64
    first_tick: I64
    distance_km: F64
    excluded: dict[str, int]


def eligible(cols: Columns, q: Query, skip: frozenset[str] = frozenset()) -> Eligible:
    """The rows that pass every hard constraint not in `skip`, with first openings."""
    # every check runs over the rows licensed in the person's state; rows are compressed once
    rows = cols.rows_by_state[q.state].astype(np.int64)
    distance = _distance_km(cols, q, rows)
    checks = [
        *_supply_checks(cols, q, rows),
        ("payment", None if "payment" in skip else _payment(cols, q, rows)),
        ("setting", None if "setting" in skip else _setting(cols, q, rows, distance)),
        ("preferences", None if "preferences" in skip else _required_preferences(cols, q, rows)),
    ]
    keep, excluded = _apply(checks, len(rows), cols.size - len(rows))
    rows = rows[keep]
    distance = distance[keep] if distance is not None else np.full(len(rows), np.nan)
    first = _first_openings(cols, q, rows, any_time="availability" in skip)
    found = first >= 0
    excluded["availability"] = 0 if "availability" in skip else len(rows) - int(found.sum())
    return Eligible(
        rows=rows[found], first_tick=first[found], distance_km=distance[found], excluded=excluded
    )


Check = tuple[str, Bool | None]  # None: nothing to check


def _supply_checks(cols: Columns, q: Query, rows: I64) -> list[Check]:
    """Licensed where the partner is too, serving this format, taking new clients, with room."""
    s = q.session_type
    licensed = None
    if q.partner_state is not None:
        bit = np.uint64(1) << np.uint64(q.partner_state)
        licensed = (take(cols.licence_bits, rows) & bit) != 0
    return [
        ("licence", licensed),
        (
            "format",
            supply_rules.serves(take(cols.populations, rows), q.population)
            & (take(cols.duration[s], rows) > 0),
        ),
        ("accepting", supply_rules.taking_at(take(cols.available_from, rows), q.now_minute)),
        ("capacity", supply_rules.room_for(take(cols.room, rows), q.newcomers)),
    ]


def _payment(cols: Columns, q: Query, rows: I64) -> Bool | None:
    """On the person's plan's panel in their state, or within their self-pay budget."""
    if q.panel is not None:
        members = cols.panel_rows.get(q.panel)
        if members is None or len(members) == 0:
            return np.zeros(len(rows), dtype=np.bool_)
        at = np.minimum(np.searchsorted(members, rows), len(members) - 1)
        on_panel: Bool = take(members, at) == rows
        return on_panel
    if q.max_rate_cents is not None:
        affordable: Bool = take(cols.lowest_rate[q.session_type], rows) <= q.max_rate_cents
        return affordable
    return None


def _distance_km(cols: Columns, q: Query, rows: I64) -> F64 | None:
    """Kilometres to each office (NaN without one) when the person gave a place and a limit."""
    if q.origin is None or q.max_km is None:
        return None
    distance = np.full(len(rows), np.nan)
    near = take(cols.in_person, rows)
    distance[near] = haversine_km(
        take(cols.latitude, rows[near]), take(cols.longitude, rows[near]), q.origin
    )
    return distance


def _setting(cols: Columns, q: Query, rows: I64, distance: F64 | None) -> Bool | None:
    if q.setting == "telehealth":
        telehealth: Bool = take(cols.telehealth, rows)
        return telehealth
    if distance is None:
        return None
    within = distance <= (q.max_km or 0.0)  # NaN (no office nearby) is never within
    return within if q.setting == "in_person" else within | take(cols.telehealth, rows)


def _required_preferences(cols: Columns, q: Query, rows: I64) -> Bool | None:
    if not q.required:
        return None
    met = preference_checks(cols, q, rows)
    passing = np.ones(len(rows), dtype=np.bool_)
    for name in q.required:
        passing &= met[name]
    return passing


def _apply(checks: list[Check], rows: int, unlicensed: int) -> tuple[Bool, dict[str, int]]:
    """Rows kept by every check, and how many each check was the first to remove."""
    excluded: dict[str, int] = {"licence": unlicensed}
    keep = np.ones(rows, dtype=np.bool_)
    left = rows
    for name, check in checks:
        if check is None:
            excluded.setdefault(name, 0)
            continue
        keep &= check
        now_left = int(np.count_nonzero(keep))
        excluded[name] = excluded.get(name, 0) + left - now_left
        left = now_left
    return keep, excluded


def _first_openings(cols: Columns, q: Query, rows: I64, *, any_time: bool) -> I64:
    """Each row's first free tick within the person's windows (any time when `any_time`)."""
    s = q.session_type
    words = cols.openings[s].shape[0]
    if any_time:
        q = replace(
            q, window_masks={d: np.ones(words * 64, dtype=np.bool_) for d in cols.durations[s]}
        )
    masks = _opening_masks(cols, q, words)
    return first_free(
        cols.openings[s],
        take(cols.opening_slot[s], rows),
        np.ascontiguousarray(masks.reshape(-1, words).T),
        take(cols.time_class[s], rows),
    )


def haversine_km(lat: F64, lon: F64, origin: tuple[float, float]) -> F64:
    lat0, lon0 = origin
    a = np.sin((lat - lat0) / 2) ** 2 + np.cos(lat0) * np.cos(lat) * np.sin((lon - lon0) / 2) ** 2
    result: F64 = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
    return result


def preference_checks(cols: Columns, q: Query, rows: I64) -> dict[str, Bool]:
    """For each preference the person gave: whether each row meets it."""
    checks: dict[str, Bool] = {}
    if q.gender is not None:
        checks["therapist_gender"] = take(cols.gender, rows) == q.gender
    if q.languages:
        checks["languages"] = has_any(take(cols.languages, rows), q.languages)
    if q.modalities:
        checks["modalities"] = has_any(take(cols.modalities, rows), q.modalities)
    if q.identities:
        checks["identities"] = has_all(take(cols.identities, rows), q.identities)
    if q.faith is not None:
        checks["faith"] = take(cols.faith, rows) == q.faith
    return checks


def _opening_masks(cols: Columns, q: Query, words: int) -> U64:
    """Per (duration code, notice code): the ticks the person can take, packed."""
    s = q.session_type
    durations = cols.durations[s]
    ticks = words * 64
    tick = np.arange(ticks)
    table = np.zeros((max(1, len(durations)), max(1, len(cols.notices)), ticks), dtype=np.bool_)
    for d, minutes in enumerate(durations):
        window = np.zeros(ticks, dtype=np.bool_)
        mask = q.window_masks.get(minutes)
        if mask is not None:
            window[: min(len(mask), ticks)] = mask[:ticks]
        for n, hours in enumerate(cols.notices):
            first = q.first_tick_by_notice.get(hours, ticks)
            table[d, n] = window & (tick >= first) & (tick < q.horizon_tick)
    flat = table.reshape(-1, ticks)
    return pack_ticks(flat).reshape(table.shape[0], table.shape[1], words)


def _lowest_bit(value: U64) -> I64:
    lowest = value & (~value + np.uint64(1))
    result: I64 = np.log2(lowest.astype(np.float64)).astype(np.int64)
    return result


def first_free(bitmaps: U64, slots: I32, masks: U64, classes: U8) -> I64:
    """First tick free in both a row's bitmap and its class's mask; -1 when none.

    Bitmaps and masks are word-major (words x slots, words x classes). Word by word: most rows
    find a start in the first words, so later words are read only for the rows still looking.
    """
    first = np.full(len(slots), -1, dtype=np.int64)
    pending = np.arange(len(slots))
    slot = slots.astype(np.intp)
    cls = classes.astype(np.intp)
    for k in range(bitmaps.shape[0]):
        if not len(pending):
            break
        word = np.take(bitmaps[k], slot)
        word &= np.take(masks[k], cls)
        hit = word != 0
        if hit.any():
            first[pending[hit]] = k * 64 + _lowest_bit(word[hit])
            miss = ~hit
            pending, slot, cls = pending[miss], slot[miss], cls[miss]
    return first
