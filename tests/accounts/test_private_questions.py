"""The private partner-violence questions on the account page, through real HTTP: asked with the
partner code (optional; the link is made whatever the answers), and in a section only a linked
client who has not answered sees; the answers open joint booking once both partners gave them,
a yes shows the hotline to that person alone, and the other partner's page never changes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select

from confide.db import Database
from confide.models import Client, SafetyRecord
from confide.screening.safety_questions import PARTNER_VIOLENCE_QUESTIONS
from tests.conftest import form_csrf, signed_in_client
from tests.scheduling.factories import answer_safety_questions, make_therapist

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)  # a Wednesday, 10:00 in New York
MONDAY_9_NY = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)
ALL_NO = {q.code: "0" for q in PARTNER_VIOLENCE_QUESTIONS}
HOTLINE = "1-800-799-7233"
SECTION = "A few questions just for you"
_PARTNER_PART = re.compile(r"<h2>Your partner</h2>.*?<h2>Where you are signed in</h2>", re.S)

pytestmark = pytest.mark.usefixtures("quick_passwords")


@pytest.fixture
def frozen() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def browser(api: TestClient, name: str) -> tuple[TestClient, str]:
    """A browser of its own, signed in as a new client; returns it and the address."""
    own = TestClient(api.app)
    return own, signed_in_client(own, name=name)


def client_id(database: Database, email: str) -> int:
    with database.session() as session:
        return session.scalars(select(Client.id).where(Client.email == email)).one()


def invitation(inviter: TestClient) -> str:
    page = inviter.post(
        "/account/partner/invitation", data={"csrf_token": form_csrf(inviter, "/account")}
    )
    assert page.status_code == 200, page.text
    found = re.search(r'<code class="invitation">([^<]+)</code>', page.text)
    assert found is not None
    return found.group(1)


def accept(invited: TestClient, code: str, **answers: str):  # type: ignore[no-untyped-def]
    form = {"csrf_token": form_csrf(invited, "/account"), "code": code, **answers}
    return invited.post("/account/partner", data=form)


def answer_on_account(me: TestClient, **answers: str):  # type: ignore[no-untyped-def]
    return me.post("/account/safety", data={"csrf_token": form_csrf(me, "/account"), **answers})


def couples_hold(me: TestClient, therapist: int):  # type: ignore[no-untyped-def]
    return me.post(
        "/api/v1/holds",
        json={
            "therapist_id": therapist,
            "session_type": "couples_intake",
            "start": MONDAY_9_NY.isoformat(),
        },
        headers={"X-CSRF-Token": form_csrf(me, "/account")},
    )


def records(database: Database, email: str) -> list[SafetyRecord]:
    with database.session() as session:
        found = session.scalars(
            select(SafetyRecord).where(SafetyRecord.client_id == client_id(database, email))
        )
        return list(found)


def partner_part(page: str) -> str:
    found = _PARTNER_PART.search(page)
    assert found is not None
    return found.group(0)


@pytest.fixture
def therapist(database: Database, frozen: time_machine.Coordinates) -> int:
    with database.session(write=True) as session:
        return make_therapist(session, licensed=("NY",)).id


def test_answers_given_with_the_code_open_joint_booking_once_both_answered(
    client: TestClient, database: Database, therapist: int
) -> None:
    (alex, alex_email), (blake, blake_email) = browser(client, "Alex"), browser(client, "Blake")
    with database.session(write=True) as session:
        answer_safety_questions(session, client_id(database, alex_email))
    assert SECTION in blake.get("/account").text  # asked with the code: Blake never answered
    linked = accept(blake, invitation(alex), **ALL_NO)
    assert linked.status_code == 200, linked.text
    assert "You are linked with your partner." in linked.text
    assert HOTLINE not in linked.text.split("<h1>")[1].split("<h2>Your partner")[0]
    sources = sorted(r.source for r in records(database, blake_email))
    assert sources == sorted(f"link:{code}" for code in ALL_NO)
    # both have answered: no section for either, and the joint hold is made
    assert SECTION not in blake.get("/account").text
    assert SECTION not in alex.get("/account").text
    held = couples_hold(blake, therapist)
    assert held.status_code == 201, held.text


def test_a_link_without_answers_is_made_and_joint_booking_waits(
    client: TestClient, database: Database, therapist: int
) -> None:
    (alex, alex_email), (blake, blake_email) = browser(client, "Alex"), browser(client, "Blake")
    with database.session(write=True) as session:
        answer_safety_questions(session, client_id(database, alex_email))
    linked = accept(blake, invitation(alex))
    assert linked.status_code == 200, linked.text
    with database.session() as session:
        assert session.get_one(Client, client_id(database, blake_email)).partner_id is not None
    assert records(database, blake_email) == []
    for me in (alex, blake):
        refused = couples_hold(me, therapist)
        assert refused.status_code == 409, refused.text
        assert refused.json()["error"] == "safety_questions_needed"
    # Blake answers later, from the section only Blake sees; then the joint hold is made
    assert SECTION in linked.text
    assert SECTION not in alex.get("/account").text
    answered = answer_on_account(blake, **ALL_NO)
    assert answered.status_code == 200, answered.text
    assert SECTION not in answered.text
    assert sorted(r.source for r in records(database, blake_email)) == sorted(
        f"account:{code}" for code in ALL_NO
    )
    held = couples_hold(alex, therapist)
    assert held.status_code == 201, held.text


def test_a_yes_shows_the_hotline_to_that_person_only(
    client: TestClient, database: Database, therapist: int
) -> None:
    (alex, _alex_email), (blake, _) = browser(client, "Alex"), browser(client, "Blake")
    accept(blake, invitation(alex))
    # Alex answers nothing yet; Blake's page, partner part and all, before Blake answers
    before = partner_part(alex.get("/account").text)
    answered = answer_on_account(blake, **{**ALL_NO, "pv_fear": "1"})
    assert answered.status_code == 200, answered.text
    assert HOTLINE in answered.text
    assert "text START to 88788" in answered.text
    assert "sessions of your own" in answered.text
    after = alex.get("/account").text
    assert partner_part(after) == before
    assert "Help is there if you need it" not in after
    # the answers go in no address: not in the link followed, not in any on either page
    for page in (answered, alex.get("/account")):
        assert "pv_fear=" not in str(page.url)
        assert not re.search(r'(href|action)="[^"]*pv_', page.text)
    # the joint hold is refused for both, with no reason given to Alex
    refused = couples_hold(alex, therapist)
    assert refused.status_code == 409
    assert "fear" not in refused.text
    assert "violence" not in refused.text


def test_the_partner_page_is_the_same_whatever_was_answered(
    client: TestClient, database: Database, frozen: time_machine.Coordinates
) -> None:
    parts = []
    for answers in ({**ALL_NO, "pv_hurt": "1"}, ALL_NO):
        (alex, _), (blake, _) = browser(client, "Alex"), browser(client, "Blake")
        assert accept(blake, invitation(alex), **answers).status_code == 200
        parts.append(
            partner_part(alex.get("/account").text).replace(form_csrf(alex, "/account"), "")
        )
    assert parts[0] == parts[1]


def test_recent_answers_are_not_asked_again_with_the_code(
    client: TestClient, database: Database, frozen: time_machine.Coordinates
) -> None:
    (blake, blake_email) = browser(client, "Blake")
    with database.session(write=True) as session:
        answer_safety_questions(
            session, client_id(database, blake_email), now=NOW - timedelta(days=40)
        )
    assert SECTION in blake.get("/account").text
    with database.session(write=True) as session:
        answer_safety_questions(
            session, client_id(database, blake_email), now=NOW - timedelta(days=10)
        )
    page = blake.get("/account").text
    assert SECTION not in page
    assert 'name="pv_fear"' not in page


def test_wrong_answers_are_named_beside_their_field_and_nothing_is_kept(
    client: TestClient, database: Database, frozen: time_machine.Coordinates
) -> None:
    (alex, _), (blake, blake_email) = browser(client, "Alex"), browser(client, "Blake")
    refused = accept(blake, invitation(alex), pv_fear="maybe")
    assert refused.status_code == 422
    assert 'id="pv_fear-error"' in refused.text
    assert "allowed: 0 (no), 1 (yes)" in refused.text
    assert "checked" not in refused.text  # never prefilled
    with database.session() as session:
        assert session.get_one(Client, client_id(database, blake_email)).partner_id is None
    # on the account section: nothing chosen, or a wrong value
    accept(blake, invitation(alex))
    empty = answer_on_account(blake)
    assert empty.status_code == 422
    assert 'id="private_questions-error"' in empty.text
    wrong = answer_on_account(blake, pv_control="2")
    assert wrong.status_code == 422
    assert 'id="pv_control-error"' in wrong.text
    assert records(database, blake_email) == []


def test_a_forged_form_keeps_nothing(
    client: TestClient, database: Database, frozen: time_machine.Coordinates
) -> None:
    (blake, blake_email) = browser(client, "Blake")
    refused = blake.post("/account/safety", data={"csrf_token": "forged", **ALL_NO})
    assert refused.status_code == 403
    assert records(database, blake_email) == []
