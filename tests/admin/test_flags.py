"""Safety flags: each reaches the right clinicians, is acknowledged with who, when and a note,
or escalates to reviewers and admins once it is overdue. The clock is frozen at 00:05 UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from confide.audit import SYSTEM, Actor
from confide.config import get_settings
from confide.db import Database
from confide.errors import InvalidInput, NotFound
from confide.models import AuditEvent, Job, SafetyFlag, User
from confide.notifications.plain_mail import KIND as MAIL
from confide.screening.flags import acknowledge_flag, escalate_due, flag_queue
from confide.screening.service import raise_safety_flag
from tests.admin.helpers import booked_session, browser_for, client_row, csrf_of, staff_user
from tests.cli_env import confide_command, run
from tests.scheduling.factories import make_therapist

RAISED = datetime(2026, 12, 7, 0, 5, tzinfo=UTC)  # a Monday, five past midnight
FOUR_HOURS = timedelta(hours=4)
SOURCE = "screening:phq9_9"


def _world(database: Database, raised: datetime = RAISED) -> dict[str, int]:
    """Therapists T1 and T2; client A booked with T1 (a past session, missed), B with T2
    (tomorrow), C with nobody; a flag raised for each at `raised`."""
    with time_machine.travel(raised, tick=False), database.session(write=True) as session:
        t1, t2 = make_therapist(session).id, make_therapist(session).id
        a, b, c = (client_row(session, n) for n in ("Ana Cole", "Ben Diaz", "Cal Ford"))
        booked_session(session, t1, a, raised - timedelta(days=2), status="noshow")
        booked_session(session, t2, b, raised + timedelta(days=1))
        flags = {
            name: raise_safety_flag(
                session, who.id, "self_harm_risk", source=SOURCE, actor=SYSTEM, now=raised
            ).id
            for name, who in (("a", a), ("b", b), ("c", c))
        }
    return {"t1": t1, "t2": t2, **flags}


def _queue_ids(database: Database, role: str, therapist_id: int | None, now: datetime) -> set[int]:
    actor = Actor(user_id=None, role=role)
    with database.session(write=True) as session:
        queue = flag_queue(session, role, therapist_id, actor, now, FOUR_HOURS)
    return {f.id for f in queue.open}


def test_one_flag_acknowledged_and_one_escalated(database: Database) -> None:
    w = _world(database)
    # each flag reaches its clinicians: the client's therapist, or before a booking the reviewers
    assert _queue_ids(database, "therapist", w["t1"], RAISED) == {w["a"]}
    assert _queue_ids(database, "therapist", w["t2"], RAISED) == {w["b"]}
    assert _queue_ids(database, "reviewer", None, RAISED) == {w["c"]}
    assert _queue_ids(database, "admin", None, RAISED) == set()

    # T1 acknowledges A's flag an hour later, with a note
    later = RAISED + timedelta(hours=1)
    email = staff_user(database, "therapist", w["t1"])
    with database.session(write=True) as session:
        user_id = session.scalars(select(User.id).where(User.email == email)).one()
        flag = acknowledge_flag(
            session,
            w["a"],
            "therapist",
            w["t1"],
            user_id,
            "  Called her; safe, seeing her tomorrow.  ",
            Actor(user_id=user_id, role="therapist"),
            later,
        )
        assert (flag.acknowledged_at, flag.acknowledged_by) == (later, user_id)
        assert flag.note == "Called her; safe, seeing her tomorrow."
    with database.session() as session:
        stored = session.scalar(text(f"SELECT note FROM safety_flags WHERE id = {w['a']}"))
    assert "Called" not in str(stored)  # the note is encrypted at rest
    assert _queue_ids(database, "therapist", w["t1"], later) == set()

    # one minute short of four hours nothing escalates; at four hours B's and C's flags do, once
    assert _escalate(database, RAISED + FOUR_HOURS - timedelta(minutes=1)) == []
    assert _escalate(database, RAISED + FOUR_HOURS) == [w["b"], w["c"]]
    assert _escalate(database, RAISED + FOUR_HOURS + timedelta(hours=1)) == []
    after = RAISED + FOUR_HOURS + timedelta(minutes=5)
    assert _queue_ids(database, "admin", None, after) == {w["b"], w["c"]}
    assert _queue_ids(database, "reviewer", None, after) == {w["b"], w["c"]}
    assert _queue_ids(database, "therapist", w["t2"], after) == {w["b"]}  # still theirs too
    with database.session() as session:
        escalated = session.get_one(SafetyFlag, w["b"])
        assert escalated.escalated_at == RAISED + FOUR_HOURS
        assert escalated.acknowledged_at is None


def _escalate(database: Database, now: datetime) -> list[int]:
    with database.session(write=True) as session:
        return escalate_due(session, now, FOUR_HOURS)


def test_a_therapist_cannot_acknowledge_another_therapists_flag(database: Database) -> None:
    w = _world(database)
    for flag_id in (w["b"], w["c"]):
        with pytest.raises(NotFound), database.session(write=True) as session:
            acknowledge_flag(
                session,
                flag_id,
                "therapist",
                w["t1"],
                None,
                "done",  # type: ignore[arg-type]
                Actor(None, "therapist"),
                RAISED,
            )
    with pytest.raises(InvalidInput) as refused, database.session(write=True) as session:
        acknowledge_flag(
            session,
            w["a"],
            "therapist",
            w["t1"],
            None,
            "   ",  # type: ignore[arg-type]
            Actor(None, "therapist"),
            RAISED,
        )
    assert refused.value.field == "note"


def test_every_flag_shown_is_on_the_audit_trail(database: Database) -> None:
    w = _world(database)
    with database.session() as session:
        before = session.scalar(select(func.count()).select_from(AuditEvent))
    assert _queue_ids(database, "reviewer", None, RAISED) == {w["c"]}
    with database.session() as session:
        reads = session.scalars(
            select(AuditEvent).where(AuditEvent.id > 0).order_by(AuditEvent.id.desc()).limit(1)
        ).one()
        after = session.scalar(select(func.count()).select_from(AuditEvent))
    assert after == (before or 0) + 1
    assert (reads.action, reads.object_type, reads.actor_role) == (
        "read",
        "safety_flag",
        "reviewer",
    )


@pytest.mark.usefixtures("quick_passwords")
def test_the_queues_as_pages(client: TestClient, database: Database) -> None:
    now = datetime.now(UTC)
    # raised five hours ago: every one is overdue, none escalated yet
    w = _world(database, now - timedelta(hours=5))
    t1 = browser_for(client, database, "therapist", w["t1"])
    page = t1.get("/portal/flags")
    assert page.status_code == 200
    assert "Ana Cole" in page.text
    assert "Ben Diaz" not in page.text
    assert "Cal Ford" not in page.text
    token = csrf_of(t1, "/portal/flags")
    # another therapist's client's flag, or one before booking: 404, as if it did not exist
    for other in (w["b"], w["c"]):
        refused = t1.post(
            f"/portal/flags/{other}/acknowledge", data={"csrf_token": token, "note": "seen"}
        )
        assert refused.status_code == 404
    empty = t1.post(f"/portal/flags/{w['a']}/acknowledge", data={"csrf_token": token, "note": ""})
    assert empty.status_code == 422
    assert "note" in empty.text
    done = t1.post(
        f"/portal/flags/{w['a']}/acknowledge",
        data={"csrf_token": token, "note": "Called, safe"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    shown = t1.get(done.headers["location"])
    assert "Flag acknowledged." in shown.text
    assert "Called, safe" in shown.text
    with database.session() as session:
        flag = session.get_one(SafetyFlag, w["a"])
        assert flag.acknowledged_by is not None
        assert flag.acknowledged_at is not None
        assert abs(flag.acknowledged_at - now) < timedelta(minutes=1)

    reviewer = browser_for(client, database, "reviewer")
    listed = reviewer.get("/review/flags")
    assert listed.status_code == 200
    assert "Cal Ford" in listed.text
    assert "Ben Diaz" not in listed.text
    admin = browser_for(client, database, "admin")
    assert "Ben Diaz" not in admin.get("/review/flags").text
    with database.session(write=True) as session:
        escalate_due(session, now, FOUR_HOURS)
    assert "Ben Diaz" in admin.get("/review/flags").text
    assert "Ben Diaz" in reviewer.get("/review/flags").text
    # the wrong role: 403; nobody: sent to sign in
    assert reviewer.get("/portal/flags").status_code == 403
    assert t1.get("/review/flags").status_code == 403
    anonymous = TestClient(client.app)
    assert anonymous.get("/portal/flags", follow_redirects=False).status_code == 303


def test_the_escalation_command_follows_the_setting(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = _world(database, datetime.now(UTC) - timedelta(hours=5))
    with confide_command(database, monkeypatch) as runner:
        monkeypatch.setenv("CONFIDE_FLAG_ESCALATE_HOURS", "6")
        get_settings.cache_clear()
        assert "Escalated 0 safety flags." in run(runner, "flags", "escalate").output
        monkeypatch.delenv("CONFIDE_FLAG_ESCALATE_HOURS")
        get_settings.cache_clear()
        done = run(runner, "flags", "escalate")
    assert done.exit_code == 0, done.output
    assert "Escalated 3 safety flags." in done.output
    with database.session() as session:
        assert session.get_one(SafetyFlag, w["a"]).escalated_at is not None


def test_escalation_mails_each_reviewer_and_admin_once_saying_nothing_private(
    database: Database,
) -> None:
    w = _world(database)
    staff = {staff_user(database, "reviewer"), staff_user(database, "admin")}
    with database.session() as session:
        everyone = set(
            session.scalars(select(User.email).where(User.role.in_(("reviewer", "admin"))))
        )
    assert staff <= everyone
    assert _escalate(database, RAISED + FOUR_HOURS) == [w["a"], w["b"], w["c"]]
    assert _escalate(database, RAISED + FOUR_HOURS + timedelta(hours=1)) == []
    with database.session() as session:
        mails = [job.payload for job in session.scalars(select(Job).where(Job.kind == MAIL))]
    assert sorted(m["to"] for m in mails) == sorted(everyone)  # one each, once
    for mail in mails:
        assert mail["subject"] == "Safety flags need a reviewer"
        assert "3 safety flags" in mail["text"]
        assert "self" not in mail["text"].lower()
        assert "harm" not in mail["text"].lower()
