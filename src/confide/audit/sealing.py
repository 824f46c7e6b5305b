"""Sealing: chaining the audit rows that requests inserted pending.

A request inserts its audit rows without any lock shared with other requests (service.record):
`seq`, `prev_hash` and `row_hash` stay NULL. `seal` takes the chain lock, reads the committed
pending rows in id order, gives each the next seq (no gaps), links and hashes it
(chain.chain_on), and updates it: the one update the table's triggers allow, once per row and
only of those three columns.

Who seals: a `Sealer` thread in every app process, about once a second (PostgreSQL: a
try-lock, so one process seals at a time and the others skip their turn; SQLite: a write
transaction); `confide audit verify` before it walks the chain; the admin audit routes before
they read, so an admin sees every committed row chained.

The window this leaves, said plainly: a row is vouched for by the chain only once sealed. Until
then (about a second after its commit, longer if no process is running) someone able to bypass
the triggers could delete it without leaving a gap in the seqs. Rows pending for longer than a
minute are reported by `confide audit verify`.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import text, update
from sqlalchemy.orm import Session

from confide.audit import queries
from confide.audit.chain import chain_on
from confide.db import Database
from confide.models import AuditEvent

logger = logging.getLogger("confide.audit")

# pg_advisory_xact_lock key for the trail ("confide" + "audit" folded into a signed 64-bit int)
CHAIN_LOCK = 0x636F6E66_69646541
# rows sealed per transaction; a pass takes as many transactions as it needs
BATCH = 2_000


class AuditUnitOfWorkError(RuntimeError):
    """The trail was written where it cannot be: a programming error, not input."""


def is_writer(session: Session) -> bool:
    """Whether the session's SQLite transaction opened as a writer (BEGIN IMMEDIATE)."""
    return bool(session.connection().get_execution_options().get("confide_write", False))


def _chain_lock(session: Session, *, wait: bool) -> bool:
    if session.get_bind().dialect.name == "postgresql":
        if wait:
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
            return True
        return bool(
            session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
        )
    if not is_writer(session):
        raise AuditUnitOfWorkError(
            "sealing on SQLite needs a unit of work opened as a writer "
            "(Database.session(write=True))"
        )
    return True  # the transaction holds SQLite's one write lock


def seal(session: Session, *, wait: bool = False, limit: int = BATCH) -> int:
    """Chain up to `limit` committed pending rows in the caller's transaction; returns how many.

    The chain lock is held until that transaction ends. With `wait` false, and another process
    sealing now (PostgreSQL), nothing is done and 0 returned."""
    if not _chain_lock(session, wait=wait):
        return 0
    pending = queries.pending_rows(session, limit=limit)
    if not pending:
        return 0
    sealed = [
        {"id": row.id, "seq": row.seq, "prev_hash": row.prev_hash, "row_hash": row.row_hash}
        for row in chain_on(queries.chain_head(session), pending)
    ]
    # an UPDATE by primary key for each row, sent as one batch
    session.execute(update(AuditEvent), sealed)
    return len(sealed)


def seal_pending(database: Database, *, wait: bool = False) -> int:
    """Seal every committed pending row, in transactions of up to BATCH rows; returns how many.

    Looks first in a read: most passes find nothing and take no lock."""
    total = 0
    while True:
        with database.session() as session:
            if not queries.any_pending(session):
                return total
        with database.session(write=True) as session:
            count = seal(session, wait=wait)
        total += count
        if count < BATCH:
            return total


class Sealer:
    """Seals the trail on a background thread every `every` seconds while the app runs."""

    def __init__(self, database: Database, every: float) -> None:
        self._database = database
        self._every = every
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.sealed = 0
        self.problem: str | None = None

    def start(self) -> None:
        if self._every <= 0:
            return
        # a daemon thread: `stop` bounds the wait, and a stuck pass does not keep a process alive
        self._thread = threading.Thread(target=self._run, name="confide-audit-sealer", daemon=True)
        self._thread.start()

    def stop(self, timeout: float) -> None:
        """Stop after a last pass (the rows of the requests just finished), waiting at most
        `timeout` seconds; a pass still running then is left to `Database.interrupt`."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _pass(self) -> None:
        try:
            self.sealed += seal_pending(self._database)
            self.problem = None
        except Exception as error:  # the database gone for a while: the next pass catches up
            problem = f"{type(error).__name__}: {error}".splitlines()[0][:300]
            if problem != self.problem:
                logger.warning("sealing the audit trail failed (%s); trying again", problem)
            self.problem = problem

    def _run(self) -> None:
        while not self._stopping.wait(self._every):
            self._pass()
        self._pass()
