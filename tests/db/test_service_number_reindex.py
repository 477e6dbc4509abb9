"""Revision 0012: service numbers indexed again by their letters and digits, both ways."""

from __future__ import annotations

import uuid

import pytest
from alembic import command
from sqlalchemy import Engine, text
from sqlalchemy.orm import sessionmaker

from haven.db.engine import make_engine
from haven.db.keyring import Keyring
from haven.db.migrate import alembic_config, upgrade
from haven.kernel.sensitivity import bind_actor
from haven.people import service as people
from haven.people.schemas import ProfileUpdate
from haven.security.blind_index import blind_index
from haven.security.permissions import Actor, Role
from tests import factories as f
from tests.conftest import BACKENDS, empty_database_url


@pytest.fixture(params=BACKENDS)
def engine_at_head(
    request: pytest.FixtureRequest, tmp_path: object, keyring: Keyring
) -> tuple[str, Engine]:
    url = empty_database_url(request, tmp_path, "haven_reindex")  # type: ignore[arg-type]
    engine = make_engine(url, keyring=keyring)
    upgrade(url, engine, keyring=keyring)
    return url, engine


def _downgrade(url: str, engine: Engine, keyring: Keyring, revision: str) -> None:
    config = alembic_config(url)
    config.attributes["keyring"] = keyring
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def _indexes(engine: Engine, person_id: uuid.UUID) -> tuple[str, str, str]:
    with engine.connect() as c:
        row = c.execute(
            text(
                "SELECT p.service_number_index, m.service_number_index, k.value FROM persons p "
                "JOIN match_profiles m ON m.person_id = p.id "
                "JOIN match_keys k ON k.person_id = p.id AND k.kind = 'svc' WHERE p.id = :id"
            ),
            {"id": person_id if engine.dialect.name == "postgresql" else person_id.hex},
        ).one()
    return row[0], row[1], row[2]


def test_service_numbers_are_indexed_again_and_back(
    engine_at_head: tuple[str, Engine], keyring: Keyring
) -> None:
    # The person is written by today's services, then the database is taken back to 0011.
    url, engine = engine_at_head
    factory = sessionmaker(bind=engine, info={"keyring": keyring}, expire_on_commit=False)
    with factory() as db, db.begin():
        org = f.organisation(db)
        site = f.site(db, organisation=org)
        user = f.user(db, organisation=org, role=Role.REGISTRAR, site=site)
        actor = Actor.for_user(
            user_id=user.id,
            username=user.username,
            organisation_id=user.organisation_id,
            site_id=user.site_id,
            role=user.role,
        )
        bind_actor(db, actor)
        event = f.receive(db, actor, name_latin="Kyaw Zin Htet", birth_year=1991)
        person_id: uuid.UUID = event.person_id  # type: ignore[attr-defined]
        people.update_profile(db, actor, person_id, ProfileUpdate(service_number="ba-482913"))  # type: ignore[call-arg]
    _downgrade(url, engine, keyring, "0011")
    previous = blind_index(keyring.index_key, "service_number", "BA-482913")
    current = blind_index(keyring.index_key, "service_number", "BA482913")
    # As a database written before revision 0012 holds it: the hyphen was part of the form.
    with engine.begin() as c:
        for statement in (
            "UPDATE persons SET service_number_index = :v",
            "UPDATE match_profiles SET service_number_index = :v",
            "UPDATE match_keys SET value = :v WHERE kind = 'svc'",
        ):
            c.execute(text(statement), {"v": previous})
    assert _indexes(engine, person_id) == (previous, previous, previous)

    upgrade(url, engine, keyring=keyring)
    assert _indexes(engine, person_id) == (current, current, current)

    _downgrade(url, engine, keyring, "0011")
    assert _indexes(engine, person_id) == (previous, previous, previous)
    engine.dispose()
