"""A registrar reviews only the pairs whose two persons are both at their own site: a pair
that spans sites (one person's page answers 404 to them) is listed, read and decided only by
the organisation-wide reviewers, such as case workers (issue 19, finding 5)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from haven.accounts.models import Site
from haven.accounts.sessions import actor_for
from haven.config import Settings
from haven.errors import NotFound
from haven.kernel.sensitivity import bind_actor
from haven.matching import service
from haven.people.models import Person
from haven.reception import service as reception
from haven.reception.schemas import ReceptionCreate
from haven.security.permissions import Actor, Role
from tests import factories as f

SYSTEM = Actor.system()


def _person(db: Session, site: Site, name: str) -> Person:
    event = reception.receive(
        db,
        SYSTEM,
        ReceptionCreate.model_validate(
            {"name_latin": name, "classification": "defector", "site_id": str(site.id)}
        ),
    )
    return db.get_one(Person, event.person_id)


def test_a_registrar_reviews_only_pairs_at_their_own_site(
    db: Session, fast_settings: Settings
) -> None:
    bind_actor(db, SYSTEM)
    org = f.organisation(db)
    here, there = f.site(db, organisation=org), f.site(db, organisation=org)
    one, twin = _person(db, here, "Aung Site"), _person(db, here, "Aung Site")
    far = _person(db, there, "Aung Site")

    def queue(a: Person, b: Person) -> object:
        candidate = service.Candidate(b.id, b.organisation_id, 5.0, 0.97, ("same name",))
        [review] = service.queue_for_review(db, SYSTEM, a, [candidate], source="batch")
        return review

    local, spanning = queue(one, twin), queue(one, far)
    registrar = actor_for(f.registrar(db, organisation=org, site=here, settings=fast_settings))
    worker = actor_for(f.user(db, organisation=org, role=Role.CASE_WORKER, settings=fast_settings))
    bind_actor(db, registrar)
    assert [r.id for r in service.list_reviews(db, registrar)] == [local.id]  # type: ignore[attr-defined]
    with pytest.raises(NotFound):
        service.get_review(db, registrar, spanning.id)  # type: ignore[attr-defined]
    with pytest.raises(NotFound):
        service.decide(db, registrar, spanning.id, "link")  # type: ignore[attr-defined]
    bind_actor(db, worker)
    listed = {r.id for r in service.list_reviews(db, worker)}
    assert listed == {local.id, spanning.id}  # type: ignore[attr-defined]
