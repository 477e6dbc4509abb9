"""The world of the serve-posting tests (tests/pathways/test_serve_*.py): an organisation
with a user of each role involved, a receiving force whose tables have equivalences for a
Lieutenant Colonel and a battalion commander, and an agreement that retains ranks and
positions, finalized by two named approvers. Helpers receive a battalion commander under it,
record his serve choice and verify his rank through the API."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven.accounts.sessions import actor_for
from haven.agreements import service as agreements
from haven.agreements.models import Agreement
from haven.agreements.schemas import AgreementCreate, AgreementStatus
from haven.config import Settings
from haven.forces import repository as forces_repository
from haven.forces import service as forces
from haven.forces.models import Force, Position, Rank
from haven.security.permissions import Actor, Role
from tests import factories as f
from tests.pathways.support import SAFEGUARDS

SYSTEM = Actor.system()
LONG_AGO = date(2020, 1, 1)


@dataclass
class World:
    worker: dict[str, str]
    manager: dict[str, str]
    negotiator: dict[str, str]
    registrar: dict[str, str]
    admin: dict[str, str]
    manager_name: str
    usernames: dict[str, str]  # worker, manager, negotiator: for logging in to the pages
    text: str
    agreement: Agreement
    army: Force
    receiving: Force
    lt_col: Rank  # the army's
    their_lt_col: Rank
    their_major: Rank
    their_private: Rank
    army_positions: dict[str, Position]
    their_positions: dict[str, Position]


def positions_of(db: Session, force_id: uuid.UUID) -> dict[str, Position]:
    return {p.code or p.name_en: p for p in forces_repository.positions_of(db, force_id)}


def build_world(client: TestClient, db: Session, fast_settings: Settings) -> World:
    org = f.organisation(db, name=f"Council {uuid.uuid4().hex[:6]}")
    site = f.site(db, organisation=org)

    def user(role: Role, site_: object = None) -> tuple[dict[str, str], Actor, str]:
        made = f.user(
            db,
            organisation=org,
            role=role,
            site=site_,  # type: ignore[arg-type]
            settings=fast_settings,
        )
        return f.bearer(f.api_token(db, user=made)), actor_for(made), made.username

    worker, _w, worker_name = user(Role.CASE_WORKER)
    manager, manager_actor, manager_name = user(Role.MANAGER)
    _m2, second_manager, _ = user(Role.MANAGER)
    negotiator, negotiator_actor, negotiator_name = user(Role.NEGOTIATOR)
    registrar, _r, _ = user(Role.REGISTRAR, site)
    admin, _a, _ = user(Role.ADMINISTRATOR)

    army = forces.ensure_reference_data(db)
    lt_col = next(r for r in forces_repository.ranks_of(db, army.id) if r.seniority == 8)
    receiving = forces.create_force(
        db, SYSTEM, name=f"Receiving {uuid.uuid4().hex[:6]}", kind="receiving"
    )

    def rank(seniority: int, name: str) -> Rank:
        return forces.add_rank(db, SYSTEM, force_id=receiving.id, seniority=seniority, name_en=name)

    their_lt_col, their_major = rank(8, "Lieutenant Colonel"), rank(9, "Major")
    their_private = rank(19, "Private")
    forces.add_equivalence(
        db,
        SYSTEM,
        receiving_force_id=receiving.id,
        source_rank_id=lt_col.id,
        target_rank_id=their_lt_col.id,
        effective_from=LONG_AGO,
    )
    army_positions, their_positions = positions_of(db, army.id), positions_of(db, receiving.id)
    for code in ("battalion_commander", "cook"):
        forces.add_position_equivalence(
            db,
            SYSTEM,
            receiving_force_id=receiving.id,
            source_position_id=army_positions[code].id,
            target_position_id=their_positions[code].id,
            effective_from=LONG_AGO,
        )

    # The agreement retains ranks and positions (the terms' defaults), finalized by two
    # different named approvers: its terms are fixed today.
    agreement = agreements.create(
        db,
        negotiator_actor,
        AgreementCreate.model_validate(
            {
                "code_name": f"Operation {uuid.uuid4().hex[:6]}",
                "site_id": str(site.id),
                "terms": {"ranks_retained": True, "positions_retained": True},
            }
        ),
    )
    agreements.transition(db, negotiator_actor, agreement.id, AgreementStatus.NEGOTIATING)
    for approver in (manager_actor, second_manager):
        assert approver.user_id is not None
        agreements.name_approver(db, negotiator_actor, agreement.id, approver.user_id)
    agreements.approve(db, f.fresh(db, manager_actor), agreement.id)
    agreements.approve(db, f.fresh(db, second_manager), agreement.id)
    assert agreement.status == AgreementStatus.FINALIZED
    assert agreement.finalized_at is not None

    body = {"language": "en", "text": "Serve, go home, or exile: the choice is yours alone."}
    text = client.post("/api/consent-texts", json=body, headers=admin)
    assert text.status_code == 201, text.text
    return World(
        worker=worker,
        manager=manager,
        negotiator=negotiator,
        registrar=registrar,
        admin=admin,
        manager_name=manager_name,
        usernames={"worker": worker_name, "manager": manager_name, "negotiator": negotiator_name},
        text=str(text.json()["id"]),
        agreement=agreement,
        army=army,
        receiving=receiving,
        lt_col=lt_col,
        their_lt_col=their_lt_col,
        their_major=their_major,
        their_private=their_private,
        army_positions=army_positions,
        their_positions=their_positions,
    )


def serving(
    client: TestClient, w: World, *, agreement: bool = True, **reception: object
) -> tuple[str, str]:
    """A Lieutenant Colonel, battalion commander, received (under the agreement) and choosing
    serve: (person id, the serve API's base path)."""
    body: dict[str, object] = {
        "name_latin": f"Bo {uuid.uuid4().hex[:6]}",
        "classification": "defector",
        "rank_id": str(w.lt_col.id),
        "origin_force_id": str(w.army.id),
        "position": "Battalion commander",
        **reception,
    }
    if agreement:
        body["agreement_id"] = str(w.agreement.id)
    received = client.post("/api/receptions", json=body, headers=w.registrar)
    assert received.status_code == 201, received.text
    person = str(received.json()["person_id"])
    choice = {
        "pathway": "serve",
        "language": "en",
        "consent_text_id": w.text,
        "explained": True,
        **SAFEGUARDS,
    }
    chosen = client.post(f"/api/people/{person}/pathway-choices", json=choice, headers=w.worker)
    assert chosen.status_code == 201, chosen.text
    return person, f"/api/cases/{chosen.json()['case_id']}/serve"


def verified(client: TestClient, w: World, base: str) -> dict[str, object]:
    claim = client.post(
        f"{base}/claim", json={"receiving_force_id": str(w.receiving.id)}, headers=w.worker
    )
    assert claim.status_code == 200, claim.text
    verified = client.post(
        f"{base}/verify", json={"status": "verified", "evidence": ["roll"]}, headers=w.worker
    )
    assert verified.status_code == 200, verified.text
    return dict(verified.json())


def named(item: Rank | Position) -> str:
    return f"{item.name_en} · {item.name_my}" if item.name_my else item.name_en


def post(client: TestClient, w: World, base: str, number: str, **body: object) -> object:
    return client.post(
        f"{base}/post",
        json={"unit": "Battalion 2", "personnel_number": number, **body},
        headers=w.worker,
    )
