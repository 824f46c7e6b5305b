"""Fixtures: migrated databases on SQLite and PostgreSQL, the ASGI app, a seeded network."""

from __future__ import annotations

import os

# One thread per test process for PyTorch's and NumPy's arithmetic, set before either loads:
# xdist already runs one process per core, and more threads on a shared 2-core machine spin
# against each other (encoding 80 short phrases took 73 s with 2 threads under load, 3 s with 1).
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import atexit
import email
import itertools
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import psycopg
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import delete, text, update
from sqlalchemy.exc import OperationalError

from confide import migrate
from confide.accounts import users
from confide.accounts.passwords import PASSWORDS, Passwords
from confide.accounts.schemas import ClientCreate, Registration
from confide.accounts.service import create_client
from confide.config import Settings
from confide.crypto import Keyring, install_keyring
from confide.db import Database, create_db_engine
from confide.main import create_app
from confide.models import Plan
from confide.network.generator import SyntheticNetwork, generate_network
from confide.network.seeding import write_network
from confide.vocab import get_vocabulary
from confide.vocab.catalogue import stamp_plans
from confide.vocab.registry import file_vocabulary, install_vocabulary
from confide.vocab.service import sync_reference_data

POSTGRES_URL = os.environ.get(
    "CONFIDE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
REFERENCE_TABLES = {"payers", "plans", "reference_versions", "alembic_version"}
SEED_DAY = date(2026, 11, 25)

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
# Field encryption keys for tests: fixed, so failures reproduce; never the development key.
TEST_ENCRYPTION_KEYS = "test-1:dGVzdCBrZXkgb25lIGZvciBjb25maWRlIGZpZWxkcyE="


TEST_KEYRING = Keyring.parse(TEST_ENCRYPTION_KEYS)
install_keyring(TEST_KEYRING)  # for session fixtures too


@pytest.fixture(autouse=True)
def file_plans() -> None:
    """Each test starts with the data files' plans in force, whatever plans an earlier test's
    database held (the app's first request then reads its own database's)."""
    install_vocabulary(None)


@pytest.fixture(autouse=True)
def field_keyring() -> Keyring:
    """The process's keyring, as create_app and the CLI install it from settings; each test
    starts with it, whatever an earlier test installed."""
    install_keyring(TEST_KEYRING)
    return TEST_KEYRING


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow tests first, the others in their order: xdist hands tests out in this order
    (the same on every worker), so a long test is not the last one left on one worker while
    the other has finished. xdist puts the groups (xdist_group) before single tests."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


class XdistGroups:
    """On an xdist worker under --dist loadgroup: the group's name after each node id, as xdist
    3.8 means to put it. xdist writes the id pytest kept before 9.2, and 9.2 keeps another, so
    the groups were silently ignored: the seeded network built on both workers, the fault
    scenarios run on both at once (pytest-dev/pytest-xdist#1386). Does nothing where xdist's
    own suffix took."""

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(
        self, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        if not getattr(config.option, "loadgroup", False):
            return
        for item in items:
            names = sorted(
                {
                    str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                    for mark in item.iter_markers("xdist_group")
                }
            )
            if names and "@" not in item.nodeid.rpartition("]")[2]:
                # only pytest 9.2 and later get here (before, xdist's suffix took)
                from _pytest.nodeid import NodeId

                item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(names)}")


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(XdistGroups(), "confide-xdist-groups")


def _postgres_reachable() -> str | None:
    try:
        with psycopg.connect(_libpq(POSTGRES_URL), connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as error:
        return str(error).strip() or type(error).__name__
    return None


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _with_database(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


@pytest.fixture(scope="session")
def postgres_server() -> str:
    problem = _postgres_reachable()
    if problem is not None:
        message = f"PostgreSQL at {POSTGRES_URL} is not reachable ({problem})"
        if IN_CI:
            pytest.fail(message + "; under CI=true the PostgreSQL tests are required")
        pytest.skip(message + "; PostgreSQL tests skipped")
    return POSTGRES_URL


class PostgresDatabases:
    """Creates throwaway databases on the test server and drops them at the end."""

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self.created: list[str] = []

    def create(self, label: str) -> str:
        name = f"confide_{label}_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(_libpq(self.server_url), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
            # A commit need not wait for its WAL to reach the disk (about 4 ms a commit here):
            # what others see and when is unchanged; only a crash of the server could lose the
            # last commits, and these databases are thrown away.
            conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
        self.created.append(name)
        return _with_database(self.server_url, name)

    def drop_all(self) -> None:
        with psycopg.connect(_libpq(self.server_url), autocommit=True) as conn:
            for name in self.created:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_databases(postgres_server: str) -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases(postgres_server)
    yield databases
    databases.drop_all()


def migrated(url: str) -> Database:
    database = Database(create_db_engine(url, pool_size=30))
    migrate.upgrade(database.engine)
    with database.session(write=True) as session:
        sync_reference_data(session, get_vocabulary())
    return database


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "confide.db"
    migrated(f"sqlite:///{path}").dispose()
    return path


@pytest.fixture(scope="session")
def postgres_shared(postgres_databases: PostgresDatabases) -> Iterator[Database]:
    database = migrated(postgres_databases.create("tests"))
    yield database
    database.dispose()


def truncate(database: Database) -> None:
    """Empty every table but the reference data, whose plans go back to the data files'. A
    test's app may leave a thread still reading (a start-up build that outlived the app); when
    one holds a table, it is cut off first."""
    for attempt in range(3):
        try:
            _truncate_once(database)
            _file_plans_only(database)
            return
        except OperationalError:
            if attempt == 2:
                raise
            with database.engine.begin() as conn:
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                )


def _truncate_once(database: Database) -> None:
    with database.engine.begin() as conn:
        # a reader in the way is waited for briefly, not deadlocked with
        conn.execute(text("SET LOCAL lock_timeout = '2s'"))
        tables = [
            row[0]
            for row in conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            )
            if row[0] not in REFERENCE_TABLES
        ]
        if not tables:
            return
        # Only the tables holding rows are truncated: TRUNCATE gives each table and index new
        # files, about 0.3 s for all of them, twice a test. The sequences of the tables left
        # empty start again too when something used them (rows added, then removed).
        filled = [
            row[0]
            for row in conn.execute(
                text(
                    " UNION ALL ".join(
                        f"SELECT '{table}' WHERE EXISTS (SELECT FROM \"{table}\")"
                        for table in tables
                    )
                )
            )
        ]
        if filled:
            # replica mode skips triggers, so the audit trail's refusal of TRUNCATE too
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            for table in filled:
                conn.execute(text(f'DELETE FROM "{table}"'))
        for (sequence,) in conn.execute(_USED_SEQUENCES, {"tables": tables}).all():
            conn.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))


