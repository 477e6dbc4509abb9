from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.accounts import service, sessions
from haven.accounts.schemas import UserCreate, UserUpdate
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from haven.security.models import LoginSession
from haven.security.permissions import Role
from tests import factories as f


def _events(db: Session, subject_id: object) -> list[AuditEvent]:
    return list(
        db.scalars(
            select(AuditEvent).where(AuditEvent.subject_id == subject_id).order_by(AuditEvent.seq)
        )
    )


def test_creating_a_user_is_audited_without_the_password(
    db: Session, fast_settings: Settings
) -> None:
    org = f.organisation(db)
    user = f.user(db, organisation=org, settings=fast_settings)
    events = _events(db, user.id)
    assert [e.action for e in events] == ["user.created"]
    assert events[0].changes["password"] == "<changed>"
    assert f.PASSWORD not in str(events[0].changes)
    assert user.password_hash.startswith("$argon2id$")


def test_usernames_are_unique(db: Session, fast_settings: Settings) -> None:
    org = f.organisation(db)
    f.user(db, organisation=org, username="same.name", settings=fast_settings)
    with pytest.raises(Conflict) as info:
        f.user(db, organisation=org, username="same.name", settings=fast_settings)
    assert "username" in info.value.fields


def test_a_registrar_must_have_a_site_of_their_organisation(
    db: Session, fast_settings: Settings
) -> None:
    org, other = f.organisation(db), f.organisation(db)
    with pytest.raises(ValidationFailed) as info:
        f.user(db, organisation=org, role=Role.REGISTRAR, settings=fast_settings)
    assert "site_id" in info.value.fields
    foreign_site = f.site(db, organisation=other)
    with pytest.raises(ValidationFailed):
        f.user(db, organisation=org, role=Role.REGISTRAR, site=foreign_site, settings=fast_settings)


def test_a_user_of_one_organisation_cannot_see_another_organisations_users(
    db: Session, fast_settings: Settings
) -> None:
    org_a, org_b = f.organisation(db), f.organisation(db)
    admin_a = sessions.actor_for(f.user(db, organisation=org_a, settings=fast_settings))
    stranger = f.user(db, organisation=org_b, settings=fast_settings)
    with pytest.raises(NotFound):
        service.get_user(db, admin_a, stranger.id)
    assert stranger.id not in {u.id for u in service.list_users(db, admin_a)}


def test_non_administrators_cannot_manage_users(db: Session, fast_settings: Settings) -> None:
    org = f.organisation(db)
    worker = sessions.actor_for(
        f.user(db, organisation=org, role=Role.CASE_WORKER, settings=fast_settings)
    )
    with pytest.raises(PermissionDenied):
        service.create_user(
            db,
            worker,
            UserCreate(
                username="newbie", display_name="N", role=Role.CASE_WORKER, password="x" * 20
            ),
            organisation_id=org.id,
            settings=fast_settings,
        )
    with pytest.raises(PermissionDenied):
        service.list_users(db, worker)


def test_a_role_change_ends_the_users_sessions(db: Session, fast_settings: Settings) -> None:
    org = f.organisation(db)
    admin = sessions.actor_for(f.user(db, organisation=org, settings=fast_settings))
    target = f.user(db, organisation=org, role=Role.CASE_WORKER, settings=fast_settings)
    _token, login = sessions.start(db, target, fast_settings)
    service.update_user(db, admin, target.id, UserUpdate(role=Role.MANAGER))
    db.refresh(login)
    assert login.revoked_at is not None
    assert login.revoked_reason == "account_changed"
    actions = [e.action for e in _events(db, target.id)]
    assert "user.updated" in actions
    assert "auth.session_revoked" in actions


def test_deactivation_blocks_login(db: Session, fast_settings: Settings) -> None:
    org = f.organisation(db)
    admin = sessions.actor_for(f.user(db, organisation=org, settings=fast_settings))
    target = f.user(db, organisation=org, username="leaving", settings=fast_settings)
    assert service.authenticate(db, username="leaving", password=f.PASSWORD, settings=fast_settings)
    service.update_user(db, admin, target.id, UserUpdate(is_active=False))
    assert (
        service.authenticate(db, username="leaving", password=f.PASSWORD, settings=fast_settings)
        is None
    )
    assert [e.action for e in _events(db, target.id)][-1] == "user.deactivated"


def test_an_administrator_cannot_deactivate_themselves(
    db: Session, fast_settings: Settings
) -> None:
    org = f.organisation(db)
    admin_user = f.user(db, organisation=org, settings=fast_settings)
    with pytest.raises(Conflict):
        service.update_user(
            db, sessions.actor_for(admin_user), admin_user.id, UserUpdate(is_active=False)
        )


def test_authenticate_rejects_unknown_users_and_wrong_passwords(
    db: Session, fast_settings: Settings
) -> None:
    org = f.organisation(db)
    f.user(db, organisation=org, username="known", settings=fast_settings)
    assert (
        service.authenticate(db, username="nobody", password=f.PASSWORD, settings=fast_settings)
        is None
    )
    assert (
        service.authenticate(
            db, username="known", password="wrong password!!", settings=fast_settings
        )
        is None
    )
    assert service.authenticate(db, username=" KNOWN ", password=f.PASSWORD, settings=fast_settings)


def test_sessions_are_stored_hashed(db: Session, fast_settings: Settings) -> None:
    org = f.organisation(db)
    user = f.user(db, organisation=org, settings=fast_settings)
    token, login = sessions.start(db, user, fast_settings)
    assert len(token) >= 22  # 32 random bytes, url-safe base64: 256 bits
    stored = db.scalars(select(LoginSession.token_hash)).all()
    assert token not in stored
    assert login.token_hash in stored
