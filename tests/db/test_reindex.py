"""Derived indexes computed again by today's rules: `haven db reindex` and revision 0024.

A database written under the old rules holds, for a person whose NRC was typed in Burmese
script (၂/ဒမဆ…), the index of the old key (2/DAMAHSA…: ဆ was spelt HSA), so exact search by
either script's form misses them; a service number typed with ဗ was indexed with the letter
(ဗ482913); a name written with a prefix the splitter did not know (Khu) kept it in its key.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

import haven.kernel.reindexing
from haven.accounts.sessions import actor_for
from haven.agreements import roll
from haven.agreements.models import RollEntry
from haven.cli.main import app
from haven.config import Settings
from haven.db.engine import make_engine
from haven.db.keyring import LEDGER_FILE, Keyring
from haven.db.migrate import alembic_config, upgrade
from haven.db.session import make_session_factory, transaction
from haven.errors import PermissionDenied
from haven.kernel.keys import name_key
from haven.kernel.sensitivity import bind_actor
from haven.people.erasure import erase_person
from haven.people.schemas import ProfileUpdate
from haven.people.service import search, update_profile
from haven.reception.importing import ImportRow
from haven.reindex import reindex
from haven.security.blind_index import blind_index
from haven.security.permissions import Actor, Role
from tests import factories as f
from tests.agreements.helpers import draft, team
from tests.cli_databases import CliDatabase
from tests.conftest import BACKENDS, LAPTOP, empty_database_url
from tests.pow.conftest import Setting, register

runner = CliRunner()
SYSTEM = Actor.system()

NRC_MY, NRC_LATIN = "၂/ဒမဆ(နိုင်)၁၂၃၄၅၆", "2/DaMaSa(N)123456"
SVC_MY, SVC_LATIN = "ဗ-၄၈၂၉၁၃", "BA 482913"
# The keys the old rules gave the Burmese-script forms, and the old name key.
OLD_NRC, NEW_NRC = "2/DAMAHSA(N)123456", "2/DAMASA(N)123456"
OLD_SVC, NEW_SVC = "ဗ482913", "BA482913"
OLD_NAME_KEY, NEW_NAME_KEY = "khu reh|", "reh|"
ID = sa.bindparam("id", type_=sa.Uuid())


@contextmanager
def _session(engine: Engine, keyring: Keyring) -> Iterator[Session]:
    with transaction(make_session_factory(engine, keyring)) as session:
        bind_actor(session, SYSTEM)  # the operator
        yield session


def _people(session: Session, ledger: Path) -> tuple[uuid.UUID, uuid.UUID]:
    """Two persons written by today's services, both numbers in Burmese script; the second
    erased. (live, erased)"""
    org = f.organisation(session)
    site = f.site(session, organisation=org)
    ids = []
    for name in ("Khu Reh", "Saw Gone"):
        event = f.receive(session, SYSTEM, name_latin=name, site_id=str(site.id))
        person_id: uuid.UUID = event.person_id  # type: ignore[attr-defined]
        update_profile(session, SYSTEM, person_id, ProfileUpdate(nrc=NRC_MY, service_number=SVC_MY))
        ids.append(person_id)
    erase_person(session, SYSTEM, ids[1], reason="asked", ledger=ledger)
    return ids[0], ids[1]


def _as_old_rules(connection: sa.Connection, keyring: Keyring, person_id: uuid.UUID) -> None:
    """The person's derived values as the old rules wrote them (the name kept its prefix)."""
    old_nrc = blind_index(keyring.index_key, "nrc", OLD_NRC)
    old_svc = blind_index(keyring.index_key, "service_number", OLD_SVC)
    values = {"id": person_id, "nrc": old_nrc, "svc": old_svc, "key": OLD_NAME_KEY}
    for statement in (
        "UPDATE persons SET name_latin = 'Khu Reh', prefix = NULL, name_key = :key, "
        "nrc_index = :nrc, service_number_index = :svc WHERE id = :id",
        "UPDATE match_profiles SET nrc_index = :nrc, service_number_index = :svc "
        "WHERE person_id = :id",
        "UPDATE match_keys SET value = :nrc WHERE kind = 'nrc' AND person_id = :id",
        "UPDATE match_keys SET value = :svc WHERE kind = 'svc' AND person_id = :id",
    ):
        connection.execute(sa.text(statement).bindparams(ID), values)