def _file_plans_only(database: Database) -> None:
    """Plans added or retired by a test's admin are undone (their panels are gone already)."""
    codes = list(file_vocabulary().plans)
    with database.session(write=True) as session:
        added = session.execute(delete(Plan).where(Plan.code.not_in(codes))).rowcount
        retired = session.execute(
            update(Plan).where(Plan.retired_at.is_not(None)).values(retired_at=None)
        ).rowcount
        if added or retired:
            stamp_plans(session, datetime.now(UTC))


# The sequences of these tables (serial or identity columns) that have given out a value.
_USED_SEQUENCES = text(
    """
    SELECT s.sequencename
    FROM pg_sequences s
    JOIN pg_class sc ON sc.relname = s.sequencename AND sc.relkind = 'S'
    JOIN pg_namespace n ON n.oid = sc.relnamespace AND n.nspname = s.schemaname
    JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = sc.oid
        AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
    JOIN pg_class t ON t.oid = d.refobjid
    WHERE s.schemaname = 'public' AND s.last_value IS NOT NULL AND t.relname = ANY(:tables)
    """
)


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database (reference data loaded), fresh for each test."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "confide.db"
        shutil.copy(template, path)
        database = Database(create_db_engine(f"sqlite:///{path}"))
        yield database
        database.dispose()
    else:
        database = request.getfixturevalue("postgres_shared")
        truncate(database)
        yield database
        truncate(database)


