"""The couples safety gate at booking: a joint session waits until each partner has answered the
private partner-violence questions from their own account; the refusal is the same words
whoever has not answered, and says nothing of anyone's answers; a yes refuses joint sessions
with no reason given."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select

from confide.audit import Actor
from confide.db import Database
from confide.models import Appointment, Client
from confide.screening.safety import record_safety
from tests.scheduling.factories import (
    answer_safety_questions,
    answer_through_api,
    link_partners,
    make_client,
    make_therapist,
)

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)  # a Wednesday, 10:00 in New York
MONDAY_9_NY = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)
NEEDED = {
    "error": "safety_questions_needed",
    "detail": "Before a joint session can be booked, each partner answers a few private safety "
    "questions from their own account. Answers stay private: neither partner sees what the "
    "other said. Individual sessions can be booked now.",
    "questions": "/api/v1/screenings/safety/questions",
}
NEUTRAL = {
    "error": "couples_unavailable",
    "detail": "Joint sessions can't be booked for this account right now. "
    "Individual sessions are available.",
}


@pytest.fixture
def frozen() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


Couple = tuple[int, dict[str, str], dict[str, str]]


@pytest.fixture
def couple(client: TestClient, database: Database, frozen: time_machine.Coordinates) -> Couple:
    """Two linked partners who have not answered the safety questions yet."""
    with database.session(write=True) as session:
        therapist = make_therapist(session, licensed=("NY", "NJ")).id
    alex, blake = make_client(client, name="Alex"), make_client(client, state="NJ", name="Blake")
    link_partners(client, alex, blake, answered=False)
    return therapist, alex, blake


def hold(api: TestClient, me: dict[str, str], therapist: int, start: datetime, kind: str):  # type: ignore[no-untyped-def]
    return api.post(
        "/api/v1/holds",
        json={"therapist_id": therapist, "session_type": kind, "start": start.isoformat()},
        headers=me,
    )


def joint_tries(api: TestClient, couple: Couple) -> list[tuple[int, dict[str, str]]]:
    therapist, alex, blake = couple
    return [
        (answer.status_code, answer.json())
        for me in (alex, blake)
        for n, kind in enumerate(("couples_intake", "couples"))
        for answer in [hold(api, me, therapist, MONDAY_9_NY + timedelta(hours=2 * n), kind)]
    ]


def client_id(database: Database, name: str) -> int:
    with database.session() as session:
        return session.scalars(select(Client.id).where(Client.name == name)).one()


def test_joint_sessions_wait_for_both_partners_answers(
    client: TestClient, database: Database, couple: Couple
) -> None:
    therapist, alex, blake = couple
    assert joint_tries(client, couple) == [(409, NEEDED)] * 4
    # one partner answering is not enough, and both are told the same, whoever answered
    answer_through_api(client, alex)
    assert joint_tries(client, couple) == [(409, NEEDED)] * 4
    answer_through_api(client, blake)
    booked = hold(client, blake, therapist, MONDAY_9_NY, "couples_intake")
    assert booked.status_code == 201, booked.text
    confirmed = client.post(
        "/api/v1/appointments", json={"hold_id": booked.json()["hold_id"]}, headers=alex
    )
    assert confirmed.status_code == 201, confirmed.text


def test_the_words_do_not_depend_on_which_partner_answered(
    client: TestClient, database: Database, couple: Couple
) -> None:
    _therapist, _alex, blake = couple
    answer_through_api(client, blake)
    after_blake = joint_tries(client, couple)
    with database.session(write=True) as session:
        # a second couple's world, the other way round, compared by what Alex is told
        other = make_therapist(session, licensed=("NY", "NJ")).id
    kai, lee = make_client(client, name="Kai"), make_client(client, state="NJ", name="Lee")
    link_partners(client, kai, lee, answered=False)
    answer_through_api(client, kai)
    after_kai = joint_tries(client, (other, kai, lee))
    assert after_blake == after_kai == [(409, NEEDED)] * 4


def test_individual_sessions_need_no_answers(
    client: TestClient, database: Database, couple: Couple
) -> None:
    therapist, alex, _ = couple
    own = hold(client, alex, therapist, MONDAY_9_NY, "intake")
    assert own.status_code == 201, own.text


@pytest.mark.parametrize("who", ["Alex", "Blake"])
def test_a_yes_refuses_joint_sessions_with_no_reason_given(
    client: TestClient, database: Database, couple: Couple, who: str
) -> None:
    _, alex, blake = couple
    answers = {"pv_fear": 1} if who == "Alex" else {"pv_anger": 1}
    answer_through_api(client, alex, **(answers if who == "Alex" else {}))
    answer_through_api(client, blake, **(answers if who == "Blake" else {}))
    assert joint_tries(client, couple) == [(409, NEUTRAL)] * 4
    with database.session() as session:
        assert session.scalars(select(Appointment)).all() == []


def test_a_yes_before_the_partner_answered_still_asks_for_answers_first(
    client: TestClient, database: Database, couple: Couple
) -> None:
    """Whether a partner is asked to answer never depends on what the other said."""
    _, alex, blake = couple
    answer_through_api(client, alex, pv_hurt=1)
    assert joint_tries(client, couple) == [(409, NEEDED)] * 4
    answer_through_api(client, blake)
    assert joint_tries(client, couple) == [(409, NEUTRAL)] * 4


def test_only_answers_to_the_questions_count_as_answered(
    client: TestClient, database: Database, couple: Couple
) -> None:
    """A disclosure from elsewhere (free text, say) is honoured, but is no answer to the
    questions; an intake's answers count as the account's do."""
    with database.session(write=True) as session:
        for name in ("Alex", "Blake"):
            record_safety(
                session,
                client_id(database, name),
                partner_violence=False,
                self_harm_risk=False,
                source="intake:text",
                actor=Actor(user_id=None, role="client"),
                now=NOW,
            )
        answer_safety_questions(session, client_id(database, "Alex"), now=NOW)
    assert joint_tries(client, couple) == [(409, NEEDED)] * 4
    with database.session(write=True) as session:
        answer_safety_questions(session, client_id(database, "Blake"), now=NOW)
    therapist, alex, _ = couple
    assert hold(client, alex, therapist, MONDAY_9_NY, "couples_intake").status_code == 201
