"""The plan catalogue: plans live in the database at run time, and each process answers from its
vocabulary in memory, reloaded when the catalogue's version stamp changes.

`confide db upgrade` loads the data files' payers and plans (vocab/service.py); admins add and
retire plans after that (admin/payers.py). Every change writes a new stamp in the same
transaction. A process looks at the stamp (one row) at once after a change of its own
(`PlanWatch.mark_stale`), otherwise at most every `refresh_seconds`, and reads the plans only
when the stamp is not the one its vocabulary was read at. Validating a code never reads the
database.

Removing a plan from the data file does not retire it: once loaded, a plan leaves the product
when an admin retires it.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from confide.db import Database
from confide.models import Plan as PlanRow
from confide.models import ReferenceVersion
from confide.vocab.registry import (
    INSTALLED,
    Plan,
    Vocabulary,
    file_vocabulary,
    get_vocabulary,
    install_vocabulary,
)

logger = logging.getLogger("confide.vocab")
PLANS = "plans"  # the stamp's name in reference_versions


def stamp_plans(session: Session, now: datetime) -> str:
    """Record that the plans changed (in the caller's transaction); returns the new stamp."""
    version = uuid.uuid4().hex
    row = session.get(ReferenceVersion, PLANS, with_for_update=True)
    if row is None:
        session.add(ReferenceVersion(name=PLANS, version=version, changed_at=now))
    else:
        row.version, row.changed_at = version, now
    session.flush()
    return version


def plans_version(session: Session) -> str | None:
    """The catalogue's stamp; None when no plans were ever loaded into this database."""
    return session.scalar(select(ReferenceVersion.version).where(ReferenceVersion.name == PLANS))


def refresh_vocabulary(session: Session) -> Vocabulary:
    """This process's vocabulary, reloaded first if the catalogue changed since it was read."""
    with INSTALLED.lock:
        current = get_vocabulary()
        version = plans_version(session)
        if version != current.plans_version:
            current = _with_plans(session, version)
            install_vocabulary(current)
        return current


def _with_plans(session: Session, version: str | None) -> Vocabulary:
    """The data files' vocabulary with the database's plans (read after the stamp `version`:
    a change committed between the two reads then shows as a newer stamp at the next look);
    the files' own when the database holds no catalogue (never `confide db upgrade`d)."""
    base = file_vocabulary()
    if version is None:
        return base
    file_order = {code: i for i, code in enumerate(base.plans)}
    rows = sorted(
        session.scalars(select(PlanRow)),
        key=lambda row: (file_order.get(row.code, len(file_order)), row.code),
    )
    plans = []
    for row in rows:
        if row.payer_code not in base.payers:
            logger.warning("plan %s: payer %s is not in the data files", row.code, row.payer_code)
            continue
        states = frozenset(row.states) if row.states is not None else None
        plans.append(Plan(row.code, row.payer_code, row.name, row.product, states, row.retired_at))
    return base.with_plans(plans, version)


class PlanWatch:
    """When this process looks at the catalogue's stamp: at once after a change of its own,
    otherwise at most every `refresh_seconds` (other processes' changes)."""

    def __init__(self, refresh_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.refresh_seconds = refresh_seconds
        self.clock = clock
        self._looked_at: float | None = None
        self._stale = True
        self._lock = threading.Lock()

    def mark_stale(self) -> None:
        self._stale = True

    def due(self) -> bool:
        looked = self._looked_at
        return self._stale or looked is None or self.clock() - looked >= self.refresh_seconds

    def look(self, database: Database) -> None:
        """Reload the plans if the stamp changed; a database away for a moment leaves the
        vocabulary as it was, and the next request looks again."""
        with self._lock:
            if not self.due():  # another thread looked meanwhile
                return
            self._stale = False
            started = self.clock()
            try:
                with database.session() as session:
                    refresh_vocabulary(session)
            except SQLAlchemyError:
                self._stale = True
                logger.warning("could not read the plan catalogue's stamp", exc_info=True)
                return
            self._looked_at = started
