"""Bad input never reaches a 500: each of 17 kinds of odd value, in each field of each route.

Every route has a valid example request below; the test swaps each of its fields (path, query,
JSON or form) for each odd value in turn and asserts the answer is not a server error. A route
without an example fails the test, so a route added later is covered or the test says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from confide.db import Database
from tests.app_loop import asgi_client, in_app_loop
from tests.scheduling.factories import make_client, make_therapist
from tests.snapshots import Kept

ALL_WEEK = tuple((d, 0, 24 * 60) for d in range(7))

# The 17 kinds: dates out of range, ids out of range, digits that are not ASCII, invisible
# and control characters, and sheer length.
ODD_VALUES: dict[str, Any] = {
    "year 9999 instant": "9999-12-31T23:30:00+00:00",
    "year 1 instant": "0001-01-01T00:00:00+00:00",
    "year 9999 day": "9999-12-31",
    "year 1 day": "0001-01-01",
    "id 2^63": 2**63,
    "id 10^30": 10**30,
    "id 2^63 - 1": 2**63 - 1,
    "id 0": 0,
    "id -1": -1,
    "superscript digit": "²",
    "Arabic-Indic digit": "٣",
    "fullwidth digit": "３",
    "NUL": "Sam\x00Rivera",
    "right-to-left override": "Sam\u202eavir",
    "directional isolate": "Sam \u2066Rivera\u2069",
    "right-to-left mark": "\u200fSam Rivera",
    "10,000 characters": "x" * 10_000,
}
_NUMBER_SUFFIX = re.compile(r"^(.*\D)(\d+)$")


@dataclass(frozen=True)
class Example:
    method: str
    path: str  # the route's template, e.g. /api/v1/appointments/{appointment_id}
    path_params: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    json: dict[str, Any] | None = None
    form: dict[str, Any] | None = None
    files: dict[str, tuple[str, bytes, str]] | None = None  # a form's uploads (multipart)

    def url(self) -> str:
        return self.path.format(**{k: quote(str(v), safe="") for k, v in self.path_params.items()})

    def variants(self) -> Iterator[tuple[str, Example]]:
        """This request with one field at a time swapped for each odd value."""
        for part in ("path_params", "query", "json", "form"):
            values: dict[str, Any] | None = getattr(self, part)
            for name, original in (values or {}).items():
                for kind, odd in ODD_VALUES.items():
                    candidates = [odd]
                    # "Schedule/therapist-12": the odd value also goes where the number was
                    match = _NUMBER_SUFFIX.match(str(original))
                    if isinstance(original, str) and match:
                        candidates.append(match.group(1) + str(odd))
                    for candidate in candidates:
                        changed = {**(values or {}), name: candidate}
                        yield f"{part}.{name} = {kind}", replace(self, **{part: changed})


def request_args(example: Example, headers: dict[str, str]) -> dict[str, Any]:
    """The arguments of an HTTP client's `request` that send `example`."""
    return {
        "method": example.method,
        "url": example.url(),
        "params": {k: str(v) for k, v in example.query.items()},
        "json": example.json,
        "data": {k: str(v) for k, v in example.form.items()} if example.form is not None else None,
        "files": example.files,
        "headers": headers,
    }


