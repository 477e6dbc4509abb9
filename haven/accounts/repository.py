"""Every query about organisations, sites and users."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.accounts.models import Organisation, Site, User
from haven.kernel.repository import Repository
from haven.security.permissions import Actor, Permission


class Users(Repository[User]):
    """Users, scoped to the actor's organisation. A user's `site_id` is where they work, not a
    scope: every user of the organisation is listed to those who may read users."""

    model = User
    site_column = None


class Organisations(Repository[Organisation]):
    model = Organisation
    site_column = None


class Sites(Repository[Site]):
    model = Site
    site_column = None


def organisation_by_id(session: Session, organisation_id: uuid.UUID) -> Organisation | None:
    return session.get(Organisation, organisation_id)


def organisation_by_name(session: Session, name: str) -> Organisation | None:
    return session.scalar(select(Organisation).where(Organisation.name == name))


def organisations_visible(session: Session, actor: Actor) -> Sequence[Organisation]:
    """Every organisation for the operator; one's own for everyone else."""
    query = select(Organisation).order_by(Organisation.name)
    if not actor.is_system:
        query = query.where(Organisation.id == actor.organisation_id)
    return session.scalars(query).all()


def organisations_by_id(
    session: Session, organisation_ids: Iterable[uuid.UUID | None]
) -> dict[uuid.UUID, Organisation]:
    """Organisations by id, batched (names shown beside the rows of a list page)."""
    return Organisations(session).many(organisation_ids)


def referral_partners(session: Session, actor: Actor) -> Sequence[Organisation]:
    """The organisations the actor's organisation may refer a person to: every other one.

    Deny by default: an actor who belongs to no organisation may refer to none; the system
    actor (imports, the demo) may refer between any two."""
    organisations = Organisations(session)
    query = organisations.select_all().order_by(Organisation.name)
    if actor.is_system:
        return organisations.all(query)
    if actor.organisation_id is None:
        return []
    return organisations.all(query.where(Organisation.id != actor.organisation_id))


def site_by_id(session: Session, site_id: uuid.UUID) -> Site | None:
    return Sites(session).get(site_id)


def site_by_name(session: Session, organisation_id: uuid.UUID, name: str) -> Site | None:
    return session.scalar(
        select(Site).where(Site.organisation_id == organisation_id, Site.name == name)
    )


def sites_visible(session: Session, actor: Actor) -> Sequence[Site]:
    sites = Sites(session)
    return sites.all(sites.readable(actor).order_by(Site.name))


def user_by_id(session: Session, user_id: uuid.UUID) -> User | None:
    return Users(session).get(user_id)


def user_for(session: Session, actor: Actor, user_id: uuid.UUID, permission: Permission) -> User:
    """The user if within the actor's scope (else NotFound) and the permission held."""
    return Users(session).get_for(actor, user_id, permission)


def users_by_id(session: Session, user_ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, User]:
    """Users by id in a constant number of queries (for lists naming many users)."""
    return Users(session).many(user_ids)


def active_users_with_role(session: Session, actor: Actor, role: str) -> Sequence[User]:
    """The active users of the actor's organisation who hold `role`, by name."""
    users = Users(session)
    query = users.readable(actor).where(User.role == str(role), User.is_active.is_(True))
    return users.all(query.order_by(User.display_name))


def user_by_username(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username.lower()))


def users_visible(session: Session, actor: Actor) -> Sequence[User]:
    users = Users(session)
    return users.all(users.readable(actor).order_by(User.username))
