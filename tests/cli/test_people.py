"""`haven person`: erase, set-retention, apply-retention, on a real database."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer
from sqlalchemy import select
from typer.testing import CliRunner

from haven.cli import people as people_cli
from haven.db.engine import make_engine
from haven.db.keyring import LEDGER_FILE, Keyring
from haven.db.session import make_session_factory, transaction
from haven.kernel.sensitivity import bind_actor
from haven.people import erasure
from haven.people.models import Person, PersonKey
from haven.people.schemas import ProfileUpdate
from haven.people.service import update_profile
from haven.security.permissions import Actor
from tests import factories as f
from tests.cli_databases import CliDatabase

runner = CliRunner()
app = typer.Typer()
app.add_typer(people_cli.app, name="person")


@dataclass
class Setup:
    url: str
    keyring: Keyring
    ledger: Path


@pytest.fixture
def setup(cli_database: CliDatabase) -> Setup:
    """A migrated database (a copy of this worker's template) in the HAVEN_* variables."""
    return Setup(
        url=cli_database.url,
        keyring=cli_database.keyring(),
        ledger=cli_database.key_dir / LEDGER_FILE,
    )


def _person(setup: Setup, name: str) -> str:
    engine = make_engine(setup.url, keyring=setup.keyring)
    try:
        with transaction(make_session_factory(engine, setup.keyring)) as session:
            bind_actor(session, Actor.system())  # the operator records the person
            org = f.organisation(session)
            site = f.site(session, organisation=org)
            event = f.receive(session, Actor.system(), name_latin=name, site_id=str(site.id))
            pid = event.person_id  # type: ignore[attr-defined]
            update_profile(
                session, Actor.system(), pid, ProfileUpdate(nrc="12/OuKaMa(N)445566", phone="09-5")
            )
    finally:
        engine.dispose()
    return str(pid)


def _state(setup: Setup, pid: str) -> tuple[str | None, bool, str | None]:
    """(name, key present, nrc) as the database now holds them."""
    engine = make_engine(setup.url, keyring=setup.keyring)
    try:
        with transaction(make_session_factory(engine, setup.keyring)) as session:
            bind_actor(session, Actor.system())  # the operator reads what is stored
            person = session.scalars(select(Person).where(Person.id == _uuid(pid))).one()
            has_key = session.get(PersonKey, person.id) is not None
            return person.name_latin, has_key, person.nrc
    finally:
        engine.dispose()


def _uuid(value: str) -> uuid.UUID:
    return uuid.UUID(value)


def test_erase_asks_for_confirmation_then_shreds_and_ledgers(setup: Setup) -> None:
    pid = _person(setup, "Hla Erase")
    refused = runner.invoke(app, ["person", "erase", pid, "--reason", "asked"], input="n\n")
    assert refused.exit_code != 0
    assert _state(setup, pid) == ("Hla Erase", True, "12/OUKAMA(N)445566")
    assert not setup.ledger.exists()

    done = runner.invoke(app, ["person", "erase", pid, "--reason", "asked", "--yes"])
    assert done.exit_code == 0, done.output
    assert done.output.strip() == f"Person {pid} erased."
    assert "Hla" not in done.output
    assert _state(setup, pid) == (erasure.ERASED_NAME, False, None)
    assert erasure.read_ledger(setup.ledger) == [_uuid(pid)]

    again = runner.invoke(app, ["person", "erase", "not-a-uuid", "--reason", "x", "--yes"])
    assert again.exit_code == 2


def test_retention_from_the_command_line(setup: Setup) -> None:
    old = _person(setup, "Old Record")
    new = _person(setup, "New Record")
    assert (
        runner.invoke(app, ["person", "set-retention", old, "--until", "2027-01-31"]).exit_code == 0
    )
    assert (
        runner.invoke(app, ["person", "set-retention", new, "--until", "2028-01-31"]).exit_code == 0
    )
    bad = runner.invoke(app, ["person", "set-retention", new])
    assert bad.exit_code == 2
    result = runner.invoke(app, ["person", "apply-retention", "--today", "2027-06-01"])
    assert result.exit_code == 0, result.output
    assert f"Person {old} erased" in result.output
    assert "1 person(s) erased." in result.output
    assert _state(setup, old)[1:] == (False, None)
    assert _state(setup, new) == ("New Record", True, "12/OUKAMA(N)445566")
