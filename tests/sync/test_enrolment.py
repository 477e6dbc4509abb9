"""Enrolment with a one-time code (issue 21, point 1): a laptop whose answer was lost asks
again with the same code and gets the same answer; another laptop with that code is refused;
once the laptop is heard from with its own key, the code is spent."""

from __future__ import annotations

import pytest

from haven.db.session import make_session_factory
from haven.security.permissions import Actor
from haven.sync import nodes, receive, up
from haven.sync.errors import BadEnrolmentCode
from haven.sync.models import Role as NodeRole
from tests.conftest import LAPTOP
from tests.databases import Databases
from tests.sync import world as w


@pytest.mark.parametrize("backend", LAPTOP)
def test_a_lost_answer_is_asked_again_and_the_code_is_spent_at_first_contact(
    backend: str, databases: dict[str, Databases]
) -> None:
    dbs = databases[backend]
    world = w.build(dbs, dbs, nodes_count=1, tag="enrol")
    with world.hq.tx() as session:
        node, code = nodes.issue_code(
            session,
            Actor.system(),
            site_id=world.site_ids[0],
            organisation_id=world.hq_actor.organisation_id,  # type: ignore[arg-type]
            name="Spare laptop",
        )
    engines = [dbs.renew(f"enrol_spare{i}") for i in range(2)]
    laptops = [
        w.Place(f"spare {i}", e, make_session_factory(e, dbs.keyring))
        for i, e in enumerate(engines)
    ]
    requests = []
    for laptop in laptops:
        with laptop.tx() as session:
            nodes.init_node(session, role=NodeRole.FIELD, name=laptop.name)
            requests.append(nodes.enrolment_request(session))
    with world.hq.tx() as session:
        first = nodes.enrol(session, code=code, request=requests[0])
    with world.hq.tx() as session:  # the answer was lost: the laptop asks again
        again = nodes.enrol(session, code=code, request=requests[0])
    assert again["node"] == first["node"] == str(node.id)
    with world.hq.tx() as session, pytest.raises(BadEnrolmentCode):
        nodes.enrol(session, code=code, request=requests[1])  # another laptop, same code
    with laptops[0].tx() as session:
        nodes.complete_enrolment(session, code=code, answer=again)
    laptops[0].actor = world.nodes[0].actor
    w.register(laptops[0], name_latin="Naw Paw")
    with laptops[0].tx() as session:
        data = up.make_up(session)
    with world.hq.tx() as session:
        assert receive.receive(session, data).applied == 2
    with world.hq.tx() as session, pytest.raises(BadEnrolmentCode):
        nodes.enrol(session, code=code, request=requests[0])  # heard from: the code is spent
