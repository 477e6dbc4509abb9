from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest

from haven.errors import NotFound, PermissionDenied
from haven.security.permissions import (
    ROLE_PERMISSIONS,
    ROLE_SCOPE,
    Actor,
    Permission,
    Role,
    Scope,
    require,
)


def _actor(role: Role, org: uuid.UUID, site: uuid.UUID | None = None) -> Actor:
    return Actor.for_user(
        user_id=uuid.uuid4(), username="u", organisation_id=org, site_id=site, role=role
    )


def test_every_role_has_permissions_and_a_scope() -> None:
    for role in Role:
        assert ROLE_PERMISSIONS[role], role
        assert role in ROLE_SCOPE


def test_only_registrars_are_site_scoped() -> None:
    assert {r for r, s in ROLE_SCOPE.items() if s is Scope.SITE} == {Role.REGISTRAR}


def test_unknown_role_grants_nothing() -> None:
    actor = Actor.for_user(
        user_id=uuid.uuid4(),
        username="u",
        organisation_id=uuid.uuid4(),
        site_id=None,
        role="emperor",
    )
    assert actor.permissions == frozenset()
    with pytest.raises(PermissionDenied):
        require(actor, Permission.DASHBOARD_VIEW)


def test_record_of_another_organisation_is_not_found_even_with_the_permission() -> None:
    admin = _actor(Role.ADMINISTRATOR, uuid.uuid4())
    record = SimpleNamespace(organisation_id=uuid.uuid4())
    with pytest.raises(NotFound):
        require(admin, Permission.USER_READ, record)


def test_missing_permission_on_own_record_is_forbidden() -> None:
    org = uuid.uuid4()
    worker = _actor(Role.CASE_WORKER, org)
    with pytest.raises(PermissionDenied):
        require(worker, Permission.USER_MANAGE, SimpleNamespace(organisation_id=org))


def test_registrar_sees_only_own_site() -> None:
    org, site = uuid.uuid4(), uuid.uuid4()
    registrar = _actor(Role.REGISTRAR, org, site)
    require(registrar, Permission.PERSON_READ, SimpleNamespace(organisation_id=org, site_id=site))
    with pytest.raises(NotFound):
        require(
            registrar,
            Permission.PERSON_READ,
            SimpleNamespace(organisation_id=org, site_id=uuid.uuid4()),
        )


def test_negotiation_rights_belong_to_negotiators_only() -> None:
    holders = {r for r, perms in ROLE_PERMISSIONS.items() if Permission.AGREEMENT_READ in perms}
    assert holders == {Role.NEGOTIATOR}
