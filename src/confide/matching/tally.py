"""How soon each match answer offered a first session, counted per minute for network health.

POST /api/v1/matches must answer ~1,000 requests a second, so an answer is never written on its
own: `note` adds it to this process's counters for its UTC minute (a lock and four integers),
and a thread adds the counters to that minute's row in match_tallies every few seconds (an
upsert that adds, so several processes may write the same minute). A process killed without
its last flush loses at most those seconds of counts; the figures are shares, not a ledger.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from confide.db import Database
from confide.models import MatchTally

logger = logging.getLogger("confide.matching")

SOON = timedelta(hours=48)
BUSINESS_DAYS = 10
# answers, offered, within 48 hours, within 10 business days
Counts = list[int]


def business_days_after(start: datetime, days: int) -> datetime:
    """`start` moved on by `days` weekdays (Saturdays and Sundays skipped), in UTC, the time of
    day kept: the access standard's "within 10 business days"."""
    moment = start.astimezone(UTC)
    left = days
    while left > 0:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            left -= 1
    return moment


_MONDAY = datetime(2024, 1, 1, tzinfo=UTC)
# how long 10 business days last from each weekday (Monday first): computed once, so counting an
# answer is a subtraction and two comparisons
_BUSINESS_SPAN = tuple(
    business_days_after(_MONDAY + timedelta(days=d), BUSINESS_DAYS) - (_MONDAY + timedelta(days=d))
    for d in range(7)
)


def lead_counts(now: datetime, first_opening: datetime | None) -> Counts:
    """One answer's counts: given, offered any first session, within 48 h, within 10
    business days (as business_days_after counts them)."""
    if first_opening is None:
        return [1, 0, 0, 0]
    lead = first_opening - now
    soon = lead <= SOON
    business = lead <= _BUSINESS_SPAN[now.astimezone(UTC).weekday()]
    return [1, 1, int(soon), int(business or soon)]


def minute_of(now: datetime) -> datetime:
    return now.astimezone(UTC).replace(second=0, microsecond=0)


def add_counts(session: Session, minute: datetime, counts: Counts) -> None:
    """Add `counts` to the minute's row (made if missing), in the caller's transaction."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = {
        "minute": minute,
        "answers": counts[0],
        "offered": counts[1],
        "within_48_hours": counts[2],
        "within_10_business_days": counts[3],
    }
    statement = insert(MatchTally).values(**values)
    columns = ("answers", "offered", "within_48_hours", "within_10_business_days")
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["minute"],
            set_={c: getattr(MatchTally, c) + statement.excluded[c] for c in columns},
        )
    )


class MatchTallies:
    """This process's counts not yet in the database, and the thread that adds them."""

    def __init__(self, database: Database, every: float) -> None:
        self._database = database
        self._every = every
        # keyed by the epoch minute (an int: cheaper to make than a datetime on every request)
        self._counts: dict[int, Counts] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.problem: str | None = None

    def note(self, now: datetime, first_opening: datetime | None) -> None:
        """Count one answer given at `now` whose earliest first opening is `first_opening`."""
        counts = lead_counts(now, first_opening)
        minute = int(now.timestamp()) // 60
        with self._lock:
            kept = self._counts.get(minute)
            if kept is None:
                self._counts[minute] = counts
            else:
                for i, n in enumerate(counts):
                    kept[i] += n

    def flush(self) -> int:
        """Add the counts kept so far to the database; returns the answers added. On failure
        they are kept for the next try."""
        with self._lock:
            taken, self._counts = self._counts, {}
        if not taken:
            return 0
        try:
            with self._database.session(write=True) as session:
                for minute, counts in sorted(taken.items()):
                    add_counts(session, datetime.fromtimestamp(minute * 60, UTC), counts)
        except Exception:
            with self._lock:  # put them back under whatever arrived meanwhile
                for minute, counts in taken.items():
                    kept = self._counts.setdefault(minute, [0, 0, 0, 0])
                    for i, n in enumerate(counts):
                        kept[i] += n
            raise
        return sum(counts[0] for counts in taken.values())

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="confide-match-tally", daemon=True)
        self._thread.start()

    def stop(self, timeout: float) -> None:
        """Stop after a last flush, waiting at most `timeout` seconds."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _pass(self) -> None:
        try:
            self.flush()
            self.problem = None
        except Exception as error:  # the database away for a while: the next pass catches up
            problem = f"{type(error).__name__}: {error}".splitlines()[0][:300]
            if problem != self.problem:
                logger.warning("adding match counts failed (%s); trying again", problem)
            self.problem = problem

    def _run(self) -> None:
        while not self._stopping.wait(self._every):
            self._pass()
        self._pass()
