"""The screening routes through the ASGI app: instruments, scoring that stores nothing, and a
client's own private safety answers."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from confide.audit import SYSTEM
from confide.db import Database
from confide.models import AuditEvent, SafetyFlag, SafetyRecord, ScreeningResponse
from confide.screening.safety import safety_history
from tests.scheduling.factories import ALL_NO

sqlite_only = pytest.mark.parametrize("database", ["sqlite"], indirect=True)


def stored(database: Database) -> dict[str, int]:
    with database.session() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (ScreeningResponse, SafetyRecord, SafetyFlag, AuditEvent)
        }


@sqlite_only
def test_every_instrument_is_listed_with_items_codes_cutoffs_and_bands(client: TestClient) -> None:
    listed = client.get("/api/v1/screenings/instruments")
    assert listed.status_code == 200
    found = {i["code"]: i for i in listed.json()["instruments"]}
    assert set(found) == {"phq2", "phq9", "gad2", "gad7", "pc_ptsd5", "audit_c"}
    phq9 = found["phq9"]
    assert (phq9["loinc_panel"], phq9["loinc_total"], phq9["cutoff"]) == ("44249-1", "44261-6", 10)
    assert phq9["max_total"] == 27
    assert [(b["band"], b["min_total"], b["max_total"]) for b in phq9["bands"]] == [
        ("none_minimal", 0, 4),
        ("mild", 5, 9),
        ("moderate", 10, 14),
        ("moderately_severe", 15, 19),
        ("severe", 20, 27),
    ]
    assert phq9["items"][8]["code"] == "phq9_9"
    assert [o["value"] for o in phq9["items"][0]["options"]] == [0, 1, 2, 3]
    assert found["audit_c"]["cutoff_by_sex"] == {"male": 4, "female": 3}
    assert found["audit_c"]["cutoff"] == 3
    assert found["pc_ptsd5"]["loinc_total"] == "102017-1"
    for instrument in found.values():
        bands = instrument["bands"]
        assert bands[0]["min_total"] == 0
        assert bands[-1]["max_total"] == instrument["max_total"]
        for lower, upper in itertools.pairwise(bands):
            assert upper["min_total"] == lower["max_total"] + 1


@sqlite_only
def test_scoring_answers_with_fhir_and_stores_nothing(
    client: TestClient, database: Database
) -> None:
    before = stored(database)
    response = client.post(
        "/api/v1/screenings/score",
        json={"instrument": "phq9", "answers": [2, 2, 2, 2, 1, 1, 0, 0, 1]},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert {k: body[k] for k in ("instrument", "total", "band", "positive", "flags")} == {
        "instrument": "phq9",
        "total": 11,
        "band": "moderate",
        "positive": True,
        "flags": ["self_harm_risk"],
    }
    assert body["questionnaire_response"]["status"] == "completed"
    assert body["observation"]["valueInteger"] == 11
    assert stored(database) == before


@sqlite_only
@pytest.mark.parametrize(
    ("sex", "positive", "flags"),
    [("male", False, []), ("female", True, []), (None, True, ["audit_c_lower_cutoff"])],
)
def test_audit_c_by_sex(
    client: TestClient, sex: str | None, positive: bool, flags: list[str]
) -> None:
    body: dict[str, Any] = {"instrument": "audit_c", "answers": [1, 1, 1]}
    if sex is not None:
        body["sex"] = sex
    scored = client.post("/api/v1/screenings/score", json=body).json()
    assert (scored["total"], scored["positive"], scored["flags"]) == (3, positive, flags)


@sqlite_only
@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({"instrument": "phq8", "answers": [0]}, "instrument", "allowed: audit_c, gad2"),
        ({"instrument": "hits", "answers": [0]}, "instrument", "not a known instrument"),
        ({"instrument": "phq2", "answers": [0]}, "answers", "takes exactly 2 answers"),
        ({"instrument": "phq2", "answers": [0, 4]}, "answers", "allowed: whole numbers 0 to 3"),
        ({"instrument": "pc_ptsd5", "answers": [0, 0, 0, 0, 2]}, "answers", "0 to 1"),
        ({"instrument": "phq2", "answers": ["1", 0]}, "answers.0", "valid integer"),
        ({"instrument": "phq2", "answers": [True, 0]}, "answers.0", "valid integer"),
        ({"instrument": "phq2", "answers": [0] * 50}, "answers", "at most 9"),
        ({"instrument": "audit_c", "answers": [0, 0, 0], "sex": "x"}, "sex", "female, male"),
        ({"answers": [0, 0]}, "instrument", "required"),
        ({"instrument": "phq2"}, "answers", "required"),
    ],
)
def test_bad_scoring_input_is_422_naming_the_field(
    client: TestClient, body: dict[str, Any], field: str, says: str
) -> None:
    response = client.post("/api/v1/screenings/score", json=body)
    assert response.status_code == 422, response.text
    problems = {f["field"]: f for f in response.json()["fields"]}
    assert field in problems, response.text
    assert says in problems[field]["msg"]


@sqlite_only
def test_the_safety_questions_are_our_own_yes_no_items(client: TestClient) -> None:
    listed = client.get("/api/v1/screenings/safety/questions")
    assert listed.status_code == 200
    questions = listed.json()["questions"]
    codes = [q["code"] for q in questions]
    assert codes == ["pv_fear", "pv_hurt", "pv_control", "pv_sexual", "pv_anger", "self_harm_now"]
    for question in questions:
        assert question["options"] == [{"value": 0, "label": "No"}, {"value": 1, "label": "Yes"}]
    text = " ".join(q["text"] for q in questions).lower()
    for topic in ("afraid", "hurt", "money", "phone", "who you may see", "sexual", "break"):
        assert topic in text


@sqlite_only
def test_nobody_signed_in_cannot_answer(client: TestClient, database: Database) -> None:
    before = stored(database)
    response = client.post("/api/v1/screenings/safety", json={"answers": ALL_NO})
    assert response.status_code == 401
    assert stored(database) == before


def answer(client: TestClient, headers: dict[str, str], answers: dict[str, int]):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/screenings/safety", json={"answers": answers}, headers=headers)


def own_id(client: TestClient, headers: dict[str, str]) -> int:
    return int(client.get("/api/v1/clients/me", headers=headers).json()["id"])


def test_a_client_answers_privately_and_sees_only_their_own_help(
    client: TestClient, database: Database, client_headers: dict[str, str]
) -> None:
    none = answer(client, client_headers, ALL_NO)
    assert none.status_code == 201, none.text
    assert none.json() == {"recorded": True, "support": []}
    violence = answer(client, client_headers, {**ALL_NO, "pv_control": 1})
    assert [s["code"] for s in violence.json()["support"]] == ["ndvh", "911"]
    assert "1-800-799-7233" in violence.json()["support"][0]["contact"]
    risk = answer(client, client_headers, {"self_harm_now": 1})
    assert [s["code"] for s in risk.json()["support"]] == ["988", "crisis_text_line", "911"]
    me = own_id(client, client_headers)
    with database.session(write=True) as session:
        records = safety_history(session, me, actor=SYSTEM, now=datetime.now(UTC))
        assert len(records) == 5 + 5 + 1
        assert records[0].source == "account:pv_fear"
        assert sum(r.partner_violence for r in records) == 1
        assert sum(r.self_harm_risk for r in records) == 1
        flags = session.scalars(select(SafetyFlag)).all()
        assert [(f.client_id, f.source) for f in flags] == [(me, "account:self_harm_now")]
        audited = session.scalars(
            select(AuditEvent.actor_role).where(AuditEvent.object_type == "safety_record")
        ).all()
        assert set(audited) == {"client", "system"}


@sqlite_only
@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({}, "answers"),
        ({"pv_fear": 2}, "answers.pv_fear"),
        ({"pv_fear": True}, "answers.pv_fear"),
        ({"hits_1": 0}, "answers.hits_1.[key]"),
    ],
)
def test_bad_safety_answers_are_422_naming_the_field(
    client: TestClient,
    database: Database,
    client_headers: dict[str, str],
    answers: dict[str, Any],
    field: str,
) -> None:
    before = stored(database)
    response = answer(client, client_headers, answers)
    assert response.status_code == 422, response.text
    assert field in [f["field"] for f in response.json()["fields"]], response.text
    assert stored(database) == before
