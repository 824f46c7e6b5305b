"""Partner invitation codes: signed, timed, and refused with one clear message when they are not."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from confide.accounts import service
from confide.accounts.schemas import ClientCreate
from confide.db import Database
from confide.errors import Conflict, InvalidInput
from confide.models import Client
from tests.scheduling.factories import make_client

SECRET = "a-secret-key-long-enough-for-production-use"
NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
NOT_A_CODE = "this is not a partner invitation code"
EXPIRED = "this invitation has expired; ask your partner for a new one"


def _client(database: Database, name: str) -> int:
    with database.session(write=True) as session:
        client, _ = service.create_client(
            session,
            ClientCreate(
                email=f"{uuid.uuid4().hex}@example.org",
                name=name,
                state="NY",
                timezone="America/New_York",
            ),
        )
        return client.id


def _invite(database: Database, inviter_id: int, now: datetime = NOW) -> str:
    with database.session() as session:
        code, expires_at = service.invite_partner(session.get_one(Client, inviter_id), SECRET, now)
    assert expires_at == now + timedelta(days=service.INVITATION_DAYS)
    return code


def _accept(
    database: Database, client_id: int, code: str, now: datetime, secret: str = SECRET
) -> int:
    with database.session(write=True) as session:
        inviter = service.accept_invitation(
            session, session.get_one(Client, client_id), code, secret, now
        )
        return inviter.id


def test_a_code_links_the_two_until_it_expires(database: Database) -> None:
    sam, kai, lee = (_client(database, n) for n in ("Sam", "Kai", "Lee"))
    week = timedelta(days=service.INVITATION_DAYS)
    code = _invite(database, sam)
    with pytest.raises(InvalidInput) as late:
        _accept(database, kai, code, NOW + week + timedelta(seconds=2))
    assert (late.value.field, late.value.message) == ("code", EXPIRED)
    assert _accept(database, kai, code, NOW + week - timedelta(seconds=1)) == sam
    with database.session() as session:
        assert session.get_one(Client, sam).partner_id == kai
        assert session.get_one(Client, kai).partner_id == sam
    # the same code again: it linked once, and is void now
    with pytest.raises(InvalidInput) as used:
        _accept(database, lee, code, NOW)
    assert used.value.field == "code"
    assert "already been used" in used.value.message


@pytest.mark.parametrize(
    "tamper",
    [
        lambda code: "",
        lambda code: "not-a-code",
        lambda code: "1.2.3",
        lambda code: code[:-2] + ("AA" if not code.endswith("AA") else "BB"),
        lambda code: "9" + code,  # another client's id under this signature
        lambda code: code.split(".", 1)[1],
        lambda code: code + ".extra",
        lambda code: code.replace(".", ":"),
        lambda code: "ü" + code,
    ],
)
def test_a_changed_or_made_up_code_is_not_a_code(database: Database, tamper) -> None:  # type: ignore[no-untyped-def]
    sam, kai = _client(database, "Sam"), _client(database, "Kai")
    code = _invite(database, sam)
    with pytest.raises(InvalidInput) as refused:
        _accept(database, kai, tamper(code), NOW)
    assert (refused.value.field, refused.value.message) == ("code", NOT_A_CODE)
    with database.session() as session:
        assert session.get_one(Client, kai).partner_id is None


def test_a_code_signed_with_another_key_is_not_a_code(database: Database) -> None:
    sam, kai = _client(database, "Sam"), _client(database, "Kai")
    code = _invite(database, sam)
    with pytest.raises(InvalidInput) as refused:
        _accept(database, kai, code, NOW, secret=SECRET + "-rotated")
    assert refused.value.message == NOT_A_CODE


def test_ones_own_code_and_a_linked_inviter_are_refused(database: Database) -> None:
    sam, kai = _client(database, "Sam"), _client(database, "Kai")
    code = _invite(database, sam)
    with pytest.raises(InvalidInput) as own:
        _accept(database, sam, code, NOW)
    assert own.value.message == "this invitation is your own; give it to your partner"
    _accept(database, kai, code, NOW)
    with database.session() as session, pytest.raises(Conflict):
        service.invite_partner(session.get_one(Client, sam), SECRET, NOW)


def test_a_code_of_a_client_who_is_gone_is_not_a_code(database: Database) -> None:
    sam, kai = _client(database, "Sam"), _client(database, "Kai")
    code = _invite(database, sam)
    with database.session(write=True) as session:
        session.delete(session.get_one(Client, sam))
    with pytest.raises(InvalidInput) as refused:
        _accept(database, kai, code, NOW)
    assert refused.value.message == NOT_A_CODE


def test_the_api_answers_422_on_the_code_field(client: TestClient) -> None:
    me, partner = make_client(client), make_client(client, name="Kai")
    code = client.post("/api/v1/clients/me/invitations", headers=me).json()["code"]
    refused = client.post("/api/v1/clients/me/partner", json={"code": code + "x"}, headers=partner)
    assert refused.status_code == 422
    assert refused.json()["fields"][0]["field"] == "code"
    assert refused.json()["fields"][0]["msg"] == NOT_A_CODE
    linked = client.post("/api/v1/clients/me/partner", json={"code": code}, headers=partner)
    assert linked.status_code == 200, linked.text
