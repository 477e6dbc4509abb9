"""`haven backup` / `haven restore`: encrypted, authenticated, all or nothing; on both engines."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from haven.accounts.models import Organisation, Site, User
from haven.backup import (
    MAGIC,
    BackupHeader,
    BackupRefused,
    _Sealer,
    key_id,
    read_header,
    restore_backup,
)
from haven.cli.main import app
from haven.db.keyring import LEDGER_FILE, Keyring
from haven.db.migrate import head_revision
from haven.db.session import make_session_factory, transaction
from haven.demo.accounts import USERS
from haven.kernel.sensitivity import bind_actor
from haven.people import service as people
from haven.people.models import FamilyMember, Person, PersonKey
from haven.people.schemas import FamilyMemberIn, ProfileUpdate
from haven.reception import service as reception
from haven.reception.schemas import ReceptionCreate
from haven.security.permissions import Actor
from tests.cli_databases import CliDatabase

CANARY = "CANARY-backup-NawSeng-51c2"
LATER = "Organisation added after the backup"
runner = CliRunner()


def _invoke(*args: str) -> Any:
    return runner.invoke(app, list(args))


def _names(cli_database: CliDatabase) -> set[str]:
    engine = cli_database.engine()
    try:
        with Session(engine) as session:
            return set(session.scalars(select(Organisation.name)).all())
    finally:
        engine.dispose()


def _users(cli_database: CliDatabase) -> int:
    engine = cli_database.engine()
    try:
        with Session(engine) as session:
            return int(session.scalar(select(func.count()).select_from(User)) or 0)
    finally:
        engine.dispose()


def _add_org(cli_database: CliDatabase, name: str) -> uuid.UUID:
    engine = cli_database.engine()
    try:
        with transaction(make_session_factory(engine, cli_database.keyring())) as session:
            org = Organisation(name=name, kind="partner")
            session.add(org)
            session.flush()
            return org.id
    finally:
        engine.dispose()


@pytest.fixture
def populated(demo_cli_database: CliDatabase) -> CliDatabase:
    """The demo data (a copy of this worker's template), `haven db upgrade` run again, and a
    canary organisation."""
    assert _invoke("db", "upgrade").exit_code == 0
    _add_org(demo_cli_database, CANARY)
    return demo_cli_database


def test_round_trip_restores_the_backed_up_state(populated: CliDatabase, tmp_path: Path) -> None:
    target = tmp_path / "backups" / "haven.backup"
    made = _invoke("backup", str(target))
    assert made.exit_code == 0, made.output
    data = target.read_bytes()
    assert data.startswith(MAGIC)
    assert CANARY.encode() not in data
    assert b"admin" not in data  # no demo user name either
    header = read_header(target)
    assert header.revision == head_revision()
    assert header.kind == ("sqlite" if populated.path else "postgresql")

    _add_org(populated, LATER)
    engine = populated.engine()
    with transaction(make_session_factory(engine)) as session:
        session.execute(delete(Organisation).where(Organisation.name == CANARY))
    engine.dispose()
    assert CANARY not in _names(populated)

    restored = _invoke("restore", str(target))
    assert restored.exit_code == 0, restored.output
    names = _names(populated)
    assert CANARY in names
    assert LATER not in names
    assert _users(populated) == len(USERS)
    # The restored database is a working one: commands carry on.
    assert _invoke("demo").output.count("0 users created") == 1
    if populated.path is not None:
        leftovers = [p.name for p in populated.path.parent.iterdir() if ".restore-" in p.name]
        assert leftovers == []


def test_backup_refuses_to_overwrite(populated: CliDatabase, tmp_path: Path) -> None:
    target = tmp_path / "exists.backup"
    target.write_bytes(b"keep me")
    result = _invoke("backup", str(target))
    assert result.exit_code == 1
    assert target.read_bytes() == b"keep me"


@pytest.mark.parametrize("where", ["header", "middle", "last", "truncated", "appended"])
def test_a_tampered_backup_is_refused_and_nothing_restored(
    populated: CliDatabase, tmp_path: Path, where: str
) -> None:
    target = tmp_path / "haven.backup"
    assert _invoke("backup", str(target)).exit_code == 0
    data = bytearray(target.read_bytes())
    if where == "header":
        data[data.index(b'"kind"') + 9] ^= 0x01
    elif where == "middle":
        data[len(data) // 2] ^= 0x01
    elif where == "last":
        data[-1] ^= 0x80
    elif where == "truncated":
        del data[-20:]
    else:
        data += b"\x00" * 8
    target.write_bytes(bytes(data))
    _add_org(populated, LATER)

    result = _invoke("restore", str(target))
    assert result.exit_code != 0
    assert "nothing was restored" in result.output.lower() or "not a haven backup" in (
        result.output.lower()
    )
    assert "Traceback" not in result.output
    assert LATER in _names(populated)  # the live database is untouched


def test_a_backup_of_a_newer_schema_is_refused(populated: CliDatabase, tmp_path: Path) -> None:
    keyring = populated.keyring()
    target = tmp_path / "future.backup"
    header = BackupHeader(
        format=1,
        created_at="2030-01-01T00:00:00+00:00",
        kind="sqlite" if populated.path else "postgresql",
        revision="9999_from_the_future",
        key_id=key_id(keyring),
        nonce_prefix="00" * 7,
    )
    with target.open("wb") as handle:
        sealer = _Sealer(handle, keyring, header)
        sealer.write(b"whatever")
        sealer.close()
    result = _invoke("restore", str(target))
    assert result.exit_code == 1
    assert "newer Haven" in result.output
    assert CANARY in _names(populated)


def test_a_backup_under_other_keys_is_refused(populated: CliDatabase, tmp_path: Path) -> None:
    target = tmp_path / "haven.backup"
    assert _invoke("backup", str(target)).exit_code == 0
    other = Keyring(root=b"some-other-installation-root-32b")
    with pytest.raises(BackupRefused, match="other key material"):
        restore_backup(target, populated.url, other)


def test_a_backup_taken_before_an_erasure_and_restored_after_it_yields_nothing(
    populated: CliDatabase, tmp_path: Path
) -> None:
    """The real chain: receive, back up, `haven person erase`, `haven restore`."""
    engine = populated.engine()
    factory = make_session_factory(engine, populated.keyring())
    with transaction(factory) as session:
        bind_actor(session, Actor.system())  # the operator records the person
        site_id = session.scalars(select(Site.id)).first()
        event = reception.receive(
            session,
            Actor.system(),
            ReceptionCreate(name_latin="Saw Erase Me", classification="defector", site_id=site_id),
        )
        person_id = event.person_id
        people.update_profile(
            session,
            Actor.system(),
            person_id,
            ProfileUpdate(nrc="12/OuKaMa(N)654321", phone="09-4455667", father_name="U Erase"),
        )
        people.add_family_member(
            session,
            Actor.system(),
            person_id,
            FamilyMemberIn(relationship="wife", whereabouts="Compound 12, house 3"),
        )
    engine.dispose()
    target = tmp_path / "before-erasure.backup"
    assert _invoke("backup", str(target)).exit_code == 0
    erased = _invoke("person", "erase", str(person_id), "--reason", "request", "--yes")
    assert erased.exit_code == 0, erased.output

    restored = _invoke("restore", str(target))
    assert restored.exit_code == 0, restored.output
    assert "1 erasure(s) re-applied" in restored.output

    engine = populated.engine()
    with transaction(make_session_factory(engine, populated.keyring())) as session:
        bind_actor(session, Actor.system())  # the operator reads what is stored
        person = session.get(Person, person_id)
        assert person is not None  # the skeleton stays, for aggregate figures
        assert person.name_latin == "[erased]"
        assert person.father_name is None
        assert person.nrc is None
        assert person.phone is None
        assert session.get(PersonKey, person_id) is None  # the data key is gone
        assert (
            session.scalars(select(FamilyMember).where(FamilyMember.person_id == person_id)).all()
            == []
        )
        raw = session.execute(
            text("SELECT nrc, phone FROM persons WHERE id = :id"),
            {"id": person_id.hex if populated.path else person_id},
        ).one()
        assert tuple(raw) == (None, None)
        # Another person restored from the same backup is intact.
        others = session.scalars(select(Person).where(Person.id != person_id)).all()
        assert others
        assert all(p.name_latin != "[erased]" for p in others)
    engine.dispose()


def test_a_malformed_ledger_stops_the_restore(populated: CliDatabase, tmp_path: Path) -> None:
    target = tmp_path / "haven.backup"
    assert _invoke("backup", str(target)).exit_code == 0
    _add_org(populated, LATER)
    (populated.key_dir / LEDGER_FILE).write_text("not-a-uuid\n")
    result = _invoke("restore", str(target))
    assert result.exit_code == 1
    assert "erasure ledger" in result.output
    assert LATER in _names(populated)


def test_restore_onto_a_new_machine(populated: CliDatabase, tmp_path: Path) -> None:
    if populated.path is None:
        pytest.skip("a new machine's SQLite file")
    target = tmp_path / "haven.backup"
    assert _invoke("backup", str(target)).exit_code == 0
    for suffix in ("", "-wal", "-shm"):
        Path(f"{populated.path}{suffix}").unlink(missing_ok=True)
    result = _invoke("restore", str(target))
    assert result.exit_code == 0, result.output
    assert CANARY in _names(populated)
