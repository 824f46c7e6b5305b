"""The matching index from the database: built in one pass of bulk queries, then updated row by
row when a therapist's supply or appointments change.

Openings come from the scheduling engine's OpeningsGrid. The supply rules a hold checks and the
slot engine does not (accepting, paused, weekly new-client limit, caseload) are applied here with
the same definitions (network/supply_rules.py), so every opening matching offers can be held.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from confide.matching.columns import I64, U64, Bool, Columns, derive, pack_ticks
from confide.matching.index import (
    EPOCH_DAY,
    POPULATION_BITS,
    Codes,
    MatchIndex,
    empty_columns,
    encode_times,
    first_session_positions,
    index_rows_by_state,
    micros,
    place_openings,
)
from confide.models import (
    Licence,
    PanelParticipation,
    Therapist,
    TherapistIdentity,
    TherapistLanguage,
    TherapistModality,
    TherapistPopulation,
    TherapistService,
    TherapistSpecialty,
    among,
)
from confide.network.supply_queries import caseload_sizes, listed_licence
from confide.network.supply_rules import licence_lapses_at
from confide.scheduling.capacity import full_weeks
from confide.scheduling.openings import OpeningsGrid
from confide.scheduling.timegrid import to_minute, zone
from confide.vocab import Vocabulary, get_vocabulary


def _rows(ids: I64, therapist_ids: Sequence[int]) -> I64:
    result: I64 = np.searchsorted(ids, np.asarray(therapist_ids, dtype=np.int64))
    return result


def load_columns(
    session: Session,
    now: datetime,
    codes: Codes,
    ids: I64,
    words: int,
    only: Sequence[int] | None = None,
) -> tuple[Columns, dict[tuple[int, int], list[int]], dict[int, str], dict[int, int]]:
    """Columns for `ids` (all therapists, or the `only` subset already in `ids`) from bulk
    queries; also panel rows, each therapist's time zone and weekly new-client limit."""
    first = first_session_positions(codes)
    load = _ColumnLoad(session, codes, ids, only, empty_columns(len(ids), codes, words, first))
    zones, weekly_limit = load.therapists(now)
    load.licences(now)
    load.profiles()
    load.services(first)
    panels = load.panels()
    load.caseloads(now)
    return load.cols, panels, zones, weekly_limit


