"""Every request answers with the plans in force: before it runs, this process's plan catalogue
is brought up to date when a look at its stamp is due (vocab/catalogue.py: PlanWatch).

A look is one row read, made at once after this process changed the plans and otherwise at most
every CONFIDE_INDEX_REFRESH_SECONDS; between looks a request costs a clock reading here.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from confide.db import Database
from confide.vocab.catalogue import PlanWatch


class CurrentPlans:
    def __init__(self, app: ASGIApp, database: Database, watch: PlanWatch) -> None:
        self.app = app
        self.database = database
        self.watch = watch

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.watch.due():
            await run_in_threadpool(self.watch.look, self.database)
        await self.app(scope, receive, send)
