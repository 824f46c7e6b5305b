"""Storing screenings and safety answers on SQLite and PostgreSQL: encrypted at rest, a
self-harm risk in the safety record and flagged for a clinician, every write and read audited."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from confide.audit import Actor
from confide.audit.sealing import seal_pending
from confide.audit.service import verify_chain
from confide.db import Database
from confide.errors import InvalidInput, NotFound
from confide.models import AuditEvent, Client, SafetyFlag, SafetyRecord, ScreeningResponse
from confide.screening.safety import safety_history, safety_summary
from confide.screening.service import (
    record_safety_answers,
    record_screening,
    screening_history,
)

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
CLIENT = Actor(user_id=12, role="client", address="203.0.113.9")
CLINICIAN = Actor(user_id=3, role="therapist", address="198.51.100.4")


def make_client(database: Database) -> int:
    with database.session(write=True) as session:
        client = Client(name="Ari", state="NY", timezone="America/New_York")
        session.add(client)
        session.flush()
        return client.id


def screen(
    database: Database,
    client_id: int,
    code: str,
    answers: list[int],
    *,
    sex: str | None = None,
    at: datetime = NOW,
) -> int:
    with database.session(write=True) as session:
        row = record_screening(session, client_id, code, answers, sex=sex, actor=CLIENT, now=at)
        return row.id


def audit_rows(database: Database) -> list[tuple[str, str, str | None]]:
    seal_pending(database, wait=True)
    with database.session() as session:
        rows = session.execute(
            select(AuditEvent.action, AuditEvent.object_type, AuditEvent.object_id).order_by(
                AuditEvent.id
            )
        ).all()
        report = verify_chain(session, NOW)
        assert report.sound
        assert report.pending == 0
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_a_screening_is_kept_with_its_fhir_shapes_and_read_back(database: Database) -> None:
    client = make_client(database)
    screen(database, client, "phq9", [2, 2, 2, 2, 1, 1, 1, 1, 0])
    screen(database, client, "phq9", [1, 1, 0, 0, 0, 0, 0, 0, 0], at=NOW + timedelta(days=30))
    screen(database, client, "audit_c", [1, 1, 1], sex="female", at=NOW + timedelta(days=1))
    with database.session(write=True) as session:
        history = screening_history(session, client, CLINICIAN, NOW + timedelta(days=31))
        seen = [(h.instrument, h.total, h.band, h.positive, h.flags) for h in history]
        assert seen == [
            ("phq9", 12, "moderate", True, []),
            ("audit_c", 3, "positive", True, []),
            ("phq9", 2, "none_minimal", False, []),
        ]
        first = history[0]
        assert first.answered_at == NOW
        assert first.questionnaire_response["resourceType"] == "QuestionnaireResponse"
        assert first.questionnaire_response["subject"] == {"reference": f"Patient/{client}"}
        assert first.observation["valueInteger"] == 12
        assert first.observation["code"]["coding"][0]["code"] == "44261-6"
    assert audit_rows(database) == [
        ("create", "screening_response", str(client)),
        ("create", "screening_response", str(client)),
        ("create", "screening_response", str(client)),
        ("read", "screening_response", str(client)),
    ]


def test_nothing_of_a_screening_is_in_the_clear(database: Database) -> None:
    client = make_client(database)
    screen(database, client, "phq9", [3, 3, 3, 3, 3, 3, 3, 2, 1])
    with database.engine.connect() as conn:
        row = conn.execute(text("SELECT * FROM screening_responses")).mappings().one()
        flag = conn.execute(text("SELECT * FROM safety_flags")).mappings().one()
    clear_columns = ("id", "client_id", "answered_at")
    stored = " ".join(str(v) for k, v in row.items() if k not in clear_columns)
    # markers long enough that random ciphertext will not spell them by chance
    for clear in ("phq9_", "PHQ-9", "44261-6", "severe", "Nearly every day", "Patient/"):
        assert clear not in stored
    assert all(str(row[k]).startswith("v1:test-1:") for k in row if k not in clear_columns)
    assert str(flag["kind"]) == "self_harm_risk"  # the queue's filter, in the clear
    assert "phq9" not in str(flag["source"])
    # and it decrypts to what was stored
    with database.session() as session:
        kept = session.scalars(select(ScreeningResponse)).one()
        assert kept.total == 24
        assert json.dumps(kept.questionnaire_response).count("Nearly every day") == 7


def test_phq9_item9_keeps_a_safety_record_and_raises_a_flag(database: Database) -> None:
    client = make_client(database)
    screen(database, client, "phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1])
    with database.session(write=True) as session:
        summary = safety_summary(session, client, actor=CLINICIAN, now=NOW)
        assert summary.self_harm_risk
        assert not summary.partner_violence
        records = safety_history(session, client, actor=CLINICIAN, now=NOW)
        assert [r.source for r in records] == ["screening:phq9_9"]
        flags = session.scalars(select(SafetyFlag)).all()
        assert [(f.client_id, f.kind, f.source, f.raised_at) for f in flags] == [
            (client, "self_harm_risk", "screening:phq9_9", NOW)
        ]
        assert flags[0].acknowledged_at is None
        assert flags[0].acknowledged_by is None
    # the answers, the safety record and the flag are written and audited together
    assert audit_rows(database)[:3] == [
        ("create", "safety_record", str(client)),
        ("create", "safety_flag", str(client)),
        ("create", "screening_response", str(client)),
    ]


def test_no_flag_without_risk(database: Database) -> None:
    client = make_client(database)
    screen(database, client, "phq9", [3, 3, 3, 3, 3, 3, 3, 3, 0])
    screen(database, client, "gad7", [3] * 7)
    with database.session() as session:
        assert session.scalars(select(SafetyFlag)).all() == []
        assert session.scalars(select(SafetyRecord)).all() == []


def test_safety_answers_keep_every_answer_yes_or_no(database: Database) -> None:
    client = make_client(database)
    answers = {"self_harm_now": 0, "pv_control": 1, "pv_fear": 0}
    with database.session(write=True) as session:
        records = record_safety_answers(
            session, client, answers, source="intake", actor=CLIENT, now=NOW
        )
        assert [(r.source, r.partner_violence, r.self_harm_risk) for r in records] == [
            ("intake:pv_fear", False, False),
            ("intake:pv_control", True, False),
            ("intake:self_harm_now", False, False),
        ]
        assert session.scalars(select(SafetyFlag)).all() == []
    with database.engine.connect() as conn:
        stored = " ".join(
            str(v) for row in conn.execute(text("SELECT * FROM safety_records")) for v in row
        )
    for clear in ("pv_fear", "pv_control", "self_harm", "intake:"):
        assert clear not in stored


def test_a_yes_to_the_self_harm_question_raises_a_flag(database: Database) -> None:
    client = make_client(database)
    with database.session(write=True) as session:
        record_safety_answers(
            session, client, {"self_harm_now": 1}, source="account", actor=CLIENT, now=NOW
        )
        flag = session.scalars(select(SafetyFlag)).one()
        assert (flag.kind, flag.source) == ("self_harm_risk", "account:self_harm_now")
        assert safety_summary(session, client, actor=CLIENT, now=NOW).self_harm_risk


@pytest.mark.parametrize(
    ("answers", "says"),
    [
        ({}, "answer at least one question"),
        ({"pv_fear": 2}, "allowed: 0 (no) or 1 (yes)"),
        ({"hits_1": 0}, "'hits_1' is not a safety question"),
        ({"pv_fear": True}, "allowed: 0 (no) or 1 (yes)"),
    ],
)
def test_bad_safety_answers_are_refused_and_change_nothing(
    database: Database, answers: dict[str, int], says: str
) -> None:
    client = make_client(database)
    with pytest.raises(InvalidInput) as refused, database.session(write=True) as session:
        record_safety_answers(session, client, answers, source="intake", actor=CLIENT, now=NOW)
    assert refused.value.field == "answers"
    assert says in refused.value.message
    with database.session() as session:
        assert session.scalars(select(SafetyRecord)).all() == []


@pytest.mark.parametrize(
    ("code", "answers", "sex", "field"),
    [
        ("phq8", [0], None, "instrument"),
        ("phq2", [0], None, "answers"),
        ("phq2", [0, 9], None, "answers"),
        ("audit_c", [0, 0, 0], "other", "sex"),
    ],
)
def test_a_bad_screening_names_the_field(
    database: Database, code: str, answers: list[int], sex: str | None, field: str
) -> None:
    client = make_client(database)
    with pytest.raises(InvalidInput) as refused, database.session(write=True) as session:
        record_screening(session, client, code, answers, sex=sex, actor=CLIENT, now=NOW)
    assert refused.value.field == field
    assert "allowed" in refused.value.extra


def test_no_such_client(database: Database) -> None:
    with pytest.raises(NotFound), database.session(write=True) as session:
        record_screening(session, 999, "phq2", [0, 0], sex=None, actor=CLIENT, now=NOW)
    with pytest.raises(NotFound), database.session(write=True) as session:
        record_safety_answers(session, 999, {"pv_fear": 0}, source="x", actor=CLIENT, now=NOW)
    with pytest.raises(NotFound), database.session(write=True) as session:
        screening_history(session, 999, CLIENT, NOW)
