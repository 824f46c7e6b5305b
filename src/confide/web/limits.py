"""At most N requests at work per process; the rest wait their turn in the event loop.

A request holds a database connection from its first query until its unit of work ends, and its
synchronous parts run on worker threads. Without a cap, a burst can leave every pooled
connection with a request waiting for a thread while every thread waits for a connection. With
fewer requests at work than connections and threads, neither runs out. And since one thread
runs Python at a time, a few requests at work finish sooner than many taking turns.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Receive, Scope, Send


class ConcurrencyCap:
    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit
        self._semaphore: asyncio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._semaphore is None:  # made on first use, inside the server's event loop
            self._semaphore = asyncio.Semaphore(self.limit)
        async with self._semaphore:
            await self.app(scope, receive, send)
