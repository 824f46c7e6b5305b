"""The route x caller authorisation matrix (matrix.toml), checked against the running app.

Every route of the app needs an entry naming each caller's expected status, and every entry
must name a route that exists: a route added later fails here until someone decides who may
use it. Each caller (a test of its own) sends one request to every route, against a fresh
world of its own (see world.py), and every answer that differs from the matrix is reported in
one table.
"""

from __future__ import annotations

import re
import tomllib
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2
import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from confide.db import Database
from confide.main import create_app
from confide.web.readiness import Readiness
from tests.app_loop import asgi_client, in_app_loop
from tests.authz.world import Identity, World, build_world, enter
from tests.conftest import PASSWORD, settings_for
from tests.snapshots import Kept
from tests.web.test_bad_input import Example, examples, program_examples, request_args

MATRIX = Path(__file__).with_name("matrix.toml")
CALLERS = (
    "anonymous",
    "owner",
    "other_client",
    "partner",
    "unverified",
    "therapist",
    "reviewer",
    "admin",
)
# P acting on the joint sessions of A and P, on every route that names an appointment
PARTNER_JOINT = "partner_joint"
ACTS_AS = {**{caller: caller for caller in CALLERS}, PARTNER_JOINT: "partner"}
# The writes that change what later requests see run last, in this order; each acts on an
# object of its own (A's live hold is confirmed, then moved; A's follow-up is cancelled). A hold
# from the booking page replaces the caller's own hold from the API.
LATE = (
    "POST /api/v1/appointments",
    "POST /bookings/{appointment_id}/confirm",
    "POST /api/v1/holds",
    "POST /book",
    "POST /api/v1/appointments/{appointment_id}/reschedule",
    "POST /api/v1/appointments/{appointment_id}/cancel",
    "POST /bookings/{appointment_id}/cancel",
    "DELETE /api/v1/auth/tokens/{token_id}",
    "POST /account/tokens/{token_id}/revoke",
    "POST /account/sessions/{session_id}/revoke",
    # program (branch program): the unsafe control closes the gate, leaving ends the space
    "POST /api/v1/program/unsafe",
    "POST /program/unsafe",
    "POST /api/v1/program/space/leave",
    "POST /program/leave",
    "POST /account/partner/end",
    "POST /api/v1/clients/me/partner",
    "DELETE /api/v1/clients/me/partner",
    "POST /account/partner",
    "POST /signout",
    "POST /signin",
)
# a form before sign-in carries the token of its own page (a double-submit cookie)
FORM_PAGES = {
    "/register": "/register",
    "/signin": "/signin",
    "/verify": "/verify",
    "/reset": "/reset",
    "/reset/confirm": "/reset",
    "/join": "/join",
    "/start": "/start",
    "/start/{step}": "/start",
    "/start/results": "/start",
    "/start/forget": "/start",
}
_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
STARTUP_SECONDS = 60.0


def key(example: Example) -> str:
    return f"{example.method} {example.path}"


def app_routes(app: Any) -> set[str]:
    return {
        f"{method} {route.path}"
        for route in iter_route_contexts(app.routes)
        if isinstance(route.original_route, APIRoute)
        for method in route.methods or ()
    }


def is_page(example: Example) -> bool:
    """Pages are used by a signed-in browser; the JSON API and FHIR by a bearer token."""
    return not example.path.startswith(("/api/", "/fhir/", "/healthz", "/readyz"))


def names_an_appointment(example: Example) -> bool:
    return "appointment_id" in example.path_params or "appointment" in (example.form or {})


def ordered(requests: dict[str, Example]) -> Iterator[Example]:
    """Reads first, then the writes, then the LATE ones in their order."""
    early = sorted(requests, key=lambda k: (k in LATE, requests[k].method != "GET"))
    for name in early:
        if name not in LATE:
            yield requests[name]
    yield from (requests[name] for name in LATE if name in requests)


