"""The keyring: derived keys, key files, the passphrase with its verifier and duress hash."""

from __future__ import annotations

import stat
import time
from pathlib import Path

import pytest
from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from typer.testing import CliRunner

from haven.cli.main import app as haven_cli
from haven.config import Settings, get_settings
from haven.db.keyring import (
    DURESS_FILE,
    SALT_FILE,
    VERIFIER_FILE,
    KeyMaterialMissing,
    Keyring,
    init_passphrase,
    is_duress,
    new_key_file,
    read_key_file,
    read_salt,
    verifier_matches,
)
from haven.security.unlock import UnlockError, unlock
from tests.cli_databases import CliDatabase

PASSPHRASE = "seven words the operator remembers well"
DURESS = "a different sentence for bad days"
runner = CliRunner()


def test_each_purpose_has_its_own_key(keyring: Keyring) -> None:
    keys = [
        keyring.database_key,
        keyring.field_kek,
        keyring.index_key,
        keyring.backup_key,
        keyring.passphrase_verifier,
    ]
    assert all(len(k) == 32 for k in keys)
    assert len(set(keys)) == len(keys)
    assert keyring.root not in keys
    again = Keyring(root=keyring.root)
    assert again.database_key == keyring.database_key
    signature = keyring.audit_signing_key.sign(b"checkpoint")
    public = keyring.audit_signing_key.public_key()
    assert isinstance(public, Ed25519PublicKey)
    public.verify(signature, b"checkpoint")
    assert keyring.root.hex() not in repr(keyring)


def test_key_file_is_private_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "haven.key"
    new_key_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = read_key_file(path)
    with pytest.raises(FileExistsError):
        new_key_file(path)
    assert read_key_file(path).database_key == first.database_key
    other = tmp_path / "other.key"
    new_key_file(other)
    assert read_key_file(other).database_key != first.database_key


def test_bad_key_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(KeyMaterialMissing, match="not found"):
        read_key_file(tmp_path / "missing.key")
    (tmp_path / "short.key").write_text("c2hvcnQ=\n")
    with pytest.raises(KeyMaterialMissing, match="not a Haven key file"):
        read_key_file(tmp_path / "short.key")
    (tmp_path / "junk.key").write_text("not base64 at all!\n")
    with pytest.raises(KeyMaterialMissing, match="not a Haven key file"):
        read_key_file(tmp_path / "junk.key")


def test_passphrase_setup_verifier_and_duress(tmp_path: Path) -> None:
    """At the production costs (other tests may lower them: `quick_passphrase_kdf`)."""
    key_dir = tmp_path / "keys"
    keyring = init_passphrase(key_dir, PASSPHRASE, DURESS)
    assert {p.name for p in key_dir.iterdir()} == {SALT_FILE, VERIFIER_FILE, DURESS_FILE}
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in key_dir.iterdir())
    salt = read_salt(key_dir)
    assert len(salt) == 16
    # The root is Argon2id of the passphrase over the salt: 64 MiB, three passes, four lanes.
    root = hash_secret_raw(
        PASSPHRASE.encode(),
        salt,
        time_cost=3,
        memory_cost=65536,
        parallelism=4,
        hash_len=32,
        type=Type.ID,
    )
    assert keyring.root == root
    assert Keyring.from_passphrase(PASSPHRASE, salt).database_key == keyring.database_key
    assert verifier_matches(key_dir, keyring)
    assert not verifier_matches(key_dir, Keyring.from_passphrase("wrong " + PASSPHRASE, salt))
    assert is_duress(key_dir, DURESS)
    assert not is_duress(key_dir, PASSPHRASE)
    stored = (key_dir / DURESS_FILE).read_text()
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert DURESS not in stored
    with pytest.raises(FileExistsError):
        init_passphrase(key_dir, PASSPHRASE)


@pytest.mark.usefixtures("quick_passphrase_kdf")
def test_without_duress_the_duress_file_is_still_there(tmp_path: Path) -> None:
    init_passphrase(tmp_path, PASSPHRASE)
    assert (tmp_path / DURESS_FILE).read_text().startswith("$argon2id$")
    assert not is_duress(tmp_path, PASSPHRASE)
    assert not is_duress(tmp_path, "")


def test_duress_must_differ(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="differ"):
        init_passphrase(tmp_path, PASSPHRASE, PASSPHRASE)
    assert not (tmp_path / SALT_FILE).exists()


def _settings(tmp_path: Path, **changes: object) -> Settings:
    base = Settings(
        database_url=f"sqlite+pysqlcipher:///{tmp_path / 'db' / 'haven.db'}",
        key_dir=tmp_path / "keys",
        key_file=None,
    )
    return base.model_copy(update=changes)


def _never_asked() -> str:
    raise AssertionError("the passphrase must not be asked for")


