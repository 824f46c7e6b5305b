"""Ready before serving: the indexes are built at start-up, and GET /readyz says when they are.

A load balancer sends traffic to a process once /readyz answers 200, so no request pays for a
cold index. /healthz stays the cheap liveness check: a process still building is alive.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Coroutine
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from confide.web.unit_of_work import UnitOfWorkDep

logger = logging.getLogger("confide.readiness")

RETRY_AFTER_SECONDS = 1
# While the database is not there yet, try again after this long, doubling up to the longest.
FIRST_RETRY_SECONDS = 0.5
LONGEST_RETRY_SECONDS = 15.0

router = APIRouter(tags=["health"])


WARM_UP_SECONDS = 30.0


class Readiness:
    """Builds this process's indexes on a background thread, trying again until it can.

    `warm_up`, when given, then runs on the server's event loop (web/warm_up.py) before the
    process reports ready.
    """

    def __init__(
        self,
        build: Callable[[], object],
        warm_up: Callable[[], Coroutine[Any, Any, None]] | None = None,
    ) -> None:
        self._build = build
        self._warm_up = warm_up
        self._loop: asyncio.AbstractEventLoop | None = None
        self.built = threading.Event()
        self.problem: str | None = None
        self.build_seconds: float | None = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start building; called from the server's event loop (the app's lifespan)."""
        try:
            self._loop = asyncio.get_running_loop()
        except RuntimeError:
            self._loop = None
        # a daemon thread: a process told to stop does not wait for a build it no longer needs
        self._thread = threading.Thread(target=self._run, name="confide-indexes", daemon=True)
        self._thread.start()

    def stop(self, timeout: float) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        delay = FIRST_RETRY_SECONDS
        while not self._stopping.is_set():
            started = time.perf_counter()
            try:
                self._build()
            except Exception as error:  # most often the database is not up yet
                self.problem = f"{type(error).__name__}: {error}".splitlines()[0][:300]
                logger.warning("building the indexes failed (%s); retrying", self.problem)
                self._stopping.wait(delay)
                delay = min(2 * delay, LONGEST_RETRY_SECONDS)
                continue
            self._warm()
            self.build_seconds = time.perf_counter() - started
            self.problem = None
            self.built.set()
            logger.info("indexes built in %.2f s", self.build_seconds)
            return

    def _warm(self) -> None:
        if self._warm_up is None or self._loop is None:
            return
        future = asyncio.run_coroutine_threadsafe(self._warm_up(), self._loop)
        deadline = time.monotonic() + WARM_UP_SECONDS
        while True:
            try:
                future.result(timeout=0.05)
                return
            except TimeoutError:
                # a process told to stop, or a warm-up that hangs, does not wait any longer
                if self._stopping.is_set() or time.monotonic() > deadline:
                    future.cancel()
                    return
            except Exception as error:  # a failed warm-up must not keep the process unready
                logger.warning("the warm-up request failed (%s: %s)", type(error).__name__, error)
                return


def _not_ready(status: str, detail: str) -> JSONResponse:
    return JSONResponse(
        {"status": status, "detail": detail},
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _reach(session: Session) -> None:
    session.execute(text("SELECT 1"))


class Ready(BaseModel):
    status: Literal["ready"]


class NotReady(BaseModel):
    status: Literal["starting", "unavailable"]
    detail: str


READY_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": Ready},
    503: {
        "model": NotReady,
        "description": "still building the indexes, or the database cannot be reached",
    },
}


@router.get("/readyz", responses=READY_RESPONSES)
async def readyz(request: Request, uow: UnitOfWorkDep) -> JSONResponse:
    """Readiness: 200 once this process has built its indexes and reaches the database."""
    readiness: Readiness | None = getattr(request.app.state, "readiness", None)
    if readiness is None or not readiness.built.is_set():
        # why a build failed goes to the log, not to whoever asks
        return _not_ready("starting", "building the openings and matching indexes")
    try:
        await uow.read(_reach)
    except SQLAlchemyError:
        return _not_ready("unavailable", "the database cannot be reached")
    return JSONResponse({"status": "ready"})