async def _csrf(browser: httpx2.AsyncClient, path: str) -> str:
    for page in (FORM_PAGES.get(path, "/account"), "/signin"):
        response = await browser.get(page)
        found = _CSRF_FIELD.search(response.text) if response.status_code == 200 else None
        if found is not None:
            return found.group(1)
    raise AssertionError(f"no form with a CSRF token for {path}")


def _fresh(label: str) -> str:
    return f"authz-{label}-{uuid.uuid4().hex[:10]}@example.org"


def requests_for(world: World, caller: Identity, joint: bool) -> dict[str, Example]:
    """One request per route, naming the world's objects: A's, or A and P's joint ones."""

    def soon(days: int) -> str:
        return (datetime.now(UTC) + timedelta(days=days)).date().isoformat()

    starts, me = world.starts, caller.email or world.owner_email
    seen = world.joint if joint else world.appointment
    base = {key(e): e for e in examples(world.therapist_id, seen, world.hold, starts[8])}
    person = {"name": "Sam Rivera", "state": "NY", "timezone": "America/New_York"}
    opening = {"therapist": world.therapist_id, "session_type": "individual", "start": starts[7]}
    changes: dict[str, dict[str, Any]] = {
        "POST /api/v1/auth/register": {
            "json": {**person, "email": _fresh("new"), "password": PASSWORD}
        },
        "POST /api/v1/auth/password-reset": {"json": {"email": world.owner_email}},
        "POST /api/v1/auth/tokens": {"json": {"email": me, "password": PASSWORD}},
        "POST /api/v1/auth/invitations": {"json": {"email": _fresh("staff"), "role": "reviewer"}},
        "DELETE /api/v1/auth/tokens/{token_id}": {"path_params": {"token_id": world.api_token}},
        "POST /api/v1/clients/me/partner": {"json": {"code": world.codes[0]}},
        "POST /api/v1/holds": {
            "json": {"therapist_id": world.therapist_id, "session_type": "individual"}
            | {"start": starts[6]}
        },
        "POST /api/v1/appointments/{appointment_id}/cancel": {
            "path_params": {"appointment_id": world.joint_follow_up if joint else world.follow_up}
        },
        "POST /api/v1/appointments/{appointment_id}/reschedule": {
            "path_params": {"appointment_id": world.joint if joint else world.hold},
            "json": {"start": starts[9]},
        },
        "POST /bookings/{appointment_id}/confirm": {
            "path_params": {"appointment_id": world.joint if joint else world.hold}
        },
        "POST /bookings/{appointment_id}/cancel": {
            "path_params": {"appointment_id": world.joint_follow_up if joint else world.follow_up}
        },
        "GET /book": {"query": opening},
        "POST /book": {"form": opening},
        "POST /register": {"form": {**person, "email": _fresh("new"), "password": PASSWORD}},
        "POST /signin": {"form": {"email": me, "password": PASSWORD, "next": "/account"}},
        "POST /account/sessions/{session_id}/revoke": {
            "path_params": {"session_id": world.spare_session}
        },
        "POST /account/tokens/{token_id}/revoke": {"path_params": {"token_id": world.page_token}},
        "POST /account/partner": {"form": {"code": world.codes[1]}},
        # branch portal: the world's therapist acts on their own record (no address names one)
        "POST /portal/time-off": {"form": {"starts_on": soon(20), "ends_on": soon(21)}},
        # admin branch: the flag queues and the admin pages act on the world's own objects
        "POST /portal/flags/{flag_id}/acknowledge": {"path_params": {"flag_id": world.flag}},
        "POST /review/flags/{flag_id}/acknowledge": {"path_params": {"flag_id": world.flag}},
        "POST /admin/licences/{licence_id}/verify": {"path_params": {"licence_id": world.licence}},
        "POST /admin/licences/{licence_id}/status": {"path_params": {"licence_id": world.licence}},
        "POST /admin/users/{user_id}/role": {"path_params": {"user_id": world.reviewer_user}},
        "POST /admin/users/invite": {"form": {"email": _fresh("invited")}},
        # --- branch visits: the therapist marks A's first session (not begun: 409) and
        # cancels A's follow-up; A (or P, jointly) shares with the therapist and moves the
        # follow-up, which the LATE cancels then find already cancelled
        "POST /portal/appointments/{appointment_id}/cancel": {
            "path_params": {"appointment_id": world.joint_follow_up if joint else world.follow_up}
        },
        "POST /bookings/{appointment_id}/reschedule": {
            "path_params": {"appointment_id": world.joint_follow_up if joint else world.follow_up},
            "form": {"start": starts[10]},
        },
    }
    # --- branch content: the content routes act on this world's own items ---
    content = world.content
    review = "/api/v1/content/review"
    for route, purpose in {
        "GET /learn/{slug}": "published",
        "GET /api/v1/content/{slug}": "published",
        f"GET {review}/{{slug}}": "edit",
        f"POST {review}/{{slug}}/versions": "edit",
        f"POST {review}/{{slug}}/versions/{{number}}/submit": "submit",
        f"POST {review}/{{slug}}/versions/{{number}}/return": "return",
        f"POST {review}/{{slug}}/versions/{{number}}/approve": "approve",
        f"POST {review}/{{slug}}/versions/{{number}}/publish": "publish",
        "GET /review/content/{slug}": "edit",
        "POST /review/content/{slug}/edit": "edit",
        "POST /review/content/{slug}/versions/{number}/{action}": "page_submit",
    }.items():
        params = {**base[route].path_params, "slug": content[purpose]}
        changes[route] = {"path_params": params}
    # a new item each (a form keeps its other fields; the JSON body is given whole)
    fresh = f"authz-new-{uuid.uuid4().hex[:10]}"
    changes[f"POST {review}"] = {"json": {**(base[f"POST {review}"].json or {}), "slug": fresh}}
    changes["POST /review/content/new"] = {"form": {"slug": f"{fresh}-page"}}
    # program (branch program): the program's routes name the world's program objects
    base.update({key(e): e for e in program_examples(starts[10], world.program)})
    found = {}
    for name, example in base.items():
        # a changed form keeps its other fields (the CSRF token among them)
        change = {
            part: {**(getattr(example, part) or {}), **values} if part == "form" else values
            for part, values in changes.get(name, {}).items()
        }
        found[name] = replace(example, **change)
        if joint and not names_an_appointment(example):
            del found[name]
    return found


