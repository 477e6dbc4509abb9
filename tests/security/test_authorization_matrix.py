"""The authorisation matrix: every API operation, called as every role, on a record of the
caller's own organisation and on one of another organisation, must allow or deny exactly as
the policy (ROLE_PERMISSIONS and scopes) says.

The table below says which permission each operation needs and how to call it; the expected
outcome for each role is computed from the policy, never written by hand. A new API route
that is missing from the table fails `test_every_api_operation_is_in_the_matrix`.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from haven.accounts import tokens as token_service
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.forces import repository as forces_repository
from haven.forces import service as forces
from haven.kernel.sensitivity import ROLE_CLEARANCE, Sensitivity
from haven.people import service as people
from haven.people.schemas import FamilyMemberIn
from haven.reception import service as reception
from haven.reception.schemas import ReceptionCreate
from haven.security.permissions import ROLE_PERMISSIONS, ROLE_SCOPE, Actor, Permission, Role, Scope
from tests import factories as f
from tests.conftest import BACKENDS, worker_databases
from tests.databases import Databases
from tests.security import (
    matrix_agreements,
    matrix_allowances,
    matrix_cards,
    matrix_complaints,
    matrix_contacts,
    matrix_disclosures,
    matrix_families,
    matrix_jobs,
    matrix_matching,
    matrix_pathways,
    matrix_pow,
    matrix_programme,
    matrix_protection,
    matrix_reports,
    matrix_vetting,
    matrix_weapons,
)
from tests.security.matrix import Operation, Side, SideContext, World

DOMAINS = [
    matrix_agreements,
    matrix_allowances,
    matrix_cards,
    matrix_pathways,
    matrix_vetting,
    matrix_pow,
    matrix_matching,
    matrix_programme,
    matrix_jobs,
    matrix_disclosures,
    matrix_contacts,
    matrix_complaints,
    matrix_protection,
    matrix_families,
    matrix_weapons,
    matrix_reports,
]

SYSTEM = Actor.system()


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, format="PNG")
    return out.getvalue()


def _side(
    db: Session, settings: Settings, org_name: str, domains: list[Any]
) -> tuple[Side, dict[Role, Any]]:
    org = f.organisation(db, name=org_name)
    site = f.site(db, organisation=org)
    side = Side()
    users = {
        role: f.user(
            db,
            organisation=org,
            role=role,
            site=site if role is Role.REGISTRAR else None,
            settings=settings,
        )
        for role in Role
    }
    event = reception.receive(
        db,
        SYSTEM,
        ReceptionCreate.model_validate(
            {
                "name_latin": "Matrix Person",
                "classification": "defector",
                "site_id": str(site.id),
                "weapons": [{"kind": "rifle"}],
            }
        ),
    )
    member = people.add_family_member(
        db, SYSTEM, event.person_id, FamilyMemberIn(relationship="mother", whereabouts="Village X")
    )
    people.set_photo(db, SYSTEM, event.person_id, _photo())
    weapon = reception.weapons_of(db, SYSTEM, event)[0]
    side.ids = {
        "person_id": event.person_id,
        "reception_id": event.id,
        "member_id": member.id,
        "weapon_id": weapon.id,
        "user_id": users[Role.CASE_WORKER].id,
        "event_id": db.scalars(
            select(AuditEvent.id).where(AuditEvent.organisation_id == org.id).limit(1)
        ).one(),
    }
    ctx = SideContext(
        db=db,
        settings=settings,
        organisation=org,
        site=site,
        users=users,
        person_id=event.person_id,
    )
    for domain in domains:
        domain.seed(ctx, side)
    return side, users


MATRIX_DATABASE = "haven_matrix"


def _build_world(db: Session, settings: Settings) -> World:
    """Two organisations, each with a user per role and every domain's records."""
    mine, users = _side(db, settings, "Matrix organisation A", DOMAINS)
    other, other_users = _side(db, settings, "Matrix organisation B", DOMAINS)
    tokens, token_ids = {}, {}
    for role, user in users.items():
        plaintext, token = token_service.issue(db, SYSTEM, user=user, name="matrix")
        tokens[role], token_ids[role] = plaintext, token.id
    _, other_token = token_service.issue(
        db, SYSTEM, user=other_users[Role.CASE_WORKER], name="other"
    )
    other.ids["token_id"] = other_token.id
    army = forces.ensure_reference_data(db)
    ranks = forces_repository.ranks_of(db, army.id)
    receiving = forces.create_force(db, SYSTEM, name="Matrix receiving force", kind="receiving")
    target = forces.add_rank(db, SYSTEM, force_id=receiving.id, seniority=1, name_en="Matrix rank")
    forces.add_equivalence(
        db,
        SYSTEM,
        receiving_force_id=receiving.id,
        source_rank_id=ranks[0].id,
        target_rank_id=target.id,
        effective_from=date(2020, 1, 1),
    )
    army_positions = forces_repository.positions_of(db, army.id)
    their_positions = forces_repository.positions_of(db, receiving.id)
    forces.add_position_equivalence(
        db,
        SYSTEM,
        receiving_force_id=receiving.id,
        source_position_id=army_positions[0].id,
        target_position_id=their_positions[0].id,
        effective_from=date(2020, 1, 1),
    )
    shared = {
        "force_id": army.id,
        "rank_id": ranks[-1].id,
        "receiving_force_id": receiving.id,
        "source_rank_id": ranks[0].id,
        "target_rank_id": target.id,
        "position_id": army_positions[-1].id,
        "source_position_id": army_positions[0].id,
        "target_position_id": their_positions[0].id,
    }
    return World(mine=mine, other=other, tokens=tokens, token_ids=token_ids, shared=shared)


