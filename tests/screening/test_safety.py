"""Safety records: one per answer, a disclosure never undone by a later "no", all access audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from confide.audit import SYSTEM, Actor
from confide.audit.service import verify_chain
from confide.db import Database
from confide.errors import NotFound
from confide.models import AuditEvent, Client
from confide.screening.safety import (
    couple_partner_violence_disclosed,
    partner_violence_disclosed,
    record_safety,
    safety_history,
    safety_summary,
)

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
INTAKE = Actor(user_id=41, role="client", address="203.0.113.20")


def make_clients(database: Database, count: int) -> list[int]:
    with database.session(write=True) as session:
        clients = [
            Client(name=f"C{n}", state="CA", timezone="America/Los_Angeles") for n in range(count)
        ]
        session.add_all(clients)
        session.flush()
        return [c.id for c in clients]


def disclose(database: Database, client_id: int, *, violence: bool, at: datetime = NOW) -> None:
    with database.session(write=True) as session:
        record_safety(
            session,
            client_id,
            partner_violence=violence,
            self_harm_risk=False,
            source="intake:pv_fear",
            detail="afraid at home" if violence else None,
            actor=INTAKE,
            now=at,
        )


def disclosed(database: Database, client_id: int) -> bool:
    with database.session(write=True) as session:
        return partner_violence_disclosed(session, client_id, actor=SYSTEM, now=NOW)


def couple(database: Database, first: int, second: int) -> bool:
    with database.session(write=True) as session:
        return couple_partner_violence_disclosed(session, first, second, actor=SYSTEM, now=NOW)


def test_no_record_means_nothing_disclosed(database: Database) -> None:
    (client,) = make_clients(database, 1)
    assert not disclosed(database, client)
    with database.session(write=True) as session:
        summary = safety_summary(session, client, actor=SYSTEM, now=NOW)
    assert (summary.partner_violence, summary.self_harm_risk, summary.last_recorded_at) == (
        False,
        False,
        None,
    )


def test_a_disclosure_stays_after_a_later_no(database: Database) -> None:
    (client,) = make_clients(database, 1)
    disclose(database, client, violence=False)
    assert not disclosed(database, client)
    disclose(database, client, violence=True, at=NOW + timedelta(days=1))
    disclose(database, client, violence=False, at=NOW + timedelta(days=2))
    assert disclosed(database, client)
    with database.session(write=True) as session:
        history = safety_history(session, client, actor=SYSTEM, now=NOW)
    assert [h.partner_violence for h in history] == [False, True, False]
    assert [h.source for h in history] == ["intake:pv_fear"] * 3
    assert history[1].detail == "afraid at home"
    assert history[2].recorded_at == NOW + timedelta(days=2)


def test_either_partner_disclosing_refuses_the_couple(database: Database) -> None:
    first, second, third = make_clients(database, 3)
    disclose(database, second, violence=True)
    assert couple(database, first, second)
    assert couple(database, second, first)
    assert not couple(database, first, third)
    assert not disclosed(database, first)


def test_every_access_is_audited_by_client(database: Database) -> None:
    first, second = make_clients(database, 2)
    disclose(database, first, violence=True)
    disclosed(database, first)
    couple(database, first, second)
    with database.session() as session:
        events = session.execute(
            select(
                AuditEvent.actor_role,
                AuditEvent.actor_user_id,
                AuditEvent.action,
                AuditEvent.object_type,
                AuditEvent.object_id,
                AuditEvent.address,
            ).order_by(AuditEvent.id)
        ).all()
        assert verify_chain(session, datetime.now(UTC)).chain.intact
    assert [tuple(e) for e in events] == [
        ("client", 41, "create", "safety_record", str(first), "203.0.113.20"),
        ("system", None, "read", "safety_record", str(first), None),
        ("system", None, "read", "safety_record", str(first), None),
        ("system", None, "read", "safety_record", str(second), None),
    ]


def test_the_database_holds_no_disclosure_in_the_clear(database: Database) -> None:
    (client,) = make_clients(database, 1)
    disclose(database, client, violence=True)
    with database.engine.connect() as conn:
        row = conn.execute(text("SELECT * FROM safety_records")).one()
    stored = " ".join(str(value) for value in row)
    for clear in ("afraid", "pv_fear", "intake", "true", "True"):
        assert clear not in stored


def test_a_record_for_no_such_client_is_refused(database: Database) -> None:
    with pytest.raises(NotFound), database.session(write=True) as session:
        record_safety(
            session,
            999,
            partner_violence=True,
            self_harm_risk=True,
            source="intake:pv_fear",
            actor=INTAKE,
            now=NOW,
        )
