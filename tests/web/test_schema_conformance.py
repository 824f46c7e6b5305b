"""The OpenAPI schema tells the truth: schemathesis, with all its checks, against the ASGI app.

Every operation in the schema is exercised in all of schemathesis's phases (explicit examples,
coverage, fuzzing, stateful sequences) with a bounded number of examples each, from a fixed
seed, on a database holding a small network, as a signed-in client. Any check that fails on
any answer (a server error, an undocumented status or content type, a body unlike its schema,
a schema-invalid request accepted, a schema-valid one refused as bad input, ...) fails the test
with the request that showed it. Nothing is excluded: the bulk files under /fhir are small on
this network. tests/web/schema_rules.py keeps schema-valid cases inside the rules a schema
cannot state (rules across fields, or about what the database holds).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from schemathesis import BaseSchema, Case
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema
from schemathesis.hooks import HookContext
from schemathesis.python import asgi

from confide.db import Database
from confide.main import create_app
from tests.conftest import settings_for
from tests.matching.conftest import SmallNetwork, small_network  # noqa: F401
from tests.scheduling.factories import make_client
from tests.web.schema_rules import Network, steer

# Per operation, in the fuzzing and stateful phases. The coverage phase sends its own boundary
# and negative values (about 3,400 requests, most of the time: ~80-110 s on a busy 2-core machine).
EXAMPLES_PER_OPERATION = 5
SEED = 20261129
# Checks that only run when a case calls for them (stateful sequences, auth) are not listed.
MUST_RUN = {
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
}


@pytest.fixture
def app(database: Database) -> FastAPI:
    """The app, started by schemathesis with its first request and stopped by app_lifespans
    (a started TestClient would run a second lifespan of the same app beside it)."""
    return create_app(settings_for(str(database.engine.url)), database=database)


@pytest.fixture
def signed_in(app: FastAPI) -> dict[str, str]:
    """How schemathesis's requests are authenticated: the one place to change when clients
    sign in differently. The client is in New York (see Network.client_state)."""
    # make_client only reads the app's database: the TestClient is never started
    return make_client(TestClient(app), state="NY")


@pytest.fixture
def network(
    small_network: SmallNetwork,  # noqa: F811
    database: Database,
    app: FastAPI,
) -> Network:
    secret_key = app.state.settings.secret_key
    return Network.read(database, client_state="NY", secret_key=secret_key)


@pytest.fixture
def app_lifespans() -> Iterator[None]:
    yield
    # schemathesis keeps the app started for the process; stop it with this test's database
    asgi.shutdown_lifespans()


# Two parts, so xdist runs them on both workers: the matching and directory operations, which
# get most of the coverage phase's cases (their many codes), and every other operation.
# Together they are every operation in every phase; the stateful sequences, which link
# operations of both parts, run over the whole schema in the second.
INDEXED = r"^/api/v1/(matches|therapists)"
Select = Callable[[BaseSchema], BaseSchema]
PARTS: dict[str, list[tuple[Select, list[str]]]] = {
    "matching-and-directory": [
        (lambda schema: schema.include(path_regex=INDEXED), ["examples", "coverage", "fuzzing"]),
    ],
    "every-other-operation": [
        (lambda schema: schema.exclude(path_regex=INDEXED), ["examples", "coverage", "fuzzing"]),
        (lambda schema: schema, ["stateful"]),
    ],
}


def _failures(
    app: FastAPI,
    headers: dict[str, str],
    network: Network,
    select: Select,
    phases: list[str],
    ran: set[str],
) -> list[str]:
    config = SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "headers": headers,
            "workers": 1,
            "generation": {
                "max-examples": EXAMPLES_PER_OPERATION,
                "deterministic": True,
                "database": "none",
            },
            "phases": {
                phase: {"enabled": phase in phases}
                for phase in ("examples", "coverage", "fuzzing", "stateful")
            },
        }
    )
    schema = select(schemathesis.openapi.from_asgi("/openapi.json", app, config=config))

    @schema.hook
    def map_case(context: HookContext, case: Case) -> Case:
        return steer(case, network)

    found: list[str] = []
    for event in from_schema(schema).execute():
        if isinstance(event, events.NonFatalError | events.FatalError):
            found.append(f"schemathesis could not run: {event}")
        if not isinstance(event, events.ScenarioFinished):
            continue
        for case_id, checks in event.recorder.checks.items():
            for check in checks:
                ran.add(check.name)
                if check.failure_info is None:
                    continue
                failure = check.failure_info.failure
                interaction = event.recorder.interactions.get(case_id)
                answer = ""
                if interaction is not None and interaction.response is not None:
                    content = (interaction.response.content or b"")[:300]
                    answer = f" -> {interaction.response.status_code} {content!r}"
                found.append(
                    f"{event.label}: {check.name}: {failure.title}\n"
                    f"  {check.failure_info.code_sample}{answer}\n  {failure.message[:300]}"
                )
    return found


@pytest.mark.slow
@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
@pytest.mark.parametrize("part", PARTS)
@pytest.mark.usefixtures("quick_passwords")
def test_every_answer_is_what_the_schema_says(
    part: str,
    app: FastAPI,
    signed_in: dict[str, str],
    network: Network,
    app_lifespans: None,
) -> None:
    found: list[str] = []
    ran: set[str] = set()
    for select, phases in PARTS[part]:
        found += _failures(app, signed_in, network, select, phases, ran)
    missing = MUST_RUN - ran
    assert not missing, f"these checks never ran: {sorted(missing)}"
    failures = sorted(set(found))
    assert failures == [], f"{len(failures)} failures:\n" + "\n".join(failures)