@pytest.fixture(params=BACKENDS)
def engine(
    request: pytest.FixtureRequest, databases: dict[str, Databases], fast_settings: Settings
) -> Iterator[Engine]:
    """The matrix's own database, its world committed once; each test's calls roll back.

    Building two organisations with a user per role and every domain's records takes seconds;
    built once and shared by the hundreds of operations, each test runs inside a transaction
    that is rolled back (see `connection`), so every test starts from the same world.
    """
    mine = worker_databases(request, databases)
    mine.world(MATRIX_DATABASE, lambda db: _build_world(db, fast_settings))
    yield mine.engine(MATRIX_DATABASE)
    mine.fail_if_leaked(MATRIX_DATABASE)


@pytest.fixture
def world(
    request: pytest.FixtureRequest,
    engine: Engine,
    databases: dict[str, Databases],
    fast_settings: Settings,
) -> World:
    mine = databases[request.node.callspec.params["engine"]]
    return mine.world(MATRIX_DATABASE, lambda db: _build_world(db, fast_settings))


CORE_OPERATIONS: list[Operation] = [
    Operation("GET", "/api/me", None),
    Operation("GET", "/api/audit/events", Permission.AUDIT_READ),
    Operation("GET", "/api/audit/events/{event_id}", Permission.AUDIT_READ, record=True),
    Operation("GET", "/api/audit/verify", Permission.AUDIT_READ),
    Operation("GET", "/api/organisations", Permission.ORGANISATION_READ),
    Operation("GET", "/api/sites", Permission.SITE_READ),
    Operation("GET", "/api/users", Permission.USER_READ),
    Operation("GET", "/api/users/{user_id}", Permission.USER_READ, record=True),
    Operation(
        "POST",
        "/api/users",
        Permission.USER_MANAGE,
        json=lambda w: {
            "username": f"m{uuid.uuid4().hex[:8]}",
            "display_name": "M",
            "role": "case_worker",
            "password": "x" * 20,
        },
    ),
    Operation(
        "PATCH",
        "/api/users/{user_id}",
        Permission.USER_MANAGE,
        record=True,
        json=lambda w: {"display_name": "Renamed"},
    ),
    Operation("GET", "/api/tokens", Permission.API_TOKEN_OWN),
    Operation("DELETE", "/api/tokens/{token_id}", Permission.API_TOKEN_OWN, record=True),
    Operation("GET", "/api/forces", Permission.REFERENCE_READ),
    Operation(
        "POST",
        "/api/forces",
        Permission.REFERENCE_MANAGE,
        json=lambda w: {"name": f"F {uuid.uuid4().hex[:6]}", "kind": "militia"},
    ),
    Operation("GET", "/api/forces/{force_id}/ranks", Permission.REFERENCE_READ),
    Operation(
        "POST",
        "/api/forces/{force_id}/ranks",
        Permission.REFERENCE_MANAGE,
        json=lambda w: {"seniority": 150, "name_en": "Extra"},
    ),
    Operation("GET", "/api/forces/{force_id}/units", Permission.REFERENCE_READ),
    Operation(
        "PATCH",
        "/api/ranks/{rank_id}",
        Permission.REFERENCE_MANAGE,
        json=lambda w: {"name_my": "တပ်သား", "verified": True},
    ),
    Operation(
        "GET", "/api/ranks/lookup", Permission.REFERENCE_READ, query=lambda w: {"text": "Bo Gyi"}
    ),
    Operation(
        "POST",
        "/api/rank-equivalences",
        Permission.REFERENCE_MANAGE,
        json=lambda w: {
            "receiving_force_id": str(w.shared["receiving_force_id"]),
            "source_rank_id": str(w.shared["rank_id"]),
            "target_rank_id": str(w.shared["target_rank_id"]),
            "effective_from": "2021-01-01",
        },
    ),
    Operation(
        "GET",
        "/api/rank-equivalences/lookup",
        Permission.REFERENCE_READ,
        query=lambda w: {
            "source_rank_id": str(w.shared["source_rank_id"]),
            "receiving_force_id": str(w.shared["receiving_force_id"]),
            "on": "2024-01-01",
        },
    ),
    Operation("GET", "/api/forces/{force_id}/positions", Permission.REFERENCE_READ),
    Operation(
        "POST",
        "/api/forces/{force_id}/positions",
        Permission.REFERENCE_MANAGE,
        json=lambda w: {"grade": 9, "name_en": f"Extra {uuid.uuid4().hex[:6]}"},
    ),
    Operation(
        "PATCH",
        "/api/positions/{position_id}",
        Permission.REFERENCE_MANAGE,
        json=lambda w: {"name_my": "ထမင်းချက်", "verified": True},
    ),
    Operation(
        "POST",
        "/api/position-equivalences",
        Permission.REFERENCE_MANAGE,
        json=lambda w: {
            "receiving_force_id": str(w.shared["receiving_force_id"]),
            "source_position_id": str(w.shared["position_id"]),
            "target_position_id": str(w.shared["target_position_id"]),
            "effective_from": "2021-01-01",
        },
    ),
    Operation(
        "GET",
        "/api/position-equivalences/lookup",
        Permission.REFERENCE_READ,
        query=lambda w: {
            "source_position_id": str(w.shared["source_position_id"]),
            "receiving_force_id": str(w.shared["receiving_force_id"]),
            "on": "2024-01-01",
        },
    ),
    Operation(
        "POST",
        "/api/receptions",
        Permission.RECEPTION_RECORD,
        json=lambda w: {"name_latin": "New Arrival", "classification": "defector"},
    ),
    Operation("POST", "/api/receptions/import", Permission.RECEPTION_RECORD, files=True),
    Operation("GET", "/api/receptions/xlsform", Permission.RECEPTION_RECORD),
    Operation("GET", "/api/receptions/{reception_id}", Permission.PERSON_READ, record=True),
    Operation("GET", "/api/people/{person_id}/receptions", Permission.PERSON_READ, record=True),
    Operation("GET", "/api/receptions/{reception_id}/weapons", Permission.PERSON_READ, record=True),
    Operation(
        "POST",
        "/api/receptions/{reception_id}/weapons",
        Permission.RECEPTION_RECORD,
        record=True,
        json=lambda w: {"kind": "radio"},
    ),
    Operation(
        "POST",
        "/api/receptions/{reception_id}/corrections",
        Permission.RECEPTION_RECORD,
        record=True,
        json=lambda w: {"reason": "Misheard at the desk", "position": "Cook"},
    ),
    Operation(
        "GET", "/api/receptions/{reception_id}/corrections", Permission.PERSON_READ, record=True
    ),
    Operation(
        "POST",
        "/api/receptions/{reception_id}/handover",
        Permission.RECEPTION_RECORD,
        record=True,
        json=lambda w: {"handed_over_to": "social_welfare", "receiver": "Township office"},
    ),
    Operation(
        "POST",
        "/api/people/possible-duplicates",
        Permission.PERSON_READ,
        json=lambda w: {"name_latin": "Matrix Person"},
    ),
    Operation(
        "POST", "/api/people/search", Permission.PERSON_READ, json=lambda w: {"q": "matrix person"}
    ),
    Operation("GET", "/api/people/{person_id}", Permission.PERSON_READ, record=True),
    Operation(
        "PATCH",
        "/api/people/{person_id}",
        Permission.PERSON_WRITE,
        record=True,
        json=lambda w: {"father_name": "U Matrix"},
    ),
    Operation("GET", "/api/people/{person_id}/family", Permission.PERSON_READ, record=True),
    Operation(
        "POST",
        "/api/people/{person_id}/family",
        Permission.PERSON_WRITE,
        record=True,
        json=lambda w: {"relationship": "son"},
    ),
    Operation(
        "DELETE", "/api/people/{person_id}/family/{member_id}", Permission.PERSON_WRITE, record=True
    ),
    Operation(
        "PUT", "/api/people/{person_id}/photo", Permission.PERSON_WRITE, record=True, files=True
    ),
    Operation(
        "GET",
        "/api/people/{person_id}/photo",
        Permission.PERSON_READ,
        record=True,
        clearance=Sensitivity.CONFIDENTIAL,
    ),
]

