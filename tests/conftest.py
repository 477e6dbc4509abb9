"""Fixtures shared by the whole suite.

Every database test runs on SQLite and on PostgreSQL (a throw-away cluster started here).
Each test runs inside a transaction that is rolled back at the end; the app under test uses
the same connection, so API tests see and undo the same data.
Set HAVEN_TEST_DATABASES=sqlite (or postgresql) to run one engine only while developing.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from haven.config import Settings, get_settings
from haven.db.keyring import Keyring
from haven.web.app import create_app
from haven.wiring import wire
from tests.cli_databases import CliDatabase, Templates, open_cli_database
from tests.databases import Databases
from tests.postgres import create_database, throwaway_cluster

# Services publish in-transaction events: every domain's handlers must be loaded first.
wire()

# Defaults for the whole test session, in the environment so that `get_settings()`, `haven`
# commands and servers started as subprocesses all see them (a variable already set wins):
# Argon2id with small costs, because the production costs (64 MiB, t=3, p=4) make each user a
# test creates cost ~0.1 s (tests/security/test_passwords.py checks the production defaults);
# and `haven demo` loading a handful of people, not the full demo programme.
FAST_ARGON2 = {"argon2_memory_kib": 1024, "argon2_time_cost": 1, "argon2_parallelism": 1}
TEST_ENVIRONMENT = {
    **{f"HAVEN_{name.upper()}": str(value) for name, value in FAST_ARGON2.items()},
    "HAVEN_DEMO_PEOPLE": "12",
}
for _name, _value in TEST_ENVIRONMENT.items():
    os.environ.setdefault(_name, _value)
get_settings.cache_clear()

# `haven` commands and servers that tests start as subprocesses keep their compiled bytecode in
# a folder of this process's own, removed at its exit: where PYTHONDONTWRITEBYTECODE is set (as
# on the CI machines) each would otherwise compile Haven from source again, about 3 s of CPU a
# process. This process's own setting is unchanged (read at start-up); nothing is written
# beside the sources.
if os.environ.get("PYTHONDONTWRITEBYTECODE") and not os.environ.get("PYTHONPYCACHEPREFIX"):
    _BYTECODE = tempfile.mkdtemp(prefix="haven-test-bytecode-")
    atexit.register(shutil.rmtree, _BYTECODE, ignore_errors=True)
    os.environ["PYTHONPYCACHEPREFIX"] = _BYTECODE
    del os.environ["PYTHONDONTWRITEBYTECODE"]

SHARED_DATABASE = "haven_test"
BACKENDS = [
    b.strip()
    for b in os.environ.get("HAVEN_TEST_DATABASES", "sqlite,postgresql").split(",")
    if b.strip()
]
# The laptop's engine (the embedded database), for tests of what happens on a seized or wiped
# laptop whose other engine adds nothing to show; the other engine when only it is chosen.
LAPTOP = [b for b in BACKENDS if b == "sqlite"] or BACKENDS[:1]


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    given = os.environ.get("HAVEN_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    with throwaway_cluster() as url:
        yield url


@pytest.fixture(scope="session")
def fast_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Real Argon2id with small costs, so that hashing does not dominate the suite; a key
    folder of the session's own, never the developer's (it holds the witnessed audit head)."""
    return Settings(
        **FAST_ARGON2, database_url="sqlite://", key_dir=tmp_path_factory.mktemp("keys")
    )


@pytest.fixture(scope="session")
def databases(
    tmp_path_factory: pytest.TempPathFactory, keyring: Keyring
) -> Iterator[dict[str, Databases]]:
    """This worker's migrated databases, per engine, made on first use and kept to the end.

    Not a parametrised session fixture: under random order, pytest would tear such a fixture
    down and build it again each time two neighbouring tests use different engines.
    """
    made = {
        backend: Databases(
            backend=backend,
            folder=tmp_path_factory.mktemp(f"db-{backend}"),
            keyring=keyring,
        )
        for backend in BACKENDS
    }
    yield made
    for each in made.values():
        each.dispose()