def _found(engine: Engine, keyring: Keyring, query: str) -> set[uuid.UUID]:
    with _session(engine, keyring) as session:
        return {person.id for person in search(session, SYSTEM, query)}


def _derived(engine: Engine, person_id: uuid.UUID) -> dict[str, Any]:
    """Every derived value of the person, and their whole row (to see that nothing moved)."""
    with engine.connect() as c:
        row = c.execute(
            sa.text("SELECT * FROM persons WHERE id = :id").bindparams(ID), {"id": person_id}
        )
        profile = c.execute(
            sa.text(
                "SELECT nrc_index, service_number_index FROM match_profiles WHERE person_id = :id"
            ).bindparams(ID),
            {"id": person_id},
        ).first()
        keys = c.execute(
            sa.text(
                "SELECT kind, value FROM match_keys "
                "WHERE person_id = :id AND kind IN ('nrc', 'svc')"
            ).bindparams(ID),
            {"id": person_id},
        ).all()
        return {
            "row": dict(row.mappings().one()),
            "profile": tuple(profile) if profile else None,
            "keys": dict(keys),
        }


def _audited(engine: Engine) -> list[dict[str, Any]]:
    query = sa.text(
        "SELECT actor_label, changes FROM audit_events "
        "WHERE action = 'database.indexes_recomputed' ORDER BY seq"
    ).columns(actor_label=sa.String(), changes=sa.JSON())
    with engine.connect() as c:
        rows = c.execute(query).all()
    return [{"actor": actor, "changes": changes} for actor, changes in rows]


def _assert_by_new_rules(engine: Engine, keyring: Keyring, person_id: uuid.UUID) -> None:
    for query in (NRC_MY, NRC_LATIN, SVC_MY, SVC_LATIN):
        assert _found(engine, keyring, query) == {person_id}, query
    nrc = blind_index(keyring.index_key, "nrc", NEW_NRC)
    svc = blind_index(keyring.index_key, "service_number", NEW_SVC)
    derived = _derived(engine, person_id)
    assert derived["row"]["name_key"] == NEW_NAME_KEY
    assert (derived["row"]["nrc_index"], derived["row"]["service_number_index"]) == (nrc, svc)
    assert derived["profile"] == (nrc, svc)
    assert derived["keys"] == {"nrc": nrc, "svc": svc}


# --- `haven db reindex` ----------------------------------------------------------------------


def test_reindex_command_finds_people_indexed_by_the_old_rules(cli_database: CliDatabase) -> None:
    keyring = cli_database.keyring()
    engine = make_engine(cli_database.url, keyring=keyring)
    try:
        with _session(engine, keyring) as session:
            live, erased = _people(session, cli_database.key_dir / LEDGER_FILE)
        with engine.begin() as connection:
            _as_old_rules(connection, keyring, live)
        erased_before = _derived(engine, erased)
        # Written by the old rules: neither script's form finds the person.
        for query in (NRC_MY, NRC_LATIN, SVC_MY):
            assert _found(engine, keyring, query) == set(), query

        result = runner.invoke(app, ["db", "reindex"])
        assert result.exit_code == 0, result.output
        assert result.output.splitlines() == [
            "persons: 1 checked, 1 changed",
            "prisoner-of-war records: 0 checked, 0 changed",
            "roll entries: 0 checked, 0 changed",
            "match profiles: 1 checked, 1 changed",
        ]
        _assert_by_new_rules(engine, keyring, live)
        # The erased person (key destroyed) is not read, nor written: their row is as it was.
        assert _derived(engine, erased) == erased_before
        assert _found(engine, keyring, NRC_LATIN) == {live}

        # Idempotent: again, nothing changes.
        after = _derived(engine, live)
        again = runner.invoke(app, ["db", "reindex"])
        assert again.exit_code == 0, again.output
        assert "persons: 1 checked, 0 changed" in again.output
        assert "match profiles: 1 checked, 0 changed" in again.output
        assert _derived(engine, live) == after
        assert "Reh" not in result.output + again.output  # counts only

        audited = _audited(engine)
        assert len(audited) == 2  # one event per run, with the counts
        assert audited[0]["changes"] == {
            "persons_checked": 1,
            "persons_changed": 1,
            "prisoner_records_checked": 0,
            "prisoner_records_changed": 0,
            "roll_entries_checked": 0,
            "roll_entries_changed": 0,
            "match_profiles_checked": 1,
            "match_profiles_changed": 1,
        }
    finally:
        engine.dispose()


