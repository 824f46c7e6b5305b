"""Rules that JSON Schema cannot state, applied to schemathesis's schema-valid cases only.

schemathesis's positive_data_acceptance check says a request that fits the schema must not be
refused as bad input. Some of Confide's 422s come from rules across fields or from what the
database holds, which no OpenAPI schema can say: a plan must be one of its payer's and sold in
the person's state; a hold's start is a whole minute between 2000 and 2100; a therapist must
offer the session type and be licensed where the client is; a partner code must be a real
invitation from someone else; an Idempotency-Key names one request; a screening has one
answer per item of its instrument, each in that item's range; an email address is not on a
special-use domain (.test, .local, …: the address check refuses them, as mail cannot reach
them, while the schema's "email" format allows them). `steer` changes a
schema-valid case just enough to keep these rules, so each such request is still sent and all
checks run on its answer. Negative cases are never touched: those must be refused, and are.
Each rule's own 422 is tested where it lives (tests/web/test_bad_input.py, the matching,
network, scheduling and accounts tests).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from email_validator import SPECIAL_USE_DOMAIN_NAMES
from schemathesis import Case, GenerationMode
from sqlalchemy import select

from confide.accounts import links
from confide.accounts.schemas import ClientCreate
from confide.accounts.service import create_client, invite_partner
from confide.db import Database
from confide.fields import EARLIEST, LATEST
from confide.models import Licence, TherapistService, User
from confide.screening.instruments import INSTRUMENTS
from confide.vocab import get_vocabulary


@dataclass
class Network:
    """What the database holds that a request may need to agree with."""

    offered: dict[int, list[str]]
    licensed_in: dict[int, set[str]]
    client_state: str
    secret_key: str
    database: Database

    def partner_code(self) -> str:
        """A fresh invitation code from a new client: a code links once, so each case that
        should be accepted gets one of its own."""
        now = datetime.now(UTC)
        with self.database.session(write=True) as session:
            inviter, _ = create_client(
                session,
                ClientCreate(
                    name="Inviter",
                    email=f"inviter-{uuid.uuid4().hex}@example.org",
                    state=self.client_state,
                    timezone="America/New_York",
                ),
            )
            code, _ = invite_partner(inviter, self.secret_key, now)
        return code

    def link(self, purpose: str) -> str:
        """A fresh single-use link's secret, as the mail would carry it: a schema-valid token
        is only known to be good when it was really issued, once."""
        now = datetime.now(UTC)
        with self.database.session(write=True) as session:
            if purpose == "invite":
                return links.issue(
                    session,
                    purpose,
                    now,
                    email=f"staff-{uuid.uuid4().hex}@example.org",
                    role="reviewer",
                )
            user_id = session.scalars(select(User.id).where(User.role == "client")).first()
            return links.issue(session, purpose, now, user_id=user_id)

    @classmethod
    def read(cls, database: Database, client_state: str, secret_key: str) -> Network:
        offered: dict[int, list[str]] = {}
        licensed_in: dict[int, set[str]] = {}
        with database.session() as session:
            for therapist_id, session_type in session.execute(
                select(TherapistService.therapist_id, TherapistService.session_type)
            ):
                offered.setdefault(therapist_id, []).append(session_type)
            for therapist_id, state in session.execute(select(Licence.therapist_id, Licence.state)):
                licensed_in.setdefault(therapist_id, set()).add(state)
        return cls(offered, licensed_in, client_state, secret_key, database)

    def licensed_here(self) -> int:
        return min(t for t, states in self.licensed_in.items() if self.client_state in states)


def _in_range(text: str, *, whole_minute: bool) -> str:
    """An ISO time or day inside the supported range (and on a whole minute for a start)."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return text
    if value.tzinfo is not None:
        if not EARLIEST <= value < LATEST:
            value = value.replace(year=2030, tzinfo=UTC)
        return (value.replace(second=0, microsecond=0) if whole_minute else value).isoformat()
    if not EARLIEST.date() <= value.date() < LATEST.date():
        return value.date().replace(year=2030).isoformat()
    return text


def _plan_for(payer: str, state: str | None) -> tuple[str, str]:
    """A payer and one of its plans sold in `state` (another payer when it sells none there)."""
    vocab = get_vocabulary()
    for candidate in [vocab.payers[payer], *vocab.payers.values()]:
        plans = candidate.plans_in(state) if state else candidate.plans
        if plans:
            return candidate.code, plans[0].code
    raise AssertionError(f"no payer sells a plan in {state}")


def _intake(body: dict[str, Any]) -> None:
    payment = body.get("payment")
    if isinstance(payment, dict) and payment.get("method") == "insurance":
        payment["payer"], payment["plan"] = _plan_for(payment["payer"], body.get("state"))
    if body.get("format") == "couples" and body.get("partner_state") is None:
        body["partner_state"] = body.get("state")
    # a known postal code and a distance go together, and in person needs both
    if body.get("setting") == "in_person" or (
        (body.get("postal_code") is None) != (body.get("max_distance_km") is None)
    ):
        body["postal_code"], body["max_distance_km"] = "10001", 25
    elif body.get("postal_code") is not None:
        body["postal_code"] = "10001"
    for window in body.get("availability") or []:
        if isinstance(window, dict) and str(window.get("start")) >= str(window.get("end")):
            window["end"] = "24:00"
    preferences = body.get("preferences")
    if isinstance(preferences, dict):
        given = {n for n, v in preferences.items() if v not in (None, [])}
        preferences["required"] = [n for n in preferences.get("required", []) if n in given]


