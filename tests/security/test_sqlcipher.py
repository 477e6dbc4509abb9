"""The embedded database is SQLCipher: nothing readable on disk, and the wrong key refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from haven.accounts.models import Organisation
from haven.cli.main import app as haven_cli
from haven.config import get_settings
from haven.db.engine import WrongDatabaseKey, make_engine
from haven.db.keyring import Keyring, new_key_file, read_key_file
from haven.db.migrate import upgrade
from haven.db.session import make_session_factory, transaction
from tests.cli_databases import CliDatabase

CANARY = "CANARY-ZawMyoHtet-7f3a91"
runner = CliRunner()


def _files(database: Path) -> dict[str, bytes]:
    found = {}
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{database}{suffix}")
        if path.exists():
            found[path.name] = path.read_bytes()
    return found


def _write_canary(engine: Engine, keyring: Keyring | None) -> None:
    upgrade(engine.url.render_as_string(False), engine, keyring=keyring)
    with transaction(make_session_factory(engine, keyring)) as session:
        session.add(Organisation(name=CANARY, kind="partner"))


def _canary_everywhere(database: Path, engine: Engine) -> list[str]:
    """Files holding the canary, looked at with the engine still open (WAL not folded in)."""
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        seen = [name for name, data in _files(database).items() if CANARY.encode() in data]
    return seen


def test_sqlcipher_files_never_contain_the_canary(tmp_path: Path, keyring: Keyring) -> None:
    database = tmp_path / "enc.db"
    engine = make_engine(f"sqlite+pysqlcipher:///{database}", keyring=keyring)
    try:
        _write_canary(engine, keyring)
        files = _files(database)
        assert {"enc.db", "enc.db-wal", "enc.db-shm"} <= set(files)
        assert len(files["enc.db-wal"]) > 0  # the canary's page went through the WAL
        assert _canary_everywhere(database, engine) == []
        # An encrypted file starts with its random salt, not the SQLite magic string.
        assert not files["enc.db"].startswith(b"SQLite format 3")
        with Session(engine) as session:
            names = session.scalars(select(Organisation.name)).all()
        assert CANARY in names  # and yet it reads back with the key
    finally:
        engine.dispose()
    after = _files(database)
    assert all(CANARY.encode() not in data for data in after.values())


def test_control_plain_sqlite_would_show_the_canary(tmp_path: Path) -> None:
    database = tmp_path / "plain.db"
    engine = make_engine(f"sqlite:///{database}")
    try:
        _write_canary(engine, None)
        assert _canary_everywhere(database, engine) != []
    finally:
        engine.dispose()


def test_the_suite_engine_is_sqlcipher_with_memory_temp_store(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLCipher is the embedded database only")
    assert engine.url.get_driver_name() == "pysqlcipher"
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA cipher_version")).scalar()
        assert connection.execute(text("PRAGMA temp_store")).scalar() == 2  # MEMORY
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert str(connection.execute(text("PRAGMA cipher_memory_security")).scalar()) == "0"


def test_a_wrong_key_is_refused_clearly(tmp_path: Path, keyring: Keyring) -> None:
    database = tmp_path / "enc.db"
    engine = make_engine(f"sqlite+pysqlcipher:///{database}", keyring=keyring)
    _write_canary(engine, keyring)
    engine.dispose()
    other = Keyring(root=b"another-root-secret-of-32-bytes!")
    wrong = make_engine(f"sqlite+pysqlcipher:///{database}", keyring=other)
    with pytest.raises(WrongDatabaseKey, match=r"(?i)the key does not open this database"):
        wrong.connect()
    wrong.dispose()


def test_a_plain_file_is_named_as_such(tmp_path: Path, keyring: Keyring) -> None:
    database = tmp_path / "plain.db"
    plain = make_engine(f"sqlite:///{database}")
    _write_canary(plain, None)
    plain.dispose()
    encrypted = make_engine(f"sqlite+pysqlcipher:///{database}", keyring=keyring)
    with pytest.raises(WrongDatabaseKey, match="not encrypted"):
        encrypted.connect()
    encrypted.dispose()


def test_sqlcipher_needs_the_keyring_and_no_key_in_the_url(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="keyring"):
        make_engine(f"sqlite+pysqlcipher:///{tmp_path / 'x.db'}")
    with pytest.raises(ValueError, match="never from the URL"):
        make_engine(
            f"sqlite+pysqlcipher://:secret@/{tmp_path / 'x.db'}",
            keyring=Keyring(root=bytes(32)),
        )


def test_cli_creates_the_database_encrypted_and_refuses_the_wrong_key(
    empty_cli_database: CliDatabase, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if empty_cli_database.path is None:
        pytest.skip("SQLCipher is the embedded database only")
    result = runner.invoke(haven_cli, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert not empty_cli_database.path.read_bytes().startswith(b"SQLite format 3")
    engine = empty_cli_database.engine()
    with transaction(make_session_factory(engine)) as session:
        assert session.scalar(select(func.count()).select_from(Organisation)) == 0
    engine.dispose()
    other = tmp_path / "other-keys" / "other.key"
    new_key_file(other)
    monkeypatch.setenv("HAVEN_KEY_FILE", str(other))
    get_settings.cache_clear()
    refused = runner.invoke(haven_cli, ["db", "current"])
    assert refused.exit_code == 2
    assert "The key does not open this database" in refused.output
    assert "Traceback" not in refused.output
    assert refused.exception is None or isinstance(refused.exception, SystemExit)
    assert read_key_file(other).database_key.hex() not in refused.output


def test_a_key_file_beside_the_database_is_refused(
    empty_cli_database: CliDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    if empty_cli_database.path is None:
        pytest.skip("only an SQLite database has a folder")
    beside = empty_cli_database.path.parent / "haven.key"
    beside.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(empty_cli_database.key_file, beside)
    monkeypatch.setenv("HAVEN_KEY_FILE", str(beside))
    get_settings.cache_clear()
    result = runner.invoke(haven_cli, ["db", "upgrade"])
    assert result.exit_code == 2
    assert "same folder as the database" in result.output
    assert not empty_cli_database.path.exists()  # refused before anything was created
    refused_init = runner.invoke(haven_cli, ["keys", "init", str(beside.with_name("new.key"))])
    assert refused_init.exit_code == 2
    assert "same folder as the database" in refused_init.output
    assert not beside.with_name("new.key").exists()