def observe(api: TestClient, database: Database, world: World, caller: str) -> dict[str, int]:
    """The status of every route for `caller`, alone in `world`."""
    identity = enter(api, database, world, ACTS_AS[caller])
    requests = ordered(requests_for(world, identity, joint=caller == PARTNER_JOINT))
    # /readyz answers everyone 200 once the app has built its indexes: a world restored in
    # well under a second must not race the start-up
    readiness: Readiness = api.app.state.readiness  # type: ignore[attr-defined]
    assert readiness.built.wait(STARTUP_SECONDS), "the app did not finish starting"

    async def send_all() -> dict[str, int]:
        seen = {}
        async with (
            asgi_client(api.app, follow_redirects=False, cookies=identity.browser.cookies) as page,
            asgi_client(api.app, follow_redirects=True) as bearer,
        ):
            for example in requests:
                if is_page(example):
                    if example.form is not None and "csrf_token" in example.form:
                        token = await _csrf(page, example.path)
                        example = replace(example, form={**example.form, "csrf_token": token})
                    response = await page.request(**request_args(example, {}))
                else:
                    response = await bearer.request(**request_args(example, identity.bearer))
                seen[key(example)] = response.status_code
        return seen

    return in_app_loop(api, send_all)


def required_callers(route: str, joint_routes: set[str]) -> set[str]:
    return set(CALLERS) | ({PARTNER_JOINT} if route in joint_routes else set())