@dataclass
class _ColumnLoad:
    """Fills `cols` for the therapists `ids` (or the `only` subset) one table at a time."""

    session: Session
    codes: Codes
    ids: I64
    only: Sequence[int] | None
    cols: Columns

    def row(self, therapist_id: int) -> int:
        return int(np.searchsorted(self.ids, therapist_id))

    def therapists(self, now: datetime) -> tuple[dict[int, str], dict[int, int]]:
        """The therapist rows' columns; returns each one's time zone and weekly limit."""
        cols, pos = self.cols, self.codes.position
        therapists = self.session.execute(
            select(
                Therapist.id,
                Therapist.gender,
                Therapist.accepting_new_clients,
                Therapist.paused_until,
                Therapist.timezone,
                Therapist.caseload_limit,
                Therapist.weekly_new_client_limit,
                Therapist.offers_telehealth,
                Therapist.offers_in_person,
                Therapist.office_latitude,
                Therapist.office_longitude,
                Therapist.faith,
                Therapist.minimum_notice_hours,
            ).where(among(Therapist.id, self.only))
        ).all()
        zones: dict[int, str] = {}
        weekly_limit: dict[int, int] = {}
        offsets: dict[str, int] = {}
        for t in therapists:
            row = self.row(t.id)
            cols.gender[row] = pos["genders"][t.gender]
            cols.accepting[row] = t.accepting_new_clients
            cols.paused_until[row] = (
                t.paused_until.toordinal() - EPOCH_DAY if t.paused_until else -1
            )
            if t.timezone not in offsets:
                delta = now.astimezone(zone(t.timezone)).utcoffset() or timedelta(0)
                offsets[t.timezone] = int(delta.total_seconds() // 60)
            cols.utc_offset[row] = offsets[t.timezone]
            cols.caseload_limit[row] = t.caseload_limit
            cols.telehealth[row] = t.offers_telehealth
            cols.in_person[row] = t.offers_in_person
            if t.office_latitude is not None and t.office_longitude is not None:
                cols.latitude[row] = np.radians(t.office_latitude)
                cols.longitude[row] = np.radians(t.office_longitude)
            cols.faith[row] = pos["faiths"][t.faith] if t.faith else -1
            cols.notice_hours[row] = t.minimum_notice_hours
            zones[t.id] = t.timezone
            weekly_limit[t.id] = t.weekly_new_client_limit
        return zones, weekly_limit

    def licences(self, now: datetime) -> None:
        """Bit s of licence_bits: a licence listed in state s (active, verified recently); and
        when the first of them ages out, so the index re-reads the row then."""
        states = self.codes.position["states"]
        cols = self.cols
        for tid, state, verified_at in self.session.execute(
            select(Licence.therapist_id, Licence.state, Licence.verified_at).where(
                listed_licence(now), among(Licence.therapist_id, self.only)
            )
        ):
            row = self.row(tid)
            cols.licence_bits[row] |= np.uint64(1 << states[state])
            assert verified_at is not None  # listed_licence: verified
            lapse = micros(licence_lapses_at(verified_at))
            if lapse < cols.licence_lapse[row]:
                cols.licence_lapse[row] = lapse

    def profiles(self) -> None:
        """Populations, languages, modalities and identities as bits; concern strengths."""
        cols, pos, only = self.cols, self.codes.position, self.only
        for tid, population in self.session.execute(
            select(TherapistPopulation.therapist_id, TherapistPopulation.population).where(
                among(TherapistPopulation.therapist_id, only)
            )
        ):
            cols.populations[self.row(tid)] |= POPULATION_BITS[population]
        for table, column, kind in (
            (TherapistLanguage, TherapistLanguage.language, "languages"),
            (TherapistModality, TherapistModality.modality, "modalities"),
            (TherapistIdentity, TherapistIdentity.identity, "identities"),
        ):
            target = getattr(cols, kind)
            for tid, code in self.session.execute(
                select(table.therapist_id, column).where(among(table.therapist_id, only))
            ):
                target[self.row(tid)] |= np.uint32(1 << pos[kind][code])
        for tid, concern, strength in self.session.execute(
            select(
                TherapistSpecialty.therapist_id,
                TherapistSpecialty.concern,
                TherapistSpecialty.strength,
            ).where(among(TherapistSpecialty.therapist_id, only))
        ):
            cols.concern[pos["concerns"][concern], self.row(tid)] = (
                2 if strength == "primary" else 1
            )

    def services(self, first: Collection[int]) -> None:
        """Length and rates of the first-session types (positions `first`)."""
        cols = self.cols
        for service in self.session.execute(
            select(TherapistService).where(among(TherapistService.therapist_id, self.only))
        ).scalars():
            place = self.codes.position["session_types"][service.session_type]
            if place not in first:
                continue
            row = self.row(service.therapist_id)
            cols.duration[place][row] = service.duration_minutes
            cols.rate_cents[place][row] = service.self_pay_rate_cents
            cols.sliding_cents[place][row] = service.sliding_scale_min_cents or 0

    def panels(self) -> dict[tuple[int, int], list[int]]:
        """Rows on each (plan, state) panel."""
        pos = self.codes.position
        panels: dict[tuple[int, int], list[int]] = defaultdict(list)
        for tid, plan, state in self.session.execute(
            select(
                PanelParticipation.therapist_id,
                PanelParticipation.plan_code,
                PanelParticipation.state,
            ).where(among(PanelParticipation.therapist_id, self.only))
        ):
            panels[(pos["plans"][plan], pos["states"][state])].append(self.row(tid))
        return panels

    def caseloads(self, now: datetime) -> None:
        for tid, count in self.session.execute(caseload_sizes(now, self.only)):
            self.cols.active_clients[self.row(tid)] = count


def pack_openings(
    grid: OpeningsGrid,
    ids: Sequence[int],
    session_type: str,
    blocked: dict[int, list[tuple[int, int]]],
) -> U64:
    """The grid's free starts for `ids` (rows in that order), minus weeks with no room."""
    free: Bool = np.zeros((len(ids), grid.ticks), np.bool_)
    if session_type in grid.free and len(grid.therapist_ids):
        at = np.searchsorted(grid.therapist_ids, np.asarray(ids, dtype=np.int64))
        at = np.minimum(at, len(grid.therapist_ids) - 1)
        present = grid.therapist_ids[at] == np.asarray(ids, dtype=np.int64)
        free[present] = grid.free[session_type][at[present]]
    base = to_minute(grid.base)
    for row, tid in enumerate(ids):
        for week_start, week_end in blocked.get(int(tid), ()):
            lo = max(0, -((base - week_start) // grid.step_minutes))
            hi = max(0, -((base - week_end) // grid.step_minutes))
            free[row, lo:hi] = False
    return pack_ticks(free)


def build_index(
    session: Session, grid: OpeningsGrid, now: datetime, vocab: Vocabulary | None = None
) -> MatchIndex:
    """Every therapist in the database, with the grid's openings."""
    codes = Codes.from_vocabulary(vocab or get_vocabulary())
    ids = np.asarray(
        list(session.scalars(select(Therapist.id).order_by(Therapist.id))), dtype=np.int64
    )
    words = max(1, -(-grid.ticks // 64))
    cols, panels, zones, weekly_limit = load_columns(session, now, codes, ids, words)
    cols.panel_rows = {key: np.asarray(sorted(rows), np.int32) for key, rows in panels.items()}
    index_rows_by_state(cols, len(codes.states))
    encode_times(cols)
    derive(cols)
    end = grid.base + timedelta(minutes=grid.ticks * grid.step_minutes)
    blocked = full_weeks(session, now, grid.base, end, zones, weekly_limit)
    for s, code in enumerate(codes.session_types):
        if code in grid.free:
            place_openings(cols, s)
            offering = ids[cols.opening_slot[s] >= 0].tolist()
            cols.openings[s] = np.ascontiguousarray(pack_openings(grid, offering, code, blocked).T)
    index = MatchIndex(
        ids=ids,
        cols=cols,
        codes=codes,
        base=grid.base,
        ticks=grid.ticks,
        computed_at=grid.computed_at,
        step_minutes=grid.step_minutes,
    )
    index.note_lapses()
    return index


ROW_FIELDS = (
    "licence_bits",
    "licence_lapse",
    "populations",
    "accepting",
    "paused_until",
    "utc_offset",
    "caseload_limit",
    "active_clients",
    "telehealth",
    "in_person",
    "latitude",
    "longitude",
    "gender",
    "languages",
    "modalities",
    "identities",
    "faith",
    "notice_hours",
)
PER_TYPE_FIELDS = ("duration", "rate_cents", "sliding_cents")


def update_index(
    index: MatchIndex,
    session: Session,
    grid: OpeningsGrid,
    therapist_ids: Collection[int],
    now: datetime,
) -> MatchIndex:
    """Re-read these therapists' rows in place; a new therapist or a moved grid rebuilds."""
    if (
        grid.base != index.base
        or grid.ticks != index.ticks
        or len(index.rows_of(therapist_ids)) != len(set(therapist_ids))
    ):
        return build_index(session, grid, now)
    ids = sorted(therapist_ids)
    if not ids:
        return index
    rows = _rows(index.ids, ids)
    words = index.cols.openings[0].shape[0]
    fresh, panels, zones, weekly_limit = load_columns(
        session, now, index.codes, np.asarray(ids, np.int64), words, only=ids
    )
    cols = index.cols
    first = first_session_positions(index.codes)
    if any(((cols.opening_slot[s][rows] < 0) & (fresh.duration[s] > 0)).any() for s in first):
        # a therapist started offering a first session: bitmaps need a new slot
        return build_index(session, grid, now)
    licences_changed = bool((cols.licence_bits[rows] != fresh.licence_bits).any())
    for name in ROW_FIELDS:
        getattr(cols, name)[rows] = getattr(fresh, name)
    cols.concern[:, rows] = fresh.concern
    for name in PER_TYPE_FIELDS:
        for s in first:
            getattr(cols, name)[s][rows] = getattr(fresh, name)[s]
    if licences_changed:
        index_rows_by_state(cols, len(index.codes.states))
    _update_panels(
        cols, rows, {key: [int(rows[r]) for r in members] for key, members in panels.items()}
    )
    encode_times(cols)
    derive(cols)
    end = grid.base + timedelta(minutes=grid.ticks * grid.step_minutes)
    blocked = full_weeks(session, now, grid.base, end, zones, weekly_limit, only=ids)
    for s, code in enumerate(index.codes.session_types):
        if code in grid.free:
            slots = cols.opening_slot[s][rows]
            placed = slots >= 0
            if placed.any():
                cols.openings[s][:, slots[placed]] = pack_openings(
                    grid, [t for t, ok in zip(ids, placed, strict=True) if ok], code, blocked
                ).T
    index.computed_at = max(index.computed_at, grid.computed_at)
    index.note_lapses()
    return index


def _update_panels(cols: Columns, rows: I64, fresh: dict[tuple[int, int], list[int]]) -> None:
    changed = set(rows.tolist())
    for key in set(cols.panel_rows) | set(fresh):
        old = cols.panel_rows.get(key, np.zeros(0, np.int32))
        kept = [r for r in old.tolist() if r not in changed] if len(old) else []
        new = sorted(set(kept) | set(fresh.get(key, [])))
        if new != old.tolist():
            cols.panel_rows[key] = np.asarray(new, np.int32)