def worker_databases(request: pytest.FixtureRequest, made: dict[str, Databases]) -> Databases:
    """The databases of this test's engine (starting PostgreSQL on first need)."""
    mine = made[request.param]
    if mine.backend == "postgresql" and mine.postgres_admin_url is None:
        mine.postgres_admin_url = str(request.getfixturevalue("postgres_admin_url"))
    return mine


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, databases: dict[str, Databases]) -> Iterator[Engine]:
    """The shared test database of one engine; each test's work in it is rolled back.

    A test that commits rows here and leaves them fails at its teardown, naming the tables,
    and the database is made again so that the tests after it start clean.
    """
    mine = worker_databases(request, databases)
    engine = mine.engine(SHARED_DATABASE)
    yield engine
    mine.fail_if_leaked(SHARED_DATABASE)


@pytest.fixture(params=BACKENDS)
def private_database_url(request: pytest.FixtureRequest, databases: dict[str, Databases]) -> str:
    """A migrated database of this test's own (keyed with the test keyring), for tests that
    commit, e.g. from several threads; made again from the template for the next such test."""
    mine = worker_databases(request, databases)
    return mine.renew("haven_private").url.render_as_string(hide_password=False)


def empty_database_url(request: pytest.FixtureRequest, folder: Path, name: str) -> str:
    """An empty (unmigrated) database on the engine the test is parametrised with."""
    if request.param == "sqlite":
        return f"sqlite+pysqlcipher:///{folder / (name + '.db')}"
    return create_database(request.getfixturevalue("postgres_admin_url"), name)


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        outer = conn.begin()
        try:
            yield conn
        finally:
            outer.rollback()


@pytest.fixture(scope="session")
def keyring() -> Keyring:
    """A fixed test keyring (synthetic: the root secret is 32 bytes of a test label)."""
    return Keyring(root=b"haven-test-root-secret-32-bytes!")


@pytest.fixture
def session_factory(connection: Connection, keyring: Keyring) -> sessionmaker[Session]:
    return sessionmaker(
        bind=connection,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
        info={"keyring": keyring},
    )


