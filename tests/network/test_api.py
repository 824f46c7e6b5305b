"""The therapist directory over HTTP: filters agree with an independent query; errors are clear."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from confide.db import Database
from confide.vocab import get_vocabulary
from tests.conftest import SEED_DAY

pytestmark = pytest.mark.xdist_group("seeded")


class Directory:
    """The seeded network read with plain SQL, filtered in Python: the reference answer."""

    def __init__(self, database: Database) -> None:
        with database.engine.connect() as conn:
            self.therapists = {
                r.id: r
                for r in conn.execute(
                    text("SELECT id, accepting_new_clients, paused_until FROM therapists")
                )
            }
            self.licensed = defaultdict(set)
            for r in conn.execute(
                text("SELECT therapist_id, state FROM licences WHERE status = 'active'")
            ):
                self.licensed[r.therapist_id].add(r.state)
            self.panels = defaultdict(set)
            for r in conn.execute(
                text("SELECT therapist_id, plan_code, state FROM panel_participations")
            ):
                self.panels[r.therapist_id].add((r.plan_code, r.state))
            self.concerns = defaultdict(set)
            for r in conn.execute(text("SELECT therapist_id, concern FROM therapist_specialties")):
                self.concerns[r.therapist_id].add(r.concern)
            self.populations = defaultdict(set)
            for r in conn.execute(
                text("SELECT therapist_id, population FROM therapist_populations")
            ):
                self.populations[r.therapist_id].add(r.population)

    def accepting(self, tid: int) -> bool:
        row = self.therapists[tid]
        paused = row.paused_until
        if isinstance(paused, str):
            from datetime import date

            paused = date.fromisoformat(paused)
        return bool(row.accepting_new_clients) and (paused is None or paused <= SEED_DAY)

    def matching(self, f: dict[str, Any]) -> list[int]:
        vocab = get_vocabulary()
        result = []
        for tid in sorted(self.therapists):
            if "state" in f and f["state"] not in self.licensed[tid]:
                continue
            if "plan" in f or "payer" in f:
                ok = any(
                    ("plan" not in f or plan == f["plan"])
                    and ("payer" not in f or vocab.plans[plan].payer_code == f["payer"])
                    and ("state" not in f or state == f["state"])
                    for plan, state in self.panels[tid]
                )
                if not ok:
                    continue
            if "concern" in f and f["concern"] not in self.concerns[tid]:
                continue
            if "population" in f and f["population"] not in self.populations[tid]:
                continue
            if "accepting" in f and self.accepting(tid) != f["accepting"]:
                continue
            result.append(tid)
        return result


@pytest.fixture(scope="module")
def directory(seeded_database: Database) -> Directory:
    return Directory(seeded_database)


def _all_ids(client: TestClient, params: dict[str, Any]) -> tuple[list[int], int]:
    ids: list[int] = []
    page = 1
    while True:
        response = client.get(
            "/api/v1/therapists", params={**params, "page": page, "page_size": 100}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        ids.extend(item["id"] for item in body["items"])
        if len(body["items"]) < 100:
            return ids, body["total"]
        page += 1


FILTERS = [
    {"state": "WY"},
    {"state": "VT", "population": "couples"},
    {"state": "NV", "concern": "infidelity"},
    {"payer": "aetna", "state": "NM"},
    {"plan": "medicaid-or"},
    {"plan": "kaiser-hmo", "payer": "kaiser", "state": "HI"},
    {"concern": "relationship_abuse", "population": "couples", "state": "CT"},
    {"accepting": False, "state": "NE"},
    {"accepting": True, "state": "DE", "population": "individuals"},
    {"payer": "tricare", "concern": "trauma_ptsd", "accepting": True, "state": "SC"},
]


@pytest.mark.parametrize(
    "filters", FILTERS, ids=lambda f: ",".join(f"{k}={v}" for k, v in f.items())
)
def test_filters_agree_with_an_independent_query(
    seeded_client: TestClient, directory: Directory, filters: dict[str, Any], time_machine: Any
) -> None:
    time_machine.move_to(SEED_DAY.isoformat() + "T15:00:00+00:00", tick=False)
    expected = directory.matching(filters)
    ids, total = _all_ids(seeded_client, filters)
    assert ids == expected
    assert total == len(expected)
    assert expected, "every filter case should match someone in the demo network"


def test_pages_are_disjoint_and_ordered(seeded_client: TestClient) -> None:
    first = seeded_client.get("/api/v1/therapists", params={"state": "CA", "page_size": 25}).json()
    second = seeded_client.get(
        "/api/v1/therapists", params={"state": "CA", "page_size": 25, "page": 2}
    ).json()
    a, b = [i["id"] for i in first["items"]], [i["id"] for i in second["items"]]
    assert len(a) == len(b) == 25
    assert a == sorted(a)
    assert max(a) < min(b)
    assert first["total"] == second["total"] > 50
    beyond = seeded_client.get("/api/v1/therapists", params={"state": "CA", "page": 10_000}).json()
    assert beyond["items"] == []
    assert beyond["total"] == first["total"]


def test_summary_fields_are_true(seeded_client: TestClient, directory: Directory) -> None:
    body = seeded_client.get(
        "/api/v1/therapists", params={"state": "MT", "population": "couples"}
    ).json()
    for item in body["items"]:
        assert "MT" in item["licensed_states"]
        assert set(item["licensed_states"]) == directory.licensed[item["id"]]
        assert "couples" in item["populations"]


def test_detail_shows_the_whole_profile(seeded_client: TestClient) -> None:
    body = seeded_client.get("/api/v1/therapists/1").json()
    assert body["id"] == 1
    assert len(body["npi"]) == 10
    assert body["practice_state"] in {lic["state"] for lic in body["licences"]}
    assert body["specialties"]
    assert body["modalities"]
    assert "en" in body["languages"]
    assert {s["session_type"] for s in body["services"]} & {"intake", "couples_intake"}
    assert all(s["self_pay_rate"] > 0 for s in body["services"])
    assert body["weekly_hours"]
    assert all(len(h["start"]) == 5 for h in body["weekly_hours"])
    assert body["supply"]["minimum_notice_hours"] >= 24


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"state": "ZZ"}, "state"),
        ({"payer": "acme"}, "payer"),
        ({"plan": "acme-gold"}, "plan"),
        ({"concern": "sadness"}, "concern"),
        ({"population": "teens"}, "population"),
        ({"accepting": "maybe"}, "accepting"),
        ({"page": "abc"}, "page"),
        ({"page": 0}, "page"),
        ({"page_size": 1000}, "page_size"),
        ({"stat": "CA"}, "stat"),
    ],
)
def test_bad_query_parameters_name_the_field(
    seeded_client: TestClient, params: dict[str, Any], field: str
) -> None:
    response = seeded_client.get("/api/v1/therapists", params=params)
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "validation_error"
    assert [f["field"] for f in body["fields"]] == [field]
    assert field in body["detail"]


def test_unknown_codes_list_the_allowed_values(seeded_client: TestClient) -> None:
    body = seeded_client.get("/api/v1/therapists", params={"state": "ZZ"}).json()
    assert body["fields"][0]["allowed"] == sorted(get_vocabulary().states)
    body = seeded_client.get("/api/v1/therapists", params={"concern": "x"}).json()
    assert "infidelity" in body["fields"][0]["allowed"]


def test_plan_of_another_payer_lists_that_payers_plans(seeded_client: TestClient) -> None:
    response = seeded_client.get(
        "/api/v1/therapists", params={"payer": "cigna", "plan": "aetna-ppo"}
    )
    assert response.status_code == 422
    field = response.json()["fields"][0]
    assert field["field"] == "plan"
    assert field["allowed"] == [p.code for p in get_vocabulary().payers["cigna"].plans]


def test_state_codes_are_case_insensitive(seeded_client: TestClient) -> None:
    lower = seeded_client.get("/api/v1/therapists", params={"state": "wy"}).json()
    upper = seeded_client.get("/api/v1/therapists", params={"state": "WY"}).json()
    assert lower == upper


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/therapists/999999", 404),
        ("/api/v1/therapists/0", 422),
        ("/api/v1/therapists/abc", 422),
        ("/api/v1/therapists/99999999999999999999", 422),
    ],
)
def test_missing_or_malformed_therapist_ids(
    seeded_client: TestClient, path: str, status: int
) -> None:
    response = seeded_client.get(path)
    assert response.status_code == status
    if status == 404:
        assert response.json() == {
            "error": "not_found",
            "detail": "no therapist with id 999999",
            "therapist_id": 999999,
        }
    else:
        assert response.json()["fields"][0]["field"] == "therapist_id"
