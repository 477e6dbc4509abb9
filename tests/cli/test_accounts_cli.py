"""The operator's account commands for issue 19: enrolment codes, and tokens that are read
only and expiring unless told otherwise."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from typer.testing import CliRunner

from haven.accounts import mfa
from haven.accounts.models import Organisation, User
from haven.accounts.schemas import UserCreate
from haven.accounts.service import create_user
from haven.cli.main import app as haven_cli
from haven.config import Settings
from haven.db.session import make_session_factory, transaction
from haven.db.types import utcnow
from haven.security.models import ApiToken
from haven.security.permissions import Actor, Role
from tests.cli_databases import CliDatabase

runner = CliRunner()
FAST = Settings(
    database_url="sqlite://", argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1
)


def test_the_operator_issues_an_enrolment_code_that_works_once(
    demo_cli_database: CliDatabase,
) -> None:
    engine = demo_cli_database.engine()
    factory = make_session_factory(engine, demo_cli_database.keyring())
    with transaction(factory) as session:
        organisation = session.scalars(select(Organisation)).first()
        assert organisation is not None
        create_user(
            session,
            Actor.system(),
            UserCreate(
                username="first.admin",
                display_name="First Admin",
                role=Role.ADMINISTRATOR,
                password="a long enough passphrase for tests",
            ),
            organisation_id=organisation.id,
            settings=FAST,
        )
    issued = runner.invoke(haven_cli, ["user", "enrolment-code", "first.admin"])
    assert issued.exit_code == 0, issued.output
    code = issued.output.strip().splitlines()[0]
    assert len(code) == 14
    with transaction(factory) as session:
        user = session.scalars(select(User).where(User.username == "first.admin")).one()
        found = mfa.usable_enrolment_code(session, user, code)
        assert found is not None
        assert found.issued_by is None  # the operator at the machine
    # A user who already has a second factor needs none (demo users have theirs).
    refused = runner.invoke(haven_cli, ["user", "enrolment-code", "admin"])
    assert refused.exit_code == 1
    assert "already has a second factor" in refused.output
    engine.dispose()


def test_token_create_is_read_only_and_expires_in_90_days_unless_told(
    demo_cli_database: CliDatabase,
) -> None:
    default = runner.invoke(haven_cli, ["token", "create", "auditor", "--name", "report"])
    assert default.exit_code == 0, default.output
    assert "Scopes: read;" in default.output
    writer = runner.invoke(
        haven_cli, ["token", "create", "registrar", "--name", "sync", "--write", "--days", "7"]
    )
    assert writer.exit_code == 0, writer.output
    too_long = runner.invoke(haven_cli, ["token", "create", "registrar", "--days", "400"])
    assert too_long.exit_code == 1
    engine = demo_cli_database.engine()
    with transaction(make_session_factory(engine, demo_cli_database.keyring())) as session:
        tokens = {t.name: t for t in session.scalars(select(ApiToken))}
        assert tokens["report"].scopes == "read"
        assert tokens["sync"].scopes == "read write"
        lifetime = tokens["report"].expires_at - utcnow()
        assert timedelta(days=89) < lifetime <= timedelta(days=90)
        assert tokens["sync"].expires_at - tokens["sync"].created_at == timedelta(days=7)
    engine.dispose()
