"""Emergency wipe and the duress passphrase: keys gone in seconds, then a fresh install."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from haven.accounts.models import Organisation, User
from haven.cli.main import app as haven_cli
from haven.config import get_settings
from haven.db.engine import WrongDatabaseKey, make_engine
from haven.db.keyring import Keyring, init_passphrase, read_key_file, read_salt
from haven.db.session import make_session_factory, transaction
from haven.demo.accounts import USERS
from haven.security.wipe import destroy_file
from tests.cli_databases import CliDatabase

CANARY = "CANARY-wipe-KhinMarAung-93d0"
PASSPHRASE = "seven words the operator remembers well"
DURESS = "a different sentence for bad days"
WIPE_LIMIT_SECONDS = 5.0
runner = CliRunner()


def _count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _names(engine: Engine) -> set[str]:
    with Session(engine) as session:
        return set(session.scalars(select(Organisation.name)).all())


def _add_canary(engine: Engine, keyring: Keyring) -> None:
    with transaction(make_session_factory(engine, keyring)) as session:
        session.add(Organisation(name=CANARY, kind="partner"))


def test_destroy_file_overwrites_then_unlinks(tmp_path: Path) -> None:
    path = tmp_path / "secret"
    path.write_bytes(b"root secret bytes")
    assert destroy_file(path)
    assert not path.exists()
    assert not destroy_file(path)


def test_emergency_wipe_is_fast_and_leaves_a_fresh_install(
    demo_cli_database: CliDatabase, tmp_path: Path
) -> None:
    """From a database with the demo data (`haven db upgrade` run again on it) to a fresh
    install made from nothing."""
    app = haven_cli
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    old_keyring = demo_cli_database.keyring()
    engine = demo_cli_database.engine()
    _add_canary(engine, old_keyring)
    engine.dispose()
    aside = tmp_path / "seized" / "copy.db"
    if demo_cli_database.path is not None:
        aside.parent.mkdir()
        shutil.copy(demo_cli_database.path, aside)

    started = time.perf_counter()
    result = runner.invoke(app, ["wipe", "--emergency"])  # no input: it must not ask anything
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    print(f"\nemergency wipe ({demo_cli_database.url.split(':')[0]}): {elapsed:.3f} s")  # noqa: T201 - the measured figure (pytest -s)
    assert elapsed < WIPE_LIMIT_SECONDS
    assert not demo_cli_database.key_file.exists()
    if demo_cli_database.path is not None:
        for suffix in ("", "-wal", "-shm"):
            assert not Path(f"{demo_cli_database.path}{suffix}").exists()
    else:
        plain = make_engine(demo_cli_database.url)
        assert inspect(plain).get_table_names() == []
        plain.dispose()

    # Haven now behaves like a fresh install: it has no key until one is made.
    no_key = runner.invoke(app, ["db", "upgrade"])
    assert no_key.exit_code == 2
    assert "haven keys init" in no_key.output
    assert runner.invoke(app, ["keys", "init", str(demo_cli_database.key_file)]).exit_code == 0
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    demo = runner.invoke(app, ["demo"])
    assert demo.exit_code == 0
    assert f"{len(USERS)} users created" in demo.output
    engine = demo_cli_database.engine()
    assert CANARY not in _names(engine)
    assert _count(engine, Organisation) == 3
    engine.dispose()

    if demo_cli_database.path is not None:
        # The copy taken before the wipe opens with no key Haven can now produce.
        for keyring in (demo_cli_database.keyring(), Keyring(root=bytes(32))):
            seized = make_engine(f"sqlite+pysqlcipher:///{aside}", keyring=keyring)
            with pytest.raises(WrongDatabaseKey):
                seized.connect()
            seized.dispose()
        assert CANARY.encode() not in aside.read_bytes()
        # Control: with the destroyed key it did hold the canary.
        readable = make_engine(f"sqlite+pysqlcipher:///{aside}", keyring=old_keyring)
        assert CANARY in _names(readable)
        readable.dispose()


def test_wipe_needs_the_flag(empty_cli_database: CliDatabase) -> None:
    result = runner.invoke(haven_cli, ["wipe"])
    assert result.exit_code == 2
    assert empty_cli_database.key_file.exists()
    assert read_key_file(empty_cli_database.key_file)


@pytest.mark.usefixtures("quick_passphrase_kdf")  # the passphrase is set up, never asked
def test_wipe_in_passphrase_mode_never_asks(
    empty_cli_database: CliDatabase, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    key_dir = tmp_path / "passphrase-keys"
    init_passphrase(key_dir, PASSPHRASE, DURESS)
    monkeypatch.delenv("HAVEN_KEY_FILE")
    monkeypatch.setenv("HAVEN_KEY_DIR", str(key_dir))
    get_settings.cache_clear()
    started = time.perf_counter()
    result = runner.invoke(haven_cli, ["wipe", "--emergency"])
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    assert elapsed < WIPE_LIMIT_SECONDS
    # Nothing left but the wipe marker that running servers watch (haven.security.running).
    assert sorted(p.relative_to(key_dir) for p in key_dir.rglob("*")) == [
        Path("run"),
        Path("run/wiped"),
    ]


def test_duress_passphrase_wipes_silently_and_shows_an_empty_haven(
    empty_cli_database: CliDatabase, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Empty: the database key comes from the passphrase set up here.
    key_dir = tmp_path / "passphrase-keys"
    monkeypatch.delenv("HAVEN_KEY_FILE")
    monkeypatch.setenv("HAVEN_KEY_DIR", str(key_dir))
    get_settings.cache_clear()
    app = haven_cli
    lines = f"{PASSPHRASE}\n{PASSPHRASE}\n{DURESS}\n{DURESS}\n"
    made = runner.invoke(app, ["keys", "init", "--passphrase", "--duress"], input=lines)
    assert made.exit_code == 0
    assert runner.invoke(app, ["db", "upgrade"], input=f"{PASSPHRASE}\n").exit_code == 0
    assert runner.invoke(app, ["demo"], input=f"{PASSPHRASE}\n").exit_code == 0
    real = Keyring.from_passphrase(PASSPHRASE, read_salt(key_dir))
    engine = make_engine(empty_cli_database.url, keyring=real)
    _add_canary(engine, real)
    engine.dispose()

    started = time.perf_counter()
    coerced = runner.invoke(app, ["user", "deactivate", "admin"], input=f"{DURESS}\n")
    elapsed = time.perf_counter() - started
    print(f"\nduress unlock + wipe + fresh schema: {elapsed:.3f} s")  # noqa: T201 - the measured figure (pytest -s)
    # Looks like an ordinary, empty install: no such user; nothing about a wipe.
    assert coerced.exit_code == 1
    assert "No user named 'admin'" in coerced.output
    assert "wip" not in coerced.output.lower()
    # Recorded, not limited here: besides the wipe (timed in test_keyring) this includes
    # three Argon2id computations and building the fresh schema.
    assert elapsed < 60

    fresh = Keyring.from_passphrase(DURESS, read_salt(key_dir))
    engine = make_engine(empty_cli_database.url, keyring=fresh)
    assert _count(engine, Organisation) == 0
    assert _count(engine, User) == 0
    engine.dispose()
    if empty_cli_database.path is not None:
        old = make_engine(empty_cli_database.url, keyring=real)
        with pytest.raises(WrongDatabaseKey):
            old.connect()
        old.dispose()
    refused = runner.invoke(app, ["db", "current"], input=f"{PASSPHRASE}\n")
    assert refused.exit_code == 2
    assert "Wrong passphrase" in refused.output