OPERATIONS: list[Operation] = CORE_OPERATIONS + [
    op for domain in DOMAINS for op in domain.OPERATIONS
]


def _path(op: Operation, world: World, side: Side, role: Role) -> str:
    values = {
        **{k: str(v) for k, v in world.shared.items()},
        **{k: str(v) for k, v in side.ids.items()},
    }
    if op.path == "/api/tokens/{token_id}" and side is world.mine:
        values["token_id"] = str(world.token_ids[role])
    if "{job_id}" in op.path and side is world.mine:
        values["job_id"] = values[f"job_id_{role.value}"]  # each role's own job
    return op.path.format(**values)


def _call(client: TestClient, op: Operation, world: World, side: Side, role: Role) -> int:
    kwargs: dict[str, Any] = {"headers": f.bearer(world.tokens[role])}
    if op.json:
        kwargs["json"] = op.json(world)
    if op.body:
        kwargs["json"] = op.body(world, side)
    if op.query:
        kwargs["params"] = op.query(world)
    if op.upload:
        kwargs["files"] = op.upload(world)
    elif op.files and op.path.endswith("/photo"):
        kwargs["files"] = {"photo": ("p.png", _photo(), "image/png")}
    elif op.files:
        csv = "name_latin,classification,received_on\nImported Person,defector,2026-11-01\n"
        kwargs["files"] = {"file": ("people.csv", csv.encode(), "text/csv")}
    return client.request(op.method, _path(op, world, side, role), **kwargs).status_code