def send(api: TestClient, example: Example, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    return api.request(**request_args(example, headers))


def examples(therapist_id: int, appointment_id: int, hold_id: int, start: str) -> list[Example]:
    person = {"name": "Sam Rivera", "state": "NY", "timezone": "America/New_York"}
    return [
        Example("GET", "/"),
        Example("GET", "/healthz"),
        Example("GET", "/readyz"),
        Example("GET", "/docs"),
        Example("GET", "/api/v1/vocab"),
        Example(
            "GET",
            "/api/v1/therapists",
            query={"state": "NY", "concern": "infidelity", "page": 1, "page_size": 5},
        ),
        Example("GET", "/api/v1/therapists/{therapist_id}", {"therapist_id": therapist_id}),
        Example(
            "GET",
            "/api/v1/therapists/{therapist_id}/slots",
            {"therapist_id": therapist_id},
            query={"session_type": "intake", "start": start[:10], "days": 3, "tz": "UTC"},
        ),
        Example(
            "POST",
            "/api/v1/auth/register",
            json={**person, "email": "new@example.org", "password": "a long enough password"},
        ),
        Example("POST", "/api/v1/auth/verify", json={"token": "not-a-real-token-12345"}),
        Example("POST", "/api/v1/auth/password-reset", json={"email": "sam@example.org"}),
        Example(
            "POST",
            "/api/v1/auth/password-reset/confirm",
            json={"token": "not-a-real-token-12345", "password": "a long enough password"},
        ),
        Example(
            "POST",
            "/api/v1/auth/tokens",
            json={"email": "sam@example.org", "password": "a long enough password"},
        ),
        Example("GET", "/api/v1/auth/tokens"),
        Example("DELETE", "/api/v1/auth/tokens/{token_id}", {"token_id": 1}),
        Example(
            "POST",
            "/api/v1/auth/invitations",
            json={"email": "robin@example.org", "role": "therapist", "therapist_id": therapist_id},
        ),
        Example(
            "POST",
            "/api/v1/auth/invitations/accept",
            json={"token": "not-a-real-token-12345", "password": "a long enough password"},
        ),
        Example("GET", "/api/v1/clients/me"),
        Example("POST", "/api/v1/clients/me/invitations"),
        Example("POST", "/api/v1/clients/me/partner", json={"code": "not-a-real-code-12345"}),
        Example("DELETE", "/api/v1/clients/me/partner"),
        Example(
            "POST",
            "/api/v1/holds",
            json={"therapist_id": therapist_id, "session_type": "intake", "start": start},
        ),
        Example("POST", "/api/v1/appointments", json={"hold_id": hold_id}),
        Example("GET", "/api/v1/appointments/{appointment_id}", {"appointment_id": appointment_id}),
        Example(
            "POST",
            "/api/v1/appointments/{appointment_id}/cancel",
            {"appointment_id": appointment_id},
            json={"reason": "other"},
        ),
        Example(
            "POST",
            "/api/v1/appointments/{appointment_id}/reschedule",
            {"appointment_id": appointment_id},
            json={"start": start},
        ),
        Example(
            "GET",
            "/api/v1/appointments/{appointment_id}/calendar.ics",
            {"appointment_id": appointment_id},
        ),
        Example(
            "POST",
            "/api/v1/matches",
            json={
                "state": "NY",
                "concerns": ["infidelity"],
                "payment": {"method": "self_pay", "max_rate": 250},
                "timezone": "America/New_York",
                "limit": 3,
            },
        ),
        Example(
            "POST",
            "/api/v1/intake/text",
            json={"text": "we argue about money and I don't feel safe at home"},
        ),
        Example("GET", "/fhir/Appointment/{appointment_id}", {"appointment_id": appointment_id}),
        Example("GET", "/fhir/PractitionerRole/{therapist_id}", {"therapist_id": therapist_id}),
        Example("GET", "/fhir/Schedule/therapist-{therapist_id}", {"therapist_id": therapist_id}),
        Example(
            "GET",
            "/fhir/Slot",
            query={"schedule": f"Schedule/therapist-{therapist_id}", "service-type": "intake"},
        ),
        Example("GET", "/fhir/$bulk-publish"),
        Example(
            "GET",
            "/api/v1/audit/events",
            query={"actor_user_id": 1, "since": start, "page": 1, "per_page": 10},
        ),
        Example("GET", "/api/v1/audit/events.csv", query={"object_id": str(appointment_id)}),
        Example("GET", "/api/v1/screenings/instruments"),
        Example(
            "POST",
            "/api/v1/screenings/score",
            json={"instrument": "audit_c", "answers": [1, 2, 0], "sex": "female"},
        ),
        Example("GET", "/api/v1/screenings/safety/questions"),
        Example(
            "POST",
            "/api/v1/screenings/safety",
            json={"answers": {"pv_fear": 0, "pv_control": 0, "self_harm_now": 0}},
        ),
        Example("GET", "/fhir/locations.ndjson"),
        Example("GET", "/fhir/schedules.ndjson"),
        Example("GET", "/fhir/slots.ndjson"),
        Example(
            "GET",
            "/book",
            query={"therapist": therapist_id, "session_type": "intake", "start": start},
        ),
        Example(
            "POST",
            "/book",
            form={
                "therapist": therapist_id,
                "session_type": "intake",
                "start": start,
                "csrf_token": "not-a-token",
            },
        ),
        Example(
            "POST",
            "/book/calendar",
            form={"appointment": appointment_id, "csrf_token": "not-a-token"},
        ),
        Example("GET", "/bookings/{appointment_id}", {"appointment_id": appointment_id}),
        Example(
            "POST",
            "/bookings/{appointment_id}/confirm",
            {"appointment_id": hold_id},
            form={"csrf_token": "not-a-token"},
        ),
        Example("GET", "/bookings/{appointment_id}/cancel", {"appointment_id": appointment_id}),
        Example(
            "POST",
            "/bookings/{appointment_id}/cancel",
            {"appointment_id": appointment_id},
            form={"csrf_token": "not-a-token"},
        ),
        # the intake (tests/intake/test_pages.py sends odd values with a real CSRF token too)
        Example("GET", "/start"),
        Example(
            "POST",
            "/start",
            form={"csrf_token": "x", "state": "NY", "format": "individual", "partner_state": ""},
        ),
        Example("GET", "/start/{step}", {"step": "concerns"}),
        Example(
            "POST",
            "/start/{step}",
            {"step": "payment"},
            form={"csrf_token": "x", "plan": "", "max_rate": "150", "action": "continue"},
        ),
        Example("GET", "/start/results"),
        Example(
            "POST",
            "/start/results",
            form={
                "csrf_token": "x",
                "setting": "telehealth",
                "max_rate": "200",
                "action": "adjust",
            },
        ),
        Example("POST", "/start/forget", form={"csrf_token": "x"}),
        Example("GET", "/therapists/{therapist_id}", {"therapist_id": therapist_id}),
        *page_examples(person),
        *portal_examples(),
        *content_examples(),
        *visits_examples(appointment_id, start),
        *program_examples(start),
    ]


# branch portal: the therapist's pages (issue 10)
CALENDAR = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
    b"UID:busy-1@example.org\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20300107T150000Z\r\n"
    b"DTEND:20300107T160000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def portal_examples() -> list[Example]:
    """The therapist portal; each form refused without the right CSRF token, after parsing."""
    csrf = {"csrf_token": "not-a-token"}
    kinds = ("intake", "individual", "couples_intake", "couples")
    supply = {
        "status": "accepting",
        "paused_until": "",
        "weekly_new_client_limit": "4",
        "caseload_limit": "20",
        "minimum_notice_hours": "2",
        "booking_horizon_days": "30",
        "buffer_minutes": "10",
    }
    hours = {f"day_{d}": "00:00-24:00" for d in range(7)}
    rates = {f"rate_{k}": "160" for k in kinds} | {f"sliding_{k}": "" for k in kinds}
    panel = {"plan": "aetna-ppo", "state": "NY"}
    profile = {
        "populations": "individuals",
        "languages": "en",
        "modalities": "eft",
        "concern_infidelity": "primary",
    }
    return [
        *(
            Example("GET", f"/portal{page}")
            for page in (
                "",
                "/supply",
                "/hours",
                "/time-off",
                "/rates",
                "/panels",
                "/profile",
                "/calendar",
                "/openings",
            )
        ),
        Example("POST", "/portal/supply", form={**csrf, **supply}),
        Example("POST", "/portal/hours", form={**csrf, **hours}),
        Example(
            "POST",
            "/portal/time-off",
            form={**csrf, "starts_on": "2030-01-07", "ends_on": "2030-01-08"},
        ),
        Example("POST", "/portal/time-off/remove", form={**csrf, "time_off": "1"}),
        Example("POST", "/portal/rates", form={**csrf, **rates}),
        Example("POST", "/portal/panels", form={**csrf, **panel}),
        Example("POST", "/portal/panels/leave", form={**csrf, **panel}),
        Example("POST", "/portal/profile", form={**csrf, **profile}),
        Example(
            "POST",
            "/portal/calendar",
            form=csrf,
            files={"calendar": ("mine.ics", CALENDAR, "text/calendar")},
        ),
    ]


# --- branch visits: the therapist's appointment pages, a client's reschedule and sharing ---
def visits_examples(appointment_id: int, start: str) -> list[Example]:
    one = {"appointment_id": appointment_id}
    csrf = {"csrf_token": "not-a-token"}
    return [
        Example("GET", "/portal/appointments", query={"week": start[:10]}),
        Example("GET", "/portal/appointments/{appointment_id}", one),
        Example("POST", "/portal/appointments/{appointment_id}/fulfilled", one, form=csrf),
        Example("POST", "/portal/appointments/{appointment_id}/noshow", one, form=csrf),
        Example(
            "POST",
            "/portal/appointments/{appointment_id}/cancel",
            one,
            form={**csrf, "reason": "illness"},
        ),
        Example("GET", "/bookings/{appointment_id}/reschedule", one),
        Example("POST", "/bookings/{appointment_id}/sharing", one, form={**csrf, "share": "yes"}),
        Example(
            "POST", "/bookings/{appointment_id}/reschedule", one, form={**csrf, "start": start}
        ),
    ]


# --- branch content: clinician-reviewed content (/learn, /review/content, /api/v1/content) ---
def content_examples() -> list[Example]:
    """The content routes; tests/authz/test_matrix.py points them at its world's items."""
    slug = {"slug": "what-are-trust-issues"}
    version = {**slug, "number": 1}
    text = {"title": "What trust issues are", "summary": "In short.", "markdown": "Trust *grows*."}
    review = "/api/v1/content/review"
    return [
        Example("GET", "/learn"),
        Example("GET", "/learn/{slug}", slug),
        Example("GET", "/api/v1/content/"),
        Example("GET", "/api/v1/content/{slug}", slug),
        Example("GET", review),
        Example("POST", review, json={**text, "slug": "a-new-item", "kind": "article"}),
        Example("GET", review + "/{slug}", slug),
        Example("POST", review + "/{slug}/versions", slug, json=text),
        Example("POST", review + "/{slug}/versions/{number}/submit", version),
        Example("POST", review + "/{slug}/versions/{number}/return", version),
        Example(
            "POST",
            review + "/{slug}/versions/{number}/approve",
            version,
            json={"reviewer_name": "Dr. Rae Lin, LMFT"},
        ),
        Example("POST", review + "/{slug}/versions/{number}/publish", version),
        Example("GET", "/review/content"),
        Example("GET", "/review/content/new"),
        Example(
            "POST",
            "/review/content/new",
            form={"csrf_token": "x", "slug": "a-new-item", "kind": "article", **text},
        ),
        Example("GET", "/review/content/{slug}", slug),
        Example("POST", "/review/content/{slug}/edit", slug, form={"csrf_token": "x", **text}),
        Example(
            "POST",
            "/review/content/{slug}/versions/{number}/{action}",
            {**version, "action": "submit"},
            form={"csrf_token": "x", "reviewer_name": ""},
        ),
    ]


def page_examples(person: dict[str, str]) -> list[Example]:
    """The account pages; their forms are refused without the right CSRF token, after parsing."""
    secret = {"token": "not-a-real-token-12345", "csrf_token": "not-a-token"}
    login = {"email": "sam@example.org", "password": "a long enough password"}
    return [
        Example("GET", "/register", query={"next": "/account"}),
        Example(
            "POST", "/register", form={**person, **login, "csrf_token": "x", "next": "/account"}
        ),
        Example("GET", "/signin", query={"next": "/account"}),
        Example("POST", "/signin", form={**login, "csrf_token": "x", "next": "/account"}),
        Example("GET", "/signout"),
        Example("POST", "/signout", form={"csrf_token": "x"}),
        Example("GET", "/verify", query={"token": "not-a-real-token-12345"}),
        Example("POST", "/verify", form=secret),
        Example("GET", "/reset", query={"token": "not-a-real-token-12345"}),
        Example("POST", "/reset", form={"email": "sam@example.org", "csrf_token": "x"}),
        Example("POST", "/reset/confirm", form={**secret, "password": login["password"]}),
        Example("GET", "/join", query={"token": "not-a-real-token-12345"}),
        Example("POST", "/join", form={**secret, "password": login["password"]}),
        Example("GET", "/account"),
        Example(
            "POST",
            "/account/sessions/{session_id}/revoke",
            {"session_id": 1},
            form={"csrf_token": "x"},
        ),
        Example(
            "POST", "/account/tokens/{token_id}/revoke", {"token_id": 1}, form={"csrf_token": "x"}
        ),
        Example("POST", "/account/partner/invitation", form={"csrf_token": "x"}),
        Example("POST", "/account/partner/end", form={"csrf_token": "x"}),
        Example("POST", "/account/partner", form={"csrf_token": "x", "code": "not-a-code-12345"}),
        Example("POST", "/account/safety", form={"csrf_token": "x", "pv_fear": "0"}),
        # admin branch: the safety-flag queues and the admin pages
        Example("GET", "/portal/flags"),
        Example(
            "POST",
            "/portal/flags/{flag_id}/acknowledge",
            {"flag_id": 1},
            form={"csrf_token": "x", "note": "Called; safe."},
        ),
        Example("GET", "/review/flags"),
        Example(
            "POST",
            "/review/flags/{flag_id}/acknowledge",
            {"flag_id": 1},
            form={"csrf_token": "x", "note": "Called; safe."},
        ),
        Example("GET", "/admin"),
        Example(
            "GET",
            "/admin/licences",
            query={"therapist": "Hale", "state": "NY", "status": "active", "page": 1},
        ),
        Example(
            "POST",
            "/admin/licences/{licence_id}/verify",
            {"licence_id": 1},
            form={"csrf_token": "x"},
        ),
        Example(
            "POST",
            "/admin/licences/{licence_id}/status",
            {"licence_id": 1},
            form={"csrf_token": "x", "status": "active"},
        ),
        Example("GET", "/admin/payers"),
        Example(
            "POST",
            "/admin/payers/plans",
            form={
                "csrf_token": "x",
                "payer": "aetna",
                "code": "aetna-test-epo",
                "name": "Aetna Test EPO",
                "product": "EPO",
                "states": "NY NJ",
            },
        ),
        Example(
            "POST",
            "/admin/payers/plans/{plan_code}/retire",
            {"plan_code": "aetna-hmo"},
            form={"csrf_token": "x"},
        ),
        Example("GET", "/admin/users", query={"role": "admin", "email": "example", "page": 1}),
        Example(
            "POST",
            "/admin/users/invite",
            form={"csrf_token": "x", "email": "kim@example.org", "role": "reviewer"},
        ),
        Example(
            "POST",
            "/admin/users/{user_id}/role",
            {"user_id": 1},
            form={"csrf_token": "x", "role": "admin"},
        ),
        Example("GET", "/admin/audit", query={"object_type": "safety_flag", "page": 1}),
        Example("GET", "/admin/network"),
        # --- checkins (branch checkins): weekly check-ins, progress, sharing, therapist view
        *checkin_examples(),
    ]


CHECK_IN_FORM = {
    "csrf_token": "x",
    "mood_form": "phq2",
    "worry_form": "gad2",
    **{f"sign_{code}": "2" for code in ("safety", "openness", "listened", "commitment")},
    "sign_decisions": "2",
    "mood_1": "0",
    "mood_2": "1",
    "worry_1": "1",
    "worry_2": "0",
}


def checkin_examples() -> list[Example]:
    """The check-in routes (branch checkins), API and pages."""
    signs = {"safety": 2, "openness": 2, "listened": 3, "commitment": 2, "decisions": 1}
    return [
        Example(
            "POST",
            "/api/v1/program/check-ins",
            json={"signs": signs, "mood": [0, 1], "worry": [1, 0]},
        ),
        Example("GET", "/api/v1/program/check-ins"),
        Example("GET", "/api/v1/program/check-ins/{check_in_id}", {"check_in_id": 1}),
        Example("GET", "/api/v1/program/progress"),
        Example("GET", "/api/v1/program/consent"),
        Example("POST", "/api/v1/program/consent", json={"to": "partner"}),
        Example("DELETE", "/api/v1/program/consent", query={"to": "partner"}),
        Example("GET", "/program/check-in"),
        Example("POST", "/program/check-in", form=CHECK_IN_FORM),
        Example("GET", "/program/progress"),
        Example("GET", "/program/sharing"),
        Example(
            "POST", "/program/sharing", form={"csrf_token": "x", "to": "partner", "share": "yes"}
        ),
        Example("GET", "/portal/couples/{space_id}", {"space_id": 1}),
    ]


# --- program (branch program): the couples program's JSON routes and pages ---
@dataclass(frozen=True)
class ProgramIds:
    """The program objects a request names (the authz world's, or 1 where none exist)."""

    item: int = 1
    apology: int = 1
    commitment: int = 1
    agreement: int = 1
    turn: int = 1


PROGRAM_PARTS = {
    "harm": "I broke your trust.",
    "responsibility": "It was my choice.",
    "new_actions": "I will tell you where I am.",
    "signs": "You will see me keep my word.",
}


def program_examples(start: str, ids: ProgramIds | None = None) -> list[Example]:
    ids = ids or ProgramIds()
    api = "/api/v1/program"
    all_no = dict.fromkeys(("pv_fear", "pv_hurt", "pv_control", "pv_sexual", "pv_anger"), 0)
    form = {"csrf_token": "x"}
    return [
        Example("GET", f"{api}/space"),
        Example("POST", f"{api}/space", json={"role": "hurt"}),
        Example("POST", f"{api}/space/join", json={"role": "hurt"}),
        Example("POST", f"{api}/space/leave"),
        Example("POST", f"{api}/safety", json={"answers": all_no}),
        Example("POST", f"{api}/unsafe"),
        Example("GET", f"{api}/steps"),
        Example("POST", f"{api}/steps/{{step}}/done", {"step": 1}),
        Example("GET", f"{api}/items"),
        Example(
            "POST",
            f"{api}/items",
            json={
                "step": 1,
                "kind": "acknowledgement",
                "text": "It hurt.",
                "visibility": "private",
            },
        ),
        Example("GET", f"{api}/items/{{item_id}}", {"item_id": ids.item}),
        Example(
            "PATCH",
            f"{api}/items/{{item_id}}",
            {"item_id": ids.item},
            json={"visibility": "private"},
        ),
        Example("GET", f"{api}/apologies"),
        Example("POST", f"{api}/apologies", json={"parts": PROGRAM_PARTS}),
        Example(
            "POST",
            f"{api}/apologies/{{apology_id}}/status",
            {"apology_id": ids.apology},
            json={"status": "deferred"},
        ),
        Example("GET", f"{api}/commitments"),
        Example("POST", f"{api}/commitments", json={"promise": "Dinner", "due_at": start}),
        Example(
            "POST",
            f"{api}/commitments/{{commitment_id}}/status",
            {"commitment_id": ids.commitment},
            json={"status": "kept"},
        ),
        Example("GET", f"{api}/agreements"),
        Example(
            "POST", f"{api}/agreements", json={"need": "A nightly call", "review_on": "2099-12-31"}
        ),
        Example(
            "POST",
            f"{api}/agreements/{{agreement_id}}/status",
            {"agreement_id": ids.agreement},
            json={"status": "accepted"},
        ),
        Example("GET", f"{api}/turns"),
        Example(
            "POST",
            f"{api}/turns",
            json={"kind": "reflect", "text": "I heard you.", "answers": ids.turn},
        ),
        Example("GET", "/program"),
        Example("POST", "/program/start", form={**form, "role": "hurt"}),
        Example("POST", "/program/join", form={**form, "role": "hurt"}),
        Example("POST", "/program/leave", form=form),
        Example("POST", "/program/safety", form={**form, **dict.fromkeys(all_no, "0")}),
        Example("POST", "/program/unsafe", form=form),
        Example("POST", "/program/support", form=form),
        Example("POST", "/program/therapy", form=form),
        Example("GET", "/program/steps/{step}", {"step": 1}),
        Example("POST", "/program/steps/{step}/done", {"step": 1}, form=form),
        Example(
            "POST",
            "/program/items",
            form={**form, "step": 1, "kind": "acknowledgement", "body": "It hurt."}
            | {"visibility": "private"},
        ),
        Example("GET", "/program/items/{item_id}", {"item_id": ids.item}),
        Example(
            "POST",
            "/program/items/{item_id}",
            {"item_id": ids.item},
            form={**form, "visibility": "private"},
        ),
        Example("POST", "/program/apologies", form={**form, **PROGRAM_PARTS}),
        Example(
            "POST",
            "/program/apologies/{apology_id}/status",
            {"apology_id": ids.apology},
            form={**form, "status": "deferred"},
        ),
        Example(
            "POST",
            "/program/commitments",
            form={**form, "promise": "Dinner", "due_on": "2099-12-30"},
        ),
        Example(
            "POST",
            "/program/commitments/{commitment_id}/status",
            {"commitment_id": ids.commitment},
            form={**form, "status": "kept"},
        ),
        Example(
            "POST",
            "/program/agreements",
            form={**form, "need": "A nightly call", "review_on": "2099-12-31"},
        ),
        Example(
            "POST",
            "/program/agreements/{agreement_id}/status",
            {"agreement_id": ids.agreement},
            form={**form, "status": "accepted"},
        ),
        Example(
            "POST",
            "/program/turns",
            form={**form, "kind": "reflect", "body": "I heard you.", "answers": ids.turn},
        ),
    ]


# --- end program ---


def build_world(client: TestClient, database: Database) -> tuple[list[Example], dict[str, str]]:
    """A therapist open all week, a client with a booked first session and a held follow-up;
    returns the example requests naming them, and the client's Authorization header."""
    with database.session(write=True) as session:
        therapist_id = make_therapist(
            session, hours=ALL_WEEK, minimum_notice_hours=2, licensed=("NY", "NJ")
        ).id
    me = make_client(client)
    listed = client.get(
        f"/api/v1/therapists/{therapist_id}/slots", params={"days": 3, "tz": "UTC"}
    ).json()["slots"]
    starts = [s["start"] for s in listed]

    def hold(start: str, session_type: str = "intake") -> int:
        response = client.post(
            "/api/v1/holds",
            json={"therapist_id": therapist_id, "session_type": session_type, "start": start},
            headers=me,
        )
        assert response.status_code == 201, response.text
        return int(response.json()["hold_id"])

    appointment_id = hold(starts[0])
    assert (
        client.post(
            "/api/v1/appointments", json={"hold_id": appointment_id}, headers=me
        ).status_code
        == 201
    )
    # a follow-up: one upcoming first session per client
    hold_id = hold(starts[4], "individual")
    return examples(therapist_id, appointment_id, hold_id, starts[8]), me


@pytest.fixture(scope="module")
def kept_world() -> Kept[tuple[list[Example], dict[str, str]]]:
    return Kept("bad-input")


@pytest.fixture
def world(
    client: TestClient,
    database: Database,
    kept_world: Kept[tuple[list[Example], dict[str, str]]],
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[list[Example], dict[str, str]]:
    """The world in this test's own database, under this test's own app. The first test of the
    module (in this process, on this kind of database) builds it through the app; the others
    get its rows back from a snapshot (see tests/snapshots.py), as the app has just started."""
    return kept_world.once(database, lambda: build_world(client, database), tmp_path_factory)


def test_every_route_has_an_example(client: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    routes = {
        (method, route.path)
        for route in iter_route_contexts(client.app.routes)  # type: ignore[attr-defined]
        if isinstance(route.original_route, APIRoute)
        for method in route.methods or ()
    }
    covered = {(e.method, e.path) for e in world[0]}
    assert routes - covered == set(), "add an example request for these routes"
    assert covered - routes == set(), "these examples name routes that no longer exist"


# The sweep is cut in parts, each in a world of its own, so that xdist shares it out.
SWEEP_PARTS = 4


@pytest.mark.parametrize("part", range(SWEEP_PARTS), ids=lambda p: f"part{p + 1}of{SWEEP_PARTS}")
def test_no_odd_value_in_any_field_reaches_a_server_error(  # type: ignore[no-untyped-def]
    client: TestClient, world, part: int
) -> None:
    requests, me = world
    swaps = [
        (f"{example.method} {example.path} {swapped}", variant)
        for example in requests
        for swapped, variant in example.variants()
    ]
    assert len(swaps) > 800
    mine = swaps[len(swaps) * part // SWEEP_PARTS : len(swaps) * (part + 1) // SWEEP_PARTS]

    async def sweep() -> list[str]:
        server_errors = []
        async with asgi_client(client.app, follow_redirects=True) as http:
            for swapped, variant in mine:
                response = await http.request(**request_args(variant, me))
                if response.status_code >= 500:
                    server_errors.append(swapped)
        return server_errors

    server_errors = in_app_loop(client, sweep)
    assert server_errors == [], "\n".join(server_errors)


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("method", "url", "body", "status", "named"),
    [
        ("POST", "/api/v1/holds", {"start": "9999-12-31T23:30:00+00:00"}, 422, "start"),
        ("POST", "/api/v1/holds", {"start": "0001-01-01T00:00:00+00:00"}, 422, "start"),
        ("POST", "/api/v1/holds", {"therapist_id": 2**63}, 422, "therapist_id"),
        ("GET", "/api/v1/therapists/{t}/slots?start=9999-12-31", None, 422, "start"),
        ("GET", "/api/v1/therapists/{t}/slots?start=0001-01-01", None, 422, "start"),
        (
            "GET",
            "/fhir/Slot?schedule=Schedule/therapist-9223372036854775808",
            None,
            422,
            "schedule",
        ),
        ("GET", "/fhir/Schedule/therapist-²", None, 422, "therapist_id"),
        ("GET", "/api/v1/appointments/9223372036854775808", None, 422, "appointment_id"),
        ("POST", "/api/v1/auth/register", {"name": "Sam\x00"}, 422, "name"),
        ("POST", "/api/v1/auth/register", {"name": "Sam \u202eavir"}, 422, "name"),
        ("POST", "/api/v1/auth/register", {"password": "short"}, 422, "password"),
        ("POST", "/api/v1/auth/register", {"password": "x" * 129}, 422, "password"),
        ("POST", "/api/v1/auth/register", {"password": "NEW@example.org"}, 422, "password"),
        ("POST", "/api/v1/auth/tokens", {"expires_in_days": 366}, 422, "expires_in_days"),
        ("POST", "/api/v1/auth/tokens", {"scopes": ["everything"]}, 422, "scopes.0"),
        ("POST", "/api/v1/screenings/score", {"instrument": "hits"}, 422, "instrument"),
        ("POST", "/api/v1/screenings/score", {"answers": [1, 2]}, 422, "answers"),
        ("POST", "/api/v1/screenings/score", {"answers": [1, 2, 5]}, 422, "answers.2"),
        ("POST", "/api/v1/screenings/score", {"answers": [1, 2, 4, 0]}, 422, "answers"),
        ("POST", "/api/v1/screenings/score", {"sex": "unknown"}, 422, "sex"),
        ("POST", "/api/v1/screenings/safety", {"answers": {}}, 422, "answers"),
        ("POST", "/api/v1/screenings/safety", {"answers": {"pv_fear": 3}}, 422, "answers.pv_fear"),
        ("POST", "/api/v1/intake/text", {"text": "x" * 2001}, 422, "text"),
        ("POST", "/api/v1/intake/text", {"text": "Sam\u202eavir"}, 422, "text"),
    ],
)
def test_the_answer_names_the_field(  # type: ignore[no-untyped-def]
    client: TestClient, world, method: str, url: str, body: Any, status: int, named: str
) -> None:
    requests, me = world
    therapist_id = next(e for e in requests if "therapist_id" in e.path_params).path_params[
        "therapist_id"
    ]
    base = next((e.json for e in requests if e.method == method and e.path == url and e.json), None)
    response = client.request(
        method,
        url.replace("{t}", str(therapist_id)),
        json={**(base or {}), **body} if body is not None else None,
        headers=me,
    )
    assert response.status_code == status, response.text
    fields = [f["field"] for f in response.json()["fields"]]
    assert named in fields, response.text


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("method", "query", "form", "named"),
    [
        ("GET", {"therapist": 2**63, "start": "2026-12-01T17:00:00Z"}, None, "therapist"),
        ("GET", {"therapist": 1, "start": "9999-12-31T23:30:00Z"}, None, "start"),
        ("GET", {"therapist": 1, "start": "0001-01-01T00:00:00Z"}, None, "start"),
        ("POST", None, {"therapist": 2**63}, "therapist"),
        ("POST", None, {"start": "9999-12-31T23:30:00Z"}, "start"),
        ("POST", None, {"session_type": "massage"}, "session_type"),
    ],
)
def test_the_booking_page_names_the_field(  # type: ignore[no-untyped-def]
    client: TestClient, world, method: str, query: Any, form: Any, named: str
) -> None:
    requests, _me = world
    example = next(e for e in requests if e.path == "/book" and e.method == method)
    if method == "GET":
        response = client.get("/book", params={**example.query, **query})
    else:
        assert example.form is not None
        response = client.post("/book", data={**example.form, **form})
    assert response.status_code in (404, 422), response.text
    assert named in response.text


def test_book_calendar_refuses_an_id_past_the_range(client: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/book/calendar", data={"appointment": 2**63, "csrf_token": "x" * 20})
    assert response.status_code in (404, 422)
    assert "appointment" in response.text


def test_the_supported_range_is_in_the_message(client: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    requests, me = world
    holds = next(e for e in requests if e.path == "/api/v1/holds")
    assert holds.json is not None
    far = (datetime.now(UTC) + timedelta(days=365 * 200)).replace(microsecond=0, second=0)
    response = client.post(
        "/api/v1/holds", json={**holds.json, "start": far.isoformat()}, headers=me
    )
    assert response.status_code == 422
    assert "2000-01-01" in response.text
    assert "2100-01-01" in response.text
