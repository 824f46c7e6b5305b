"""The service skeleton: health, vocabulary, home page, settings."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from confide.config import PLACEHOLDER_SECRET, Settings
from confide.vocab import get_vocabulary
from tests.conftest import TEST_ENCRYPTION_KEYS


def test_healthz_counts_therapists(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "therapists": 0}


def test_vocab_serves_every_code_list(client: TestClient) -> None:
    body = client.get("/api/v1/vocab").json()
    assert len(body["states"]) == 51
    assert len(body["payers"]) >= 12
    payer_codes = {p["code"] for p in body["payers"]}
    assert {"medicare", "medicaid", "tricare", "aetna", "cigna", "unitedhealthcare"} <= payer_codes
    medicaid = next(p for p in body["payers"] if p["code"] == "medicaid")
    assert {tuple(plan["states"]) for plan in medicaid["plans"]} == {
        (s,) for s in get_vocabulary().states
    }
    assert [c["code"] for c in body["concerns"]][:3] == [
        "trust_issues",
        "infidelity",
        "relationship_abuse",
    ]
    assert len(body["concerns"]) == 20
    assert all(c["label"] and c["description"] for c in body["concerns"])
    taxonomy = {t["code"]: t["taxonomy_code"] for t in body["licence_types"]}
    assert taxonomy == {
        "lmft": "106H00000X",
        "lcsw": "1041C0700X",
        "lpc": "101YP2500X",
        "lmhc": "101YM0800X",
        "psychologist": "103T00000X",
        "psychiatrist": "2084P0800X",
        "pmhnp": "363LP0808X",
    }
    cpt = {t["code"]: (t["cpt_code"], t["default_minutes"]) for t in body["session_types"]}
    assert cpt["intake"] == ("90791", 60)
    assert cpt["individual"] == ("90837", 53)
    assert cpt["couples"] == ("90847", 80)
    modalities = {m["code"] for m in body["modalities"]}
    assert {
        "eft",
        "gottman",
        "ibct",
        "cbt",
        "dbt",
        "act",
        "emdr",
        "cpt",
        "psychodynamic",
        "solution_focused",
        "narrative",
        "motivational_interviewing",
    } <= modalities
    assert all(len(lang["code"]) == 2 for lang in body["languages"])


def test_home_page_says_what_confide_is_and_shows_crisis_help(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = " ".join(response.text.split())
    assert "Confide" in html
    assert "licensed where you live" in html
    for crisis in ("988", "741741", "1-800-799-7233", "911", "not an emergency service"):
        assert crisis in html
    assert "Leave this site" in html


def test_openapi_docs(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {
        "/healthz",
        "/api/v1/vocab",
        "/api/v1/therapists",
        "/api/v1/therapists/{therapist_id}",
    } <= set(paths)


def test_placeholder_secret_refused_outside_development() -> None:
    Settings(environment="development", secret_key=PLACEHOLDER_SECRET)
    with pytest.raises(ValidationError, match="CONFIDE_SECRET_KEY"):
        Settings(environment="production", secret_key=PLACEHOLDER_SECRET)
    with pytest.raises(ValidationError, match="at least 32"):
        Settings(environment="production", secret_key="short")
    Settings(environment="production", secret_key="x" * 40, encryption_keys=TEST_ENCRYPTION_KEYS)


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFIDE_PORT", "9123")
    monkeypatch.setenv("CONFIDE_SEED_THERAPISTS", "500")
    settings = Settings()
    assert settings.port == 9123
    assert settings.seed_therapists == 500
    assert settings.database_url.startswith("sqlite:///")
    monkeypatch.setenv("CONFIDE_PORT", "not-a-port")
    with pytest.raises(ValidationError, match="port"):
        Settings()