# routes that take a mailed link's secret, and what the link is for
LINK_ROUTES = {
    "POST /api/v1/auth/verify": "verify",
    "POST /api/v1/auth/password-reset/confirm": "reset",
    "POST /api/v1/auth/invitations/accept": "invite",
}


def _window(query: dict[str, Any]) -> None:
    """`since` before `until` (the audit filters' rule across two fields)."""
    if "since" not in query or "until" not in query:
        return
    try:
        since = datetime.fromisoformat(str(query["since"]))
        until = datetime.fromisoformat(str(query["until"]))
    except ValueError:
        return
    if since == until:
        del query["until"]
    elif since > until:
        query["since"], query["until"] = query["until"], query["since"]


def _answers_fit(body: dict[str, Any]) -> None:
    """One answer per item of the instrument, each one of that item's answers."""
    found = INSTRUMENTS.get(str(body.get("instrument")))
    given = body.get("answers")
    if found is None or not isinstance(given, list):
        return
    given = given + [0] * len(found.items)
    body["answers"] = [
        min(max(value, 0), item.options[-1].value) if isinstance(value, int) else 0
        for item, value in zip(found.items, given, strict=False)
    ]


def _deliverable(address: str) -> str:
    """The address on example.org instead of a special-use domain."""
    local, at, domain = address.rpartition("@")
    if at and domain.rstrip(".").rsplit(".", 1)[-1].lower() in SPECIAL_USE_DOMAIN_NAMES:
        return f"{local}@example.org"
    return address


def _is_email(body: dict[str, Any]) -> bool:
    """A password that is the address itself (which registration refuses)."""
    return str(body.get("password", "")).strip().lower() == str(body.get("email")).strip().lower()


def steer(case: Case, network: Network) -> Case:
    """Keep a schema-valid case inside the rules above; any other case goes as generated."""
    if case.meta is None or case.meta.generation.mode is not GenerationMode.POSITIVE:
        return case
    label = case.operation.label
    body = case.body if isinstance(case.body, dict) else None
    query = case.query if isinstance(case.query, dict) else {}
    if body is not None and isinstance(body.get("email"), str):
        body["email"] = _deliverable(body["email"])
    if label == "GET /api/v1/therapists" and query.get("payer") and query.get("plan"):
        query["payer"], query["plan"] = _plan_for(query["payer"], None)
    elif label == "GET /api/v1/therapists/{therapist_id}/slots":
        offered = network.offered.get(int(case.path_parameters["therapist_id"]))
        if offered and query.get("session_type", "intake") not in offered:
            query["session_type"] = offered[0]
        if "start" in query:
            query["start"] = _in_range(str(query["start"]), whole_minute=False)
    elif label == "GET /fhir/Slot":
        therapist_id = network.licensed_here()
        query["schedule"] = f"Schedule/therapist-{therapist_id}"
        if query.get("service-type", "intake") not in network.offered[therapist_id]:
            query["service-type"] = network.offered[therapist_id][0]
    elif label == "POST /api/v1/matches" and body is not None:
        _intake(body)
    elif label == "POST /api/v1/holds" and body is not None:
        therapist_id = body.get("therapist_id")
        if therapist_id in network.licensed_in:
            if network.client_state not in network.licensed_in[therapist_id]:
                body["therapist_id"] = therapist_id = network.licensed_here()
            if body.get("session_type") not in network.offered[therapist_id]:
                body["session_type"] = network.offered[therapist_id][0]
        body["start"] = _in_range(str(body.get("start")), whole_minute=True)
    elif label == "POST /api/v1/appointments/{appointment_id}/reschedule" and body is not None:
        body["start"] = _in_range(str(body.get("start")), whole_minute=True)
    # program (branch program): a promise's due time and an agreement's review day in range
    elif label == "POST /api/v1/program/commitments" and body is not None:
        body["due_at"] = _in_range(str(body.get("due_at")), whole_minute=False)
    elif label == "POST /api/v1/program/agreements" and body is not None:
        body["review_on"] = _in_range(str(body.get("review_on")), whole_minute=False)
    elif label == "POST /api/v1/screenings/score" and body is not None:
        _answers_fit(body)
    elif label == "POST /api/v1/clients/me/partner" and body is not None:
        body["code"] = network.partner_code()
    elif label in ("GET /api/v1/audit/events", "GET /api/v1/audit/events.csv"):
        _window(query)
    elif label in LINK_ROUTES and body is not None:
        body["token"] = network.link(LINK_ROUTES[label])
    elif label == "POST /api/v1/auth/register" and body is not None and _is_email(body):
        body["password"] = f"{body['password']} and more"[:128]
    if case.headers and "Idempotency-Key" in case.headers and body is not None:
        # a key names one request: the same key with another body is refused
        digest = hashlib.sha256(repr(sorted(body.items())).encode()).hexdigest()[:16]
        case.headers["Idempotency-Key"] = f"{case.headers['Idempotency-Key'][:200]}-{digest}"
    return case
