"""Payers and plans, users and roles, and the audit log, as an admin uses them."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from confide.db import Database
from confide.models import AuditEvent, Plan, User
from tests.admin.helpers import browser_for, csrf_of, staff_user

pytestmark = pytest.mark.usefixtures("quick_passwords")


def _post(browser: TestClient, path: str, token: str, **form: str):  # type: ignore[no-untyped-def]
    return browser.post(path, data={"csrf_token": token, **form}, follow_redirects=False)


def test_a_plan_is_added_checked_and_retired(client: TestClient, database: Database) -> None:
    admin = browser_for(client, database, "admin")
    token = csrf_of(admin, "/admin/payers")
    good = {
        "payer": "aetna",
        "code": "aetna-open-epo",
        "name": "Aetna Open EPO",
        "product": "EPO",
        "states": "ny, nj",
    }
    for field, bad in (
        ("payer", "nobody"),
        ("code", "Aetna EPO"),
        ("name", ""),
        ("product", "Gold"),
        ("states", "NY ZZ"),
    ):
        refused = _post(admin, "/admin/payers/plans", token, **{**good, field: bad})
        assert refused.status_code == 422, (field, refused.text)
        assert f"{field}:" in refused.text
    added = _post(admin, "/admin/payers/plans", token, **good)
    assert added.status_code == 303
    assert "The plan is added." in admin.get(added.headers["location"]).text
    assert _post(admin, "/admin/payers/plans", token, **good).status_code == 409
    with database.session() as session:
        plan = session.get_one(Plan, "aetna-open-epo")
        assert (plan.payer_code, plan.states, plan.retired_at) == ("aetna", ["NJ", "NY"], None)
    retired = _post(admin, "/admin/payers/plans/aetna-open-epo/retire", token)
    assert retired.status_code == 303
    assert _post(admin, "/admin/payers/plans/aetna-open-epo/retire", token).status_code == 409
    assert _post(admin, "/admin/payers/plans/no-such-plan/retire", token).status_code == 404
    with database.session() as session:
        assert session.get_one(Plan, "aetna-open-epo").retired_at is not None
        kinds = {
            (e.action, e.object_id)
            for e in session.scalars(select(AuditEvent).where(AuditEvent.object_type == "plan"))
        }
    assert kinds == {("create", "aetna-open-epo"), ("update", "aetna-open-epo")}


def test_roles_change_but_the_last_admin_stays(client: TestClient, database: Database) -> None:
    admin = browser_for(client, database, "admin")
    token = csrf_of(admin, "/admin/users")
    with database.session() as session:
        me = session.scalars(select(User).where(User.role == "admin")).one()
        my_id = me.id
    # alone: I cannot stop being an admin
    alone = _post(admin, f"/admin/users/{my_id}/role", token, role="reviewer")
    assert alone.status_code == 409
    assert "last administrator" in alone.text
    # a reviewer becomes an admin; then I can step down
    reviewer_email = staff_user(database, "reviewer")
    with database.session() as session:
        reviewer_id = session.scalars(select(User.id).where(User.email == reviewer_email)).one()
    assert _post(admin, f"/admin/users/{reviewer_id}/role", token, role="admin").status_code == 303
    assert _post(admin, f"/admin/users/{my_id}/role", token, role="reviewer").status_code == 303
    with database.session() as session:
        assert session.get_one(User, my_id).role == "reviewer"
        assert session.get_one(User, reviewer_id).role == "admin"
    # stepped down: the admin pages are closed to me at once
    assert admin.get("/admin/users").status_code == 403
    # a client's or a therapist's role does not change here
    other = browser_for(client, database, "admin")
    token = csrf_of(other, "/admin/users")
    client_email = staff_user(database, "client")
    with database.session() as session:
        client_id = session.scalars(select(User.id).where(User.email == client_email)).one()
    tied = _post(other, f"/admin/users/{client_id}/role", token, role="admin")
    assert tied.status_code == 422
    assert _post(other, f"/admin/users/{reviewer_id}/role", token, role="owner").status_code == 422
    page = other.get("/admin/users", params={"role": "admin"})
    assert page.status_code == 200
    assert reviewer_email in page.text
    assert other.get("/admin/users", params={"role": "boss"}).status_code == 422


def test_an_invitation_is_mailed(client: TestClient, database: Database) -> None:
    admin = browser_for(client, database, "admin")
    token = csrf_of(admin, "/admin/users")
    outbox = client.app.state.settings.outbox_dir  # type: ignore[attr-defined]
    before = set(outbox.glob("*.eml")) if outbox.exists() else set()
    sent = _post(admin, "/admin/users/invite", token, email="kim@example.org", role="reviewer")
    assert sent.status_code == 303
    mails = set(outbox.glob("*.eml")) - before
    assert len(mails) == 1
    assert "kim@example.org" in next(iter(mails)).read_text()
    refused = _post(admin, "/admin/users/invite", token, email="kim@example.org", role="boss")
    assert refused.status_code == 422


def test_the_audit_log_page_filters_and_links_its_export(
    client: TestClient, database: Database
) -> None:
    admin = browser_for(client, database, "admin")
    admin.get("/admin/users")  # a read on the trail
    page = admin.get("/admin/audit", params={"object_type": "user", "since": "2000-01-01"})
    assert page.status_code == 200
    assert "object_type=user" in page.text  # the export link keeps the filters
    assert ">user</td>" in page.text or ">user<" in page.text
    export = admin.get("/api/v1/audit/events.csv", params={"object_type": "user"})
    assert export.status_code == 200
    assert "user" in export.text
    bad = admin.get("/admin/audit", params={"since": "yesterday"})
    assert bad.status_code == 422
    assert "since" in bad.text
