"""DELETE /api/v1/clients/me/partner: either partner ends the link at any time; the pair's joint
holds and sessions still to come are cancelled in the same transaction and audited; the other
partner gets mail (through a real SMTP server) saying only that the link ended."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select

from confide.accounts import tokens
from confide.db import Database
from confide.main import create_app
from confide.models import Appointment, AuditEvent, Client, User
from tests.conftest import Inbox, form_csrf, make_user, settings_for, sign_in, verified_client
from tests.scheduling.factories import link_partners, make_therapist

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)  # a Wednesday, 10:00 in New York
MONDAY_9_NY = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)


@pytest.fixture
def frozen() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def api(database: Database, smtp_server: Inbox) -> Iterator[TestClient]:
    settings = settings_for(str(database.engine.url)).model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": smtp_server.port, "smtp_starttls": False}
    )
    with TestClient(create_app(settings, database=database)) as client:
        yield client


def person(api: TestClient, name: str, email: str, state: str = "NY") -> dict[str, str]:
    """A verified client with this address; returns the Authorization header."""
    return verified_client(api, name=name, state=state, email=email)


def hold(api: TestClient, me: dict[str, str], therapist_id: int, start: datetime, kind: str):  # type: ignore[no-untyped-def]
    response = api.post(
        "/api/v1/holds",
        json={"therapist_id": therapist_id, "session_type": kind, "start": start.isoformat()},
        headers=me,
    )
    assert response.status_code == 201, response.text
    return response.json()["hold_id"]


def book(api: TestClient, me: dict[str, str], therapist_id: int, start: datetime, kind: str) -> int:
    hold_id = hold(api, me, therapist_id, start, kind)
    booked = api.post("/api/v1/appointments", json={"hold_id": hold_id}, headers=me)
    assert booked.status_code == 201, booked.text
    return int(hold_id)


def statuses(database: Database) -> dict[int, tuple[str, str | None]]:
    with database.session() as session:
        return {
            a.id: (a.status, a.cancel_reason) for a in session.scalars(select(Appointment)).all()
        }


@pytest.mark.parametrize("who_ends_it", ["booker", "partner"])
def test_either_partner_ends_the_link_and_the_joint_sessions_to_come(
    api: TestClient,
    database: Database,
    smtp_server: Inbox,
    frozen: time_machine.Coordinates,
    who_ends_it: str,
) -> None:
    with database.session(write=True) as session:
        therapist = make_therapist(session, licensed=("NY", "NJ")).id
        other = make_therapist(session, licensed=("NY", "NJ")).id
    booker = person(api, "Alex Rivera", "alex@example.org")
    partner = person(api, "Blake Rivera", "blake@example.org", state="NJ")
    link_partners(api, booker, partner)
    frozen.move_to(NOW - timedelta(days=6))
    past = book(api, booker, therapist, NOW - timedelta(days=1), "couples")
    frozen.move_to(NOW)
    joint = book(api, booker, therapist, MONDAY_9_NY, "couples_intake")
    own = book(api, booker, other, MONDAY_9_NY + timedelta(days=1), "intake")
    joint_hold = hold(api, partner, therapist, MONDAY_9_NY + timedelta(days=2), "couples")
    ender, told = (
        (booker, "blake@example.org") if who_ends_it == "booker" else (partner, "alex@example.org")
    )

    ended = api.delete("/api/v1/clients/me/partner", headers=ender)
    assert ended.status_code == 200, ended.text
    assert ended.json()["has_partner"] is False
    for side in (booker, partner):
        assert api.get("/api/v1/clients/me", headers=side).json()["has_partner"] is False
    assert statuses(database) == {
        past: ("booked", None),  # the past is not rewritten
        joint: ("cancelled", "link_ended"),
        own: ("booked", None),  # individual care is the person's own
        joint_hold: ("cancelled", "link_ended"),
    }
    # both partners still see the cancelled joint session, with its cancellation in the .ics
    for side in (booker, partner):
        assert (
            api.get(f"/api/v1/appointments/{joint}", headers=side).json()["status"] == "cancelled"
        )
        ics = api.get(f"/api/v1/appointments/{joint}/calendar.ics", headers=side).text
        assert "STATUS:CANCELLED" in ics
    # a joint hold now needs a link again
    again = api.post(
        "/api/v1/holds",
        json={
            "therapist_id": therapist,
            "session_type": "couples",
            "start": (MONDAY_9_NY + timedelta(days=3)).isoformat(),
        },
        headers=booker,
    )
    assert again.status_code == 422
    # the other partner is told the link ended: no names, no reason, no who
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [[told]]
    message = smtp_server.message()
    text = message.get_content()
    assert message["Subject"] == "Your partner link on Confide has ended"
    assert "link" in text
    assert "ended" in text
    for telling in ("Alex", "Blake", "Rivera", "alex@", "blake@", "violence", "safety", "because"):
        assert telling not in text
        assert telling not in message["Subject"]
    with database.session() as session:
        ender_row = session.scalars(
            select(Client).where(
                Client.name == ("Alex Rivera" if who_ends_it == "booker" else "Blake Rivera")
            )
        ).one()
        ender_id, ender_user_id = ender_row.id, ender_row.user_id
        trail = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action.in_(("delete", "update")))
            .order_by(AuditEvent.id.desc())
            .limit(3)
        ).all()
    assert sorted((e.action, e.object_type, e.object_id) for e in trail) == sorted(
        [
            ("delete", "partner_link", str(ender_id)),
            ("update", "appointment", str(joint)),
            ("update", "appointment", str(joint_hold)),
        ]
    )
    assert {e.actor_user_id for e in trail} == {ender_user_id}
    # asking again changes nothing and mails no one
    assert api.delete("/api/v1/clients/me/partner", headers=ender).status_code == 200
    assert len(smtp_server.envelopes) == 1


def test_an_ended_link_can_be_made_again_by_consent(
    api: TestClient,
    database: Database,
    smtp_server: Inbox,
    frozen: time_machine.Coordinates,
) -> None:
    first, second = person(api, "Sam", "sam@example.org"), person(api, "Kai", "kai@example.org")
    link_partners(api, first, second)
    assert api.delete("/api/v1/clients/me/partner", headers=second).status_code == 200
    assert api.get("/api/v1/clients/me", headers=first).json()["has_partner"] is False
    # only the one who did not end it is told
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["sam@example.org"]]
    # linking again works: the link is by consent, and can be made anew
    link_partners(api, first, second)
    assert api.get("/api/v1/clients/me", headers=second).json()["has_partner"] is True


def test_an_unreachable_mail_server_does_not_undo_the_unlink(
    database: Database, frozen: time_machine.Coordinates, caplog: pytest.LogCaptureFixture
) -> None:
    settings = settings_for(str(database.engine.url)).model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": 1, "smtp_starttls": False}
    )
    with TestClient(create_app(settings, database=database)) as api:
        first, second = person(api, "Sam", "sam@example.org"), person(api, "Kai", "kai@example.org")
        link_partners(api, first, second)
        assert api.delete("/api/v1/clients/me/partner", headers=second).status_code == 200
        assert api.get("/api/v1/clients/me", headers=first).json()["has_partner"] is False
    assert "could not mail a former partner" in caplog.text


def test_an_old_invitation_code_cannot_link_the_two_again(
    api: TestClient, database: Database, frozen: time_machine.Coordinates
) -> None:
    """A gives P a code and P links; after A ends the link, P replaying the same code must not
    tie A to P again without A's consent."""
    a = person(api, "Ari", "ari@example.org")
    p = person(api, "Pat", "pat@example.org")
    code = api.post("/api/v1/clients/me/invitations", headers=a).json()["code"]
    assert api.post("/api/v1/clients/me/partner", json={"code": code}, headers=p).status_code == 200
    assert api.delete("/api/v1/clients/me/partner", headers=a).status_code == 200
    replayed = api.post("/api/v1/clients/me/partner", json={"code": code}, headers=p)
    assert replayed.status_code == 422, replayed.text
    assert replayed.json()["fields"][0]["field"] == "code"
    assert "already been used" in replayed.json()["fields"][0]["msg"]
    assert api.get("/api/v1/clients/me", headers=a).json()["has_partner"] is False
    # a code given before A linked with someone else is void too
    other = person(api, "Oli", "oli@example.org")
    early = api.post("/api/v1/clients/me/invitations", headers=a).json()["code"]
    fresh = api.post("/api/v1/clients/me/invitations", headers=a).json()["code"]
    assert (
        api.post("/api/v1/clients/me/partner", json={"code": fresh}, headers=other).status_code
        == 200
    )
    api.delete("/api/v1/clients/me/partner", headers=other)
    assert (
        api.post("/api/v1/clients/me/partner", json={"code": early}, headers=p).status_code == 422
    )
    # the link made, and the one ended, are both on the audit trail, by whoever did them
    with database.session() as session:
        trail = session.execute(
            select(AuditEvent.action, AuditEvent.actor_user_id)
            .where(AuditEvent.object_type == "partner_link")
            .order_by(AuditEvent.id)
        ).all()
        users = dict(session.execute(select(Client.name, Client.user_id)).all())
    assert trail == [
        ("create", users["Pat"]),
        ("delete", users["Ari"]),
        ("create", users["Oli"]),
        ("delete", users["Oli"]),
    ]


