"""Keyword-only factories for scheduling tests: a therapist with known hours, clients."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import UTC, date, datetime

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from confide.audit import Actor
from confide.models import Licence, Therapist, TherapistService, TimeOff, WeeklyHours
from confide.screening.safety_questions import PARTNER_VIOLENCE_QUESTIONS
from confide.screening.service import record_safety_answers
from tests.conftest import verified_client

_npis = itertools.count(1_000_000_000)
WEEKDAYS_9_TO_5 = tuple((d, 9 * 60, 17 * 60) for d in range(5))
DURATIONS = {"intake": 60, "individual": 53, "couples_intake": 80, "couples": 80}


def make_therapist(
    session: Session,
    *,
    zone: str = "America/New_York",
    practice_state: str = "NY",
    licensed: Iterable[str] = ("NY",),
    hours: Iterable[tuple[int, int, int]] = WEEKDAYS_9_TO_5,
    durations: dict[str, int] | None = None,
    buffer_minutes: int = 10,
    minimum_notice_hours: int = 24,
    booking_horizon_days: int = 30,
    accepting: bool = True,
    paused_until: date | None = None,
    weekly_new_client_limit: int = 5,
    caseload_limit: int = 25,
    time_off: Iterable[tuple[date, date]] = (),
    licence_verified_at: datetime | None = None,
) -> Therapist:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    # verified as the therapist is made (the clock as the test set it): listed for 90 days
    verified_at = licence_verified_at or datetime.now(UTC)
    therapist = Therapist(
        npi=str(next(_npis)),
        first_name="Robin",
        last_name="Hale",
        gender="woman",
        licence_type="lmft",
        credential="LMFT",
        taxonomy_code="106H00000X",
        practice_state=practice_state,
        timezone=zone,
        offers_telehealth=True,
        offers_in_person=False,
        accepting_new_clients=accepting,
        paused_until=paused_until,
        weekly_new_client_limit=weekly_new_client_limit,
        caseload_limit=caseload_limit,
        minimum_notice_hours=minimum_notice_hours,
        booking_horizon_days=booking_horizon_days,
        buffer_minutes=buffer_minutes,
        created_at=now,
        updated_at=now,
        licences=[
            Licence(state=s, number=f"LMFT{i:05d}", status="active", verified_at=verified_at)
            for i, s in enumerate(licensed)
        ],
        services=[
            TherapistService(session_type=t, duration_minutes=m, self_pay_rate_cents=15000)
            for t, m in (durations or DURATIONS).items()
        ],
        weekly_hours=[WeeklyHours(weekday=d, start_minute=s, end_minute=e) for d, s, e in hours],
        time_off=[TimeOff(starts_on=a, ends_on=b) for a, b in time_off],
    )
    session.add(therapist)
    session.flush()
    return therapist


def make_client(
    api: TestClient,
    *,
    state: str = "NY",
    zone: str = "America/New_York",
    name: str = "Sam",
    email: str | None = None,
) -> dict[str, str]:
    """A verified client of the app behind `api`; returns the Authorization header."""
    return verified_client(api, name=name, state=state, zone=zone, email=email)


ALL_NO = {q.code: 0 for q in PARTNER_VIOLENCE_QUESTIONS}


def answer_safety_questions(
    session: Session,
    client_id: int,
    *,
    yes: Iterable[str] = (),
    now: datetime | None = None,
) -> None:
    """The client answers the private partner-violence questions (no, unless named in `yes`),
    as the intake would: joint sessions wait for both partners' answers."""
    answers = {**ALL_NO, **dict.fromkeys(yes, 1)}
    record_safety_answers(
        session,
        client_id,
        answers,
        source="intake",
        actor=Actor(user_id=None, role="client"),
        now=now or datetime.now(UTC),
    )


def answer_through_api(api: TestClient, headers: dict[str, str], **answers: int) -> None:
    """The client answers the private questions from their own account (all no by default)."""
    response = api.post(
        "/api/v1/screenings/safety", json={"answers": {**ALL_NO, **answers}}, headers=headers
    )
    assert response.status_code == 201, response.text


def link_partners(
    api: TestClient, first: dict[str, str], second: dict[str, str], *, answered: bool = True
) -> None:
    """Link two clients as partners; unless told otherwise, each has answered the private
    partner-violence questions (all no) from their own account, so joint sessions are open."""
    code = api.post("/api/v1/clients/me/invitations", headers=first).json()["code"]
    response = api.post("/api/v1/clients/me/partner", json={"code": code}, headers=second)
    assert response.status_code == 200, response.text
    if answered:
        for headers in (first, second):
            answer_through_api(api, headers)
