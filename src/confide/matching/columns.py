"""The matching index's columns and a query in index terms: positions and bitmasks, not codes.
Pure: NumPy, the stdlib and the pure supply rules only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from confide.network import supply_rules

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

INDIVIDUALS, COUPLES, FAMILIES = 1, 2, 4
LAPSE_NEVER = int(np.iinfo(np.int64).max)


@dataclass
class Columns:
    """One row per therapist (row i), session types and concerns as leading axes."""

    licence_bits: U64  # bit s: a licence listed in state s (active, verified recently)
    # microseconds since the epoch after which the row's first listed licence ages out
    # (supply_rules.licence_lapses_at); LAPSE_NEVER without one
    licence_lapse: I64
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


def derive(cols: Columns) -> None:
    """Recompute the derived columns from the stored ones."""
    cols.available_from = supply_rules.new_clients_from(
        cols.accepting, cols.paused_until, cols.utc_offset
    )
    cols.room = supply_rules.caseload_room(cols.caseload_limit, cols.active_clients)
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


def take(column: npt.NDArray[Any], rows: I64) -> npt.NDArray[Any]:
    # np.take is several times faster than fancy indexing on large row sets
    return np.take(column, rows, axis=0)


def has_all(bits: U32, mask: int) -> Bool:
    wanted = np.uint32(mask)
    result: Bool = (bits & wanted) == wanted
    return result


def has_any(bits: U32, mask: int) -> Bool:
    result: Bool = (bits & np.uint32(mask)) != 0
    return result
