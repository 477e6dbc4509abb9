"""schemathesis against Haven's own OpenAPI schema, in process (ASGI), on SQLite.

Every API operation gets HAVEN_FUZZ_EXAMPLES generated requests (10 in `make test`, 1,000
with `make fuzz`), authenticated as a role that may use it, and must never answer 5xx. The
`ignored_auth` check also sends each request without credentials and with a broken token
and fails if the operation answers anything but 401. (SQLite only: the API layer under test
is the same on both engines, and the engines themselves are covered by the rest of the suite.)
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import ignored_auth
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from haven.config import Settings
from haven.forces.service import ensure_reference_data
from haven.security.permissions import Role
from haven.web.app import create_app
from tests import factories as f
from tests.databases import Databases

EXAMPLES = int(os.environ.get("HAVEN_FUZZ_EXAMPLES", "10"))

# Which role exercises which part of the API (the one that holds the operations' permission).
ROLE_BY_PREFIX: list[tuple[str, Role]] = [
    ("/api/people", Role.REGISTRAR),
    ("/api/receptions", Role.REGISTRAR),
    ("/api/audit", Role.AUDITOR),
    ("/api/pow", Role.POW_OFFICER),
    ("/api/cases", Role.CASE_WORKER),
    ("/api/tasks", Role.CASE_WORKER),
    ("/api/referrals", Role.CASE_WORKER),
    ("/api/caseload", Role.MANAGER),
    ("/api/vetting", Role.VETTING_OFFICER),
    ("/api/agreements", Role.NEGOTIATOR),
    ("/api/crossing", Role.NEGOTIATOR),
    ("/api/allowances", Role.FINANCE_OFFICER),
    ("/api/matching", Role.CASE_WORKER),
    ("/api/programme", Role.ADMINISTRATOR),
    ("/api/disclosures", Role.MANAGER),
    ("/api/contacts", Role.NEGOTIATOR),
    ("/api/complaints", Role.CASE_WORKER),
    ("/api/protection", Role.CASE_WORKER),
    ("/api/families", Role.CASE_WORKER),
    ("/api/cards", Role.CASE_WORKER),
    ("/api/weapons", Role.REGISTRAR),
    ("/api/reports", Role.MANAGER),
]


FUZZ_DATABASE = "haven_fuzz"


def _tokens(db: Session, settings: Settings) -> dict[Role, str]:
    """An organisation with a user and an API token per role."""
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    ensure_reference_data(db)
    made: dict[Role, str] = {}
    for role in Role:
        user = f.user(
            db,
            organisation=org,
            role=role,
            site=site if role is Role.REGISTRAR else None,
            settings=settings,
        )
        made[role] = f.api_token(db, user=user)
    return made


@pytest.fixture
def engine(databases: dict[str, Databases], fast_settings: Settings) -> Iterator[Engine]:
    """SQLite only (see the module docstring): the fuzzer's own database, its users and tokens
    committed once per worker; each generated request is rolled back with its test."""
    if "sqlite" not in databases:
        pytest.skip("the fuzzer runs on SQLite (HAVEN_TEST_DATABASES leaves it out)")
    mine = databases["sqlite"]
    mine.world(FUZZ_DATABASE, lambda db: _tokens(db, fast_settings))
    yield mine.engine(FUZZ_DATABASE)
    mine.fail_if_leaked(FUZZ_DATABASE)


@pytest.fixture
def tokens(
    engine: Engine, databases: dict[str, Databases], fast_settings: Settings
) -> dict[Role, str]:
    return databases["sqlite"].world(FUZZ_DATABASE, lambda db: _tokens(db, fast_settings))


# The schema is loaded at import (it needs no database); each test points the same app at
# its own rolled-back transaction.
APP = create_app(Settings(database_url="sqlite://"), check_migrations=False)
schema = schemathesis.openapi.from_asgi("/api/openapi.json", APP)


@pytest.fixture
def fuzz_app(session_factory: sessionmaker[Session], settings: Settings) -> FastAPI:
    APP.state.session_factory = session_factory
    APP.state.settings = settings
    return APP


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_server_errors_and_no_ignored_authentication(
    case: schemathesis.Case, tokens: dict[Role, str], fuzz_app: FastAPI
) -> None:
    path = case.operation.path
    role = next((r for prefix, r in ROLE_BY_PREFIX if path.startswith(prefix)), Role.ADMINISTRATOR)
    case.call_and_validate(
        headers={"Authorization": f"Bearer {tokens[role]}"},
        checks=[not_a_server_error, ignored_auth],
    )
