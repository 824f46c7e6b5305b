"""Intake drafts: encrypted at rest, gone after a week, readable only with their browser's key
(and, once claimed, only by their owner), claimed at sign-in with the safety answers recorded."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from fastapi.testclient import TestClient
from sqlalchemy import select, text

from confide.accounts import users
from confide.db import Database
from confide.intake import questions, service
from confide.intake.schemas import IntakeAnswers
from confide.models import Client, IntakeDraft, SafetyRecord
from confide.models.screening import SafetyFlag, ScreeningResponse
from tests.conftest import PASSWORD, make_user

NOW = datetime(2026, 11, 26, 0, 5, tzinfo=UTC)
MARKER = "my partner read my diary"


def answers() -> IntakeAnswers:
    return IntakeAnswers(
        state="NY",
        concerns=["infidelity"],
        concern_text=MARKER,
        screening={"phq2": [2, 3]},
        safety_answers={questions.SELF_HARM_QUESTION.code: 1},
        self_harm_risk=True,
    )


def test_answers_are_encrypted_at_rest_and_the_key_is_kept_only_as_a_digest(
    database: Database,
) -> None:
    with database.session(write=True) as session:
        key = service.save_answers(session, None, answers(), NOW)
    assert key is not None
    with database.session() as session:
        raw = session.execute(text("SELECT key_hash, answers FROM intake_drafts")).one()
        assert MARKER not in raw.answers
        assert "infidelity" not in raw.answers
        assert "phq2" not in raw.answers
        assert key not in raw.key_hash
        kept = service.load_answers(session, key, None, NOW)
    assert kept.concern_text == MARKER
    assert kept.screening == {"phq2": [2, 3]}


def test_a_draft_lasts_a_week_from_its_last_change(database: Database) -> None:
    with database.session(write=True) as session:
        key = service.save_answers(session, None, answers(), NOW)
        later = NOW + timedelta(days=5)
        assert service.save_answers(session, key, answers(), later) is None  # same draft
    with database.session() as session:
        assert service.load_answers(session, key, None, later + timedelta(days=6)).state == "NY"
        gone = service.load_answers(session, key, None, later + timedelta(days=7, seconds=1))
        assert gone.state is None
    with database.session(write=True) as session:
        assert service.purge_expired(session, later + timedelta(days=7, seconds=1)) == 1
        assert session.scalars(select(IntakeDraft)).all() == []


def test_another_browsers_key_never_reads_a_draft(database: Database) -> None:
    with database.session(write=True) as session:
        key = service.save_answers(session, None, answers(), NOW)
        other = service.save_answers(session, None, IntakeAnswers(state="TX"), NOW)
    assert key
    assert other
    assert key != other
    with database.session() as session:
        assert service.load_answers(session, other, None, NOW).state == "TX"
        for guess in ("", "x", key[:-1], key + "x", "a" * 500):
            assert service.load_answers(session, guess, None, NOW).concern_text == ""


def test_a_claimed_draft_is_its_owners_only(client: TestClient, database: Database) -> None:
    email = make_user(client)
    with database.session(write=True) as session:
        key = service.save_answers(session, None, answers(), NOW)
        user = users.find_user(session, email)
        assert user is not None
        assert service.claim_draft(session, key, user, NOW) is not None
        user_id = user.id
    with database.session() as session:
        # the same browser signed out (a shared device) no longer sees it
        assert service.load_answers(session, key, None, NOW).state is None
        assert service.load_answers(session, key, user_id + 1, NOW).state is None
        assert service.load_answers(session, key, user_id, NOW).concern_text == MARKER
        user = users.find_user(session, email)
        found = service.current_draft(session, None, user, NOW)
        assert found is not None
        assert found.concern_text == MARKER


def test_signing_in_claims_the_draft_and_records_the_safety_answers(
    client: TestClient, database: Database
) -> None:
    email = make_user(client)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/start").text)
    assert token is not None
    csrf = token.group(1)
    assert client.post("/start", data={"csrf_token": csrf, "state": "NY"}).status_code == 200
    feeling = {"csrf_token": csrf, questions.SELF_HARM_QUESTION.code: "1"}
    client.post("/start/feeling", data=feeling, follow_redirects=False)
    with database.session() as session:
        draft = session.scalars(select(IntakeDraft)).one()
        assert draft.user_id is None
        assert session.scalars(select(SafetyRecord)).all() == []
    signin = {"email": email, "password": PASSWORD, "csrf_token": csrf, "next": "/account"}
    assert client.post("/signin", data=signin, follow_redirects=False).status_code == 303
    with database.session() as session:
        draft = session.scalars(select(IntakeDraft)).one()
        client_row = session.scalars(select(Client)).one()
        assert draft.user_id == client_row.user_id
        records = session.scalars(
            select(SafetyRecord).where(SafetyRecord.client_id == client_row.id)
        ).all()
        assert any(r.self_harm_risk for r in records)
        # a clinician is asked to look
        flags = session.scalars(select(SafetyFlag)).all()
        assert [f.client_id for f in flags] == [client_row.id]
    # what was recorded is not recorded again at the next sign-in
    client.post("/signin", data=signin, follow_redirects=False)
    with database.session() as session:
        assert len(session.scalars(select(SafetyRecord)).all()) == len(records)


def test_a_stale_draft_is_not_claimed_by_whoever_signs_in_later(
    client: TestClient, database: Database
) -> None:
    email = make_user(client)
    with database.session(write=True) as session:
        key = service.save_answers(session, None, answers(), NOW)
        user = users.find_user(session, email)
        assert user is not None
        assert service.claim_draft(session, key, user, NOW + timedelta(hours=2)) is None
        draft = session.scalars(select(IntakeDraft)).one()
        assert draft.user_id is None


def test_screening_answers_go_on_the_clients_record_at_sign_in(
    client: TestClient, database: Database
) -> None:
    email = make_user(client)
    phq2 = {i.code: "1" for i in questions.INSTRUMENTS["phq2"].items}
    gad2 = {i.code: "0" for i in questions.INSTRUMENTS["gad2"].items}
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/start").text)
    assert token is not None
    csrf = token.group(1)
    client.post("/start", data={"csrf_token": csrf, "state": "NY"})
    client.post("/start/feeling", data={"csrf_token": csrf, **phq2, **gad2})
    signin = {"email": email, "password": PASSWORD, "csrf_token": csrf, "next": "/account"}
    assert client.post("/signin", data=signin, follow_redirects=False).status_code == 303
    with database.session() as session:
        stored = session.scalars(select(ScreeningResponse)).all()
        assert sorted(r.instrument for r in stored) == ["gad2", "phq2"]


def test_the_account_forms_learn_only_the_state_and_time_zone(
    client: TestClient, database: Database
) -> None:
    from confide.intake.pages import told_in_intake

    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/start").text)
    assert token is not None
    form = {"csrf_token": token.group(1), "state": "NY", "timezone": "America/New_York"}
    client.post("/start", data=form)
    client.post(
        "/start/concerns",
        data={"csrf_token": token.group(1), "concerns": "infidelity", "concern_text": MARKER},
    )

    visitor = SimpleNamespace(cookies=dict(client.cookies))
    with database.session() as session:
        told = told_in_intake(session, visitor)  # type: ignore[arg-type]
    assert told == {"state": "NY", "timezone": "America/New_York"}
