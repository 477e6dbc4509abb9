"""Issue 19, finding 9 (files): the database and key files that the real `haven` commands
create are readable by their owner only (0600), in folders only the owner can enter (0700),
whatever the umask; a database left world-readable by an older Haven is made private."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BACKENDS

pytestmark = pytest.mark.skipif("sqlite" not in BACKENDS, reason="the file is SQLite's")


def _haven(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`haven ARGS` in a child process under the usual umask 022 (files 0644 by default)."""
    command = ["sh", "-c", 'umask 022 && exec "$0" "$@"', sys.executable, "-m", "haven", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_key_and_the_database_are_made_and_kept_private(tmp_path: Path) -> None:
    keys = tmp_path / "usb" / "haven-keys"  # a folder the command makes for the key
    var = tmp_path / "project" / "var"  # as `make run` leaves it: made by Haven if missing
    key_file = keys / "haven.key"
    database = var / "haven.db"
    env = {
        **os.environ,
        "HAVEN_DATABASE_URL": f"sqlite+pysqlcipher:///{database}",
        "HAVEN_KEY_FILE": str(key_file),
        "HAVEN_KEY_DIR": str(tmp_path / "key-dir"),
    }
    made = _haven(env, "keys", "init", str(key_file))
    assert made.returncode == 0, made.stderr
    upgraded = _haven(env, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    modes = {
        "key file": _mode(key_file),
        "key folder": _mode(keys),
        "database": _mode(database),
        "database folder": _mode(var),
        **{
            f"database{suffix}": _mode(Path(f"{database}{suffix}"))
            for suffix in ("-wal", "-shm")
            if Path(f"{database}{suffix}").exists()
        },
    }
    expected = {name: 0o700 if name.endswith("folder") else 0o600 for name in modes}
    assert modes == expected, {name: oct(mode) for name, mode in modes.items()}
    # Control: under the same umask, an ordinary file is world-readable.
    plain = subprocess.run(
        ["sh", "-c", f"umask 022 && touch {tmp_path / 'plain'}"], check=True, capture_output=True
    )
    assert plain.returncode == 0
    assert _mode(tmp_path / "plain") == 0o644
    # A database an older Haven left world-readable is made private when Haven opens it.
    database.chmod(0o644)
    current = _haven(env, "db", "current")
    assert current.returncode == 0, current.stderr
    assert _mode(database) == 0o600
