"""The one way a request gets its database session: `await uow.read(work)` or `uow.write(work)`.

A unit of work opens a session, runs `work(session)` and commits (or, on any error, rolls back),
all on one worker thread, and the handler awaits it, so the commit happens before the response is
sent and a failed commit is reported. A write takes SQLite's write lock up front (BEGIN
IMMEDIATE); on PostgreSQL the services lock rows. Either way the transaction runs from start to
end on one thread and never waits for the event loop while it holds its locks (see web/limits.py).

Handlers and their dependencies are `async def`: FastAPI runs a plain `def` on a worker thread of
its own, a hop per dependency. A request runs one unit of work; the only second one allowed is a
read after a failed write, to look up what is free now once the locks are released.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from confide.db import Database

T = TypeVar("T")


class UnitOfWork:
    """The request's unit of work; made per request by the `UnitOfWorkDep` dependency."""

    __slots__ = ("_state", "database")

    def __init__(self, database: Database) -> None:
        self.database = database
        self._state = "new"  # then "done", or "failed" after a write that raised

    async def read(self, work: Callable[[Session], T]) -> T:
        """Run `work` in a transaction that writes nothing."""
        return await self._run(work, write=False)

    async def write(self, work: Callable[[Session], T]) -> T:
        """Run `work` in a writing transaction and commit it."""
        return await self._run(work, write=True)

    async def _run(self, work: Callable[[Session], T], *, write: bool) -> T:
        if self._state == "done" or (self._state == "failed" and write):
            raise RuntimeError("a request runs one unit of work (and a read after a failed write)")
        try:
            result = await run_in_threadpool(self._in_thread, work, write)
        except BaseException:
            self._state = "failed" if write and self._state == "new" else "done"
            raise
        self._state = "done"
        return result

    def _in_thread(self, work: Callable[[Session], T], write: bool) -> T:
        # Where every request's transaction begins and ends.
        with self.database.session(write=write) as session:
            return work(session)


async def _unit_of_work(request: Request) -> UnitOfWork:
    return UnitOfWork(request.app.state.database)


UnitOfWorkDep = Annotated[UnitOfWork, Depends(_unit_of_work)]