def _elsewhere(side: Side) -> Side:
    """The side's records at another site of its organisation, under their usual names."""
    suffix = "_elsewhere"
    moved = {k.removesuffix(suffix): v for k, v in side.ids.items() if k.endswith(suffix)}
    return Side(ids={**side.ids, **moved})


def _expected_allowed(op: Operation, role: Role, *, own: bool) -> bool:
    if not own or op.fresh:
        return False
    if op.clearance is not None:
        order = list(Sensitivity)
        if order.index(ROLE_CLEARANCE[role]) < order.index(op.clearance):
            return False
    return op.permission is None or op.permission in ROLE_PERMISSIONS[role]


def _api_operations(app: FastAPI) -> set[tuple[str, str]]:
    """Every operation the API publishes (its OpenAPI schema is the contract)."""
    return {
        (method.upper(), path)
        for path, item in app.openapi()["paths"].items()
        if path.startswith("/api/")
        for method in item
    }


def test_every_api_operation_is_in_the_matrix(app: FastAPI) -> None:
    assert _api_operations(app) == {(op.method, op.path) for op in OPERATIONS}


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: f"{op.method} {op.path}")
def test_matrix(op: Operation, client: TestClient, db: Session, world: World) -> None:
    """Each role on its own and another organisation's record, and no credential at all:
    a missing, forged or wrong-scheme credential is 401 on every operation."""
    path = _path(op, world, world.mine, Role.ADMINISTRATOR)
    for headers in ({}, {"Authorization": "Bearer hvn_forged"}, {"Authorization": "Basic YTpi"}):
        response = client.request(op.method, path, headers=headers)
        assert response.status_code == 401, (op.path, headers, response.status_code)
    unexpected_allows, unexpected_denies = [], []
    sides = [(world.mine, "own")] + ([(world.other, "other")] if op.record else [])
    if op.elsewhere:
        sides.append((_elsewhere(world.mine), "elsewhere"))
    for role in Role:
        for side, where in sides:
            savepoint = db.begin_nested()
            status = _call(client, op, world, side, role)
            savepoint.rollback()
            assert status < 500, (role, op.path, status)
            allowed = status not in (401, 403, 404)
            expected = _expected_allowed(op, role, own=where != "other")
            if where == "elsewhere" and ROLE_SCOPE[role] is Scope.SITE:
                expected = False
            if allowed and not expected:
                unexpected_allows.append((role.value, where, status))
            if expected and not allowed:
                unexpected_denies.append((role.value, where, status))
    assert unexpected_allows == []
    assert unexpected_denies == []


def test_matrix_size_is_reported() -> None:
    cells = sum(len(Role) * (2 if op.record else 1) for op in OPERATIONS)
    assert cells >= len(OPERATIONS) * len(Role)
    print(f"authorisation matrix: {len(OPERATIONS)} operations x {len(Role)} roles = {cells} cells")  # noqa: T201
