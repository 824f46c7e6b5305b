"""This process's matching index: built at start-up, kept in step with the openings index."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from sqlalchemy.orm import Session

from confide.config import Settings
from confide.db import Database
from confide.matching.index import MatchIndex
from confide.matching.indexing import build_index, update_index
from confide.matching.schemas import MatchIntake, MatchResponse
from confide.matching.service import database_cards, find_matches
from confide.matching.tally import MatchTallies
from confide.scheduling.openings import OpeningsGrid, OpeningsIndex
from confide.vocab import Vocabulary, get_vocabulary
from confide.vocab.catalogue import refresh_vocabulary


class LiveMatching:
    """This process's MatchIndex, kept in step with the scheduling engine's OpeningsIndex.

    At most every `refresh_seconds` a request asks the OpeningsIndex to pick up changes from the
    database (its own rows and other processes'); the therapists it reports are re-read here.
    """

    def __init__(
        self, database: Database, openings: OpeningsIndex, refresh_seconds: float, horizon_days: int
    ) -> None:
        self.database = database
        self.openings = openings
        self.refresh_seconds = refresh_seconds
        self.horizon_days = horizon_days
        self.index: MatchIndex | None = None
        self._grid: OpeningsGrid | None = None
        # therapists the openings index reported changed, not yet re-read here; kept as one set
        # for the life of the process (the subscription below holds it), under its own lock,
        # since the openings index may be refreshed from another thread (fhir_api's bulk files)
        self._pending: set[int] = set()
        self._pending_lock = threading.Lock()
        self._refreshed_at: float | None = None
        self._lock = threading.Lock()
        # the vocabulary the index's plan positions were last checked against
        self._vocabulary: Vocabulary | None = None
        # each answer's lead to a first session, counted for network health (tally.py)
        self.tallies: MatchTallies | None = None
        openings.subscribe(self._note_changed)

    def _note_changed(self, therapist_ids: set[int]) -> None:
        with self._pending_lock:
            self._pending.update(therapist_ids)

    def _take_changed(self) -> set[int]:
        """The therapists reported changed since the last call, and none left pending."""
        with self._pending_lock:
            changed = set(self._pending)
            self._pending.clear()
        return changed

    @contextmanager
    def reading(
        self, session: Session, now: datetime, *, force: bool = False
    ) -> Iterator[MatchIndex]:
        """The current index, refreshed when due; held so no update lands mid-query."""
        with self._lock:
            clock = time.monotonic()
            due = (
                self._refreshed_at is None
                or self.openings.stale
                or clock - self._refreshed_at >= self.refresh_seconds
            )
            if force or due or self.index is None:
                self.openings.refresh(session, now)
                self._refreshed_at = clock
            grid = self.openings.grid
            assert grid is not None
            changed = self._take_changed()
            if self.index is None or grid is not self._grid or self._new_plans():
                self.index = build_index(session, grid, now)
            else:
                # a licence verification the index relied on has aged out: nothing changed in
                # the database, so nothing else would tell; those therapists are re-read now
                changed |= self.index.lapsed_by(now)
                if changed:
                    self.index = update_index(self.index, session, grid, changed, now)
            self._grid = grid
            yield self.index

    def _new_plans(self) -> bool:
        """The plans in force have codes the index has no place for (an admin added one)."""
        vocabulary = get_vocabulary()
        if vocabulary is self._vocabulary:
            return False
        self._vocabulary = vocabulary
        return self.index is not None and self.index.codes.plans != tuple(vocabulary.plans)

    def matches(
        self, session: Session, intake: MatchIntake, now: datetime, *, counted: bool = True
    ) -> MatchResponse:
        """The shortlist for an intake, from the current index; cards read in `session`. A
        counted answer goes into the network health figures (not the app's own warm-up)."""
        with self.reading(session, now) as index:
            response = find_matches(
                index, intake, now, cards=database_cards(session), horizon_days=self.horizon_days
            )
        if counted and self.tallies is not None:
            openings = [result.first_opening for result in response.results]
            self.tallies.note(now, min(openings) if openings else None)
        return response

    def warm_up(self, now: datetime | None = None) -> MatchIndex:
        """Build the index now (at start-up) instead of on the first request."""
        with self.database.session() as session:
            refresh_vocabulary(session)  # the plans in force, before the index places them
            with self.reading(session, now or datetime.now(UTC), force=True) as index:
                return index


def install_matching(app: FastAPI, database: Database, settings: Settings) -> LiveMatching:
    """Attach the matching index to the app; the app builds it at start-up (web/readiness.py)."""
    openings = getattr(app.state, "openings", None)
    if openings is None:
        openings = OpeningsIndex(horizon_days=settings.match_horizon_days)
        app.state.openings = openings
    live = LiveMatching(
        database, openings, settings.index_refresh_seconds, settings.match_horizon_days
    )
    live.tallies = MatchTallies(database, settings.match_tally_seconds)
    app.state.matching = live
    return live


async def live_matching(request: Request) -> LiveMatching:
    app = request.app
    live: LiveMatching | None = getattr(app.state, "matching", None)
    if live is None:
        live = install_matching(app, app.state.database, app.state.settings)
    return live


LiveMatchingDep = Annotated[LiveMatching, Depends(live_matching)]
