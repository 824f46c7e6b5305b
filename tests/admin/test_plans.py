"""A plan an admin adds is offered and accepted everywhere from the next request; a retired one
is offered no more and refused by name, while the panels and saved answers naming it still work.
Another process learns of either at its next look at the catalogue's stamp."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from confide.db import Database
from confide.main import create_app
from confide.models import TherapistPopulation
from tests.admin.helpers import browser_for, csrf_of
from tests.conftest import settings_for
from tests.intake.conftest import Person
from tests.scheduling.factories import make_therapist

pytestmark = pytest.mark.usefixtures("quick_passwords")

ALL_WEEK = tuple((d, 0, 24 * 60) for d in range(7))
CODE = "aetna-open-epo"
NEW_PLAN = {
    "payer": "aetna",
    "code": CODE,
    "name": "Aetna Open EPO",
    "product": "EPO",
    "states": "NY NJ",
}
PAID_BY_PLAN = {
    "state": "NY",
    "payment": {"method": "insurance", "payer": "aetna", "plan": CODE},
    "timezone": "America/New_York",
    "limit": 50,
}


def _therapist(session: Session) -> int:
    made = make_therapist(session, licensed=("NY", "NJ"), hours=ALL_WEEK, minimum_notice_hours=2)
    session.add(TherapistPopulation(therapist_id=made.id, population="individuals"))
    made.updated_at = datetime.now(UTC)  # a new therapist, as any process's index finds one
    session.flush()
    return made.id


def _admin_post(admin: TestClient, path: str, **form: str) -> int:
    token = csrf_of(admin, "/admin/payers")
    response = admin.post(path, data={"csrf_token": token, **form}, follow_redirects=False)
    return response.status_code


def _refusal(response: Any) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    (field,) = response.json()["fields"]
    return dict(field)


def _matched(api: TestClient) -> dict[int, list[str]]:
    response = api.post("/api/v1/matches", json=PAID_BY_PLAN)
    assert response.status_code == 200, response.text
    return {r["therapist"]["id"]: r["reasons"] for r in response.json()["results"]}


def _aetna_plans(api: TestClient) -> list[str]:
    payers = api.get("/api/v1/vocab").json()["payers"]
    return [plan["code"] for p in payers if p["code"] == "aetna" for plan in p["plans"]]


def _panel_form(therapist: TestClient, state: str) -> Any:
    token = csrf_of(therapist, "/portal/panels")
    return therapist.post(
        "/portal/panels",
        data={"csrf_token": token, "plan": CODE, "state": state},
        follow_redirects=False,
    )


def _on_payment_step(api: TestClient, state: str) -> Person:
    person = Person(TestClient(api.app))
    assert person.post("/start", state=state).status_code == 303
    return person


def test_an_added_plan_is_offered_and_accepted_on_the_next_request(
    client: TestClient, database: Database
) -> None:
    with database.session(write=True) as session:
        therapist_id = _therapist(session)
    client.app.state.openings.mark_stale()  # type: ignore[attr-defined]
    admin = browser_for(client, database, "admin")
    therapist = browser_for(client, database, "therapist", therapist_id)
    assert _refusal(client.post("/api/v1/matches", json=PAID_BY_PLAN))["type"] == "unknown_code"
    assert f'value="{CODE}"' not in therapist.get("/portal/panels").text

    assert _admin_post(admin, "/admin/payers/plans", **NEW_PLAN) == 303

    # the code lists, the OpenAPI schema and the intake's payment step
    assert CODE in _aetna_plans(client)
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert CODE in schemas["InsurancePayment"]["properties"]["plan"]["enum"]
    new_yorker = _on_payment_step(client, "NY")
    assert "Aetna Open EPO" in new_yorker.get("/start/payment").text
    assert new_yorker.post("/start/payment", plan=CODE).status_code == 303
    # sold in NY and NJ only
    assert "Aetna Open EPO" not in _on_payment_step(client, "CA").get("/start/payment").text

    # the portal offers it, and a therapist on its panel is matched through it
    assert f'value="{CODE}"' in therapist.get("/portal/panels").text
    assert _panel_form(therapist, "NY").status_code == 303
    matched = _matched(client)
    assert therapist_id in matched
    assert "In network: Aetna Open EPO" in matched[therapist_id]
    listed = client.get("/api/v1/therapists", params={"state": "NY", "plan": CODE}).json()
    assert [t["id"] for t in listed["items"]] == [therapist_id]


def test_a_retired_plan_is_offered_no_more_yet_what_names_it_still_works(
    client: TestClient, database: Database
) -> None:
    with database.session(write=True) as session:
        therapist_id = _therapist(session)
    client.app.state.openings.mark_stale()  # type: ignore[attr-defined]
    admin = browser_for(client, database, "admin")
    therapist = browser_for(client, database, "therapist", therapist_id)
    assert _admin_post(admin, "/admin/payers/plans", **NEW_PLAN) == 303
    assert _panel_form(therapist, "NY").status_code == 303
    person = _on_payment_step(client, "NY")
    assert person.post("/start/payment", plan=CODE).status_code == 303  # a saved answer

    assert _admin_post(admin, f"/admin/payers/plans/{CODE}/retire") == 303

    # new input naming it is refused, the field and the plans offered instead named
    refused = _refusal(client.post("/api/v1/matches", json=PAID_BY_PLAN))
    # named as every code field of the insurance payment is (the tag in the path)
    assert (refused["field"], refused["type"]) == ("payment.insurance.plan", "retired_code")
    assert "retired plan" in refused["msg"]
    assert "aetna-ppo" in refused["allowed"]
    assert CODE not in refused["allowed"]
    assert CODE not in _aetna_plans(client)
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert CODE not in schemas["InsurancePayment"]["properties"]["plan"]["enum"]
    directory = client.get("/api/v1/therapists", params={"plan": CODE})
    assert _refusal(directory)["field"] == "plan"

    # the portal: the panel already joined stays, marked; no new one
    panels = therapist.get("/portal/panels").text
    assert "Aetna Open EPO <span" in panels
    assert "(retired" in panels
    assert f'<option value="{CODE}"' not in panels
    joining = _panel_form(therapist, "NJ")
    assert joining.status_code == 422
    assert "Aetna Open EPO is retired" in joining.text
    profile = client.get(f"/api/v1/therapists/{therapist_id}").json()
    assert {"plan": CODE, "plan_name": "Aetna Open EPO"}.items() <= profile["insurance"][0].items()

    # the person whose saved answers name it: matched as self-pay, and told why
    results = person.get("/start/results")
    assert results.status_code == 200
    assert "Aetna Open EPO, the plan you chose, is no longer offered" in results.text
    assert "if you pay for yourself" in results.text
    assert "In network" not in results.text
    payment = person.get("/start/payment").text
    assert "the plan you chose before, is no longer offered" in payment
    assert f'value="{CODE}"' not in payment
    again = person.post("/start/payment", plan=CODE)
    assert again.status_code == 422
    assert 'id="plan-error"' in again.text


def test_another_process_learns_of_plan_changes_at_its_next_look(
    client: TestClient, database: Database
) -> None:
    admin = browser_for(client, database, "admin")
    now = [0.0]
    other_app = create_app(settings_for(str(database.engine.url)), database=database)
    with TestClient(other_app) as other:
        watch = other_app.state.plan_watch
        watch.clock = lambda: now[0]
        # the app's warm-up request may have looked already, by the real clock: look again by
        # this one
        watch.mark_stale()
        assert CODE not in _aetna_plans(other)  # its first look

        assert _admin_post(admin, "/admin/payers/plans", **NEW_PLAN) == 303
        # its copy is behind until its next look: validation reads no database
        now[0] = watch.refresh_seconds / 2
        assert _refusal(other.post("/api/v1/matches", json=PAID_BY_PLAN))["type"] == (
            "unknown_code"
        )
        now[0] = watch.refresh_seconds
        assert other.post("/api/v1/matches", json=PAID_BY_PLAN).status_code == 200
        assert CODE in _aetna_plans(other)

        assert _admin_post(admin, f"/admin/payers/plans/{CODE}/retire") == 303
        assert other.post("/api/v1/matches", json=PAID_BY_PLAN).status_code == 200
        now[0] = 2 * watch.refresh_seconds
        refused = _refusal(other.post("/api/v1/matches", json=PAID_BY_PLAN))
        assert refused["type"] == "retired_code"