# --- the function, on every kind of row --------------------------------------------------------


def test_prisoners_and_roll_entries_are_indexed_again_in_batches(
    db: Session, fast_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(haven.kernel.reindexing, "ROWS_PER_FLUSH", 2)  # several batches
    t = team(db, fast_settings)
    officer = actor_for(
        f.user(db, organisation=t.org, role=Role.POW_OFFICER, settings=fast_settings)
    )
    setting = Setting(t.org, t.site, t.registrar, officer)
    records = [register(db, setting, name=f"Khu Reh {n}") for n in range(3)]
    agreement = draft(db, t)
    rows = [ImportRow(number=2 + n, values={"name_latin": f"Khu Reh {n}"}) for n in range(3)]
    assert roll.import_roll(db, t.negotiator, agreement.id, rows, dry_run=False).ok
    entries = list(db.scalars(sa.select(RollEntry).where(RollEntry.agreement_id == agreement.id)))
    bind_actor(db, SYSTEM)
    for record in records:
        record.service_number_index = "old"
    for entry in entries:
        entry.name_index = blind_index(db.info["keyring"].index_key, "roll_name", OLD_NAME_KEY)
    db.flush()

    counts = reindex(db, SYSTEM)

    assert counts["prisoner_records"].changed == 3
    assert counts["roll_entries"].changed == 3
    svc = blind_index(db.info["keyring"].index_key, "service_number", "BA123456")
    for record in records:
        db.refresh(record)
        assert record.service_number_index == svc
    for n, entry in enumerate(entries):
        db.refresh(entry)
        expected = name_key(f"Khu Reh {n}", None)
        assert expected == f"reh {n}|"
        assert entry.name_index == blind_index(db.info["keyring"].index_key, "roll_name", expected)
    assert reindex(db, SYSTEM)["prisoner_records"].changed == 0
    with pytest.raises(PermissionDenied):
        reindex(db, t.registrar)


# --- revision 0024 -------------------------------------------------------------------------


@pytest.fixture(params=BACKENDS)
def engine_at_head(
    request: pytest.FixtureRequest, tmp_path: Path, keyring: Keyring
) -> Iterator[tuple[str, Engine]]:
    url = empty_database_url(request, tmp_path, "haven_reindex_0024")
    engine = make_engine(url, keyring=keyring)
    upgrade(url, engine, keyring=keyring)
    yield url, engine
    engine.dispose()


def test_revision_0024_indexes_again_what_the_old_rules_indexed(
    engine_at_head: tuple[str, Engine], keyring: Keyring, tmp_path: Path
) -> None:
    url, engine = engine_at_head
    assert _audited(engine) == []  # a new database: nothing to recompute, nothing audited
    with _session(engine, keyring) as session:
        live, erased = _people(session, tmp_path / "ledger")
    config = alembic_config(url)
    config.attributes["keyring"] = keyring
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0023")  # changes nothing
        _as_old_rules(connection, keyring, live)
    erased_before = _derived(engine, erased)
    # As the old rules left it (read in SQL: the models describe the newest schema).
    new_nrc = blind_index(keyring.index_key, "nrc", NEW_NRC)
    assert _derived(engine, live)["row"]["nrc_index"] != new_nrc

    upgrade(url, engine, keyring=keyring)

    _assert_by_new_rules(engine, keyring, live)
    after = _derived(engine, erased)
    for later in ("reference", "risk_level", "risk_since", "risk_incident_id"):
        after["row"].pop(later)  # columns of later revisions, given again on the way up
    assert after == erased_before
    [event] = _audited(engine)
    assert event["actor"] == "revision 0024"
    assert (event["changes"]["persons_checked"], event["changes"]["persons_changed"]) == (1, 1)


# --- revision 0030 -------------------------------------------------------------------------


@pytest.fixture(params=LAPTOP)
def laptop_at_head(
    request: pytest.FixtureRequest, tmp_path: Path, keyring: Keyring
) -> Iterator[tuple[str, Engine]]:
    url = empty_database_url(request, tmp_path, "haven_reindex_0030")
    engine = make_engine(url, keyring=keyring)
    upgrade(url, engine, keyring=keyring)
    yield url, engine
    engine.dispose()


def test_revision_0030_gives_people_indexed_before_it_their_partial_name_keys(
    laptop_at_head: tuple[str, Engine], keyring: Keyring
) -> None:
    url, engine = laptop_at_head
    with _session(engine, keyring) as session:
        org = f.organisation(session)
        site = f.site(session, organisation=org)
        event = f.receive(session, SYSTEM, name_latin="Aung Kyaw Htun", site_id=str(site.id))
    person_id = event.person_id  # type: ignore[attr-defined]
    kinds = sa.text("SELECT DISTINCT kind FROM match_keys WHERE person_id = :id").bindparams(ID)
    with engine.connect() as connection:
        assert "name_run" in set(connection.scalars(kinds, {"id": person_id}))
    config = alembic_config(url)
    config.attributes["keyring"] = keyring
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0029")
        connection.execute(sa.text("DELETE FROM match_keys WHERE kind = 'name_run'"))

    upgrade(url, engine, keyring=keyring)

    with engine.connect() as connection:
        assert "name_run" in set(connection.scalars(kinds, {"id": person_id}))
    assert _audited(engine)[-1]["actor"] == "revision 0030"


# --- revision 0037 -------------------------------------------------------------------------


def test_revision_0037_keys_again_names_keyed_by_the_old_romanisation_rules(
    laptop_at_head: tuple[str, Engine], keyring: Keyring
) -> None:
    url, engine = laptop_at_head
    with _session(engine, keyring) as session:
        org = f.organisation(session)
        site = f.site(session, organisation=org)
        event = f.receive(session, SYSTEM, name_latin="Koh Zaww Myintt", site_id=str(site.id))
    person_id = event.person_id  # type: ignore[attr-defined]
    names = sa.text("SELECT value FROM match_keys WHERE person_id = :id AND kind = 'name'")
    with engine.connect() as connection:
        keyed = set(connection.scalars(names.bindparams(ID), {"id": person_id}))
    # "Koh" is an honorific's spelling, split off; the doubled final letters are read away.
    assert keyed
    assert not any(value.startswith("ko") for value in keyed)
    assert any("zaw" in value for value in keyed)
    config = alembic_config(url)
    config.attributes["keyring"] = keyring
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0036")
        # As the rules before issue 23 keyed it: the honorific kept, the doubled letters read.
        connection.execute(
            sa.text(
                "UPDATE match_keys SET value = 'ko ' || value WHERE person_id = :id"
            ).bindparams(ID),
            {"id": person_id},
        )

    upgrade(url, engine, keyring=keyring)

    with engine.connect() as connection:
        assert set(connection.scalars(names.bindparams(ID), {"id": person_id})) == keyed
    assert _audited(engine)[-1]["actor"] == "revision 0037"
