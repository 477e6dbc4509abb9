"""The `haven` command on a real database file (SQLite) or database (PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from haven.accounts.models import Organisation, User
from haven.cli.main import app
from haven.config import get_settings
from haven.db.engine import make_engine
from haven.db.keyring import Keyring, read_key_file
from haven.demo.accounts import USERS
from tests.cli_databases import CliDatabase

runner = CliRunner()


@pytest.fixture
def database_url(empty_cli_database: CliDatabase) -> str:
    """An unmigrated database's URL in HAVEN_DATABASE_URL, its key file (elsewhere) in
    HAVEN_KEY_FILE."""
    return empty_cli_database.url


@pytest.fixture
def demo_url(demo_cli_database: CliDatabase) -> str:
    """The same after `haven db upgrade` and `haven demo` (a copy of this worker's template).

    Running `haven db upgrade` again first, as the tests do, checks that it is idempotent.
    """
    return demo_cli_database.url


def _upgrade_again() -> None:
    again = runner.invoke(app, ["db", "upgrade"])
    assert again.exit_code == 0, again.output
    assert "Database at revision" in again.output


def _count(url: str, model: type) -> int:
    engine = make_engine(url, keyring=_keyring())
    with engine.connect() as connection:
        value = connection.execute(select(func.count()).select_from(model)).scalar_one()
    engine.dispose()
    return int(value)


def _keyring() -> Keyring:
    key_file = get_settings().key_file
    assert key_file is not None
    return read_key_file(key_file)


def test_help_everywhere() -> None:
    for args in (
        ["--help"],
        ["db", "--help"],
        ["user", "add", "--help"],
        ["demo", "--help"],
        ["serve", "--help"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, args
        assert "Usage" in result.output


def test_commands_refuse_an_unmigrated_database(database_url: str) -> None:
    result = runner.invoke(app, ["demo"])
    assert result.exit_code == 2
    assert "haven db upgrade" in result.output


def test_upgrade_then_demo_twice_is_safe(database_url: str) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0  # idempotent
    first = runner.invoke(app, ["demo"])
    assert first.exit_code == 0, first.output
    assert f"{len(USERS)} users created" in first.output
    second = runner.invoke(app, ["demo"])
    assert second.exit_code == 0
    assert "0 users created" in second.output
    assert _count(database_url, User) == len(USERS)
    assert _count(database_url, Organisation) == 3


def test_matching_dedupe_prints_counts_only(demo_url: str) -> None:
    _upgrade_again()
    result = runner.invoke(app, ["matching", "dedupe"])
    assert result.exit_code == 0, result.output
    assert result.output.count("linked automatically") == 3  # one line per organisation
    again = runner.invoke(app, ["matching", "dedupe"])
    assert " 0 linked automatically, 0 queued for review" in again.output  # nothing new
    unknown = runner.invoke(app, ["matching", "dedupe", "--organisation", "No such"])
    assert unknown.exit_code == 1


def test_user_add_asks_for_the_password_and_checks_it(demo_url: str) -> None:
    _upgrade_again()
    base = [
        "user",
        "add",
        "--username",
        "new.admin",
        "--organisation",
        "Civil-society partner (demo)",
        "--role",
        "administrator",
    ]
    short = runner.invoke(app, base, input="too short\ntoo short\n")
    assert short.exit_code == 1
    assert "15" in short.output
    ok = runner.invoke(app, base, input="a long enough passphrase\na long enough passphrase\n")
    assert ok.exit_code == 0, ok.output
    assert "a long enough passphrase" not in ok.output.replace("Password: ", "")  # hidden input
    assert _count(demo_url, User) == len(USERS) + 1
    unknown_org = runner.invoke(
        app,
        ["user", "add", "--username", "x.y", "--organisation", "Nowhere", "--role", "auditor"],
        input="a long enough passphrase\na long enough passphrase\n",
    )
    assert unknown_org.exit_code == 1
    assert "No organisation" in unknown_org.output


def test_password_is_not_an_argument() -> None:
    result = runner.invoke(app, ["user", "add", "--help"])
    assert "--password" not in result.output


def test_token_create_and_user_deactivate(demo_url: str) -> None:
    _upgrade_again()
    result = runner.invoke(app, ["token", "create", "auditor", "--name", "report"])
    assert result.exit_code == 0
    assert result.output.strip().startswith("hvn_")
    assert runner.invoke(app, ["user", "deactivate", "auditor"]).exit_code == 0
    assert runner.invoke(app, ["user", "deactivate", "nobody"]).exit_code == 1
