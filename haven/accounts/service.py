"""Rules for organisations, sites and users: permission checks, invariants, audit events."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.orm import Session

from haven.accounts import devices, mfa, repository
from haven.accounts import sessions as login_sessions
from haven.accounts.models import Organisation, Site, User
from haven.accounts.schemas import UserCreate, UserUpdate
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.config import Settings
from haven.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from haven.i18n import LANGUAGES, N_
from haven.security import fresh, passwords
from haven.security.permissions import ROLE_SCOPE, Actor, Permission, Role, Scope, require


def create_organisation(session: Session, actor: Actor, *, name: str, kind: str) -> Organisation:
    """Organisations are created by the operator (command line), never through the web."""
    if not actor.is_system:
        raise PermissionDenied
    if repository.organisation_by_name(session, name):
        raise Conflict(fields={"name": N_("An organisation with this name already exists.")})
    organisation = Organisation(name=name, kind=kind)
    session.add(organisation)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.ORGANISATION_CREATED,
        subject_type="organisation",
        subject_id=organisation.id,
        organisation_id=organisation.id,
        changes={"name": {"before": None, "after": name}, "kind": {"before": None, "after": kind}},
    )
    return organisation


def get_organisation(session: Session, actor: Actor, organisation_id: uuid.UUID) -> Organisation:
    organisation = repository.organisation_by_id(session, organisation_id)
    if organisation is None or not (actor.is_system or actor.organisation_id == organisation.id):
        raise NotFound
    require(actor, Permission.ORGANISATION_READ)
    return organisation


def list_organisations(session: Session, actor: Actor) -> Sequence[Organisation]:
    require(actor, Permission.ORGANISATION_READ)
    return repository.organisations_visible(session, actor)


def create_site(
    session: Session,
    actor: Actor,
    *,
    organisation_id: uuid.UUID,
    name: str,
    township: str | None = None,
) -> Site:
    get_organisation(session, actor, organisation_id)
    require(actor, Permission.SITE_MANAGE)
    if repository.site_by_name(session, organisation_id, name):
        raise Conflict(fields={"name": N_("A site with this name already exists.")})
    site = Site(organisation_id=organisation_id, name=name, township=township)
    session.add(site)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.SITE_CREATED,
        subject_type="site",
        subject_id=site.id,
        organisation_id=organisation_id,
        changes={"name": {"before": None, "after": name}},
    )
    return site


def list_sites(session: Session, actor: Actor) -> Sequence[Site]:
    require(actor, Permission.SITE_READ)
    return repository.sites_visible(session, actor)


def _check_site(
    session: Session, organisation_id: uuid.UUID, role: Role, site_id: uuid.UUID | None
) -> None:
    if site_id is not None:
        site = repository.site_by_id(session, site_id)
        if site is None or site.organisation_id != organisation_id:
            raise ValidationFailed(fields={"site_id": N_("Choose a site of this organisation.")})
    elif ROLE_SCOPE[role] is Scope.SITE:
        raise ValidationFailed(fields={"site_id": N_("This role works at one site: choose it.")})


def create_user(
    session: Session,
    actor: Actor,
    data: UserCreate,
    *,
    organisation_id: uuid.UUID,
    settings: Settings | None = None,
) -> User:
    get_organisation(session, actor, organisation_id)
    require(actor, Permission.USER_MANAGE)
    passwords.check_password_rules(data.password, username=data.username)
    _check_site(session, organisation_id, data.role, data.site_id)
    if repository.user_by_username(session, data.username):
        raise Conflict(fields={"username": N_("This username is taken. Choose another.")})
    user = User(
        organisation_id=organisation_id,
        site_id=data.site_id,
        username=data.username,
        display_name=data.display_name,
        role=str(data.role),
        language=data.language,
        password_hash=passwords.hash_password(data.password, settings),
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.USER_CREATED,
        subject_type="user",
        subject_id=user.id,
        organisation_id=organisation_id,
        changes=audit.diff(
            {},
            {
                "username": user.username,
                "display_name": user.display_name,
                "role": user.role,
                "site_id": user.site_id,
                "password": "set",
            },
            sensitive={"password"},
        ),
    )
    return user


def get_user(session: Session, actor: Actor, user_id: uuid.UUID) -> User:
    return repository.user_for(session, actor, user_id, Permission.USER_READ)


def get_self(session: Session, actor: Actor) -> User:
    """The acting user's own record (always visible to themselves)."""
    user = repository.user_by_id(session, actor.user_id) if actor.user_id else None
    if user is None:
        raise NotFound
    return user


def list_users(session: Session, actor: Actor) -> Sequence[User]:
    require(actor, Permission.USER_READ)
    return repository.users_visible(session, actor)


