"""The one way a request gets its database session: `await uow.read(work)` or `uow.write(work)`.

A unit of work opens a session, runs `work(session)` and commits (or, on any error, rolls back),
all on one worker thread, and the handler awaits it, so the commit happens before the response is
sent and a failed commit is reported. A write takes SQLite's write lock up front (BEGIN
IMMEDIATE); on PostgreSQL the services lock rows. Either way the transaction runs from start to
end on one thread and never waits for the event loop while it holds its locks (see web/limits.py).

Handlers and their dependencies are `async def`: FastAPI runs a plain `def` on a worker thread of
its own, a hop per dependency. A request runs one unit of work; the only second one allowed is a
read after a failed write, to look up what is free now once the locks are released.

A unit of work that is safe to repeat (a read; a write under an Idempotency-Key) is tried once
more when the database fails in passing (a cut connection, a deadlock): see confide/transient.py.
A write under a key claims the key in a short transaction first, so that however many processes
are asked, the work runs once and every request with the key gets its one answer.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from confide.db import Database
from confide.errors import DomainError
from confide.transient import is_transient
from confide.web import idempotency
from confide.web.errors import domain_error_body, status_for
from confide.web.idempotency import IdempotencyInProgress, StoredResponse

T = TypeVar("T")
logger = logging.getLogger("confide.web")
# before trying a unit of work again: the pool has dropped the connections that broke
RETRY_PAUSE_SECONDS = 0.05
# a twin waiting for the answer to its key looks again after this long, doubling up to the last
FIRST_LOOK_SECONDS = 0.02
LONGEST_LOOK_SECONDS = 0.25


@dataclass(frozen=True, slots=True)
class Once:
    """A write sent with an Idempotency-Key: `client_id` says whose key it is (authenticating)."""

    key: str
    route: str
    payload: object
    client_id: Callable[[Session], int]
    # how long a claim keeps the key from others (longer than any unit of work takes)
    lease: timedelta
    # how long a twin waits for the answer before it is told to ask again
    wait_seconds: float


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

    async def write_once(
        self,
        once: Once,
        work: Callable[[Session], bytes],
        settle: Callable[[DomainError], Awaitable[None]] | None = None,
    ) -> StoredResponse:
        """Run `work` (its JSON body answers 201) once per key, and answer every request with the
        key alike: the first answer, recorded with the key, or the domain error the work raised
        (after `settle` completes it, e.g. with other free times, by a read)."""
        self._start(write=True)
        idempotency.check_key(once.key)
        digest = idempotency.request_hash(once.route, once.payload)
        token = idempotency.new_token()

        def claim(session: Session) -> idempotency.Claim | StoredResponse | None:
            now = datetime.now(UTC)
            client_id = once.client_id(session)
            return idempotency.claim(
                session, client_id, once.key, once.route, digest, now, once.lease, token
            )

        try:
            found = await self._claim_or_wait(claim, once.wait_seconds)
        except BaseException:
            self._state = "done"
            raise
        if isinstance(found, StoredResponse):
            self._state = "done"
            return found
        claimed = found

        def run(session: Session) -> bytes:
            body = work(session)
            idempotency.finish(session, claimed, 201, body)
            return body

        try:
            try:
                body = await self._transaction(run, write=True, repeatable=True)
            except IdempotencyInProgress:
                # the key is no longer ours: our first try committed after all (the connection
                # broke on the way back), or another request took the key over
                return await self._answer_of(claim)
            except DomainError as refusal:
                self._state = "failed"  # `settle` may read once
                await self._after_rollback(refusal)
                return await self._record_refusal(refusal, claimed, claim, settle)
        except IdempotencyInProgress:
            raise
        except BaseException:
            # a passing failure, or a bug: free the key, so that a retry runs the work afresh
            try:
                await self._transaction(
                    lambda s: idempotency.release(s, claimed), write=True, repeatable=False
                )
            except Exception:  # the lease frees it later
                logger.warning("could not release Idempotency-Key %r", once.key)
            raise
        finally:
            self._state = "done"
        return StoredResponse(201, body)

    async def _claim_or_wait(
        self,
        claim: Callable[[Session], idempotency.Claim | StoredResponse | None],
        wait_seconds: float,
    ) -> idempotency.Claim | StoredResponse:
        """The key claimed, or its answer; while a twin is at work, wait for its answer."""
        found = await self._transaction(claim, write=True, repeatable=True)
        deadline, pause = time.monotonic() + wait_seconds, FIRST_LOOK_SECONDS
        while found is None:
            if time.monotonic() >= deadline:
                raise IdempotencyInProgress()
            await asyncio.sleep(pause)
            pause = min(2 * pause, LONGEST_LOOK_SECONDS)
            found = await self._transaction(claim, write=True, repeatable=True)
        return found

    async def _record_refusal(
        self,
        refusal: DomainError,
        claimed: idempotency.Claim,
        claim: Callable[[Session], idempotency.Claim | StoredResponse | None],
        settle: Callable[[DomainError], Awaitable[None]] | None,
    ) -> StoredResponse:
        """The refusal (completed by `settle`) recorded as the key's answer."""
        if settle is not None:
            await settle(refusal)
        # the bytes the error handler would send: a replay is this answer, byte for byte
        rendered = bytes(JSONResponse(domain_error_body(refusal)).body)
        answer = StoredResponse(status_for(refusal), rendered)
        try:
            await self._transaction(
                lambda s: idempotency.finish(s, claimed, answer.status_code, answer.body),
                write=True,
                repeatable=True,
            )
        except IdempotencyInProgress:
            return await self._answer_of(claim)
        return answer

    async def _answer_of(
        self, claim: Callable[[Session], idempotency.Claim | StoredResponse | None]
    ) -> StoredResponse:
        """The answer recorded with a key this request no longer holds, if there is one yet."""
        found = await self._transaction(claim, write=True, repeatable=True)
        if isinstance(found, StoredResponse):
            return found
        if isinstance(found, idempotency.Claim):  # freed meanwhile: not ours to run now
            claimed = found
            await self._transaction(
                lambda s: idempotency.release(s, claimed), write=True, repeatable=True
            )
        raise IdempotencyInProgress()

    def _start(self, *, write: bool) -> None:
        if self._state == "done" or (self._state == "failed" and write):
            raise RuntimeError("a request runs one unit of work (and a read after a failed write)")

    async def _run(self, work: Callable[[Session], T], *, write: bool) -> T:
        self._start(write=write)
        try:
            result = await self._transaction(work, write=write, repeatable=not write)
        except DomainError as refusal:
            self._state = "failed" if write and self._state == "new" else "done"
            await self._after_rollback(refusal)
            raise
        except BaseException:
            self._state = "failed" if write and self._state == "new" else "done"
            raise
        self._state = "done"
        return result

    async def _after_rollback(self, refusal: DomainError) -> None:
        """What a refusal leaves behind once its transaction is rolled back (its audit row)."""
        if refusal.after_rollback is not None:
            await self._transaction(refusal.after_rollback, write=True, repeatable=True)

    async def _transaction(
        self, work: Callable[[Session], T], *, write: bool, repeatable: bool
    ) -> T:
        """One transaction on a worker thread; one safe to repeat is tried again once when the
        database failed in passing."""
        try:
            return await run_in_threadpool(self._in_thread, work, write)
        except Exception as error:
            if not (repeatable and is_transient(error)):
                raise
            logger.info("trying again after a passing database failure: %s", type(error).__name__)
        await asyncio.sleep(RETRY_PAUSE_SECONDS)
        return await run_in_threadpool(self._in_thread, work, write)

    def _in_thread(self, work: Callable[[Session], T], write: bool) -> T:
        # Where every request's transaction begins and ends.
        with self.database.session(write=write) as session:
            return work(session)


async def _unit_of_work(request: Request) -> UnitOfWork:
    return UnitOfWork(request.app.state.database)


UnitOfWorkDep = Annotated[UnitOfWork, Depends(_unit_of_work)]
