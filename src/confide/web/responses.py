"""The error bodies Confide answers with, as Pydantic models, and `error_responses(...)` for a
route's `responses=`: what the OpenAPI schema says a refusal looks like is what web/errors.py
sends (web/openapi.py puts each status's codes in the schema and fills in the rest)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class FieldProblem(BaseModel):
    """One field that was refused, and why."""

    field: str = Field(description="the field as a dotted path, e.g. payment.plan")
    loc: list[str | int] = Field(description="where the field is: body, query, path or header")
    msg: str = Field(description="what is wrong, in words")
    type: str = Field(description="a stable name for the kind of problem")
    allowed: list[Any] | None = Field(
        default=None, description="what the field may be, where that is a short list"
    )


class ValidationProblem(BaseModel):
    """422: the request broke a rule; every field at fault is named."""

    error: str = Field(description="always validation_error")
    detail: str = Field(description="the problems in one line")
    fields: list[FieldProblem]


class Problem(BaseModel):
    """A refusal a caller can act on; `error` is a stable code, `detail` says it in words."""

    # a refusal may carry what it is about (an id, the times still free): see confide.errors
    model_config = ConfigDict(extra="allow")

    error: str = Field(description="a stable code")
    detail: str = Field(description="what happened, in words")


class Conflict(Problem):
    """409: the request clashes with what is there now."""

    alternatives: list[str] | None = Field(
        default=None, description="slot_unavailable: nearby free starts (ISO 8601)"
    )


# What each status means on any route; a route may say more about its own.
DESCRIPTIONS: dict[int, str] = {
    401: "nobody is signed in, or the bearer token or session is not valid (unauthorized)",
    403: "this account may not do this, or its address is unverified (forbidden)",
    404: "what the path or body names does not exist, or is not the caller's to see",
    409: "the request clashes with what is there now; `error` says how",
    422: "a field broke a rule: each one is named in `fields`, with what is allowed",
    429: "too many requests of this kind; Retry-After says when to try again",
    503: "the database is briefly unavailable; try again after Retry-After seconds",
}
MODELS: dict[int, type[BaseModel]] = {422: ValidationProblem, 409: Conflict}


def model_for(status: int) -> type[BaseModel]:
    return MODELS.get(status, Problem)


def error_responses(*statuses: int, **said: str) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route that can answer these statuses; `said` (e.g. not_found="...")
    adds what one of them means on this route, keyed by the status's name in DESCRIPTIONS."""
    responses: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        if status not in DESCRIPTIONS:
            raise ValueError(f"no error body is described for status {status}")
        responses[status] = {"description": DESCRIPTIONS[status], "model": model_for(status)}
    for name, text in said.items():
        status = STATUS_NAMES[name]
        responses.setdefault(status, {"model": model_for(status)})["description"] = text
    return responses


STATUS_NAMES: dict[str, int] = {
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "invalid": 422,
    "rate_limited": 429,
    "unavailable": 503,
}


# For a route that needs someone signed in: who may ask, in the OpenAPI schema.
AUTH_RESPONSES = error_responses(401, 403)
