"""Builders shared by the tests of the pathways, payments and compliance reports: an
organisation with a programme manager and a registrar, and received persons (synthetic)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import cast

from sqlalchemy.orm import Session

from haven.accounts.models import Organisation, Site, User
from haven.accounts.sessions import actor_for
from haven.reception.public import ReceptionEvent
from haven.reports import service
from haven.reports.tables import Report, Table
from haven.security.permissions import Actor, Role
from tests import factories as f


@dataclass
class World:
    organisation: Organisation
    site: Site
    manager: Actor
    registrar: Actor
    manager_user: User


def world(db: Session) -> World:
    organisation = f.organisation(db)
    site = f.site(db, organisation=organisation)
    manager = f.user(db, organisation=organisation, role=Role.MANAGER)
    registrar = f.registrar(db, organisation=organisation, site=site)
    return World(organisation, site, actor_for(manager), actor_for(registrar), manager)


def received(db: Session, w: World, count: int, **fields: object) -> list[ReceptionEvent]:
    """`count` persons received at the world's site (defectors unless told otherwise)."""
    return [
        cast(ReceptionEvent, f.receive(db, w.registrar, name_latin=f"Person {index}", **fields))
        for index in range(count)
    ]


def people(db: Session, w: World, count: int, **fields: object) -> list[uuid.UUID]:
    """The ids of `count` persons received (`received`)."""
    return [event.person_id for event in received(db, w, count, **fields)]


def cells(table: Table) -> dict[str, tuple[int, ...]]:
    """Row key -> the row's values."""
    return {row.key: row.values for row in table.rows}


def nothing_small_leaves(report: Report) -> None:
    """What leaves Haven (`service.published`, as the JSON API and downloads have it): no
    count of persons from 1 to the threshold - 1 is shown."""
    threshold = service.threshold()
    for published in service.published(report):
        table = published.table
        for index in range(len(table.rows)):
            for column, shown in zip(table.columns, published.cells(index), strict=True):
                if column.suppress:
                    assert not (isinstance(shown, int) and 0 < shown < threshold), table.key
        if table.row_totals:
            for index in range(len(table.rows)):
                shown = published.row_total(index)
                assert not (isinstance(shown, int) and 0 < shown < threshold), table.key
        if table.column_totals:
            for shown in published.column_totals():
                assert not (isinstance(shown, int) and 0 < shown < threshold), table.key
