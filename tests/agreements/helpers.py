"""Builders for agreements tests (synthetic data only)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from haven.accounts.models import Organisation, Site
from haven.accounts.sessions import actor_for
from haven.agreements import roll, service
from haven.agreements.models import Agreement
from haven.agreements.schemas import AgreementCreate, AgreementStatus
from haven.config import Settings
from haven.reception.importing import ImportRow
from haven.security.permissions import Actor, Role
from tests import factories as f

SYSTEM = Actor.system()


@dataclass
class Team:
    org: Organisation
    site: Site
    negotiator: Actor
    manager1: Actor
    manager2: Actor
    registrar: Actor
    caseworker: Actor


def team(db: Session, settings: Settings) -> Team:
    org = f.organisation(db)
    site = f.site(db, organisation=org)

    def actor(role: Role, *, at_site: bool = False) -> Actor:
        return actor_for(
            f.user(
                db, organisation=org, role=role, site=site if at_site else None, settings=settings
            )
        )

    return Team(
        org=org,
        site=site,
        negotiator=actor(Role.NEGOTIATOR),
        manager1=actor(Role.MANAGER),
        manager2=actor(Role.MANAGER),
        registrar=actor(Role.REGISTRAR, at_site=True),
        caseworker=actor(Role.CASE_WORKER),
    )


def draft(db: Session, t: Team, *, code_name: str | None = None) -> Agreement:
    return service.create(
        db,
        t.negotiator,
        AgreementCreate.model_validate(
            {
                "code_name": code_name or f"Operation {uuid.uuid4().hex[:6]}",
                "site_id": str(t.site.id),
                "expected_headcount": 3,
                "terms": {"safe_passage": "Route HVNCANARY-ROUTE", "crossing_place": "Ford 7"},
                "notes": "Commander asks for HVNCANARY-NOTE",
                "parties": [
                    {"name": "Bo HVNCANARY-Commander", "rank": "Lt Col", "unit": "LIB 531"}
                ],
            }
        ),
    )


def roll_rows(count: int, *, company_size: int = 100) -> list[ImportRow]:
    return [
        ImportRow(
            number=i + 2,
            values={
                "name_latin": f"Soldier {i:04d}",
                "rank": "Private" if i % 10 else "Corporal",
                "unit": "LIB 531",
                "company": f"Coy {i // company_size + 1}",
                "weapons": "1",
                "family": "2" if i % 5 == 0 else "0",
            },
        )
        for i in range(count)
    ]


def executing(db: Session, t: Team, *, size: int = 3) -> Agreement:
    """An agreement approved by two named approvers, with a roll, in executing state."""
    agreement = draft(db, t)
    report = roll.import_roll(db, t.negotiator, agreement.id, roll_rows(size), dry_run=False)
    assert report.ok, report.errors
    service.transition(db, t.negotiator, agreement.id, AgreementStatus.NEGOTIATING)
    for manager in (t.manager1, t.manager2):
        assert manager.user_id is not None
        service.name_approver(db, t.negotiator, agreement.id, manager.user_id)
    service.approve(db, f.fresh(db, t.manager1), agreement.id)
    service.approve(db, f.fresh(db, t.manager2), agreement.id)
    service.transition(db, t.negotiator, agreement.id, AgreementStatus.EXECUTING)
    return agreement
