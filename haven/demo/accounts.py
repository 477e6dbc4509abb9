"""Demo organisations, reception points and one user per role."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from haven.accounts import mfa, repository, service
from haven.accounts.models import Organisation, Site
from haven.accounts.schemas import UserCreate
from haven.config import Settings
from haven.security.permissions import Actor, Role

DEMO_PASSWORD = "haven-demo-passphrase"  # noqa: S105 - printed for demo use, by design
# Privileged roles need a second factor: the demo ones share this authenticator key.
DEMO_TOTP_SECRET = "HAVENDEMOSECRETFORDEMONSTRATIONX"  # noqa: S105 - printed for demo use

ORGANISATIONS: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "Interim Executive Council (demo)",
        "interim_council",
        [
            ("Demoso reception point", "Demoso"),
            ("Hpruso reception point", "Hpruso"),
            ("Loikaw office", "Loikaw"),
        ],
    ),
    (
        "People's Administration Group Shadaw (demo)",
        "administration_group",
        [("Shadaw reception point", "Shadaw")],
    ),
    ("Civil-society partner (demo)", "partner", [("Mese office", "Mese")]),
]

# username, display name, role, organisation index, site index (or None)
USERS: list[tuple[str, str, Role, int, int | None]] = [
    ("admin", "Demo Administrator", Role.ADMINISTRATOR, 0, None),
    ("registrar", "Demo Registrar (Demoso)", Role.REGISTRAR, 0, 0),
    ("registrar2", "Demo Registrar (Hpruso)", Role.REGISTRAR, 0, 1),
    ("caseworker", "Demo Case Worker", Role.CASE_WORKER, 0, None),
    ("vetting", "Demo Vetting Officer", Role.VETTING_OFFICER, 0, None),
    ("vetting2", "Demo Vetting Officer 2", Role.VETTING_OFFICER, 0, None),
    ("finance", "Demo Finance Officer", Role.FINANCE_OFFICER, 0, None),
    ("finance2", "Demo Finance Approver", Role.FINANCE_OFFICER, 0, None),
    ("pow", "Demo POW Officer", Role.POW_OFFICER, 0, None),
    ("negotiator", "Demo Negotiator", Role.NEGOTIATOR, 0, None),
    ("manager", "Demo Programme Manager", Role.MANAGER, 0, None),
    # Finalizing a defection agreement needs two different named approvers.
    ("manager2", "Demo Programme Manager 2", Role.MANAGER, 0, None),
    ("auditor", "Demo Auditor", Role.AUDITOR, 0, None),
    ("pag-admin", "Demo PAG Administrator", Role.ADMINISTRATOR, 1, None),
    ("pag-registrar", "Demo PAG Registrar", Role.REGISTRAR, 1, 0),
    ("partner-caseworker", "Demo Partner Case Worker", Role.CASE_WORKER, 2, None),
]


@dataclass
class DemoAccounts:
    organisations: list[Organisation] = field(default_factory=list)
    sites: list[list[Site]] = field(default_factory=list)
    created_users: int = 0


def seed_accounts(session: Session, settings: Settings | None = None) -> DemoAccounts:
    """Create what is missing; existing demo records are left as they are."""
    actor = Actor.system("demo")
    result = DemoAccounts()
    for name, kind, sites in ORGANISATIONS:
        organisation = repository.organisation_by_name(session, name)
        if organisation is None:
            organisation = service.create_organisation(session, actor, name=name, kind=kind)
        result.organisations.append(organisation)
        org_sites = []
        for site_name, township in sites:
            site = repository.site_by_name(session, organisation.id, site_name)
            if site is None:
                site = service.create_site(
                    session,
                    actor,
                    organisation_id=organisation.id,
                    name=site_name,
                    township=township,
                )
            org_sites.append(site)
        result.sites.append(org_sites)
    for username, display_name, role, org_index, site_index in USERS:
        if repository.user_by_username(session, username):
            continue
        site = result.sites[org_index][site_index] if site_index is not None else None
        user = service.create_user(
            session,
            actor,
            UserCreate(
                username=username,
                display_name=display_name,
                role=role,
                site_id=site.id if site else None,
                password=DEMO_PASSWORD,
            ),
            organisation_id=result.organisations[org_index].id,
            settings=settings,
        )
        if mfa.requires_second_factor(role):
            mfa.provision_totp(session, actor, user, secret=DEMO_TOTP_SECRET)
        result.created_users += 1
    return result
