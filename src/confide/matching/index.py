"""The matching index: every therapist as a row of NumPy columns, with the positions of every code.

indexing.py fills it from the database; benchmarks/synthetic.py from a generated network.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import numpy as np

from confide.matching.columns import COUPLES, FAMILIES, I64, INDIVIDUALS, LAPSE_NEVER, Columns
from confide.vocab import Vocabulary, get_vocabulary

EPOCH_DAY = date(1970, 1, 1).toordinal()
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
POPULATION_BITS = {"individuals": INDIVIDUALS, "couples": COUPLES, "families": FAMILIES}


@dataclass(frozen=True)
class Codes:
    """Positions of every code in the index's columns and bitmasks."""

    states: tuple[str, ...]
    concerns: tuple[str, ...]
    modalities: tuple[str, ...]
    languages: tuple[str, ...]
    identities: tuple[str, ...]
    faiths: tuple[str, ...]
    plans: tuple[str, ...]
    session_types: tuple[str, ...]
    genders: tuple[str, ...]
    position: dict[str, dict[str, int]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "position",
            {
                name: {code: i for i, code in enumerate(getattr(self, name))}
                for name in (
                    "states",
                    "concerns",
                    "modalities",
                    "languages",
                    "identities",
                    "faiths",
                    "plans",
                    "session_types",
                    "genders",
                )
            },
        )

    @classmethod
    def from_vocabulary(cls, vocab: Vocabulary) -> Codes:
        return cls(
            states=tuple(vocab.states),
            concerns=tuple(vocab.concerns),
            modalities=tuple(vocab.modalities),
            languages=tuple(vocab.languages),
            identities=tuple(vocab.identities),
            faiths=tuple(vocab.faiths),
            plans=tuple(vocab.plans),
            session_types=tuple(vocab.session_types),
            genders=tuple(vocab.genders),
        )

    def of(self, kind: str, code: str) -> int:
        return self.position[kind][code]

    def mask(self, kind: str, codes: Iterable[str]) -> int:
        bits = 0
        for code in codes:
            bits |= 1 << self.position[kind][code]
        return bits


@dataclass
class MatchIndex:
    ids: I64  # therapist ids, ascending; row i is ids[i]
    cols: Columns
    codes: Codes
    base: datetime  # tick i is base + i * 30 minutes
    ticks: int
    computed_at: datetime
    step_minutes: int = 30
    # the earliest cols.licence_lapse: until then no licence the index lists has aged out
    next_lapse: int = LAPSE_NEVER

    @property
    def size(self) -> int:
        return len(self.ids)

    def note_lapses(self) -> None:
        """Find the next instant a listed licence ages out (after the rows were loaded)."""
        lapse = self.cols.licence_lapse
        self.next_lapse = int(lapse.min()) if len(lapse) else LAPSE_NEVER

    def lapsed_by(self, now: datetime) -> set[int]:
        """Therapists with a licence listed here whose verification has aged out by `now`:
        their rows are out of date (a licence ages without any change in the database)."""
        at = micros(now)
        if at <= self.next_lapse:
            return set()
        return set(self.ids[self.cols.licence_lapse < at].tolist())

    def rows_of(self, therapist_ids: Collection[int]) -> I64:
        wanted = np.asarray(sorted(therapist_ids), dtype=np.int64)
        rows = np.searchsorted(self.ids, wanted)
        rows = np.minimum(rows, max(self.size - 1, 0))
        result: I64 = rows[self.ids[rows] == wanted] if self.size else rows[:0]
        return result

    def start_of(self, tick: int) -> datetime:
        return self.base + timedelta(minutes=int(tick) * self.step_minutes)

    def nbytes(self) -> int:
        """Bytes held by the index's arrays (broadcast views of zeros count nothing)."""

        def size(value: object) -> int:
            if isinstance(value, np.ndarray) and all(value.strides):
                return int(value.nbytes)
            return 0

        total = size(self.ids)
        for value in vars(self.cols).values():
            if isinstance(value, list):
                total += sum(size(v) for v in value)
            elif isinstance(value, dict):
                total += sum(size(v) for v in value.values())
            else:
                total += size(value)
        return total