def update_user(session: Session, actor: Actor, user_id: uuid.UUID, data: UserUpdate) -> User:
    """Change a user; a change of role or deactivation ends all their sessions at once."""
    user = repository.user_for(session, actor, user_id, Permission.USER_MANAGE)
    before = {
        "display_name": user.display_name,
        "role": user.role,
        "site_id": user.site_id,
        "is_active": user.is_active,
    }
    changes = data.model_dump(exclude_unset=True)
    role = Role(changes.get("role", user.role))
    site_id = changes.get("site_id", user.site_id)
    if "role" in changes or "site_id" in changes:
        _check_site(session, user.organisation_id, role, site_id)
    if changes.get("is_active") is False and actor.user_id == user.id:
        raise Conflict(fields={"is_active": N_("You cannot deactivate your own account.")})
    for name, value in changes.items():
        setattr(user, name, str(value) if name == "role" else value)
    after = {name: getattr(user, name) for name in before}
    diff = audit.diff(before, after)
    if not diff:
        return user
    session.flush()
    action = (
        AuditAction.USER_DEACTIVATED
        if before["is_active"] and not user.is_active
        else AuditAction.USER_UPDATED
    )
    audit.record(
        session,
        actor,
        action,
        subject_type="user",
        subject_id=user.id,
        organisation_id=user.organisation_id,
        changes=diff,
    )
    if {"role", "site_id", "is_active"} & set(diff):
        login_sessions.revoke_all_for_user(session, actor, user.id, reason="account_changed")
    return user


def set_language(session: Session, actor: Actor, language: str) -> None:
    """A user's own interface language, remembered across devices."""
    if language not in LANGUAGES or actor.user_id is None:
        return
    user = repository.user_by_id(session, actor.user_id)
    if user is None or user.language == language:
        return
    before = user.language
    user.language = language
    audit.record(
        session,
        actor,
        AuditAction.USER_LANGUAGE_CHANGED,
        subject_type="user",
        subject_id=user.id,
        organisation_id=user.organisation_id,
        changes={"language": {"before": before, "after": language}},
    )


def authenticate(
    session: Session, *, username: str, password: str, settings: Settings | None = None
) -> User | None:
    """The active user with this username and password, or None (timing kept the same)."""
    user = repository.user_by_username(session, username.strip())
    if user is None:
        passwords.burn_verification_time(password, settings)
        return None
    if not passwords.verify_password(user.password_hash, password, settings):
        return None
    if not user.is_active:
        return None
    return user


def change_own_password(
    session: Session,
    actor: Actor,
    *,
    current_password: str,
    new_password: str,
    settings: Settings | None = None,
) -> User:
    """A user changes their own password, proving they know the current one.

    The length rule depends on whether the user has a second factor (8, else 15). Other
    sessions of the user end; the caller keeps the one they are using.
    """
    user = get_self(session, actor)
    if not passwords.verify_password(user.password_hash, current_password, settings):
        raise ValidationFailed(
            fields={"current_password": N_("This is not your current password. Try again.")}
        )
    passwords.check_password_rules(
        new_password,
        field="new_password",
        has_second_factor=mfa.has_second_factor(session, user.id),
        username=user.username,
    )
    if passwords.verify_password(user.password_hash, new_password, settings):
        raise ValidationFailed(
            fields={"new_password": N_("Choose a password different from your current one.")}
        )
    user.password_hash = passwords.hash_password(new_password, settings)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.USER_PASSWORD_CHANGED,
        subject_type="user",
        subject_id=user.id,
        organisation_id=user.organisation_id,
        changes={"password": audit.REDACTED},
    )
    current = fresh.current_login(session)
    login_sessions.revoke_all_for_user(
        session,
        actor,
        user.id,
        reason="password_changed",
        keep=current.id if current is not None else None,
    )
    return user


def reset_password(
    session: Session,
    actor: Actor,
    user_id: uuid.UUID,
    *,
    new_password: str,
    settings: Settings | None = None,
) -> User:
    """An administrator sets a new password for a user; all the user's sessions end."""
    user = repository.user_for(session, actor, user_id, Permission.USER_MANAGE)
    if actor.user_id == user.id:
        raise Conflict(
            fields={"new_password": N_("Change your own password on your account page.")}
        )
    passwords.check_password_rules(
        new_password,
        field="new_password",
        has_second_factor=mfa.has_second_factor(session, user.id),
        username=user.username,
    )
    user.password_hash = passwords.hash_password(new_password, settings)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.USER_PASSWORD_RESET,
        subject_type="user",
        subject_id=user.id,
        organisation_id=user.organisation_id,
        changes={"password": audit.REDACTED},
    )
    login_sessions.revoke_all_for_user(session, actor, user.id, reason="password_reset")
    # The password may have leaked: no browser stays a known device of the user.
    devices.forget_all(session, user)
    return user
