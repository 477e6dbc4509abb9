"""Headquarters and field nodes, each a database of its own, in one test process.

Headquarters runs on the engine the test is parametrised with; every field node on SQLCipher,
as a laptop does. Each database starts as a copy of the migrated template. Bundles travel as
bytes, by the same functions `haven sync` uses over a link or a USB stick.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from haven.accounts.models import User
from haven.db.session import make_session_factory, transaction
from haven.kernel.sensitivity import bind_actor
from haven.people.models import Person
from haven.people.schemas import ProfileUpdate
from haven.people.service import update_profile
from haven.reception.schemas import ReceptionCreate
from haven.reception.service import receive as receive_person
from haven.security.fields import unmasked
from haven.security.permissions import Actor, Role
from haven.sync import down, nodes, receive, up
from haven.sync.models import Role as NodeRole
from haven.sync.values import read_all
from tests import factories
from tests.databases import Databases


@dataclass
class Place:
    name: str
    engine: Engine
    factory: sessionmaker[Session]
    actor: Actor | None = None  # a registrar of the place's site (field nodes)

    @contextmanager
    def tx(self, actor: Actor | None = None) -> Iterator[Session]:
        with transaction(self.factory) as session:
            bind_actor(session, actor or self.actor or Actor.system("test"))
            yield session


@dataclass
class World:
    hq: Place
    nodes: list[Place]
    hq_actor: Actor
    hq_registrars: list[Actor] = field(default_factory=list)  # each site's, at headquarters
    node_ids: list[uuid.UUID] = field(default_factory=list)
    site_ids: list[uuid.UUID] = field(default_factory=list)


def actor_of(user: User) -> Actor:
    return Actor.for_user(
        user_id=user.id,
        username=user.username,
        organisation_id=user.organisation_id,
        site_id=user.site_id,
        role=user.role,
    )


def build(
    hq_databases: Databases, node_databases: Databases, *, nodes_count: int = 2, tag: str = "sync"
) -> World:
    keyring = hq_databases.keyring
    hq_engine = hq_databases.renew(f"{tag}_hq")
    hq = Place("headquarters", hq_engine, make_session_factory(hq_engine, keyring))
    places = []
    for index in range(nodes_count):
        engine = node_databases.renew(f"{tag}_node{index}")
        places.append(Place(f"node {index}", engine, make_session_factory(engine, keyring)))
    with hq.tx() as session:
        nodes.init_node(session, role=NodeRole.HEADQUARTERS, name="Headquarters")
        organisation = factories.organisation(session, name="Synthetic Council")
        manager = factories.user(
            session, organisation=organisation, role=Role.MANAGER, username="hq-manager"
        )
        codes, registrars, sites, at_hq = [], [], [], []
        for index in range(nodes_count):
            site = factories.site(
                session, organisation=organisation, name=f"Reception point {index}"
            )
            registrar = factories.registrar(
                session, organisation=organisation, site=site, username=f"registrar-{index}"
            )
            _node, code = nodes.issue_code(
                session,
                Actor.system(),
                site_id=site.id,
                organisation_id=organisation.id,
                name=f"Laptop {index}",
            )
            codes.append(code)
            registrars.append(actor_of(registrar))
            at_hq.append(
                actor_of(
                    factories.registrar(
                        session,
                        organisation=organisation,
                        site=site,
                        username=f"hq-registrar-{index}",
                    )
                )
            )
            sites.append(site.id)
        hq_actor = actor_of(manager)
    world = World(
        hq=hq,
        nodes=places,
        hq_actor=hq_actor,
        hq_registrars=at_hq,
        site_ids=sites,
    )
    for place, code, registrar in zip(places, codes, registrars, strict=True):
        with place.tx() as session:
            nodes.init_node(session, role=NodeRole.FIELD, name=place.name)
            request = nodes.enrolment_request(session)
        with hq.tx() as session:
            answer = nodes.enrol(session, code=code, request=request)
        with place.tx() as session:
            identity = nodes.complete_enrolment(session, code=code, answer=answer)
            world.node_ids.append(identity.node_id)
        place.actor = registrar
    return world


def register(place: Place, **fields: Any) -> uuid.UUID:
    data = {"name_latin": "Aung Kyaw", "classification": "defector", **fields}
    with place.tx() as session:
        event = receive_person(session, place.actor, ReceptionCreate.model_validate(data))
        return event.person_id


def edit(place: Place, person_id: uuid.UUID, actor: Actor | None = None, **fields: Any) -> None:
    with place.tx(actor) as session:
        update_profile(
            session, actor or place.actor, person_id, ProfileUpdate.model_validate(fields)
        )


def bundle_up(place: Place) -> bytes:
    with place.tx() as session:
        return up.make_up(session)


def apply_up(world: World, data: bytes) -> receive.Receipt:
    with world.hq.tx() as session:
        return receive.receive(session, data)


def bundle_down(world: World, index: int) -> bytes:
    with world.hq.tx() as session:
        me = receive.headquarters(session)
        node = receive.known_node(session, world.node_ids[index])
        return down.make_down_for(session, me, node)


def apply_down(place: Place, data: bytes) -> dict[str, int]:
    with place.tx() as session:
        return down.apply_down(session, data)


def sync(world: World, index: int) -> None:
    """One full round: up, then down."""
    apply_up(world, bundle_up(world.nodes[index]))
    apply_down(world.nodes[index], bundle_down(world, index))


def person_values(place: Place, person_id: uuid.UUID) -> dict[str, Any] | None:
    with place.tx() as session, unmasked(session):
        person = session.get(Person, person_id)
        return None if person is None else read_all(session, person)


def people_of_site(place: Place, site_id: uuid.UUID) -> list[uuid.UUID]:
    with place.tx() as session:
        return sorted(session.scalars(select(Person.id).where(Person.site_id == site_id)))
