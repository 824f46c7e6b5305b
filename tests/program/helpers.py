"""Two linked partners in the program, through the JSON API (each with their own token)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.testclient import TestClient

from confide.screening.safety_questions import PARTNER_VIOLENCE_QUESTIONS
from tests.conftest import verified_client
from tests.scheduling.factories import link_partners

ALL_NO = {q.code: 0 for q in PARTNER_VIOLENCE_QUESTIONS}
CLOSED = "Joint steps are not available right now; individual support is."


@dataclass(frozen=True)
class Couple:
    """A (the one who broke trust) and P (the one who was hurt), linked."""

    a: dict[str, str]
    p: dict[str, str]


def couple(api: TestClient, *, joined: bool = True, answered: bool = True) -> Couple:
    a, p = verified_client(api, name="Alex"), verified_client(api, name="Pat")
    link_partners(api, a, p, answered=False)
    started = api.post("/api/v1/program/space", json={"role": "broke_trust"}, headers=a)
    assert started.status_code == 201, started.text
    if joined:
        response = api.post("/api/v1/program/space/join", json={"role": "hurt"}, headers=p)
        assert response.status_code == 200, response.text
    if answered:
        for who in (a, p):
            answer(api, who)
    return Couple(a, p)


def answer(api: TestClient, who: dict[str, str], **yes: int) -> None:
    response = api.post("/api/v1/program/safety", json={"answers": {**ALL_NO, **yes}}, headers=who)
    assert response.status_code == 200, response.text


def item(api: TestClient, who: dict[str, str], visibility: str = "private", step: int = 1) -> int:
    kind = "acknowledgement" if step == 1 else "shared_goal"
    response = api.post(
        "/api/v1/program/items",
        json={
            "step": step,
            "kind": kind,
            "text": "What happened hurt us.",
            "visibility": visibility,
        },
        headers=who,
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])