def test_a_signed_in_browser_ends_the_link_from_the_account_page(
    api: TestClient,
    database: Database,
    smtp_server: Inbox,
    frozen: time_machine.Coordinates,
) -> None:
    with database.session(write=True) as session:
        therapist_id = make_therapist(session, licensed=("NY", "NJ")).id
    email = make_user(api, name="Rene Castillo", email="rene@example.org")
    # the same person through the API (a token) and through the browser (a session)
    with database.session(write=True) as session:
        user = session.scalars(select(User).where(User.email == email)).one()
        _, secret = tokens.create_token(session, user, ["booking", "profile"], 30, NOW)
    rene = {"Authorization": f"Bearer {secret}"}
    partner = person(api, "Sky Castillo", "sky@example.org", state="NJ")
    link_partners(api, rene, partner)
    joint = book(api, rene, therapist_id, MONDAY_9_NY, "couples_intake")
    sign_in(api, email)
    page = api.get("/account")
    assert "End the link with my partner" in page.text
    # without the page's CSRF token nothing changes
    refused = api.post("/account/partner/end", data={"csrf_token": "forged"})
    assert refused.status_code == 403
    assert api.get("/api/v1/clients/me", headers=partner).json()["has_partner"] is True
    ended = api.post("/account/partner/end", data={"csrf_token": form_csrf(api, "/account")})
    assert ended.status_code == 200, ended.text
    assert "The link with your partner has ended" in ended.text
    assert "Make a code for my partner" in ended.text  # the page now offers linking again
    assert api.get("/api/v1/clients/me", headers=partner).json()["has_partner"] is False
    assert statuses(database)[joint] == ("cancelled", "link_ended")
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["sky@example.org"]]
    again = api.post("/account/partner/end", data={"csrf_token": form_csrf(api, "/account")})
    assert "You are not linked with a partner." in again.text
    assert len(smtp_server.envelopes) == 1