def structure_problems(
    matrix: dict[str, dict[str, int]], routes: set[str], joint_routes: set[str]
) -> list[str]:
    """An entry for every route and none for another, naming a status for exactly the callers
    checked on its route."""
    found = [
        f"no entry for {route!r}; decide who may use it (each caller's test shows what it gets)"
        for route in sorted(routes - matrix.keys())
    ]
    found += [f"entry for a route that no longer exists: {r!r}" for r in matrix.keys() - routes]
    for route in sorted(routes & matrix.keys()):
        expected, required = matrix[route], required_callers(route, joint_routes)
        if missing := required - expected.keys():
            found.append(f"{route!r} names no status for {sorted(missing)}")
        if unknown := expected.keys() - required:
            found.append(f"{route!r} names callers that are not checked there: {sorted(unknown)}")
    return found


def answer_problems(
    matrix: dict[str, dict[str, int]],
    routes: set[str],
    joint_routes: set[str],
    caller: str,
    seen: dict[str, int],
) -> list[str]:
    """Every answer `caller` got that differs from the matrix, in one table."""
    found = []
    for route in sorted(routes - matrix.keys()):
        answer = (
            f"{caller} = {seen[route]}"
            if route in seen
            else "nothing: give it an example request in tests/web/test_bad_input.py"
        )
        found.append(f"no entry for {route!r}; decide who may use it (observed: {answer})")
    rows = []
    for route in sorted(routes & matrix.keys()):
        expected = matrix[route]
        if caller not in required_callers(route, joint_routes) or caller not in expected:
            continue  # a missing status is structure_problems' to report
        observed = seen.get(route)
        if observed != expected[caller]:
            rows.append(f"{route:<58} {caller:<14} {expected[caller]:>8} {observed!s:>8}")
    if rows:
        header = f"{'route':<58} {'caller':<14} {'expected':>8} {'observed':>8}"
        found.append("\n".join([f"{len(rows)} answers differ from the matrix:", header, *rows]))
    return found


@pytest.fixture
def api(database: Database, tmp_path: Path) -> Iterator[TestClient]:
    settings = settings_for(str(database.engine.url)).model_copy(
        update={"outbox_dir": tmp_path / "outbox"}
    )
    with TestClient(create_app(settings, database=database)) as client:
        yield client


def load_matrix() -> dict[str, dict[str, int]]:
    with MATRIX.open("rb") as handle:
        return tomllib.load(handle)


def joint_routes_of() -> set[str]:
    """The routes P is also checked on, acting on A and P's joint sessions."""
    sample = {key(e): e for e in examples(1, 1, 1, "2030-01-01T00:00:00+00:00")}
    return {name for name, example in sample.items() if names_an_appointment(example)}


@pytest.fixture(scope="module")
def kept_world() -> Kept[World]:
    return Kept("authz-world")


@pytest.fixture
def world(
    api: TestClient,
    database: Database,
    kept_world: Kept[World],
    tmp_path_factory: pytest.TempPathFactory,
) -> World:
    """A fresh world for each caller, in the caller's own database under its own app: the
    module's first test (in this process, on this kind of database) builds it through the app,
    the others get its rows back from a snapshot (tests/snapshots.py) as their app starts."""
    return kept_world.once(database, lambda: build_world(api, database), tmp_path_factory)


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_the_matrix_has_a_status_for_every_route_and_caller(api: TestClient) -> None:
    found = structure_problems(load_matrix(), app_routes(api.app), joint_routes_of())
    assert found == [], "\n\n".join(found)


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
@pytest.mark.parametrize("caller", [*CALLERS, PARTNER_JOINT])
def test_every_route_answers_the_caller_as_the_matrix_says(
    api: TestClient, database: Database, world: World, caller: str
) -> None:
    seen = observe(api, database, world, caller)
    found = answer_problems(load_matrix(), app_routes(api.app), joint_routes_of(), caller, seen)
    assert found == [], "\n\n".join(found)
