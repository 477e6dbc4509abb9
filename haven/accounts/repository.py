"""Every query about organisations, sites and users."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from haven.accounts.models import Organisation, Site, User
from haven.security.permissions import Actor, visible_to


def organisation_by_id(session: Session, organisation_id: uuid.UUID) -> Organisation | None:
    return session.get(Organisation, organisation_id)


def organisation_by_name(session: Session, name: str) -> Organisation | None:
    return session.scalar(select(Organisation).where(Organisation.name == name))


def organisations_visible(session: Session, actor: Actor) -> Sequence[Organisation]:
    query = select(Organisation).order_by(Organisation.name)
    if not actor.is_system:
        query = query.where(Organisation.id == actor.organisation_id)
    return session.scalars(query).all()


def site_by_id(session: Session, site_id: uuid.UUID) -> Site | None:
    return session.get(Site, site_id)


def site_by_name(session: Session, organisation_id: uuid.UUID, name: str) -> Site | None:
    return session.scalar(
        select(Site).where(Site.organisation_id == organisation_id, Site.name == name)
    )


def sites_visible(session: Session, actor: Actor) -> Sequence[Site]:
    query = select(Site).where(visible_to(actor, Site, site_column=None)).order_by(Site.name)
    return session.scalars(query).all()


def user_by_id(session: Session, user_id: uuid.UUID) -> User | None:
    return session.get(User, user_id)


def user_by_username(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username.lower()))


def users_visible(session: Session, actor: Actor) -> Sequence[User]:
    query = select(User).where(visible_to(actor, User, site_column=None)).order_by(User.username)
    return session.scalars(query).all()


def count_users_visible(session: Session, actor: Actor) -> int:
    query = select(func.count()).select_from(User).where(visible_to(actor, User, site_column=None))
    return session.scalar(query) or 0
