"""POST /api/v1/intake/text: what a person wrote, read for concerns and safety signals.

Stores nothing and logs nothing of the text. The concern mapper belongs to matching, which sits
above this package, so `intake_text_router(concerns)` is given it by the app factory.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import anyio.to_thread
from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from confide.fields import WrittenText
from confide.screening.danger import Signal, safety_signals
from confide.web.rate_limits import RATE_LIMITED, AccountKey, RateLimit

ConcernMapper = Callable[[str], Sequence[str]]


class IntakeText(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: WrittenText = Field(
        description="why the person comes, in their own words (1 to 2000 characters)"
    )


class IntakeTextRead(BaseModel):
    concerns: list[str] = Field(description="concern codes from the vocabulary, best first")
    safety_signals: list[Signal] = Field(
        description="private: bring these safety questions forward; never show them as labels"
    )


def intake_text_router(concerns: ConcernMapper, *, account: AccountKey | None = None) -> APIRouter:
    """The route, mapping concerns with `concerns`; rate limited per address (and `account`)."""
    router = APIRouter(prefix="/api/v1/intake", tags=["intake"])

    @router.post(
        "/text",
        response_model=IntakeTextRead,
        responses=RATE_LIMITED,
        dependencies=[Depends(RateLimit("intake_text", account=account))],
    )
    async def read_intake_text(body: IntakeText) -> IntakeTextRead:
        """Concerns and safety signals in the person's words; nothing is stored."""

        def read() -> IntakeTextRead:
            return IntakeTextRead(
                concerns=list(concerns(body.text)), safety_signals=list(safety_signals(body.text))
            )

        # the sentence model works on the CPU: off the event loop, on one worker thread
        return await anyio.to_thread.run_sync(read)

    return router