def _quick_hasher(monkeypatch: pytest.MonkeyPatch) -> None:
    quick = Passwords(PasswordHasher(memory_cost=8, time_cost=1, parallelism=1))
    monkeypatch.setattr(PASSWORDS, "hasher", quick.hasher)
    monkeypatch.setattr(PASSWORDS, "_dummy", quick._dummy)


@pytest.fixture(autouse=True)
def password_cost(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id at its smallest cost in this process, as Django's test settings use a fast
    hasher: at OWASP's cost (19 MiB, t=2) each hash or sign-in takes 50-100 ms here, and the
    suite makes and signs in thousands of accounts to check other things. The tests marked
    `real_password_cost` (tests/accounts/test_tokens.py) run at the real cost and check it.
    Servers started as processes (browser and fault tests) always use the real cost."""
    if request.node.get_closest_marker("real_password_cost") is None:
        _quick_hasher(monkeypatch)


@pytest.fixture
def quick_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kept for the tests that name it; every test now starts with the quick hasher (see
    password_cost) unless marked `real_password_cost`."""
    _quick_hasher(monkeypatch)


# Mail the apps of a test process write as files: in a folder of the process's own, removed when
# it ends, not in var/outbox of the checkout (thousands of .eml files after a few runs).
TEST_OUTBOX = Path(tempfile.mkdtemp(prefix="confide-test-outbox-"))
atexit.register(shutil.rmtree, TEST_OUTBOX, ignore_errors=True)


def settings_for(url: str) -> Settings:
    # most tests send many requests from one address; tests/web/test_rate_limits.py has them on
    return Settings(
        outbox_dir=TEST_OUTBOX,
        environment="test",
        database_url=url,
        secret_key="t" * 40,
        encryption_keys=TEST_ENCRYPTION_KEYS,
        rate_limits_enabled=False,
        # the sentence model and the learned danger reader load on the first text a test sends
        warm_up_text=False,
    )


@pytest.fixture
def client(database: Database) -> Iterator[TestClient]:
    app = create_app(settings_for(str(database.engine.url)), database=database)
    with TestClient(app) as test_client:
        yield test_client


_people = itertools.count(1)


def verified_client(
    api: TestClient,
    *,
    name: str = "Sam",
    state: str = "NY",
    zone: str = "America/New_York",
    email: str | None = None,
) -> dict[str, str]:
    """A client with a verified account and an API token (made through the accounts service,
    in the app's database); returns the Authorization header."""
    database: Database = api.app.state.database  # type: ignore[attr-defined]
    email = email or f"client-{next(_people)}-{uuid.uuid4().hex[:6]}@example.org"
    with database.session(write=True) as session:
        _, token = create_client(
            session, ClientCreate(name=name, email=email, state=state, timezone=zone)
        )
    return {"Authorization": f"Bearer {token}"}


PASSWORD = "correct horse battery staple"
_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def form_csrf(api: TestClient, path: str) -> str:
    """The CSRF token of the form on the page at `path` (the browser keeps its cookie)."""
    page = api.get(path)
    assert page.status_code == 200, page.text
    found = _CSRF_FIELD.search(page.text)
    assert found is not None, f"no CSRF field on {path}"
    return found.group(1)


def make_user(
    api: TestClient,
    *,
    email: str | None = None,
    password: str = PASSWORD,
    name: str = "Sam Rivera",
    state: str = "NY",
    zone: str = "America/New_York",
    verified: bool = True,
) -> str:
    """A client account with a password (verified unless asked), made by the accounts service;
    returns its address."""
    database: Database = api.app.state.database  # type: ignore[attr-defined]
    email = email or f"person-{next(_people)}-{uuid.uuid4().hex[:6]}@example.org"
    payload = Registration(email=email, password=password, name=name, state=state, timezone=zone)
    now = datetime.now(UTC)
    with database.session(write=True) as session:
        users.register(session, payload, "http://testserver", now)
        if verified:
            user = users.find_user(session, email)
            assert user is not None
            user.email_verified_at = now
    return email


def sign_in(api: TestClient, email: str, password: str = PASSWORD) -> None:
    """Sign `api` in through the real /signin form; its cookie jar keeps the session."""
    token = form_csrf(api, "/signin")
    response = api.post(
        "/signin",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def signed_in_client(api: TestClient, **person: Any) -> str:
    """A verified client with a password, signed in on `api`; returns the address."""
    email = make_user(api, **person)
    sign_in(api, email)
    return email


@pytest.fixture
def client_headers(client: TestClient) -> dict[str, str]:
    """The Authorization header of a verified client of the `client` app."""
    return verified_client(client)


@dataclass
class Inbox:
    port: int
    envelopes: list[Envelope] = field(default_factory=list)
    logins: list[tuple[bytes, bytes]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def message(self, index: int = -1) -> EmailMessage:
        content = self.envelopes[index].content
        assert isinstance(content, bytes)
        parsed = email.message_from_bytes(content, policy=default_policy)
        assert isinstance(parsed, EmailMessage)
        return parsed


@pytest.fixture
def smtp_server() -> Iterator[Inbox]:
    """A real SMTP server (aiosmtpd) on a free local port, keeping what it is sent."""
    from tests.serving import free_port  # tests.serving imports this module

    inbox = Inbox(free_port())
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    yield inbox
    controller.stop()


SEEDED_SIZE = 10_000


@pytest.fixture(scope="session")
def demo_network() -> SyntheticNetwork:
    return generate_network(SEEDED_SIZE, 42, get_vocabulary(), SEED_DAY)


class SeededNetworks:
    """The demo network, in one database per backend and with one app on each, built when
    first asked for and kept to the end of the session. A parametrized session fixture alone is
    built again each time the tests switch backend and back (the slow ones run first), and a
    build of 10,000 therapists takes seconds."""

    def __init__(self, network: SyntheticNetwork, folder: Path) -> None:
        self.network = network
        self.folder = folder
        self.databases: dict[str, Database] = {}
        self.clients: dict[str, TestClient] = {}
        self.postgres: PostgresDatabases | None = None

    def database(self, backend: str, postgres_server: str | None = None) -> Database:
        if backend not in self.databases:
            if postgres_server is None:
                url = f"sqlite:///{self.folder / 'confide.db'}"
            else:
                self.postgres = self.postgres or PostgresDatabases(postgres_server)
                url = self.postgres.create("seeded")
            database = migrated(url)
            with database.session(write=True) as session:
                write_network(session, self.network)
            self.databases[backend] = database
        return self.databases[backend]

    def client(self, backend: str) -> TestClient:
        if backend not in self.clients:
            database = self.databases[backend]
            app = create_app(settings_for(str(database.engine.url)), database=database)
            self.clients[backend] = TestClient(app).__enter__()
        return self.clients[backend]

    def close(self) -> None:
        for test_client in self.clients.values():
            test_client.__exit__(None, None, None)
        for database in self.databases.values():
            database.dispose()
        if self.postgres is not None:
            self.postgres.drop_all()


@pytest.fixture(scope="session")
def seeded_networks(
    demo_network: SyntheticNetwork, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SeededNetworks]:
    networks = SeededNetworks(demo_network, tmp_path_factory.mktemp("seeded"))
    yield networks
    networks.close()


@pytest.fixture(scope="session", params=BACKENDS)
def seeded_database(request: pytest.FixtureRequest, seeded_networks: SeededNetworks) -> Database:
    """A database holding the 10,000-therapist demo network; tests must not write to it."""
    if request.param == "sqlite":
        return seeded_networks.database("sqlite")
    return seeded_networks.database("postgresql", request.getfixturevalue("postgres_server"))


@pytest.fixture(scope="session")
def seeded_client(seeded_database: Database, seeded_networks: SeededNetworks) -> TestClient:
    """The app on the seeded database."""
    return seeded_networks.client(seeded_database.engine.dialect.name)
