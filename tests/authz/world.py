"""A fresh world for each caller of the authorisation matrix.

Client A (the owner) has a booked first session, a booked follow-up, a joint first session with
their linked partner P and a live hold, all with one therapist of the world's own; A also has
spare API tokens and a spare browser session for the revoking routes to act on. Two unlinked
clients have each made a partner invitation code for the linking routes. The caller (A, P,
another client B, an unverified client, a therapist tied to the world's therapist record, a
reviewer, an admin, or nobody) has a bearer token for the API and a browser signed in with a
session cookie for the pages: `build_world` makes the world, `enter` the caller's identity in it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from confide.accounts import sessions, tokens, users
from confide.accounts.passwords import PASSWORDS
from confide.accounts.schemas import SCOPES
from confide.audit import SYSTEM, Actor
from confide.content import service
from confide.content.schemas import ContentDraft
from confide.db import Database
from confide.models import Client, Licence, User
from confide.screening.service import raise_safety_flag
from tests.conftest import PASSWORD, make_user, sign_in, verified_client
from tests.scheduling.factories import link_partners, make_therapist
from tests.web.test_bad_input import PROGRAM_PARTS, ProgramIds

ALL_WEEK = tuple((d, 0, 24 * 60) for d in range(7))
STAFF_ROLES = ("therapist", "reviewer", "admin")


@dataclass(frozen=True)
class Identity:
    """How one caller reaches the app: a bearer header for the API, a browser for the pages."""

    email: str | None  # None for nobody
    bearer: dict[str, str]
    browser: TestClient


@dataclass(frozen=True)
class World:
    therapist_id: int
    starts: list[str]  # free starts, two hours or more apart, the first five taken here
    owner_email: str
    partner_email: str
    appointment: int  # A's booked first session (individual)
    follow_up: int  # A's booked individual session, to cancel
    joint: int  # A and P's booked joint first session
    joint_follow_up: int  # A and P's booked joint session, to cancel
    hold: int  # A's live hold, to confirm and then reschedule
    api_token: int  # A's spare tokens: one revoked through the API, one through the page
    page_token: int
    spare_session: int  # another browser session of A's, to revoke
    codes: tuple[str, str]  # invitation codes of two unlinked clients
    # branch content: this world's content items, by what the matrix does with them
    content: dict[str, str]
    # admin branch: a safety flag raised for A (booked with the world's therapist: theirs),
    # the therapist's NY licence, and a reviewer account for the role change
    flag: int = 0
    licence: int = 0
    reviewer_user: int = 0
    # program (branch program): A (broke trust) and P (hurt) in a program space, the gate open
    program: ProgramIds = field(default_factory=ProgramIds)


def _now() -> datetime:
    return datetime.now(UTC)


def _email(label: str) -> str:
    return f"authz-{label}-{uuid.uuid4().hex[:10]}@example.org"


def _staff(database: Database, role: str, therapist_id: int) -> str:
    """A staff account with a password, as an accepted invitation makes it."""
    email = _email(role)
    with database.session(write=True) as session:
        session.add(
            User(
                email=email,
                email_key=users.email_key(email),
                password_hash=PASSWORDS.hash(PASSWORD),
                role=role,
                therapist_id=therapist_id if role == "therapist" else None,
                email_verified_at=_now(),
                created_at=_now(),
            )
        )
    return email


def _token(database: Database, email: str) -> tuple[int, str]:
    with database.session(write=True) as session:
        user = users.find_user(session, email)
        assert user is not None
        token, secret = tokens.create_token(session, user, list(SCOPES), 30, _now())
        return token.id, secret


def _spare_session(database: Database, email: str) -> int:
    with database.session(write=True) as session:
        user = users.find_user(session, email)
        assert user is not None
        return sessions.start_session(session, user, "another device", _now())[0].id


def _bearer(database: Database, email: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {_token(database, email)[1]}"}


def _spaced_starts(api: TestClient, therapist_id: int) -> list[str]:
    listed = api.get(
        f"/api/v1/therapists/{therapist_id}/slots",
        params={"session_type": "intake", "days": 4, "tz": "UTC"},
    ).json()["slots"]
    chosen: list[str] = []
    for slot in listed:
        start = datetime.fromisoformat(slot["start"])
        if not chosen or start - datetime.fromisoformat(chosen[-1]) >= timedelta(hours=2):
            chosen.append(slot["start"])
    assert len(chosen) >= 12, chosen
    return chosen


def _book(api: TestClient, who: dict[str, str], body: dict[str, object], confirm: bool) -> int:
    held = api.post("/api/v1/holds", json=body, headers=who)
    assert held.status_code == 201, held.text
    hold_id = int(held.json()["hold_id"])
    if confirm:
        booked = api.post("/api/v1/appointments", json={"hold_id": hold_id}, headers=who)
        assert booked.status_code == 201, booked.text
    return hold_id


def _flag(database: Database, email: str) -> int:
    """A self-harm flag for the client with this address (admin branch: the flag queues)."""
    with database.session(write=True) as session:
        client_id = session.scalars(select(Client.id).where(Client.email == email)).one()
        flag = raise_safety_flag(
            session,
            client_id,
            "self_harm_risk",
            source="screening:phq9_9",
            actor=SYSTEM,
            now=_now(),
        )
        return flag.id


def _code(api: TestClient) -> str:
    response = api.post("/api/v1/clients/me/invitations", headers=verified_client(api))
    assert response.status_code == 201, response.text
    return str(response.json()["code"])


def _caller_email(api: TestClient, database: Database, caller: str, world: World) -> str:
    """The address of the account the caller acts as, made now unless it is A's or P's."""
    known = {"owner": world.owner_email, "partner": world.partner_email}
    if caller in known:
        return known[caller]
    if caller in STAFF_ROLES:
        return _staff(database, caller, world.therapist_id)
    return make_user(api, email=_email(caller), verified=caller != "unverified")


def build_world(api: TestClient, database: Database) -> World:
    """A fresh world, with no caller in it yet."""
    with database.session(write=True) as session:
        therapist_id = make_therapist(
            session, hours=ALL_WEEK, minimum_notice_hours=2, licensed=("NY",)
        ).id
    starts = _spaced_starts(api, therapist_id)
    owner, partner = make_user(api, email=_email("owner")), make_user(api, email=_email("partner"))
    a, p = _bearer(database, owner), _bearer(database, partner)
    link_partners(api, a, p)

    def slot(index: int, session_type: str) -> dict[str, object]:
        return {"therapist_id": therapist_id, "session_type": session_type, "start": starts[index]}

    appointment = _book(api, a, slot(0, "intake"), confirm=True)
    follow_up = _book(api, a, slot(1, "individual"), confirm=True)
    joint = _book(api, a, slot(2, "couples_intake"), confirm=True)
    joint_follow_up = _book(api, a, slot(3, "couples"), confirm=True)
    hold = _book(api, a, slot(4, "individual"), confirm=False)
    flag = _flag(database, owner)
    reviewer_email = _staff(database, "reviewer", therapist_id)
    with database.session() as session:
        licence = session.scalars(
            select(Licence.id).where(Licence.therapist_id == therapist_id, Licence.state == "NY")
        ).one()
        reviewer_user = session.scalars(select(User.id).where(User.email == reviewer_email)).one()
    program = _program(api, a, p)
    return World(
        therapist_id=therapist_id,
        starts=starts,
        owner_email=owner,
        partner_email=partner,
        appointment=appointment,
        follow_up=follow_up,
        joint=joint,
        joint_follow_up=joint_follow_up,
        hold=hold,
        api_token=_token(database, owner)[0],
        page_token=_token(database, owner)[0],
        spare_session=_spare_session(database, owner),
        codes=(_code(api), _code(api)),
        flag=flag,
        licence=licence,
        reviewer_user=reviewer_user,
        content=_content(database),
        program=program,
    )


def enter(api: TestClient, database: Database, world: World, as_who: str) -> Identity:
    """The caller in `world`; `as_who` names whose credentials they hold (owner, partner,
    other_client, unverified, a staff role, or anonymous). The browser is signed in."""
    browser = TestClient(api.app, raise_server_exceptions=False, follow_redirects=False)
    if as_who == "anonymous":
        return Identity(None, {}, browser)
    email = _caller_email(api, database, as_who, world)
    sign_in(browser, email)
    return Identity(email, _bearer(database, email), browser)


# --- branch content -------------------------------------------------------------------------
def _content(database: Database) -> dict[str, str]:
    """Items of this world's own, written by Confide (so any reviewer may approve them), each
    in the state its route needs: published; to edit; a draft to submit (API and page); in
    review to return and to approve; approved to publish."""
    reviewer = _staff(database, "reviewer", 0)
    now = _now()
    suffix = uuid.uuid4().hex[:8]
    moves = {
        "published": ("submit", "approve", "publish"),
        "edit": (),
        "submit": (),
        "page_submit": (),
        "return": ("submit",),
        "approve": ("submit",),
        "publish": ("submit", "approve"),
    }
    slugs = {}
    with database.session(write=True) as session:
        found = users.find_user(session, reviewer)
        assert found is not None
        by = Actor(user_id=found.id, role="reviewer")
        text = ContentDraft(title="Trust", summary="In short.", markdown="Trust *grows*.")
        for purpose, actions in moves.items():
            slug = f"authz-{purpose.replace('_', '-')}-{suffix}"
            service.create_item(session, slug, "article", text, SYSTEM, now)
            for action in actions:
                who = SYSTEM if action == "submit" else by
                service.move(session, slug, 1, action, who, now, reviewer_name="Rae Lin")
            slugs[purpose] = slug
    return slugs


# --- program (branch program) ---
def _program(api: TestClient, a: dict[str, str], p: dict[str, str]) -> ProgramIds:
    """A starts the program as the partner who broke trust, P joins as the one who was hurt
    (both answered the private questions when linked); A writes a private item, offers an
    apology and makes a promise; P proposes a needs agreement and speaks a turn."""

    def made(path: str, body: dict[str, object], who: dict[str, str], status: int = 201) -> int:
        response = api.post(f"/api/v1/program/{path}", json=body, headers=who)
        assert response.status_code == status, response.text
        return int(response.json().get("id") or 0)

    made("space", {"role": "broke_trust"}, a)
    made("space/join", {"role": "hurt"}, p, 200)
    item = made("items", {"step": 1, "kind": "acknowledgement", "text": "Mine alone."}, a)
    apology = made("apologies", {"parts": PROGRAM_PARTS}, a)
    made(f"apologies/{apology}/status", {"status": "offered"}, a, 200)
    due = (_now() + timedelta(days=2)).isoformat()
    commitment = made("commitments", {"promise": "Dinner on Friday", "due_at": due}, a)
    agreement = made("agreements", {"need": "A call at night", "review_on": "2099-12-31"}, p)
    turn = made("turns", {"kind": "speak", "text": "I felt alone."}, p)
    return ProgramIds(item, apology, commitment, agreement, turn)
