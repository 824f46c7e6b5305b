"""A licence that lapses takes its state out of matching and booking at once, and comes back
when an admin verifies it again; the rule is one function (network/supply_rules.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from confide.db import Database
from confide.matching.indexing import build_index
from confide.models import Licence, TherapistPopulation
from confide.scheduling.capacity import licensed
from confide.scheduling.openings import compute_openings
from tests.admin.helpers import browser_for, csrf_of
from tests.scheduling.factories import make_client, make_therapist

ALL_WEEK = tuple((d, 0, 24 * 60) for d in range(7))
ADMIN_PAGES = (
    "/admin",
    "/admin/licences",
    "/admin/payers",
    "/admin/users",
    "/admin/audit",
    "/admin/network",
)


def _therapist(session: Session, **kw: Any) -> int:
    made = make_therapist(
        session, licensed=("NY", "NJ"), hours=ALL_WEEK, minimum_notice_hours=2, **kw
    )
    session.add(TherapistPopulation(therapist_id=made.id, population="individuals"))
    made.updated_at = datetime.now(UTC)  # a new therapist, as any process's index finds one
    session.flush()
    return made.id


def _joined(api: TestClient) -> None:
    """Set-up done: this process's indexes look for changes on the next request."""
    api.app.state.openings.mark_stale()  # type: ignore[attr-defined]


def _matched(api: TestClient, state: str) -> set[int]:
    intake = {
        "state": state,
        "payment": {"method": "self_pay", "max_rate": 300},
        "timezone": "America/New_York",
        "limit": 50,
    }
    response = api.post("/api/v1/matches", json=intake)
    assert response.status_code == 200, response.text
    return {r["therapist"]["id"] for r in response.json()["results"]}


def _licence_id(database: Database, therapist_id: int, state: str) -> int:
    with database.session() as session:
        return session.scalars(
            select(Licence.id).where(Licence.therapist_id == therapist_id, Licence.state == state)
        ).one()


def _first_slot(api: TestClient, therapist_id: int) -> str:
    listed = api.get(
        f"/api/v1/therapists/{therapist_id}/slots", params={"session_type": "intake", "days": 3}
    )
    assert listed.status_code == 200, listed.text
    return str(listed.json()["slots"][0]["start"])


@pytest.mark.usefixtures("quick_passwords")
def test_an_admin_lets_a_licence_lapse_and_the_state_drops_at_once(
    client: TestClient, database: Database
) -> None:
    with database.session(write=True) as session:
        therapist_id = _therapist(session)
    _joined(client)
    assert therapist_id in _matched(client, "NY")
    admin = browser_for(client, database, "admin")
    ny = _licence_id(database, therapist_id, "NY")
    page = admin.get("/admin/licences", params={"therapist": str(therapist_id), "state": "NY"})
    assert page.status_code == 200
    assert "LMFT00000" in page.text
    token = csrf_of(admin, "/admin/licences")

    lapsed = admin.post(
        f"/admin/licences/{ny}/status",
        data={"csrf_token": token, "status": "expired"},
        follow_redirects=False,
    )
    assert lapsed.status_code == 303
    # at once: no wait for the index's periodic refresh
    assert therapist_id not in _matched(client, "NY")
    assert therapist_id in _matched(client, "NJ")  # the other state is untouched
    ny_client = make_client(client, state="NY")
    refused = client.post(
        "/api/v1/holds",
        json={
            "therapist_id": therapist_id,
            "session_type": "intake",
            "start": _first_slot(client, therapist_id),
        },
        headers=ny_client,
    )
    assert refused.status_code == 422, refused.text
    assert "not licensed in NY" in refused.text
    # the change is on the audit trail
    trail = admin.get("/admin/audit", params={"object_type": "licence", "action": "update"})
    assert trail.status_code == 200
    assert f"licence {ny}" in trail.text

    # active again, and verified today: listed again
    admin.post(f"/admin/licences/{ny}/status", data={"csrf_token": token, "status": "active"})
    assert therapist_id in _matched(client, "NY")
    held = client.post(
        "/api/v1/holds",
        json={
            "therapist_id": therapist_id,
            "session_type": "intake",
            "start": _first_slot(client, therapist_id),
        },
        headers=ny_client,
    )
    assert held.status_code == 201, held.text


@pytest.mark.usefixtures("quick_passwords")
def test_an_old_verification_drops_the_state_until_verified_again(
    client: TestClient, database: Database
) -> None:
    now = datetime.now(UTC)
    with database.session(write=True) as session:
        therapist_id = _therapist(session, licence_verified_at=now - timedelta(days=91))
    _joined(client)
    assert therapist_id not in _matched(client, "NY")
    admin = browser_for(client, database, "admin")
    page = admin.get("/admin/licences", params={"listed": "lapsed", "therapist": str(therapist_id)})
    assert page.text.count("no: verification too old") == 2  # NY and NJ
    token = csrf_of(admin, "/admin/licences")
    ny = _licence_id(database, therapist_id, "NY")
    verified = admin.post(
        f"/admin/licences/{ny}/verify", data={"csrf_token": token}, follow_redirects=False
    )
    assert verified.status_code == 303
    assert therapist_id in _matched(client, "NY")
    assert therapist_id not in _matched(client, "NJ")  # still waiting for its own check


