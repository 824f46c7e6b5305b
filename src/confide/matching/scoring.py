"""Hard filters, a vectorised score and top-k over the columnar index. Pure: NumPy and stdlib only.

Filters run in a fixed order on a shrinking candidate list, starting from the therapists licensed
in the person's state, so `excluded` counts each therapist once, under the first constraint that
removes them. Opening bitmaps are rows of little-endian 64-bit words: bit i of the row is tick i.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

I8 = npt.NDArray[np.int8]
I16 = npt.NDArray[np.int16]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint8]
U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
Bool = npt.NDArray[np.bool_]

EARTH_RADIUS_KM = 6371.0088
INDIVIDUALS, COUPLES, FAMILIES = 1, 2, 4
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
# What a person can loosen when nothing matches.
RELAXABLE = ("payment", "setting", "preferences", "availability")
# Specialty strength (0 none, 1 secondary, 2 primary) to concern fit.
SPECIALTY_FIT = np.array([0.0, 0.6, 1.0], dtype=np.float32)
COUPLES_TRAINED_BONUS = 0.3
WEIGHTS = {"concerns": 0.45, "preferences": 0.2, "soon": 0.25, "capacity": 0.1}


@dataclass
class Columns:
    """One row per therapist (row i), session types and concerns as leading axes."""

    licence_bits: U64  # bit s: an active licence in state s
    rows_by_state: list[I32]  # rows licensed in state s, ascending
    populations: U8  # INDIVIDUALS | COUPLES | FAMILIES
    accepting: Bool
    paused_until: I32  # days since 1970-01-01 of the first day back; -1 when not paused
    utc_offset: I16  # minutes, the therapist's zone at build time: pauses end at local midnight
    caseload_limit: I32
    active_clients: I32
    telehealth: Bool
    in_person: Bool
    latitude: F64  # radians; NaN without an office
    longitude: F64
    gender: I8
    languages: U32  # bit per language
    modalities: U32  # bit per modality
    identities: U32  # bit per identity
    faith: I8  # -1 when none listed
    concern: I8  # concerns x rows: 0 none, 1 secondary, 2 primary
    # per session type (first sessions only; the others are read-only zeros)
    duration: list[I16]  # minutes, 0 when not offered
    rate_cents: list[I32]
    sliding_cents: list[I32]  # 0 without a sliding scale
    duration_code: list[U8]  # index into durations[s]
    notice_hours: I16
    notice_code: U8  # index into notices
    # derived from the columns above by `derive`, so a query reads one column per check
    available_from: I32  # epoch minute from which new clients are taken (accepting, unpaused)
    room: I16  # caseload places left
    lowest_rate: list[I32]  # per session type: the sliding-scale minimum, else the rate
    time_class: list[U8]  # per session type: duration_code * len(notices) + notice_code
    durations: list[list[int]]  # per session type, the distinct durations
    notices: list[int]  # the distinct minimum-notice hours
    # per session type: bitmaps (words x offering therapists), bit i = a free start at tick i,
    # and each row's place among them (-1 when the therapist does not offer the type)
    openings: list[U64]
    opening_slot: list[I32]
    panel_rows: dict[tuple[int, int], I32]  # (plan, state) -> rows in network, ascending

    @property
    def size(self) -> int:
        return len(self.licence_bits)


@dataclass(frozen=True)
class Query:
    """An intake in index terms: positions and bitmasks, not codes."""

    state: int
    partner_state: int | None
    population: int
    session_type: int
    now_minute: int  # minutes since the epoch
    newcomers: int = 1  # caseload places a first session takes: two for a couple
    panel: tuple[int, int] | None = None  # (plan, state) when paying with insurance
    max_rate_cents: int | None = None
    setting: str = "telehealth"
    origin: tuple[float, float] | None = None  # radians
    max_km: float | None = None
    gender: int | None = None
    languages: int = 0
    modalities: int = 0
    identities: int = 0
    faith: int | None = None
    required: frozenset[str] = frozenset()
    # per duration: ticks whose session [t, t + d) lies inside the person's windows
    window_masks: dict[int, Bool] = field(default_factory=dict)
    first_tick_by_notice: dict[int, int] = field(default_factory=dict)
    horizon_tick: int = 0
    concerns: tuple[int, ...] = ()
    relationship: tuple[bool, ...] = ()
    couples_modalities: int = 0
    competence_modalities: int = 0
    competence_concern: int = -1
    self_harm: bool = False
    limit: int = 10


@dataclass
class Eligible:
    rows: I64
    first_tick: I64
    distance_km: F64
    excluded: dict[str, int]


@dataclass
class Ranking:
    rows: I64  # the top k, best first
    scores: F32
    first_tick: I64
    distance_km: F64
    total_eligible: int
    excluded: dict[str, int]
    relax: dict[str, int] = field(default_factory=dict)


NEVER = np.iinfo(np.int32).max


def derive(cols: Columns) -> None:
    """Recompute the derived columns from the stored ones."""
    # paused until day P (local): new clients from local midnight starting day P
    pause_end = cols.paused_until.astype(np.int64) * 1440 - cols.utc_offset
    start = np.where(cols.paused_until >= 0, pause_end, 0)
    cols.available_from = np.where(cols.accepting, start, NEVER).astype(np.int32)
    cols.room = (cols.caseload_limit - cols.active_clients).astype(np.int16)
    cols.lowest_rate = [
        np.where(sliding > 0, sliding, rate).astype(np.int32) if rate.flags.writeable else rate
        for rate, sliding in zip(cols.rate_cents, cols.sliding_cents, strict=True)
    ]
    notices = max(1, len(cols.notices))
    cols.time_class = [
        (code.astype(np.int64) * notices + cols.notice_code).astype(np.uint8)
        if code.flags.writeable
        else code
        for code in cols.duration_code
    ]


def pack_ticks(free: Bool) -> U64:
    """Rows of booleans (rows x ticks) as rows of 64-bit words, bit i = tick i."""
    rows, ticks = free.shape
    words = max(1, -(-ticks // 64))
    padded = np.zeros((rows, words * 64), dtype=np.bool_)
    padded[:, :ticks] = free
    packed = np.packbits(padded, axis=1, bitorder="little")
    return np.ascontiguousarray(packed).view("<u8").astype(np.uint64, copy=False)


def haversine_km(lat: F64, lon: F64, origin: tuple[float, float]) -> F64:
    lat0, lon0 = origin
    a = np.sin((lat - lat0) / 2) ** 2 + np.cos(lat0) * np.cos(lat) * np.sin((lon - lon0) / 2) ** 2
    result: F64 = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
    return result


def _has_all(bits: U32, mask: int) -> Bool:
    wanted = np.uint32(mask)
    result: Bool = (bits & wanted) == wanted
    return result


def _has_any(bits: U32, mask: int) -> Bool:
    result: Bool = (bits & np.uint32(mask)) != 0
    return result


def preference_checks(cols: Columns, q: Query, rows: I64) -> dict[str, Bool]:
    """For each preference the person gave: whether each row meets it."""
    checks: dict[str, Bool] = {}
    if q.gender is not None:
        checks["therapist_gender"] = _at(cols.gender, rows) == q.gender
    if q.languages:
        checks["languages"] = _has_any(_at(cols.languages, rows), q.languages)
    if q.modalities:
        checks["modalities"] = _has_any(_at(cols.modalities, rows), q.modalities)
    if q.identities:
        checks["identities"] = _has_all(_at(cols.identities, rows), q.identities)
    if q.faith is not None:
        checks["faith"] = _at(cols.faith, rows) == q.faith
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


def _at(column: npt.NDArray[Any], rows: I64) -> npt.NDArray[Any]:
    # np.take is several times faster than fancy indexing on large row sets
    return np.take(column, rows, axis=0)


def eligible(cols: Columns, q: Query, skip: frozenset[str] = frozenset()) -> Eligible:
    """The rows that pass every hard constraint not in `skip`, with first openings."""
    # every check runs over the rows licensed in the person's state; rows are compressed once
    rows = cols.rows_by_state[q.state].astype(np.int64)
    s = q.session_type
    checks: list[tuple[str, Bool | None]] = []
    licensed = None
    if q.partner_state is not None:
        bit = np.uint64(1) << np.uint64(q.partner_state)
        licensed = (_at(cols.licence_bits, rows) & bit) != 0
    checks.append(("licence", licensed))
    checks.append(
        (
            "format",
            ((_at(cols.populations, rows) & np.uint8(q.population)) != 0)
            & (_at(cols.duration[s], rows) > 0),
        )
    )
    checks.append(("accepting", _at(cols.available_from, rows) <= q.now_minute))
    checks.append(("capacity", _at(cols.room, rows) >= q.newcomers))

    passing: Bool | None = None
    if "payment" not in skip:
        if q.panel is not None:
            members = cols.panel_rows.get(q.panel)
            if members is None or len(members) == 0:
                passing = np.zeros(len(rows), dtype=np.bool_)
            else:
                at = np.minimum(np.searchsorted(members, rows), len(members) - 1)
                passing = _at(members, at) == rows
        elif q.max_rate_cents is not None:
            passing = _at(cols.lowest_rate[s], rows) <= q.max_rate_cents
    checks.append(("payment", passing))

    distance: F64 | None = None
    passing = None
    if q.origin is not None and q.max_km is not None:
        distance = np.full(len(rows), np.nan)
        near = _at(cols.in_person, rows)
        distance[near] = haversine_km(
            _at(cols.latitude, rows[near]), _at(cols.longitude, rows[near]), q.origin
        )
    if "setting" not in skip:
        if q.setting == "telehealth":
            passing = _at(cols.telehealth, rows)
        elif distance is not None:
            within = distance <= (q.max_km or 0.0)  # NaN (no office nearby) is never within
            passing = within if q.setting == "in_person" else within | _at(cols.telehealth, rows)
    checks.append(("setting", passing))

    passing = None
    if q.required and "preferences" not in skip:
        met = preference_checks(cols, q, rows)
        passing = np.ones(len(rows), dtype=np.bool_)
        for name in q.required:
            passing &= met[name]
    checks.append(("preferences", passing))

    excluded: dict[str, int] = {"licence": cols.size - len(rows)}
    keep = np.ones(len(rows), dtype=np.bool_)
    left = len(rows)
    for name, check in checks:
        if check is not None:
            keep &= check
            now_left = int(np.count_nonzero(keep))
            excluded[name] = excluded.get(name, 0) + left - now_left
            left = now_left
        else:
            excluded.setdefault(name, 0)
    rows = rows[keep]
    distance = distance[keep] if distance is not None else np.full(len(rows), np.nan)

    words = cols.openings[s].shape[0]
    if "availability" in skip:
        allow = replace(
            q, window_masks={d: np.ones(words * 64, dtype=np.bool_) for d in cols.durations[s]}
        )
        masks = _opening_masks(cols, allow, words)
    else:
        masks = _opening_masks(cols, q, words)
    first = first_free(
        cols.openings[s],
        _at(cols.opening_slot[s], rows),
        np.ascontiguousarray(masks.reshape(-1, words).T),
        _at(cols.time_class[s], rows),
    )
    found = first >= 0
    excluded["availability"] = 0 if "availability" in skip else left - int(found.sum())
    rows, distance, first = rows[found], distance[found], first[found]
    return Eligible(rows=rows, first_tick=first, distance_km=distance, excluded=excluded)


def competence(cols: Columns, q: Query, rows: I64) -> Bool:
    """Crisis or trauma competence: a crisis or trauma approach, or trauma as a specialty."""
    result = _has_any(_at(cols.modalities, rows), q.competence_modalities)
    if q.competence_concern >= 0:
        result = result | (_at(cols.concern[q.competence_concern], rows) > 0)
    return result


def concern_fit(cols: Columns, q: Query, rows: I64) -> F32:
    """Mean fit over the person's concerns: primary over secondary; couples training counts
    toward relationship concerns."""
    total = np.zeros(len(rows), dtype=np.float32)
    if not q.concerns:
        return total
    bonus: F32 | None = None
    if any(q.relationship):
        trained = _has_any(_at(cols.modalities, rows), q.couples_modalities)
        bonus = trained.astype(np.float32) * np.float32(COUPLES_TRAINED_BONUS)
    for concern, relationship in zip(q.concerns, q.relationship, strict=True):
        fit = np.take(SPECIALTY_FIT, _at(cols.concern[concern], rows))
        if relationship and bonus is not None:
            fit += bonus
            np.minimum(fit, np.float32(1.0), out=fit)
        total += fit
    total *= np.float32(1.0 / len(q.concerns))
    return total


def score(cols: Columns, q: Query, found: Eligible) -> F32:
    rows = found.rows
    total = concern_fit(cols, q, rows)
    total *= np.float32(WEIGHTS["concerns"])
    soft = [met for name, met in preference_checks(cols, q, rows).items() if name not in q.required]
    if soft:
        met_count = np.zeros(len(rows), dtype=np.float32)
        for met in soft:
            met_count += met
        total += met_count * np.float32(WEIGHTS["preferences"] / len(soft))
    horizon = np.float32(max(q.horizon_tick, 1))
    soon = found.first_tick.astype(np.float32) / horizon
    np.clip(soon, 0.0, 1.0, out=soon)
    total += (np.float32(1.0) - soon) * np.float32(WEIGHTS["soon"])
    limit = np.maximum(_at(cols.caseload_limit, rows), 1).astype(np.float32)
    room = _at(cols.room, rows).astype(np.float32) / limit
    np.clip(room, 0.0, 1.0, out=room)
    total += room * np.float32(WEIGHTS["capacity"])
    if q.self_harm:
        # the weights sum to 1, so +1 ranks every competent therapist above every other
        total += competence(cols, q, rows)
    return total


def top_k(rows: I64, scores: F32, k: int) -> I64:
    """Positions of the k best scores, best first; ties go to the lower row."""
    if len(rows) > k:
        part = np.argpartition(-scores, k - 1)[:k]
        # ties at the cut: take every row scoring at least the k-th, then order exactly
        cut = scores[part].min()
        part = np.flatnonzero(scores >= cut)
    else:
        part = np.arange(len(rows))
    order = np.lexsort((rows[part], -scores[part]))
    result: I64 = part[order][:k]
    return result


def rank(cols: Columns, q: Query, relaxable: Sequence[str] = RELAXABLE) -> Ranking:
    """The eligible rows, scored, top k first; when none, how many each relaxation would give."""
    found = eligible(cols, q)
    scores = score(cols, q, found)
    best = top_k(found.rows, scores, q.limit)
    ranking = Ranking(
        rows=found.rows[best],
        scores=scores[best],
        first_tick=found.first_tick[best],
        distance_km=found.distance_km[best],
        total_eligible=len(found.rows),
        excluded=found.excluded,
    )
    if not len(found.rows):
        # constraints that removed someone, or came after everyone was already removed
        active, left = [], cols.size
        for name in CONSTRAINTS:
            if name in relaxable and (found.excluded.get(name, 0) or left == 0):
                active.append(name)
            left -= found.excluded.get(name, 0)
        for name in active:
            ranking.relax[name] = len(eligible(cols, q, frozenset({name})).rows)
        if not any(ranking.relax.values()):
            # no single change helps: try two at once
            for i, first in enumerate(active):
                for second in active[i + 1 :]:
                    ranking.relax[f"{first}+{second}"] = len(
                        eligible(cols, q, frozenset({first, second})).rows
                    )
    return ranking