def micros(moment: datetime) -> int:
    """Microseconds since the epoch: the instant exactly, as licence_lapse holds it."""
    return (moment - EPOCH) // timedelta(microseconds=1)


def _zeros(n: int, dtype: type[np.generic]) -> np.ndarray:
    """A read-only column of zeros that takes no memory."""
    return np.broadcast_to(np.zeros(1, dtype), (n,))


def empty_columns(n: int, codes: Codes, words: int, first: Collection[int]) -> Columns:
    """Columns of n rows; per-session-type columns are real only for the types in `first`."""
    s, c = len(codes.session_types), len(codes.concerns)

    def per_type(dtype: type[np.generic]) -> list[np.ndarray]:
        return [np.zeros(n, dtype) if t in first else _zeros(n, dtype) for t in range(s)]

    return Columns(
        licence_bits=np.zeros(n, np.uint64),
        licence_lapse=np.full(n, LAPSE_NEVER, np.int64),
        rows_by_state=[],
        populations=np.zeros(n, np.uint8),
        accepting=np.zeros(n, np.bool_),
        paused_until=np.full(n, -1, np.int32),
        utc_offset=np.zeros(n, np.int16),
        caseload_limit=np.zeros(n, np.int32),
        active_clients=np.zeros(n, np.int32),
        telehealth=np.zeros(n, np.bool_),
        in_person=np.zeros(n, np.bool_),
        latitude=np.full(n, np.nan),
        longitude=np.full(n, np.nan),
        gender=np.full(n, -1, np.int8),
        languages=np.zeros(n, np.uint32),
        modalities=np.zeros(n, np.uint32),
        identities=np.zeros(n, np.uint32),
        faith=np.full(n, -1, np.int8),
        concern=np.zeros((c, n), np.int8),
        duration=per_type(np.int16),
        rate_cents=per_type(np.int32),
        sliding_cents=per_type(np.int32),
        duration_code=per_type(np.uint8),
        notice_hours=np.zeros(n, np.int16),
        notice_code=np.zeros(n, np.uint8),
        available_from=np.zeros(n, np.int32),
        room=np.zeros(n, np.int16),
        lowest_rate=per_type(np.int32),
        time_class=per_type(np.uint8),
        durations=[[] for _ in range(s)],
        notices=[],
        openings=[np.zeros((words, 0), np.uint64) for _ in range(s)],
        opening_slot=[np.full(n, -1, np.int32) for _ in range(s)],
        panel_rows={},
    )


def first_session_positions(codes: Codes, vocab: Vocabulary | None = None) -> set[int]:
    vocab = vocab or get_vocabulary()
    return {
        i for i, code in enumerate(codes.session_types) if vocab.session_types[code].first_session
    }


def index_rows_by_state(cols: Columns, states: int) -> None:
    bits = cols.licence_bits
    cols.rows_by_state = [
        np.flatnonzero(bits & (np.uint64(1) << np.uint64(s))).astype(np.int32)
        for s in range(states)
    ]


def encode_times(cols: Columns) -> None:
    """Small codes for (duration, notice) so a query builds one opening mask per pair."""
    for s in range(len(cols.duration)):
        if not cols.duration_code[s].flags.writeable:
            cols.durations[s] = [0]
            continue
        known = sorted(set(cols.durations[s]) | {int(d) for d in np.unique(cols.duration[s])})
        cols.durations[s] = known
        lookup = np.zeros(max(known, default=0) + 1, np.uint8)
        lookup[known] = np.arange(len(known))
        cols.duration_code[s][:] = lookup[cols.duration[s]]
    notices = sorted(set(cols.notices) | {int(h) for h in np.unique(cols.notice_hours)})
    cols.notices = notices
    lookup = np.zeros(max(notices, default=0) + 1, np.uint8)
    lookup[notices] = np.arange(len(notices))
    cols.notice_code = lookup[cols.notice_hours]


def place_openings(cols: Columns, s: int) -> None:
    """Give every row offering session type s a bitmap slot (in row order)."""
    offered = cols.duration[s] > 0
    slot = np.full(len(offered), -1, np.int32)
    slot[offered] = np.arange(int(offered.sum()), dtype=np.int32)
    cols.opening_slot[s] = slot