@pytest.fixture
def db(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    session = session_factory()
    try:
        yield session
    finally:
        session.close()


@pytest.fixture
def settings(fast_settings: Settings, engine: Engine) -> Settings:
    return fast_settings.model_copy(update={"database_url": engine.url.render_as_string(False)})


@pytest.fixture
def app(settings: Settings, engine: Engine, session_factory: sessionmaker[Session]) -> FastAPI:
    return create_app(
        settings, engine=engine, session_factory=session_factory, check_migrations=False
    )


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


# --- Databases for `haven` commands (tests/cli_databases.py) ---------------------------------
@pytest.fixture(scope="session")
def cli_templates_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    """This worker's migrated SQLCipher templates, each built on first use."""
    templates = Templates("sqlite", tmp_path_factory.mktemp("cli-templates"))
    yield templates
    templates.close()


@pytest.fixture(scope="session")
def cli_templates_postgresql(
    tmp_path_factory: pytest.TempPathFactory, postgres_admin_url: str
) -> Iterator[Templates]:
    """This worker's migrated PostgreSQL template databases, each built on first use."""
    templates = Templates(
        "postgresql", tmp_path_factory.mktemp("cli-templates"), postgres_admin_url
    )
    yield templates
    templates.close()


@pytest.fixture(params=BACKENDS)
def cli_database(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CliDatabase]:
    """HAVEN_* variables for a command-line test: a database as `haven db upgrade` leaves it
    (SQLCipher, or PostgreSQL) and its key file, copied from this worker's template."""
    with open_cli_database(request, tmp_path, monkeypatch, "migrated") as database:
        yield database


@pytest.fixture(params=BACKENDS)
def demo_cli_database(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CliDatabase]:
    """As `cli_database`, after `haven demo` too."""
    with open_cli_database(request, tmp_path, monkeypatch, "demo") as database:
        yield database


@pytest.fixture(params=BACKENDS)
def empty_cli_database(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CliDatabase]:
    """As `cli_database`, unmigrated: no SQLite file yet (an empty PostgreSQL database), and a
    new key file; for tests whose point is creating, migrating or refusing a database."""
    with open_cli_database(request, tmp_path, monkeypatch, "empty") as database:
        yield database


# --- Canaries: no personal value may reach the log output of the whole suite ---------------
CANARY_MARK = "HVNCANARY"
_LOG_FILE = Path(os.environ.get("HAVEN_TEST_LOG", "")) if os.environ.get("HAVEN_TEST_LOG") else None


def pytest_configure(config: pytest.Config) -> None:
    """Send every log record of the run (all loggers, DEBUG and up) to one file."""
    global _LOG_FILE  # noqa: PLW0603 - one file for the session, known to the finish hook
    if _LOG_FILE is None:
        _LOG_FILE = Path(tempfile.mkdtemp(prefix="haven-test-log-")) / "suite.log"
        config.stash[_LOG_OWNER_KEY] = True
        # pytest-xdist workers start after this and inherit the environment: they append to
        # the same file, which the controller's finish hook reads once they are all done.
        os.environ["HAVEN_TEST_LOG"] = str(_LOG_FILE)
    handler = logging.FileHandler(_LOG_FILE, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    config.stash[_LOG_KEY] = _LOG_FILE


_LOG_KEY = pytest.StashKey[Path]()
_LOG_OWNER_KEY = pytest.StashKey[bool]()  # this process made the file: it removes it


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    path = session.config.stash.get(_LOG_KEY, None)
    if path is None or not path.exists():
        return
    text = path.read_text(encoding="utf-8", errors="replace")
    if CANARY_MARK in text:
        line = next(x for x in text.splitlines() if CANARY_MARK in x)
        session.config.get_terminal_writer().line(
            f"A canary value reached the log output of the suite ({path}): {line[:200]}", red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        return  # the file stays, for whoever reads the failure
    if session.config.stash.get(_LOG_OWNER_KEY, False):
        shutil.rmtree(path.parent, ignore_errors=True)


# --- State that outlives a test -------------------------------------------------------------
@pytest.fixture(autouse=True)
def _no_leaked_process_state() -> Iterator[None]:
    """A test that changes the environment or the working folder without undoing it (use
    monkeypatch) fails, instead of changing the tests that happen to run after it."""
    environment, folder = dict(os.environ), os.getcwd()
    yield
    changed = sorted(
        key
        for key in environment.keys() | os.environ.keys()
        if environment.get(key) != os.environ.get(key) and key != "PYTEST_CURRENT_TEST"
    )
    os.environ.clear()
    os.environ.update(environment)
    os.chdir(folder)
    assert not changed, f"the test left environment variables changed: {changed}"
    assert os.getcwd() == folder


# --- Time of the browser tests within the run -----------------------------------------------
def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """How much of the run's test time went to the browser tests (they share the workers),
    and how to replay this run's random order."""
    browser = other = 0.0
    for reports in terminalreporter.stats.values():
        for report in reports:
            duration = getattr(report, "duration", None)
            nodeid = getattr(report, "nodeid", "")
            if duration is None or not nodeid:
                continue
            if nodeid.startswith("tests/browser/"):
                browser += duration
            else:
                other += duration
    terminalreporter.write_line(
        f"test time summed over workers: browser tests {browser:.0f} s, other tests {other:.0f} s"
    )
    seed = getattr(terminalreporter.config.option, "randomly_seed", None)
    if isinstance(seed, int) and terminalreporter.config.pluginmanager.has_plugin("randomly"):
        terminalreporter.write_line(
            f"random order seed {seed}: make test PYTEST_ARGS='-p randomly --randomly-seed={seed}'"
            " runs the same order again"
        )
