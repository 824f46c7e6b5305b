"""The OpenAPI schema, made to tell the truth about refusals.

FastAPI documents a 422 shape of its own (HTTPValidationError) that Confide never sends. Here,
once the schema is built, every route's error answers get the bodies web/errors.py really sends,
each with the codes its status can carry as an enum, and the answers every route of a kind can
give are added where the route's dependencies make them possible:

- 401 where the route asks for a bearer token (a security scheme);
- 429 where it has a rate limit (web/rate_limits.RateLimit);
- 503 where it runs a unit of work (a passing database failure, web/errors.py);
- 422 wherever FastAPI documents one (the route takes input).

A route names the refusals of its own use case with `error_responses(404, 409, ...)`
(web/responses.py); a route added later gets the rest of this without doing anything.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Sequence
from typing import Any, get_args

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from starlette.routing import BaseRoute

from confide import errors
from confide.vocab import Vocabulary, get_vocabulary
from confide.web.errors import status_for
from confide.web.rate_limits import RateLimit
from confide.web.responses import (
    DESCRIPTIONS,
    Conflict,
    FieldProblem,
    Problem,
    ValidationProblem,
    model_for,
)
from confide.web.unit_of_work import UnitOfWorkDep

REF = "#/components/schemas/{model}"
# Component names of the error bodies, one per status, each with that status's codes.
COMPONENTS: dict[int, str] = {
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    409: "Conflict",
    422: "ValidationProblem",
    429: "RateLimited",
    503: "TemporarilyUnavailable",
}
# Answers made outside the domain-error table: a path no route matches, a database failure.
OTHER_CODES: dict[int, list[str]] = {404: ["http_error"], 503: ["temporarily_unavailable"]}
# The dependency that gives a handler its unit of work (a route with it reaches the database).
UNIT_OF_WORK = get_args(UnitOfWorkDep)[1].dependency


def install_openapi(app: FastAPI) -> None:
    """Make `app.openapi()` the truthful schema (built on first request, and again when the
    plans in force change: their codes are an enum in it)."""
    build: Callable[[], dict[str, Any]] = app.openapi
    built_for: list[Vocabulary] = []

    def openapi() -> dict[str, Any]:
        vocabulary = get_vocabulary()
        if app.openapi_schema is None or not built_for or built_for[0] is not vocabulary:
            app.openapi_schema = None  # FastAPI's own builder answers a schema it holds
            schema = build()
            tell_the_truth(schema, app.routes)
            app.openapi_schema = schema
            built_for[:] = [vocabulary]
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def codes_by_status() -> dict[int, list[str]]:
    """Every domain error's code under the status web/errors.py answers it with."""
    found: dict[int, set[str]] = {}
    pending: list[type[errors.DomainError]] = [errors.DomainError]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        status = _status_of(cls)
        # an InvalidInput answers with the validation shape, whatever its class
        code = "validation_error" if status == 422 else cls.code
        found.setdefault(status, set()).add(code)
    for status, codes in OTHER_CODES.items():
        found.setdefault(status, set()).update(codes)
    return {status: sorted(codes) for status, codes in found.items()}


def _status_of(cls: type[errors.DomainError]) -> int:
    instance = cls.__new__(cls)  # the status follows the class alone
    return status_for(instance)


def _dependencies(dependant: Dependant) -> Iterator[Any]:
    for dependency in dependant.dependencies:
        yield dependency.call
        yield from _dependencies(dependency)


def _error_components(schemas: dict[str, Any]) -> None:
    codes = codes_by_status()
    for model in (FieldProblem, ValidationProblem, Problem, Conflict):
        generated = model.model_json_schema(ref_template=REF)
        schemas.update(generated.pop("$defs", {}))
        schemas[model.__name__] = generated
    for status, name in COMPONENTS.items():
        component = copy.deepcopy(schemas[model_for(status).__name__])
        component["title"] = name
        component["description"] = DESCRIPTIONS[status]
        component["properties"]["error"]["enum"] = codes.get(status, [])
        schemas[name] = component


def _route_statuses(route: RouteContext, operation: dict[str, Any]) -> set[int]:
    """The statuses the route's dependencies can answer with, whatever its use case."""
    dependant = route.dependant
    calls = list(_dependencies(dependant)) if dependant is not None else []
    statuses = set()
    if operation.get("security"):
        statuses.add(401)
    if any(isinstance(call, RateLimit) for call in calls):
        statuses.add(429)
    if UNIT_OF_WORK in calls:
        statuses.add(503)
    return statuses


def _is_ours(content: dict[str, Any] | None) -> bool:
    """No body described yet, or one of the shapes from web/responses.py."""
    if not content:
        return True
    schema = content.get("application/json", {}).get("schema", {})
    generic = {REF.format(model=m.__name__) for m in (Problem, Conflict, ValidationProblem)}
    return not schema or schema.get("$ref") in generic or "HTTPValidationError" in str(schema)


def tell_the_truth(schema: dict[str, Any], routes: Sequence[BaseRoute]) -> None:
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    _error_components(schemas)
    for route in iter_route_contexts(routes):
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        for method in route.methods or ():
            operation = schema["paths"].get(route.path_format or "", {}).get(method.lower())
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for status in _route_statuses(route, operation):
                responses.setdefault(str(status), {"description": DESCRIPTIONS[status]})
            for key, response in responses.items():
                status = int(key) if key.isdigit() else 0
                if status not in COMPONENTS or not _is_ours(response.get("content")):
                    continue
                if status == 422 and "HTTPValidationError" in str(response.get("content")):
                    response["description"] = DESCRIPTIONS[422]
                ref = {"$ref": REF.format(model=COMPONENTS[status])}
                response["content"] = {"application/json": {"schema": ref}}
    # FastAPI's own 422 shapes, no longer referred to
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