def test_the_max_age_is_counted_to_the_minute(database: Database) -> None:
    verified = datetime(2026, 9, 1, 0, 5, tzinfo=UTC)
    with time_machine.travel(verified, tick=False), database.session(write=True) as session:
        therapist_id = _therapist(session)
    for now, listed in (
        (verified + timedelta(days=90) - timedelta(minutes=1), True),
        (verified + timedelta(days=90, minutes=1), False),
    ):
        with database.session() as session:
            assert licensed(session, therapist_id, "NY", now) is listed
            grid = compute_openings(session, now, 14)
            index = build_index(session, grid, now)
            row = index.rows_of([therapist_id])[0]
            assert bool(index.cols.licence_bits[row]) is listed


# NY's verification ages out just after midnight UTC, with no admin doing anything: within the
# hour the openings grid keeps its base, so no full rebuild would come to drop it
NY_VERIFIED = datetime(2026, 9, 6, 0, 3, tzinfo=UTC)
NY_LAPSES = NY_VERIFIED + timedelta(days=90)  # 2026-12-05 00:03 UTC: the last instant listed
NJ_VERIFIED = NY_VERIFIED + timedelta(days=20)


def _listed_everywhere(api: TestClient, therapist_id: int) -> dict[str, Any]:
    """Where each surface lists the therapist: matching, the directory, FHIR, the profile."""
    summary = api.get("/api/v1/therapists", params={"state": "NJ"}).json()["items"]
    profile = api.get(f"/api/v1/therapists/{therapist_id}").json()
    role = api.get(f"/fhir/PractitionerRole/{therapist_id}").json()
    page = api.get(f"/therapists/{therapist_id}").text
    return {
        "matched": [s for s in ("NY", "NJ") if therapist_id in _matched(api, s)],
        "directory": next(t["licensed_states"] for t in summary if t["id"] == therapist_id),
        "directory_ny": [
            t["id"] for t in api.get("/api/v1/therapists", params={"state": "NY"}).json()["items"]
        ],
        "licences": {lic["state"]: lic["listed"] for lic in profile["licences"]},
        "fhir": [e["valueCoding"]["code"] for e in role["extension"]],
        "telehealth": [loc["reference"].rsplit("-", 1)[1] for loc in role["location"]],
        "page": re.findall(r"Licensed in ([A-Z, ]+)", page),
    }


def test_a_verification_ageing_out_drops_its_state_at_that_instant(
    client: TestClient, database: Database
) -> None:
    with time_machine.travel(NY_LAPSES - timedelta(minutes=5), tick=False) as clock:
        with database.session(write=True) as session:
            therapist_id = _therapist(session, licence_verified_at=NY_VERIFIED)
        nj = _licence_id(database, therapist_id, "NJ")
        with database.session(write=True) as session:
            session.get_one(Licence, nj).verified_at = NJ_VERIFIED
        _joined(client)
        assert _listed_everywhere(client, therapist_id) == {
            "matched": ["NY", "NJ"],
            "directory": ["NJ", "NY"],
            "directory_ny": [therapist_id],
            "licences": {"NJ": True, "NY": True},
            "fhir": ["NJ", "NY"],
            "telehealth": ["nj", "ny"],
            "page": ["NJ, NY"],
        }
        clock.move_to(NY_LAPSES)
        assert therapist_id in _matched(client, "NY")  # the max age itself still lists it
        slot = _first_slot(client, therapist_id)

        clock.move_to(NY_LAPSES + timedelta(microseconds=1))
        # nothing changed in the database; the index knew when NY would age out
        assert _listed_everywhere(client, therapist_id) == {
            "matched": ["NJ"],
            "directory": ["NJ"],
            "directory_ny": [],
            "licences": {"NJ": True, "NY": False},
            "fhir": ["NJ"],
            "telehealth": ["nj"],
            "page": ["NJ"],
        }
        refused = client.post(
            "/api/v1/holds",
            json={"therapist_id": therapist_id, "session_type": "intake", "start": slot},
            headers=make_client(client, state="NY"),
        )
        assert refused.status_code == 422, refused.text
        assert "not licensed in NY" in refused.text


def test_the_admin_pages_are_for_admins(client: TestClient, database: Database) -> None:
    for role in ("therapist", "reviewer"):
        with database.session(write=True) as session:
            therapist_id = _therapist(session)
        browser = browser_for(client, database, role, therapist_id if role == "therapist" else None)
        for path in (
            "/admin",
            "/admin/licences",
            "/admin/payers",
            "/admin/users",
            "/admin/audit",
            "/admin/network",
        ):
            assert browser.get(path).status_code == 403, (role, path)
    nobody = TestClient(client.app)
    assert (
        nobody.get("/admin/licences", follow_redirects=False)
        .headers["location"]
        .startswith("/signin")
    )
