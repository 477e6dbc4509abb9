"""Issue 21, done when: a real headquarters server on PostgreSQL and two field laptops on
SQLCipher, each a database of its own with its own key file, as `haven` processes on loopback.

Registrations at both sites; laptop 1 synchronises over HTTP (`haven sync`), laptop 2 by file
(`haven sync export` → `haven sync import --answer` at headquarters → `haven sync import`);
a `haven sync import` at headquarters is killed (`kill -9`) in the middle of applying a bundle,
and importing the bundle again applies each change exactly once; a revoked laptop is refused
over the link and by file. Runs once: headquarters on PostgreSQL.

Commands whose process adds nothing to show run in this process (the same `haven` command,
through typer); each process costs seconds of start-up on a busy machine. The processes are the
server, the laptop's `haven sync` over the link, and the headquarters import that is killed.

Catching the import mid-apply, cheaply and every time: the test holds a row lock on one person
at headquarters whom laptop 2's bundle edits last. The import applies the bundle's new records,
then waits on that row: it is killed there, with its writes made and not committed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from haven.accounts.models import User
from haven.cli.main import app as haven_cli
from haven.config import get_settings
from haven.db.session import make_session_factory
from haven.kernel.sensitivity import bind_actor
from haven.people.models import Person
from haven.people.schemas import ProfileUpdate
from haven.people.service import update_profile
from haven.reception.schemas import ReceptionCreate
from haven.reception.service import receive as receive_person
from haven.security.permissions import Role
from haven.sync.models import Node
from tests import factories
from tests.cli_databases import CliDatabase, Templates
from tests.conftest import BACKENDS
from tests.postgres import free_port
from tests.sync.world import Place, actor_of, person_values

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        "postgresql" not in BACKENDS or "sqlite" not in BACKENDS,
        reason="headquarters on PostgreSQL, laptops on SQLCipher",
    ),
]


def env_of(database: CliDatabase, bytecode: Path | None = None) -> dict[str, str]:
    """The HAVEN_* variables of `database`; for a process, a bytecode cache of the test's
    (the environment may forbid writing one beside the sources): the server, started first,
    compiles Haven once and the processes after it start seconds sooner."""
    env = {
        **os.environ,
        "HAVEN_DATABASE_URL": database.url,
        "HAVEN_KEY_FILE": str(database.key_file),
        "HAVEN_KEY_DIR": str(database.key_dir),
    }
    if bytecode is not None and not os.environ.get("PYTHONPYCACHEPREFIX"):
        # The run's own bytecode folder (tests/conftest.py) serves when there is one.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(bytecode)
    return env


def haven(database: CliDatabase, *args: str, code: int = 0) -> str:
    """A `haven` command on `database`, in this process."""
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(haven_cli, list(args), env=env_of(database))
    finally:
        get_settings.cache_clear()
    assert result.exit_code == code, f"haven {' '.join(args)}: {result.output}"
    # What it printed; a refusal is written to stderr.
    return result.stdout if code == 0 else result.output


def spawn(database: CliDatabase, bytecode: Path, *args: str) -> subprocess.Popen[bytes]:
    """A `haven` command on `database`, as a process of its own."""
    return subprocess.Popen(
        [sys.executable, "-m", "haven", *args],
        env=env_of(database, bytecode),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def finish(process: subprocess.Popen[bytes], code: int = 0) -> str:
    out, _ = process.communicate(timeout=120)
    text = out.decode()
    assert process.returncode == code, text
    return text


def opened(database: CliDatabase, name: str) -> Place:
    """The database, opened from the test as the command line opens it."""
    engine = database.engine()
    return Place(name, engine, make_session_factory(engine, database.keyring()))


def register(place: Place, username: str, names: list[str]) -> list[uuid.UUID]:
    """Registrations at a laptop, by its registrar (an account that came down at enrolment)."""
    with place.tx() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        actor = actor_of(user)
        bind_actor(session, actor)
        return [
            receive_person(
                session,
                actor,
                ReceptionCreate.model_validate(
                    {"name_latin": name, "classification": "defector", "birth_year": 1990}
                ),
            ).person_id
            for name in names
        ]


def hq_people(place: Place, site_id: uuid.UUID) -> int:
    with place.tx() as session:
        return int(session.scalar(select(func.count()).where(Person.site_id == site_id)) or 0)


def applied_seq(place: Place, node_id: uuid.UUID) -> int:
    with place.tx() as session:
        node = session.get(Node, node_id)
        assert node is not None
        return node.applied_seq


def waiting_on(admin: psycopg.Connection[Any], holder: int) -> int | None:
    """The backend that has written and now waits on a lock `holder` holds, if any."""
    row = admin.execute(
        "SELECT pid FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid)) "
        "AND backend_xid IS NOT NULL",
        (holder,),
    ).fetchone()
    return None if row is None else int(row[0])


def plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def serving(
    database: CliDatabase, bytecode: Path, log: Path
) -> tuple[subprocess.Popen[bytes], int]:
    """`haven serve` on a free loopback port, started (not yet answering)."""
    port = free_port()
    with log.open("a") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "haven", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env_of(database, bytecode),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return process, port


def answering(process: subprocess.Popen[bytes], port: int, log: Path) -> str:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return f"http://127.0.0.1:{port}"
        time.sleep(0.1)
    raise RuntimeError(log.read_text())


def profile_edit(place: Place, username: str, person_id: uuid.UUID, **fields: Any) -> None:
    with place.tx() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        actor = actor_of(user)
        bind_actor(session, actor)
        update_profile(session, actor, person_id, ProfileUpdate.model_validate(fields))


def test_headquarters_and_two_laptops_synchronise_by_link_and_by_file(  # noqa: PLR0915 - one story
    cli_templates_postgresql: Templates,
    cli_templates_sqlite: Templates,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    bytecode = tmp_path_factory.getbasetemp() / "sync-e2e-bytecode"
    hq_db = cli_templates_postgresql.provide("migrated", tmp_path / "hq", "haven_sync_e2e_hq")
    log = tmp_path / "server.log"
    # Headquarters is served while the rest is set up (the server reads the database per
    # request, and its start-up takes seconds).
    server, port = serving(hq_db, bytecode, log)
    laptops: list[CliDatabase] = []
    opened_places: list[Place] = []
    try:
        laptops.extend(
            cli_templates_sqlite.provide("migrated", tmp_path / f"laptop{i}") for i in (1, 2)
        )
        hq = opened(hq_db, "headquarters")
        opened_places.append(hq)
        haven(hq_db, "node", "init", "--headquarters", "--name", "Headquarters")
        with hq.tx() as session:
            organisation = factories.organisation(session, name="Synthetic Relief Council")
            factories.user(
                session, organisation=organisation, role=Role.MANAGER, username="e2e-manager"
            )
            sites = []
            for index in (1, 2):
                site = factories.site(session, organisation=organisation, name=f"Point {index}")
                factories.registrar(
                    session, organisation=organisation, site=site, username=f"desk-{index}"
                )
                sites.append(site.id)
        codes = [
            haven(
                hq_db, "node", "enrol-code", "--site", str(site), "--name", f"Laptop {index}"
            ).strip()
            for index, site in enumerate(sites, start=1)
        ]
        for laptop in laptops:
            haven(laptop, "node", "init", "--field", "--name", "Laptop")
        url = answering(server, port, log)

        # Both laptops enrol over the link (the site's registrar comes down) and register.
        for laptop, code in zip(laptops, codes, strict=True):
            assert "Enrolled" in haven(laptop, "node", "enrol", "--url", url, "--code", code)
        desks = [opened(laptop, f"laptop {i}") for i, laptop in enumerate(laptops, 1)]
        opened_places.extend(desks)
        ones = register(desks[0], "desk-1", ["Aung Min", "Zaw Win", "Nyi Nyi"])
        twos = register(desks[1], "desk-2", ["Kyaw Soe", "Hla Tun"])
        with hq.tx() as session:
            node_ids = [
                session.scalars(select(Node.id).where(Node.name == name)).one()
                for name in ("Laptop 1", "Laptop 2")
            ]

        # Laptop 1 over HTTP, a process; meanwhile laptop 2 by file.
        linked = spawn(laptops[0], bytecode, "sync")
        up_file, answer = tmp_path / "up.bundle", tmp_path / "down.bundle"
        haven(laptops[1], "sync", "export", str(up_file))
        assert "applied 4 change(s)" in haven(
            hq_db, "sync", "import", str(up_file), "--answer", str(answer)
        )
        assert "up to 4" in haven(laptops[1], "sync", "import", str(answer))
        assert hq_people(hq, sites[1]) == len(twos)

        # Laptop 2: more people, then an edit of one headquarters has, as the last change.
        more = register(desks[1], "desk-2", [f"Synthetic Person {i}" for i in range(20)])
        profile_edit(desks[1], "desk-2", twos[0], birth_year=1985)
        haven(laptops[1], "sync", "export", str(up_file))
        answer.unlink()
        before = applied_seq(hq, node_ids[1])

        # Killed in the middle: the import applies the new people, then waits on the row the
        # test holds, and is killed there.
        with (
            psycopg.connect(plain(hq_db.url)) as holder,
            psycopg.connect(plain(hq_db.url), autocommit=True) as admin,
        ):
            holder.execute("SELECT 1 FROM persons WHERE id = %s FOR UPDATE", (twos[0],))
            holder_pid = holder.info.backend_pid
            importing = spawn(
                hq_db, bytecode, "sync", "import", str(up_file), "--answer", str(answer)
            )
            deadline, victim = time.monotonic() + 120, None
            while victim is None and time.monotonic() < deadline and importing.poll() is None:
                victim = waiting_on(admin, holder_pid)
                time.sleep(0.05)
            assert victim is not None, finish(importing)
            # The new people are written (uncommitted), and the edit waits: mid-apply.
            doing = admin.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", (victim,))
            assert str(doing.fetchone()[0]).startswith("UPDATE persons")
            importing.send_signal(signal.SIGKILL)
            importing.wait(timeout=10)
            holder.rollback()
            # Its backend finds the client gone once the lock is released, and rolls back.
            while admin.execute(
                "SELECT 1 FROM pg_stat_activity WHERE pid = %s", (victim,)
            ).fetchone():
                time.sleep(0.05)
        assert importing.returncode == -signal.SIGKILL
        assert not answer.exists()
        assert applied_seq(hq, node_ids[1]) == before
        assert hq_people(hq, sites[1]) == len(twos)

        # Imported again, whole: every change once; and once more, nothing twice.
        changes = 2 * len(more) + 1
        assert f"applied {changes} change(s), skipped 0" in haven(
            hq_db, "sync", "import", str(up_file), "--answer", str(answer)
        )
        assert f"applied 0 change(s), skipped {changes}" in haven(
            hq_db, "sync", "import", str(up_file)
        )
        haven(laptops[1], "sync", "import", str(answer))
        assert hq_people(hq, sites[1]) == len(twos) + len(more)
        assert (person_values(hq, twos[0]) or {}).get("birth_year") == 1985
        assert "Changes waiting to be sent: 0" in haven(laptops[1], "node", "list")

        assert "Headquarters applied 6 change(s)" in finish(linked)
        assert hq_people(hq, sites[0]) == len(ones)
        assert "Changes waiting to be sent: 0" in haven(laptops[0], "node", "list")
        listing = haven(hq_db, "node", "list")
        assert "Laptop 1" in listing
        assert "Laptop 2" in listing

        # Revoked: refused over the link and by file, and nothing of theirs applied.
        for node_id in node_ids:
            haven(hq_db, "node", "revoke", str(node_id))
        register(desks[0], "desk-1", ["Late Arrival"])
        assert "revoked" in haven(laptops[0], "sync", code=2)
        assert "Last error" in haven(laptops[0], "node", "list")
        register(desks[1], "desk-2", ["Late Arrival Two"])
        haven(laptops[1], "sync", "export", str(up_file))
        assert "revoked" in haven(hq_db, "sync", "import", str(up_file), code=2)
        assert hq_people(hq, sites[0]) == len(ones)
        assert hq_people(hq, sites[1]) == len(twos) + len(more)
        assert "Revoked" in haven(hq_db, "node", "list")
    finally:
        server.terminate()
        server.wait(timeout=10)
        for place in opened_places:
            place.engine.dispose()
        cli_templates_postgresql.discard(hq_db)
        for laptop in laptops:
            cli_templates_sqlite.discard(laptop)