def test_unlock_with_a_key_file(tmp_path: Path) -> None:
    key_file = tmp_path / "usb" / "haven.key"
    new_key_file(key_file)
    unlocked = unlock(_settings(tmp_path, key_file=key_file), _never_asked)
    assert unlocked.keyring.database_key == read_key_file(key_file).database_key
    assert not unlocked.duress
    with pytest.raises(UnlockError, match="haven keys init"):
        unlock(_settings(tmp_path, key_file=tmp_path / "nowhere.key"), _never_asked)


def test_unlock_refuses_key_material_beside_the_database(tmp_path: Path) -> None:
    beside = tmp_path / "db" / "haven.key"
    new_key_file(beside)
    with pytest.raises(UnlockError, match="same folder as the database"):
        unlock(_settings(tmp_path, key_file=beside), _never_asked)
    with pytest.raises(UnlockError, match="database's folder"):
        unlock(_settings(tmp_path, key_dir=tmp_path / "db"), _never_asked)


@pytest.mark.usefixtures("quick_passphrase_kdf")
def test_unlock_with_the_passphrase(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    with pytest.raises(UnlockError, match="no key yet"):
        unlock(settings, _never_asked)
    made = init_passphrase(settings.key_dir, PASSPHRASE, DURESS)
    unlocked = unlock(settings, lambda: PASSPHRASE)
    assert unlocked.keyring.database_key == made.database_key
    assert not unlocked.duress
    with pytest.raises(UnlockError, match="Wrong passphrase") as refused:
        unlock(settings, lambda: "not the passphrase at all")
    assert "not the passphrase" not in str(refused.value)


def test_the_duress_passphrase_wipes_and_carries_on_empty(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    made = init_passphrase(settings.key_dir, PASSPHRASE, DURESS)
    database = tmp_path / "db" / "haven.db"
    database.parent.mkdir()
    database.write_bytes(b"ciphertext")
    asked_at: list[float] = []

    def ask() -> str:
        asked_at.append(time.monotonic())
        return DURESS

    unlocked = unlock(settings, ask)
    assert unlocked.wipe is not None
    # From the passphrase entered to the keys destroyed: one Argon2id check, then the wipe.
    seconds = unlocked.wipe.keys_gone_at - asked_at[0]
    print(f"\nduress passphrase entered -> keys destroyed: {seconds:.3f} s")  # noqa: T201 - the measured figure (pytest -s)
    assert seconds < 5.0
    assert not database.exists()
    assert unlocked.keyring.database_key != made.database_key
    # The old passphrase is gone with its salt; the duress words now open the empty install.
    with pytest.raises(UnlockError, match="Wrong passphrase"):
        unlock(settings, lambda: PASSPHRASE)
    again = unlock(settings, lambda: DURESS)
    assert not again.duress
    assert again.keyring.database_key == unlocked.keyring.database_key


def test_cli_keys_init_key_file(empty_cli_database: CliDatabase, tmp_path: Path) -> None:
    path = tmp_path / "new-keys" / "site.key"
    result = runner.invoke(haven_cli, ["keys", "init", str(path)])
    assert result.exit_code == 0, result.output
    assert "HAVEN_KEY_FILE" in result.output
    content = path.read_bytes()
    assert content.decode().strip() not in result.output
    again = runner.invoke(haven_cli, ["keys", "init", str(path)])
    assert again.exit_code == 1
    assert "never overwrites" in again.output
    assert path.read_bytes() == content
    neither = runner.invoke(haven_cli, ["keys", "init"])
    assert neither.exit_code == 2


@pytest.mark.usefixtures("quick_passphrase_kdf")
def test_cli_passphrase_setup_and_prompt(
    empty_cli_database: CliDatabase, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if empty_cli_database.path is None:
        pytest.skip("the prompt is the same on both engines; one is enough")
    monkeypatch.delenv("HAVEN_KEY_FILE")
    monkeypatch.setenv("HAVEN_KEY_DIR", str(tmp_path / "passphrase-keys"))
    get_settings.cache_clear()
    short = runner.invoke(haven_cli, ["keys", "init", "--passphrase"], input="short\nshort\n")
    assert short.exit_code == 1
    assert not (tmp_path / "passphrase-keys" / SALT_FILE).exists()
    lines = f"{PASSPHRASE}\n{PASSPHRASE}\n{DURESS}\n{DURESS}\n"
    made = runner.invoke(haven_cli, ["keys", "init", "--passphrase", "--duress"], input=lines)
    assert made.exit_code == 0, made.output
    assert PASSPHRASE not in made.output
    assert DURESS not in made.output
    upgraded = runner.invoke(haven_cli, ["db", "upgrade"], input=f"{PASSPHRASE}\n")
    assert upgraded.exit_code == 0, upgraded.output
    assert "Haven passphrase" in upgraded.output
    assert PASSPHRASE not in upgraded.output
    wrong = runner.invoke(haven_cli, ["db", "current"], input="a wrong passphrase here\n")
    assert wrong.exit_code == 2
    assert "Wrong passphrase" in wrong.output
    assert "Traceback" not in wrong.output
