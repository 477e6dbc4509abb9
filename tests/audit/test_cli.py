"""`haven audit verify` and `haven audit checkpoint` on a real database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from haven.audit import service
from haven.audit.actions import AuditAction
from haven.cli.audit import app
from haven.db.session import make_session_factory, transaction
from haven.security.permissions import Actor
from tests.cli_databases import CliDatabase, open_cli_database
from tests.conftest import BACKENDS

runner = CliRunner()


@pytest.fixture(params=BACKENDS)
def database(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CliDatabase]:
    """A migrated database with three audit events and nothing else (migrations record none;
    `haven db upgrade`'s reference data would), in the HAVEN_* variables."""
    with open_cli_database(request, tmp_path, monkeypatch, "schema") as made:
        engine = made.engine()
        with transaction(make_session_factory(engine, made.keyring())) as session:
            for label in ("first", "second", "third"):
                service.record(
                    session,
                    Actor.system(label),
                    AuditAction.USER_CREATED,
                    subject_type="user",
                    subject_id=None,
                    organisation_id=None,
                )
        engine.dispose()
        yield made


def test_verify_then_checkpoint_then_tamper(database: CliDatabase) -> None:
    intact = runner.invoke(app, ["verify"])
    assert intact.exit_code == 0, intact.output
    assert "The audit trail is intact: 3 events, head 3" in intact.output
    signed = runner.invoke(app, ["checkpoint"])
    assert signed.exit_code == 0, signed.output
    # The verification itself was event 4; the checkpoint's own event is 5, and it is signed.
    assert signed.output.startswith("Checkpoint signed: event 5, hash ")
    again = runner.invoke(app, ["verify"])
    assert again.exit_code == 0, again.output
    assert "signed checkpoints: 1, the last at event 5" in again.output

    engine = database.engine()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP TRIGGER audit_events_append_only ON audit_events"))
        else:
            connection.execute(text("DROP TRIGGER audit_events_no_update"))
        connection.execute(text("UPDATE audit_events SET actor_label = 'nobody' WHERE seq = 2"))
    engine.dispose()
    tampered = runner.invoke(app, ["verify"])
    assert tampered.exit_code == 1
    assert "The audit trail has been tampered with." in tampered.output
    assert "[changed] Event 2 (" in tampered.output
    assert "was changed: what it records no longer matches its hash." in tampered.output
