"""The one table that turns domain errors into HTTP responses, and the validation error shape."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import exc as db
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from confide import errors
from confide.transient import is_transient
from confide.vocab.fields import error_field
from confide.web.security import apply_security_headers

logger = logging.getLogger("confide.web")
# How long a client told 503 temporarily_unavailable waits before trying again.
RETRY_AFTER_SECONDS = 1

STATUS_BY_ERROR: dict[type[errors.DomainError], int] = {
    errors.NotFound: 404,
    errors.InvalidInput: 422,
    errors.Unauthorized: 401,
    errors.Forbidden: 403,
    errors.Conflict: 409,
    errors.RateLimited: 429,
}


def status_for(error: errors.DomainError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 400


def domain_error_body(error: errors.DomainError) -> dict[str, Any]:
    if isinstance(error, errors.InvalidInput):
        # the same shape as a schema validation error, so clients handle one kind of 422
        field: dict[str, Any] = {
            "field": error.field,
            "loc": error.field.split("."),
            "msg": error.message,
            "type": "invalid_input",
        }
        if "allowed" in error.extra:
            field["allowed"] = error.extra["allowed"]
        return {
            "error": "validation_error",
            "detail": f"{error.field}: {error.message}",
            "fields": [field],
        }
    return {"error": error.code, "detail": error.message, **error.extra}


def allowed_methods(request: Request, headers: Mapping[str, str] | None) -> str:
    """Every method the path answers to. Starlette's 405 names only the first route that has
    the path, so a path served by two routes (POST and DELETE, say) would list one of them;
    the OpenAPI schema lists them all."""
    methods = {m.strip() for m in (headers or {}).get("Allow", "").split(",") if m.strip()}
    path = request.url.path
    for template, operations in request.app.openapi().get("paths", {}).items():
        if compile_path(template)[0].match(path):
            methods.update(m.upper() for m in operations if m.upper() in HTTP_METHODS)
    return ", ".join(sorted(methods))


HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"})


def validation_body(exc: RequestValidationError) -> dict[str, Any]:
    fields = []
    for item in exc.errors():
        loc = tuple(item.get("loc", ()))
        ctx = item.get("ctx") or {}
        entry: dict[str, Any] = {
            "field": error_field(loc, ctx),
            "loc": list(loc),
            "msg": item.get("msg", "invalid value"),
            "type": item.get("type", "value_error"),
        }
        if "allowed" in ctx:
            entry["allowed"] = ctx["allowed"]
        fields.append(entry)
    summary = "; ".join(f"{f['field']}: {f['msg']}" for f in fields)
    return {"error": "validation_error", "detail": summary, "fields": fields}


def unreadable_body() -> dict[str, Any]:
    message = "the body could not be read: send UTF-8 JSON"
    field = {"field": "body", "loc": ["body"], "msg": message, "type": "unreadable_body"}
    return {"error": "validation_error", "detail": f"body: {message}", "fields": [field]}


def install(app: FastAPI) -> None:
    @app.exception_handler(errors.DomainError)
    async def _domain(request: Request, exc: errors.DomainError) -> JSONResponse:
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else None
        return JSONResponse(domain_error_body(exc), status_code=status_for(exc), headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(validation_body(exc), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:
            # FastAPI's answer to a body it cannot read (not UTF-8, say): bad input, so a 422
            return JSONResponse(unreadable_body(), status_code=422)
        headers = exc.headers
        if exc.status_code == 405:
            headers = {**(headers or {}), "Allow": allowed_methods(request, headers)}
        return JSONResponse(
            {"error": "http_error", "detail": exc.detail},
            status_code=exc.status_code,
            headers=headers,
        )

    @app.exception_handler(db.DBAPIError)
    @app.exception_handler(db.TimeoutError)
    async def _database(request: Request, exc: Exception) -> JSONResponse:
        if not is_transient(exc):
            return await _unexpected(request, exc)
        # a lost connection, a deadlock, a lock timeout: not the request's fault, nor a bug
        logger.warning(
            "database briefly unavailable on %s %s: %s",
            request.method,
            request.url.path,
            str(exc).splitlines()[0][:200],
        )
        return JSONResponse(
            {
                "error": "temporarily_unavailable",
                "detail": "The service is briefly unavailable; please try again in a moment.",
            },
            status_code=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        response = JSONResponse(
            {"error": "internal_error", "detail": "Something went wrong on our side."},
            status_code=500,
        )
        # Starlette answers a 500 outside every middleware, so this answer adds its own headers
        apply_security_headers(
            request.scope,
            response.headers,
            behind_tls_proxy=request.app.state.settings.behind_tls_proxy,
        )
        return response
