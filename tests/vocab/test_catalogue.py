"""The plan catalogue: the database holds the plans; a process answers from its copy in memory,
read again only when the catalogue's stamp changes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError
from sqlalchemy import select

from confide.admin.payers import NewPlan, add_plan, retire_plan
from confide.audit import Actor
from confide.db import Database
from confide.models import Plan, ReferenceVersion
from confide.vocab import get_vocabulary
from confide.vocab.catalogue import plans_version, refresh_vocabulary
from confide.vocab.fields import PlanCode, check_plan_of_payer
from confide.vocab.registry import file_vocabulary
from confide.vocab.service import sync_reference_data

ADMIN = Actor(user_id=None, role="admin")
NOW = datetime(2026, 12, 5, 0, 5, tzinfo=UTC)
EPO = NewPlan("aetna", "aetna-open-epo", "Aetna Open EPO", "EPO", "NY NJ")


def _refused(code: str) -> dict[str, object]:
    with pytest.raises(ValidationError) as refused:
        TypeAdapter(PlanCode).validate_python(code)
    (problem,) = refused.value.errors()
    return dict(problem)


def test_loading_the_files_again_keeps_what_admins_did(database: Database) -> None:
    with database.session(write=True) as session:
        first = plans_version(session)
        assert first is not None  # the test databases are loaded like `confide db upgrade`
        add_plan(session, EPO, ADMIN, NOW)
        retire_plan(session, "aetna-hmo", ADMIN, NOW)
        added = plans_version(session)
        assert added != first
    with database.session(write=True) as session:
        assert sync_reference_data(session, file_vocabulary()) == 0
        assert plans_version(session) == added  # nothing changed: no reload anywhere
        assert session.get_one(Plan, "aetna-open-epo").retired_at is None
        assert session.get_one(Plan, "aetna-hmo").retired_at == NOW
        # a plan of the files changed by hand is put back, and the stamp moves
        session.get_one(Plan, "aetna-ppo").name = "Old name"
        session.flush()
        assert sync_reference_data(session, file_vocabulary()) == 1
        assert plans_version(session) not in (added, None)


def test_the_vocabulary_follows_the_database(database: Database) -> None:
    assert "aetna-open-epo" not in get_vocabulary().plans
    with database.session(write=True) as session:
        add_plan(session, EPO, ADMIN, NOW)
    # validating reads no database: the copy in memory is behind until it is refreshed
    assert _refused("aetna-open-epo")["type"] == "unknown_code"
    with database.session() as session:
        vocabulary = refresh_vocabulary(session)
    assert get_vocabulary() is vocabulary
    plan = vocabulary.offered_plans["aetna-open-epo"]
    assert (plan.name, plan.product, plan.states) == ("Aetna Open EPO", "EPO", {"NJ", "NY"})
    assert plan in vocabulary.payers["aetna"].plans_in("NY")
    assert plan not in vocabulary.payers["aetna"].plans_in("CA")
    assert TypeAdapter(PlanCode).validate_python("aetna-open-epo") == "aetna-open-epo"
    # unchanged stamp: the same vocabulary, nothing read again
    with database.session() as session:
        assert refresh_vocabulary(session) is vocabulary

    with database.session(write=True) as session:
        retire_plan(session, "aetna-open-epo", ADMIN, NOW)
    with database.session() as session:
        vocabulary = refresh_vocabulary(session)
    retired = vocabulary.plans["aetna-open-epo"]  # still known: rows name it
    assert retired.retired_at == NOW
    assert not retired.offered
    assert "aetna-open-epo" not in vocabulary.offered_plans
    assert retired not in vocabulary.payers["aetna"].plans_in("NY")
    problem = _refused("aetna-open-epo")
    assert problem["type"] == "retired_code"
    assert "retired plan" in str(problem["msg"])
    context = problem["ctx"]
    assert isinstance(context, dict)
    assert "aetna-ppo" in context["allowed"]
    assert "aetna-open-epo" not in context["allowed"]
    # a rule across fields lists only the plans offered now
    with pytest.raises(PydanticCustomError) as wrong_payer:
        check_plan_of_payer("aetna", "cigna-ppo", "payment.plan")
    allowed = (wrong_payer.value.context or {})["allowed"]
    assert "aetna-ppo" in allowed
    assert "aetna-open-epo" not in allowed


def test_a_database_never_loaded_answers_with_the_files(database: Database) -> None:
    with database.session(write=True) as session:
        add_plan(session, EPO, ADMIN, NOW)
        session.delete(session.get_one(ReferenceVersion, "plans"))
    with database.session() as session:
        vocabulary = refresh_vocabulary(session)
        assert vocabulary is file_vocabulary()
        assert len(session.scalars(select(Plan.code)).all()) == len(vocabulary.plans) + 1
